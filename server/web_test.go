package server

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/chromedp/chromedp"
)

// The web interface's files as served: types, caching, compression.

func TestWebIndexHeaders(t *testing.T) {
	r := shared.get(t, "/")
	if r.status != 200 {
		t.Fatalf("GET /: %d", r.status)
	}
	for k, want := range map[string]string{
		"Content-Type":           "text/html; charset=utf-8",
		"Cache-Control":          "no-cache",
		"X-Content-Type-Options": "nosniff",
	} {
		if got := r.header.Get(k); got != want {
			t.Errorf("GET /: %s = %q, want %q", k, got, want)
		}
	}
	csp := r.header.Get("Content-Security-Policy")
	for _, d := range []string{"default-src 'self'", "script-src 'self'", "object-src 'none'"} {
		if !strings.Contains(csp, d) {
			t.Errorf("Content-Security-Policy %q lacks %q", csp, d)
		}
	}
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("Content-Security-Policy allows inline code: %q", csp)
	}
	etag := r.header.Get("ETag")
	if etag == "" {
		t.Fatal("GET /: no ETag")
	}
	again := shared.do(t, "GET", "/", nil, map[string]string{"If-None-Match": etag})
	if again.status != http.StatusNotModified || len(again.body) != 0 {
		t.Errorf("GET / with its ETag: %d, %d bytes; want 304 and no body", again.status, len(again.body))
	}
	changed := shared.do(t, "GET", "/", nil, map[string]string{"If-None-Match": `"other"`})
	if changed.status != 200 {
		t.Errorf("GET / with another ETag: %d, want 200", changed.status)
	}
}

// assetURLs lists the /assets/ URLs the page refers to.
var assetURLRe = regexp.MustCompile(`(?:src|href)="(/assets/[^"]+)"`)

func TestWebAssetsVersionedAndImmutable(t *testing.T) {
	page := string(shared.get(t, "/").body)
	urls := assetURLRe.FindAllStringSubmatch(page, -1)
	if len(urls) < 3 {
		t.Fatalf("the page refers to %d assets; want its script, style and icon", len(urls))
	}
	site, err := loadWebSite()
	if err != nil {
		t.Fatal(err)
	}
	wantTypes := map[string]string{".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}
	for _, m := range urls {
		u := m[1]
		if !strings.HasPrefix(u, "/assets/"+site.version+"/") {
			t.Errorf("asset URL %s does not carry the build version %s", u, site.version)
			continue
		}
		r := shared.get(t, u)
		if r.status != 200 {
			t.Errorf("GET %s: %d", u, r.status)
			continue
		}
		if want := wantTypes[path.Ext(u)]; r.header.Get("Content-Type") != want {
			t.Errorf("GET %s: Content-Type %q, want %q", u, r.header.Get("Content-Type"), want)
		}
		if cc := r.header.Get("Cache-Control"); cc != cacheImmutable {
			t.Errorf("GET %s: Cache-Control %q, want %q", u, cc, cacheImmutable)
		}
		plain := "/assets/" + strings.TrimPrefix(u, "/assets/"+site.version+"/")
		pr := shared.get(t, plain)
		if pr.status != 200 || pr.header.Get("Cache-Control") != cacheRevalidate || !bytes.Equal(pr.body, r.body) {
			t.Errorf("GET %s (no version): %d, Cache-Control %q; want the same file, revalidated", plain, pr.status, pr.header.Get("Cache-Control"))
		}
	}
	// A page from an older build still gets today's files, but must not keep them.
	stale := shared.get(t, "/assets/v-000000000000/style.css")
	if stale.status != 200 || stale.header.Get("Cache-Control") != cacheRevalidate {
		t.Errorf("asset under another version: %d, Cache-Control %q", stale.status, stale.header.Get("Cache-Control"))
	}
	for _, p := range []string{"/assets/nothing.js", "/assets/" + site.version + "/nothing.css", "/assets/js", "/assets/" + site.version + "/"} {
		wantError(t, "GET "+p, shared.get(t, p), 404, codeNotFound)
	}
}

func TestWebAssetsCompressed(t *testing.T) {
	// Go's client asks for gzip and unpacks it silently unless told otherwise.
	plain := shared.do(t, "GET", "/assets/style.css", nil, map[string]string{"Accept-Encoding": "identity"})
	if plain.header.Get("Content-Encoding") != "" {
		t.Fatalf("identity request answered with Content-Encoding %q", plain.header.Get("Content-Encoding"))
	}
	gz := shared.do(t, "GET", "/assets/style.css", nil, map[string]string{"Accept-Encoding": "gzip"})
	if gz.status != 200 || gz.header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("gzip request: %d, Content-Encoding %q", gz.status, gz.header.Get("Content-Encoding"))
	}
	if !strings.Contains(gz.header.Get("Vary"), "Accept-Encoding") {
		t.Errorf("Vary %q lacks Accept-Encoding", gz.header.Get("Vary"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz.body))
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(body, plain.body) || len(gz.body) >= len(plain.body) {
		t.Errorf("compressed body: %d bytes unpacking to %d; plain %d", len(gz.body), len(body), len(plain.body))
	}
	if gz.header.Get("ETag") == plain.header.Get("ETag") {
		t.Error("compressed and plain bodies share an ETag")
	}
	refused := shared.do(t, "GET", "/assets/style.css", nil, map[string]string{"Accept-Encoding": "gzip;q=0"})
	if refused.header.Get("Content-Encoding") != "" || !bytes.Equal(refused.body, plain.body) {
		t.Errorf("gzip;q=0 answered with Content-Encoding %q", refused.header.Get("Content-Encoding"))
	}
}

var importRe = regexp.MustCompile(`(?m)^\s*import\s+(?:[^'"]*?\s+from\s+)?'([^']+)'`)

// TestWebModulesResolve checks, without a browser, that every module the
// scripts import exists and that the page preloads every module.
func TestWebModulesResolve(t *testing.T) {
	root := webRoot()
	page, err := fs.ReadFile(root, "index.html")
	if err != nil {
		t.Fatal(err)
	}
	mods, err := fs.Glob(root, "assets/js/*.js")
	if err != nil || len(mods) == 0 {
		t.Fatalf("no modules under assets/js: %v", err)
	}
	for _, m := range mods {
		src, err := fs.ReadFile(root, m)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range importRe.FindAllStringSubmatch(string(src), -1) {
			target := path.Join(path.Dir(m), imp[1])
			if _, err := fs.Stat(root, target); err != nil {
				t.Errorf("%s imports %s: %v", m, imp[1], err)
			}
		}
		if !bytes.Contains(page, []byte(`href="/`+m+`"`)) {
			t.Errorf("index.html does not preload %s", m)
		}
	}
}

// The interface in a real browser against the real server.

// apiHit is the part of a search or similar hit the browser tests compare.
type apiHit struct {
	ID         string   `json:"id"`
	DocID      string   `json:"doc_id"`
	DocTitle   string   `json:"doc_title"`
	City       string   `json:"city"`
	Number     string   `json:"number"`
	Text       string   `json:"text"`
	Highlights []string `json:"highlights"`
	Marked     string   `json:"marked"`
	Passages   []struct {
		Text        string `json:"text"`
		SourceStart int    `json:"source_start"`
		SourceEnd   int    `json:"source_end"`
		TargetStart int    `json:"target_start"`
		TargetEnd   int    `json:"target_end"`
	} `json:"passages"`
}

type apiSearch struct {
	Total      int    `json:"total"`
	Page       int    `json:"page"`
	Mode       string `json:"mode"`
	Understood *struct {
		Added []struct {
			Term string `json:"term"`
		} `json:"added"`
	} `json:"understood"`
	DidYouMean []string `json:"did_you_mean"`
	Relaxed    *struct {
		Message string   `json:"message"`
		Dropped []string `json:"dropped"`
	} `json:"relaxed"`
	Hits   []apiHit `json:"hits"`
	Facets map[string][]struct {
		Value string `json:"value"`
		Count int    `json:"count"`
	} `json:"facets"`
}

type apiSimilar struct {
	SourceText string   `json:"source_text"`
	Hits       []apiHit `json:"hits"`
	Terms      []struct {
		Term string `json:"term"`
	} `json:"terms"`
}

type apiSection struct {
	apiHit
	HeadingPath []string `json:"heading_path"`
	Title       string   `json:"title"`
	Prev        *struct {
		ID string `json:"id"`
	} `json:"prev"`
	Next *struct {
		ID string `json:"id"`
	} `json:"next"`
	Outline []struct {
		ID string `json:"id"`
	} `json:"outline"`
}

func apiGet[T any](t *testing.T, ts *testServer, p string) T {
	t.Helper()
	var v T
	ts.getJSON(t, p, &v)
	return v
}

func searchAPI(t *testing.T, ts *testServer, params url.Values) apiSearch {
	t.Helper()
	return apiGet[apiSearch](t, ts, "/api/search?"+params.Encode())
}

func ids(hits []apiHit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.ID
	}
	return out
}

