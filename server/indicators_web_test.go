package server

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The indicator comparison (指标对比) in Chromium, against the API as the
// oracle: the place × year table, the chart's two forms, the filters and
// downloads, the empty state, and the figure badges of search results.

type apiIndicatorName struct {
	Indicator string   `json:"indicator"`
	Synonyms  []string `json:"synonyms"`
	Count     int      `json:"count"`
	Targets   int      `json:"targets"`
	Achieved  int      `json:"achieved"`
	Places    int      `json:"places"`
}

type apiIndicatorRow struct {
	Indicator    string  `json:"indicator"`
	Written      string  `json:"written"`
	Value        float64 `json:"value"`
	Upper        float64 `json:"upper"`
	Unit         string  `json:"unit"`
	Comparator   string  `json:"comparator"`
	Kind         string  `json:"kind"`
	Population   string  `json:"population"`
	Provision    string  `json:"provision"`
	Year         int     `json:"year"`
	Excerpt      string  `json:"excerpt"`
	ExcerptStart int     `json:"excerpt_start"`
	ExcerptEnd   int     `json:"excerpt_end"`
	Province     string  `json:"province"`
	City         string  `json:"city"`
	County       string  `json:"county"`
}

type apiIndicators struct {
	Total int               `json:"total"`
	Rows  []apiIndicatorRow `json:"rows"`
}

// place is where the comparison puts a figure: county, else city, else province.
func (r apiIndicatorRow) place() string {
	return cmpOr(r.County, r.City, r.Province, "地区未注明")
}

func cmpOr(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// shownValue is how the table writes a figure: ≥40%, 39.16%, 40–50%.
func (r apiIndicatorRow) shownValue() string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	if r.Comparator == "range" {
		return f(r.Value) + "–" + f(r.Upper) + r.Unit
	}
	c := r.Comparator
	if c == "=" {
		c = ""
	}
	return c + f(r.Value) + r.Unit
}

// mainUnit is the unit most of the rows are in: the chart's.
func mainUnit(rows []apiIndicatorRow) string {
	n := map[string]int{}
	best := ""
	for _, r := range rows {
		n[r.Unit]++
	}
	for _, r := range rows {
		if n[r.Unit] > n[best] || (best == "" && n[best] == 0) {
			best = r.Unit
		}
	}
	return best
}

