package server

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/policysearch/policysearch/indexer/gazetteer"
	"github.com/policysearch/policysearch/search"
)

// The document library at scale: a generated corpus of a few thousand short
// documents over about a hundred cities and fourteen years, served by a real
// server, driven in Chromium.

// libraryCorpusDocs is how many documents the generated corpus holds.
const libraryCorpusDocs = 2200

// provisionPool holds provisions of several themes; each document takes
// three. None names a place, so a document's place comes from its title
// and issuer only.
var provisionPool = []string{
	"推进紧密型县域医共体建设，完善分级诊疗制度，提升基层服务能力。",
	"做实家庭医生签约服务，扩大高血压、糖尿病患者签约覆盖面。",
	"加强院前急救体系建设，缩短急救反应时间，提高救治成功率。",
	"完善短缺药品监测预警，保障常用药品供应，推进药品集中带量采购。",
	"推进公立医院高质量发展，深化薪酬制度改革，加强绩效考核。",
	"加强传染病监测预警，完善突发公共卫生事件应急处置机制。",
	"深入开展爱国卫生运动，推进健康城市、健康村镇建设。",
	"发展普惠托育服务，增加婴幼儿照护服务供给，落实生育支持措施。",
	"推进医养结合，扩大老年健康服务供给，开展失能老人健康评估。",
	"传承发展中医药事业，建设中医药特色专科，推广中医适宜技术。",
	"推进全民健康信息平台建设，推广电子健康档案和互联网医疗服务。",
	"加强卫生健康人才队伍建设，实施基层卫生人才招引培养计划。",
	"强化食品安全风险监测，开展职业病防治和职业健康保护行动。",
	"加强妇幼健康服务，降低孕产妇和婴儿死亡率，开展出生缺陷防治。",
	"深化医疗卫生行业综合监管，开展医疗机构依法执业专项检查。",
	"加强精神卫生和心理健康服务，完善严重精神障碍患者管理。",
	"推进健康教育与健康促进，提升居民健康素养水平。",
	"加强党的建设，落实全面从严治党主体责任，推进清廉医院建设。",
}

// libraryCity is a city of the generated corpus.
type libraryCity struct{ name, province string }

// libraryCities picks about a hundred prefecture-level cities of many
// provinces from the gazetteer.
func libraryCities(t testing.TB) []libraryCity {
	t.Helper()
	g := gazetteer.Default()
	var out []libraryCity
	for _, p := range []int{13, 14, 21, 22, 23, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 51, 52, 53, 61, 62} {
		for c := 1; c <= 8; c++ {
			pl, ok := g.ByCode(fmt.Sprintf("%02d%02d00", p, c))
			if !ok || pl.Level != gazetteer.City || !strings.HasSuffix(pl.Name, "市") {
				continue
			}
			out = append(out, libraryCity{pl.Name, pl.Province})
			if len(out) == 100 {
				return out
			}
		}
	}
	if len(out) < 80 {
		t.Fatalf("the gazetteer gave %d cities; want about 100", len(out))
	}
	return out
}

// libraryCorpus generates the corpus: per city, a random subset of the
// years 2012–2025 with a 工作要点 and some with a 工作总结, so that the
// coverage matrix has empty cells; and some documents that name no place.
func libraryCorpus(t testing.TB) fstest.MapFS {
	t.Helper()
	cities := libraryCities(t)
	rng := rand.New(rand.NewPCG(7, 11))
	fsys := fstest.MapFS{}
	n := 0
	add := func(title, issuer string) {
		n++
		var b strings.Builder
		b.WriteString(title + "\n\n" + issuer + "\n\n")
		for k, i := range rng.Perm(len(provisionPool))[:3] {
			fmt.Fprintf(&b, "%d.%s", k+1, provisionPool[i])
			if k == 2 {
				// A number in the last provision makes every document's text its own.
				fmt.Fprintf(&b, "全年完成第%d批任务。", n)
			}
			b.WriteString("\n")
		}
		fsys[fmt.Sprintf("doc%05d.txt", n)] = &fstest.MapFile{Data: []byte(b.String()), ModTime: time.Date(2025, 1, 1, 0, 0, n, 0, time.UTC)}
	}
	for n < libraryCorpusDocs-60 {
		c := cities[rng.IntN(len(cities))]
		year := 2012 + rng.IntN(14)
		kind := "工作要点"
		if rng.IntN(3) == 0 {
			kind = "工作总结"
		}
		add(fmt.Sprintf("%d年%s卫生健康%s", year, c.name, kind), c.name+"卫生健康委员会")
	}
	for n < libraryCorpusDocs {
		add(fmt.Sprintf("%d年卫生健康工作要点", 2012+rng.IntN(14)), "卫生健康局办公室")
	}
	return fsys
}

