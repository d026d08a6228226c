package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/policysearch/policysearch/indexer"
	"github.com/policysearch/policysearch/search"
	"github.com/policysearch/policysearch/seeds"
)

// testToken is the write token of the test servers.
const testToken = "test-token"

var (
	// analysis is shared by every engine of the test binary: the segmenter
	// is installed process-wide, one per process.
	analysis *search.Analysis
	// goldenDir holds the index built once from the seeds; each test that
	// needs an index copies it.
	goldenDir string
	// shared serves the read-only tests.
	shared *testServer
)

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	ctx := context.Background()
	root, err := os.MkdirTemp("", "policysearch-server-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(root)

	// The same wiring as the program's (cmd/policysearch/app.go).
	analysis, err = search.NewAnalysis("")
	if err != nil {
		fmt.Fprintln(os.Stderr, "analysis:", err)
		return 1
	}
	defer analysis.Close()
	goldenDir = filepath.Join(root, "golden")
	e, err := search.Open(ctx, analysis, search.OpenOptions{IndexDir: goldenDir, Corpus: seeds.FS})
	if err != nil {
		fmt.Fprintln(os.Stderr, "build index:", err)
		return 1
	}
	if err := e.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "close index:", err)
		return 1
	}

	sharedDir := filepath.Join(root, "shared")
	if err := copyDir(goldenDir, sharedDir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	se, err := openEngine(sharedDir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	shared = startServer(Config{Token: testToken}, se)
	defer func() {
		shared.http.Close()
		_ = se.Close()
	}()
	return m.Run()
}

// openEngine opens an existing index folder as the program does.
func openEngine(dir string) (*search.Engine, error) {
	return search.Open(context.Background(), analysis, search.OpenOptions{IndexDir: dir, Corpus: seeds.FS})
}

// testServer is a Server behind a real HTTP listener.
type testServer struct {
	srv    *Server
	engine *search.Engine
	http   *httptest.Server
	dir    string
	// hold delays every API answer by this many nanoseconds (0: none), as
	// a slow link does; set through slowAnswers.
	hold atomic.Int64
}

// slowAnswers makes the server hold every API answer for d before
// answering (0 lifts it). Done on the server's side so that the browser
// tests need no DevTools network emulation, which Chromium builds differ on.
func (ts *testServer) slowAnswers(d time.Duration) {
	ts.hold.Store(int64(d))
}

// ServeHTTP serves a request, first holding an API request while a hold
// is set.
func (ts *testServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if d := time.Duration(ts.hold.Load()); d > 0 && strings.HasPrefix(r.URL.Path, "/api/") {
		select {
		case <-time.After(d):
		case <-r.Context().Done():
			return
		}
	}
	ts.srv.ServeHTTP(w, r)
}

func quietLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

func startServer(cfg Config, e *search.Engine) *testServer {
	if cfg.Logger == nil {
		cfg.Logger = quietLogger()
	}
	s := New(cfg)
	if e != nil {
		s.SetEngine(e)
	}
	ts := &testServer{srv: s, engine: e}
	ts.http = httptest.NewServer(ts)
	return ts
}

// newWritableServer serves a private copy of the seed index, for tests that
// change it.
func newWritableServer(t *testing.T, cfg Config) *testServer {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "index")
	if err := copyDir(goldenDir, dir); err != nil {
		t.Fatal(err)
	}
	e, err := openEngine(dir)
	if err != nil {
		t.Fatal(err)
	}
	ts := startServer(cfg, e)
	ts.dir = dir
	t.Cleanup(func() {
		ts.http.Close()
		_ = e.Close()
	})
	return ts
}

func copyDir(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}

// response is an answer read whole.
type response struct {
	status int
	header http.Header
	body   []byte
}

