package vector

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeService speaks the embeddings protocol: the vector of a text is
// (len, first byte, 1, …) so that order can be checked. respond may replace
// the answer of a given request (numbered from 1).
type fakeService struct {
	t       *testing.T
	dim     int
	calls   atomic.Int32
	mu      sync.Mutex
	batches [][]string
	headers []http.Header
	respond func(call int, w http.ResponseWriter, r *http.Request, in []string) bool
}

func (f *fakeService) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	call := int(f.calls.Add(1))
	if r.Method != http.MethodPost || r.URL.Path != "/v1/embeddings" {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	var req embeddingRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Model != "bge-m3" {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.batches = append(f.batches, req.Input)
	f.headers = append(f.headers, r.Header.Clone())
	f.mu.Unlock()
	if f.respond != nil && f.respond(call, w, r, req.Input) {
		return
	}
	writeEmbeddings(w, req.Input, f.dim, false)
}

type dataItem struct {
	Index     int       `json:"index"`
	Embedding []float32 `json:"embedding"`
}

func fakeVector(text string, dim int) []float32 {
	v := make([]float32, dim)
	v[0] = float32(len(text))
	if len(text) > 0 {
		v[1] = float32(text[0])
	}
	for i := 2; i < dim; i++ {
		v[i] = 1
	}
	return v
}

// writeEmbeddings answers with the vectors of in, in reverse order when
// reversed (the index field says where each belongs).
func writeEmbeddings(w http.ResponseWriter, in []string, dim int, reversed bool) {
	data := make([]dataItem, len(in))
	for i, text := range in {
		at := i
		if reversed {
			at = len(in) - 1 - i
		}
		data[at] = dataItem{Index: i, Embedding: fakeVector(text, dim)}
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"object": "list", "data": data, "model": "bge-m3"})
}

