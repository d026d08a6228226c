package eval

import (
	"context"

	"github.com/policysearch/policysearch/search"
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
	sim, err := RunSimilar(ctx, set, res, similarRanker(e), SimilarCutoff)
	if err != nil {
		return nil, err
	}
	rep.Similar["similar"] = sim
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