// try sends one request and reads the answer whole; safe to call from
// any goroutine.
func (ts *testServer) try(method, path string, body io.Reader, header map[string]string) (response, error) {
	req, err := http.NewRequest(method, ts.http.URL+path, body)
	if err != nil {
		return response{}, err
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := ts.http.Client().Do(req)
	if err != nil {
		return response{}, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return response{}, fmt.Errorf("%s %s: read body: %w", method, path, err)
	}
	return response{status: res.StatusCode, header: res.Header, body: b}, nil
}

func (ts *testServer) do(t testing.TB, method, path string, body io.Reader, header map[string]string) response {
	t.Helper()
	r, err := ts.try(method, path, body, header)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (ts *testServer) get(t testing.TB, path string) response {
	t.Helper()
	return ts.do(t, http.MethodGet, path, nil, nil)
}

// getJSON GETs path, requires 200 and decodes the body into v.
func (ts *testServer) getJSON(t testing.TB, path string, v any) {
	t.Helper()
	r := ts.get(t, path)
	if r.status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, r.status, r.body)
	}
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("GET %s: decode: %v", path, err)
	}
}

// searchPage runs one search with the given parameters.
func (ts *testServer) searchPage(t testing.TB, params url.Values) search.Response {
	t.Helper()
	var res search.Response
	ts.getJSON(t, "/api/search?"+params.Encode(), &res)
	return res
}

// searchAll walks every page of a search and returns the hits in order.
func (ts *testServer) searchAll(t testing.TB, params url.Values, size int) ([]search.Hit, int) {
	t.Helper()
	var hits []search.Hit
	total := -1
	for page := 1; ; page++ {
		p := url.Values{}
		for k, v := range params {
			p[k] = v
		}
		p.Set("page", fmt.Sprint(page))
		p.Set("size", fmt.Sprint(size))
		res := ts.searchPage(t, p)
		if total >= 0 && res.Total != total {
			t.Fatalf("total changed between pages: %d then %d", total, res.Total)
		}
		total = res.Total
		hits = append(hits, res.Hits...)
		if len(res.Hits) < size || page*size >= total {
			return hits, total
		}
	}
}

// counts returns the documents and provisions the server reports.
func (ts *testServer) counts(t testing.TB) (docs, provisions int) {
	t.Helper()
	var r readyResponse
	ts.getJSON(t, "/readyz", &r)
	return r.Documents, r.Provisions
}

// allProvisions reads every provision through /api/documents/{id}.
func (ts *testServer) allProvisions(t testing.TB) []indexer.Provision {
	t.Helper()
	var list search.LibraryResponse
	ts.getJSON(t, "/api/documents", &list)
	var out []indexer.Provision
	for _, d := range list.Documents {
		var v search.DocumentView
		ts.getJSON(t, "/api/documents/"+url.PathEscape(d.ID), &v)
		out = append(out, v.Provisions...)
	}
	return out
}

// wantError checks a response is an error with the JSON error shape.
func wantError(t testing.TB, what string, r response, status int, code string) {
	t.Helper()
	if r.status != status {
		t.Errorf("%s: status %d, want %d (%s)", what, r.status, status, r.body)
		return
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("%s: content type %q, want JSON", what, ct)
	}
	var body struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(r.body, &raw); err != nil || len(raw) != 1 || raw["error"] == nil {
		t.Errorf("%s: body is not {\"error\": …}: %s", what, r.body)
		return
	}
	if err := json.Unmarshal(r.body, &body); err != nil {
		t.Errorf("%s: decode error body: %v", what, err)
		return
	}
	if body.Error.Code != code {
		t.Errorf("%s: code %q, want %q (%s)", what, body.Error.Code, code, body.Error.Message)
	}
	if body.Error.Message == "" {
		t.Errorf("%s: empty error message", what)
	}
}

// failureLog gathers what goroutines of a test find wrong (the first
// twenty), for the test to report once they have stopped.
type failureLog struct {
	mu   sync.Mutex
	msgs []string
}

func (l *failureLog) add(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.msgs) < 20 {
		l.msgs = append(l.msgs, fmt.Sprintf(format, args...))
	}
}

// report fails t with every failure gathered.
func (l *failureLog) report(t testing.TB) {
	t.Helper()
	for _, m := range l.msgs {
		t.Error(m)
	}
}
