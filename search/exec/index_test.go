package exec

import (
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/policysearch/policysearch/search/exec/exectest"
)

// wordsField is the field the test index holds its words in.
const wordsField = "words"

// wordsIndex is exectest.WordsIndex over wordsField.
func wordsIndex(t *testing.T) bleve.Index { return exectest.WordsIndex(t, wordsField) }

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
