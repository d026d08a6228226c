package search_test

import (
	"context"
	"slices"
	"testing"

	"github.com/policysearch/policysearch/search"
)

// TestSimilarKeyTermsAreDistinctive: the key terms similar provisions show
// (the source's terms and the terms each hit shares) never include the
// genre's generic action words, whatever the source, while a distinctive
// term the source and a hit share is shown.
func TestSimilarKeyTermsAreDistinctive(t *testing.T) {
	ctx := context.Background()
	generic := []string{"推进", "建设", "加快", "服务", "加强", "开展", "落实", "推动"}
	check := func(what string, res *search.SimilarResponse) {
		t.Helper()
		for _, term := range res.Terms {
			if slices.Contains(generic, term.Term) {
				t.Errorf("%s: generic word %s among the key terms %v", what, term.Term, res.Terms)
			}
		}
		for _, h := range res.Hits {
			for _, w := range h.SharedTerms {
				if slices.Contains(generic, w) {
					t.Errorf("%s: hit %s shows generic word %s as shared", what, h.ID, w)
				}
			}
		}
	}
	for _, p := range allProvisions(t) {
		res, err := engine.Similar(ctx, search.SimilarRequest{ID: p.ID, Size: 10})
		if err != nil {
			t.Fatal(err)
		}
		check(p.ID, res)
	}

	res, err := engine.Similar(ctx, search.SimilarRequest{Text: "推进医共体建设，加快建设紧密型医共体，推进医共体服务。", Size: 10})
	if err != nil {
		t.Fatal(err)
	}
	check("pasted text", res)
	if !slices.ContainsFunc(res.Terms, func(w search.WeightedTerm) bool { return w.Term == "医共体" }) {
		t.Errorf("医共体 is not a key term of a text about it: %v", res.Terms)
	}
	shown := 0
	for _, h := range res.Hits {
		if slices.Contains(h.SharedTerms, "医共体") {
			shown++
		}
	}
	if shown == 0 {
		t.Errorf("no hit shows 医共体 as shared: %+v", res.Hits)
	}
}
