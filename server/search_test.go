package server

import (
	"bytes"
	"encoding/json"
	"math/rand"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/policysearch/policysearch/analyzers"
	"github.com/policysearch/policysearch/search"
)

func TestPhraseHighlightWrapsExactlyThePhrase(t *testing.T) {
	hits, total := shared.searchAll(t, url.Values{"q": {`"医共体"`}}, search.MaxSize)
	if total == 0 {
		t.Fatal("no hit for 医共体")
	}
	for _, h := range hits {
		joined := strings.Join(h.Highlights, " ")
		if !strings.Contains(joined, "<mark>医共体</mark>") {
			t.Errorf("%s: highlights %q lack <mark>医共体</mark>", h.ID, joined)
		}
		for _, text := range append([]string{h.Marked}, h.Highlights...) {
			for _, m := range strings.Split(text, "<mark>")[1:] {
				if inner, _, _ := strings.Cut(m, "</mark>"); inner != "医共体" {
					t.Errorf("%s: marked %q, want only 医共体", h.ID, inner)
				}
			}
		}
	}
}

// facetValuesOf lists what a hit contributes to each facet's counts.
func facetValuesOf(h search.Hit) map[string][]string {
	one := func(s string) []string {
		if s == "" {
			return nil
		}
		return []string{s}
	}
	year := ""
	if h.Year > 0 {
		year = strconv.Itoa(h.Year)
	}
	return map[string][]string{
		search.FacetCity:     one(h.City),
		search.FacetProvince: one(h.Province),
		search.FacetCounty:   one(h.County),
		search.FacetLevel:    one(h.Level),
		search.FacetYear:     one(year),
		search.FacetDocType:  one(h.DocType),
		search.FacetTheme:    h.Themes,
		search.FacetOffice:   h.LeadOffices,
	}
}

// TestFacetCountsAddUp checks the facet counts of a broad query against
// the hits themselves: each value's count is the number of hits holding it,
// and the doc_type counts sum to the total when every hit has a doc_type.
func TestFacetCountsAddUp(t *testing.T) {
	for _, q := range []string{"医疗", ""} {
		params := url.Values{"q": {q}}
		first := shared.searchPage(t, params)
		hits, total := shared.searchAll(t, params, search.MaxSize)
		if total == 0 || len(hits) != total {
			t.Fatalf("q=%q: %d hits of %d", q, len(hits), total)
		}
		want := map[string]map[string]int{}
		everyDocType := true
		for _, h := range hits {
			for f, vs := range facetValuesOf(h) {
				if want[f] == nil {
					want[f] = map[string]int{}
				}
				for _, v := range vs {
					want[f][v]++
				}
			}
			everyDocType = everyDocType && h.DocType != ""
		}
		for _, f := range search.FacetNames {
			got := first.Facets[f]
			if got == nil {
				t.Errorf("q=%q: facet %s missing", q, f)
				continue
			}
			for _, fv := range got {
				if fv.Count != want[f][fv.Value] {
					t.Errorf("q=%q: facet %s=%s counts %d, hits hold it %d times", q, f, fv.Value, fv.Count, want[f][fv.Value])
				}
			}
			if len(got) < 100 && len(got) != len(want[f]) {
				t.Errorf("q=%q: facet %s lists %d values, hits hold %d", q, f, len(got), len(want[f]))
			}
		}
		sum := 0
		for _, fv := range first.Facets[search.FacetDocType] {
			sum += fv.Count
		}
		if everyDocType && sum != total {
			t.Errorf("q=%q: doc_type counts sum to %d, total %d", q, sum, total)
		}
	}
}

func TestFiltersNarrow(t *testing.T) {
	base := url.Values{"q": {"医疗"}}
	all := shared.searchPage(t, base)
	cities := all.Facets[search.FacetCity]
	if len(cities) < 2 {
		t.Fatalf("want two cities in the facets, got %v", cities)
	}
	sum := 0
	for _, c := range cities[:2] {
		p := url.Values{"q": {"医疗"}, "city": {c.Value}}
		hits, total := shared.searchAll(t, p, search.MaxSize)
		if total > all.Total || total != c.Count {
			t.Errorf("city=%s: total %d, facet said %d, unfiltered %d", c.Value, total, c.Count, all.Total)
		}
		for _, h := range hits {
			if h.City != c.Value {
				t.Errorf("city=%s: hit %s has city %q", c.Value, h.ID, h.City)
			}
		}
		// The city facet is counted without its own filter.
		res := shared.searchPage(t, p)
		if !slices.Equal(res.Facets[search.FacetCity], cities) {
			t.Errorf("city=%s: city facet %v, want the unfiltered %v", c.Value, res.Facets[search.FacetCity], cities)
		}
		sum += total
	}
	// OR within a facet.
	either := shared.searchPage(t, url.Values{"q": {"医疗"}, "city": {cities[0].Value, cities[1].Value}})
	if either.Total != sum {
		t.Errorf("two cities: total %d, want %d", either.Total, sum)
	}
	// AND across facets, with a year range.
	years := all.Facets[search.FacetYear]
	if len(years) == 0 {
		t.Fatal("no year facet")
	}
	y, _ := strconv.Atoi(years[0].Value)
	p := url.Values{"q": {"医疗"}, "city": {cities[0].Value}, "year": {strconv.Itoa(y-1) + "-" + strconv.Itoa(y)}}
	hits, total := shared.searchAll(t, p, search.MaxSize)
	if total > cities[0].Count {
		t.Errorf("city and year: %d hits, more than city alone (%d)", total, cities[0].Count)
	}
	for _, h := range hits {
		if h.City != cities[0].Value || h.Year < y-1 || h.Year > y {
			t.Errorf("city and year: hit %s has %s %d", h.ID, h.City, h.Year)
		}
	}
}

