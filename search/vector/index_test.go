package vector

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

func randomUnit(rng *rand.Rand, dim int) []float32 {
	v := make([]float32, dim)
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}
	normalize(v)
	return v
}

// randomIndex holds n random vectors under ids "d<doc>-<n>", with a few
// exact duplicates so that ties occur.
func randomIndex(t testing.TB, rng *rand.Rand, n, dim int) (*Index, map[string][]float32) {
	t.Helper()
	ix := NewIndex("test", dim)
	vecs := make(map[string][]float32, n)
	var prev []float32
	for i := range n {
		v := randomUnit(rng, dim)
		if i%50 == 1 {
			v = prev
		}
		id := fmt.Sprintf("d%03d-%05d", i/20, i)
		if err := ix.Add(id, v); err != nil {
			t.Fatal(err)
		}
		// The reference holds what the index holds: Add normalises again,
		// which may change the last bit.
		vecs[id], _ = ix.Vector(id)
		prev = v
	}
	return ix, vecs
}

// bruteForce ranks every vector of ix by its cosine with q, scored one by
// one as Similarity scores it, ties by id.
func bruteForce(ix *Index, vecs map[string][]float32, q []float32, k int, keep func(string) bool) []Neighbour {
	q = slices.Clone(q)
	normalize(q)
	var all []Neighbour
	for id := range vecs {
		if keep == nil || keep(id) {
			s, _ := ix.Similarity(q, id)
			all = append(all, Neighbour{ID: id, Score: s})
		}
	}
	slices.SortFunc(all, func(a, b Neighbour) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), strings.Compare(a.ID, b.ID))
	})
	return all[:min(k, len(all))]
}

// TestCodedScoresNearFloat: the 8-bit codes move a cosine by less than
// 0.005, and keep the nearest of a query in float32's order but for near
// ties.
func TestCodedScoresNearFloat(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const n, dim = 2000, 160
	ix := NewIndex("test", dim)
	vecs := make([][]float32, n)
	for i := range n {
		vecs[i] = randomUnit(rng, dim)
		if err := ix.Add(fmt.Sprintf("v%04d", i), vecs[i]); err != nil {
			t.Fatal(err)
		}
	}
	for range 20 {
		q := randomUnit(rng, dim)
		exact := make([]Neighbour, n)
		for i, v := range vecs {
			exact[i] = Neighbour{ID: fmt.Sprintf("v%04d", i), Score: dot(q, v)}
			coded, _ := ix.Similarity(q, exact[i].ID)
			if d := coded - exact[i].Score; d > 0.005 || d < -0.005 {
				t.Fatalf("%s: coded cosine %.5f, float32 %.5f", exact[i].ID, coded, exact[i].Score)
			}
		}
		slices.SortFunc(exact, func(a, b Neighbour) int { return cmp.Compare(b.Score, a.Score) })
		got, err := ix.Search(q, 20, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]bool{}
		for _, e := range exact[:25] {
			want[e.ID] = true
		}
		for _, g := range got {
			if !want[g.ID] {
				t.Errorf("%s (coded %.4f) among the 20 nearest, not among float32's 25", g.ID, g.Score)
			}
		}
	}
}

func TestIndexSearchMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	everyThird := func(id string) bool { return id[len(id)-1]%3 == 0 }
	// 1,000 vectors scan on one goroutine, 40,000 on several.
	for _, n := range []int{1000, 40000} {
		ix, vecs := randomIndex(t, rng, n, 24)
		for _, tc := range []struct {
			name string
			k    int
			keep func(string) bool
		}{
			{"top 1", 1, nil},
			{"top 10", 10, nil},
			{"top 100 filtered", 100, everyThird},
			{"more than held", n + 5, everyThird},
			{"nothing kept", 10, func(string) bool { return false }},
		} {
			t.Run(fmt.Sprintf("%d/%s", n, tc.name), func(t *testing.T) {
				for range 5 {
					q := randomUnit(rng, 24)
					if rng.IntN(2) == 0 {
						// A query equal to an indexed vector that has a
						// duplicate: the top scores tie.
						q = vecs[fmt.Sprintf("d%03d-%05d", 51/20, 51)]
					}
					got, err := ix.Search(q, tc.k, tc.keep)
					if err != nil {
						t.Fatal(err)
					}
					want := bruteForce(ix, vecs, q, tc.k, tc.keep)
					if !slices.Equal(got, want) {
						t.Fatalf("got %d hits %v…, want %d %v…", len(got), got[:min(3, len(got))], len(want), want[:min(3, len(want))])
					}
				}
			})
		}
	}
}

