package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/policysearch/policysearch/indexer"
	"github.com/policysearch/policysearch/search/exec"
)

// Limits of a search request.
const (
	DefaultSize = 10
	MaxSize     = 100
	// MaxWindow bounds deep paging: page*size may not pass it. Users refine
	// a query rather than read thousands of hits; the bound keeps one
	// request's work fixed.
	MaxWindow = 5000
	// facetSize is how many values each facet reports at most.
	facetSize = 100
)

// Sort orders.
const (
	SortRelevance = "relevance"
	SortYearDesc  = "year_desc"
	SortYearAsc   = "year_asc"
)

// Words splits text into the words the index holds (precise segmentation,
// stop words and punctuation dropped).
type Words interface {
	Cut(text string) []string
}

// Config holds what an Engine is built from.
type Config struct {
	Store *indexer.Store
	// Words segments query text as the index does.
	Words Words
	// Pipeline parses and prepares uploaded documents.
	Pipeline *indexer.Pipeline
	// IDF is a general-language IDF table for weighing words (optional).
	IDF IDF
	// Understander reads queries with the domain vocabulary (optional:
	// without it queries are taken word for word).
	Understander *Understander
}

// Engine answers searches over a Store and takes documents in and out of it.
type Engine struct {
	store    *indexer.Store
	words    Words
	pipeline *indexer.Pipeline
	idf      IDF
	under    *Understander
	// sem is the dense side (nil: keyword search only); defaultMode is
	// the mode of a request that names none.
	sem         *semantic
	defaultMode string
	// facets holds the facet indexes of the latest index states; matches
	// the scored matches of recent queries; postings decoded postings:
	// searches decode the terms with at least decodeMin postings.
	facets    *facetCache
	matches   *exec.MatchCache
	postings  *exec.PostingsCache
	decodeMin uint64
	// lexAccs keeps the score arrays of similar-provision searches.
	lexAccs lexAccumulators
	// library holds the documents' records of the latest index states.
	library *libraryCache
}

// New returns an Engine.
func New(c Config) *Engine {
	return &Engine{store: c.Store, words: c.Words, pipeline: c.Pipeline, idf: c.IDF, under: c.Understander,
		facets: &facetCache{}, matches: exec.NewMatchCache(exec.MatchCacheBytes),
		postings: exec.NewPostingsCache(exec.DecodedPostingsBytes), decodeMin: exec.DecodeMinPostings, lexAccs: newLexAccumulators(),
		library: &libraryCache{}}
}

// Store returns the underlying index store.
func (e *Engine) Store() *indexer.Store { return e.store }

// Request is one search.
type Request struct {
	Query   string  `json:"q"`
	Filters Filters `json:"filters,omitempty"`
	Page    int     `json:"page,omitempty"` // 1-based
	Size    int     `json:"size,omitempty"`
	Sort    string  `json:"sort,omitempty"`
	// Mode is keyword, semantic or hybrid; empty takes the engine's default.
	Mode string `json:"mode,omitempty"`
	// NoExpand takes the query word for word: no vocabulary expansion, no
	// theme boost (expand=false).
	NoExpand bool `json:"no_expand,omitempty"`
	// NoFacets skips facet counting (the CLI's plain listing, benchmarks).
	NoFacets bool `json:"-"`
	// NoCache walks the index even when the matches of this query are
	// cached (HTTP Cache-Control: no-cache; benchmarks of the walk).
	NoCache bool `json:"-"`
	// Depth, when above MaxWindow, is how deep page × size may reach
	// instead: for a caller that reads every page of a long list (an
	// export), which bounds it itself.
	Depth int `json:"-"`
}

// Hit is one provision in a result list.
type Hit struct {
	indexer.Provision
	// Highlights are fragments of Text with matches wrapped in <mark>, HTML-escaped.
	Highlights []string `json:"highlights"`
	// Marked is the whole Text, HTML-escaped, with matches wrapped in <mark>.
	Marked string  `json:"marked"`
	Score  float64 `json:"score"`
}

