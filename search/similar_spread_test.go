package search_test

import (
	"context"
	"slices"
	"testing"

	"github.com/policysearch/policysearch/search"
)

// TestSimilarSpreadsHitsOverDocuments: on the seeds, the first five similar
// provisions of every provision come from at least as many documents as
// the five best-scored among its hits, and from more for some: a
// document's further provisions give way to other documents' best ones.
func TestSimilarSpreadsHitsOverDocuments(t *testing.T) {
	ctx := context.Background()
	docsIn := func(hits []search.SimilarHit) int {
		var docs []string
		for _, h := range hits[:min(5, len(hits))] {
			if !slices.Contains(docs, h.DocID) {
				docs = append(docs, h.DocID)
			}
		}
		return len(docs)
	}
	wider := 0
	for _, p := range allProvisions(t) {
		res, err := engine.Similar(ctx, search.SimilarRequest{ID: p.ID, Size: 40})
		if err != nil {
			t.Fatal(err)
		}
		byScore := slices.Clone(res.Hits)
		slices.SortStableFunc(byScore, func(a, b search.SimilarHit) int {
			switch {
			case a.Score > b.Score:
				return -1
			case a.Score < b.Score:
				return 1
			}
			return 0
		})
		got, best := docsIn(res.Hits), docsIn(byScore)
		if got < best {
			t.Errorf("%s: first five hits from %d documents, the five best-scored from %d", p.ID, got, best)
		}
		if got > best {
			wider++
		}
	}
	if wider == 0 {
		t.Error("no provision's first hits span more documents than its best-scored ones")
	}
	t.Logf("%d provisions' first hits span more documents than their best-scored ones", wider)
}