func TestBrowseByFacet(t *testing.T) {
	all := shared.searchPage(t, url.Values{})
	_, provisions := shared.counts(t)
	if all.Total != provisions {
		t.Errorf("empty query: total %d, index holds %d provisions", all.Total, provisions)
	}
	dt := all.Facets[search.FacetDocType]
	if len(dt) == 0 {
		t.Fatal("no doc_type facet")
	}
	hits, total := shared.searchAll(t, url.Values{"doc_type": {dt[0].Value}}, search.MaxSize)
	if total != dt[0].Count {
		t.Errorf("doc_type=%s: %d hits, facet said %d", dt[0].Value, total, dt[0].Count)
	}
	for _, h := range hits {
		if h.DocType != dt[0].Value {
			t.Errorf("doc_type=%s: hit %s is %s", dt[0].Value, h.ID, h.DocType)
		}
	}
}

func TestSortByYear(t *testing.T) {
	for _, order := range []string{search.SortYearDesc, search.SortYearAsc} {
		hits, total := shared.searchAll(t, url.Values{"q": {"健康"}, "sort": {order}}, 37)
		if total < 2 || len(hits) != total {
			t.Fatalf("%s: %d hits of %d", order, len(hits), total)
		}
		for i := 1; i < len(hits); i++ {
			a, b := hits[i-1].Year, hits[i].Year
			if order == search.SortYearDesc && a < b || order == search.SortYearAsc && a > b {
				t.Fatalf("%s: hit %d year %d after %d", order, i, b, a)
			}
		}
		if hits[0].Year == hits[len(hits)-1].Year {
			t.Errorf("%s: every hit from one year; the test proves nothing", order)
		}
	}
}

func TestPagingIsStableAndComplete(t *testing.T) {
	for _, params := range []url.Values{{"q": {"工作"}}, {}, {"q": {"健康"}, "sort": {search.SortYearAsc}}} {
		hits, total := shared.searchAll(t, params, 13)
		again, _ := shared.searchAll(t, params, 13)
		seen := map[string]bool{}
		for _, h := range hits {
			if seen[h.ID] {
				t.Errorf("%v: %s on two pages", params, h.ID)
			}
			seen[h.ID] = true
		}
		if len(seen) != total {
			t.Errorf("%v: walked %d distinct hits, total %d", params, len(seen), total)
		}
		for i := range hits {
			if hits[i].ID != again[i].ID {
				t.Fatalf("%v: order differs between two walks at %d", params, i)
			}
		}
	}
}

// TestQuotedPhraseIsExactThroughAPI: a quoted substring of any provision
// returns exactly the provisions whose normalised text contains it.
func TestQuotedPhraseIsExactThroughAPI(t *testing.T) {
	provs := shared.allProvisions(t)
	norms := make([]string, len(provs))
	for i, p := range provs {
		norms[i] = analyzers.Normalize(p.Text)
	}
	rng := rand.New(rand.NewSource(11))
	tried := 0
	for tried < 30 {
		rs := []rune(norms[rng.Intn(len(norms))])
		if len(rs) < 2 {
			continue
		}
		l := 2 + rng.Intn(11)
		if l > len(rs) {
			l = len(rs)
		}
		start := rng.Intn(len(rs) - l + 1)
		sub := string(rs[start : start+l])
		// Quotes cannot be inside a phrase; leading or trailing space is
		// not part of what a user quotes.
		if strings.ContainsAny(sub, `"“”「」＂`) || strings.TrimSpace(sub) != sub {
			continue
		}
		tried++
		var want []string
		for j, n := range norms {
			if strings.Contains(n, sub) {
				want = append(want, provs[j].ID)
			}
		}
		hits, total := shared.searchAll(t, url.Values{"q": {`"` + sub + `"`}}, search.MaxSize)
		got := make([]string, len(hits))
		for i, h := range hits {
			got[i] = h.ID
		}
		sort.Strings(got)
		sort.Strings(want)
		if !slices.Equal(got, want) || total != len(want) {
			t.Errorf("%q: got %d hits (total %d), want %d", sub, len(got), total, len(want))
		}
	}
}

