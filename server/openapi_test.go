package server

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// openAPIPath turns an echo route path into its OpenAPI form.
func openAPIPath(p string) string {
	p = regexp.MustCompile(`:([A-Za-z_]+)`).ReplaceAllString(p, "{$1}")
	return strings.Replace(p, "*", "{path}", 1)
}

// TestOpenAPIMatchesRoutes fails when a registered route is missing from
// the OpenAPI document, or the document describes a route that is not
// registered.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	shared.getJSON(t, "/openapi.json", &doc)
	if !strings.HasPrefix(doc.OpenAPI, "3.0.") {
		t.Fatalf("openapi version %q", doc.OpenAPI)
	}
	registered := map[string]bool{}
	for _, r := range shared.srv.echo.Routes() {
		key := strings.ToLower(r.Method) + " " + openAPIPath(r.Path)
		registered[key] = true
		if _, ok := doc.Paths[openAPIPath(r.Path)][strings.ToLower(r.Method)]; !ok {
			t.Errorf("route %s %s is not in the OpenAPI document", r.Method, r.Path)
		}
	}
	for p, ops := range doc.Paths {
		for m := range ops {
			if m == "parameters" {
				continue
			}
			if !registered[m+" "+p] {
				t.Errorf("the OpenAPI document describes %s %s, which is not registered", strings.ToUpper(m), p)
			}
		}
	}
}

// TestOpenAPIIsWellFormed checks what a validator would trip on: every
// $ref resolves, every operation has responses and a unique operationId,
// and every path parameter is declared.
func TestOpenAPIIsWellFormed(t *testing.T) {
	var doc map[string]any
	shared.getJSON(t, "/openapi.json", &doc)
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if r, ok := v["$ref"].(string); ok {
				if len(v) != 1 {
					t.Errorf("$ref %s has siblings", r)
				}
				if resolve(doc, r) == nil {
					t.Errorf("$ref %s does not resolve", r)
				}
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(doc)

	ids := map[string]bool{}
	paths := doc["paths"].(map[string]any)
	for p, item := range paths {
		for m, op := range item.(map[string]any) {
			o := op.(map[string]any)
			id, _ := o["operationId"].(string)
			if id == "" || ids[id] {
				t.Errorf("%s %s: operationId %q missing or repeated", m, p, id)
			}
			ids[id] = true
			if rs, _ := o["responses"].(map[string]any); len(rs) == 0 {
				t.Errorf("%s %s: no responses", m, p)
			}
			var declared []string
			for _, prm := range asSlice(o["parameters"]) {
				pm := prm.(map[string]any)
				if pm["in"] == "path" {
					declared = append(declared, pm["name"].(string))
					if pm["required"] != true {
						t.Errorf("%s %s: path parameter %s not required", m, p, pm["name"])
					}
				}
			}
			for _, name := range regexp.MustCompile(`\{([^}]+)\}`).FindAllStringSubmatch(p, -1) {
				if !slices.Contains(declared, name[1]) {
					t.Errorf("%s %s: path parameter %s not declared", m, p, name[1])
				}
			}
		}
	}
}

// TestOpenAPISecurityMatchesRoutes holds each operation's declared
// security to what the route does: an operation that names the bearer
// scheme answers 401 without a token, a public one never asks for it.
func TestOpenAPISecurityMatchesRoutes(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]struct {
			Security *[]map[string][]string `json:"security"`
		} `json:"paths"`
	}
	shared.getJSON(t, "/openapi.json", &doc)
	// Path parameters get values of the right shape that name nothing, so
	// no request (none carries a token) can change the index.
	fill := strings.NewReplacer("{id}", "0000000000000000", "{path}", "no-such-file")
	for p, ops := range doc.Paths {
		for m, op := range ops {
			if op.Security == nil {
				t.Errorf("%s %s declares no security", strings.ToUpper(m), p)
				continue
			}
			needsToken := false
			for _, req := range *op.Security {
				if _, ok := req["bearer"]; ok {
					needsToken = true
				}
			}
			r := shared.do(t, strings.ToUpper(m), fill.Replace(p), nil, nil)
			switch {
			case needsToken && r.status != http.StatusUnauthorized:
				t.Errorf("%s %s declares the bearer token but answers %d without one", strings.ToUpper(m), p, r.status)
			case !needsToken && (r.status == http.StatusUnauthorized || r.status == http.StatusForbidden):
				t.Errorf("%s %s is declared public but answers %d without a token", strings.ToUpper(m), p, r.status)
			}
		}
	}
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

