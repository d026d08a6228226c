package server

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/policysearch/policysearch/indexer"
	"github.com/policysearch/policysearch/search"
	"github.com/policysearch/policysearch/seeds"
)

// library GETs one page of the library.
func library(t *testing.T, ts *testServer, params url.Values) search.LibraryResponse {
	t.Helper()
	var res search.LibraryResponse
	ts.getJSON(t, "/api/documents?"+params.Encode(), &res)
	return res
}

// TestLibraryPagesSortsAndFilters pages through the library in every order
// and checks each page against the whole list, the filters against the
// documents' own metadata, and the facet counts against search's.
func TestLibraryPagesSortsAndFilters(t *testing.T) {
	all := library(t, shared, url.Values{"size": {"100"}})
	if all.Total != 5 || len(all.Documents) != 5 {
		t.Fatalf("library of the seeds: %d documents, %d listed", all.Total, len(all.Documents))
	}
	for _, sort := range search.LibrarySorts {
		whole := library(t, shared, url.Values{"size": {"100"}, "sort": {sort}})
		var paged []string
		for page := 1; page <= 3; page++ {
			res := library(t, shared, url.Values{"size": {"2"}, "page": {strconv.Itoa(page)}, "sort": {sort}})
			if res.Total != 5 || res.Page != page || res.Size != 2 {
				t.Errorf("%s page %d: total %d, page %d, size %d", sort, page, res.Total, res.Page, res.Size)
			}
			for _, d := range res.Documents {
				paged = append(paged, d.ID)
			}
		}
		var ids []string
		for _, d := range whole.Documents {
			ids = append(ids, d.ID)
		}
		if !slices.Equal(paged, ids) {
			t.Errorf("sort %s: pages give %v, the whole list %v", sort, paged, ids)
		}
		if sort == search.LibraryYearDesc {
			for i := 1; i < len(whole.Documents); i++ {
				if whole.Documents[i-1].Year < whole.Documents[i].Year {
					t.Errorf("year_desc: %d before %d", whole.Documents[i-1].Year, whole.Documents[i].Year)
				}
			}
		}
	}

	// Filters keep exactly the documents whose metadata says so, and the
	// documents' facets agree with search's document-level counts.
	zhejiang := library(t, shared, url.Values{"province": {"浙江"}, "year": {"2019-2020"}})
	want := 0
	for _, d := range all.Documents {
		if d.Province == "浙江省" && d.Year >= 2019 && d.Year <= 2020 {
			want++
		}
	}
	if zhejiang.Total != want || want == 0 {
		t.Errorf("浙江 2019-2020: %d documents, want %d", zhejiang.Total, want)
	}
	for _, f := range zhejiang.Facets[search.FacetProvince] {
		if f.Value == "浙江省" && f.Count != library(t, shared, url.Values{"province": {"浙江省"}, "year": {"2019-2020"}}).Total {
			t.Errorf("province facet 浙江省 counts %d", f.Count)
		}
	}
	var docs struct {
		Facets map[string][]search.FacetValue `json:"facets"`
	}
	shared.getJSON(t, "/api/search?size=1&q=", &docs)
	for _, f := range []string{search.FacetCity, search.FacetProvince} {
		var fromSearch []string
		for _, v := range docs.Facets[f] {
			fromSearch = append(fromSearch, v.Value)
		}
		var fromLibrary []string
		for _, v := range all.Facets[f] {
			fromLibrary = append(fromLibrary, v.Value)
		}
		slices.Sort(fromSearch)
		slices.Sort(fromLibrary)
		if !slices.Equal(fromSearch, fromLibrary) {
			t.Errorf("facet %s: search has %v, the library %v", f, fromSearch, fromLibrary)
		}
	}

	// Missing fields are counted over what the other filters keep.
	if all.MissingCounts == nil || all.MissingCounts["city"] != 0 {
		t.Errorf("missing counts of the seeds: %v", all.MissingCounts)
	}

	// q looks in titles and issuers.
	if res := library(t, shared, url.Values{"q": {"温州市卫生健康委员会"}}); res.Total != 1 || res.Documents[0].City != "温州市" {
		t.Errorf("q=温州市卫生健康委员会: %d documents", res.Total)
	}
	// A page past the end is empty, not an error.
	if res := library(t, shared, url.Values{"page": {"9"}}); res.Total != 5 || len(res.Documents) != 0 {
		t.Errorf("page 9: total %d, %d listed", res.Total, len(res.Documents))
	}
}

