package benchmark

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

// SoakOptions configure a soak run.
type SoakOptions struct {
	Duration    time.Duration
	Concurrency int
	// WriteShare is the fraction of operations that are writes (default
	// 0.1): half uploads of a small new document, half deletions of one.
	WriteShare float64
	// PID is the server process whose memory is sampled (0: this one).
	PID int
	// SampleEvery is the memory sampling interval (default 5 s).
	SampleEvery time.Duration
	Seed        uint64
}

// SoakOp is the figures of one kind of operation in a soak.
type SoakOp struct {
	Op       string
	Requests int
	Errors   int
	P50, P99 time.Duration
	Max      time.Duration
}

// SoakReport is the outcome of a soak.
type SoakReport struct {
	Duration    time.Duration
	Concurrency int
	Ops         []SoakOp
	Errors      []string // the first errors, verbatim
	Memory      []RSSSample
	// DocumentsBefore and DocumentsAfter are the index's documents before
	// the soak and after its uploads were deleted again: equal unless a
	// write was lost or duplicated.
	DocumentsBefore, DocumentsAfter int
}

// TotalErrors sums the errors of every operation.
func (r *SoakReport) TotalErrors() int {
	n := 0
	for _, o := range r.Ops {
		n += o.Errors
	}
	return n
}

// Soak sends a mix of reads (qs, in turn) and writes to the server for
// o.Duration and checks every answer: a read must succeed, an upload must
// be acknowledged and then readable, a deletion must succeed. Uploads still
// held at the end are deleted, so the index is left as it was.
func Soak(ctx context.Context, t *HTTPTarget, qs []Query, docs []string, o SoakOptions) (*SoakReport, error) {
	if o.Concurrency <= 0 {
		o.Concurrency = 8
	}
	if o.WriteShare <= 0 {
		o.WriteShare = 0.1
	}
	if o.SampleEvery <= 0 {
		o.SampleEvery = 5 * time.Second
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("soak: no document to upload")
	}
	before, _, err := t.Info(ctx)
	if err != nil {
		return nil, fmt.Errorf("soak: %w", err)
	}
	rep := &SoakReport{Duration: o.Duration, Concurrency: o.Concurrency, DocumentsBefore: before}

	var (
		mu   sync.Mutex
		lats = map[string][]time.Duration{}
		errs = map[string]int{}
	)
	record := func(op string, d time.Duration, err error) {
		mu.Lock()
		defer mu.Unlock()
		lats[op] = append(lats[op], d)
		if err != nil {
			errs[op]++
			if len(rep.Errors) < 20 {
				rep.Errors = append(rep.Errors, op+": "+err.Error())
			}
		}
	}

	mem := SampleRSS(o.PID, o.SampleEvery)
	runCtx, cancel := context.WithTimeout(ctx, o.Duration)
	defer cancel()
	var wg sync.WaitGroup
	held := make([][]string, o.Concurrency) // uploaded ids per worker
	for w := range o.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(o.Seed, uint64(w)+1))
			for i := 0; runCtx.Err() == nil; i++ {
				if rng.Float64() >= o.WriteShare {
					q := qs[(w*7919+i)%len(qs)]
					t0 := time.Now()
					_, err := t.Do(runCtx, q)
					if runCtx.Err() != nil {
						return // cut off by the end of the soak, not a failure
					}
					record("read: "+q.Kind, time.Since(t0), err)
					continue
				}
				if len(held[w]) > 0 && (len(held[w]) >= 3 || rng.IntN(2) == 0) {
					id := held[w][0]
					t0 := time.Now()
					err := t.deleteDocument(context.WithoutCancel(runCtx), id)
					record("delete", time.Since(t0), err)
					if err == nil {
						held[w] = held[w][1:]
					}
					continue
				}
				text := soakDocument(docs[(w+i)%len(docs)], w, i)
				t0 := time.Now()
				id, err := t.upload(context.WithoutCancel(runCtx), fmt.Sprintf("soak-%d-%d.txt", w, i), text)
				record("upload", time.Since(t0), err)
				if err == nil {
					held[w] = append(held[w], id)
				}
			}
		}()
	}
	wg.Wait()
	rep.Memory = mem.Stop()
	for w := range held {
		for _, id := range held[w] {
			t0 := time.Now()
			err := t.deleteDocument(ctx, id)
			record("delete", time.Since(t0), err)
		}
	}
	after, _, err := t.Info(ctx)
	if err != nil {
		return rep, fmt.Errorf("soak: %w", err)
	}
	rep.DocumentsAfter = after

	ops := make([]string, 0, len(lats))
	for op := range lats {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	for _, op := range ops {
		p50, _, p99, mx := Percentiles(lats[op])
		rep.Ops = append(rep.Ops, SoakOp{Op: op, Requests: len(lats[op]), Errors: errs[op], P50: p50, P99: p99, Max: mx})
	}
	return rep, nil
}

// soakDocument makes a small, new document from a template: the numbered
// provisions of template with a mark that makes its content (and so its
// ID) unique to this worker and step.
func soakDocument(template string, worker, step int) string {
	mark := fmt.Sprintf("（测试批次%d-%d）", worker, step)
	return strings.Replace(template, "。", "。"+mark, 1)
}

// SoakTemplates builds small documents (a title, one chapter, a few
// numbered provisions) from the corpus's provisions, to be uploaded during
// a soak.
func SoakTemplates(c *Corpus, n, per int) []string {
	var out []string
	for _, i := range spreadIndex(len(c.Provisions)-per, n) {
		var b strings.Builder
		p := c.Provisions[i]
		city := p.City
		if city == "" {
			city = "舟山市"
		}
		fmt.Fprintf(&b, "2024年%s卫生健康工作要点\n\n一、重点工作\n", city)
		for j := range per {
			text := c.Provisions[i+j].Text
			if !strings.Contains(text, "。") {
				text += "。"
			}
			fmt.Fprintf(&b, "%d.%s\n", j+1, text)
		}
		out = append(out, b.String())
	}
	return out
}

// upload sends a document as a text/plain body and checks that it can be
// read back.
func (t *HTTPTarget) upload(ctx context.Context, name, text string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.Base+"/api/documents?name="+url.QueryEscape(name), strings.NewReader(text))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "text/plain; charset=utf-8")
	req.Header.Set("Authorization", "Bearer "+t.Token)
	body, err := t.do(req, http.StatusCreated, http.StatusOK)
	if err != nil {
		return "", err
	}
	var r struct {
		Document struct {
			ID         string            `json:"id"`
			Provisions []json.RawMessage `json:"provisions"`
		} `json:"document"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return "", fmt.Errorf("decode upload answer: %w", err)
	}
	if r.Document.ID == "" || len(r.Document.Provisions) == 0 {
		return "", fmt.Errorf("upload answered without a document: %.200s", body)
	}
	if _, err := t.get(ctx, "/api/documents/"+url.PathEscape(r.Document.ID)); err != nil {
		return "", fmt.Errorf("read back upload: %w", err)
	}
	return r.Document.ID, nil
}

func (t *HTTPTarget) deleteDocument(ctx context.Context, id string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodDelete, t.Base+"/api/documents/"+url.PathEscape(id), nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+t.Token)
	_, err = t.do(req, http.StatusNoContent)
	return err
}
