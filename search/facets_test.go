package search_test

import (
	"context"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/policysearch/policysearch/analyzers"
	"github.com/policysearch/policysearch/indexer"
	"github.com/policysearch/policysearch/search"
)

// TestFacetCountsMatchAScan checks totals and every facet count against a
// scan of the provisions: a quoted phrase selects exactly the provisions
// holding it, a filtered facet is counted with its own filter removed and
// the others kept, and every other facet among the provisions passing all
// filters.
func TestFacetCountsMatchAScan(t *testing.T) {
	ctx := context.Background()
	provs := allProvisions(t)
	norms := make([]string, len(provs))
	for i, p := range provs {
		norms[i] = analyzers.Normalize(p.Text)
	}
	phrases := []string{"医共体", "健康", ""}
	filterSets := []search.Filters{
		nil,
		{search.FacetCity: {"温州"}},
		{search.FacetYear: {"2020"}},
		{search.FacetProvince: {"浙江"}, search.FacetYear: {"2019-2020"}},
		{search.FacetCity: {"嘉兴", "贵阳"}, search.FacetTheme: {firstTheme(provs)}},
	}
	for _, phrase := range phrases {
		for _, filters := range filterSets {
			if phrase == "" && len(filters) == 0 {
				continue // a query with nothing in it is refused
			}
			name := fmt.Sprintf("%q %v", phrase, filters)
			q := ""
			if phrase != "" {
				q = `"` + phrase + `"`
			}
			res, err := engine.Search(ctx, search.Request{Query: q, Filters: filters, Mode: search.ModeKeyword})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			total := 0
			want := map[string]map[string]int{}
			for i, p := range provs {
				if phrase != "" && !strings.Contains(norms[i], phrase) {
					continue
				}
				if passes(p, filters, "") {
					total++
				}
				for _, f := range search.FacetNames {
					if !passes(p, filters, f) {
						continue
					}
					for _, v := range facetOf(p, f) {
						if want[f] == nil {
							want[f] = map[string]int{}
						}
						want[f][v]++
					}
				}
			}
			if res.Total != total {
				t.Errorf("%s: total %d, a scan finds %d", name, res.Total, total)
			}
			for _, f := range search.FacetNames {
				got := map[string]int{}
				for _, v := range res.Facets[f] {
					got[v.Value] = v.Count
				}
				if len(got) == 0 && len(want[f]) == 0 {
					continue
				}
				if !reflect.DeepEqual(got, want[f]) {
					t.Errorf("%s: facet %s = %v, a scan finds %v", name, f, got, want[f])
				}
			}
		}
	}
}

func firstTheme(provs []indexer.Provision) string {
	for _, p := range provs {
		if len(p.Themes) > 0 {
			return p.Themes[0]
		}
	}
	return ""
}

