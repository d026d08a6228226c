package exec

import (
	"testing"

	"github.com/blevesearch/bleve/v2"
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
	r := exectest.Reader(t, idx)
	defer func() { _ = r.Close() }()
	read(r)
}