func newFake(t *testing.T, dim int) (*fakeService, *httptest.Server) {
	f := &fakeService{t: t, dim: dim}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

func newClient(t *testing.T, base string, cfg OpenAIConfig) *OpenAI {
	t.Helper()
	cfg.BaseURL = base
	cfg.Model = "bge-m3"
	cfg.Backoff = cmpDuration(cfg.Backoff, time.Millisecond)
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	o, err := NewOpenAI(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func cmpDuration(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

func texts(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = strings.Repeat(string(rune('a'+i%26)), i+1)
	}
	return out
}

func TestOpenAIBatchesAndNormalises(t *testing.T) {
	f, srv := newFake(t, 6)
	f.respond = func(call int, w http.ResponseWriter, _ *http.Request, in []string) bool {
		if call == 2 {
			writeEmbeddings(w, in, 6, true) // out of order, placed by index
			return true
		}
		return false
	}
	o := newClient(t, srv.URL+"/", OpenAIConfig{BatchSize: 4, APIKey: "sk-test"})
	if o.Dim() != 0 {
		t.Fatalf("dim %d before any answer", o.Dim())
	}
	in := texts(10)
	vecs, err := o.Embed(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if len(vecs) != 10 || o.Dim() != 6 {
		t.Fatalf("%d vectors, dim %d", len(vecs), o.Dim())
	}
	for i, v := range vecs {
		want := fakeVector(in[i], 6)
		normalize(want)
		if cosine(v, want) < 0.99999 || cosine(v, v) < 0.99999 || cosine(v, v) > 1.00001 {
			t.Errorf("text %d: vector %v, want %v", i, v, want)
		}
	}
	if got := len(f.batches); got != 3 {
		t.Fatalf("%d requests, want 3", got)
	}
	for i, size := range []int{4, 4, 2} {
		if len(f.batches[i]) != size {
			t.Errorf("request %d carried %d texts", i, len(f.batches[i]))
		}
		if h := f.headers[i].Get("Authorization"); h != "Bearer sk-test" {
			t.Errorf("request %d: Authorization %q", i, h)
		}
	}
	if !strings.HasPrefix(o.ID(), "openai:bge-m3@127.0.0.1:") || o.Endpoint() != srv.URL+"/v1/embeddings" {
		t.Errorf("ID %q endpoint %q", o.ID(), o.Endpoint())
	}
	// A base already ending in /v1 is not extended twice.
	o2 := newClient(t, srv.URL+"/v1", OpenAIConfig{})
	if o2.Endpoint() != o.Endpoint() || o2.ID() != o.ID() {
		t.Errorf("with /v1: %s %s", o2.Endpoint(), o2.ID())
	}
	if h := f.headers[0].Get("Authorization"); h == "" {
		t.Error("no key header")
	}
	if _, err := o2.Embed(context.Background(), []string{"x"}); err != nil {
		t.Fatal(err)
	}
	if h := f.headers[3].Get("Authorization"); h != "" {
		t.Errorf("key sent without one configured: %q", h)
	}
}

func TestOpenAIRetries(t *testing.T) {
	t.Run("429 then success", func(t *testing.T) {
		f, srv := newFake(t, 4)
		f.respond = func(call int, w http.ResponseWriter, _ *http.Request, _ []string) bool {
			if call == 1 {
				w.Header().Set("Retry-After", "0")
				http.Error(w, "slow down", http.StatusTooManyRequests)
				return true
			}
			return false
		}
		o := newClient(t, srv.URL, OpenAIConfig{})
		vecs, err := o.Embed(context.Background(), []string{"卫生", "健康"})
		if err != nil || len(vecs) != 2 {
			t.Fatalf("%d vectors, %v", len(vecs), err)
		}
		if n := f.calls.Load(); n != 2 {
			t.Errorf("%d requests, want 2", n)
		}
	})
	t.Run("500 gives up", func(t *testing.T) {
		f, srv := newFake(t, 4)
		f.respond = func(_ int, w http.ResponseWriter, _ *http.Request, _ []string) bool {
			http.Error(w, "model crashed", http.StatusInternalServerError)
			return true
		}
		o := newClient(t, srv.URL, OpenAIConfig{Retries: 2})
		_, err := o.Embed(context.Background(), []string{"a"})
		if err == nil {
			t.Fatal("no error")
		}
		for _, want := range []string{srv.URL + "/v1/embeddings", "500", "model crashed", "3 attempts"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q lacks %q", err, want)
			}
		}
		if n := f.calls.Load(); n != 3 {
			t.Errorf("%d requests, want 3", n)
		}
	})
	t.Run("400 is not retried", func(t *testing.T) {
		f, srv := newFake(t, 4)
		f.respond = func(_ int, w http.ResponseWriter, _ *http.Request, _ []string) bool {
			http.Error(w, "input too long", http.StatusBadRequest)
			return true
		}
		o := newClient(t, srv.URL, OpenAIConfig{Retries: 3})
		if _, err := o.Embed(context.Background(), []string{"a"}); err == nil || !strings.Contains(err.Error(), "input too long") {
			t.Errorf("error %v", err)
		}
		if n := f.calls.Load(); n != 1 {
			t.Errorf("%d requests, want 1", n)
		}
	})
	t.Run("cancelled while waiting", func(t *testing.T) {
		f, srv := newFake(t, 4)
		f.respond = func(_ int, w http.ResponseWriter, _ *http.Request, _ []string) bool {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return true
		}
		o := newClient(t, srv.URL, OpenAIConfig{Retries: 5, Backoff: time.Hour})
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := o.Embed(ctx, []string{"a"})
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 10*time.Second {
			t.Errorf("error %v after %s", err, time.Since(start))
		}
	})
}

func TestOpenAIMalformed(t *testing.T) {
	cases := []struct {
		name, body, want string
	}{
		{"wrong count", `{"data":[{"index":0,"embedding":[1,2]}]}`, "1 embeddings for 2 texts"},
		{"mixed dimensions", `{"data":[{"index":0,"embedding":[1,2]},{"index":1,"embedding":[1,2,3]}]}`, "mixed dimensions"},
		{"repeated index", `{"data":[{"index":0,"embedding":[1,2]},{"index":0,"embedding":[1,2]}]}`, "repeated"},
		{"zero vector", `{"data":[{"index":0,"embedding":[0,0]},{"index":1,"embedding":[1,2]}]}`, "zero"},
		{"not json", `<html>gateway</html>`, "gateway"},
		{"empty vectors", `{"data":[{"index":0,"embedding":[]},{"index":1,"embedding":[]}]}`, "empty"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, srv := newFake(t, 2)
			f.respond = func(_ int, w http.ResponseWriter, _ *http.Request, _ []string) bool {
				io.WriteString(w, tc.body)
				return true
			}
			o := newClient(t, srv.URL, OpenAIConfig{Retries: 3})
			_, err := o.Embed(context.Background(), []string{"a", "b"})
			if err == nil {
				t.Fatal("no error")
			}
			for _, want := range []string{"malformed", srv.URL, tc.want} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
			if n := f.calls.Load(); n != 1 {
				t.Errorf("malformed answer retried: %d requests", n)
			}
		})
	}
	t.Run("dimension changes between answers", func(t *testing.T) {
		f, srv := newFake(t, 3)
		f.respond = func(call int, w http.ResponseWriter, _ *http.Request, in []string) bool {
			if call == 2 {
				writeEmbeddings(w, in, 5, false)
				return true
			}
			return false
		}
		o := newClient(t, srv.URL, OpenAIConfig{BatchSize: 1})
		if _, err := o.Embed(context.Background(), []string{"a", "b"}); err == nil || !strings.Contains(err.Error(), "expected 3") {
			t.Errorf("error %v", err)
		}
		// A configured dimension is checked from the first answer on.
		o2 := newClient(t, srv.URL, OpenAIConfig{Dim: 8})
		if _, err := o2.Embed(context.Background(), []string{"a"}); err == nil || !strings.Contains(err.Error(), "expected 8") {
			t.Errorf("error %v", err)
		}
	})
}

func TestOpenAIUnreachable(t *testing.T) {
	t.Run("timeout", func(t *testing.T) {
		release := make(chan struct{})
		f, srv := newFake(t, 2)
		defer close(release)
		f.respond = func(_ int, _ http.ResponseWriter, r *http.Request, _ []string) bool {
			select {
			case <-r.Context().Done():
			case <-release:
			}
			return true
		}
		o := newClient(t, srv.URL, OpenAIConfig{Timeout: 30 * time.Millisecond, Retries: 1})
		_, err := o.Embed(context.Background(), []string{"a"})
		if err == nil {
			t.Fatal("no error")
		}
		for _, want := range []string{srv.URL, "no answer within 30ms", "2 attempts"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q lacks %q", err, want)
			}
		}
	})
	t.Run("connection refused", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		url := srv.URL
		srv.Close()
		o := newClient(t, url, OpenAIConfig{Retries: 1})
		_, err := o.Embed(context.Background(), []string{"a"})
		if err == nil || !strings.Contains(err.Error(), url) || !strings.Contains(err.Error(), "unreachable") {
			t.Errorf("error %v", err)
		}
	})
	t.Run("bad configuration", func(t *testing.T) {
		for _, cfg := range []OpenAIConfig{
			{BaseURL: "http://x", Model: ""},
			{BaseURL: "ftp://x", Model: "m"},
			{BaseURL: "localhost:8080", Model: "m"},
			{BaseURL: "http://x", Model: "m", Dim: -1},
		} {
			if _, err := NewOpenAI(cfg); err == nil {
				t.Errorf("%+v accepted", cfg)
			}
		}
	})
}

// The index accepts the service's vectors through AddTexts.
func TestOpenAIIntoIndex(t *testing.T) {
	_, srv := newFake(t, 4)
	o := newClient(t, srv.URL, OpenAIConfig{BatchSize: 2})
	// The dimension is unknown before the first answer; the index learns
	// it from the first vector.
	ix := NewIndex(o.ID(), o.Dim())
	if err := ix.AddTexts(context.Background(), o, []string{"p-1", "p-2", "p-3"}, []string{"aa", "bbbb", "a"}); err != nil {
		t.Fatal(err)
	}
	if ix.Dim() != 4 || ix.Len() != 3 {
		t.Fatalf("dim %d, %d vectors", ix.Dim(), ix.Len())
	}
	q, _ := o.Embed(context.Background(), []string{"ab"})
	hits, err := ix.Search(q[0], 1, nil)
	if err != nil || len(hits) != 1 || hits[0].ID != "p-1" {
		t.Errorf("hits %v, %v", hits, err)
	}
	other := NewIndex("lsa-d4-x", 4)
	if err := other.AddTexts(context.Background(), o, []string{"p"}, []string{"a"}); err == nil {
		t.Error("index took vectors of another embedder")
	}
}
