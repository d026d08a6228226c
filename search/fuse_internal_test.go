package search

import (
	"slices"
	"testing"
)

// TestFuseLiftsANearProvisionNoKeywordMatches: a provision very near in
// meaning reaches the head of the fused ranking without a keyword match,
// ahead of weak keyword matches, while the best keyword match that is
// also near stays first.
func TestFuseLiftsANearProvisionNoKeywordMatches(t *testing.T) {
	kw := []rankedID{{"a", 10}, {"b", 3}, {"c", 2.5}, {"d", 2}}
	near := []rankedID{{"a", 0.6}, {"x", 0.55}, {"b", 0.1}}
	cos := map[string]float64{"c": 0.05, "d": -0.2}
	got := ids(fuse(kw, near, func(id string) (float64, bool) { c, ok := cos[id]; return c, ok }))
	want := []string{"a", "x", "b", "c", "d"}
	if !slices.Equal(got, want) {
		t.Errorf("fused %v, want %v", got, want)
	}
}

// TestFuseScoresKeywordMatchesPastTheNearest: a keyword match beyond the
// nearest's depth is scored by its own cosine, not taken as unrelated, so
// between two equal keyword matches the nearer in meaning comes first.
func TestFuseScoresKeywordMatchesPastTheNearest(t *testing.T) {
	kw := []rankedID{{"a", 5}, {"b", 5}}
	near := []rankedID{{"x", 0.8}}
	cos := map[string]float64{"a": 0.1, "b": 0.4}
	got := ids(fuse(kw, near, func(id string) (float64, bool) { c, ok := cos[id]; return c, ok }))
	if want := []string{"b", "a", "x"}; !slices.Equal(got, want) {
		t.Errorf("fused %v, want %v", got, want)
	}
}

// TestFuseOneSide: either side alone keeps its own order.
func TestFuseOneSide(t *testing.T) {
	none := func(string) (float64, bool) { return 0, false }
	if got := ids(fuse(nil, []rankedID{{"x", 0.5}, {"y", 0.2}}, none)); !slices.Equal(got, []string{"x", "y"}) {
		t.Errorf("nearest alone: %v", got)
	}
	if got := ids(fuse([]rankedID{{"a", 4}, {"b", 1}}, nil, none)); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("keyword alone: %v", got)
	}
}

func ids(rs []rankedID) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}
