package search

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/policysearch/policysearch/indexer"
	"github.com/policysearch/policysearch/search/exec"
	"github.com/policysearch/policysearch/search/exec/exectest"
)

// lexIndex is a small index of words with BM25 scoring (see
// exectest.WordsIndex): 320 records, 20 of them without words.
func lexIndex(t *testing.T) bleve.Index { return exectest.WordsIndex(t, indexer.FieldWords) }

// bleveQuery is the disjunction lexicalTop computes the score of.
func bleveQuery(clauses []similarClause) query.Query {
	var should []query.Query
	for _, c := range clauses {
		var alts []query.Query
		for _, w := range c.words {
			tq := bleve.NewTermQuery(w)
			tq.SetField(indexer.FieldWords)
			tq.SetBoost(c.boost)
			alts = append(alts, tq)
		}
		if len(alts) == 1 {
			should = append(should, alts[0])
			continue
		}
		should = append(should, bleve.NewDisjunctionQuery(alts...))
	}
	b := bleve.NewBooleanQuery()
	b.AddShould(should...)
	return b
}

// reader returns a reader of idx's present state, closed when the test
// ends.
func reader(t *testing.T, idx bleve.Index) index.IndexReader {
	t.Helper()
	r := exectest.Reader(t, idx)
	t.Cleanup(func() { _ = r.Close() })
	return r
}

// lexScores runs lexicalTop over idx and returns the scores by record id.
func lexScores(t *testing.T, idx bleve.Index, clauses []similarClause, keep func(uint64) bool, budget, block uint64) ([]lexHit, map[string]float64) {
	t.Helper()
	r := reader(t, idx)
	hits, err := lexicalTop(context.Background(), r, newLexAccumulators(), clauses, keep, 1000, budget, block)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, h := range hits {
		id, err := r.ExternalID(index.NewIndexInternalID(nil, h.doc))
		if err != nil {
			t.Fatal(err)
		}
		out[id] = h.score
	}
	return hits, out
}

// sameScores checks that got holds the records of want with scores in one
// ratio (bleve scales every score by the query's norm).
func sameScores(t *testing.T, got, want map[string]float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d records scored, bleve matches %d", len(got), len(want))
	}
	ratio := 0.0
	for id, w := range want {
		g, ok := got[id]
		if !ok {
			t.Fatalf("%s: matched by bleve, not scored", id)
		}
		if ratio == 0 {
			ratio = w / g
		}
		if math.Abs(g*ratio-w) > 1e-9*w {
			t.Errorf("%s: score %g, bleve's %g (ratio %g)", id, g, w, ratio)
		}
	}
}

// TestLexicalScoreIsBleves: the lexical score is bleve's BM25 score of the
// equivalent query, in the same order.
func TestLexicalScoreIsBleves(t *testing.T) {
	idx := lexIndex(t)
	clauses := []similarClause{
		{words: []string{"alpha"}, boost: 2.5},
		{words: []string{"zeta"}, boost: 7},
		{words: []string{"theta"}, boost: 4},
		{words: []string{"gamma", "iota", "kappa"}, boost: 1},
		{words: []string{"nowhere"}, boost: 3},
	}
	all := func(uint64) bool { return true }
	hits, got := lexScores(t, idx, clauses, all, math.MaxUint64, lexBlock)
	sameScores(t, got, exectest.BleveScores(t, idx, bleveQuery(clauses)))
	for i := 1; i < len(hits); i++ {
		if hits[i].score > hits[i-1].score {
			t.Fatalf("hit %d scores %g, above hit %d's %g", i, hits[i].score, i-1, hits[i-1].score)
		}
	}

	// Scored in blocks smaller than the index (320 records), every score is
	// the same to the bit: each document's sum is made in the same order.
	for _, block := range []uint64{1, 7, 64, 319} {
		blocked, _ := lexScores(t, idx, clauses, all, math.MaxUint64, block)
		if fmt.Sprint(blocked) != fmt.Sprint(hits) {
			t.Errorf("in blocks of %d: %v, want %v", block, blocked, hits)
		}
	}

	// keep leaves documents out without changing the others' scores.
	odd := func(doc uint64) bool { return doc%2 == 1 }
	kept, _ := lexScores(t, idx, clauses, odd, math.MaxUint64, lexBlock)
	var want []lexHit
	for _, h := range hits {
		if odd(h.doc) {
			want = append(want, h)
		}
	}
	if fmt.Sprint(kept) != fmt.Sprint(want) {
		t.Errorf("with keep: %v, want %v", kept, want)
	}
}

