package search

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/policysearch/policysearch/analyzers"
	"github.com/policysearch/policysearch/indexer"
	"github.com/policysearch/policysearch/indexer/indicators"
)

// The indicator table lists the figures documents set as targets or report
// as results, with their documents' place and year, so that researchers
// can compare what places set out to do and achieved. It is answered from
// the library's copy of the documents' records, which carry their figures.

// IndicatorFacets are the facets figures are filtered and counted by.
var IndicatorFacets = []string{FacetIndicator, FacetProvince, FacetCity, FacetCounty, FacetLevel, FacetYear, FacetKind}

// Facets of the indicator table beyond the library's.
const (
	FacetIndicator = "indicator"
	FacetKind      = "kind"
)

// IndicatorRequest asks for one page of the indicator table.
type IndicatorRequest struct {
	// Q keeps the figures whose measure it names: the indicator's name or
	// one of its synonyms (签约率 finds 家庭医生签约服务率), or a part of
	// the name as written.
	Q          string
	Filters    Filters
	Page, Size int
	NoFacets   bool
}

// IndicatorRow is one figure with its document.
type IndicatorRow struct {
	indexer.IndicatorRecord
	DocID    string `json:"doc_id"`
	DocTitle string `json:"doc_title"`
	Province string `json:"province,omitempty"`
	City     string `json:"city,omitempty"`
	County   string `json:"county,omitempty"`
	Level    string `json:"level,omitempty"`
}

// IndicatorResponse is one page of the indicator table with facet counts
// over every figure the request keeps (each facet without its own filter).
type IndicatorResponse struct {
	Total  int                     `json:"total"`
	Page   int                     `json:"page"`
	Size   int                     `json:"size"`
	Rows   []IndicatorRow          `json:"rows"`
	Facets map[string][]FacetValue `json:"facets,omitempty"`
}

// IndicatorName is a normalised indicator with how many figures it has.
type IndicatorName struct {
	Indicator string   `json:"indicator"`
	ID        string   `json:"id,omitempty"`
	Synonyms  []string `json:"synonyms,omitempty"`
	Count     int      `json:"count"`
	Targets   int      `json:"targets"`
	Achieved  int      `json:"achieved"`
	Places    int      `json:"places"` // distinct cities or provinces that state it
}

// indicatorValue returns a row's value of an indicator facet.
func indicatorValue(r *IndicatorRow, facet string) string {
	switch facet {
	case FacetIndicator:
		return r.Indicator.Indicator
	case FacetProvince:
		return r.Province
	case FacetCity:
		return r.City
	case FacetCounty:
		return r.County
	case FacetLevel:
		return r.Level
	case FacetYear:
		if r.Year > 0 {
			return strconv.Itoa(r.Year)
		}
		return ""
	case FacetKind:
		return string(r.Kind)
	}
	return ""
}

// indicatorRows flattens the figures of a library state's documents, in a
// stable order: by indicator, then place, then year. They are read from
// the records the first time they are asked for, and kept.
func (st *libraryState) indicatorRows(ctx context.Context, s *indexer.Store) ([]IndicatorRow, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.figures != nil {
		return st.figures, nil
	}
	docs, err := s.Documents(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the documents' figures: %w", err)
	}
	held := make(map[string]bool, len(st.docs))
	for i := range st.docs {
		held[st.docs[i].info.ID] = true
	}
	rows := []IndicatorRow{}
	for i := range docs {
		d := &docs[i]
		if !held[d.ID] {
			continue // written since the state was listed: the next state's
		}
		for _, rec := range d.Indicators {
			rows = append(rows, IndicatorRow{IndicatorRecord: rec, DocID: d.ID, DocTitle: d.Title,
				Province: d.Province, City: d.City, County: d.County, Level: d.Level})
		}
	}
	slices.SortStableFunc(rows, func(a, b IndicatorRow) int {
		return cmp.Or(strings.Compare(a.Indicator.Indicator, b.Indicator.Indicator), emptyLast(a.Province, b.Province),
			emptyLast(a.City, b.City), emptyLast(a.County, b.County), cmp.Compare(a.Year, b.Year),
			strings.Compare(a.Provision, b.Provision), cmp.Compare(a.Start, b.Start))
	})
	st.figures = rows
	return rows, nil
}

// indicatorFilter is a checked indicator request's selection.
type indicatorFilter struct {
	filters Filters
	years   [][2]int
	q       string
	id      string // the table indicator Q names, if any
}

func newIndicatorFilter(f Filters, q string) (*indicatorFilter, error) {
	out := &indicatorFilter{filters: Filters{}, q: analyzers.Normalize(strings.TrimSpace(q))}
	for name, vals := range f {
		if !slices.Contains(IndicatorFacets, name) {
			return nil, &RequestError{Field: name, Msg: fmt.Sprintf("unknown indicator filter %q (known: %s)", name, strings.Join(IndicatorFacets, ", "))}
		}
		for _, v := range vals {
			if v = strings.TrimSpace(v); v == "" {
				continue
			}
			switch name {
			case FacetYear:
				from, to, err := ParseYearRange(v)
				if err != nil {
					return nil, &RequestError{Field: name, Msg: err.Error()}
				}
				out.years = append(out.years, [2]int{from, to})
			case FacetKind:
				if v != string(indicators.Target) && v != string(indicators.Achieved) {
					return nil, &RequestError{Field: name, Msg: fmt.Sprintf("kind %q is not %s or %s", v, indicators.Target, indicators.Achieved)}
				}
			}
			out.filters[name] = append(out.filters[name], v)
		}
	}
	if out.q != "" {
		if in, _, ok := indicators.Default().Lookup(out.q); ok {
			out.id = in.ID
		}
	}
	return out, nil
}

