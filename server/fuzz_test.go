package server

import (
	"bytes"
	"encoding/json"
	"net/url"
	"path/filepath"
	"testing"
)

// FuzzUpload sends arbitrary files, names and metadata to POST
// /api/documents through a real server. No upload may end in a server
// error; a rejected one leaves the index exactly as it was (counts and the
// document list); an accepted one is there whole and goes away whole when
// deleted.
func FuzzUpload(f *testing.F) {
	gbk, err := encodeGB18030(newDocument)
	if err != nil {
		f.Fatal(err)
	}
	type seed struct {
		data       []byte
		name, city string
		year       string
		multipart  bool
	}
	for _, s := range []seed{
		{[]byte(newDocument), "zhoushan-2023.txt", "舟山市", "2023", true},
		{[]byte(newDocument), "raw.txt", "", "", false},
		{gbk, "gbk.txt", "", "2023", true},
		{[]byte(""), "empty.txt", "", "", true},
		{[]byte("   \n"), "blank.txt", "", "", false},
		{[]byte("%PDF-1.7 not text"), "doc.pdf", "", "", true},
		{[]byte("\x89PNG\r\n\x1a\nimage"), "image.png", "", "", false},
		{[]byte("只有一行文字，没有条款"), "one-line.txt", "", "", true},
		{[]byte("1.\n2.\n3."), "numbers.txt", "", "", true},
		{[]byte(newDocument), "../../etc/passwd", "", "", true},
		{[]byte(newDocument), "bad\x00name.txt", "", "", false},
		{[]byte(newDocument), "meta.txt", "舟山市", "20x3", true},
		{[]byte(newDocument), "meta.txt", "\xff\xfe", "2023", false},
		{[]byte("\xff\xfe\xfd not any encoding \x81\x30"), "latin.txt", "", "", true},
	} {
		f.Add(s.data, s.name, s.city, s.year, s.multipart)
	}

	dir := filepath.Join(f.TempDir(), "index")
	if err := copyDir(goldenDir, dir); err != nil {
		f.Fatal(err)
	}
	e, err := openEngine(dir)
	if err != nil {
		f.Fatal(err)
	}
	ts := startServer(Config{Token: testToken}, e)
	f.Cleanup(func() {
		ts.http.Close()
		_ = e.Close()
	})

	f.Fuzz(func(t *testing.T, data []byte, name, city, year string, multipart bool) {
		docs, provs := ts.counts(t)
		list := ts.get(t, "/api/documents")

		var r response
		if multipart {
			fields := map[string]string{}
			if city != "" {
				fields["city"] = city
			}
			if year != "" {
				fields["year"] = year
			}
			body, ct := multipartBody(t, fields, "file", name, data)
			r = ts.do(t, "POST", "/api/documents", body, merge(bearer, map[string]string{"Content-Type": ct}))
		} else {
			q := url.Values{"name": {name}}
			if city != "" {
				q.Set("city", city)
			}
			if year != "" {
				q.Set("year", year)
			}
			r = ts.do(t, "POST", "/api/documents?"+q.Encode(), bytes.NewReader(data),
				merge(bearer, map[string]string{"Content-Type": "text/plain; charset=utf-8"}))
		}
		if r.status >= 500 {
			t.Fatalf("upload answered %d: %s", r.status, r.body)
		}

		switch r.status {
		case 201, 200:
			var ir ingestResponse
			if err := json.Unmarshal(r.body, &ir); err != nil || ir.Document == nil || len(ir.Document.Provisions) == 0 {
				t.Fatalf("accepted upload answered %s (%v)", r.body, err)
			}
			d, p := ts.counts(t)
			if r.status == 200 {
				// The same content as a document already there: replaced.
				if d != docs || p != provs {
					t.Fatalf("replacing upload changed the counts: %d/%d → %d/%d", docs, provs, d, p)
				}
				return
			}
			if d != docs+1 || p != provs+len(ir.Document.Provisions) {
				t.Fatalf("after a new upload of %d provisions: %d/%d → %d/%d", len(ir.Document.Provisions), docs, provs, d, p)
			}
			if del := ts.do(t, "DELETE", "/api/documents/"+url.PathEscape(ir.Document.ID), nil, bearer); del.status != 204 {
				t.Fatalf("delete the upload: %d %s", del.status, del.body)
			}
			if d, p := ts.counts(t); d != docs || p != provs {
				t.Fatalf("after deleting the upload: %d/%d, want %d/%d", d, p, docs, provs)
			}
		default:
			var body map[string]json.RawMessage
			if err := json.Unmarshal(r.body, &body); err != nil || body["error"] == nil {
				t.Fatalf("rejection %d is not a JSON error: %s", r.status, r.body)
			}
			if d, p := ts.counts(t); d != docs || p != provs {
				t.Fatalf("rejected upload (%d) changed the counts: %d/%d → %d/%d", r.status, docs, provs, d, p)
			}
			if after := ts.get(t, "/api/documents"); !bytes.Equal(after.body, list.body) {
				t.Fatalf("rejected upload (%d) changed the document list", r.status)
			}
		}
	})
}
