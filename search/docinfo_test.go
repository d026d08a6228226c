package search_test

import (
	"context"
	"testing"

	"github.com/policysearch/policysearch/search"
)

// TestDepth lets a caller that reads every page go past MaxWindow, as far
// as it asks and no further.
func TestDepth(t *testing.T) {
	ctx := context.Background()
	deep := search.Request{Page: search.MaxWindow/search.MaxSize + 1, Size: search.MaxSize}
	if _, err := engine.Search(ctx, deep); !search.IsBadRequest(err) {
		t.Errorf("page %d × %d without Depth: err %v, want a bad request", deep.Page, deep.Size, err)
	}
	deep.Depth = 2 * search.MaxWindow
	if _, err := engine.Search(ctx, deep); err != nil {
		t.Errorf("page %d × %d with Depth %d: %v", deep.Page, deep.Size, deep.Depth, err)
	}
	deep.Page = deep.Depth/deep.Size + 1
	if _, err := engine.Search(ctx, deep); !search.IsBadRequest(err) {
		t.Errorf("page %d × %d past Depth %d: err %v, want a bad request", deep.Page, deep.Size, deep.Depth, err)
	}
}

// TestDocumentInfos gives the metadata of the documents named that exist.
func TestDocumentInfos(t *testing.T) {
	ctx := context.Background()
	docs, err := engine.Documents(ctx)
	if err != nil || len(docs) < 2 {
		t.Fatalf("documents: %d, %v", len(docs), err)
	}
	got, err := engine.DocumentInfos(ctx, []string{docs[0].ID, docs[1].ID, "no-such-document"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%d documents, want 2", len(got))
	}
	for _, d := range docs[:2] {
		if g := got[d.ID]; g.Title != d.Title || g.Issuer != d.Issuer || g.DocNumber != d.DocNumber {
			t.Errorf("%s: %q %q %q, want %q %q %q", d.ID, g.Title, g.Issuer, g.DocNumber, d.Title, d.Issuer, d.DocNumber)
		}
	}
}
