package search

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"testing"

	"github.com/policysearch/policysearch/indexer"
)

func TestDocFilter(t *testing.T) {
	d := &indexer.DocumentInfo{Document: indexer.Document{
		ID: "d", City: "温州市", Province: "浙江省", Level: "市级", Year: 2019, DocType: "工作总结",
		Parts: []indexer.Part{{Year: 2019, DocType: "工作总结"}, {Year: 2020, DocType: "工作要点"}},
	}}
	tests := []struct {
		filters Filters
		want    bool
	}{
		{Filters{FacetCity: {"温州市"}}, true},
		{Filters{FacetCity: {"杭州市", "温州市"}}, true},
		{Filters{FacetCity: {"杭州市"}}, false},
		{Filters{FacetCity: {"温州"}}, true}, // a short name
		{Filters{FacetYear: {"2015-2019"}}, true},
		{Filters{FacetYear: {"2021-2023"}}, false},
		{Filters{FacetYear: {"2020"}}, true}, // its second part's year
		{Filters{FacetYear: {"2021"}}, false},
		{Filters{FacetDocType: {"工作要点"}, FacetProvince: {"浙江省"}}, true},
		{Filters{FacetDocType: {"工作要点"}, FacetProvince: {"江苏省"}}, false},
		{Filters{FacetLevel: {"县级"}}, false},
	}
	for _, tt := range tests {
		if got := newDocFilter(tt.filters).admits(d); got != tt.want {
			t.Errorf("%v: %v, want %v", tt.filters, got, tt.want)
		}
	}
}

// TestFilteredDocumentsHoldEveryMatch: the documents a filtered semantic
// search seeks the nearest in hold every provision the filter keeps, and
// only documents that may meet it; nothing is sought within for filters
// on provisions' own values (theme) or past the limit.
func TestFilteredDocumentsHoldEveryMatch(t *testing.T) {
	e := seedEngine(t)
	ctx := context.Background()
	docs, err := e.store.Documents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	city := ""
	for _, d := range docs {
		if d.City != "" {
			city = d.City
			break
		}
	}
	if city == "" {
		t.Fatal("no seed document names a city")
	}
	filters := Filters{FacetCity: {city}}
	if got, err := e.filteredDocuments(ctx, filters, 1); err != nil || got != nil {
		t.Errorf("over the limit: %v, %v; want nil (scan all)", got, err)
	}
	within, err := e.filteredDocuments(ctx, filters, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(within) == 0 {
		t.Fatalf("no documents to seek within for %v", filters)
	}
	for _, id := range within {
		if !slices.ContainsFunc(docs, func(d indexer.DocumentInfo) bool { return d.ID == id && d.City == city }) {
			t.Errorf("%s: not a document of %s", id, city)
		}
	}
	res, err := e.Search(ctx, Request{Filters: filters, Size: 100, Mode: ModeKeyword})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total == 0 {
		t.Fatalf("no provision kept by %v", filters)
	}
	for _, h := range res.Hits {
		if !slices.Contains(within, h.DocID) {
			t.Errorf("%s (kept by the filter) not in a document sought within", h.ID)
		}
	}
	if got, err := e.filteredDocuments(ctx, Filters{FacetTheme: {"基层卫生"}}, 1000); err != nil || got != nil {
		t.Errorf("theme filter: %v, %v; want nil (scan all)", got, err)
	}
}

// TestFilteredDocumentsAsTheRecordsSay checks the documents a filter
// admits, worked out from the library's columns, against each record's
// own check, for filters on every facet, a part's year and type included.
func TestFilteredDocumentsAsTheRecordsSay(t *testing.T) {
	e := seedEngine(t)
	ctx := context.Background()
	docs, err := e.store.Documents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var filters []Filters
	for _, d := range docs {
		filters = append(filters, Filters{FacetCity: {d.City}}, Filters{FacetProvince: {d.Province}}, Filters{FacetLevel: {d.Level}})
		for _, p := range d.Parts {
			filters = append(filters, Filters{FacetYear: {fmt.Sprint(p.Year)}}, Filters{FacetDocType: {p.DocType}},
				Filters{FacetYear: {fmt.Sprint(p.Year)}, FacetDocType: {p.DocType}})
		}
	}
	parted := false
	for _, f := range filters {
		if slices.ContainsFunc(slices.Collect(maps.Values(f)), func(vs []string) bool { return slices.Contains(vs, "") }) {
			continue // a document without the value: no filter a request makes
		}
		got, err := e.filteredDocuments(ctx, f, math.MaxInt)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for i := range docs {
			if newDocFilter(f).admits(&docs[i]) {
				want = append(want, docs[i].ID)
				parted = parted || f[FacetYear] != nil && !slices.Contains(f[FacetYear], fmt.Sprint(docs[i].Year))
			}
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%v: %v, the records say %v", f, got, want)
		}
	}
	if !parted {
		t.Error("no document was admitted by a part's year alone: the test proves little")
	}
}
