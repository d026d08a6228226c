package eval

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2"

	"github.com/policysearch/policysearch/analyzers"
	"github.com/policysearch/policysearch/indexer"
	"github.com/policysearch/policysearch/search"
)

// Names of the similar-provision figures: the mechanism's, and the plain
// ranker's it is measured against (see plainSimilarRanker). Figures on one
// batch of cases add "/" and the batch (see similarGroups).
const (
	SimilarName     = "similar"
	SimilarBaseline = "similar-bm25"
)

// Cutoffs of the reported figures.
const (
	QueryCutoff   = 10
	SimilarCutoff = 5
)

// Run evaluates the engine on the set: judged queries in every search
// configuration, and similar provisions.
func Run(ctx context.Context, e *search.Engine, set *Set) (*Report, error) {
	res := NewResolver(e)
	rep := &Report{Queries: map[string]map[string]Metrics{}, Similar: map[string]Metrics{}}
	for _, cfg := range Configurations(e) {
		m, err := RunQueries(ctx, set, res, searchRanker(e, cfg), QueryCutoff)
		if err != nil {
			return nil, err
		}
		rep.Queries[cfg.Name] = m
	}
	// The mechanism and the plain baseline, on every case and on each
	// batch of cases apart (cases judged later are a check on figures
	// the earlier ones were used to reach).
	groups := similarGroups(set)
	for _, r := range []struct {
		name string
		rank SimilarRanker
	}{{SimilarName, similarRanker(e)}, {SimilarBaseline, plainSimilarRanker(e)}} {
		m, err := RunSimilar(ctx, set, res, r.rank, SimilarCutoff)
		if err != nil {
			return nil, err
		}
		rep.Similar[r.name] = m
		if len(groups) < 2 {
			continue
		}
		for _, g := range groups {
			sub := &Set{Similar: g.cases}
			m, err := RunSimilar(ctx, sub, res, r.rank, SimilarCutoff)
			if err != nil {
				return nil, err
			}
			rep.Similar[r.name+"/"+g.name] = m
		}
	}
	return rep, nil
}

// Configuration is one way of running the judged queries.
type Configuration struct {
	Name string
	// Apply sets the configuration's fields on a request.
	Apply func(*search.Request)
}

// Configurations lists the search configurations the engine offers.
func Configurations(e *search.Engine) []Configuration {
	out := []Configuration{
		{Name: "keyword", Apply: func(r *search.Request) { r.Mode = search.ModeKeyword }},
		{Name: "keyword-noexpand", Apply: func(r *search.Request) { r.Mode, r.NoExpand = search.ModeKeyword, true }},
	}
	for _, m := range e.Modes() {
		if m == search.ModeKeyword {
			continue
		}
		out = append(out,
			Configuration{Name: m, Apply: func(r *search.Request) { r.Mode = m }},
			Configuration{Name: m + "-noexpand", Apply: func(r *search.Request) { r.Mode, r.NoExpand = m, true }})
	}
	return out
}

func searchRanker(e *search.Engine, cfg Configuration) Ranker {
	return func(ctx context.Context, q JudgedQuery, k int) ([]string, error) {
		req := search.Request{Query: q.Query, Filters: search.Filters{}, Size: k, NoFacets: true}
		for f, vs := range q.Filters {
			req.Filters.Add(f, vs...)
		}
		cfg.Apply(&req)
		res, err := e.Search(ctx, req)
		if err != nil {
			return nil, err
		}
		ids := make([]string, len(res.Hits))
		for i, h := range res.Hits {
			ids[i] = h.ID
		}
		return ids, nil
	}
}

func similarRanker(e *search.Engine) SimilarRanker {
	return func(ctx context.Context, src string, k int) ([]string, error) {
		res, err := e.Similar(ctx, search.SimilarRequest{ID: src, Size: k})
		if err != nil {
			return nil, err
		}
		ids := make([]string, len(res.Hits))
		for i, h := range res.Hits {
			ids[i] = h.ID
		}
		return ids, nil
	}
}

// plainSimilarRanker is what similar provisions must beat: bleve's BM25
// over the words field with the source's whole text as the query (the
// index's analysis, a disjunction of its words), the source's own
// document left out as the mechanism leaves it out.
func plainSimilarRanker(e *search.Engine) SimilarRanker {
	return func(ctx context.Context, src string, k int) ([]string, error) {
		st := e.Store()
		p, err := st.Provision(ctx, src)
		if err != nil {
			return nil, fmt.Errorf("provision %s: %w", src, err)
		}
		m := bleve.NewMatchQuery(analyzers.Normalize(p.Text))
		m.SetField(indexer.FieldWords)
		doc := bleve.NewTermQuery(p.DocID)
		doc.SetField(indexer.FieldDocID)
		q := bleve.NewBooleanQuery()
		q.AddMust(m)
		q.AddMustNot(doc)
		res, err := st.Search(ctx, bleve.NewSearchRequestOptions(q, k, 0, false))
		if err != nil {
			return nil, err
		}
		ids := make([]string, 0, len(res.Hits))
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		return ids, nil
	}
}

// similarGroup is a batch of similar-provision cases.
type similarGroup struct {
	name  string
	cases []SimilarCase
}

// similarGroups splits the cases into batches by the letters their ids
// begin with (s01… and n01… are two batches), in order of first use.
func similarGroups(set *Set) []similarGroup {
	var out []similarGroup
	at := map[string]int{}
	for _, c := range set.Similar {
		g := strings.TrimRightFunc(c.ID, unicode.IsDigit)
		i, ok := at[g]
		if !ok {
			i = len(out)
			at[g] = i
			out = append(out, similarGroup{name: g})
		}
		out[i].cases = append(out[i].cases, c)
	}
	return out
}