func resolve(doc map[string]any, ref string) any {
	var cur any = doc
	for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[part]
	}
	return cur
}

func TestMetrics(t *testing.T) {
	ts := startServer(Config{}, shared.engine)
	defer ts.http.Close()
	ts.get(t, "/api/search?q=医疗")
	ts.get(t, "/api/search?q=医疗&colour=x")
	ts.get(t, "/no/such/route")
	r := ts.get(t, "/metrics")
	if r.status != 200 {
		t.Fatalf("metrics: %d", r.status)
	}
	docs, provs := shared.counts(t)
	body := string(r.body)
	for _, want := range []string{
		`policysearch_http_requests_total{method="GET",route="/api/search",status="200"} 1`,
		`policysearch_http_requests_total{method="GET",route="/api/search",status="400"} 1`,
		`policysearch_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		`policysearch_http_request_duration_seconds_bucket{method="GET",route="/api/search",status="200",le="+Inf"} 1`,
		"policysearch_index_ready 1",
		"policysearch_index_documents " + strconv.Itoa(docs),
		"policysearch_index_provisions " + strconv.Itoa(provs),
		"policysearch_index_disk_bytes ",
		"go_goroutines ",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if !strings.Contains(string(New(Config{Logger: quietLogger()}).metricsText(t)), "policysearch_index_ready 0") {
		t.Error("a server without an index does not report index_ready 0")
	}
}

// metricsText renders the server's metrics without a listener.
func (s *Server) metricsText(t *testing.T) []byte {
	t.Helper()
	rec := httptest.NewRecorder()
	req, err := http.NewRequest("GET", "/metrics", nil)
	if err != nil {
		t.Fatal(err)
	}
	s.ServeHTTP(rec, req)
	return rec.Body.Bytes()
}

func TestWebInterface(t *testing.T) {
	r := shared.get(t, "/")
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /: %d %s", r.status, r.header.Get("Content-Type"))
	}
	if !strings.Contains(string(r.body), "policysearch") || !strings.Contains(string(r.body), `href="/openapi.json"`) {
		t.Errorf("index page: %s", r.body)
	}
}

// TestServeShutsDownGracefully: cancelling Serve's context lets an
// in-flight request finish, then Serve returns.
func TestServeShutsDownGracefully(t *testing.T) {
	s := New(Config{Logger: quietLogger()})
	s.SetEngine(shared.engine)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()

	base := "http://" + ln.Addr().String()
	res, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("readyz: %d", res.StatusCode)
	}

	// A request whose body arrives slowly is in flight when shutdown starts.
	inflight := make(chan int, 1)
	bodyR, bodyW := io.Pipe()
	go func() {
		req, _ := http.NewRequest("POST", base+"/api/similar", bodyR)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			inflight <- -1
			return
		}
		res.Body.Close()
		inflight <- res.StatusCode
	}()
	if _, err := bodyW.Write([]byte(`{"text": "推进医共体`)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	cancel()
	time.Sleep(100 * time.Millisecond)
	if _, err := bodyW.Write([]byte(`建设"}`)); err != nil {
		t.Fatal(err)
	}
	bodyW.Close()
	if code := <-inflight; code != 200 {
		t.Errorf("in-flight request answered %d during shutdown", code)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after cancel")
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("still accepting connections after shutdown")
	}
}
