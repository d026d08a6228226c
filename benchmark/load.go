package benchmark

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ErrUnsupported is returned by a Target for a kind of query it cannot
// answer (a peer has no similar-provision or semantic search).
var ErrUnsupported = errors.New("kind of query not supported")

// Target answers the queries of the mix.
type Target interface {
	// Name labels the target in reports.
	Name() string
	// Supports reports whether the target answers queries of kind.
	Supports(kind string) bool
	// Do runs one query and returns how many provisions match it (for a
	// similar query: how many were returned).
	Do(ctx context.Context, q Query) (int, error)
}

// HTTPTarget sends the mix to a running server's API.
type HTTPTarget struct {
	Base   string // e.g. http://127.0.0.1:8080
	Client *http.Client
	// Modes are the search modes the server offers (GET /api/info).
	Modes []string
	// Token authorises uploads and deletions (soak).
	Token string
	// NoCache asks for every search to be worked out afresh
	// (Cache-Control: no-cache), not answered from the server's cache of
	// recent queries' matches: the figures are then the engine's work.
	NoCache bool
}

// NewHTTPTarget returns a target for the server at base, with a client
// that keeps enough idle connections for concurrency workers.
func NewHTTPTarget(base string, concurrency int) *HTTPTarget {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = max(concurrency, 8)
	tr.MaxIdleConns = max(concurrency, 8) * 2
	return &HTTPTarget{Base: base, Client: &http.Client{Transport: tr, Timeout: 60 * time.Second}}
}

// Name implements Target.
func (t *HTTPTarget) Name() string { return "policysearch (HTTP)" }

// Supports implements Target.
func (t *HTTPTarget) Supports(kind string) bool {
	switch strings.TrimSuffix(kind, Filtered) {
	case KindSemantic:
		return slices.Contains(t.Modes, "semantic")
	case KindHybrid:
		return slices.Contains(t.Modes, "hybrid")
	}
	return true
}

// Do implements Target.
func (t *HTTPTarget) Do(ctx context.Context, q Query) (int, error) {
	body, err := t.get(ctx, q.URL())
	if err != nil {
		return 0, err
	}
	if q.Kind == KindSimilar {
		var r struct {
			Hits []json.RawMessage `json:"hits"`
		}
		if err := json.Unmarshal(body, &r); err != nil {
			return 0, fmt.Errorf("decode similar response: %w", err)
		}
		return len(r.Hits), nil
	}
	return leadingTotal(body)
}

// Info reads GET /api/info and keeps the modes it lists. A server without
// the endpoint offers keyword search only.
func (t *HTTPTarget) Info(ctx context.Context) (documents, provisions int, err error) {
	body, err := t.get(ctx, "/api/info")
	if err != nil {
		var se *StatusError
		if errors.As(err, &se) && se.Status == http.StatusNotFound {
			return 0, 0, nil
		}
		return 0, 0, err
	}
	var info struct {
		Documents  int      `json:"documents"`
		Provisions int      `json:"provisions"`
		Modes      []string `json:"modes"`
	}
	if err := json.Unmarshal(body, &info); err != nil {
		return 0, 0, fmt.Errorf("decode /api/info: %w", err)
	}
	t.Modes = info.Modes
	return info.Documents, info.Provisions, nil
}

// StatusError is an answer other than the one expected.
type StatusError struct {
	Method, Path string
	Status       int
	Body         string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%s %s: status %d: %s", e.Method, e.Path, e.Status, e.Body)
}

func (t *HTTPTarget) get(ctx context.Context, path string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, t.Base+path, nil)
	if err != nil {
		return nil, fmt.Errorf("request %s: %w", path, err)
	}
	if t.NoCache {
		req.Header.Set("Cache-Control", "no-cache")
	}
	return t.do(req, http.StatusOK)
}

// do sends req and reads the whole answer, which must have status want.
func (t *HTTPTarget) do(req *http.Request, want ...int) ([]byte, error) {
	res, err := t.Client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: read answer: %w", req.Method, req.URL.Path, err)
	}
	for _, w := range want {
		if res.StatusCode == w {
			return body, nil
		}
	}
	return nil, &StatusError{Method: req.Method, Path: req.URL.Path, Status: res.StatusCode, Body: string(bytes.TrimSpace(body[:min(len(body), 300)]))}
}

// leadingTotal reads the "total" of a search response without decoding
// the hits: the load client shares the machine with the server, so it
// should cost little.
func leadingTotal(body []byte) (int, error) {
	key := []byte(`"total":`)
	i := bytes.Index(body, key)
	if i < 0 {
		return 0, fmt.Errorf("no total in the answer: %.100s", body)
	}
	rest := body[i+len(key):]
	j := 0
	for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
		j++
	}
	n, err := strconv.Atoi(string(rest[:j]))
	if err != nil {
		return 0, fmt.Errorf("total in the answer: %w", err)
	}
	return n, nil
}