// FacetValue is one value of a facet with its count.
type FacetValue struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// Response is a page of results with facet counts.
type Response struct {
	Total  int                     `json:"total"`
	TookMS float64                 `json:"took_ms"`
	Page   int                     `json:"page"`
	Size   int                     `json:"size"`
	Mode   string                  `json:"mode"`
	Hits   []Hit                   `json:"hits"`
	Facets map[string][]FacetValue `json:"facets,omitempty"`
	Parsed Query                   `json:"parsed"`
	// Understood says how the query was widened; absent when it was not.
	Understood *Understanding `json:"understood,omitempty"`
	// Relaxed is set when no provision holds every word of the query and
	// the results hold most of them instead.
	Relaxed *Relaxation `json:"relaxed,omitempty"`
	// DidYouMean offers corrected queries when this one finds little.
	DidYouMean []string `json:"did_you_mean,omitempty"`
}

// RequestError reports a request that cannot be answered as asked.
type RequestError struct {
	Field string
	Msg   string
	// Err is the cause, when there is one (an undecodable upload).
	Err error
}

func (e *RequestError) Error() string { return e.Field + ": " + e.Msg }

// Unwrap returns the cause.
func (e *RequestError) Unwrap() error { return e.Err }

// IsBadRequest reports whether err is the caller's mistake (bad syntax or
// parameters) rather than a failure of the engine.
func IsBadRequest(err error) bool {
	var qe *QueryError
	var re *RequestError
	return errors.As(err, &qe) || errors.As(err, &re)
}

// Search runs one request.
func (e *Engine) Search(ctx context.Context, r Request) (*Response, error) {
	start := time.Now()
	q, err := Parse(r.Query)
	if err != nil {
		return nil, err
	}
	filters := r.Filters.Clone()
	for f, vs := range q.Filters {
		filters.Add(f, vs...)
	}
	q.Filters = filters
	if err := validateFilters(filters); err != nil {
		return nil, err
	}
	page, size, err := pageAndSize(r.Page, r.Size, max(MaxWindow, r.Depth))
	if err != nil {
		return nil, err
	}
	sortBy, err := sortOrder(r.Sort)
	if err != nil {
		return nil, err
	}
	mode, err := e.mode(r.Mode)
	if err != nil {
		return nil, err
	}

	var u *Understanding
	if e.under != nil && !r.NoExpand {
		if u = e.under.Understand(q); u.Empty() {
			u = nil
		}
	}
	if len(q.Terms) == 0 {
		// Browsing by filters (or only excluding) has nothing to be near.
		mode = ModeKeyword
	}
	match, err := e.matchQuery(ctx, q, u)
	if err != nil {
		return nil, err
	}
	ask := answer{r: r, q: q, u: u, filters: filters, page: page, size: size, sortBy: sortBy, mode: mode,
		match: match, key: matchKey(q, r.NoExpand)}
	out, lexical, err := e.answer(ctx, ask)
	if err != nil {
		return nil, err
	}
	if out.Total == 0 || (mode == ModeHybrid && lexical == 0) {
		// Nothing holds every word: what holds most of them, ranked by
		// how many and how telling they are, is still an answer. In
		// hybrid mode the nearest in meaning make the total, so the words
		// matching nothing is what says so: without this the fusion had
		// no keyword side and a sentence was ranked by nearness alone.
		relaxed, err := e.relaxedQuery(ctx, q, u, filters)
		if err != nil {
			return nil, err
		}
		if relaxed != nil {
			ask.match, ask.key = relaxed, ask.key+"|relaxed"
			rout, _, err := e.answer(ctx, ask)
			if err != nil {
				return nil, err
			}
			if rout.Total > 0 {
				rout.Relaxed = e.relaxation(q, rout.Hits)
				out = rout
			}
		}
	} else if r := e.relaxation(q, out.Hits); len(r.Dropped) > 0 && !holdsAll(e, q, out.Hits) {
		// Found through the policy terms understood from the words, or
		// through some of them: the user is told that no provision shown
		// holds them all.
		out.Relaxed = r
	}
	if lexical < fewHits {
		if out.DidYouMean, err = e.didYouMean(ctx, r.Query, q); err != nil {
			return nil, err
		}
	}
	out.TookMS = elapsedMS(start)
	return out, nil
}