// keeps reports whether a row passes every filter but skip.
func (f *indicatorFilter) keeps(r *IndicatorRow, skip string) bool {
	for name, vals := range f.filters {
		if name == skip {
			continue
		}
		if name == FacetYear {
			if !slices.ContainsFunc(f.years, func(y [2]int) bool { return r.Year >= y[0] && r.Year <= y[1] }) {
				return false
			}
			continue
		}
		have := indicatorValue(r, name)
		exact := name == FacetIndicator || name == FacetKind
		if !slices.ContainsFunc(vals, func(v string) bool { return have == v || !exact && have != "" && strings.HasPrefix(have, v) }) {
			return false
		}
	}
	if f.q == "" {
		return true
	}
	if f.id != "" {
		return r.ID == f.id
	}
	return strings.Contains(r.Indicator.Indicator, f.q) || strings.Contains(r.Written, f.q)
}

// Indicators answers one page of the indicator table.
func (e *Engine) Indicators(ctx context.Context, r IndicatorRequest) (*IndicatorResponse, error) {
	if r.Page < 0 {
		return nil, &RequestError{Field: "page", Msg: "must be 1 or more"}
	}
	if r.Size < 0 || r.Size > MaxSize {
		return nil, &RequestError{Field: "size", Msg: fmt.Sprintf("must be between 1 and %d", MaxSize)}
	}
	r.Page, r.Size = max(r.Page, 1), cmp.Or(r.Size, 50)
	f, err := newIndicatorFilter(r.Filters, r.Q)
	if err != nil {
		return nil, err
	}
	st, err := e.library.get(ctx, e.store)
	if err != nil {
		return nil, err
	}
	rows, err := st.indicatorRows(ctx, e.store)
	if err != nil {
		return nil, err
	}
	out := &IndicatorResponse{Page: r.Page, Size: r.Size, Rows: []IndicatorRow{}}
	counts := map[string]map[string]int{}
	for _, name := range IndicatorFacets {
		counts[name] = map[string]int{}
	}
	skip := (r.Page - 1) * r.Size
	for i := range rows {
		row := &rows[i]
		if f.keeps(row, "") {
			out.Total++
			if skip > 0 {
				skip--
			} else if len(out.Rows) < r.Size {
				out.Rows = append(out.Rows, *row)
			}
		}
		if r.NoFacets {
			continue
		}
		for _, name := range IndicatorFacets {
			if v := indicatorValue(row, name); v != "" && f.keeps(row, name) {
				counts[name][v]++
			}
		}
	}
	if !r.NoFacets {
		out.Facets = make(map[string][]FacetValue, len(IndicatorFacets))
		for _, name := range IndicatorFacets {
			vals := make([]FacetValue, 0, len(counts[name]))
			for v, n := range counts[name] {
				vals = append(vals, FacetValue{Value: v, Count: n})
			}
			slices.SortFunc(vals, func(a, b FacetValue) int { return cmp.Or(b.Count-a.Count, strings.Compare(a.Value, b.Value)) })
			out.Facets[name] = vals[:min(len(vals), libraryFacetSize)]
		}
	}
	return out, nil
}

// IndicatorNames lists the normalised indicators the documents state,
// those of the vocabulary's table first (with their synonyms), each with
// its counts, most stated first.
func (e *Engine) IndicatorNames(ctx context.Context) ([]IndicatorName, error) {
	st, err := e.library.get(ctx, e.store)
	if err != nil {
		return nil, err
	}
	type tally struct {
		IndicatorName
		places map[string]bool
	}
	rows, err := st.indicatorRows(ctx, e.store)
	if err != nil {
		return nil, err
	}
	by := map[string]*tally{}
	for _, r := range rows {
		t := by[r.Indicator.Indicator]
		if t == nil {
			t = &tally{IndicatorName: IndicatorName{Indicator: r.Indicator.Indicator, ID: r.ID}, places: map[string]bool{}}
			by[r.Indicator.Indicator] = t
		}
		t.Count++
		if r.Kind == indicators.Target {
			t.Targets++
		} else {
			t.Achieved++
		}
		if place := cmp.Or(r.County, r.City, r.Province); place != "" {
			t.places[place] = true
		}
	}
	out := make([]IndicatorName, 0, len(by))
	for _, t := range by {
		t.Places = len(t.places)
		if t.ID != "" {
			if in, _, ok := indicators.Default().Lookup(t.Indicator); ok {
				t.Synonyms = in.Synonyms
			}
		}
		out = append(out, t.IndicatorName)
	}
	slices.SortFunc(out, func(a, b IndicatorName) int {
		return cmp.Or(boolFirst(a.ID != "", b.ID != ""), b.Places-a.Places, b.Count-a.Count, strings.Compare(a.Indicator, b.Indicator))
	})
	return out, nil
}

// boolFirst orders true before false.
func boolFirst(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return -1
	}
	return 1
}
