package search

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	index "github.com/blevesearch/bleve_index_api"

	"github.com/policysearch/policysearch/analyzers"
	"github.com/policysearch/policysearch/indexer"
)

// The library is the collection of documents itself, as researchers browse
// it (which places and years it covers, what arrived last) and operators
// keep it (what lacks metadata). It is answered from the documents' records
// held in memory for each index state, so that paging, sorting, filtering
// and counting a collection of tens of thousands of documents costs
// milliseconds, not a read of every record.

// Library sort orders.
const (
	LibraryYearDesc = "year_desc" // newest first (the default)
	LibraryYearAsc  = "year_asc"
	LibraryPlace    = "place" // province, city, county, then newest first
	LibraryTitle    = "title"
	LibraryAdded    = "added" // last added first
)

// LibrarySorts lists the library's sort orders.
var LibrarySorts = []string{LibraryYearDesc, LibraryYearAsc, LibraryPlace, LibraryTitle, LibraryAdded}

// LibraryFacets are the facets documents are filtered and counted by:
// those of search that describe a whole document.
var LibraryFacets = []string{FacetProvince, FacetCity, FacetCounty, FacetLevel, FacetYear, FacetDocType}

// LibraryRequest asks for one page of the library.
type LibraryRequest struct {
	Page, Size int
	Sort       string
	Filters    Filters
	// Missing keeps the documents that lack every one of these fields
	// (indexer.MissingFields).
	Missing []string
	// Q keeps the documents whose title or issuer holds it.
	Q string
	// NoFacets skips the facet counts.
	NoFacets bool
}

// LibraryDocument is a document in a library listing.
type LibraryDocument struct {
	indexer.DocumentInfo
	// Missing names the metadata fields the document lacks.
	Missing []string `json:"missing,omitempty"`
}

// LibraryResponse is one page of the library, with facet counts over all
// the documents the request keeps (each facet without its own filter).
type LibraryResponse struct {
	Total     int                     `json:"total"`
	Page      int                     `json:"page"`
	Size      int                     `json:"size"`
	Documents []LibraryDocument       `json:"documents"`
	Facets    map[string][]FacetValue `json:"facets,omitempty"`
	// MissingCounts counts, per field of indexer.MissingFields, the
	// documents the request's filters keep that lack it (the missing
	// filter itself left out, so that a choice can be widened).
	MissingCounts map[string]int `json:"missing_counts,omitempty"`
}

// CoverageRequest asks how many documents each place has for each year.
type CoverageRequest struct {
	// By is FacetProvince or FacetCity.
	By      string
	Filters Filters
	Missing []string
	Q       string
}

// CoverageRow is one place's documents per year.
type CoverageRow struct {
	Place string `json:"place"`
	// Province is the city's province, in rows by city.
	Province string `json:"province,omitempty"`
	// Counts holds one count per year of the response's Years.
	Counts []int `json:"counts"`
	Total  int   `json:"total"`
}

// CoverageResponse is a place × year matrix of document counts. Every year
// between the first and the last is a column, so an empty year shows.
// Documents without a place or year are counted apart.
type CoverageResponse struct {
	By    string        `json:"by"`
	Years []int         `json:"years"`
	Rows  []CoverageRow `json:"rows"`
	// Total is every document the request keeps; NoPlace and NoYear those
	// of them that cannot have a cell.
	Total   int `json:"total"`
	NoPlace int `json:"no_place"`
	NoYear  int `json:"no_year"`
}

// libDoc is a document as the library holds it: its record, with what
// filtering and sorting read worked out once.
type libDoc struct {
	info    indexer.DocumentInfo // without its figures
	missing []string
	// vals holds, per facet of LibraryFacets, the number of the document's
	// value in the state's table of that facet's values (-1: none).
	vals     [numLibraryFacets]int32
	lacks    uint8  // bit i set: lacks indexer.MissingFields[i]
	text     string // normalised title, issuer and file name, for Q
	yearText string
}

// libraryFacetSize is how many values a library facet reports at most:
// every city and county of a large collection, for researchers to see what
// it covers.
const libraryFacetSize = 2000

// numLibraryFacets is len(LibraryFacets).
const numLibraryFacets = 6