// groupedIDs orders hits as the similar list shows them: grouped by
// document, documents in the order of their best hit.
func groupedIDs(hits []apiHit) []string {
	var order []string
	by := map[string][]string{}
	for _, h := range hits {
		if by[h.DocID] == nil {
			order = append(order, h.DocID)
		}
		by[h.DocID] = append(by[h.DocID], h.ID)
	}
	var out []string
	for _, d := range order {
		out = append(out, by[d]...)
	}
	return out
}

var markRe = regexp.MustCompile(`<mark>(.*?)</mark>`)

// markTexts lists the marked stretches of the server's highlighted text.
func markTexts(s string) []string {
	var out []string
	for _, m := range markRe.FindAllStringSubmatch(s, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

// shownMarks is what a result card marks: fragments for a long text,
// the whole marked text for a short one (search.js, SHORT_TEXT).
func shownMarks(h apiHit) []string {
	if utf8.RuneCountInString(h.Text) > 240 && strings.Contains(strings.Join(h.Highlights, ""), "<mark>") {
		return markTexts(strings.Join(h.Highlights, " "))
	}
	return markTexts(h.Marked)
}

// byteMask marks, rune by rune, which characters of text the byte ranges cover.
func byteMask(text string, ranges [][2]int) string {
	var b strings.Builder
	for off := range text {
		in := false
		for _, r := range ranges {
			in = in || r[0] <= off && off < r[1]
		}
		if in {
			b.WriteByte('1')
		} else {
			b.WriteByte('0')
		}
	}
	return b.String()
}

// domMask does the same in the page for the text of one element.
const domMaskJS = `((sel) => {
	const el = document.querySelector(sel);
	let out = "";
	const walk = (n, on) => {
		for (const c of n.childNodes) {
			if (c.nodeType === 3) out += (on ? "1" : "0").repeat([...c.nodeValue].length);
			else walk(c, on || (c.tagName === "MARK" && c.classList.contains("shared")));
		}
	};
	walk(el, false);
	return out;
})(%q)`

func digits(s string) int {
	n, _ := strconv.Atoi(strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s))
	return n
}

func TestWebInterfaceInBrowser(t *testing.T) {
	b := startBrowser(t)
	base := shared.http.URL
	q := url.QueryEscape

	t.Run("search shows highlighted results", func(t *testing.T) {
		p := newPage(t, b, base)
		p.open("/")
		p.pressKey("/", "Slash", 191)
		var box struct{ Active, Value string }
		p.eval(`({Active: document.activeElement.id, Value: document.getElementById("q").value})`, &box)
		if box.Active != "q" || box.Value != "" {
			t.Errorf("after pressing /: focus on %q, box holds %q; want the empty search box focused", box.Active, box.Value)
		}
		p.run(chromedp.SendKeys(chromedp.CSS("#q"), "医共体"), chromedp.KeyEvent("\r"))
		p.waitJS(`new URLSearchParams(location.search).get("q") === "医共体" && document.querySelector(".hits mark")`)
		p.settle()
		want := searchAPI(t, shared, url.Values{"q": {"医共体"}})
		if want.Total == 0 {
			t.Fatal("the API finds nothing for 医共体")
		}
		if got := digits(p.text(".stats .total")); got != want.Total {
			t.Errorf("total shown %d, API %d", got, want.Total)
		}
		if got := p.attrs(".hits > li.hit", "data-id"); !slices.Equal(got, ids(want.Hits)) {
			t.Errorf("hits shown %v, API %v", got, ids(want.Hits))
		}
		marks := 0
		for i, h := range want.Hits {
			got := p.texts(fmt.Sprintf(".hits > li.hit:nth-child(%d) .hit-text mark", i+1))
			if exp := shownMarks(h); !slices.Equal(got, exp) {
				t.Errorf("hit %d (%s) marks %q, want %q", i+1, h.ID, got, exp)
			}
			marks += len(got)
		}
		if marks == 0 {
			t.Error("no highlighted match on the page")
		}
		crumb := p.text(".hits > li.hit:first-child .crumb-doc")
		if crumb != "《"+want.Hits[0].DocTitle+"》" {
			t.Errorf("first breadcrumb %q, want 《%s》", crumb, want.Hits[0].DocTitle)
		}
		// The chart lists the facet's themes, biggest first, with counts.
		themes := want.Facets["theme"]
		rows := p.texts(".theme-grid tbody th .theme-name")
		if len(themes) == 0 || len(rows) != min(8, len(themes)) || rows[0] != themes[0].Value {
			t.Errorf("chart rows %v; theme facet %v", rows, themes)
		}
		if cells := p.texts(".theme-grid a.cell"); len(cells) == 0 {
			t.Error("the year × theme grid has no counts")
		}
		var title string
		p.eval(`document.title`, &title)
		if !strings.Contains(title, "医共体") {
			t.Errorf("document title %q does not name the query", title)
		}
		p.shot("01-search")

		// Paging: the next page, its hits, and the reader taken to its top.
		if want.Total <= len(want.Hits) {
			t.Fatalf("too few results (%d) to page", want.Total)
		}
		p.click(`.pager a[rel="next"]`)
		p.waitJS(`new URLSearchParams(location.search).get("page") === "2"`)
		p.settle()
		next := searchAPI(t, shared, url.Values{"q": {"医共体"}, "page": {"2"}})
		if got := p.attrs(".hits > li.hit", "data-id"); !slices.Equal(got, ids(next.Hits)) {
			t.Errorf("page 2 shows %v, API %v", got, ids(next.Hits))
		}
		var focus string
		p.eval(`document.activeElement.id`, &focus)
		if focus != "results-title" {
			t.Errorf("after paging, focus is on %q, want the results heading", focus)
		}
	})

	t.Run("facet filter applies and removes", func(t *testing.T) {
		p := newPage(t, b, base)
		p.open("/?q=" + q("医共体"))
		before := digits(p.text(".stats .total"))
		p.click(`input[id="facet-city-嘉兴市"]`)
		p.waitJS(`location.search.includes("city=")`)
		p.settle()
		want := searchAPI(t, shared, url.Values{"q": {"医共体"}, "city": {"嘉兴市"}})
		if got := digits(p.text(".stats .total")); got != want.Total || got >= before {
			t.Errorf("total with 嘉兴市: shown %d, API %d, before %d", got, want.Total, before)
		}
		if got := p.attrs(".hits > li.hit", "data-id"); !slices.Equal(got, ids(want.Hits)) {
			t.Errorf("hits shown %v, API %v", got, ids(want.Hits))
		}
		for _, c := range p.texts(".hits .badge-place") {
			if c != "嘉兴市" {
				t.Errorf("a hit from %q under the 嘉兴市 filter", c)
			}
		}
		if chips := p.texts(".chips .chip-value"); !slices.Equal(chips, []string{"嘉兴市"}) {
			t.Errorf("chips %v, want [嘉兴市]", chips)
		}
		var checked bool
		p.eval(`document.getElementById("facet-city-嘉兴市").checked`, &checked)
		if !checked {
			t.Error("the 嘉兴市 box is not checked")
		}
		// Facet counts follow the query: each facet as the API counts it.
		for facet, vals := range want.Facets {
			var shown []struct {
				Value string `json:"value"`
				Count string `json:"count"`
			}
			p.eval(fmt.Sprintf(`[...document.querySelectorAll('fieldset[data-facet=%q] li.facet-value')].map(li => ({value: li.dataset.value, count: li.dataset.count}))`, facet), &shown)
			for i := 0; i < len(shown) && i < len(vals); i++ {
				if shown[i].Value != vals[i].Value || shown[i].Count != strconv.Itoa(vals[i].Count) {
					t.Errorf("facet %s value %d: shown %v, API %v", facet, i, shown[i], vals[i])
				}
			}
			if len(vals) > 0 && len(shown) == 0 {
				t.Errorf("facet %s not shown", facet)
			}
		}
		p.shot("02-facet")

		p.click(".chips a.chip")
		p.waitJS(`!location.search.includes("city=")`)
		p.settle()
		if got := digits(p.text(".stats .total")); got != before {
			t.Errorf("after removing the chip: total %d, want %d", got, before)
		}
		var hidden bool
		p.eval(`document.querySelector(".chips").hidden`, &hidden)
		if !hidden {
			t.Error("chips still shown with no filter")
		}
	})

	// The provision the issue cites as its example.
	var jiaxing6 apiSection
	for _, pr := range shared.allProvisions(t) {
		if pr.DocTitle == "2020年嘉兴市卫生健康工作要点" && pr.Number == "6" {
			jiaxing6 = apiGet[apiSection](t, shared, "/api/sections/"+url.PathEscape(pr.ID))
		}
	}
	if jiaxing6.ID == "" {
		t.Fatal("no provision 6 in 2020年嘉兴市卫生健康工作要点")
	}

	t.Run("open a provision", func(t *testing.T) {
		p := newPage(t, b, base)
		p.open("/?q=" + q("医共体"))
		first := p.attrs(".hits > li.hit", "data-id")[0]
		p.click(".hits > li.hit:first-child .hit-title a")
		p.waitJS(`new URLSearchParams(location.search).get("view") === "provision" && document.querySelector(".provision-text p")`)
		p.settle()
		sec := apiGet[apiSection](t, shared, "/api/sections/"+url.PathEscape(first))
		if got := p.query()["id"]; !slices.Equal(got, []string{first}) {
			t.Errorf("URL id %v, want %s", got, first)
		}
		if got := p.text(".provision-text"); got != strings.TrimSpace(sec.Text) {
			t.Errorf("provision text %q, want %q", got, sec.Text)
		}
		if got := p.attrs(".outline-entry a", "href"); len(got) != len(sec.Outline) {
			t.Errorf("outline has %d entries, document %d", len(got), len(sec.Outline))
		}
		if cur := p.attrs(`.outline-entry a[aria-current="page"]`, "href"); len(cur) != 1 || !strings.Contains(cur[0], url.QueryEscape(first)) {
			t.Errorf("current outline entry %v, want the one of %s", cur, first)
		}
		back := p.text(".backlink a")
		if !strings.Contains(back, "医共体") {
			t.Errorf("back link %q does not lead to the search", back)
		}
		var focused string
		p.eval(`document.activeElement.id`, &focused)
		if focused != "provision-title" {
			t.Errorf("focus after opening a provision is on %q, want its heading", focused)
		}

		// The example citation, and the neighbours.
		p.open("/?view=provision&id=" + q(jiaxing6.ID) + "&q=" + q("医共体"))
		if got := p.text("#citation"); got != "《2020年嘉兴市卫生健康工作要点》二、6" {
			t.Errorf("citation %q, want 《2020年嘉兴市卫生健康工作要点》二、6", got)
		}
		// The words searched for are marked in the full text.
		if got, want := p.texts(".provision-text mark.q-mark"), strings.Count(jiaxing6.Text, "医共体"); len(got) != want || want == 0 {
			t.Errorf("marks %q in the provision; its text holds 医共体 %d times", got, want)
		} else if slices.ContainsFunc(got, func(m string) bool { return m != "医共体" }) {
			t.Errorf("marked %q in the provision", got)
		}
		p.shot("03-provision")
		if jiaxing6.Next == nil || jiaxing6.Prev == nil {
			t.Fatal("provision 6 has no neighbours")
		}
		p.click(`.prevnext a[rel="next"]`)
		p.waitJS(fmt.Sprintf(`new URLSearchParams(location.search).get("id") === %q`, jiaxing6.Next.ID))
		p.settle()
		if got := p.text("#citation"); got != "《2020年嘉兴市卫生健康工作要点》二、7" {
			t.Errorf("next provision's citation %q", got)
		}
		p.click(".outline-entry a")
		p.waitJS(fmt.Sprintf(`new URLSearchParams(location.search).get("id") === %q`, jiaxing6.Outline[0].ID))
		p.eval(`history.back()`, nil)
		p.waitJS(fmt.Sprintf(`new URLSearchParams(location.search).get("id") === %q`, jiaxing6.Next.ID))
		p.settle()
		if got := p.text("#citation"); got != "《2020年嘉兴市卫生健康工作要点》二、7" {
			t.Errorf("after back: citation %q", got)
		}

		// The copy button puts the citation on the clipboard.
		p.click(".copy-citation")
		p.waitJS(`document.querySelector(".cite-box .copy-status").textContent !== ""`)
		if got := p.text(".cite-box .copy-status"); got != "已复制到剪贴板" {
			t.Errorf("copy status %q", got)
		}
	})

	t.Run("similar provisions side by side", func(t *testing.T) {
		p := newPage(t, b, base)
		p.open("/?view=provision&id=" + q(jiaxing6.ID))
		p.waitJS(`document.querySelector(".sim-hit")`)
		sim := apiGet[apiSimilar](t, shared, "/api/sections/"+url.PathEscape(jiaxing6.ID)+"/similar?size=20")
		if len(sim.Hits) == 0 {
			t.Fatal("the API finds no similar provision")
		}
		if got := p.attrs(".sim-hit", "data-id"); !slices.Equal(got, groupedIDs(sim.Hits)) {
			t.Errorf("similar list %v, want grouped %v", got, groupedIDs(sim.Hits))
		}
		docs := p.texts(".sim-doc")
		seen := map[string]bool{}
		for _, d := range docs {
			if seen[d] {
				t.Errorf("document %s listed twice: not grouped", d)
			}
			seen[d] = true
		}
		if !strings.HasPrefix(docs[0], "《"+sim.Hits[0].DocTitle+"》") {
			t.Errorf("first group %q, want 《%s》", docs[0], sim.Hits[0].DocTitle)
		}
		p.shot("04-similar")

		hit := sim.Hits[0]
		p.click(".sim-hit .compare-link")
		p.waitJS(`new URLSearchParams(location.search).get("view") === "compare" && document.querySelector(".side-target .side-text")`)
		p.settle()
		if got := p.query()["with"]; !slices.Equal(got, []string{hit.ID}) {
			t.Errorf("compare with %v, want %s", got, hit.ID)
		}
		var src, dst [][2]int
		for _, ps := range hit.Passages {
			src = append(src, [2]int{ps.SourceStart, ps.SourceEnd})
			dst = append(dst, [2]int{ps.TargetStart, ps.TargetEnd})
		}
		if len(src) == 0 {
			t.Fatal("the best similar provision shares no passage")
		}
		var gotSrc, gotDst string
		p.eval(fmt.Sprintf(domMaskJS, ".side-source .side-text"), &gotSrc)
		p.eval(fmt.Sprintf(domMaskJS, ".side-target .side-text"), &gotDst)
		if want := byteMask(sim.SourceText, src); gotSrc != want {
			t.Errorf("source side marks\n%s\nwant\n%s", gotSrc, want)
		}
		if want := byteMask(hit.Text, dst); gotDst != want {
			t.Errorf("target side marks\n%s\nwant\n%s", gotDst, want)
		}
		// Pointing at a shared passage lights its counterpart on the other side.
		p.eval(`document.querySelector(".side-target mark.shared").dispatchEvent(new MouseEvent("mouseover", {bubbles: true}))`, nil)
		if n := len(p.texts(".side-source mark.linked")); n == 0 {
			t.Error("hovering a target passage links no source passage")
		}
		p.click("button.passage")
		if n := len(p.texts(".side-source mark.active")) * len(p.texts(".side-target mark.active")); n == 0 {
			t.Error("choosing a passage marks it on neither or one side")
		}
		p.shot("05-compare")
	})

	draft := "推进紧密型县域医共体建设，完善医保总额付费、结余留用机制，提升基层医疗卫生服务能力。"

	t.Run("paste a draft", func(t *testing.T) {
		p := newPage(t, b, base)
		p.open("/?view=draft")
		p.run(chromedp.SendKeys(chromedp.CSS("#draft-text"), draft))
		if got := p.text("#draft-counter"); !strings.HasPrefix(got, strconv.Itoa(utf8.RuneCountInString(draft))+" /") {
			t.Errorf("counter %q after typing %d characters", got, utf8.RuneCountInString(draft))
		}
		p.click(".draft-form button[type=submit]")
		p.waitJS(`new URLSearchParams(location.search).get("text") && document.querySelector(".sim-hit")`)
		p.settle()
		body, _ := json.Marshal(map[string]any{"text": draft, "size": 20})
		r := shared.do(t, "POST", "/api/similar", bytes.NewReader(body), map[string]string{"Content-Type": "application/json"})
		var sim apiSimilar
		if err := json.Unmarshal(r.body, &sim); err != nil || r.status != 200 {
			t.Fatalf("POST /api/similar: %d %s", r.status, r.body)
		}
		if got := p.query()["text"]; !slices.Equal(got, []string{draft}) {
			t.Errorf("URL text %v", got)
		}
		if got := p.attrs(".sim-hit", "data-id"); !slices.Equal(got, groupedIDs(sim.Hits)) {
			t.Errorf("precedents %v, want %v", got, groupedIDs(sim.Hits))
		}
		var terms []string
		for _, x := range sim.Terms[:min(12, len(sim.Terms))] {
			terms = append(terms, x.Term)
		}
		if got := p.texts(".draft-terms .term"); !slices.Equal(got, terms) {
			t.Errorf("key terms %v, want %v", got, terms)
		}
		p.shot("06-draft")

		p.click(".sim-hit .compare-link")
		p.waitJS(`document.querySelector(".side-source .side-text")`)
		p.settle()
		if got := p.text(".side-source .side-title"); got != "草稿" {
			t.Errorf("source side titled %q, want 草稿", got)
		}
		var ranges [][2]int
		for _, ps := range sim.Hits[0].Passages {
			ranges = append(ranges, [2]int{ps.SourceStart, ps.SourceEnd})
		}
		var got string
		p.eval(fmt.Sprintf(domMaskJS, ".side-source .side-text"), &got)
		if want := byteMask(draft, ranges); got != want {
			t.Errorf("draft marks %s, want %s", got, want)
		}
		p.shot("07-draft-compare")
	})

	t.Run("a shared URL restores the view", func(t *testing.T) {
		p := newPage(t, b, base)
		p.open("/?q=" + q("医共体") + "&province=" + q("浙江省") + "&sort=year_desc&page=2")
		want := searchAPI(t, shared, url.Values{"q": {"医共体"}, "province": {"浙江省"}, "sort": {"year_desc"}, "page": {"2"}})
		var state struct {
			Q, Sort, Page string
			Checked       bool
		}
		p.eval(`({Q: document.getElementById("q").value, Sort: document.getElementById("sort").value,
			Page: document.querySelector(".pager [aria-current=page]")?.textContent ?? "",
			Checked: document.getElementById("facet-province-浙江省").checked})`, &state)
		if state.Q != "医共体" || state.Sort != "year_desc" || state.Page != "2" || !state.Checked {
			t.Errorf("restored state %+v", state)
		}
		if got := p.attrs(".hits > li.hit", "data-id"); len(want.Hits) == 0 || !slices.Equal(got, ids(want.Hits)) {
			t.Errorf("page 2 shows %v, API %v", got, ids(want.Hits))
		}
		p.shot("08-shared-url")

		// A comparison link opens straight on the comparison.
		sim := apiGet[apiSimilar](t, shared, "/api/sections/"+url.PathEscape(jiaxing6.ID)+"/similar?size=20")
		p.open("/?view=compare&id=" + q(jiaxing6.ID) + "&with=" + q(sim.Hits[1].ID))
		if got := p.text(".others-list .current .others-title"); got == "" {
			t.Error("the compared provision is not marked in the list")
		}
		if n := len(p.texts(".side-target mark.shared")); n == 0 && len(sim.Hits[1].Passages) > 0 {
			t.Error("no shared passage marked on a shared comparison link")
		}
	})

	t.Run("back and forward", func(t *testing.T) {
		p := newPage(t, b, base)
		p.open("/")
		search := func(text string) {
			p.typeInto("#q", text+"\r")
			p.waitJS(fmt.Sprintf(`new URLSearchParams(location.search).get("q") === %q`, text))
			p.settle()
		}
		search("医共体")
		search("家庭医生")
		p.click(`fieldset[data-facet="year"] input`)
		p.waitJS(`location.search.includes("year=")`)
		p.settle()
		year := p.query()["year"]

		check := func(step, text string, params url.Values) {
			t.Helper()
			p.waitJS(fmt.Sprintf(`new URLSearchParams(location.search).get("q") === %q && new URLSearchParams(location.search).getAll("year").length === %d`, text, len(params["year"])))
			p.settle()
			var box string
			p.eval(`document.getElementById("q").value`, &box)
			want := searchAPI(t, shared, params)
			if got := p.attrs(".hits > li.hit", "data-id"); box != text || !slices.Equal(got, ids(want.Hits)) {
				t.Errorf("%s: box %q, hits %v; want %q, %v", step, box, got, text, ids(want.Hits))
			}
		}
		p.eval(`history.back()`, nil)
		check("back to 家庭医生", "家庭医生", url.Values{"q": {"家庭医生"}})
		p.eval(`history.back()`, nil)
		check("back to 医共体", "医共体", url.Values{"q": {"医共体"}})
		p.eval(`history.forward()`, nil)
		check("forward to 家庭医生", "家庭医生", url.Values{"q": {"家庭医生"}})
		p.eval(`history.forward()`, nil)
		check("forward to the year filter", "家庭医生", url.Values{"q": {"家庭医生"}, "year": year})
	})

	t.Run("messages for no results, errors and loading", func(t *testing.T) {
		p := newPage(t, b, base)
		// A sentence whose words no provision holds all of answers with
		// what holds most of them, and says so.
		p.open("/?q=" + q("工地上干活受伤了去哪里看") + "&expand=false")
		relaxed := searchAPI(t, shared, url.Values{"q": {"工地上干活受伤了去哪里看"}, "expand": {"false"}})
		if relaxed.Total == 0 || relaxed.Relaxed == nil {
			t.Fatalf("API: %d results, relaxed %+v", relaxed.Total, relaxed.Relaxed)
		}
		notice := p.text(".notice-relaxed")
		if !strings.HasPrefix(notice, "没有同时包含全部词语的条文") || !strings.Contains(notice, relaxed.Relaxed.Dropped[0]) {
			t.Errorf("relaxed notice %q; API dropped %v", notice, relaxed.Relaxed.Dropped)
		}
		if got := digits(p.text(".stats .total")); got != relaxed.Total {
			t.Errorf("relaxed total shown %d, API %d", got, relaxed.Total)
		}
		p.shot("09a-relaxed")

		p.open("/?q=" + q("量子纠缠") + "&city=" + q("嘉兴市"))
		if got := p.text(".message-empty h2"); got != "没有找到与「量子纠缠」相符的条文" {
			t.Errorf("no-results heading %q", got)
		}
		tips := p.text(".message-empty .tips")
		if !strings.Contains(tips, "去掉「城市：嘉兴市」") {
			t.Errorf("no suggestion to drop the filter: %q", tips)
		}
		var info struct {
			Modes       []string `json:"modes"`
			DefaultMode string   `json:"default_mode"`
		}
		if r := shared.get(t, "/api/info"); r.status == 200 {
			if err := json.Unmarshal(r.body, &info); err != nil {
				t.Fatalf("/api/info: %v", err)
			}
		}
		// Suggested when the server offers semantic mode and it is not in force.
		semantic := slices.Contains(info.Modes, "semantic") && info.DefaultMode != "semantic"
		if got := strings.Contains(tips, "语义检索"); got != semantic {
			t.Errorf("semantic-mode suggestion shown %v; server modes %v, default %q", got, info.Modes, info.DefaultMode)
		}
		p.shot("09-no-results")
		p.click(".message-empty .tips a.chip")
		p.waitJS(`!location.search.includes("city=")`)
		p.settle()
		if got := p.text(".message-empty h2"); got != "没有找到与「量子纠缠」相符的条文" {
			t.Errorf("after dropping the filter: %q", got)
		}

		p.open("/?q=" + q(`"医共体`))
		alert := p.text(".message-error [role=alert]")
		if !strings.HasPrefix(alert, "检索式有误：") || !strings.Contains(alert, "unclosed quote") {
			t.Errorf("syntax error message %q", alert)
		}
		p.shot("10-error")

		p.open("/?view=provision&id=nope-001")
		if got := p.text("#provision-title"); got != "找不到这条条文" {
			t.Errorf("unknown provision heading %q", got)
		}

		// On a slow link the page says it is loading and keeps the old results.
		p.open("/?q=" + q("医共体"))
		shared.slowAnswers(700 * time.Millisecond)
		t.Cleanup(func() { shared.slowAnswers(0) })
		p.click(`input[id="facet-city-温州市"]`)
		var loading struct{ Busy, Bar, Stale bool }
		p.waitJS(`document.querySelector("#progress.active")`)
		p.eval(`({Busy: !!document.querySelector("main[aria-busy=true]"), Bar: !!document.querySelector("#progress.active"), Stale: !!document.querySelector(".hits.stale li.hit")})`, &loading)
		if !loading.Busy || !loading.Bar || !loading.Stale {
			t.Errorf("while loading: %+v", loading)
		}
		p.shot("11-loading")
		p.settle()
		shared.slowAnswers(0)
		if p.attrs("#progress", "class")[0] != "progress" {
			t.Error("progress bar still shown after the answer")
		}
	})

	t.Run("browse and filter from the chart", func(t *testing.T) {
		p := newPage(t, b, base)
		p.open("/")
		all := searchAPI(t, shared, url.Values{})
		if got := p.text("#results-title"); got != "浏览全部条文" {
			t.Errorf("browse heading %q", got)
		}
		if got := digits(p.text(".stats .total")); got != all.Total || all.Total == 0 {
			t.Errorf("browse total %d, API %d", got, all.Total)
		}
		var cell struct{ Href, Count string }
		p.eval(`(() => { const a = document.querySelector(".theme-grid a.cell"); return {Href: a.getAttribute("href"), Count: a.textContent}; })()`, &cell)
		p.shot("12-browse")
		p.click(".theme-grid a.cell")
		p.waitJS(`location.search.includes("theme=") && location.search.includes("year=")`)
		p.settle()
		u, err := url.Parse(cell.Href)
		if err != nil {
			t.Fatal(err)
		}
		want := searchAPI(t, shared, url.Values{"theme": u.Query()["theme"], "year": u.Query()["year"]})
		if got := digits(p.text(".stats .total")); got != want.Total || got != digits(cell.Count) {
			t.Errorf("after the grid cell (%s): total %d, API %d, cell said %s", cell.Href, got, want.Total, cell.Count)
		}
		p.click(`.segmented a.segment:not([aria-pressed="true"])`)
		p.waitJS(`location.search.includes("grid=city")`)
		p.settle()
		cities := searchAPI(t, shared, url.Values{"theme": u.Query()["theme"], "year": u.Query()["year"]}).Facets["city"]
		var heads []string
		for _, c := range cities[:min(8, len(cities))] {
			heads = append(heads, strings.TrimSuffix(c.Value, "市"))
		}
		if got := p.texts(".theme-grid thead th.col-cell"); !slices.Equal(got, heads) {
			t.Errorf("city columns %v, want %v", got, heads)
		}
	})

	t.Run("mode switch follows the server", func(t *testing.T) {
		p := newPage(t, b, base)
		p.open("/?q=" + q("医共体"))
		p.waitJS(`document.getElementById("mode-options").children.length > 0 || performance.getEntriesByName(location.origin + "/api/info").length > 0`)
		var modes []string
		p.eval(`[...document.querySelectorAll("#mode-switch:not([hidden]) input[name=mode]")].map(i => i.value)`, &modes)
		r := shared.get(t, "/api/info")
		if r.status == 404 {
			if len(modes) != 0 {
				t.Errorf("mode switch %v shown without /api/info", modes)
			}
			return
		}
		var info struct {
			Modes       []string `json:"modes"`
			DefaultMode string   `json:"default_mode"`
		}
		if err := json.Unmarshal(r.body, &info); err != nil {
			t.Fatalf("/api/info: %v", err)
		}
		if len(info.Modes) < 2 {
			if len(modes) != 0 {
				t.Errorf("mode switch %v shown for one mode", modes)
			}
			return
		}
		if !slices.Equal(modes, info.Modes) {
			t.Errorf("mode switch %v, server offers %v", modes, info.Modes)
		}
		other := ""
		for _, m := range info.Modes {
			if m != info.DefaultMode {
				other = m
				break
			}
		}
		p.click(fmt.Sprintf(`input[name=mode][value=%q]`, other))
		p.waitJS(fmt.Sprintf(`new URLSearchParams(location.search).get("mode") === %q`, other))
		p.settle()
		want := searchAPI(t, shared, url.Values{"q": {"医共体"}, "mode": {other}})
		if got := p.attrs(".hits > li.hit", "data-id"); !slices.Equal(got, ids(want.Hits)) {
			t.Errorf("%s mode shows %v, API %v", other, got, ids(want.Hits))
		}
		p.shot("13-mode")
	})

	t.Run("query understanding", func(t *testing.T) {
		p := newPage(t, b, base)
		// A misspelt term: the server's corrections become links.
		p.open("/?q=" + q("医共休"))
		typo := searchAPI(t, shared, url.Values{"q": {"医共休"}})
		if got := p.texts(".notice-dym a.dym"); !slices.Equal(got, typo.DidYouMean) {
			t.Errorf("did-you-mean links %v, API %v", got, typo.DidYouMean)
		}
		if len(typo.DidYouMean) > 0 {
			p.click(".notice-dym a.dym")
			p.waitJS(fmt.Sprintf(`new URLSearchParams(location.search).get("q") === %q`, typo.DidYouMean[0]))
			p.settle()
			var box string
			p.eval(`document.getElementById("q").value`, &box)
			if box != typo.DidYouMean[0] {
				t.Errorf("after the correction the box holds %q", box)
			}
		}

		// Terms added by the vocabulary are shown, and can be turned off.
		p.open("/?q=" + q("医共体"))
		res := searchAPI(t, shared, url.Values{"q": {"医共体"}})
		var added []string
		if res.Understood != nil {
			for _, a := range res.Understood.Added {
				added = append(added, a.Term)
			}
		}
		if got := p.texts(".notice-understood .term"); !slices.Equal(got, added[:min(12, len(added))]) {
			t.Errorf("同时检索 terms %v, API added %v", got, added)
		}
		if len(added) == 0 {
			return
		}
		p.shot("14-understood")
		p.click(".notice-understood a.notice-action")
		p.waitJS(`new URLSearchParams(location.search).get("expand") === "false"`)
		p.settle()
		plain := searchAPI(t, shared, url.Values{"q": {"医共体"}, "expand": {"false"}})
		if got := p.attrs(".hits > li.hit", "data-id"); !slices.Equal(got, ids(plain.Hits)) {
			t.Errorf("without expansion shows %v, API %v", got, ids(plain.Hits))
		}
		if p.text(".notice-expand") == "" || len(p.texts(".notice-understood")) != 0 {
			t.Error("no notice that the query runs unexpanded")
		}
	})

	t.Run("page functions", func(t *testing.T) {
		p := newPage(t, b, base)
		p.open("/?view=documents")
		var got struct {
			Cite          []string
			Marked        string
			MarkedElems   int
			ByteIdx       []int
			Segments      string
			Terms         []string
			MarkedTerms   string
			DocumentsRows int
		}
		p.eval(`(async () => {
			const f = await import("/assets/js/format.js");
			const d = await import("/assets/js/dom.js");
			const a = await import("/assets/js/align.js");
			const div = document.createElement("div");
			div.append(d.marked('a &lt;b&gt; <mark>x&amp;y</mark> <script>z</script> &#39;q&#39;'));
			const at = a.byteIndex("a医😀b");
			return {
				Cite: [
					f.citation({doc_title: "2020年嘉兴市卫生健康工作要点", heading_path: ["二、突出重点"], number: "6"}),
					f.citation({doc_title: "T", heading_path: ["六、持续深化", "(一)构建体系"], number: "43"}),
					f.citation({doc_title: "T", heading_path: ["一、2019年工作总结"], number: "(二)"}),
					f.citation({doc_title: "T", heading_path: ["第三部分 保障"], number: "2"}),
					f.citation({doc_title: "T", heading_path: [], number: "", ordinal: 4}),
				],
				Marked: div.innerHTML,
				MarkedElems: div.querySelectorAll("*").length,
				ByteIdx: [0, 1, 2, 4, 8, 9, 99].map(at),
				Segments: JSON.stringify(a.segments("abcdef", [{start: 1, end: 4, id: 0}, {start: 2, end: 5, id: 1}])),
				Terms: f.queryTerms('医共体 "家庭 医生" -医联体 城市:嘉兴 x 「两慢病」'),
				MarkedTerms: (() => { const e = document.createElement("p"); e.append(d.markTerms("推进医共体与DRG改革(试点)", ["医共体", "drg", "(试点)"], "q")); return e.innerHTML; })(),
				DocumentsRows: document.querySelectorAll(".documents-table tbody tr").length,
			};
		})()`, &got)
		wantCite := []string{"《2020年嘉兴市卫生健康工作要点》二、6", "《T》六、(一)43", "《T》一、(二)", "《T》第三部分2", "《T》第5段"}
		if !slices.Equal(got.Cite, wantCite) {
			t.Errorf("citations %q, want %q", got.Cite, wantCite)
		}
		if got.Marked != `a &lt;b&gt; <mark>x&amp;y</mark> &lt;script&gt;z&lt;/script&gt; 'q'` || got.MarkedElems != 1 {
			t.Errorf("marked() built %q (%d elements)", got.Marked, got.MarkedElems)
		}
		// a(1 byte) 医(3) 😀(4, two UTF-16 units) b(1).
		if want := []int{0, 1, 1, 2, 4, 5, 5}; !slices.Equal(got.ByteIdx, want) {
			t.Errorf("byteIndex %v, want %v", got.ByteIdx, want)
		}
		if want := `[{"text":"a","ids":[]},{"text":"b","ids":[0]},{"text":"cd","ids":[0,1]},{"text":"e","ids":[1]},{"text":"f","ids":[]}]`; got.Segments != want {
			t.Errorf("segments %s, want %s", got.Segments, want)
		}
		if want := []string{"医共体", "家庭 医生", "两慢病"}; !slices.Equal(got.Terms, want) {
			t.Errorf("queryTerms %q, want %q", got.Terms, want)
		}
		if want := `推进<mark class="q">医共体</mark>与<mark class="q">DRG</mark>改革<mark class="q">(试点)</mark>`; got.MarkedTerms != want {
			t.Errorf("markTerms built %s, want %s", got.MarkedTerms, want)
		}
		docs := apiGet[struct {
			Total int `json:"total"`
		}](t, shared, "/api/documents")
		if got.DocumentsRows != docs.Total {
			t.Errorf("documents list shows %d rows, API %d", got.DocumentsRows, docs.Total)
		}
	})

	t.Run("accessible markup and stable layout", func(t *testing.T) {
		p := newPage(t, b, base)
		check := func(view string) {
			t.Helper()
			problems := a11yProblems(p)
			var more []string
			p.eval(`(() => {
				const out = [];
				for (const el of document.querySelectorAll("img")) if (!el.hasAttribute("alt")) out.push("img without alt");
				for (const sel of ["header", "main", "footer", "[role=search]", "nav"]) if (!document.querySelector(sel)) out.push("no " + sel);
				return out;
			})()`, &more)
			problems = append(problems, more...)
			for _, pr := range problems {
				t.Errorf("%s: %s", view, pr)
			}
		}
		p.open("/?q=" + q("医共体"))
		check("search")
		// Nothing moves when the answer arrives: no layout shift at all.
		var shift float64
		p.eval(`new Promise(done => { let sum = 0; new PerformanceObserver(l => { for (const e of l.getEntries()) if (!e.hadRecentInput) sum += e.value; }).observe({type: "layout-shift", buffered: true}); setTimeout(() => done(sum), 200); })`, &shift)
		if shift > 0.01 {
			t.Errorf("cumulative layout shift %.4f while the results loaded", shift)
		}
		var before, after string
		rect := `JSON.stringify(["#q", ".facets", ".results-head"].map(s => { const r = document.querySelector(s).getBoundingClientRect(); return [r.x, r.y, r.width]; }))`
		p.eval(rect, &before)
		p.typeInto("#q", "家庭医生\r")
		p.waitJS(`new URLSearchParams(location.search).get("q") === "家庭医生"`)
		p.settle()
		p.eval(rect, &after)
		if before != after {
			t.Errorf("search box, facets or results heading moved: %s → %s", before, after)
		}
		p.open("/?view=provision&id=" + q(jiaxing6.ID))
		p.waitJS(`document.querySelector(".sim-hit")`)
		check("provision")
		sim := apiGet[apiSimilar](t, shared, "/api/sections/"+url.PathEscape(jiaxing6.ID)+"/similar?size=20")
		p.open("/?view=compare&id=" + q(jiaxing6.ID) + "&with=" + q(sim.Hits[0].ID))
		check("compare")
		p.open("/?view=draft&text=" + q(draft))
		check("draft")
		p.open("/?view=document&id=" + q(jiaxing6.DocID) + "#p-" + jiaxing6.ID)
		check("document")
		var top float64
		p.eval(fmt.Sprintf(`document.getElementById(%q).getBoundingClientRect().top`, "p-"+jiaxing6.ID), &top)
		if top < 0 || top > 200 {
			t.Errorf("document view did not scroll to the provision: it is at %.0f px", top)
		}
		p.shot("15-document")

		// The document view says where each metadata value came from.
		type provenance struct{ Value, Source, Evidence string }
		var shown provenance
		p.eval(`(() => { const r = document.querySelector('.provenance-table tr[data-field="city"]');
			return r ? {Value: r.cells[1].textContent, Source: r.cells[2].textContent, Evidence: r.cells[3].textContent} : {}; })()`, &shown)
		apiDoc := apiGet[struct {
			City       string `json:"city"`
			Provenance map[string]struct {
				From     string `json:"from"`
				Evidence string `json:"evidence"`
			} `json:"provenance"`
		}](t, shared, "/api/documents/"+url.PathEscape(jiaxing6.DocID))
		src := apiDoc.Provenance["city"]
		if apiDoc.City == "" || src.From == "" || shown.Value != apiDoc.City || shown.Evidence != src.Evidence || shown.Source == "" || shown.Source == "—" {
			t.Errorf("provenance of the city shown %+v; API city %q from %+v", shown, apiDoc.City, src)
		}
	})
}

// TestWebEscapesServerText uploads a document whose text and metadata hold
// markup, and checks the page shows it as text and runs none of it.
func TestWebEscapesServerText(t *testing.T) {
	b := startBrowser(t)
	ts := newWritableServer(t, Config{Token: testToken})
	const evil = `<img src=x onerror="window.__xss=1">`
	doc := "温岭市卫生健康局关于印发2023年工作要点的通知\n\n2023年温岭市卫生健康工作要点\n\n" +
		"一、深化改革" + evil + "\n" +
		"1.推进琥珀灯塔计划" + evil + "建设。文中的<mark>标记</mark>与&amp;符号和<script>window.__xss=2</script>须原样显示。\n" +
		"2.加强琥珀灯塔计划基层能力建设，完善配套政策。\n"
	r, ir := upload(t, ts, []byte(doc), map[string]string{"issuer": `<b onmouseover="window.__xss=3">卫健局</b>`})
	if r.status != 201 || ir.Document == nil {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	res := searchAPI(t, ts, url.Values{"q": {"琥珀灯塔计划"}})
	if !slices.ContainsFunc(res.Hits, func(h apiHit) bool { return strings.Contains(h.Text, "<img") }) {
		t.Fatalf("the uploaded markup did not reach the index as text: %+v", res.Hits)
	}
	p := newPage(t, b, ts.http.URL)
	p.open("/?q=" + url.QueryEscape("琥珀灯塔计划"))
	var got struct {
		Injected int
		XSS      any
		Text     string
	}
	inspect := func(where string) {
		t.Helper()
		p.eval(`({Injected: document.querySelectorAll("main img, main script, main b, main [onerror], main [onmouseover]").length, XSS: window.__xss ?? null, Text: document.querySelector("main").textContent})`, &got)
		if got.Injected != 0 || got.XSS != nil {
			t.Errorf("%s: markup from the server became elements (%d) or ran (%v)", where, got.Injected, got.XSS)
		}
		if !strings.Contains(got.Text, `<img src=x onerror="window.__xss=1">`) {
			t.Errorf("%s: the markup is not shown as text", where)
		}
	}
	inspect("results")
	p.shot("16-escaped")
	p.click(".hits > li.hit .hit-title a")
	p.waitJS(`document.querySelector(".provision-text p")`)
	p.settle()
	inspect("provision")
	p.open("/?view=document&id=" + url.QueryEscape(ir.Document.ID))
	inspect("document")
	// Give a deferred handler (onerror of a broken image) time to run.
	time.Sleep(100 * time.Millisecond)
	p.eval(`window.__xss ?? null`, &got.XSS)
	if got.XSS != nil {
		t.Errorf("injected script ran: %v", got.XSS)
	}
}