// TestCoverage counts documents per place and year, with every year of the
// span a column.
func TestCoverage(t *testing.T) {
	var cov search.CoverageResponse
	shared.getJSON(t, "/api/documents/coverage?by=province", &cov)
	if cov.Total != 5 || len(cov.Years) != 4 || cov.Years[0] != 2019 || cov.Years[3] != 2022 {
		t.Fatalf("coverage by province: %+v", cov)
	}
	sum := cov.NoPlace + cov.NoYear
	for _, r := range cov.Rows {
		n := 0
		for _, c := range r.Counts {
			n += c
		}
		if n != r.Total || len(r.Counts) != len(cov.Years) {
			t.Errorf("row %s: counts %v, total %d", r.Place, r.Counts, r.Total)
		}
		sum += n
	}
	if sum != cov.Total || cov.Rows[0].Place != "浙江省" || cov.Rows[0].Total != 3 {
		t.Errorf("coverage rows %+v add up to %d of %d", cov.Rows, sum, cov.Total)
	}
	shared.getJSON(t, "/api/documents/coverage?by=city&doc_type="+url.QueryEscape("工作总结"), &cov)
	if cov.Total != 1 || len(cov.Rows) != 1 || cov.Rows[0].Place != "温州市" || cov.Rows[0].Province != "浙江省" {
		t.Errorf("coverage by city of the reports: %+v", cov)
	}
}