// facetIndex returns the position of a facet in LibraryFacets, or -1.
func libraryFacetIndex(name string) int { return slices.Index(LibraryFacets, name) }

// value returns the document's value of a library facet.
func (d *libDoc) value(facet string) string {
	switch facet {
	case FacetProvince:
		return d.info.Province
	case FacetCity:
		return d.info.City
	case FacetCounty:
		return d.info.County
	case FacetLevel:
		return d.info.Level
	case FacetYear:
		return d.yearText
	case FacetDocType:
		return d.info.DocType
	}
	return ""
}

// libraryState is the library of one index state.
type libraryState struct {
	key  string
	docs []libDoc
	// values holds, per facet, the distinct values the documents have.
	values [numLibraryFacets][]string
	// cols holds, per facet, each document's value number (its vals) in
	// one array, and parted the documents with a part of another year or
	// type than their own: a filter's pass over every document reads
	// these, not the records.
	cols   [numLibraryFacets][]int32
	parted []bool

	mu     sync.Mutex
	orders map[string][]int32 // sort order → document positions, made on first use
	// figures are every document's figures, read from the records on
	// first use: most of a record, and most searches never ask for them.
	figures []IndicatorRow
}

// newLibraryState holds the documents' records for paging and counting.
func newLibraryState(key string, infos []indexer.DocumentInfo) *libraryState {
	st := &libraryState{key: key, docs: make([]libDoc, len(infos)), orders: map[string][]int32{}, parted: make([]bool, len(infos))}
	for f := range st.cols {
		st.cols[f] = make([]int32, len(infos))
	}
	var numbers [numLibraryFacets]map[string]int32
	for f := range numbers {
		numbers[f] = map[string]int32{}
	}
	for i, info := range infos {
		d := &st.docs[i]
		d.info, d.missing = info, info.Missing()
		d.info.Indicators = nil
		d.text = analyzers.Normalize(info.Title + "\n" + info.Issuer + "\n" + info.File)
		if info.Year > 0 {
			d.yearText = strconv.Itoa(info.Year)
		}
		for f, name := range LibraryFacets {
			v := d.value(name)
			if v == "" {
				d.vals[f] = -1
				continue
			}
			n, ok := numbers[f][v]
			if !ok {
				n = int32(len(st.values[f]))
				numbers[f][v] = n
				st.values[f] = append(st.values[f], v)
			}
			d.vals[f] = n
		}
		for f := range st.cols {
			st.cols[f][i] = d.vals[f]
		}
		st.parted[i] = slices.ContainsFunc(info.Parts, func(p indexer.Part) bool { return p.Year != info.Year || p.DocType != info.DocType })
		for m, field := range indexer.MissingFields {
			if slices.Contains(d.missing, field) {
				d.lacks |= 1 << m
			}
		}
	}
	return st
}

// order returns the documents' positions in a sort order; titles break
// ties, so that the order is the same on every request.
func (st *libraryState) order(sort string) []int32 {
	st.mu.Lock()
	defer st.mu.Unlock()
	if o, ok := st.orders[sort]; ok {
		return o
	}
	o := make([]int32, len(st.docs))
	for i := range o {
		o[i] = int32(i)
	}
	less := libraryOrder(sort)
	slices.SortStableFunc(o, func(a, b int32) int { return less(&st.docs[a], &st.docs[b]) })
	st.orders[sort] = o
	return o
}

// libraryCache keeps the library of the latest index states.
type libraryCache struct {
	mu      sync.Mutex
	recent  []*libraryState
	writeMu sync.Mutex // serialises the engine's writes, see write
}

// get returns the library of the state the store reads now.
func (c *libraryCache) get(ctx context.Context, s *indexer.Store) (*libraryState, error) {
	key := ""
	if err := s.Read(func(r index.IndexReader) error { key = stateKey(r); return nil }); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if key != "" {
		for _, st := range c.recent {
			if st.key == key {
				return st, nil
			}
		}
	}
	infos, err := s.DocumentList(ctx)
	if err != nil {
		return nil, fmt.Errorf("list documents: %w", err)
	}
	st := newLibraryState(key, infos)
	if key != "" {
		// Two states: a request still reading the previous one while a
		// write lands finds its own.
		c.recent = append([]*libraryState{st}, c.recent[:min(len(c.recent), 1)]...)
	}
	return st, nil
}