// TestLexicalScoreFromDecodedPostings: read from decoded postings, across
// segments and past deleted records, the lexical scores are the snapshot
// readers' to the bit, in blocks of any size.
func TestLexicalScoreFromDecodedPostings(t *testing.T) {
	idx := lexIndex(t)
	b := idx.NewBatch()
	for i := range 40 {
		b.Delete(fmt.Sprintf("p%03d", 7*i))
		if err := b.Index(fmt.Sprintf("q%03d", i), map[string]any{indexer.FieldWords: "alpha beta alpha kappa theta"[i%11:]}); err != nil {
			t.Fatal(err)
		}
	}
	if err := idx.Batch(b); err != nil {
		t.Fatal(err)
	}
	r := reader(t, idx)
	dr := exec.Decoding(r, exec.NewPostingsCache(1<<20), 0)
	if snap, ok := r.(*scorch.IndexSnapshot); !ok || dr == r || len(snap.Segments()) < 2 || snap.Segments()[0].Deleted().IsEmpty() {
		t.Fatal("the case needs two segments, the first with deleted records")
	}
	tfr, err := dr.TermFieldReader(context.Background(), []byte("alpha"), indexer.FieldWords, true, true, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := tfr.(*exec.TermReader); !ok {
		t.Fatalf("postings read by %T, not decoded", tfr)
	}
	clauses := []similarClause{
		{words: []string{"alpha"}, boost: 2.5},
		{words: []string{"theta"}, boost: 4},
		{words: []string{"gamma", "iota", "kappa"}, boost: 1},
	}
	all := func(uint64) bool { return true }
	for _, block := range []uint64{1, 7, 64, lexBlock} {
		want, err := lexicalTop(context.Background(), r, newLexAccumulators(), clauses, all, 1000, math.MaxUint64, block)
		if err != nil {
			t.Fatal(err)
		}
		got, err := lexicalTop(context.Background(), dr, newLexAccumulators(), clauses, all, 1000, math.MaxUint64, block)
		if err != nil {
			t.Fatal(err)
		}
		if len(want) < 250 || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("in blocks of %d: %d hits from decoded postings, %d from the segments'", block, len(got), len(want))
		}
	}
}

// TestLexicalBudget: past the budget of postings, the score is bleve's for
// the query of the clauses chosen.
func TestLexicalBudget(t *testing.T) {
	idx := lexIndex(t)
	clauses := []similarClause{
		{words: []string{"alpha"}, boost: 1}, // the commonest word: least score per posting
		{words: []string{"kappa"}, boost: 1},
		{words: []string{"eta", "theta"}, boost: 1},
	}
	budget := uint64(0)
	for _, w := range []string{"kappa", "eta", "theta"} {
		n, err := idx.Search(bleve.NewSearchRequestOptions(bleveQuery([]similarClause{{words: []string{w}, boost: 1}}), 0, 0, false))
		if err != nil {
			t.Fatal(err)
		}
		budget += n.Total
	}
	_, got := lexScores(t, idx, clauses, func(uint64) bool { return true }, budget, 64)
	sameScores(t, got, exectest.BleveScores(t, idx, bleveQuery(clauses[1:])))
}

func TestChooseClauses(t *testing.T) {
	cls := []lexClause{
		{max: 10, postings: 100},  // 0.1 per posting
		{max: 50, postings: 100},  // 0.5
		{max: 30, postings: 1000}, // 0.03
		{max: 5, postings: 10},    // 0.5
		{max: 1, postings: 0},     // holds nothing: free
	}
	names := func(cs []lexClause) string {
		var s []string
		for _, c := range cs {
			s = append(s, fmt.Sprint(c.max))
		}
		return strings.Join(s, " ")
	}
	for _, tc := range []struct {
		budget uint64
		want   string
	}{
		{2000, "10 50 30 5 1"}, // all fit: the query as it is
		{210, "1 50 5 10"},     // most score per posting first
		{150, "1 50 5"},        // 10 no longer fits, 5 still does
		{50, "1 50"},           // one that holds postings, even past the budget
	} {
		if got := names(chooseClauses(cls, tc.budget)); got != tc.want {
			t.Errorf("budget %d: %s, want %s", tc.budget, got, tc.want)
		}
	}
}

// TestDocSpan: the accumulators are sized from the document numbers in
// use, deleted documents' included.
func TestDocSpan(t *testing.T) {
	idx := lexIndex(t) // 320 records
	if got := docSpan(reader(t, idx)); got != 320 {
		t.Errorf("span %d, want 320", got)
	}
	if err := idx.Delete("p000"); err != nil {
		t.Fatal(err)
	}
	if got := docSpan(reader(t, idx)); got < 320 {
		t.Errorf("span %d after a deletion, want at least 320", got)
	}
}
