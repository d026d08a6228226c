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