// write runs one of the engine's own writes and brings the library to the
// index state it makes from the latest state held, with the documents
// written put in and those removed taken out, instead of reading every
// record again (a second at 50,000 documents). Writes through it are
// serialised, so that the state held is the one the write started from.
func (c *libraryCache) write(s *indexer.Store, do func() (put []indexer.Document, err error), removed []string) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	put, err := do()
	if err != nil {
		return err
	}
	key := ""
	if err := s.Read(func(r index.IndexReader) error { key = stateKey(r); return nil }); err != nil || key == "" {
		return nil // the next read lists the documents afresh
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.recent) == 0 {
		return nil
	}
	prev := c.recent[0]
	gone := make(map[string]bool, len(put)+len(removed))
	for _, id := range removed {
		gone[id] = true
	}
	for _, d := range put {
		gone[d.ID] = true
	}
	infos := make([]indexer.DocumentInfo, 0, len(prev.docs)+len(put))
	for i := range prev.docs {
		if !gone[prev.docs[i].info.ID] {
			infos = append(infos, prev.docs[i].info)
		}
	}
	for _, d := range put {
		info := indexer.DocumentInfo{Document: d, ProvisionCount: len(d.Provisions)}
		info.Provisions = nil
		infos = append(infos, info)
	}
	c.recent = []*libraryState{newLibraryState(key, infos), prev}
	return nil
}

// libraryFilter is a validated selection of documents.
type libraryFilter struct {
	filters Filters
	years   [][2]int
	missing []string
	q       string
}

func newLibraryFilter(f Filters, missing []string, q string) (*libraryFilter, error) {
	lf := &libraryFilter{filters: Filters{}, q: analyzers.Normalize(strings.TrimSpace(q))}
	for name, vals := range f {
		if libraryFacetIndex(name) < 0 {
			return nil, &RequestError{Field: name, Msg: fmt.Sprintf("unknown document filter %q (known: %s)", name, strings.Join(LibraryFacets, ", "))}
		}
		for _, v := range vals {
			v = strings.TrimSpace(v)
			if v == "" {
				continue
			}
			if name == FacetYear {
				from, to, err := ParseYearRange(v)
				if err != nil {
					return nil, &RequestError{Field: name, Msg: err.Error()}
				}
				lf.years = append(lf.years, [2]int{from, to})
			}
			lf.filters[name] = append(lf.filters[name], v)
		}
	}
	for _, m := range missing {
		if !slices.Contains(indexer.MissingFields, m) {
			return nil, &RequestError{Field: "missing", Msg: fmt.Sprintf("%q is not a field documents can lack (known: %s)", m, strings.Join(indexer.MissingFields, ", "))}
		}
		lf.missing = append(lf.missing, m)
	}
	return lf, nil
}

// compiledFilter is a filter worked out against one state's value tables.
type compiledFilter struct {
	// allowed holds, per filtered facet, which value numbers pass; nil
	// for a facet without a filter.
	allowed [numLibraryFacets][]bool
	lacks   uint8
	q       string
}

// compile works a filter out against a state: each facet filter becomes
// the set of value numbers it allows (a place given without its suffix,
// 嘉兴, allows 嘉兴市, as search filters do).
func (lf *libraryFilter) compile(st *libraryState) *compiledFilter {
	cf := &compiledFilter{q: lf.q}
	for name, vals := range lf.filters {
		f := libraryFacetIndex(name)
		allowed := make([]bool, len(st.values[f]))
		for n, have := range st.values[f] {
			if name == FacetYear {
				y, _ := strconv.Atoi(have)
				allowed[n] = slices.ContainsFunc(lf.years, func(r [2]int) bool { return y >= r[0] && y <= r[1] })
				continue
			}
			allowed[n] = slices.ContainsFunc(vals, func(v string) bool {
				// A value named in full means that value only; one without
				// its suffix (嘉兴) means those it begins.
				return have == v || !slices.Contains(st.values[f], v) && strings.HasPrefix(have, v)
			})
		}
		cf.allowed[f] = allowed
	}
	for m, field := range indexer.MissingFields {
		if slices.Contains(lf.missing, field) {
			cf.lacks |= 1 << m
		}
	}
	return cf
}