func TestDocumentsAndSections(t *testing.T) {
	var list search.LibraryResponse
	shared.getJSON(t, "/api/documents", &list)
	docs, provisions := shared.counts(t)
	if list.Total != docs || len(list.Documents) != docs || docs == 0 {
		t.Fatalf("listing: %d documents (total %d), index holds %d", len(list.Documents), list.Total, docs)
	}
	r := shared.get(t, "/api/documents")
	if strings.Contains(string(r.body), `"provisions":null`) {
		t.Error("listing carries provisions: null")
	}
	sum := 0
	for _, d := range list.Documents {
		var v search.DocumentView
		shared.getJSON(t, "/api/documents/"+d.ID, &v)
		if v.ID != d.ID || len(v.Provisions) != d.ProvisionCount || len(v.Outline) != len(v.Provisions) {
			t.Errorf("%s: %d provisions, %d outline entries, listing says %d", d.ID, len(v.Provisions), len(v.Outline), d.ProvisionCount)
		}
		for i, p := range v.Provisions {
			if p.Ordinal != i || p.DocID != d.ID {
				t.Errorf("%s: provision %d is %s (ordinal %d)", d.ID, i, p.ID, p.Ordinal)
			}
		}
		sum += len(v.Provisions)
		if len(v.Provisions) >= 3 {
			var s search.Section
			mid := v.Provisions[1]
			shared.getJSON(t, "/api/sections/"+mid.ID, &s)
			if s.ID != mid.ID || s.Text != mid.Text || s.Document.ID != d.ID {
				t.Errorf("section %s: got %s of %s", mid.ID, s.ID, s.Document.ID)
			}
			if s.Prev == nil || s.Prev.ID != v.Provisions[0].ID || s.Next == nil || s.Next.ID != v.Provisions[2].ID {
				t.Errorf("section %s: neighbours %+v %+v", mid.ID, s.Prev, s.Next)
			}
			if len(s.Outline) != len(v.Provisions) {
				t.Errorf("section %s: outline of %d entries, want %d", mid.ID, len(s.Outline), len(v.Provisions))
			}
		}
	}
	if sum != provisions {
		t.Errorf("documents hold %d provisions, index %d", sum, provisions)
	}
}

func TestFacetsOverCorpus(t *testing.T) {
	var f facetsResponse
	shared.getJSON(t, "/api/facets", &f)
	all := shared.searchPage(t, url.Values{})
	for _, name := range search.FacetNames {
		if !slices.Equal(f.Facets[name], all.Facets[name]) {
			t.Errorf("facet %s: /api/facets %v, browse-all %v", name, f.Facets[name], all.Facets[name])
		}
	}
	if len(f.Facets[search.FacetCity]) == 0 || len(f.Facets[search.FacetYear]) == 0 {
		t.Errorf("empty facets: %v", f.Facets)
	}
}

func TestSimilar(t *testing.T) {
	res := shared.searchPage(t, url.Values{"q": {`"医共体"`}})
	if len(res.Hits) == 0 {
		t.Fatal("no hit")
	}
	src := res.Hits[0]
	var sim search.SimilarResponse
	shared.getJSON(t, "/api/sections/"+src.ID+"/similar?size=5", &sim)
	if sim.Source == nil || sim.Source.ID != src.ID || len(sim.Hits) == 0 || len(sim.Hits) > 5 {
		t.Fatalf("similar to %s: source %v, %d hits", src.ID, sim.Source, len(sim.Hits))
	}
	for _, h := range sim.Hits {
		if h.DocID == src.DocID {
			t.Errorf("similar to %s: %s is from the same document", src.ID, h.ID)
		}
	}
	shared.getJSON(t, "/api/sections/"+src.ID+"/similar?size=20&exclude_same_doc=false", &sim)
	for _, h := range sim.Hits {
		if h.ID == src.ID {
			t.Errorf("similar to %s returns itself", src.ID)
		}
	}

	body, err := json.Marshal(map[string]any{"text": src.Text, "size": 3, "filters": map[string][]string{"city": {src.City}}})
	if err != nil {
		t.Fatal(err)
	}
	r := shared.do(t, "POST", "/api/similar", bytes.NewReader(body), map[string]string{"Content-Type": "application/json"})
	if r.status != 200 {
		t.Fatalf("POST /api/similar: %d %s", r.status, r.body)
	}
	var byText search.SimilarResponse
	if err := json.Unmarshal(r.body, &byText); err != nil {
		t.Fatal(err)
	}
	if len(byText.Hits) == 0 || len(byText.Hits) > 3 {
		t.Fatalf("POST /api/similar: %d hits", len(byText.Hits))
	}
	for _, h := range byText.Hits {
		if h.City != src.City {
			t.Errorf("POST /api/similar with city=%s: hit %s in %s", src.City, h.ID, h.City)
		}
	}
}
