package server

import (
	"bytes"
	"cmp"
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/policysearch/policysearch/analyzers"
	"github.com/policysearch/policysearch/indexer"
	"github.com/policysearch/policysearch/search"
)

// marker is a phrase found in no seed document.
const marker = "蓝鲸星云示范项目"

const newDocument = `舟山市卫生健康委关于印发2023年舟山市卫生健康工作要点的通知

2023年舟山市卫生健康工作要点

一、深化医药卫生体制改革
1.推进` + marker + `建设。在全市范围内开展` + marker + `试点，完善配套政策，形成可复制的经验。
2.加强基层医疗卫生服务能力建设。新建一批社区医院，提升乡镇卫生院服务水平。
二、提升公共卫生服务水平
3.完善疾病预防控制体系。推动` + marker + `与公共卫生服务融合发展。
4.做好海岛群众健康服务。完善海岛巡回医疗制度，方便群众就近看病。
`

func upload(t testing.TB, ts *testServer, data []byte, fields map[string]string) (response, ingestResponse) {
	t.Helper()
	body, ct := multipartBody(t, fields, "file", "zhoushan-2023.txt", data)
	r := ts.do(t, "POST", "/api/documents", body, merge(bearer, map[string]string{"Content-Type": ct}))
	var ir ingestResponse
	if r.status == 200 || r.status == 201 {
		if err := json.Unmarshal(r.body, &ir); err != nil {
			t.Fatalf("decode upload response: %v", err)
		}
	}
	return r, ir
}

// encodeGB18030 encodes text as GB18030, as older Chinese systems save it.
func encodeGB18030(s string) ([]byte, error) {
	return simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
}

// markerProvisions counts the provisions of doc whose text holds the marker.
func markerProvisions(doc *search.DocumentView) int {
	n := 0
	for _, p := range doc.Provisions {
		if strings.Contains(analyzers.Normalize(p.Text), marker) {
			n++
		}
	}
	return n
}

