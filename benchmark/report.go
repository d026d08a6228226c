package benchmark

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"
)

// IndexFigures describe building one system's index over a corpus.
type IndexFigures struct {
	System     string
	Bytes      int64 // corpus text read, bytes
	Provisions int
	Elapsed    time.Duration
	PeakRSS    int64 // bytes; 0 when unknown
	Size       int64 // index on disk, bytes
	Note       string
}

// MBPerSecond is the indexing speed in MB (10^6 bytes) of corpus per second.
func (f IndexFigures) MBPerSecond() float64 {
	if f.Elapsed <= 0 {
		return 0
	}
	return float64(f.Bytes) / MB / f.Elapsed.Seconds()
}

// Report gathers a benchmark run's figures.
type Report struct {
	Date    string
	Machine string
	Corpus  string
	// Indexing holds our engine first, then the peer.
	Indexing []IndexFigures
	// Queries holds every Stats of every target and concurrency.
	Queries []Stats
	// ServerRSS is the server's largest resident memory seen during the
	// query runs; ServerPeak its VmHWM at the end, ServerEnd its resident
	// memory then and ServerFile the part of it mapped from files.
	ServerRSS, ServerPeak, ServerEnd, ServerFile int64
	Soak                                         *SoakReport
	// Load records the machine's load averages during the run (other
	// work on a shared machine inflates latencies).
	Load  []string
	Notes []string
}

// LoadAverage returns /proc/loadavg's 1-, 5- and 15-minute load averages,
// or "" where there is none.
func LoadAverage() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(raw))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

// Machine describes this computer: CPU model and count, memory, OS.
func Machine() string {
	model, mem := "", ""
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
		_ = f.Close()
	}
	if f, err := os.Open("/proc/meminfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && k == "MemTotal" {
				var kb int64
				if _, err := fmt.Sscanf(strings.TrimSpace(v), "%d", &kb); err == nil {
					mem = fmt.Sprintf(", %.0f GiB", float64(kb)/(1<<20))
				}
				break
			}
		}
		_ = f.Close()
	}
	s := fmt.Sprintf("%d cores", runtime.NumCPU())
	if model != "" {
		s += " (" + model + ")"
	}
	return s + mem + ", " + runtime.GOOS + "/" + runtime.GOARCH + ", " + runtime.Version()
}

// Markdown writes the report as Markdown tables.
func (r *Report) Markdown(w io.Writer) {
	fmt.Fprintf(w, "Machine: %s  \nCorpus: %s  \nDate: %s\n", r.Machine, r.Corpus, r.Date)
	if len(r.Load) > 0 {
		fmt.Fprintf(w, "Load averages (1, 5, 15 min) during the run: %s\n", strings.Join(r.Load, "; "))
	}
	fmt.Fprintln(w)

	if len(r.Indexing) > 0 {
		fmt.Fprintln(w, "### Indexing")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "| system | corpus | provisions | time | MB/s | provisions/s | peak RSS | index on disk | index ÷ corpus |")
		fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|")
		for _, f := range r.Indexing {
			rss := "–"
			if f.PeakRSS > 0 {
				rss = mib(f.PeakRSS)
			}
			fmt.Fprintf(w, "| %s | %.1f MB | %d | %s | %.2f | %.0f | %s | %s | %.1f× |\n",
				f.System, float64(f.Bytes)/MB, f.Provisions, f.Elapsed.Round(100*time.Millisecond),
				f.MBPerSecond(), float64(f.Provisions)/f.Elapsed.Seconds(), rss, mib(f.Size), float64(f.Size)/float64(f.Bytes))
		}
		if len(r.Indexing) > 1 && r.Indexing[1].MBPerSecond() > 0 {
			a, b := r.Indexing[0], r.Indexing[1]
			fmt.Fprintf(w, "\n%s indexes at %.2f× the speed of %s per MB, into %.1f× its index size.\n",
				a.System, a.MBPerSecond()/b.MBPerSecond(), b.System, float64(a.Size)/float64(b.Size))
		}
		for _, f := range r.Indexing {
			if f.Note != "" {
				fmt.Fprintf(w, "\n%s: %s\n", f.System, f.Note)
			}
		}
		fmt.Fprintln(w)
	}

	for _, c := range r.concurrencies() {
		r.queryTable(w, c)
	}
	if r.ServerRSS > 0 {
		fmt.Fprintf(w, "Server memory during the query runs: at most %s resident (peak %s)", mib(r.ServerRSS), mib(r.ServerPeak))
		if r.ServerEnd > 0 {
			fmt.Fprintf(w, "; %s at the end, of which %s mapped from the index's files", mib(r.ServerEnd), mib(r.ServerFile))
		}
		fmt.Fprint(w, ".\n\n")
	}
	if r.Soak != nil {
		r.soakTable(w)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "- %s\n", n)
	}
}

// pooled writes the medians of kinds taken together: keyword mode over
// every text kind with and without filters (a median over a mix of
// queries, as users send them), and the default mode against keyword mode
// on the same texts.
func (r *Report) pooled(w io.Writer, conc int, targets []string) {
	pool := func(target string, keep func(kind string) bool) (time.Duration, int) {
		var lat []time.Duration
		for _, s := range r.Queries {
			if s.Concurrency == conc && s.Target == target && keep(s.Kind) {
				lat = append(lat, s.Latencies...)
			}
		}
		p50, _, _, _ := Percentiles(lat)
		return p50, len(lat)
	}
	base := func(kind string) string { return strings.TrimSuffix(kind, Filtered) }
	text, n := pool(targets[0], textKind)
	if n == 0 {
		return
	}
	fmt.Fprintf(w, "Medians over kinds together: keyword mode, every text kind with and without filters, %s ms (%d requests)", ms(text), n)
	for _, t := range targets[1:] {
		if peer, np := pool(t, textKind); np > 0 {
			fmt.Fprintf(w, "; %s on the same kinds %s ms (%d requests)", t, ms(peer), np)
		}
	}
	hybrid, nh := pool(targets[0], func(k string) bool { return base(k) == KindHybrid })
	keyword, nk := pool(targets[0], func(k string) bool { return base(k) == KindKeyword })
	if nh > 0 && nk > 0 && keyword > 0 {
		fmt.Fprintf(w, "; default mode (hybrid) %s ms against keyword mode's %s ms on the same texts, with and without filters (%.2f×)",
			ms(hybrid), ms(keyword), float64(hybrid)/float64(keyword))
	}
	fmt.Fprint(w, ".\n\n")
}