func TestIndexEdits(t *testing.T) {
	ix := NewIndex("e", 3)
	add := func(id string, v ...float32) {
		t.Helper()
		if err := ix.Add(id, v); err != nil {
			t.Fatal(err)
		}
	}
	add("a-1", 1, 0, 0)
	add("a-2", 0, 1, 0)
	add("b-1", 0, 0, 2) // scaled to unit length
	add("ab-1", 1, 1, 0)
	add("c-1", 0, 0, 0) // zero: kept, scores 0

	if ix.Len() != 5 || !ix.Has("b-1") || ix.Has("b") {
		t.Fatalf("len %d", ix.Len())
	}
	if v, _ := ix.Vector("b-1"); !slices.Equal(v, []float32{0, 0, 1}) {
		t.Errorf("b-1 stored as %v", v)
	}
	if s, ok := ix.Similarity([]float32{0, 0, 1}, "b-1"); !ok || s != 1 {
		t.Errorf("similarity %v %v", s, ok)
	}
	if _, ok := ix.Similarity([]float32{0, 0, 1}, "zz"); ok {
		t.Error("similarity of a missing id")
	}
	// Replacing keeps one entry.
	add("a-1", 0, 0, 1)
	if ix.Len() != 5 {
		t.Fatalf("len %d after replace", ix.Len())
	}
	hits, _ := ix.Search([]float32{0, 0, 1}, 2, nil)
	if len(hits) != 2 || hits[0].ID != "a-1" || hits[1].ID != "b-1" || hits[0].Score != 1 {
		t.Errorf("hits %v", hits)
	}
	if !ix.Remove("a-2") || ix.Remove("a-2") || ix.Has("a-2") {
		t.Error("remove a-2")
	}
	if n := ix.RemovePrefix("a-"); n != 1 || ix.Has("a-1") || !ix.Has("ab-1") {
		t.Errorf("removed %d by prefix", n)
	}
	// The remaining vectors are still found under their ids after the
	// slots moved.
	for id, want := range map[string][]float32{"b-1": {0, 0, 1}, "ab-1": {0.70710677, 0.70710677, 0}, "c-1": {0, 0, 0}} {
		if v, ok := ix.Vector(id); !ok || !slices.Equal(v, want) {
			t.Errorf("%s: %v", id, v)
		}
	}
	hits, _ = ix.Search([]float32{1, 0, 0}, 10, nil)
	if ids := neighbourIDs(hits); !slices.Equal(ids, []string{"ab-1", "b-1", "c-1"}) {
		t.Errorf("hits %v", hits)
	}

	if err := ix.Add("x", []float32{1, 2}); err == nil {
		t.Error("added a vector of the wrong dimension")
	}
	if err := ix.Add("x", []float32{1, float32(nan()), 0}); err == nil {
		t.Error("added NaN")
	}
	if _, err := ix.Search([]float32{1}, 3, nil); !errors.Is(err, ErrDim) {
		t.Errorf("short query: %v", err)
	}
	if hits, _ := ix.Search([]float32{0, 0, 0}, 3, nil); hits != nil {
		t.Errorf("zero query found %v", hits)
	}
}

