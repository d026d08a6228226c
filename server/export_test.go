package server

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/policysearch/policysearch/indexer"
	"github.com/policysearch/policysearch/search"
	"github.com/policysearch/policysearch/server/export"
)

// exportCases are searches exported in the tests: a query in the default
// (hybrid) mode, every provision (more than one page of the export's
// reading), and a filtered keyword query in year order, not widened.
var exportCases = []url.Values{
	{"q": {"医共体"}},
	{"sort": {search.SortYearDesc}},
	{"q": {"家庭医生 签约"}, "mode": {search.ModeKeyword}, "sort": {search.SortYearAsc}, "expand": {"false"}, "province": {"浙江省"}},
}

// exportHeader is the header row of a search export.
func exportHeader() []string {
	out := make([]string, len(export.SearchColumns))
	for i, c := range export.SearchColumns {
		out[i] = c.Name
	}
	return out
}

// getExport fetches an export of params in format, requiring 200.
func getExport(t *testing.T, ts *testServer, params url.Values, format string, header map[string]string) response {
	t.Helper()
	p := url.Values{}
	for k, v := range params {
		p[k] = v
	}
	if format != "" {
		p.Set("format", format)
	}
	r := ts.do(t, http.MethodGet, "/api/search/export?"+p.Encode(), nil, header)
	if r.status != http.StatusOK {
		t.Fatalf("export %s: %d %s", p.Encode(), r.status, r.body)
	}
	return r
}

// readCSV reads an export's CSV: a byte-order mark, then CRLF records.
func readCSV(t *testing.T, body []byte) [][]string {
	t.Helper()
	rest, ok := bytes.CutPrefix(body, []byte("\ufeff"))
	if !ok {
		t.Fatalf("CSV does not begin with a UTF-8 byte-order mark: % x", body[:min(len(body), 8)])
	}
	if i := bytes.IndexByte(rest, '\n'); i < 1 || rest[i-1] != '\r' {
		t.Errorf("the header line does not end in CRLF")
	}
	rows, err := csv.NewReader(bytes.NewReader(rest)).ReadAll()
	if err != nil {
		t.Fatalf("read CSV: %v", err)
	}
	return rows
}

// readXLSX reads the rows of an export's workbook.
func readXLSX(t *testing.T, body []byte) ([][]string, *excelize.File) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("open XLSX: %v", err)
	}
	t.Cleanup(func() { _ = f.Close() })
	if sheets := f.GetSheetList(); !slices.Equal(sheets, []string{export.SearchSheet}) {
		t.Errorf("sheets %v, want [%s]", sheets, export.SearchSheet)
	}
	rows, err := f.GetRows(export.SearchSheet)
	if err != nil {
		t.Fatalf("read XLSX rows: %v", err)
	}
	// Trailing empty cells are left out of a row; the columns are fixed.
	for i := range rows {
		for len(rows[i]) < len(export.SearchColumns) {
			rows[i] = append(rows[i], "")
		}
	}
	return rows, f
}

// wantRow is the row an export holds for the n-th hit.
func wantRow(n int, h search.Hit, doc indexer.DocumentInfo, base string) []string {
	year := ""
	if h.Year > 0 {
		year = strconv.Itoa(h.Year)
	}
	return []string{strconv.Itoa(n), h.DocTitle, h.Province, h.City, h.County, h.Level, year, h.DocType,
		doc.Issuer, doc.DocNumber, h.Number, strings.Join(h.HeadingPath, " › "), export.Citation(&h.Provision),
		h.Text, strings.Join(h.Themes, "、"), base + "/?view=provision&id=" + url.QueryEscape(h.ID)}
}

// documentInfos reads every document's metadata through the API.
func documentInfos(t *testing.T, ts *testServer) map[string]indexer.DocumentInfo {
	t.Helper()
	var list search.LibraryResponse
	ts.getJSON(t, "/api/documents?size=100", &list)
	out := map[string]indexer.DocumentInfo{}
	for _, d := range list.Documents {
		out[d.ID] = d.DocumentInfo
	}
	return out
}

// checkRows compares an export's rows with the search's hits, in order.
func checkRows(t *testing.T, what string, rows [][]string, hits []search.Hit, docs map[string]indexer.DocumentInfo, base string) {
	t.Helper()
	if len(rows) == 0 || !slices.Equal(rows[0], exportHeader()) {
		t.Fatalf("%s: header %v, want %v", what, rows[:min(len(rows), 1)], exportHeader())
	}
	if got := len(rows) - 1; got != len(hits) {
		t.Errorf("%s: %d rows, want %d", what, got, len(hits))
	}
	for i := 0; i < len(hits) && i+1 < len(rows); i++ {
		want := wantRow(i+1, hits[i], docs[hits[i].DocID], base)
		if got := rows[i+1]; !slices.Equal(got, want) {
			for c := range want {
				if c < len(got) && got[c] != want[c] {
					t.Errorf("%s: row %d (%s), %s = %q, want %q", what, i+1, hits[i].ID, export.SearchColumns[c].Name, got[c], want[c])
				}
			}
			if len(got) != len(want) {
				t.Errorf("%s: row %d has %d cells, want %d", what, i+1, len(got), len(want))
			}
			return
		}
	}
}