func TestIndicatorsWeb(t *testing.T) {
	began := time.Now()
	defer func() { t.Logf("TestIndicatorsWeb took %v", time.Since(began).Round(time.Millisecond)) }()
	b := startBrowser(t)
	base := shared.http.URL
	q := url.QueryEscape

	names := apiGet[struct {
		Names []apiIndicatorName `json:"names"`
	}](t, shared, "/api/indicators/names").Names
	var ind apiIndicatorName
	for _, n := range names {
		if n.Places >= 2 {
			ind = n
			break
		}
	}
	if ind.Indicator == "" {
		t.Fatal("no indicator of the seed documents is stated by two places or more")
	}
	want := apiGet[apiIndicators](t, shared, "/api/indicators?size=100&indicator="+q(ind.Indicator))
	if want.Total == 0 || want.Total > 100 {
		t.Fatalf("the API lists %d figures of %s", want.Total, ind.Indicator)
	}

	t.Run("table and chart", func(t *testing.T) {
		p := newPage(t, b, base)
		p.open("/?view=indicators")
		// The header links here, and the list offers the indicator.
		if cur := p.attrs(`.site-nav a[aria-current="page"]`, "data-nav"); !slices.Equal(cur, []string{"indicators"}) {
			t.Errorf("current header link %v; want indicators", cur)
		}
		p.click(fmt.Sprintf(`.ind-option[data-indicator=%q] a`, ind.Indicator))
		p.waitJS(`new URLSearchParams(location.search).get("indicator") !== null && document.querySelector(".ind-table")`)
		p.settle()
		if got := p.query()["indicator"]; !slices.Equal(got, []string{ind.Indicator}) {
			t.Fatalf("URL indicator %v; want %s", got, ind.Indicator)
		}
		if h := p.text("#indicators-title"); !strings.Contains(h, ind.Indicator) {
			t.Errorf("heading %q does not name %s", h, ind.Indicator)
		}
		for _, prob := range a11yProblems(p) {
			t.Errorf("comparison: %s", prob)
		}

		// Every figure of the API in its place's row and its year's column,
		// with its value, kind and the figure marked in its excerpt.
		type fig struct{ Place, Year, Kind, Label, Value, Provision, Mark, Href string }
		var shown []fig
		p.eval(`[...document.querySelectorAll(".ind-table tbody li.fig")].map(li => ({
			Place: li.closest("tr").dataset.place, Year: li.closest("td").dataset.year, Kind: li.dataset.kind,
			Label: li.querySelector(".fig-kind").textContent, Value: li.querySelector(".fig-value").textContent.replaceAll(",", ""),
			Provision: li.dataset.provision, Mark: li.querySelector(".fig-mark")?.textContent ?? "",
			Href: li.querySelector("a.fig-link").getAttribute("href")}))`, &shown)
		var exp []fig
		for _, r := range want.Rows {
			year := "未注明"
			if r.Year > 0 {
				year = strconv.Itoa(r.Year)
			}
			exp = append(exp, fig{r.place(), year, r.Kind, map[string]string{"target": "目标", "achieved": "实际"}[r.Kind], r.shownValue(),
				r.Provision, r.Excerpt[r.ExcerptStart:r.ExcerptEnd], "/?view=provision&id=" + url.QueryEscape(r.Provision)})
		}
		key := func(f fig) string { return fmt.Sprint(f) }
		cmpFig := func(a, b fig) int { return strings.Compare(key(a), key(b)) }
		slices.SortFunc(shown, cmpFig)
		slices.SortFunc(exp, cmpFig)
		if !slices.Equal(shown, exp) {
			t.Errorf("the table shows %d figures:\n%v\nthe API lists %d:\n%v", len(shown), shown, len(exp), exp)
		}
		places := map[string]bool{}
		for _, r := range want.Rows {
			places[r.place()] = true
		}
		if rows := p.attrs(".ind-table tbody tr", "data-place"); len(rows) != len(places) {
			t.Errorf("table rows %v; want one per place of %v", rows, places)
		}
		if n := len(p.texts(".ind-table thead th[scope=col]")); n < 2 {
			t.Errorf("%d column heads", n)
		}
		p.shot("40-indicators-table")

		// Bars: one per place with a figure, in the chart's unit, in the year shown.
		unit := mainUnit(want.Rows)
		var year string
		p.eval(`document.querySelector("svg.ind-bars")?.dataset.year ?? ""`, &year)
		barPlaces := map[string]bool{}
		for _, r := range want.Rows {
			if strconv.Itoa(r.Year) == year && r.Unit == unit {
				barPlaces[r.place()] = true
			}
		}
		bars := p.attrs("svg.ind-bars g.bar", "data-place")
		if year == "" || len(bars) == 0 || len(bars) != len(barPlaces) {
			t.Errorf("bars for %q: %v; want one for each of %v", year, bars, barPlaces)
		}
		for _, pl := range bars {
			if !barPlaces[pl] {
				t.Errorf("a bar for %s, which has no figure in %s", pl, year)
			}
		}
		var label string
		p.eval(`document.querySelector("svg.ind-bars").getAttribute("aria-label") + "|" + document.getElementById(document.querySelector("svg.ind-bars").getAttribute("aria-describedby")).textContent`, &label)
		if !strings.Contains(label, year+"年") || !strings.Contains(label, "|") || strings.HasSuffix(label, "|") {
			t.Errorf("the bar chart's label and summary %q", label)
		}

		// Lines: one series per place and kind over the years.
		p.click(`.ind-chart .segment[data-chart="lines"]`)
		p.waitJS(`new URLSearchParams(location.search).get("chart") === "lines" && document.querySelector("svg.ind-lines")`)
		p.settle()
		series := map[string]bool{}
		for _, r := range want.Rows {
			if r.Year > 0 && r.Unit == unit {
				series[r.place()+"/"+r.Kind] = true
			}
		}
		var drawn []struct{ Place, Kind, Points string }
		p.eval(`[...document.querySelectorAll("svg.ind-lines g.series")].map(g => ({Place: g.dataset.place, Kind: g.dataset.kind, Points: g.dataset.points}))`, &drawn)
		if len(drawn) != len(series) {
			t.Errorf("lines %v; want one per place and kind of %v", drawn, series)
		}
		for _, d := range drawn {
			if !series[d.Place+"/"+d.Kind] {
				t.Errorf("a line for %s %s, which the API does not have", d.Place, d.Kind)
			}
		}
		var paths int
		p.eval(`document.querySelectorAll("svg.ind-lines g.series path").length`, &paths)
		multi := 0
		for _, d := range drawn {
			if n, _ := strconv.Atoi(d.Points); n > 1 {
				multi++
			}
		}
		if paths != multi {
			t.Errorf("%d line paths for %d series of two years or more", paths, multi)
		}
		if toggles := p.attrs(".series-toggle", "data-place"); len(toggles) != len(places) {
			t.Errorf("series toggles %v; want one per place", toggles)
		}
		p.shot("41-indicators-lines")
		// Hiding a place takes its lines away.
		first := drawn[0].Place
		p.click(fmt.Sprintf(`.series-toggle[data-place=%q]`, first))
		var left int
		p.eval(fmt.Sprintf(`document.querySelectorAll('svg.ind-lines g.series[data-place=%q]').length`, first), &left)
		if left != 0 {
			t.Errorf("after hiding %s, %d of its lines remain", first, left)
		}
		// Back to bars.
		p.click(`.ind-chart .segment[data-chart="bars"]`)
		p.waitJS(`new URLSearchParams(location.search).get("chart") === null && document.querySelector("svg.ind-bars")`)

		// A figure's link opens its provision.
		prov := shown[0].Provision
		p.click(fmt.Sprintf(`.ind-table li.fig[data-provision=%q] a.fig-link`, prov))
		p.waitJS(`new URLSearchParams(location.search).get("view") === "provision"`)
		p.settle()
		if got := p.query()["id"]; !slices.Equal(got, []string{prov}) || p.text("body[data-view]") == "" {
			t.Errorf("after clicking the figure: id %v; want %s", got, prov)
		}
		var view string
		p.eval(`document.body.dataset.view`, &view)
		if view != "provision" {
			t.Errorf("view %q after clicking a figure; want provision", view)
		}
	})

	t.Run("filters, downloads and the empty state", func(t *testing.T) {
		p := newPage(t, b, base)
		p.open("/?view=indicators&indicator=" + q(ind.Indicator))
		p.waitJS(`document.querySelector(".ind-table")`)
		// 目标 keeps targets only.
		p.click(`.ind-kind .segment[data-kind="target"]`)
		p.waitJS(`new URLSearchParams(location.search).get("kind") === "target"`)
		p.settle()
		targets := apiGet[apiIndicators](t, shared, "/api/indicators?size=100&kind=target&indicator="+q(ind.Indicator))
		kinds := p.attrs(".ind-table tbody li.fig", "data-kind")
		if len(kinds) != targets.Total || slices.ContainsFunc(kinds, func(k string) bool { return k != "target" }) {
			t.Errorf("with 目标: kinds %v; the API has %d targets", kinds, targets.Total)
		}
		// A year range from the selects.
		var years []string
		p.eval(`[...document.querySelectorAll("#ind-year-from option")].map(o => o.value).filter(Boolean)`, &years)
		if len(years) == 0 {
			t.Fatal("the year range offers no years")
		}
		p.eval(fmt.Sprintf(`(() => { const s = document.getElementById("ind-year-from"); s.value = %q; s.dispatchEvent(new Event("change")); })()`, years[len(years)-1]), nil)
		p.waitJS(`new URLSearchParams(location.search).get("year") !== null`)
		p.settle()
		yr := p.query()["year"]
		if len(yr) != 1 || !strings.HasPrefix(yr[0], years[len(years)-1]) {
			t.Errorf("year filter %v after choosing %s", yr, years[len(years)-1])
		}
		// The downloads carry the same filters.
		for _, format := range []string{"csv", "xlsx"} {
			var link string
			p.eval(fmt.Sprintf(`document.querySelector('.export-link[data-format=%q]').getAttribute("href")`, format), &link)
			u, err := url.Parse(link)
			if err != nil || u.Path != "/api/indicators/export" {
				t.Fatalf("%s link %q", format, link)
			}
			got := u.Query()
			if got.Get("indicator") != ind.Indicator || got.Get("kind") != "target" || got.Get("year") != yr[0] || got.Get("format") != format {
				t.Errorf("%s link %q lacks the view's filters (indicator %s, kind target, year %v)", format, link, ind.Indicator, yr)
			}
			r := shared.do(t, "GET", link, nil, nil)
			if r.status != 200 {
				t.Errorf("%s download answered %d", format, r.status)
			}
		}
		p.shot("42-indicators-filtered")

		// An indicator without results, asked for results: the empty state says what to do.
		var none string
		for _, n := range names {
			if n.Places >= 2 && n.Achieved == 0 {
				none = n.Indicator
				break
			}
		}
		if none == "" {
			t.Skip("every indicator of the seeds has results")
		}
		p.open("/?view=indicators&kind=achieved&indicator=" + q(none))
		p.waitJS(`document.querySelector(".ind-empty:not([hidden])")`)
		msg := p.text(".ind-empty")
		if !strings.Contains(msg, "没有数字") || !strings.Contains(msg, "去掉「类型：实际」") {
			t.Errorf("empty state says %q", msg)
		}
		var hidden bool
		p.eval(`document.querySelector(".ind-card").hidden && !document.querySelector(".ind-table")?.offsetParent`, &hidden)
		if !hidden {
			t.Error("the table card shows with no figures")
		}
		p.shot("43-indicators-empty")
		p.click(`.ind-empty a.chip`)
		p.waitJS(`new URLSearchParams(location.search).get("kind") === null && document.querySelector(".ind-table li.fig")`)
	})

	t.Run("finding an indicator by a synonym", func(t *testing.T) {
		var syn string
		for _, s := range ind.Synonyms {
			if !strings.Contains(ind.Indicator, s) {
				syn = s
				break
			}
		}
		if syn == "" {
			t.Skip("the indicator has no synonym unlike its name")
		}
		p := newPage(t, b, base)
		p.open("/?view=indicators")
		p.typeInto("#indicator-find", syn)
		p.waitJS(fmt.Sprintf(`document.querySelector('.ind-option[data-indicator=%q]') && document.querySelectorAll(".ind-option").length < %d`, ind.Indicator, len(names)))
		p.shot("44-indicators-picker")
	})

	t.Run("hit cards show figures that open the comparison", func(t *testing.T) {
		type hitFig struct {
			Indicator  string  `json:"indicator"`
			Written    string  `json:"written"`
			Value      float64 `json:"value"`
			Upper      float64 `json:"upper"`
			Unit       string  `json:"unit"`
			Comparator string  `json:"comparator"`
			Kind       string  `json:"kind"`
		}
		res := apiGet[struct {
			Hits []struct {
				ID         string   `json:"id"`
				Indicators []hitFig `json:"indicators"`
			} `json:"hits"`
		}](t, shared, "/api/search?q="+q(ind.Indicator))
		p := newPage(t, b, base)
		p.open("/?q=" + q(ind.Indicator))
		withFigures := 0
		var target hitFig
		var card string
		for i, h := range res.Hits {
			sel := fmt.Sprintf(".hits > li.hit:nth-child(%d) .fig-badge", i+1)
			got := p.texts(sel)
			var exp []string
			for _, f := range h.Indicators {
				exp = append(exp, cmpOr(f.Written, f.Indicator)+apiIndicatorRow{Value: f.Value, Upper: f.Upper, Unit: f.Unit, Comparator: f.Comparator}.shownValue())
			}
			for k := range got {
				got[k] = strings.ReplaceAll(got[k], ",", "")
			}
			if !slices.Equal(got, exp) {
				t.Errorf("hit %d (%s) badges %q; want %q", i+1, h.ID, got, exp)
			}
			if len(h.Indicators) > 0 && card == "" {
				card, target = sel, h.Indicators[0]
			}
			withFigures += len(h.Indicators)
		}
		if withFigures == 0 {
			t.Fatalf("no hit of %s states a figure", ind.Indicator)
		}
		kinds := p.attrs(card, "data-kind")
		if len(kinds) == 0 || kinds[0] != target.Kind {
			t.Errorf("badge kinds %v; want %s first", kinds, target.Kind)
		}
		p.shot("45-hit-figures")
		p.click(card)
		p.waitJS(`new URLSearchParams(location.search).get("view") === "indicators" && document.querySelector(".ind-option.current")`)
		p.settle()
		if got := p.query()["indicator"]; !slices.Equal(got, []string{target.Indicator}) {
			t.Errorf("the badge opened indicator %v; want %s", got, target.Indicator)
		}
		if cur := p.attrs(".ind-option.current", "data-indicator"); !slices.Equal(cur, []string{target.Indicator}) {
			t.Errorf("the list marks %v; want %s", cur, target.Indicator)
		}
		if n := len(p.texts(".ind-table li.fig")); n == 0 {
			t.Error("the comparison opened from a badge shows no figures")
		}
	})
}