func (r *Report) concurrencies() []int {
	var cs []int
	for _, s := range r.Queries {
		seen := false
		for _, c := range cs {
			seen = seen || c == s.Concurrency
		}
		if !seen {
			cs = append(cs, s.Concurrency)
		}
	}
	return cs
}

// queryTable writes one table per concurrency: a row per kind, our figures
// then the peers' and the ratios of their median to ours.
func (r *Report) queryTable(w io.Writer, conc int) {
	var targets []string
	byKey := map[[2]string]Stats{}
	var kinds []string
	for _, s := range r.Queries {
		if s.Concurrency != conc {
			continue
		}
		if !slices.Contains(targets, s.Target) {
			targets = append(targets, s.Target)
		}
		if !slices.Contains(kinds, s.Kind) {
			kinds = append(kinds, s.Kind)
		}
		byKey[[2]string{s.Target, s.Kind}] = s
	}
	if len(targets) == 0 {
		return
	}
	fmt.Fprintf(w, "### Queries at concurrency %d\n\n", conc)
	head := "| kind |"
	rule := "|---|"
	for i, t := range targets {
		if i == 0 {
			head += fmt.Sprintf(" %s p50 / p95 / p99 ms | req/s | hits |", t)
			rule += "---:|---:|---:|"
			continue
		}
		head += fmt.Sprintf(" %s p50 / p99 ms | req/s | ÷ ours (p50) |", t)
		rule += "---:|---:|---:|"
	}
	fmt.Fprintln(w, head)
	fmt.Fprintln(w, rule)
	errNotes := []string{}
	for _, k := range kinds {
		row := "| " + k + " |"
		ours, haveOurs := byKey[[2]string{targets[0], k}]
		for i, t := range targets {
			s, ok := byKey[[2]string{t, k}]
			if !ok {
				row += " – | – | – |"
				continue
			}
			if s.Errors > 0 {
				errNotes = append(errNotes, fmt.Sprintf("%s, %s: %d of %d requests failed (%s)", t, k, s.Errors, s.Requests, s.FirstError))
			}
			if i == 0 {
				row += fmt.Sprintf(" %s / %s / %s | %.0f | %.0f |", ms(s.P50), ms(s.P95), ms(s.P99), s.Throughput, s.MeanHits)
				continue
			}
			ratio := "–"
			if haveOurs && ours.P50 > 0 {
				ratio = fmt.Sprintf("%.1f×", float64(s.P50)/float64(ours.P50))
			}
			row += fmt.Sprintf(" %s / %s | %.0f | %s |", ms(s.P50), ms(s.P99), s.Throughput, ratio)
		}
		fmt.Fprintln(w, row)
	}
	fmt.Fprintln(w)
	r.pooled(w, conc, targets)
	for _, n := range errNotes {
		fmt.Fprintf(w, "- errors: %s\n", n)
	}
	if len(errNotes) > 0 {
		fmt.Fprintln(w)
	}
}

func (r *Report) soakTable(w io.Writer) {
	s := r.Soak
	fmt.Fprintf(w, "### Soak: %s at concurrency %d, mixed reads and writes\n\n", s.Duration, s.Concurrency)
	fmt.Fprintln(w, "| operation | requests | errors | p50 ms | p99 ms | max ms |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|")
	for _, o := range s.Ops {
		fmt.Fprintf(w, "| %s | %d | %d | %s | %s | %s |\n", o.Op, o.Requests, o.Errors, ms(o.P50), ms(o.P99), ms(o.Max))
	}
	fmt.Fprintf(w, "\nErrors: %d. Documents before %d, after the uploads were deleted %d.\n", s.TotalErrors(), s.DocumentsBefore, s.DocumentsAfter)
	for _, e := range s.Errors {
		fmt.Fprintf(w, "- %s\n", e)
	}
	if len(s.Memory) > 0 {
		fmt.Fprintln(w, "\nServer memory (RSS) over the soak:")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "| time | RSS |")
		fmt.Fprintln(w, "|---:|---:|")
		step := max(1, len(s.Memory)/12)
		for i := 0; i < len(s.Memory); i += step {
			m := s.Memory[i]
			fmt.Fprintf(w, "| %s | %s |\n", m.At.Round(time.Second), mib(m.RSS))
		}
		if last := s.Memory[len(s.Memory)-1]; (len(s.Memory)-1)%step != 0 {
			fmt.Fprintf(w, "| %s | %s |\n", last.At.Round(time.Second), mib(last.RSS))
		}
	}
	fmt.Fprintln(w)
}

func ms(d time.Duration) string {
	v := float64(d) / float64(time.Millisecond)
	switch {
	case v < 10:
		return fmt.Sprintf("%.2f", v)
	case v < 100:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.0f", v)
}

func mib(b int64) string {
	if b >= 10*1<<30 {
		return fmt.Sprintf("%.1f GiB", float64(b)/(1<<30))
	}
	return fmt.Sprintf("%.0f MiB", float64(b)/MiB)
}