// TestExportCSV exports searches as CSV and reads them back: every hit of
// the search, in the API's order, with its document's metadata, citation,
// text and link.
func TestExportCSV(t *testing.T) {
	docs := documentInfos(t, shared)
	for _, params := range exportCases {
		t.Run(params.Encode(), func(t *testing.T) {
			hits, total := shared.searchAll(t, params, 20)
			if total == 0 {
				t.Fatal("the search finds nothing")
			}
			r := getExport(t, shared, params, "csv", nil)
			if ct := r.header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
				t.Errorf("content type %q", ct)
			}
			for h, want := range map[string]string{"X-Total-Count": strconv.Itoa(total), "X-Export-Rows": strconv.Itoa(total), "X-Export-Truncated": "false"} {
				if got := r.header.Get(h); got != want {
					t.Errorf("%s %q, want %q", h, got, want)
				}
			}
			if !strings.HasPrefix(r.header.Get("Content-Disposition"), "attachment; ") {
				t.Errorf("Content-Disposition %q", r.header.Get("Content-Disposition"))
			}
			checkRows(t, "CSV", readCSV(t, r.body), hits, docs, shared.http.URL)
		})
	}
}

// TestExportXLSX exports the same searches as XLSX, by the format
// parameter and by the Accept header, and reads them with excelize.
func TestExportXLSX(t *testing.T) {
	docs := documentInfos(t, shared)
	for i, params := range exportCases {
		t.Run(params.Encode(), func(t *testing.T) {
			hits, total := shared.searchAll(t, params, 50)
			var r response
			if i%2 == 0 {
				r = getExport(t, shared, params, "xlsx", nil)
			} else {
				r = getExport(t, shared, params, "", map[string]string{"Accept": export.MediaTypeXLSX})
			}
			if ct := r.header.Get("Content-Type"); ct != export.MediaTypeXLSX {
				t.Errorf("content type %q", ct)
			}
			if got := r.header.Get("X-Total-Count"); got != strconv.Itoa(total) {
				t.Errorf("X-Total-Count %q, want %d", got, total)
			}
			rows, f := readXLSX(t, r.body)
			checkRows(t, "XLSX", rows, hits, docs, shared.http.URL)
			panes, err := f.GetPanes(export.SearchSheet)
			if err != nil || !panes.Freeze || panes.YSplit != 1 {
				t.Errorf("the header row is not frozen: %+v %v", panes, err)
			}
			if n, err := f.GetCellValue(export.SearchSheet, "A2"); err != nil || n != "1" {
				t.Errorf("A2 = %q (%v), want 1", n, err)
			}
			// A cell without a type is a number (ECMA-376 18.18.11).
			if typ, err := f.GetCellType(export.SearchSheet, "A2"); err != nil || typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
				t.Errorf("序号 is not a number: %v %v", typ, err)
			}
		})
	}
}

// TestExportCap cuts an export at the server's cap and says so; the cap
// need not be a multiple of the pages the export reads.
func TestExportCap(t *testing.T) {
	docs := documentInfos(t, shared)
	all, total := shared.searchAll(t, url.Values{}, search.MaxSize)
	for _, limit := range []int{7, 150} {
		if total <= limit {
			t.Fatalf("%d provisions: too few to cut at %d", total, limit)
		}
		ts := startServer(Config{ExportMaxRows: limit}, shared.engine)
		t.Cleanup(ts.http.Close)
		for _, format := range []string{"csv", "xlsx"} {
			r := getExport(t, ts, url.Values{}, format, nil)
			for h, want := range map[string]string{"X-Total-Count": strconv.Itoa(total), "X-Export-Rows": strconv.Itoa(limit), "X-Export-Truncated": "true"} {
				if got := r.header.Get(h); got != want {
					t.Errorf("cap %d, %s: %s %q, want %q", limit, format, h, got, want)
				}
			}
			var rows [][]string
			if format == "csv" {
				rows = readCSV(t, r.body)
			} else {
				rows, _ = readXLSX(t, r.body)
			}
			checkRows(t, fmt.Sprintf("cap %d, %s", limit, format), rows, all[:limit], docs, ts.http.URL)
		}
	}
}

// TestExportFileName names the file after the query and the day, in
// UTF-8 with an ASCII fallback.
func TestExportFileName(t *testing.T) {
	r := getExport(t, shared, url.Values{"q": {"医共体 考核"}}, "xlsx", nil)
	cd := r.header.Get("Content-Disposition")
	if !strings.Contains(cd, `filename*=UTF-8''policysearch-`+url.PathEscape("医共体_考核")+"-") || !strings.HasSuffix(cd, ".xlsx") {
		t.Errorf("Content-Disposition %q does not name the query in UTF-8", cd)
	}
	if !strings.Contains(cd, `filename="policysearch-20`) {
		t.Errorf("Content-Disposition %q lacks an ASCII file name", cd)
	}
	if got := r.header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", got)
	}
}

