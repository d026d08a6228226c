package vector

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestDotsAsTheGoLoop: the kernel in use gives the inner products of the
// portable loop, within float32 rounding, for every length of vector
// (full lanes, half lanes and a scalar tail) and every count of vectors.
func TestDotsAsTheGoLoop(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, dim := range []int{1, 3, 7, 8, 9, 15, 16, 17, 24, 31, 160, 1024} {
		for _, n := range []int{1, 2, 5, 64} {
			q := randomUnit(rng, dim)
			slab := make([]float32, 0, n*dim)
			for range n {
				slab = append(slab, randomUnit(rng, dim)...)
			}
			got, want := make([]float32, n), make([]float32, n)
			dots(q, slab, got)
			dotsGo(q, slab, want)
			for p := range n {
				if math.Abs(float64(got[p]-want[p])) > 1e-5 {
					t.Fatalf("dim %d, vector %d of %d: %v, the Go loop %v", dim, p, n, got[p], want[p])
				}
			}
		}
	}
}

// TestSearchScoresAsSimilarity: a vector found by a scan scores exactly
// what Similarity gives it, so that a provision ranks the same by either.
func TestSearchScoresAsSimilarity(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	ix := NewIndex("test", DefaultLSADim)
	for i := range 3000 {
		if err := ix.Add(fmt.Sprint(i), randomUnit(rng, DefaultLSADim)); err != nil {
			t.Fatal(err)
		}
	}
	q := randomUnit(rng, DefaultLSADim)
	hits, err := ix.Search(q, 50, nil)
	if err != nil || len(hits) != 50 {
		t.Fatalf("%d hits, %v", len(hits), err)
	}
	for _, h := range hits {
		if s, ok := ix.Similarity(q, h.ID); !ok || s != h.Score {
			t.Errorf("%s: scanned %v, Similarity %v", h.ID, h.Score, s)
		}
	}
}
