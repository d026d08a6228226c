package exec

import (
	"container/heap"
	"context"
	"fmt"
	"math"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// Walk drives a searcher over every match of a query, keeping their
// document numbers, the best window of them and, when asked, every score.
// It stands in for bleve's collector where the engine wants every match
// (for facet counts and the match cache) and not only the window.
type Walk struct {
	Window int  // how many of the best matches to keep
	Score  bool // score the matches (needed for a window)
	Keep   bool // keep every score, for the match cache

	Docs   []uint32  // every match, in index order
	Scores []float64 // the score of each of Docs, when Keep
	top    topMatches
}

// walkCheckEvery is how many matches a walk takes between looks at its
// context's cancellation.
const walkCheckEvery = 4096

// Run walks the matches of q in the state r reads.
func (w *Walk) Run(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, q query.Query) error {
	opts := bsearch.SearcherOptions{}
	if !w.Score {
		opts.Score = bleve.ScoreNone
	}
	sctx := context.WithValue(ctx, bsearch.GetScoringModelCallbackKey,
		bsearch.GetScoringModelCallbackFn(func() string { return scoringModel(m) }))
	s, err := q.Searcher(sctx, r, m, opts)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	defer s.Close()
	pool := bsearch.NewDocumentMatchPool(s.DocumentMatchPoolSize()+1, 0)
	bctx := &bsearch.SearchContext{DocumentMatchPool: pool, IndexReader: r}
	for i := 0; ; i++ {
		if i%walkCheckEvery == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("search: %w", err)
			}
		}
		d, err := s.Next(bctx)
		if err != nil {
			return fmt.Errorf("search: %w", err)
		}
		if d == nil {
			return nil
		}
		n, err := DocNumber(d.IndexInternalID)
		if err != nil {
			return err
		}
		w.Docs = append(w.Docs, n)
		if w.Keep {
			w.Scores = append(w.Scores, d.Score)
		}
		if w.Window > 0 {
			w.top.offer(Ranked{n, d.Score}, w.Window)
		}
		pool.Put(d)
	}
}

// Best empties the walk's window into its matches from rank from on, best
// first.
func (w *Walk) Best(from int) []Ranked { return w.top.best(from) }

// Matches returns every match walked with its score, for the match cache
// (the walk must have kept them).
func (w *Walk) Matches() *Matches { return &Matches{docs: w.Docs, scores: w.Scores} }

// scoringModel is the scoring model m asks for.
func scoringModel(m mapping.IndexMapping) string {
	if im, ok := m.(*mapping.IndexMappingImpl); ok && im.ScoringModel != "" {
		return im.ScoringModel
	}
	return index.DefaultScoringModel
}

// LoadHits loads the hits of ranked as bleve would make them (id, score
// and the stored fields asked for), leaving out documents deleted
// meanwhile.
func LoadHits(r index.IndexReader, ranked []Ranked, fields []string) ([]*bsearch.DocumentMatch, error) {
	var out []*bsearch.DocumentMatch
	for _, d := range ranked {
		h, err := loadHit(r, d, fields)
		if err != nil {
			return nil, err
		}
		if h != nil {
			out = append(out, h)
		}
	}
	return out, nil
}

// loadHit makes the hit of document n as bleve would: its id, score and
// the asked stored fields. A document deleted meanwhile gives nil.
func loadHit(r index.IndexReader, d Ranked, fields []string) (*bsearch.DocumentMatch, error) {
	iid := make(index.IndexInternalID, 8)
	iid.SetValue(uint64(d.doc))
	id, err := r.ExternalID(iid)
	if err != nil {
		return nil, fmt.Errorf("read hit %d: %w", d.doc, err)
	}
	h := &bsearch.DocumentMatch{ID: id, Score: d.score, IndexInternalID: iid}
	if len(fields) == 0 {
		return h, nil
	}
	doc, err := r.Document(id)
	if err != nil {
		return nil, fmt.Errorf("read hit %s: %w", id, err)
	}
	if doc == nil {
		return nil, nil
	}
	h.Fields = map[string]interface{}{}
	doc.VisitFields(func(f index.Field) {
		for _, want := range fields {
			if f.Name() == want {
				h.Fields[want] = string(f.Value())
			}
		}
	})
	return h, nil
}

// DocNumber is the number an index state gives a document, as the
// bitmaps of match sets and facets hold it.
func DocNumber(id index.IndexInternalID) (uint32, error) {
	if len(id) != 8 {
		return 0, fmt.Errorf("unexpected internal id of %d bytes", len(id))
	}
	v := id.Value()
	if v > math.MaxUint32 {
		return 0, fmt.Errorf("document number %d is past what facet counting holds", v)
	}
	return uint32(v), nil
}

// Ranked is a match in score order.
type Ranked struct {
	doc   uint32
	score float64
}

// Doc is the match's document number.
func (d Ranked) Doc() uint32 { return d.doc }

// Score is the match's score.
func (d Ranked) Score() float64 { return d.score }

// topMatches is a heap of the best matches seen, the worst on top. Order
// is bleve's: higher score first, then earlier in the index.
type topMatches struct{ docs []Ranked }

func (t *topMatches) Len() int { return len(t.docs) }

// best empties the heap into the matches from rank from on, best first.
func (t *topMatches) best(from int) []Ranked {
	ranked := make([]Ranked, t.Len())
	for i := len(ranked) - 1; i >= 0; i-- {
		ranked[i] = heap.Pop(t).(Ranked)
	}
	if from >= len(ranked) {
		return nil
	}
	return ranked[from:]
}

// offer keeps d if it is among the best n seen.
func (t *topMatches) offer(d Ranked, n int) {
	if t.Len() < n {
		heap.Push(t, d)
	} else if t.beats(d, 0) {
		t.docs[0] = d
		heap.Fix(t, 0)
	}
}

// beats reports whether d ranks above the match at i (so would replace it).
func (t *topMatches) beats(d Ranked, i int) bool { return before(d, t.docs[i]) }

func (t *topMatches) Less(i, j int) bool { return before(t.docs[j], t.docs[i]) }
func (t *topMatches) Swap(i, j int)      { t.docs[i], t.docs[j] = t.docs[j], t.docs[i] }
func (t *topMatches) Push(x any)         { t.docs = append(t.docs, x.(Ranked)) }
func (t *topMatches) Pop() any {
	d := t.docs[len(t.docs)-1]
	t.docs = t.docs[:len(t.docs)-1]
	return d
}

func before(a, b Ranked) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	return a.doc < b.doc
}