// answer is one search worked out: the request with its parsed query,
// what was understood of it and the query that selects provisions.
type answer struct {
	r          Request
	q          Query
	u          *Understanding
	filters    Filters
	page, size int
	sortBy     []string
	mode       string
	match      query.Query
	key        string // the match cache's key for match
}

// answer runs a search and returns its response (hits marked, facets
// counted) and how many provisions its words alone match (at least up to
// fewHits).
func (e *Engine) answer(ctx context.Context, a answer) (*Response, int, error) {
	r, q, u, filters, page, size, mode := a.r, a.q, a.u, a.filters, a.page, a.size, a.mode
	// The selection is what the query finds (it decides the total and the
	// facet counts); order, when set, ranks it instead of bleve's score.
	var (
		sel     = a.match
		order   []rankedID
		lexical = -1
		counted *passResult
		err     error
	)
	if mode != ModeKeyword {
		sel, order, lexical, counted, err = e.semanticSelection(ctx, q, u, a.match, filters, mode, page*size, r, a.key)
		if err != nil {
			return nil, 0, err
		}
		if r.Sort != "" && r.Sort != SortRelevance {
			order, counted = nil, nil // a year order is bleve's to give
		}
	}

	offset := (page - 1) * size
	if counted == nil {
		p := pass{query: sel, filters: filters, facets: !r.NoFacets}
		if order == nil {
			p.size, p.from, p.sortBy, p.fields = size, offset, a.sortBy, []string{indexer.FieldJSON}
			if mode == ModeKeyword {
				p.key, p.noCache = a.key, r.NoCache
			}
		}
		if counted, err = e.run(ctx, p); err != nil {
			return nil, 0, err
		}
	}

	out := &Response{Total: counted.total, Page: page, Size: size, Mode: mode, Parsed: q, Understood: u,
		Hits: make([]Hit, 0, size)}
	marker := e.newMarker(q, u)
	if order != nil {
		hits, err := e.pageOf(ctx, order, offset, size)
		if err != nil {
			return nil, 0, err
		}
		out.Hits = hits
	} else {
		for _, h := range counted.hits {
			hit, err := e.decodeHit(h)
			if err != nil {
				return nil, 0, err
			}
			out.Hits = append(out.Hits, hit)
		}
	}
	for i := range out.Hits {
		out.Hits[i].Marked, out.Hits[i].Highlights = marker.mark(out.Hits[i].Text)
	}
	if lexical < 0 {
		lexical = out.Total
	}
	out.Facets = counted.facets
	return out, lexical, nil
}

// Facets counts every facet over the whole corpus.
func (e *Engine) Facets(ctx context.Context) (map[string][]FacetValue, error) {
	res, err := e.run(ctx, pass{facets: true})
	if err != nil {
		return nil, fmt.Errorf("count facets: %w", err)
	}
	return res.facets, nil
}

// matchKey names the match query of q for the match cache: it is made
// from q's terms and exclusions (not its filters) and whether it is
// widened, the vocabulary being fixed for an engine's life.
func matchKey(q Query, noExpand bool) string {
	k, _ := json.Marshal(struct {
		Terms, Excluded []Term
		NoExpand        bool
	}{q.Terms, q.Excluded, noExpand})
	return string(k)
}

func (e *Engine) decodeHit(h *bsearch.DocumentMatch) (Hit, error) {
	stored, _ := h.Fields[indexer.FieldJSON].(string)
	var hit Hit
	raw, err := e.store.DecodeRecord([]byte(stored))
	if err != nil {
		return hit, fmt.Errorf("provision %s: %w", h.ID, err)
	}
	if err := json.Unmarshal(raw, &hit.Provision); err != nil {
		return hit, fmt.Errorf("decode provision %s: %w", h.ID, err)
	}
	hit.Score = roundScore(h.Score)
	return hit, nil
}

// roundScore keeps four decimals, and turns what JSON cannot hold into 0.
func roundScore(s float64) float64 {
	if math.IsNaN(s) || math.IsInf(s, 0) {
		return 0
	}
	return math.Round(s*1e4) / 1e4
}