// TestExportErrors refuses what a search refuses, and a format it cannot
// write, as JSON errors.
func TestExportErrors(t *testing.T) {
	for _, c := range []struct {
		query, code string
	}{
		{"q=医共体&format=pdf", codeBadParameter},
		{"q=医共体&format=csv&format=xlsx", codeBadParameter},
		{"q=医共体&page=2", codeUnknownFacet},
		{"q=医共体&size=10", codeUnknownFacet},
		{"q=医共体&sort=newest", codeBadParameter},
		{"q=医共体&mode=psychic", codeBadParameter},
		{"q=医共体&expand=maybe", codeBadParameter},
		{"q=医共体&year=twenty", codeBadParameter},
		{"q=%22医共体", codeBadQuery},
		{"q=医共体&colour=red", codeUnknownFacet},
	} {
		r := shared.get(t, "/api/search/export?"+c.query)
		wantError(t, c.query, r, http.StatusBadRequest, c.code)
		if cd := r.header.Get("Content-Disposition"); cd != "" {
			t.Errorf("%s: an error sent as an attachment (%s)", c.query, cd)
		}
	}
	// An Accept header naming neither format gets CSV.
	r := getExport(t, shared, url.Values{"q": {"医共体"}}, "", map[string]string{"Accept": "application/json"})
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("content type %q, want CSV by default", ct)
	}
}

// TestWebExportButtons checks the results page's download links: they
// carry the search shown (query, filters, mode, order, expansion) without
// its paging, state the cap, and fetch the export of that search; and the
// interface's citations are the export's, provision for provision.
func TestWebExportButtons(t *testing.T) {
	b := startBrowser(t)
	p := newPage(t, b, shared.http.URL)
	state := url.Values{"q": {"医共体"}, "city": {"嘉兴市", "温州市"}, "mode": {search.ModeKeyword},
		"sort": {search.SortYearDesc}, "expand": {"false"}, "page": {"2"}, "size": {"20"}}
	p.open("/?" + state.Encode())
	want := searchAPI(t, shared, state)
	p.shot("export-buttons")
	for _, format := range []string{"csv", "xlsx"} {
		hrefs := p.attrs(fmt.Sprintf(`.export-links a[data-format=%q]`, format), "href")
		if len(hrefs) != 1 {
			t.Fatalf("%s: %d download links", format, len(hrefs))
		}
		u, err := url.Parse(hrefs[0])
		if err != nil || u.Path != "/api/search/export" {
			t.Fatalf("%s link %q", format, hrefs[0])
		}
		got := u.Query()
		exp := url.Values{"format": {format}}
		for k, v := range state {
			if k != "page" && k != "size" {
				exp[k] = v
			}
		}
		for k := range exp {
			slices.Sort(exp[k])
			slices.Sort(got[k])
		}
		if got.Encode() != exp.Encode() {
			t.Errorf("%s link carries %v, want %v", format, got, exp)
		}
		label := p.attrs(fmt.Sprintf(`.export-links a[data-format=%q]`, format), "aria-label")[0]
		if !strings.Contains(label, "10,000") || !strings.Contains(label, strconv.Itoa(want.Total)) {
			t.Errorf("%s link's label %q names neither the cap nor the total (%d)", format, label, want.Total)
		}
		var res struct {
			Status int
			Total  string
			Type   string
		}
		p.eval(fmt.Sprintf(`fetch(%q).then(r => ({Status: r.status, Total: r.headers.get("X-Total-Count"), Type: r.headers.get("Content-Type")}))`, hrefs[0]), &res)
		if res.Status != http.StatusOK || res.Total != strconv.Itoa(want.Total) || !strings.Contains(res.Type, map[string]string{"csv": "text/csv", "xlsx": "spreadsheetml"}[format]) {
			t.Errorf("%s link fetches %+v, want 200 with %d provisions", format, res, want.Total)
		}
	}

	// The citations the interface copies are the export's.
	var jsCites map[string]string
	p.eval(`(async () => {
		const f = await import("/assets/js/format.js");
		const out = {};
		for (let page = 1; ; page++) {
			const res = await (await fetch("/api/search?size=100&page=" + page)).json();
			for (const h of res.hits) out[h.id] = f.citation(h);
			if (page * 100 >= res.total) return out;
		}
	})()`, &jsCites)
	hits, _ := shared.searchAll(t, url.Values{}, search.MaxSize)
	if len(jsCites) != len(hits) {
		t.Errorf("the interface cited %d provisions, the corpus holds %d", len(jsCites), len(hits))
	}
	for _, h := range hits {
		if got := export.Citation(&h.Provision); got != jsCites[h.ID] {
			t.Errorf("%s: export cites %q, the interface %q", h.ID, got, jsCites[h.ID])
		}
	}
}