// Stats are the figures of one kind of query against one target at one
// concurrency.
type Stats struct {
	Target      string
	Kind        string
	Concurrency int
	Requests    int
	Errors      int
	FirstError  string
	P50, P95    time.Duration
	P99, Max    time.Duration
	// Throughput is requests per second over the kind's run.
	Throughput float64
	// MeanHits is the mean number of matches per query.
	MeanHits float64
	// Latencies are the requests' own times, for medians over kinds.
	Latencies []time.Duration
}

// Warm runs every query once, unmeasured, so that the index's pages are
// in memory and the runtime's pools are filled.
func Warm(ctx context.Context, t Target, qs []Query) error {
	for _, q := range qs {
		if !t.Supports(q.Kind) {
			continue
		}
		if _, err := t.Do(ctx, q); err != nil {
			return fmt.Errorf("warm-up %s: %w", q, err)
		}
	}
	return nil
}

// Measure runs each kind's queries rounds times, from concurrency
// workers, and returns one Stats per kind (in mix order). Kinds the target
// does not support are left out.
func Measure(ctx context.Context, t Target, qs []Query, concurrency, rounds int) []Stats {
	var out []Stats
	for _, kind := range Kinds(qs) {
		if !t.Supports(kind) {
			continue
		}
		var list []Query
		for range rounds {
			for _, q := range qs {
				if q.Kind == kind {
					list = append(list, q)
				}
			}
		}
		out = append(out, measureKind(ctx, t, kind, list, concurrency))
		if ctx.Err() != nil {
			break
		}
	}
	return out
}

func measureKind(ctx context.Context, t Target, kind string, list []Query, concurrency int) Stats {
	lat := make([]time.Duration, len(list))
	hits := make([]int, len(list))
	var (
		next     atomic.Int64
		errs     atomic.Int64
		firstErr sync.Once
		first    string
		wg       sync.WaitGroup
	)
	start := time.Now()
	for range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(list) || ctx.Err() != nil {
					return
				}
				t0 := time.Now()
				n, err := t.Do(ctx, list[i])
				lat[i] = time.Since(t0)
				hits[i] = n
				if err != nil {
					errs.Add(1)
					firstErr.Do(func() { first = err.Error() })
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	s := Stats{Target: t.Name(), Kind: kind, Concurrency: concurrency, Requests: len(list),
		Errors: int(errs.Load()), FirstError: first}
	if elapsed > 0 {
		s.Throughput = float64(len(list)) / elapsed.Seconds()
	}
	total := 0
	for _, h := range hits {
		total += h
	}
	if len(list) > 0 {
		s.MeanHits = float64(total) / float64(len(list))
	}
	s.P50, s.P95, s.P99, s.Max = Percentiles(lat)
	s.Latencies = lat
	return s
}

// Percentiles returns the 50th, 95th and 99th percentiles (nearest rank)
// and the maximum of d.
func Percentiles(d []time.Duration) (p50, p95, p99, maxD time.Duration) {
	if len(d) == 0 {
		return 0, 0, 0, 0
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	rank := func(p float64) time.Duration {
		i := int(p*float64(len(s))+0.999999) - 1
		return s[min(max(i, 0), len(s)-1)]
	}
	return rank(0.50), rank(0.95), rank(0.99), s[len(s)-1]
}

// RSSSampler records a process's resident memory at intervals.
type RSSSampler struct {
	mu      sync.Mutex
	samples []RSSSample
	stop    context.CancelFunc
	done    chan struct{}
}

// RSSSample is one reading.
type RSSSample struct {
	At  time.Duration // since sampling began
	RSS int64
}

// SampleRSS reads the memory of process pid (0: this one) every interval
// until Stop.
func SampleRSS(pid int, every time.Duration) *RSSSampler {
	ctx, cancel := context.WithCancel(context.Background())
	s := &RSSSampler{stop: cancel, done: make(chan struct{})}
	start := time.Now()
	go func() {
		defer close(s.done)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			if m, err := ReadProcMemory(pid); err == nil {
				s.mu.Lock()
				s.samples = append(s.samples, RSSSample{At: time.Since(start), RSS: m.RSS})
				s.mu.Unlock()
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	return s
}

// Stop ends sampling and returns the readings.
func (s *RSSSampler) Stop() []RSSSample {
	s.stop()
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]RSSSample(nil), s.samples...)
}

// MaxRSS returns the largest reading.
func MaxRSS(samples []RSSSample) int64 {
	var m int64
	for _, s := range samples {
		m = max(m, s.RSS)
	}
	return m
}