func facetField(f string) string {
	switch f {
	case FacetCity:
		return indexer.FieldCity
	case FacetProvince:
		return indexer.FieldProvince
	case FacetCounty:
		return indexer.FieldCounty
	case FacetLevel:
		return indexer.FieldLevel
	case FacetYear:
		return indexer.FieldYearKey
	case FacetDocType:
		return indexer.FieldDocType
	case FacetTheme:
		return indexer.FieldThemes
	case FacetOffice:
		return indexer.FieldOffices
	}
	return ""
}

func validateFilters(f Filters) error {
	for name, vals := range f {
		if facetField(name) == "" {
			return &RequestError{Field: name, Msg: fmt.Sprintf("unknown filter %q (known: city, province, county, level, year, doc_type, theme, office)", name)}
		}
		if name == FacetYear {
			for _, v := range vals {
				if _, _, err := ParseYearRange(v); err != nil {
					return &RequestError{Field: name, Msg: err.Error()}
				}
			}
		}
	}
	return nil
}

// pageAndSize checks paging; window bounds page × size.
func pageAndSize(page, size, window int) (int, int, error) {
	if page == 0 {
		page = 1
	}
	if size == 0 {
		size = DefaultSize
	}
	if page < 1 {
		return 0, 0, &RequestError{Field: "page", Msg: "must be 1 or more"}
	}
	if size < 1 || size > MaxSize {
		return 0, 0, &RequestError{Field: "size", Msg: fmt.Sprintf("must be between 1 and %d", MaxSize)}
	}
	if page > window || page*size > window {
		return 0, 0, &RequestError{Field: "page", Msg: fmt.Sprintf("page × size may not exceed %d; narrow the query or add filters", window)}
	}
	return page, size, nil
}

func sortOrder(s string) ([]string, error) {
	// Ties in score keep the index's own order, which is fixed for a given
	// index state, so paging is stable without reading every hit's id;
	// year orders break ties by _id.
	switch s {
	case "", SortRelevance:
		return []string{"-_score"}, nil
	case SortYearDesc:
		return []string{"-" + indexer.FieldYear, "-_score", "_id"}, nil
	case SortYearAsc:
		return []string{indexer.FieldYear, "-_score", "_id"}, nil
	}
	return nil, &RequestError{Field: "sort", Msg: fmt.Sprintf("unknown sort %q (relevance, year_desc, year_asc)", s)}
}

func typeQuery() query.Query {
	t := bleve.NewTermQuery(indexer.TypeProvision)
	t.SetField(indexer.FieldType)
	return t
}

// withFilters restricts q to provisions passing every filter, as a query:
// for the searches outside a pass (which filters from the facet index).
func withFilters(q query.Query, f Filters) query.Query {
	// A query names provisions only (their text fields or their ids), so
	// the record type need not be checked on every match.
	must := []query.Query{typeQuery()}
	if q != nil {
		must = []query.Query{q}
	}
	for _, name := range FacetNames {
		vals := f[name]
		if len(vals) == 0 {
			continue
		}
		var any []query.Query
		for _, v := range vals {
			any = append(any, filterValue(name, v))
		}
		must = append(must, bleve.NewDisjunctionQuery(any...))
	}
	return bleve.NewConjunctionQuery(must...)
}

// filterValue matches one filter value. Names may be given short
// (嘉兴 for 嘉兴市, 中医 for 中医药), so a prefix of a value matches too.
func filterValue(facet, v string) query.Query {
	if facet == FacetYear {
		from, to, _ := ParseYearRange(v)
		lo, hi := float64(from), float64(to)
		incl := true
		r := bleve.NewNumericRangeInclusiveQuery(&lo, &hi, &incl, &incl)
		r.SetField(indexer.FieldYear)
		return r
	}
	field := facetField(facet)
	t := bleve.NewTermQuery(v)
	t.SetField(field)
	p := bleve.NewPrefixQuery(v)
	p.SetField(field)
	return bleve.NewDisjunctionQuery(t, p)
}

// yearString renders a year for display; zero is unknown.
func yearString(y int) string {
	if y == 0 {
		return ""
	}
	return strconv.Itoa(y)
}