func TestIndexLearnsDimension(t *testing.T) {
	ix := NewIndex("svc", 0)
	if hits, err := ix.Search([]float32{1, 0}, 3, nil); hits != nil || err != nil {
		t.Errorf("empty index: %v %v", hits, err)
	}
	path := filepath.Join(t.TempDir(), "v.bin")
	if err := ix.Save(path, "fp"); err != nil {
		t.Fatal(err)
	}
	if empty, h, err := LoadIndex(path); err != nil || empty.Len() != 0 || h.Dim != 0 {
		t.Fatalf("empty index loaded as %+v, %v", h, err)
	}
	if err := ix.Add("a", nil); err == nil {
		t.Error("added an empty vector")
	}
	if err := ix.Add("a", []float32{3, 4, 0}); err != nil {
		t.Fatal(err)
	}
	if ix.Dim() != 3 {
		t.Fatalf("dim %d", ix.Dim())
	}
	if err := ix.Add("b", []float32{1, 0}); err == nil {
		t.Error("added a vector of another dimension")
	}
	if hits, _ := ix.Search([]float32{0, 1, 0}, 1, nil); len(hits) != 1 || hits[0].Score != 0.8 {
		t.Errorf("hits %v", hits)
	}
}

func nan() float64 {
	var z float64
	return z / z
}

func neighbourIDs(ns []Neighbour) []string {
	ids := make([]string, len(ns))
	for i, n := range ns {
		ids[i] = n.ID
	}
	return ids
}

func TestIndexSaveLoad(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	ix, _ := randomIndex(t, rng, 3000, 16)
	ix.RemovePrefix("d010-")
	dir := t.TempDir()
	path := filepath.Join(dir, "vectors.bin")
	if err := ix.Save(path, "corpus-v1"); err != nil {
		t.Fatal(err)
	}
	// Saving again replaces the file and leaves no temporary behind.
	if err := ix.Save(path, "corpus-v2"); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("folder holds %d files", len(entries))
	}
	loaded, h, err := LoadIndex(path)
	if err != nil {
		t.Fatal(err)
	}
	want := Header{EmbedderID: "test", Fingerprint: "corpus-v2", Dim: 16, Count: ix.Len()}
	if h != want || loaded.Len() != ix.Len() || loaded.EmbedderID() != "test" || loaded.Dim() != 16 {
		t.Fatalf("header %+v, want %+v", h, want)
	}
	for range 10 {
		q := randomUnit(rng, 16)
		a, _ := ix.Search(q, 20, nil)
		b, _ := loaded.Search(q, 20, nil)
		if !slices.Equal(a, b) {
			t.Fatal("loaded index answers differently")
		}
	}

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("corrupt", func(t *testing.T) {
		flip := func(at int) []byte {
			d := slices.Clone(data)
			d[at] ^= 0x01
			return d
		}
		cases := map[string][]byte{
			"empty":              nil,
			"header only":        data[:20],
			"cut in ids":         data[:300],
			"cut in vectors":     data[:len(data)-1000],
			"no checksum":        data[:len(data)-4],
			"flipped vector bit": flip(len(data) - 200),
			"flipped id byte":    flip(120),
			"flipped checksum":   flip(len(data) - 1),
			"trailing data":      append(slices.Clone(data), 0),
			"not an index":       flip(0),
		}
		for name, d := range cases {
			p := filepath.Join(t.TempDir(), "v.bin")
			if err := os.WriteFile(p, d, 0o644); err != nil {
				t.Fatal(err)
			}
			_, _, err := LoadIndex(p)
			if !errors.Is(err, ErrCorrupt) {
				t.Errorf("%s: error %v, want ErrCorrupt", name, err)
			} else if !strings.Contains(err.Error(), p) {
				t.Errorf("%s: error %q does not name the file", name, err)
			}
		}
	})
	if _, _, err := LoadIndex(filepath.Join(dir, "missing.bin")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	if err := ix.Save(filepath.Join(dir, "no", "such", "dir.bin"), ""); err == nil {
		t.Error("saved into a missing folder")
	}
}