func TestIngestSearchReplaceDelete(t *testing.T) {
	ts := newWritableServer(t, Config{Token: testToken})
	docs, provs := ts.counts(t)

	meta := map[string]string{"city": "舟山市", "year": "2023", "doc_type": "工作要点", "issuer": "舟山市卫生健康委员会"}
	r, ir := upload(t, ts, []byte(newDocument), meta)
	if r.status != 201 {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	doc := ir.Document
	if ir.Replaced || doc == nil || doc.ID == "" || len(doc.Provisions) == 0 {
		t.Fatalf("upload answered %s", r.body)
	}
	if loc := r.header.Get("Location"); loc != "/api/documents/"+doc.ID {
		t.Errorf("Location %q", loc)
	}
	if doc.City != "舟山市" || doc.Year != 2023 || doc.Issuer != "舟山市卫生健康委员会" {
		t.Errorf("metadata not applied: city %q year %d issuer %q", doc.City, doc.Year, doc.Issuer)
	}
	want := markerProvisions(doc)
	if want == 0 {
		t.Fatalf("no provision of the upload holds %s: %+v", marker, doc.Provisions)
	}
	if d, p := ts.counts(t); d != docs+1 || p != provs+len(doc.Provisions) {
		t.Fatalf("after upload: %d documents, %d provisions; want %d, %d", d, p, docs+1, provs+len(doc.Provisions))
	}

	hits, total := ts.searchAll(t, url.Values{"q": {`"` + marker + `"`}}, 10)
	if total != want {
		t.Fatalf("search for the upload: %d hits, want %d", total, want)
	}
	for _, h := range hits {
		if h.DocID != doc.ID || h.City != "舟山市" || h.Year != 2023 {
			t.Errorf("hit %s: doc %s, city %s, year %d", h.ID, h.DocID, h.City, h.Year)
		}
	}
	if res := ts.searchPage(t, url.Values{"q": {marker}, "city": {"舟山市"}}); res.Total == 0 {
		t.Error("city filter on the upload finds nothing")
	}
	var f facetsResponse
	ts.getJSON(t, "/api/facets", &f)
	if !hasValue(f.Facets[search.FacetCity], "舟山市") {
		t.Errorf("facets lack the upload's city: %v", f.Facets[search.FacetCity])
	}

	// The same content again, now as a raw body: replaced, nothing added.
	r2 := ts.do(t, "POST", "/api/documents?name=again.txt&city=舟山市", strings.NewReader(newDocument),
		merge(bearer, map[string]string{"Content-Type": "text/plain; charset=utf-8"}))
	if r2.status != 200 {
		t.Fatalf("re-upload: %d %s", r2.status, r2.body)
	}
	var ir2 ingestResponse
	if err := json.Unmarshal(r2.body, &ir2); err != nil {
		t.Fatal(err)
	}
	if !ir2.Replaced || ir2.Document.ID != doc.ID {
		t.Errorf("re-upload: replaced %v, id %s (first %s)", ir2.Replaced, ir2.Document.ID, doc.ID)
	}
	if d, p := ts.counts(t); d != docs+1 || p != provs+len(doc.Provisions) {
		t.Errorf("after re-upload: %d documents, %d provisions; want %d, %d", d, p, docs+1, provs+len(doc.Provisions))
	}
	if _, total := ts.searchAll(t, url.Values{"q": {`"` + marker + `"`}}, 10); total != want {
		t.Errorf("after re-upload: %d hits, want %d", total, want)
	}

	// Delete.
	if r := ts.do(t, "DELETE", "/api/documents/"+doc.ID, nil, bearer); r.status != 204 || len(r.body) != 0 {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	if d, p := ts.counts(t); d != docs || p != provs {
		t.Errorf("after delete: %d documents, %d provisions; want %d, %d", d, p, docs, provs)
	}
	if res := ts.searchPage(t, url.Values{"q": {`"` + marker + `"`}}); res.Total != 0 {
		t.Errorf("after delete: %d hits", res.Total)
	}
	wantError(t, "deleted document", ts.get(t, "/api/documents/"+doc.ID), 404, codeNotFound)
	wantError(t, "deleted provision", ts.get(t, "/api/sections/"+doc.Provisions[0].ID), 404, codeNotFound)
	wantError(t, "delete twice", ts.do(t, "DELETE", "/api/documents/"+doc.ID, nil, bearer), 404, codeNotFound)
}

func hasValue(vs []search.FacetValue, v string) bool {
	for _, fv := range vs {
		if fv.Value == v {
			return true
		}
	}
	return false
}

// TestGBKUpload: a GB18030 file is decoded, not refused.
func TestGBKUpload(t *testing.T) {
	ts := newWritableServer(t, Config{Token: testToken})
	gbk, err := encodeGB18030(newDocument)
	if err != nil {
		t.Fatal(err)
	}
	r, ir := upload(t, ts, gbk, nil)
	if r.status != 201 {
		t.Fatalf("GBK upload: %d %s", r.status, r.body)
	}
	if markerProvisions(ir.Document) == 0 {
		t.Errorf("GBK upload decoded wrongly: %+v", ir.Document.Provisions)
	}
}

// TestConcurrentSearchesDuringWrites: searches keep answering, with
// consistent results, while documents come and go: a seed query's total
// never moves, and the upload is seen whole or not at all.
func TestConcurrentSearchesDuringWrites(t *testing.T) {
	ts := newWritableServer(t, Config{Token: testToken})
	docs, _ := ts.counts(t)
	seedQuery := url.Values{"q": {`"医共体"`}, "size": {"5"}}
	seedTotal := ts.searchPage(t, seedQuery).Total
	newQuery := url.Values{"q": {`"` + marker + `"`}, "size": {"5"}}

	// Learn how many provisions of the upload hold the marker.
	r, ir := upload(t, ts, []byte(newDocument), nil)
	if r.status != 201 {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	whole := markerProvisions(ir.Document)
	id := ir.Document.ID

	var (
		stop     atomic.Bool
		wg       sync.WaitGroup
		searches atomic.Int64
		failures failureLog
	)
	fail := failures.add
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				for _, q := range []url.Values{seedQuery, newQuery} {
					r, err := ts.try("GET", "/api/search?"+q.Encode(), nil, nil)
					if err != nil {
						fail("%v", err)
						continue
					}
					if r.status != 200 {
						fail("search %v: %d %s", q, r.status, r.body)
						continue
					}
					var res search.Response
					if err := json.Unmarshal(r.body, &res); err != nil {
						fail("decode: %v", err)
						continue
					}
					searches.Add(1)
					if q.Get("q") == seedQuery.Get("q") && res.Total != seedTotal {
						fail("seed query: total %d, want %d", res.Total, seedTotal)
					}
					if q.Get("q") == newQuery.Get("q") && res.Total != 0 && res.Total != whole {
						fail("upload seen in part: %d of %d provisions", res.Total, whole)
					}
				}
				if r, err := ts.try("GET", "/api/documents", nil, nil); err != nil || r.status != 200 {
					fail("documents: %d %v", r.status, err)
				}
			}
		}()
	}
	for i := 0; i < 6; i++ {
		if r := ts.do(t, "DELETE", "/api/documents/"+id, nil, bearer); r.status != 204 {
			t.Errorf("delete %d: %d %s", i, r.status, r.body)
		}
		// Two concurrent uploads of the same content make one document.
		var (
			uw       sync.WaitGroup
			statuses [2]int
		)
		for j := range statuses {
			body, ct := multipartBody(t, nil, "file", "zhoushan-2023.txt", []byte(newDocument))
			uw.Add(1)
			go func() {
				defer uw.Done()
				r, err := ts.try("POST", "/api/documents", body, merge(bearer, map[string]string{"Content-Type": ct}))
				if err != nil {
					fail("%v", err)
				}
				statuses[j] = r.status
			}()
		}
		uw.Wait()
		if statuses[0]+statuses[1] != 201+200 {
			t.Errorf("round %d: concurrent identical uploads answered %v, want one 201 and one 200", i, statuses)
		}
	}
	stop.Store(true)
	wg.Wait()
	failures.report(t)
	if searches.Load() == 0 {
		t.Error("no search ran during the writes")
	}
	if d, _ := ts.counts(t); d != docs+1 {
		t.Errorf("after the writes: %d documents, want %d", d, docs+1)
	}
}