// newLibraryServer indexes the generated corpus and serves it for one test.
func newLibraryServer(t *testing.T) *testServer {
	t.Helper()
	start := time.Now()
	corpus := libraryCorpus(t)
	e, err := search.Open(context.Background(), analysis, search.OpenOptions{
		IndexDir: filepath.Join(t.TempDir(), "index"), Corpus: corpus,
		// Keyword search is all these tests need; training the semantic
		// model on thousands of documents would only slow them.
		Semantic: search.SemanticOptions{Embedder: search.EmbedderOff},
	})
	if err != nil {
		t.Fatalf("index the generated corpus: %v", err)
	}
	t.Logf("generated corpus of %d documents indexed in %v", len(corpus), time.Since(start).Round(time.Millisecond))
	ts := startServer(Config{Token: testToken}, e)
	t.Cleanup(func() {
		ts.http.Close()
		_ = e.Close()
	})
	return ts
}

// libraryDoc is a document as the library API lists it.
type libraryDoc struct {
	ID         string   `json:"id"`
	Title      string   `json:"title"`
	City       string   `json:"city"`
	Province   string   `json:"province"`
	Year       int      `json:"year"`
	DocType    string   `json:"doc_type"`
	Issuer     string   `json:"issuer"`
	Missing    []string `json:"missing"`
	Provenance map[string]struct {
		From     string `json:"from"`
		Evidence string `json:"evidence"`
	} `json:"provenance"`
}

type libraryPage struct {
	Total     int          `json:"total"`
	Page      int          `json:"page"`
	Size      int          `json:"size"`
	Documents []libraryDoc `json:"documents"`
	Facets    map[string][]struct {
		Value string `json:"value"`
		Count int    `json:"count"`
	} `json:"facets"`
}

type coverageMatrix struct {
	By    string `json:"by"`
	Years []int  `json:"years"`
	Rows  []struct {
		Place    string `json:"place"`
		Province string `json:"province"`
		Counts   []int  `json:"counts"`
		Total    int    `json:"total"`
	} `json:"rows"`
	Total   int `json:"total"`
	NoPlace int `json:"no_place"`
	NoYear  int `json:"no_year"`
}

func libraryAPI(t *testing.T, ts *testServer, params url.Values) libraryPage {
	t.Helper()
	return apiGet[libraryPage](t, ts, "/api/documents?"+params.Encode())
}

func docIDs(docs []libraryDoc) []string {
	out := make([]string, len(docs))
	for i, d := range docs {
		out[i] = d.ID
	}
	return out
}

// a11yProblems lists duplicate ids, unlabelled fields and nameless
// controls on the page.
func a11yProblems(p *page) []string {
	p.t.Helper()
	var out []string
	p.eval(`(() => {
		const out = [];
		const ids = new Map();
		for (const el of document.querySelectorAll("[id]")) ids.set(el.id, (ids.get(el.id) || 0) + 1);
		for (const [id, n] of ids) if (n > 1) out.push("duplicate id " + id);
		for (const el of document.querySelectorAll("input, select, textarea")) {
			if (el.type === "hidden" || el.closest("[hidden]")) continue;
			if (!el.labels?.length && !el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby")) out.push("unlabelled " + el.outerHTML.slice(0, 80));
		}
		for (const el of document.querySelectorAll("button, a[href]")) {
			if (!el.textContent.trim() && !el.getAttribute("aria-label")) out.push("nameless " + el.outerHTML.slice(0, 80));
		}
		const h1 = [...document.querySelectorAll("main h1")].filter(e => e.offsetParent !== null);
		if (h1.length !== 1) out.push(h1.length + " visible h1 in main");
		return out;
	})()`, &out)
	return out
}