// fails returns the facet filters d fails, one bit per facet, and whether
// it fails the rest of the request (missing fields, Q), which no facet
// choice can widen.
func (cf *compiledFilter) fails(d *libDoc) (facets uint8, rest bool) {
	for f, allowed := range cf.allowed {
		if allowed != nil && (d.vals[f] < 0 || !allowed[d.vals[f]]) {
			facets |= 1 << f
		}
	}
	rest = d.lacks&cf.lacks != cf.lacks || cf.q != "" && !strings.Contains(d.text, cf.q)
	return facets, rest
}

// outsideMissing reports whether d fails the request other than by the
// fields it must lack: the documents that count towards missing_counts.
func (cf *compiledFilter) outsideMissing(d *libDoc, facets uint8) bool {
	return facets != 0 || cf.q != "" && !strings.Contains(d.text, cf.q)
}

// Library answers one page of the document library.
func (e *Engine) Library(ctx context.Context, r LibraryRequest) (*LibraryResponse, error) {
	if r.Page < 0 {
		return nil, &RequestError{Field: "page", Msg: "must be 1 or more"}
	}
	if r.Size < 0 || r.Size > MaxSize {
		return nil, &RequestError{Field: "size", Msg: fmt.Sprintf("must be between 1 and %d", MaxSize)}
	}
	if r.Sort != "" && !slices.Contains(LibrarySorts, r.Sort) {
		return nil, &RequestError{Field: "sort", Msg: fmt.Sprintf("unknown order %q (known: %s)", r.Sort, strings.Join(LibrarySorts, ", "))}
	}
	if _, err := newLibraryFilter(r.Filters, r.Missing, r.Q); err != nil {
		return nil, err
	}
	st, err := e.library.get(ctx, e.store)
	if err != nil {
		return nil, err
	}
	return libraryPage(st, r)
}