// TestCorrectionTakesEffectAndPersists corrects a document's metadata:
// search, facets and the library see it at once, it says where it came
// from, and a rebuild of the index from the corpus keeps it.
func TestCorrectionTakesEffectAndPersists(t *testing.T) {
	ts := newWritableServer(t, Config{Token: testToken})
	wuxi := library(t, ts, url.Values{"city": {"无锡市"}})
	if wuxi.Total != 1 {
		t.Fatalf("无锡 documents: %d", wuxi.Total)
	}
	id := wuxi.Documents[0].ID
	r := ts.do(t, "PATCH", "/api/documents/"+id, strings.NewReader(`{"county": "江阴市", "doc_number": "锡卫发〔2020〕1号"}`),
		merge(bearer, map[string]string{"Content-Type": "application/json"}))
	if r.status != 200 {
		t.Fatalf("correct: %d %s", r.status, r.body)
	}
	var view search.DocumentView
	if err := json.Unmarshal(r.body, &view); err != nil {
		t.Fatal(err)
	}
	if view.County != "江阴市" || view.Level != "县级" || view.Provenance["county"].From != indexer.FromCorrection ||
		view.Provisions[0].County != "江阴市" {
		t.Errorf("after correction: county %q, level %q, provenance %+v", view.County, view.Level, view.Provenance["county"])
	}
	res := ts.searchPage(t, url.Values{"county": {"江阴市"}})
	if res.Total != view.ProvisionCount {
		t.Errorf("search county=江阴市: %d provisions, the document has %d", res.Total, view.ProvisionCount)
	}
	if got := library(t, ts, url.Values{"county": {"江阴市"}, "level": {"县级"}}); got.Total != 1 {
		t.Errorf("library county=江阴市: %d documents", got.Total)
	}

	// A wrong value can be taken away too; the document then lacks it.
	r = ts.do(t, "PATCH", "/api/documents/"+id, strings.NewReader(`{"clear": ["doc_number"]}`),
		merge(bearer, map[string]string{"Content-Type": "application/json"}))
	view = search.DocumentView{}
	if err := json.Unmarshal(r.body, &view); r.status != 200 || err != nil || view.DocNumber != "" ||
		view.Provenance["doc_number"].From != indexer.FromCorrection {
		t.Fatalf("clear doc_number: %d, number %q from %+v", r.status, view.DocNumber, view.Provenance["doc_number"])
	}
	r = ts.do(t, "PATCH", "/api/documents/"+id, strings.NewReader(`{"clear": ["city"], "city": "无锡市"}`),
		merge(bearer, map[string]string{"Content-Type": "application/json"}))
	if r.status != 400 {
		t.Errorf("set and clear the city at once: %d %s", r.status, r.body)
	}
	r = ts.do(t, "PATCH", "/api/documents/"+id, strings.NewReader(`{"doc_number": "锡卫发〔2020〕1号"}`),
		merge(bearer, map[string]string{"Content-Type": "application/json"}))
	if r.status != 200 {
		t.Fatalf("set doc_number again: %d %s", r.status, r.body)
	}

	// A rebuild from the corpus keeps the correction. Only the corrections
	// file is taken along: the live index's files come and go as bleve
	// merges its segments.
	root := filepath.Join(t.TempDir(), "rebuilt")
	corrections, err := os.ReadFile(filepath.Join(ts.dir, indexer.CorrectionsName))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, indexer.CorrectionsName), corrections, 0o644); err != nil {
		t.Fatal(err)
	}
	store, _, err := analysis.Pipeline.Build(context.Background(), root, analysis.Fingerprint(), seeds.FS, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	doc, err := store.Document(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if doc.County != "江阴市" || doc.DocNumber != "锡卫发〔2020〕1号" || doc.Provenance["doc_number"].From != indexer.FromCorrection {
		t.Errorf("after a rebuild: county %q, number %q from %+v", doc.County, doc.DocNumber, doc.Provenance["doc_number"])
	}
}

// TestUploadDryRun reads an upload without adding it: the metadata the
// server infers, to be checked before the file is committed.
func TestUploadDryRun(t *testing.T) {
	ts := newWritableServer(t, Config{Token: testToken})
	docs, _ := ts.counts(t)
	text := "2021年德清县卫生健康工作要点\n德清县卫生健康局\n一、重点工作\n1.推进医共体建设，完善配套政策。\n"
	body, ct := multipartBody(t, nil, "file", "deqing.txt", []byte(text))
	r := ts.do(t, "POST", "/api/documents?dry_run=true", body, merge(bearer, map[string]string{"Content-Type": ct}))
	var ir ingestResponse
	if r.status != 200 || json.Unmarshal(r.body, &ir) != nil || !ir.DryRun || ir.Document == nil {
		t.Fatalf("dry run: %d %s", r.status, r.body)
	}
	if d := ir.Document; d.County != "德清县" || d.City != "湖州市" || d.Year != 2021 || d.Provenance["county"].From == "" {
		t.Errorf("dry run read %+v", d.Document)
	}
	if after, _ := ts.counts(t); after != docs {
		t.Errorf("a dry run added a document: %d → %d", docs, after)
	}
}

// TestLibraryFollowsWrites uploads, corrects and deletes a document and
// wants the library, carried forward from write to write, to list exactly
// what a fresh read of the index's records lists.
func TestLibraryFollowsWrites(t *testing.T) {
	ts := newWritableServer(t, Config{Token: testToken})
	fresh := func() []string {
		infos, err := ts.engine.Store().Documents(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, d := range infos {
			d.Indicators = nil // listings leave a document's figures out
			b, _ := json.Marshal(d)
			out = append(out, string(b))
		}
		slices.Sort(out)
		return out
	}
	listed := func() []string {
		var out []string
		for _, d := range library(t, ts, url.Values{"size": {"100"}}).Documents {
			b, _ := json.Marshal(d.DocumentInfo)
			out = append(out, string(b))
		}
		slices.Sort(out)
		return out
	}
	check := func(step string) {
		t.Helper()
		if got, want := listed(), fresh(); !slices.Equal(got, want) {
			t.Errorf("after %s: the library lists %d documents unlike the index's %d:\n%v\n%v", step, len(got), len(want), got, want)
		}
	}
	check("opening")
	r, ir := upload(t, ts, []byte(newDocument), nil)
	if r.status != 201 {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	check("an upload")
	r = ts.do(t, "PATCH", "/api/documents/"+ir.Document.ID, strings.NewReader(`{"issuer": "舟山市卫生健康委员会"}`),
		merge(bearer, map[string]string{"Content-Type": "application/json"}))
	if r.status != 200 {
		t.Fatalf("correct: %d %s", r.status, r.body)
	}
	check("a correction")
	if r := ts.do(t, "DELETE", "/api/documents/"+ir.Document.ID, nil, bearer); r.status != 204 {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	check("a delete")
}