// TestLibraryWeb drives the library, the coverage matrix, uploads, the
// document page's corrections and the result grids on a corpus of
// thousands of documents.
func TestLibraryWeb(t *testing.T) {
	began := time.Now()
	b := startBrowser(t)
	ts := newLibraryServer(t)
	base := ts.http.URL
	q := url.QueryEscape
	defer func() { t.Logf("TestLibraryWeb took %v", time.Since(began).Round(time.Millisecond)) }()

	t.Run("paging and sorting", func(t *testing.T) {
		p := newPage(t, b, base)
		p.open("/?view=documents")
		want := libraryAPI(t, ts, url.Values{"size": {"50"}})
		if want.Total < 2000 {
			t.Fatalf("the corpus holds %d documents; want 2,000 or more", want.Total)
		}
		rows := p.attrs(".library-table tbody tr", "data-id")
		if !slices.Equal(rows, docIDs(want.Documents)) {
			t.Fatalf("page 1 shows %d rows %v…, API %v…", len(rows), rows[:min(3, len(rows))], docIDs(want.Documents)[:3])
		}
		if got := digits(p.text(".library-stats .total")); got != want.Total {
			t.Errorf("library total %d, API %d", got, want.Total)
		}
		last := (want.Total + 49) / 50
		pages := p.texts(".pager .pager-page")
		if len(pages) < 3 || pages[0] != "1" || pages[len(pages)-1] != fmt.Sprint(last) || p.text(".pager .current") != "1" {
			t.Errorf("pager pages %v (current %q), want 1 … %d", pages, p.text(".pager .current"), last)
		}
		for _, prob := range a11yProblems(p) {
			t.Errorf("library: %s", prob)
		}
		p.shot("20-library")

		p.click(".pager .pager-next")
		p.waitJS(`new URLSearchParams(location.search).get("page") === "2"`)
		p.settle()
		next := libraryAPI(t, ts, url.Values{"size": {"50"}, "page": {"2"}})
		if rows := p.attrs(".library-table tbody tr", "data-id"); !slices.Equal(rows, docIDs(next.Documents)) {
			t.Errorf("page 2 shows %d rows, not the API's page 2", len(rows))
		}
		if p.text(".pager .current") != "2" {
			t.Errorf("current page %q after 下一页", p.text(".pager .current"))
		}

		// A column head sorts, back on page 1.
		p.click(".library-table thead th.col-title .sort-link")
		p.waitJS(`new URLSearchParams(location.search).get("order") === "title"`)
		p.settle()
		byTitle := libraryAPI(t, ts, url.Values{"size": {"50"}, "sort": {"title"}})
		if rows := p.attrs(".library-table tbody tr", "data-id"); !slices.Equal(rows, docIDs(byTitle.Documents)) {
			t.Errorf("sorted by title: rows differ from the API's")
		}
		if got := p.attrs(".library-table thead th[aria-sort]", "aria-sort"); !slices.Equal(got, []string{"ascending"}) {
			t.Errorf("aria-sort on the heads: %v", got)
		}
		// The select offers the same orders.
		p.eval(`(() => { const s = document.getElementById("library-order"); s.value = "place"; s.dispatchEvent(new Event("change")); })()`, nil)
		p.waitJS(`new URLSearchParams(location.search).get("order") === "place"`)
		p.settle()
		byPlace := libraryAPI(t, ts, url.Values{"size": {"50"}, "sort": {"place"}})
		if rows := p.attrs(".library-table tbody tr", "data-id"); !slices.Equal(rows, docIDs(byPlace.Documents)) {
			t.Errorf("sorted by place: rows differ from the API's")
		}
		// Each value says where it came from.
		var title string
		p.eval(`document.querySelector(".library-table tbody tr:first-child .col-place .meta-value[data-field=city]")?.title ?? ""`, &title)
		src := byPlace.Documents[0].Provenance["city"]
		if want := fmt.Sprintf("来源：%s（依据：%s）", map[string]string{"title": "标题", "signature": "落款"}[src.From], src.Evidence); title != want {
			t.Errorf("the first city's tooltip says %q; want %q", title, want)
		}
	})

	t.Run("filtering", func(t *testing.T) {
		p := newPage(t, b, base)
		p.open("/?view=documents")
		// The sidebar's counts are the API's.
		all := libraryAPI(t, ts, url.Values{"size": {"1"}})
		type shown struct{ Value, Count string }
		var facet []shown
		p.eval(`[...document.querySelectorAll('.facet[data-facet="province"] .facet-value')].map(li => ({Value: li.dataset.value, Count: li.dataset.count}))`, &facet)
		if len(facet) == 0 {
			t.Fatal("no province facet")
		}
		for i, f := range facet {
			if i >= len(all.Facets["province"]) || all.Facets["province"][i].Value != f.Value || fmt.Sprint(all.Facets["province"][i].Count) != f.Count {
				t.Errorf("province facet %d: shown %+v, API %+v", i, f, all.Facets["province"][min(i, len(all.Facets["province"])-1)])
			}
		}
		prov := facet[1].Value
		p.click(`.facet[data-facet="province"] .facet-value:nth-child(2) label`)
		p.waitJS(`new URLSearchParams(location.search).get("province") !== null`)
		p.settle()
		want := libraryAPI(t, ts, url.Values{"size": {"50"}, "province": {prov}})
		if got := digits(p.text(".library-stats .total")); got != want.Total || fmt.Sprint(got) != facet[1].Count {
			t.Errorf("filtered by %s: total %d, API %d, facet said %s", prov, got, want.Total, facet[1].Count)
		}
		if rows := p.attrs(".library-table tbody tr", "data-id"); !slices.Equal(rows, docIDs(want.Documents)) {
			t.Errorf("filtered rows differ from the API's")
		}
		var cities []shown
		p.eval(`[...document.querySelectorAll('.facet[data-facet="city"] .facet-value')].map(li => ({Value: li.dataset.value, Count: li.dataset.count}))`, &cities)
		for i, c := range cities {
			if i < len(want.Facets["city"]) && (want.Facets["city"][i].Value != c.Value || fmt.Sprint(want.Facets["city"][i].Count) != c.Count) {
				t.Errorf("city facet under %s: shown %+v, API %+v", prov, c, want.Facets["city"][i])
			}
		}
		if chip := p.text(".chips .chip .chip-value"); chip != prov {
			t.Errorf("chip %q, want %q", chip, prov)
		}
		// The chip removes the filter.
		p.click(".chips a.chip")
		p.waitJS(`new URLSearchParams(location.search).get("province") === null`)
		p.settle()
		if got := digits(p.text(".library-stats .total")); got != all.Total {
			t.Errorf("after removing the chip: total %d, want %d", got, all.Total)
		}

		// Documents without a city: the operator's worklist, flagged.
		p.waitJS(`document.querySelector('.facet[data-facet="missing"] .facet-value[data-value="city"]')?.dataset.count !== ""`)
		noCity := libraryAPI(t, ts, url.Values{"size": {"50"}, "missing": {"city"}})
		if got := p.attrs(`.facet[data-facet="missing"] .facet-value[data-value="city"]`, "data-count"); len(got) != 1 || got[0] != fmt.Sprint(noCity.Total) {
			t.Errorf("missing city count shown %v, API %d", got, noCity.Total)
		}
		p.click(`#lib-missing-city`)
		p.waitJS(`new URLSearchParams(location.search).get("missing") === "city"`)
		p.settle()
		if noCity.Total == 0 {
			t.Fatal("no document lacks a city")
		}
		if got := digits(p.text(".library-stats .total")); got != noCity.Total {
			t.Errorf("missing=city: total %d, API %d", got, noCity.Total)
		}
		var flagged, rowsShown int
		p.eval(`document.querySelectorAll('.library-table tbody tr .badge-missing[data-missing="city"]').length`, &flagged)
		p.eval(`document.querySelectorAll('.library-table tbody tr').length`, &rowsShown)
		if flagged != rowsShown || rowsShown != min(50, noCity.Total) {
			t.Errorf("missing=city: %d rows, %d flagged 缺城市", rowsShown, flagged)
		}
		p.shot("21-library-missing")

		// The title and issuer query.
		p.typeInto("#library-find", "工作总结\r")
		p.waitJS(`new URLSearchParams(location.search).get("find") === "工作总结"`)
		p.settle()
		found := libraryAPI(t, ts, url.Values{"size": {"50"}, "missing": {"city"}, "q": {"工作总结"}})
		if got := digits(p.text(".library-stats .total")); got != found.Total {
			t.Errorf("find 工作总结 with missing=city: total %d, API %d", got, found.Total)
		}
	})

	t.Run("coverage", func(t *testing.T) {
		p := newPage(t, b, base)
		p.open("/?view=coverage&by=city")
		cov := apiGet[coverageMatrix](t, ts, "/api/documents/coverage?by=city")
		if len(cov.Rows) < 80 || len(cov.Years) < 10 {
			t.Fatalf("coverage by city: %d rows × %d years; the corpus should give about 100 × 14", len(cov.Rows), len(cov.Years))
		}
		heads := p.texts(".coverage-table thead th.cov-year")
		if len(heads) != len(cov.Years) || heads[len(heads)-1] != fmt.Sprint(cov.Years[len(cov.Years)-1]) {
			t.Errorf("year heads %v, API years %v", heads, cov.Years)
		}
		if got := p.attrs(".coverage-table tbody tr", "data-place"); len(got) != len(cov.Rows) {
			t.Errorf("%d place rows, API %d", len(got), len(cov.Rows))
		}
		empty := 0
		for _, r := range cov.Rows {
			for _, n := range r.Counts {
				if n == 0 {
					empty++
				}
			}
		}
		var shownEmpty int
		p.eval(`document.querySelectorAll(".coverage-table td.cov-empty").length`, &shownEmpty)
		if empty == 0 || shownEmpty != empty || !strings.Contains(p.text("#coverage-note"), fmt.Sprintf("%d 格空缺", empty)) {
			t.Errorf("empty cells: API %d, shown %d, note %q", empty, shownEmpty, p.text("#coverage-note"))
		}
		if cov.NoPlace == 0 || !strings.Contains(p.text("#coverage-note"), fmt.Sprintf("%d 份缺城市", cov.NoPlace)) {
			t.Errorf("documents without a city: API %d, note %q", cov.NoPlace, p.text("#coverage-note"))
		}
		// A matrix of a hundred rows scrolls inside its card, the year row
		// and the place column staying in view; nothing is cut off.
		type geometry struct {
			ScrollH, ClientH, ScrollW, ClientW      float64
			HeadTop, BoxTop, LastRight, BoxRight    float64
			PlaceLeft, BoxLeft, OverflowX, Overflow string
		}
		measure := func() geometry {
			var g geometry
			p.eval(`(() => {
				const box = document.querySelector(".coverage-scroll");
				box.scrollTop = box.scrollHeight; box.scrollLeft = box.scrollWidth;
				const r = box.getBoundingClientRect();
				const heads = box.querySelectorAll("thead th.cov-year");
				const last = heads[heads.length - 1].getBoundingClientRect();
				const place = box.querySelector("tbody tr:last-child th.cov-place").getBoundingClientRect();
				const s = getComputedStyle(box);
				return {ScrollH: box.scrollHeight, ClientH: box.clientHeight, ScrollW: box.scrollWidth, ClientW: box.clientWidth,
					HeadTop: heads[0].getBoundingClientRect().top, BoxTop: r.top, LastRight: last.right, BoxRight: r.right,
					PlaceLeft: String(Math.round(place.left)), BoxLeft: String(Math.round(r.left)), OverflowX: s.overflowX, Overflow: s.overflowY};
			})()`, &g)
			return g
		}
		g := measure()
		if g.ScrollH <= g.ClientH || g.Overflow != "auto" || g.OverflowX != "auto" {
			t.Errorf("the matrix does not scroll within its card: %+v", g)
		}
		if g.HeadTop < g.BoxTop-1 || g.HeadTop > g.BoxTop+2 {
			t.Errorf("scrolled to the bottom, the year row is at %.0f, the card's top at %.0f: not sticky", g.HeadTop, g.BoxTop)
		}
		if g.LastRight > g.BoxRight+1 {
			t.Errorf("the last year's head ends at %.0f, beyond the card's edge %.0f", g.LastRight, g.BoxRight)
		}
		for _, prob := range a11yProblems(p) {
			t.Errorf("coverage: %s", prob)
		}
		p.eval(`document.querySelector(".coverage-scroll").scrollTo(0, 0)`, nil)
		p.shot("22-coverage")

		// A narrow window: the matrix scrolls sideways, its first column fixed.
		p.run(chromedp.EmulateViewport(820, 900))
		p.settle()
		g = measure()
		if g.ScrollW <= g.ClientW {
			t.Errorf("at 820 px the matrix is %0.f wide in a %.0f card and does not scroll", g.ScrollW, g.ClientW)
		}
		if g.LastRight > g.BoxRight+1 || g.PlaceLeft != g.BoxLeft {
			t.Errorf("scrolled right: last year head ends at %.0f (card %.0f), place column at %s (card %s)", g.LastRight, g.BoxRight, g.PlaceLeft, g.BoxLeft)
		}
		p.shot("23-coverage-narrow")
		p.run(chromedp.EmulateViewport(1366, 900))
		p.eval(`document.querySelector(".coverage-scroll").scrollTo(0, 0)`, nil)

		// A cell lists exactly that place's documents of that year.
		row := cov.Rows[2]
		k := slices.IndexFunc(row.Counts, func(n int) bool { return n > 0 })
		year := fmt.Sprint(cov.Years[k])
		sel := fmt.Sprintf(`.coverage-table tbody tr[data-place=%q] td.cov-cell[data-year=%q] a`, row.Place, year)
		if got := p.text(sel); got != fmt.Sprint(row.Counts[k]) {
			t.Errorf("cell %s %s shows %q, API %d", row.Place, year, got, row.Counts[k])
		}
		p.click(sel)
		p.waitJS(`new URLSearchParams(location.search).get("view") === "documents"`)
		p.settle()
		if got := p.query(); !slices.Equal(got["city"], []string{row.Place}) || !slices.Equal(got["year"], []string{year}) {
			t.Errorf("the cell led to %v", got)
		}
		list := libraryAPI(t, ts, url.Values{"size": {"50"}, "city": {row.Place}, "year": {year}})
		if list.Total != row.Counts[k] {
			t.Errorf("API lists %d documents of %s %s; coverage says %d", list.Total, row.Place, year, row.Counts[k])
		}
		if got := digits(p.text(".library-stats .total")); got != row.Counts[k] {
			t.Errorf("the cell's list holds %d documents, the cell said %d", got, row.Counts[k])
		}
		if rows := p.attrs(".library-table tbody tr", "data-id"); !slices.Equal(rows, docIDs(list.Documents)) {
			t.Errorf("the cell's list %v, API %v", rows, docIDs(list.Documents))
		}
		for _, d := range list.Documents {
			if d.City != row.Place || fmt.Sprint(d.Year) != year {
				t.Errorf("the cell's list holds %s (%s %d)", d.Title, d.City, d.Year)
			}
		}
	})

	t.Run("result grids at scale", func(t *testing.T) {
		p := newPage(t, b, base)
		p.open("/")
		all := searchAPI(t, ts, url.Values{})
		years := len(all.Facets["year"])
		if years < 10 {
			t.Fatalf("the corpus spans %d years; want 10 or more", years)
		}
		heads := p.texts(".theme-grid thead th.col-cell")
		if len(heads) != years || heads[len(heads)-1] != "2025" {
			t.Errorf("year columns %v; want all %d years up to 2025", heads, years)
		}
		type geometry struct {
			ScrollW, ClientW, LastRight, BoxRight, ThemeLeft, BoxLeft, ChartBottom, WindowH float64
		}
		var g geometry
		p.eval(`(() => {
			const box = document.querySelector(".chart-scroll");
			box.scrollLeft = box.scrollWidth;
			const r = box.getBoundingClientRect();
			const heads = box.querySelectorAll("thead th.col-cell");
			return {ScrollW: box.scrollWidth, ClientW: box.clientWidth, LastRight: heads[heads.length - 1].getBoundingClientRect().right, BoxRight: r.right,
				ThemeLeft: box.querySelector("tbody th.col-theme").getBoundingClientRect().left, BoxLeft: r.left,
				ChartBottom: document.querySelector(".chart").getBoundingClientRect().bottom, WindowH: innerHeight};
		})()`, &g)
		if g.ScrollW <= g.ClientW || g.LastRight > g.BoxRight+1 || g.ThemeLeft < g.BoxLeft-1 || g.ThemeLeft > g.BoxLeft+1 {
			t.Errorf("the year × theme grid does not scroll within its card with the themes fixed: %+v", g)
		}
		if note := p.text(".chart-note"); !strings.Contains(note, "可左右滚动") {
			t.Errorf("the chart's note does not say the grid scrolls: %q", note)
		}
		// Every theme, in a chart that fits the window.
		themes := len(all.Facets["theme"])
		if themes > 8 {
			p.click(".chart-note .link-button")
			p.waitJS(fmt.Sprintf(`document.querySelectorAll(".theme-grid tbody tr").length === %d && !document.querySelector(".theme-grid[aria-busy]")`, themes))
		}
		p.eval(`document.querySelector(".chart").getBoundingClientRect().bottom`, &g.ChartBottom)
		if g.ChartBottom > g.WindowH {
			t.Errorf("with %d themes the chart ends at %.0f px, below the %0.f px window", themes, g.ChartBottom, g.WindowH)
		}
		p.eval(`document.querySelector(".chart-scroll").scrollLeft = 0`, nil)
		p.shot("24-grid-years")
		// By city: the cities with the most provisions, the rest counted.
		p.click(`.segmented a.segment:not([aria-pressed="true"])`)
		p.waitJS(`location.search.includes("grid=city")`)
		p.settle()
		cities := all.Facets["city"]
		if got := p.texts(".theme-grid thead th.col-cell"); len(got) != 12 || got[0] != strings.TrimSuffix(cities[0].Value, "市") {
			t.Errorf("city columns %v", got)
		}
		if note := p.text(".chart-note"); !strings.Contains(note, fmt.Sprintf("另有 %d 个未列出", len(cities)-12)) {
			t.Errorf("the note does not count the cities left out: %q", note)
		}
		p.shot("25-grid-cities")
	})

	// Writes come last: the tests above compare against an unchanged corpus.
	var uploaded libraryDoc
	t.Run("upload several files", func(t *testing.T) {
		p := newPage(t, b, base)
		dir := t.TempDir()
		txt := filepath.Join(dir, "2024年工作要点.txt")
		text := "2024年卫生健康工作要点\n\n卫生健康局\n\n1.推进琉璃湾社区卫生服务能力提升工程。\n2.完善琉璃湾家庭医生签约服务。\n3.加强琉璃湾院前急救网络建设。\n"
		if err := os.WriteFile(txt, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		broken := filepath.Join(dir, "损坏的文件.docx")
		if err := os.WriteFile(broken, []byte("PK\x03\x04 this is not really a docx \x00\x01\x02"), 0o644); err != nil {
			t.Fatal(err)
		}
		docx, err := filepath.Abs("../indexer/formats/testdata/zhejiang.docx")
		if err != nil {
			t.Fatal(err)
		}
		p.open("/?view=documents")
		p.typeInto(".upload-panel .token-input", testToken+"\r")
		p.waitJS(`document.querySelector(".upload-panel .token-set")`)
		var kept struct{ Token, URL string }
		p.eval(`({Token: sessionStorage.getItem("policysearch.writeToken"), URL: location.href})`, &kept)
		if kept.Token != testToken || strings.Contains(kept.URL, testToken) {
			t.Errorf("token kept as %q, URL %s", kept.Token, kept.URL)
		}
		// Held answers keep each row in flight long enough to see its
		// progress bar fill as the browser sends the file.
		ts.slowAnswers(500 * time.Millisecond)
		p.run(chromedp.SetUploadFiles(chromedp.CSS("#upload-input"), []string{txt, docx, broken}))
		p.waitJS(`[...document.querySelectorAll(".upload-item progress")].some(b => b.value === 1)`)
		ts.slowAnswers(0)
		p.waitJS(`document.querySelectorAll(".upload-item").length === 3 &&
			[...document.querySelectorAll(".upload-item")].every(li => li.dataset.state === "review" || li.dataset.state === "refused")`)
		states := p.attrs(".upload-item", "data-state")
		if !slices.Equal(states, []string{"review", "review", "refused"}) {
			t.Fatalf("after reading: states %v", states)
		}
		reason := p.text(`.upload-item[data-state="refused"] .upload-outcome`)
		if !strings.HasPrefix(reason, "被拒绝：文件已损坏") {
			t.Errorf("the broken file's outcome %q", reason)
		}
		// The text names no place: the row flags it; the user fills it in.
		txtRow := `.upload-item:nth-child(1)`
		if flags := p.texts(txtRow + " .meta-field .badge-missing"); !slices.Contains(flags, "缺城市") {
			t.Errorf("the text file's inferred metadata flags %v; want 缺城市", flags)
		}
		if hint := p.text(txtRow + " .meta-field:has(input[name=year]) .meta-hint"); !strings.Contains(hint, "来源：标题") {
			t.Errorf("the year's hint %q does not say where it came from", hint)
		}
		p.typeInto(txtRow+" input[name=city]", "舟山市")
		p.typeInto(txtRow+" input[name=province]", "浙江省")
		for _, prob := range a11yProblems(p) {
			t.Errorf("upload: %s", prob)
		}
		p.shot("26-upload-review")
		p.click(".upload-commit-all")
		p.waitJS(`[...document.querySelectorAll(".upload-item")].every(li => ["added", "replaced", "refused"].includes(li.dataset.state))`)
		if states := p.attrs(".upload-item", "data-state"); !slices.Equal(states, []string{"added", "added", "refused"}) {
			t.Errorf("after adding: states %v", states)
		}
		if status := p.text("#upload-status"); !strings.Contains(status, "已添加 2 个") || !strings.Contains(status, "被拒绝 1 个") {
			t.Errorf("upload status %q", status)
		}
		found := libraryAPI(t, ts, url.Values{"q": {"2024年卫生健康工作要点"}, "city": {"舟山市"}})
		if found.Total != 1 {
			t.Fatalf("the uploaded text with its corrected city: %d found", found.Total)
		}
		uploaded = found.Documents[0]
		if uploaded.Province != "浙江省" || uploaded.Provenance["city"].From != "upload form" || uploaded.Provenance["year"].From != "title" {
			t.Errorf("uploaded document %+v: the city should come from the form, the year still from the title", uploaded)
		}
		var docxID string
		p.eval(`new URLSearchParams(document.querySelector(".upload-item:nth-child(2) .upload-outcome a").getAttribute("href").slice(1)).get("id")`, &docxID)
		// After adding, the row corrects the document.
		p.typeInto(".upload-item:nth-child(2) input[name=issuer]", "浙江省卫生健康委员会办公室")
		p.click(".upload-item:nth-child(2) .upload-correct")
		p.waitJS(`document.querySelector(".upload-item:nth-child(2) .upload-note")?.textContent.includes("更正已保存")`)
		got := apiGet[libraryDoc](t, ts, "/api/documents/"+url.PathEscape(docxID))
		if got.Issuer != "浙江省卫生健康委员会办公室" {
			t.Errorf("the docx's issuer after the row's correction: %q", got.Issuer)
		}
		p.shot("27-upload-done")
		// Files dropped on the zone take the same way.
		p.eval(`(() => {
			const dt = new DataTransfer();
			dt.items.add(new File(["2023年卫生健康工作总结\n\n1.拖放文件的第一条条文。\n2.拖放文件的第二条条文。\n"], "拖入的文件.txt", {type: "text/plain"}));
			document.querySelector(".dropzone").dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
		})()`, nil)
		p.waitJS(`document.querySelector('.upload-item[data-file="拖入的文件.txt"]')?.dataset.state === "review"`)
		p.click(`.upload-item[data-file="拖入的文件.txt"] .upload-drop`)
		p.waitJS(`!document.querySelector('.upload-item[data-file="拖入的文件.txt"]')`)
		// Forgetting the token.
		p.click(".upload-panel .token-forget")
		p.waitJS(`document.querySelector(".upload-panel .token-input") && sessionStorage.getItem("policysearch.writeToken") === null`)
	})

	t.Run("correct from the document page", func(t *testing.T) {
		p := newPage(t, b, base)
		p.open("/?view=documents&missing=city")
		id := p.attrs(".library-table tbody tr", "data-id")[0]
		p.click(".library-table tbody tr:first-child th a")
		p.waitJS(`document.body.dataset.view === "document" && document.querySelector(".document-manage .manage-edit")`)
		p.settle()
		if flags := p.texts(".document-meta .badge-missing"); !slices.Contains(flags, "缺城市") {
			t.Errorf("the document page flags %v; want 缺城市", flags)
		}
		if back := p.text(".backlink a"); back != "← 返回文件列表" {
			t.Errorf("back link %q", back)
		}
		p.click(".manage-edit")
		p.waitJS(`document.querySelector(".manage-form input[name=city]")`)
		p.typeInto(".manage-form .token-input", testToken+"\r")
		p.waitJS(`document.querySelector(".manage-form .token-set")`)
		p.typeInto(".manage-form input[name=city]", "丽水市")
		p.typeInto(".manage-form input[name=province]", "浙江省")
		for _, prob := range a11yProblems(p) {
			t.Errorf("document edit: %s", prob)
		}
		p.shot("28-document-edit")
		p.click(".manage-save")
		p.waitJS(`document.querySelector(".manage-status")?.textContent.includes("已更正")`)
		if flags := p.texts(".document-meta .badge-missing"); slices.Contains(flags, "缺城市") {
			t.Errorf("after the correction the page still flags %v", flags)
		}
		if src := p.text(`.provenance-table tr[data-field="city"] .source`); src != "人工更正" {
			t.Errorf("the city's source after the correction: %q", src)
		}
		res := searchAPI(t, ts, url.Values{"city": {"丽水市"}, "size": {"50"}})
		hit := false
		for _, h := range res.Hits {
			hit = hit || h.DocID == id
		}
		if !hit {
			t.Errorf("search by city 丽水市 does not find the corrected document %s", id)
		}
		p.shot("29-document-corrected")
	})

	t.Run("delete with confirmation", func(t *testing.T) {
		if uploaded.ID == "" {
			t.Skip("nothing uploaded")
		}
		p := newPage(t, b, base)
		p.open("/?view=document&from=documents&id=" + q(uploaded.ID))
		p.click(".manage-delete")
		p.waitJS(`document.querySelector(".manage-confirm .manage-confirm-delete")`)
		if r := ts.get(t, "/api/documents/"+url.PathEscape(uploaded.ID)); r.status != 200 {
			t.Fatalf("the document went before the confirmation: %d", r.status)
		}
		p.typeInto(".manage-confirm .token-input", testToken+"\r")
		p.waitJS(`document.querySelector(".manage-confirm .token-set")`)
		p.shot("30-document-delete")
		p.click(".manage-confirm-delete")
		p.waitJS(`document.body.dataset.view === "documents" && document.querySelector(".flash:not([hidden])")`)
		p.settle()
		if flash := p.text(".flash"); !strings.Contains(flash, "已删除") {
			t.Errorf("flash %q", flash)
		}
		if r := ts.get(t, "/api/documents/"+url.PathEscape(uploaded.ID)); r.status != 404 {
			t.Errorf("after deleting: GET the document answers %d", r.status)
		}
	})
}