// TestRestartKeepsUploads: what was uploaded is there after the server and
// the index are closed and opened again.
func TestRestartKeepsUploads(t *testing.T) {
	ts := newWritableServer(t, Config{Token: testToken})
	r, ir := upload(t, ts, []byte(newDocument), map[string]string{"city": "舟山市"})
	if r.status != 201 {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	docs, provs := ts.counts(t)
	want := markerProvisions(ir.Document)

	ts.http.Close()
	if err := ts.engine.Close(); err != nil {
		t.Fatalf("close index: %v", err)
	}
	e, err := openEngine(ts.dir)
	if err != nil {
		t.Fatalf("reopen index: %v", err)
	}
	defer e.Close()
	again := startServer(Config{Token: testToken}, e)
	defer again.http.Close()

	if d, p := again.counts(t); d != docs || p != provs {
		t.Errorf("after restart: %d documents, %d provisions; want %d, %d", d, p, docs, provs)
	}
	hits, total := again.searchAll(t, url.Values{"q": {`"` + marker + `"`}, "city": {"舟山市"}}, 10)
	if total != want {
		t.Fatalf("after restart: %d hits, want %d", total, want)
	}
	for _, h := range hits {
		if h.DocID != ir.Document.ID {
			t.Errorf("after restart: hit %s of %s", h.ID, h.DocID)
		}
	}
	var v search.DocumentView
	again.getJSON(t, "/api/documents/"+ir.Document.ID, &v)
	if len(v.Provisions) != len(ir.Document.Provisions) || !bytes.Equal(mustJSON(t, v.Provisions), mustJSON(t, ir.Document.Provisions)) {
		t.Error("after restart: the document's provisions differ")
	}
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDocumentsMissing lists the documents that lack a field, so that an
// operator can fix them, and shows where each value came from.
func TestDocumentsMissing(t *testing.T) {
	ts := newWritableServer(t, Config{Token: testToken})
	type listing struct {
		Total     int `json:"total"`
		Documents []struct {
			ID         string                    `json:"id"`
			City       string                    `json:"city"`
			Missing    []string                  `json:"missing"`
			Provenance map[string]indexer.Source `json:"provenance"`
		} `json:"documents"`
	}
	var all listing
	ts.getJSON(t, "/api/documents", &all)
	for _, d := range all.Documents {
		if d.City != "" && d.Provenance["city"].From == "" {
			t.Errorf("document %s: city %s with no provenance", d.ID, d.City)
		}
	}

	// A document that names no place anywhere.
	placeless := "卫生健康委员会2023年工作要点\n一、重点工作\n1.推进" + marker + "建设，完善配套政策。\n"
	r, ir := upload(t, ts, []byte(placeless), nil)
	if r.status != 201 && r.status != 200 {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	var lacking listing
	ts.getJSON(t, "/api/documents?missing=city", &lacking)
	found := false
	for _, d := range lacking.Documents {
		if !slices.Contains(d.Missing, "city") {
			t.Errorf("document %s listed as missing a city, lacks only %v", d.ID, d.Missing)
		}
		found = found || d.ID == ir.Document.ID
	}
	if !found || lacking.Total != len(lacking.Documents) || lacking.Total >= all.Total+1 {
		t.Errorf("missing=city: %d of %d documents, upload %s listed %v", lacking.Total, all.Total+1, ir.Document.ID, found)
	}

	// The same document with a city given on upload is no longer listed,
	// and says where its city came from.
	r, ir = upload(t, ts, []byte(placeless), map[string]string{"city": "舟山市"})
	if r.status != 200 && r.status != 201 {
		t.Fatalf("upload with city: %d %s", r.status, r.body)
	}
	ts.getJSON(t, "/api/documents?missing=city", &lacking)
	for _, d := range lacking.Documents {
		if d.ID == ir.Document.ID {
			t.Errorf("document %s still listed as missing a city", d.ID)
		}
	}
	var doc struct {
		Province   string                    `json:"province"`
		Provenance map[string]indexer.Source `json:"provenance"`
	}
	ts.getJSON(t, "/api/documents/"+ir.Document.ID, &doc)
	if doc.Province != "浙江省" || doc.Provenance["city"].From != indexer.FromUpload || doc.Provenance["province"].From != indexer.FromUpload {
		t.Errorf("after upload with city 舟山市: province %q, provenance %+v", doc.Province, doc.Provenance)
	}

	if r := ts.get(t, "/api/documents?missing=colour"); r.status != 400 {
		t.Errorf("missing=colour: %d %s", r.status, r.body)
	}
}

// TestUploadFormats uploads a document in every format the server reads,
// as an office would from its files (a scan's pages recognised), and a
// broken file and an image, which are refused with a reason.
func TestUploadFormats(t *testing.T) {
	for _, tool := range []string{"pdftotext", "catdoc", "pdftoppm", "tesseract"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s not installed (CI=true; .ci/run installs it): %v", tool, err)
			}
			t.Skipf("%s not installed: %v", tool, err)
		}
	}
	ts := newWritableServer(t, Config{Token: testToken})
	dir := filepath.Join("..", "indexer", "formats", "testdata")
	tests := []struct {
		file, city, code string
		provisions       int // at least; 10 when zero
	}{
		{file: "jiaxing-table.html", city: "嘉兴市"},
		{file: "guiyang-print.pdf", city: "贵阳市"},
		{file: "zhejiang.docx"},
		{file: "zhejiang.doc"},
		{file: "scanned.pdf", city: "嘉兴市", provisions: 5}, // two pages of a scan
		{file: "corrupt.docx", code: codeCorruptFile},
		{file: "image.png", code: codeBinaryFile},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			body, ct := multipartBody(t, nil, "file", tt.file, data)
			r := ts.do(t, "POST", "/api/documents", body, merge(bearer, map[string]string{"Content-Type": ct}))
			if tt.code != "" {
				var e struct {
					Error struct{ Code, Message string } `json:"error"`
				}
				_ = json.Unmarshal(r.body, &e)
				if r.status != 422 || e.Error.Code != tt.code || !strings.Contains(e.Error.Message, tt.file) {
					t.Errorf("%s: %d %s; want 422 %s naming the file", tt.file, r.status, r.body, tt.code)
				}
				return
			}
			// A file whose text is already indexed (the seed the page was
			// made from, the DOCX of the same document) replaces it.
			var ir ingestResponse
			if r.status != 201 && r.status != 200 || json.Unmarshal(r.body, &ir) != nil || ir.Document == nil {
				t.Fatalf("%s: %d %.300s", tt.file, r.status, r.body)
			}
			doc := ir.Document
			if recognised := doc.Provenance["text"].From == indexer.FromRecognition; recognised != (tt.file == "scanned.pdf") {
				t.Errorf("%s: text provenance %+v", tt.file, doc.Provenance["text"])
			}
			if len(doc.Provisions) < cmp.Or(tt.provisions, 10) || tt.city != "" && doc.City != tt.city || doc.Provenance["city"].From == "" && doc.City != "" {
				t.Errorf("%s: %d provisions, city %q from %+v", tt.file, len(doc.Provisions), doc.City, doc.Provenance["city"])
			}
			res := searchAPI(t, ts, url.Values{"q": {`"` + doc.Provisions[3].Text[:min(len(doc.Provisions[3].Text), 18)] + `"`}})
			if res.Total == 0 {
				t.Errorf("%s: a phrase of its fourth provision finds nothing", tt.file)
			}
		})
	}
}
