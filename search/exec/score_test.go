package exec

import (
	"context"
	"fmt"
	"math"
	"math/rand"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// TestScoreAsBleveWalks checks that scoring a query's matches a part at a
// time gives every match the score bleve's searchers give it, for each
// shape of query the engine builds, over several segments with deleted
// records, through decoded postings and through the segments' own
// readers.
func TestScoreAsBleveWalks(t *testing.T) {
	ctx := context.Background()
	idx := wordsIndex(t)
	// A second segment, and deletions in both.
	b := idx.NewBatch()
	for i := range 60 {
		if err := b.Index(fmt.Sprintf("q%03d", i), map[string]any{wordsField: "alpha beta gamma alpha kappa"[i%7:]}); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 300; i += 23 {
		b.Delete(fmt.Sprintf("p%03d", i))
	}
	if err := idx.Batch(b); err != nil {
		t.Fatal(err)
	}
	term := func(w string) query.Query {
		q := bleve.NewTermQuery(w)
		q.SetField(wordsField)
		return q
	}
	boosted := func(w string, b float64) query.Query {
		q := bleve.NewTermQuery(w)
		q.SetField(wordsField)
		q.SetBoost(b)
		return q
	}
	phrase := func(ws ...string) query.Query { return bleve.NewPhraseQuery(ws, wordsField) }
	atLeast := func(n float64, qs ...query.Query) query.Query {
		d := bleve.NewDisjunctionQuery(qs...)
		d.SetMin(n)
		return d
	}
	prefix := bleve.NewPrefixQuery("e")
	prefix.SetField(wordsField)
	boolean := func(must, should, not query.Query) query.Query {
		q := bleve.NewBooleanQuery()
		q.AddMust(must)
		if should != nil {
			q.AddShould(should)
		}
		if not != nil {
			q.AddMustNot(not)
		}
		return q
	}
	cases := map[string]query.Query{
		"term alone":          term("alpha"),
		"rare term":           bleve.NewDisjunctionQuery(term("kappa")),
		"missing term":        bleve.NewDisjunctionQuery(term("alpha"), term("omega")),
		"boosted terms":       bleve.NewDisjunctionQuery(boosted("alpha", 2), boosted("beta", 0.5)),
		"disjunction":         bleve.NewDisjunctionQuery(term("alpha"), term("beta"), term("eta")),
		"at least two":        atLeast(2, term("alpha"), term("beta"), term("eta"), term("theta")),
		"conjunction":         bleve.NewConjunctionQuery(term("alpha"), term("gamma")),
		"phrase":              bleve.NewDisjunctionQuery(phrase("alpha", "beta")),
		"phrase repeating":    bleve.NewDisjunctionQuery(phrase("alpha", "alpha")),
		"constant":            bleve.NewDisjunctionQuery(Constant(bleve.NewDisjunctionQuery(prefix, term("e")), 1)),
		"scaled":              bleve.NewDisjunctionQuery(Scaled(term("alpha"), 0.3), term("beta")),
		"must and should":     boolean(term("alpha"), Scaled(bleve.NewDisjunctionQuery(term("beta"), term("zeta")), 0.6), nil),
		"must not":            boolean(bleve.NewDisjunctionQuery(term("alpha"), term("beta")), nil, term("gamma")),
		"more than ten parts": bleve.NewDisjunctionQuery(term("alpha"), term("beta"), term("gamma"), term("delta"), term("epsilon"), term("zeta"), term("eta"), term("theta"), term("iota"), term("kappa"), term("omega")),
		"as the engine builds": boolean(
			bleve.NewDisjunctionQuery(
				Scaled(bleve.NewDisjunctionQuery(phrase("alpha", "beta")), 1),
				Scaled(atLeast(2, term("alpha"), term("beta"), term("delta")), 0.8),
				bleve.NewDisjunctionQuery(Scaled(bleve.NewDisjunctionQuery(bleve.NewConjunctionQuery(term("gamma"), term("eta"))), 0.5))),
			Scaled(bleve.NewDisjunctionQuery(term("alpha"), term("beta")), 0.6),
			bleve.NewDisjunctionQuery(phrase("kappa", "alpha"))),
	}
	for _, decodeMin := range []uint64{1, math.MaxUint64} {
		for name, q := range cases {
			t.Run(fmt.Sprintf("%s/decode from %d", name, decodeMin), func(t *testing.T) {
				readIndex(t, idx, func(raw index.IndexReader) {
					if scoreAsWalked(t, ctx, idx, raw, decodeMin, q) == 0 {
						t.Fatal("no match")
					}
				})
			})
		}
	}
}

// TestScoreDeclinesWhatItDoesNotKnow checks that a query with a part whose
// scoring Score does not know is left to bleve's walk.
func TestScoreDeclinesWhatItDoesNotKnow(t *testing.T) {
	fuzzy := bleve.NewFuzzyQuery("alpha")
	fuzzy.SetField(wordsField)
	should := bleve.NewBooleanQuery()
	should.AddShould(fuzzy)
	for name, q := range map[string]query.Query{
		"fuzzy":             bleve.NewDisjunctionQuery(fuzzy),
		"only optional":     should,
		"empty disjunction": bleve.NewDisjunctionQuery(),
		"no field":          bleve.NewTermQuery("alpha"),
	} {
		if Scorable(q) {
			t.Errorf("%s: scorable", name)
		}
	}
}

// TestScoreAsBleveWalksRandomQueries checks Score against bleve's walk on
// random query trees of every part Score knows, nested three deep.
func TestScoreAsBleveWalksRandomQueries(t *testing.T) {
	ctx := context.Background()
	idx := wordsIndex(t)
	words := []string{"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"}
	rng := rand.New(rand.NewSource(7))
	// A boolean stands only at the top, as the engine builds it: bleve's
	// boolean searcher, moved forward by a conjunction around it, can miss
	// a match of its optional part (its score is then the walk's accident;
	// Score adds it).
	var gen func(depth int) query.Query
	gen = func(depth int) query.Query {
		term := func() query.Query {
			q := bleve.NewTermQuery(words[int(float64(len(words))*rng.Float64()*rng.Float64())])
			q.SetField(wordsField)
			if rng.Intn(4) == 0 {
				q.SetBoost(0.5 + rng.Float64())
			}
			return q
		}
		if depth == 0 {
			switch rng.Intn(5) {
			case 0:
				return bleve.NewPhraseQuery([]string{words[rng.Intn(3)], words[rng.Intn(3)]}, wordsField)
			case 1:
				return Constant(term(), 0.5+rng.Float64())
			}
			return term()
		}
		parts := make([]query.Query, 1+rng.Intn(4))
		for i := range parts {
			parts[i] = gen(depth - 1 - rng.Intn(depth))
		}
		switch rng.Intn(4) {
		case 0:
			return bleve.NewConjunctionQuery(parts...)
		case 1:
			return Scaled(bleve.NewDisjunctionQuery(parts...), 0.2+rng.Float64())
		}
		d := bleve.NewDisjunctionQuery(parts...)
		d.SetMin(float64(rng.Intn(len(parts) + 1)))
		return d
	}
	scored := 0
	for i := range 300 {
		q := gen(3)
		if rng.Intn(2) == 0 {
			b := bleve.NewBooleanQuery()
			b.AddMust(q)
			b.AddShould(gen(2), gen(1))
			if rng.Intn(2) == 0 {
				b.AddMustNot(gen(0))
			}
			q = b
		}
		if !Scorable(q) {
			t.Fatalf("query %d: not scorable", i)
		}
		readIndex(t, idx, func(r index.IndexReader) {
			if scoreAsWalked(t, ctx, idx, r, uint64(1+rng.Intn(100)), q) > 0 {
				scored++
			}
		})
	}
	if scored < 100 {
		t.Errorf("only %d of 300 random queries matched anything", scored)
	}
}

// scoreAsWalked scores q's matches in the state raw reads, reading terms
// of at least decodeMin postings decoded, and wants the matches and scores
// of bleve's walk; it returns how many there are.
func scoreAsWalked(t *testing.T, ctx context.Context, idx bleve.Index, raw index.IndexReader, decodeMin uint64, q query.Query) int {
	t.Helper()
	r := Decoding(raw, NewPostingsCache(1<<20), decodeMin)
	w := &Walk{Score: true, Keep: true}
	if err := w.Run(ctx, r, idx.Mapping(), q); err != nil {
		t.Fatal(err)
	}
	s := NewSets(ctx, raw, idx.Mapping(), NewPostingsCache(1<<20), nil)
	set, err := s.Of(q, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if int(set.GetCardinality()) != len(w.Docs) {
		t.Fatalf("%d matches from the sets, %d walked", set.GetCardinality(), len(w.Docs))
	}
	m, ok, err := s.Score(r, q, set)
	if err != nil || !ok {
		t.Fatalf("score: ok %v, %v", ok, err)
	}
	for i, d := range w.Docs {
		if got, want := m.scores[i], w.Scores[i]; m.docs[i] != d || math.Abs(got-want) > 1e-12*math.Abs(want) {
			t.Fatalf("match %d: document %d scores %v, bleve's %d %v", i, m.docs[i], got, d, want)
		}
	}
	return len(w.Docs)
}