// libraryPage answers a checked request from a library state: one pass
// over the documents works out which the request keeps and counts the
// facets (a document failing only one facet's filter counts for that
// facet, so that a choice can be widened); the page is then read off the
// state's order.
func libraryPage(st *libraryState, r LibraryRequest) (*LibraryResponse, error) {
	r.Page, r.Size, r.Sort = max(r.Page, 1), cmp.Or(r.Size, 50), cmp.Or(r.Sort, LibraryYearDesc)
	lf, err := newLibraryFilter(r.Filters, r.Missing, r.Q)
	if err != nil {
		return nil, err
	}
	cf := lf.compile(st)
	kept := make([]bool, len(st.docs))
	var counts [numLibraryFacets][]int
	for f := range counts {
		counts[f] = make([]int, len(st.values[f]))
	}
	total := 0
	lacking := make([]int, len(indexer.MissingFields))
	for i := range st.docs {
		d := &st.docs[i]
		failed, rest := cf.fails(d)
		if !r.NoFacets && !cf.outsideMissing(d, failed) {
			for m := range lacking {
				if d.lacks&(1<<m) != 0 {
					lacking[m]++
				}
			}
		}
		if rest {
			continue
		}
		if failed == 0 {
			kept[i] = true
			total++
		}
		if r.NoFacets {
			continue
		}
		for f := range counts {
			if (failed == 0 || failed == 1<<f) && d.vals[f] >= 0 {
				counts[f][d.vals[f]]++
			}
		}
	}
	out := &LibraryResponse{Total: total, Page: r.Page, Size: r.Size, Documents: []LibraryDocument{}}
	skip := (r.Page - 1) * r.Size
	for _, i := range st.order(r.Sort) {
		if !kept[i] {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		d := &st.docs[i]
		out.Documents = append(out.Documents, LibraryDocument{DocumentInfo: d.info, Missing: d.missing})
		if len(out.Documents) == r.Size {
			break
		}
	}
	if !r.NoFacets {
		out.MissingCounts = make(map[string]int, len(lacking))
		for m, n := range lacking {
			out.MissingCounts[indexer.MissingFields[m]] = n
		}
		out.Facets = make(map[string][]FacetValue, len(LibraryFacets))
		for f, name := range LibraryFacets {
			vals := []FacetValue{}
			for n, c := range counts[f] {
				if c > 0 {
					vals = append(vals, FacetValue{Value: st.values[f][n], Count: c})
				}
			}
			slices.SortFunc(vals, func(a, b FacetValue) int { return cmp.Or(b.Count-a.Count, strings.Compare(a.Value, b.Value)) })
			out.Facets[name] = vals[:min(len(vals), libraryFacetSize)]
		}
	}
	return out, nil
}

// libraryOrder compares documents in a sort order; titles, then ids, break
// ties.
func libraryOrder(sort string) func(a, b *libDoc) int {
	title := func(a, b *libDoc) int {
		return cmp.Or(strings.Compare(a.info.Title, b.info.Title), strings.Compare(a.info.ID, b.info.ID))
	}
	switch sort {
	case LibraryYearAsc:
		return func(a, b *libDoc) int { return cmp.Or(cmp.Compare(a.info.Year, b.info.Year), title(a, b)) }
	case LibraryPlace:
		return func(a, b *libDoc) int {
			return cmp.Or(emptyLast(a.info.Province, b.info.Province), emptyLast(a.info.City, b.info.City),
				emptyLast(a.info.County, b.info.County), cmp.Compare(b.info.Year, a.info.Year), title(a, b))
		}
	case LibraryTitle:
		return title
	case LibraryAdded:
		return func(a, b *libDoc) int { return cmp.Or(strings.Compare(b.info.Added, a.info.Added), title(a, b)) }
	}
	return func(a, b *libDoc) int { return cmp.Or(cmp.Compare(b.info.Year, a.info.Year), title(a, b)) }
}

// emptyLast compares two names, an empty one after every other.
func emptyLast(a, b string) int {
	switch {
	case a == b:
		return 0
	case a == "":
		return 1
	case b == "":
		return -1
	}
	return strings.Compare(a, b)
}

// Coverage answers the place × year matrix of the documents a request
// keeps: rows by province or by city, most documents first.
func (e *Engine) Coverage(ctx context.Context, r CoverageRequest) (*CoverageResponse, error) {
	if r.By == "" {
		r.By = FacetProvince
	}
	if r.By != FacetProvince && r.By != FacetCity {
		return nil, &RequestError{Field: "by", Msg: fmt.Sprintf("coverage is by %s or %s, not %q", FacetProvince, FacetCity, r.By)}
	}
	lf, err := newLibraryFilter(r.Filters, r.Missing, r.Q)
	if err != nil {
		return nil, err
	}
	st, err := e.library.get(ctx, e.store)
	if err != nil {
		return nil, err
	}
	cf := lf.compile(st)
	out := &CoverageResponse{By: r.By, Years: []int{}, Rows: []CoverageRow{}}
	// A city is told apart by its province: two cities of one name are
	// two rows.
	type cell struct{ province, place, year string }
	counts := map[cell]int{}
	first, last := 0, 0
	for i := range st.docs {
		d := &st.docs[i]
		if failed, rest := cf.fails(d); failed != 0 || rest {
			continue
		}
		out.Total++
		place := d.value(r.By)
		switch {
		case place == "":
			out.NoPlace++
			continue
		case d.info.Year == 0:
			out.NoYear++
			continue
		}
		prov := ""
		if r.By == FacetCity {
			prov = d.info.Province
		}
		counts[cell{prov, place, d.yearText}]++
		if first == 0 || d.info.Year < first {
			first = d.info.Year
		}
		last = max(last, d.info.Year)
	}
	if first == 0 {
		return out, nil
	}
	for y := first; y <= last; y++ {
		out.Years = append(out.Years, y)
	}
	type rowKey struct{ province, place string }
	rows := map[rowKey]*CoverageRow{}
	for c, n := range counts {
		k := rowKey{c.province, c.place}
		row := rows[k]
		if row == nil {
			row = &CoverageRow{Place: c.place, Province: c.province, Counts: make([]int, len(out.Years))}
			rows[k] = row
		}
		y, _ := strconv.Atoi(c.year)
		row.Counts[y-first] += n
		row.Total += n
	}
	for _, row := range rows {
		out.Rows = append(out.Rows, *row)
	}
	slices.SortFunc(out.Rows, func(a, b CoverageRow) int {
		return cmp.Or(b.Total-a.Total, strings.Compare(a.Place, b.Place), strings.Compare(a.Province, b.Province))
	})
	return out, nil
}
