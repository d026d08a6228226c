package exec

import (
	"fmt"
	"math/rand"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/simple"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// wordsField is the field the test index holds its words in.
const wordsField = "words"

// wordsIndex is a small index of words with BM25 scoring: 300 records of
// words of skewed frequencies, some repeated within a record, in records
// of varied lengths, and 20 records without words.
func wordsIndex(t *testing.T) bleve.Index {
	t.Helper()
	im := bleve.NewIndexMapping()
	im.ScoringModel = "bm25"
	dm := bleve.NewDocumentStaticMapping()
	f := bleve.NewTextFieldMapping()
	f.Analyzer = simple.Name
	dm.AddFieldMappingsAt(wordsField, f)
	im.DefaultMapping = dm
	idx, err := bleve.New(filepath.Join(t.TempDir(), "index"), im)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = idx.Close() })
	vocab := []string{"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"}
	rng := rand.New(rand.NewSource(1))
	b := idx.NewBatch()
	for i := range 300 {
		var ws []string
		for range 2 + rng.Intn(20) {
			ws = append(ws, vocab[int(float64(len(vocab))*rng.Float64()*rng.Float64())])
		}
		if err := b.Index(fmt.Sprintf("p%03d", i), map[string]any{wordsField: strings.Join(ws, " ")}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 20 {
		if err := b.Index(fmt.Sprintf("d%02d", i), map[string]any{"title": "other"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := idx.Batch(b); err != nil {
		t.Fatal(err)
	}
	return idx
}

// readIndex calls read with a reader of idx's present state.
func readIndex(t *testing.T, idx bleve.Index, read func(index.IndexReader)) {
	t.Helper()
	adv, err := idx.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	r, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = r.Close() }()
	read(r)
}

// bleveScores runs q through bleve's own search and returns the scores by
// record id.
func bleveScores(t *testing.T, idx bleve.Index, q query.Query) map[string]float64 {
	t.Helper()
	res, err := idx.Search(bleve.NewSearchRequestOptions(q, 1000, 0, false))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, h := range res.Hits {
		out[h.ID] = h.Score
	}
	return out
}
