package exec

import (
	"fmt"
	"testing"

	index "github.com/blevesearch/bleve_index_api"
)

// TestIDsAsBleveLooksThemUp resolves every id, those deleted or written
// again in a later segment included, as bleve's own lookup does.
func TestIDsAsBleveLooksThemUp(t *testing.T) {
	idx := wordsIndex(t)
	b := idx.NewBatch()
	for i := 0; i < 300; i += 7 {
		if i%2 == 0 {
			b.Delete(fmt.Sprintf("p%03d", i))
			continue
		}
		if err := b.Index(fmt.Sprintf("p%03d", i), map[string]any{wordsField: "alpha again"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := idx.Batch(b); err != nil {
		t.Fatal(err)
	}
	readIndex(t, idx, func(r index.IndexReader) {
		lookup := NewIDs(r)
		found := 0
		for i := range 310 {
			id := fmt.Sprintf("p%03d", i)
			got, ok, err := lookup.Number(id)
			if err != nil {
				t.Fatal(err)
			}
			iid, err := r.InternalID(id)
			if err != nil {
				t.Fatal(err)
			}
			if len(iid) == 0 {
				if ok {
					t.Errorf("%s: number %d, bleve finds none", id, got)
				}
				continue
			}
			want, err := DocNumber(iid)
			if err != nil {
				t.Fatal(err)
			}
			if !ok || got != want {
				t.Errorf("%s: %d (%v), bleve %d", id, got, ok, want)
			}
			found++
		}
		if found < 250 {
			t.Errorf("only %d ids found", found)
		}
	})
}
