package search

import (
	"context"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
	index "github.com/blevesearch/bleve_index_api"
)

// TestHeldValuesCountAsTheSets counts each facet's values among sets of
// provisions both ways, by walking the values each provision holds and by
// intersecting each value's set, and wants the same counts.
func TestHeldValuesCountAsTheSets(t *testing.T) {
	fi := seedFacetIndex(t)
	every := func(k uint32) *roaring.Bitmap {
		b := roaring.New()
		for n := uint32(0); n < 400; n += k {
			b.Add(n)
		}
		return b
	}
	bases := []*roaring.Bitmap{every(1), every(3), every(7), roaring.BitmapOf(0), roaring.BitmapOf(100000)}
	for _, f := range FacetNames {
		values := fi.values[f]
		if f == FacetCounty && len(values) == 0 {
			continue // no seed document is county-level
		}
		if len(values) < 2 {
			t.Fatalf("facet %s has %d values: the case proves little", f, len(values))
		}
		for _, base := range bases {
			counts, ok := fi.held[f].count(base, len(values))
			if !ok {
				t.Fatalf("facet %s keeps no held values", f)
			}
			for i, v := range values {
				if want := int(base.AndCardinality(v.docs)); counts[i] != want {
					t.Errorf("facet %s, value %s, among %d provisions: %d walked, %d intersected", f, v.value, base.GetCardinality(), counts[i], want)
				}
			}
		}
	}
}

// seedFacetIndex returns the facet index of an engine over the seed
// documents, as its searches read it.
func seedFacetIndex(t *testing.T) *facetIndex {
	t.Helper()
	e := seedEngine(t)
	var fi *facetIndex
	err := e.store.Read(func(r index.IndexReader) error {
		var err error
		fi, err = e.facets.get(context.Background(), r)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return fi
}

// TestCountingChoosesTheCheaperWay: matches dense enough to fill roaring
// bitmap containers are counted by intersecting the values' small sets;
// sparse ones by walking them; a facet without a list of held values only
// by intersecting.
func TestCountingChoosesTheCheaperWay(t *testing.T) {
	fi := seedFacetIndex(t)
	dense := roaring.New()
	dense.AddRange(0, 1<<17)
	sparse := roaring.New()
	for n := uint32(0); n < 1<<17; n += 97 {
		sparse.Add(n)
	}
	for _, f := range FacetNames {
		if f == FacetCounty && len(fi.values[f]) == 0 {
			continue // no seed document is county-level
		}
		h := fi.held[f]
		if h.intersectNanos <= 0 {
			t.Errorf("facet %s: no cost estimated for intersecting its values", f)
		}
		if !h.intersects(dense) {
			t.Errorf("facet %s: %d dense matches are walked, not intersected with %d ns of sets", f, dense.GetCardinality(), h.intersectNanos)
		}
		if h.intersects(sparse) {
			t.Errorf("facet %s: %d sparse matches are intersected, not walked", f, sparse.GetCardinality())
		}
	}
	if !(heldValues{}).intersects(roaring.BitmapOf(1, 2, 3)) {
		t.Error("a facet without held values is walked")
	}
}