// passes says whether p passes every filter except skip's, as documented:
// any of a facet's values, a value matching the values it begins, a year
// value being a year or a range.
func passes(p indexer.Provision, filters search.Filters, skip string) bool {
	for f, want := range filters {
		if f == skip {
			continue
		}
		ok := false
		for _, w := range want {
			for _, v := range facetOf(p, f) {
				if f == search.FacetYear {
					from, to, err := search.ParseYearRange(w)
					y, _ := strconv.Atoi(v)
					ok = ok || (err == nil && y >= from && y <= to)
				} else {
					ok = ok || strings.HasPrefix(v, w)
				}
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

func facetOf(p indexer.Provision, f string) []string {
	var vs []string
	switch f {
	case search.FacetCity:
		vs = []string{p.City}
	case search.FacetProvince:
		vs = []string{p.Province}
	case search.FacetCounty:
		vs = []string{p.County}
	case search.FacetLevel:
		vs = []string{p.Level}
	case search.FacetYear:
		if p.Year > 0 {
			vs = []string{strconv.Itoa(p.Year)}
		}
	case search.FacetDocType:
		vs = []string{p.DocType}
	case search.FacetTheme:
		vs = p.Themes
	case search.FacetOffice:
		vs = p.LeadOffices
	}
	out := vs[:0:0]
	for _, v := range vs {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// TestCachedMatchesAnswerAsTheWalk checks that a query answered from the
// match cache (the same query again, paged or filtered another way) gives
// the hits, scores, total and counts that walking the index gives, in
// keyword and hybrid mode.
func TestCachedMatchesAnswerAsTheWalk(t *testing.T) {
	ctx := context.Background()
	for _, mode := range []string{search.ModeKeyword, search.ModeHybrid} {
		for _, q := range []string{"医共体", "健康 服务", "家庭医生签约", `"疫情防控" -核酸`, "年"} {
			for _, page := range []int{1, 2} {
				for _, filters := range []search.Filters{nil, {search.FacetCity: {"温州"}}, {search.FacetYear: {"2019-2020"}, search.FacetTheme: {"公共卫生"}}} {
					req := search.Request{Query: q, Mode: mode, Page: page, Size: 7, Filters: filters, NoCache: true}
					walked, err := engine.Search(ctx, req)
					if err != nil {
						t.Fatal(err)
					}
					req.NoCache = false
					cached, err := engine.Search(ctx, req)
					if err != nil {
						t.Fatal(err)
					}
					walked.TookMS, cached.TookMS = 0, 0
					if !reflect.DeepEqual(walked, cached) {
						t.Errorf("%s %q page %d %v: cached answer differs\nwalked %+v\ncached %+v", mode, q, page, filters, brief(walked), brief(cached))
					}
				}
			}
		}
	}
}

func brief(r *search.Response) string {
	var b strings.Builder
	fmt.Fprintf(&b, "total %d:", r.Total)
	for _, h := range r.Hits {
		fmt.Fprintf(&b, " %s(%.4f)", h.ID, h.Score)
	}
	fmt.Fprintf(&b, " facets %v", r.Facets)
	return b.String()
}

// TestCacheSeesWrites checks that a write is seen by the next search of a
// query whose matches were cached before it.
func TestCacheSeesWrites(t *testing.T) {
	ctx := context.Background()
	e := openEngine(t, t.TempDir(), search.SemanticOptions{Embedder: search.EmbedderOff})
	defer e.Close()
	count := func() int {
		t.Helper()
		res, err := e.Search(ctx, search.Request{Query: "远程影像"})
		if err != nil {
			t.Fatal(err)
		}
		return res.Total
	}
	before := count()
	if again := count(); again != before {
		t.Fatalf("same query, same index: %d then %d", before, again)
	}
	doc, _, err := e.Ingest(ctx, search.Upload{Name: "anji-2023.txt", Data: []byte(ingestText)})
	if err != nil {
		t.Fatal(err)
	}
	if after := count(); after <= before {
		t.Errorf("after ingesting a document about it: %d matches, %d before", after, before)
	}
	if err := e.Delete(ctx, doc.ID); err != nil {
		t.Fatal(err)
	}
	if after := count(); after != before {
		t.Errorf("after deleting it again: %d matches, %d before", after, before)
	}
}

// TestCacheForgetsDeletedProvisions checks that cached matches do not
// outlive a deletion: deleting a document removes its provisions from the
// next answer of a query cached before.
func TestCacheForgetsDeletedProvisions(t *testing.T) {
	ctx := context.Background()
	e := openEngine(t, t.TempDir(), search.SemanticOptions{Embedder: search.EmbedderOff})
	defer e.Close()
	req := search.Request{Query: "健康", Size: search.MaxSize}
	before, err := e.Search(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if len(before.Hits) == 0 {
		t.Fatal("no matches")
	}
	gone := before.Hits[0].DocID
	if err := e.Delete(ctx, gone); err != nil {
		t.Fatal(err)
	}
	after, err := e.Search(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if after.Total >= before.Total {
		t.Errorf("total %d after deleting %s, %d before", after.Total, gone, before.Total)
	}
	for _, h := range after.Hits {
		if h.DocID == gone {
			t.Errorf("%s of the deleted document %s still found", h.ID, gone)
		}
	}
}
