package server

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

// multipartBody builds a multipart form; files maps field → (name, data).
func multipartBody(t testing.TB, fields map[string]string, fileField, fileName string, data []byte) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if fileField != "" {
		fw, err := w.CreateFormFile(fileField, fileName)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return &buf, w.FormDataContentType()
}

type badCase struct {
	name   string
	method string
	path   string
	body   func() (*bytes.Buffer, string) // body and content type
	header map[string]string
	status int
	code   string
}

func jsonBody(s string) func() (*bytes.Buffer, string) {
	return func() (*bytes.Buffer, string) { return bytes.NewBufferString(s), "application/json" }
}

func rawBody(ct string, data []byte) func() (*bytes.Buffer, string) {
	return func() (*bytes.Buffer, string) { return bytes.NewBuffer(data), ct }
}

var bearer = map[string]string{"Authorization": "Bearer " + testToken}

// TestBadInputs: every bad request answers its 4xx with the JSON error
// shape, and none changes the index.
func TestBadInputs(t *testing.T) {
	docs, provs := shared.counts(t)
	all := shared.allProvisions(t)
	if len(all) == 0 {
		t.Fatal("no provision in the index")
	}
	prov := all[0].ID
	docID := all[0].DocID
	latin1 := bytes.Repeat([]byte("caf\xe9 r\xe9sum\xe9 na\xefve \xe0 la cr\xe8me\n"), 20)
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0, 1, 2, 3}, 100)...)
	big := bytes.Repeat([]byte("卫生健康工作要点。\n"), DefaultMaxUploadBytes/27+10)
	multi := func(fields map[string]string, field, name string, data []byte) func() (*bytes.Buffer, string) {
		return func() (*bytes.Buffer, string) { return multipartBody(t, fields, field, name, data) }
	}
	longText := `{"text": "` + strings.Repeat("卫生", 3000) + `"}`
	huge := `{"text": "` + strings.Repeat("a", DefaultMaxJSONBytes) + `"}`

	cases := []badCase{
		// Query syntax and parameters.
		{name: "unclosed quote", path: "/api/search?q=" + url.QueryEscape(`"医共体`), status: 400, code: codeBadQuery},
		{name: "dangling minus", path: "/api/search?q=" + url.QueryEscape(`医共体 -`), status: 400, code: codeBadQuery},
		{name: "unknown field in query", path: "/api/search?q=" + url.QueryEscape(`colour:红`), status: 400, code: codeBadQuery},
		{name: "invalid UTF-8 query", path: "/api/search?q=%ff%fe", status: 400, code: codeBadQuery},
		{name: "overlong query", path: "/api/search?q=" + strings.Repeat("医", 2001), status: 400, code: codeBadQuery},
		{name: "unknown facet", path: "/api/search?q=x&colour=red", status: 400, code: codeUnknownFacet},
		{name: "repeated q", path: "/api/search?q=a&q=b", status: 400, code: codeBadParameter},
		{name: "page zero", path: "/api/search?q=x&page=0", status: 400, code: codeBadParameter},
		{name: "page not a number", path: "/api/search?q=x&page=two", status: 400, code: codeBadParameter},
		{name: "size zero", path: "/api/search?q=x&size=0", status: 400, code: codeBadParameter},
		{name: "size over cap", path: "/api/search?q=x&size=101", status: 400, code: codeBadParameter},
		{name: "negative size", path: "/api/search?q=x&size=-5", status: 400, code: codeBadParameter},
		{name: "beyond paging window", path: "/api/search?q=x&page=51&size=100", status: 400, code: codeBadParameter},
		{name: "huge page", path: "/api/search?q=x&page=99999999999999999999", status: 400, code: codeBadParameter},
		{name: "overflowing page", path: "/api/search?q=x&page=922337203685477581", status: 400, code: codeBadParameter},
		{name: "bad escape", path: "/api/search?q=%zz", status: 400, code: codeBadParameter},
		{name: "semicolon", path: "/api/search?q=x;city=y", status: 400, code: codeBadParameter},
		{name: "bad escape on documents", path: "/api/documents?%zz", status: 400, code: codeBadParameter},
		{name: "unknown sort", path: "/api/search?q=x&sort=random", status: 400, code: codeBadParameter},
		{name: "bad year", path: "/api/search?year=20x0", status: 400, code: codeBadParameter},
		{name: "backwards year range", path: "/api/search?year=2021-2019", status: 400, code: codeBadParameter},
		{name: "bad year in query", path: "/api/search?q=" + url.QueryEscape("year:1800"), status: 400, code: codeBadQuery},
		{name: "parameter on facets", path: "/api/facets?city=x", status: 400, code: codeUnknownParameter},
		{name: "parameter on documents", path: "/api/documents?colour=red", status: 400, code: codeUnknownParameter},
		{name: "documents missing what", path: "/api/documents?missing=colour", status: 400, code: codeBadParameter},
		{name: "documents provision facet", path: "/api/documents?theme=" + url.QueryEscape("中医药"), status: 400, code: codeUnknownParameter},
		{name: "documents size zero", path: "/api/documents?size=0", status: 400, code: codeBadParameter},
		{name: "documents size over cap", path: "/api/documents?size=101", status: 400, code: codeBadParameter},
		{name: "documents unknown sort", path: "/api/documents?sort=colour", status: 400, code: codeBadParameter},
		{name: "documents bad year", path: "/api/documents?year=20x0", status: 400, code: codeBadParameter},
		{name: "documents sort twice", path: "/api/documents?sort=title&sort=added", status: 400, code: codeBadParameter},
		{name: "coverage by county", path: "/api/documents/coverage?by=county", status: 400, code: codeBadParameter},
		{name: "coverage unknown parameter", path: "/api/documents/coverage?page=2", status: 400, code: codeUnknownParameter},

		// Unknown ids and routes, wrong methods.
		{name: "unknown document", path: "/api/documents/0000000000000000", status: 404, code: codeNotFound},
		{name: "unknown section", path: "/api/sections/nope-001", status: 404, code: codeNotFound},
		{name: "unknown section similar", path: "/api/sections/nope-001/similar", status: 404, code: codeNotFound},
		{name: "odd id", path: "/api/sections/%E5%8C%BB%20%22x%22", status: 404, code: codeNotFound},
		{name: "unknown api route", path: "/api/nothing", status: 404, code: codeNotFound},
		{name: "unknown route", path: "/nothing/here", status: 404, code: codeNotFound},
		{name: "missing asset", path: "/assets/app.js", status: 404, code: codeNotFound},
		{name: "asset escape", path: "/assets/../../server.go", status: 404, code: codeNotFound},
		{name: "wrong method on search", method: "PUT", path: "/api/search", status: 405, code: codeMethodNotAllowed},
		{name: "wrong method on documents", method: "PATCH", path: "/api/documents", status: 405, code: codeMethodNotAllowed},
		{name: "GET similar", path: "/api/similar", status: 405, code: codeMethodNotAllowed},

		// Similar.
		{name: "similar bad size", path: "/api/sections/" + prov + "/similar?size=0", status: 400, code: codeBadParameter},
		{name: "similar size over cap", path: "/api/sections/" + prov + "/similar?size=500", status: 400, code: codeBadParameter},
		{name: "similar bad bool", path: "/api/sections/" + prov + "/similar?exclude_same_doc=maybe", status: 400, code: codeBadParameter},
		{name: "similar unknown facet", path: "/api/sections/" + prov + "/similar?colour=red", status: 400, code: codeUnknownFacet},
		{name: "similar wrong type", method: "POST", path: "/api/similar", body: rawBody("text/plain", []byte("医共体")), status: 415, code: codeUnsupportedType},
		{name: "similar no type", method: "POST", path: "/api/similar", body: rawBody("", []byte(`{"text":"医共体"}`)), status: 415, code: codeUnsupportedType},
		{name: "similar bad JSON", method: "POST", path: "/api/similar", body: jsonBody(`{"text": `), status: 400, code: codeBadJSON},
		{name: "similar syntax error", method: "POST", path: "/api/similar", body: jsonBody(`{"text" "x"}`), status: 400, code: codeBadJSON},
		{name: "similar empty body", method: "POST", path: "/api/similar", body: jsonBody(``), status: 400, code: codeBadJSON},
		{name: "similar not an object", method: "POST", path: "/api/similar", body: jsonBody(`["x"]`), status: 400, code: codeBadJSON},
		{name: "similar unknown field", method: "POST", path: "/api/similar", body: jsonBody(`{"txt": "医共体"}`), status: 400, code: codeBadJSON},
		{name: "similar wrong field type", method: "POST", path: "/api/similar", body: jsonBody(`{"text": 5}`), status: 400, code: codeBadJSON},
		{name: "similar trailing data", method: "POST", path: "/api/similar", body: jsonBody(`{"text": "医共体"} {}`), status: 400, code: codeBadJSON},
		{name: "similar nothing", method: "POST", path: "/api/similar", body: jsonBody(`{}`), status: 400, code: codeBadParameter},
		{name: "similar text and id", method: "POST", path: "/api/similar", body: jsonBody(`{"text": "医共体", "id": "` + prov + `"}`), status: 400, code: codeBadParameter},
		{name: "similar negative size", method: "POST", path: "/api/similar", body: jsonBody(`{"text": "医共体", "size": -1}`), status: 400, code: codeBadParameter},
		{name: "similar size over cap", method: "POST", path: "/api/similar", body: jsonBody(`{"text": "医共体", "size": 1000}`), status: 400, code: codeBadParameter},
		{name: "similar unknown facet", method: "POST", path: "/api/similar", body: jsonBody(`{"text": "医共体", "filters": {"colour": ["red"]}}`), status: 400, code: codeUnknownFacet},
		{name: "similar bad year", method: "POST", path: "/api/similar", body: jsonBody(`{"text": "医共体", "filters": {"year": ["soon"]}}`), status: 400, code: codeBadParameter},
		{name: "similar unknown id", method: "POST", path: "/api/similar", body: jsonBody(`{"id": "nope-001"}`), status: 404, code: codeNotFound},
		{name: "similar text too long", method: "POST", path: "/api/similar", body: jsonBody(longText), status: 400, code: codeBadParameter},
		{name: "similar body too large", method: "POST", path: "/api/similar", body: jsonBody(huge), status: 413, code: codeTooLarge},
		{name: "similar query parameter", method: "POST", path: "/api/similar?size=3", body: jsonBody(`{"text": "医共体"}`), status: 400, code: codeUnknownParameter},

		// Writes: token first.
		{name: "upload without token", method: "POST", path: "/api/documents", body: rawBody("text/plain", []byte("x")), status: 401, code: codeUnauthorized},
		{name: "upload wrong token", method: "POST", path: "/api/documents", body: rawBody("text/plain", []byte("x")),
			header: map[string]string{"Authorization": "Bearer nope"}, status: 401, code: codeUnauthorized},
		{name: "upload basic auth", method: "POST", path: "/api/documents", body: rawBody("text/plain", []byte("x")),
			header: map[string]string{"Authorization": "Basic " + testToken}, status: 401, code: codeUnauthorized},
		{name: "delete without token", method: "DELETE", path: "/api/documents/" + strings.SplitN(prov, "-", 2)[0], status: 401, code: codeUnauthorized},
		{name: "delete unknown", method: "DELETE", path: "/api/documents/0000000000000000", header: bearer, status: 404, code: codeNotFound},
		{name: "delete with parameter", method: "DELETE", path: "/api/documents/0000000000000000?force=1", header: bearer, status: 400, code: codeUnknownParameter},

		// Uploads.
		{name: "upload JSON", method: "POST", path: "/api/documents", body: jsonBody(`{"text": "x"}`), header: bearer, status: 415, code: codeUnsupportedType},
		{name: "upload no type", method: "POST", path: "/api/documents", body: rawBody("", []byte("卫生")), header: bearer, status: 415, code: codeUnsupportedType},
		{name: "upload empty", method: "POST", path: "/api/documents", body: rawBody("text/plain", nil), header: bearer, status: 422, code: codeEmptyFile},
		{name: "upload bad dry_run", method: "POST", path: "/api/documents?dry_run=maybe", body: rawBody("text/plain", []byte("卫生")), header: bearer, status: 400, code: codeBadParameter},
		{name: "correct without token", method: "PATCH", path: "/api/documents/" + docID, body: jsonBody(`{"city": "嘉兴市"}`), status: 401, code: codeUnauthorized},
		{name: "correct unknown document", method: "PATCH", path: "/api/documents/0000000000000000", body: jsonBody(`{"city": "嘉兴市"}`), header: bearer, status: 404, code: codeNotFound},
		{name: "correct nothing", method: "PATCH", path: "/api/documents/" + docID, body: jsonBody(`{}`), header: bearer, status: 400, code: codeBadParameter},
		{name: "correct unknown field", method: "PATCH", path: "/api/documents/" + docID, body: jsonBody(`{"colour": "red"}`), header: bearer, status: 400, code: codeBadJSON},
		{name: "correct bad level", method: "PATCH", path: "/api/documents/" + docID, body: jsonBody(`{"level": "乡级"}`), header: bearer, status: 400, code: codeBadParameter},
		{name: "correct bad year", method: "PATCH", path: "/api/documents/" + docID, body: jsonBody(`{"year": 20}`), header: bearer, status: 400, code: codeBadParameter},
		{name: "correct bad date", method: "PATCH", path: "/api/documents/" + docID, body: jsonBody(`{"pub_date": "2020/1/1"}`), header: bearer, status: 400, code: codeBadParameter},
		{name: "correct as text", method: "PATCH", path: "/api/documents/" + docID, body: rawBody("text/plain", []byte(`{"city": "嘉兴市"}`)), header: bearer, status: 415, code: codeUnsupportedType},
		{name: "upload blank", method: "POST", path: "/api/documents", body: rawBody("text/plain; charset=utf-8", []byte(" \n\t \n")), header: bearer, status: 422, code: codeEmptyFile},
		{name: "upload PNG", method: "POST", path: "/api/documents?name=a.txt", body: rawBody("text/plain", png), header: bearer, status: 422, code: codeBinaryFile},
		{name: "upload NUL bytes", method: "POST", path: "/api/documents", body: rawBody("text/plain", []byte("卫生\x00健康\x00")), header: bearer, status: 422, code: codeBinaryFile},
		{name: "upload Latin-1", method: "POST", path: "/api/documents", body: rawBody("text/plain", latin1), header: bearer, status: 422, code: codeBadEncoding},
		{name: "upload no text left", method: "POST", path: "/api/documents", body: rawBody("text/plain", []byte("【打印本页】【关闭窗口】\n分享到微信\n")), header: bearer, status: 422, code: codeUnparseable},
		{name: "upload too large", method: "POST", path: "/api/documents", body: rawBody("text/plain", big), header: bearer, status: 413, code: codeTooLarge},
		{name: "multipart too large", method: "POST", path: "/api/documents", body: multi(nil, "file", "a.txt", big), header: bearer, status: 413, code: codeTooLarge},
		{name: "multipart without file", method: "POST", path: "/api/documents", body: multi(map[string]string{"city": "嘉兴市"}, "", "", nil), header: bearer, status: 400, code: codeBadUpload},
		{name: "multipart unknown field", method: "POST", path: "/api/documents", body: multi(map[string]string{"colour": "red"}, "file", "a.txt", []byte("卫生")), header: bearer, status: 400, code: codeUnknownParameter},
		{name: "multipart wrong file field", method: "POST", path: "/api/documents", body: multi(nil, "upload", "a.txt", []byte("卫生")), header: bearer, status: 400, code: codeUnknownParameter},
		{name: "multipart bad year", method: "POST", path: "/api/documents", body: multi(map[string]string{"year": "next"}, "file", "a.txt", []byte("卫生")), header: bearer, status: 400, code: codeBadParameter},
		{name: "multipart empty file", method: "POST", path: "/api/documents", body: multi(nil, "file", "a.txt", nil), header: bearer, status: 422, code: codeEmptyFile},
		{name: "multipart no boundary", method: "POST", path: "/api/documents", body: rawBody("multipart/form-data", []byte("--x\r\n")), header: bearer, status: 400, code: codeBadUpload},
		{name: "multipart truncated", method: "POST", path: "/api/documents", body: rawBody("multipart/form-data; boundary=xyz", []byte("--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\n卫生")), header: bearer, status: 400, code: codeBadUpload},
		{name: "upload unknown parameter", method: "POST", path: "/api/documents?colour=red", body: rawBody("text/plain", []byte("卫生")), header: bearer, status: 400, code: codeUnknownParameter},
		{name: "upload bad year parameter", method: "POST", path: "/api/documents?year=2019-2020", body: rawBody("text/plain", []byte("卫生")), header: bearer, status: 400, code: codeBadParameter},
		{name: "upload control name", method: "POST", path: "/api/documents?name=a%01.txt", body: rawBody("text/plain", []byte("卫生")), header: bearer, status: 400, code: codeBadParameter},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			method := c.method
			if method == "" {
				method = http.MethodGet
			}
			header := map[string]string{}
			for k, v := range c.header {
				header[k] = v
			}
			var body *bytes.Buffer
			if c.body != nil {
				var ct string
				body, ct = c.body()
				if ct != "" {
					header["Content-Type"] = ct
				}
			}
			var r response
			if body != nil {
				r = shared.do(t, method, c.path, body, header)
			} else {
				r = shared.do(t, method, c.path, nil, header)
			}
			wantError(t, method+" "+c.path, r, c.status, c.code)
		})
	}

	// Without a configured token, writes are refused whatever is presented.
	noWrites := startServer(Config{}, shared.engine)
	defer noWrites.http.Close()
	for _, h := range []map[string]string{nil, bearer} {
		r := noWrites.do(t, "POST", "/api/documents", strings.NewReader("卫生"), merge(h, map[string]string{"Content-Type": "text/plain"}))
		wantError(t, "upload, writes disabled", r, 403, codeWritesDisabled)
		r = noWrites.do(t, "DELETE", "/api/documents/"+strings.SplitN(prov, "-", 2)[0], nil, h)
		wantError(t, "delete, writes disabled", r, 403, codeWritesDisabled)
	}

	if d, p := shared.counts(t); d != docs || p != provs {
		t.Fatalf("bad inputs changed the index: %d documents, %d provisions; before %d, %d", d, p, docs, provs)
	}
}