// Writers and readers at once; run with -race.
func TestIndexConcurrent(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 11))
	ix, _ := randomIndex(t, rng, 30000, 16)
	queries := make([][]float32, 8)
	for i := range queries {
		queries[i] = randomUnit(rng, 16)
	}
	var wg sync.WaitGroup
	for w := range 3 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 1))
			for i := range 200 {
				id := fmt.Sprintf("w%d-%d", w, i)
				if err := ix.Add(id, randomUnit(r, 16)); err != nil {
					t.Error(err)
					return
				}
				if i%7 == 0 {
					ix.Remove(id)
				}
				if i%50 == 49 {
					ix.RemovePrefix(fmt.Sprintf("w%d-", w))
				}
			}
		})
	}
	for s := range 3 {
		wg.Go(func() {
			for i := range 30 {
				hits, err := ix.Search(queries[(s+i)%len(queries)], 10, func(id string) bool { return id[0] != 'x' })
				if err != nil || len(hits) != 10 {
					t.Errorf("search: %d hits, %v", len(hits), err)
					return
				}
				if !slices.IsSortedFunc(hits, func(a, b Neighbour) int { return cmp.Compare(b.Score, a.Score) }) {
					t.Error("hits out of order")
				}
				ix.Has("w0-1")
				ix.Len()
			}
		})
	}
	wg.Wait()
	for w := range 3 {
		if ix.Has(fmt.Sprintf("w%d-1", w)) {
			t.Errorf("w%d-1 survived its prefix removal", w)
		}
	}
}

// TestIndexLoadsFloatVersion: a file of the earlier format, float32
// vectors, is read and coded: the same neighbours, scores within 0.005.
func TestIndexLoadsFloatVersion(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n, dim = 300, 32
	ids := make([]string, n)
	var slab []float32
	for i := range n {
		ids[i] = fmt.Sprintf("d%03d", i)
		slab = append(slab, randomUnit(rng, dim)...)
	}
	var buf bytes.Buffer
	crc := crc32.New(castagnoli)
	b := newBinWriter(io.MultiWriter(&buf, crc))
	b.bytes([]byte(indexMagic))
	b.u32(floatVersion)
	b.str("test")
	b.str("fp")
	b.u32(dim)
	b.u64(n)
	for _, id := range ids {
		b.str(id)
	}
	b.f32s(slab)
	b.flush()
	if b.err != nil {
		t.Fatal(b.err)
	}
	_ = binary.Write(&buf, binary.LittleEndian, crc.Sum32())
	path := filepath.Join(t.TempDir(), "v1.vectors")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	ix, h, err := LoadIndex(path)
	if err != nil {
		t.Fatal(err)
	}
	if h.Count != n || h.Dim != dim || h.Fingerprint != "fp" {
		t.Fatalf("header %+v", h)
	}
	q := slab[5*dim : 6*dim]
	got, err := ix.Search(q, 1, nil)
	if err != nil || len(got) != 1 || got[0].ID != "d005" || got[0].Score < 0.995 {
		t.Fatalf("nearest of d005's own vector: %v, %v", got, err)
	}
	for i, id := range ids {
		s, _ := ix.Similarity(q, id)
		if d := s - dot(q, slab[i*dim:(i+1)*dim]); d > 0.005 || d < -0.005 {
			t.Fatalf("%s: %.5f read back, %.5f written", id, s, dot(q, slab[i*dim:(i+1)*dim]))
		}
	}
}

// TestSearchDocsMatchesFilteredSearch: searching within some documents
// finds what a whole search filtered to their vectors finds, scores
// included, also after removals moved vectors about; unknown documents
// are passed over.
func TestSearchDocsMatchesFilteredSearch(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	ix, vecs := randomIndex(t, rng, 3000, 24)
	for id := range vecs {
		if rng.IntN(10) == 0 {
			ix.Remove(id)
			delete(vecs, id)
		}
	}
	docs := []string{"no-such-doc"}
	in := map[string]bool{}
	for id := range vecs {
		doc := docOf(id)
		if !in[doc] && rng.IntN(7) == 0 {
			docs = append(docs, doc)
			in[doc] = true
		}
	}
	for _, k := range []int{1, 10, 1000} {
		q := randomUnit(rng, 24)
		got, err := ix.SearchDocs(q, k, docs, nil)
		if err != nil {
			t.Fatal(err)
		}
		want, err := ix.Search(q, k, func(id string) bool { return in[docOf(id)] })
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("k=%d: within %d documents got %d %v…, want %d %v…", k, len(docs), len(got), got[:min(3, len(got))], len(want), want[:min(3, len(want))])
		}
	}
}