func merge(ms ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

func TestNotReady(t *testing.T) {
	ts := startServer(Config{Token: testToken}, nil)
	defer ts.http.Close()
	for _, p := range []string{"/api/search?q=x", "/api/documents", "/api/facets", "/api/sections/x", "/readyz"} {
		r := ts.get(t, p)
		wantError(t, p, r, 503, codeNotReady)
	}
	r := ts.do(t, "POST", "/api/documents", strings.NewReader("x"), merge(bearer, map[string]string{"Content-Type": "text/plain"}))
	wantError(t, "upload before ready", r, 503, codeNotReady)
	for _, p := range []string{"/healthz", "/openapi.json", "/metrics", "/"} {
		if r := ts.get(t, p); r.status != 200 {
			t.Errorf("%s before ready: %d", p, r.status)
		}
	}
	ts.srv.SetEngine(shared.engine)
	if r := ts.get(t, "/api/search?q=x"); r.status != 200 {
		t.Errorf("search once ready: %d %s", r.status, r.body)
	}
	if r := ts.get(t, "/readyz"); r.status != 200 {
		t.Errorf("readyz once ready: %d %s", r.status, r.body)
	}
}

func TestRequestTimeout(t *testing.T) {
	ts := startServer(Config{ReadTimeout: time.Nanosecond}, shared.engine)
	defer ts.http.Close()
	r := ts.get(t, "/api/search?q=医疗")
	wantError(t, "search past its deadline", r, 503, codeTimeout)
}

func TestRecoverPanic(t *testing.T) {
	s := New(Config{Logger: quietLogger()})
	h := s.requestID(s.observe(s.recoverPanic(func(echo.Context) error { panic("boom") })))
	rec := httptest.NewRecorder()
	c := s.echo.NewContext(httptest.NewRequest("GET", "/api/search", nil), rec)
	if err := h(c); err != nil {
		t.Fatalf("middleware returned %v", err)
	}
	wantError(t, "panicking handler", response{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}, 500, codeInternal)
	if strings.Contains(rec.Body.String(), "boom") {
		t.Error("the panic value leaks into the response")
	}
}

func TestRequestID(t *testing.T) {
	r := shared.do(t, "GET", "/healthz", nil, map[string]string{"X-Request-ID": "abc-123"})
	if got := r.header.Get("X-Request-ID"); got != "abc-123" {
		t.Errorf("X-Request-ID echoed as %q", got)
	}
	r = shared.do(t, "GET", "/healthz", nil, map[string]string{"X-Request-ID": "bad id\twith controls"})
	if got := r.header.Get("X-Request-ID"); len(got) != 32 {
		t.Errorf("a bad request id was not replaced: %q", got)
	}
	r = shared.get(t, "/nothing")
	if got := r.header.Get("X-Request-ID"); len(got) != 32 {
		t.Errorf("no request id generated on a 404: %q", got)
	}
}
