package exec

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// TestDecodedTermReaderAdvance moves a reader over two segments' postings
// to each document number, forwards and back, at and between segment
// bounds, past a deleted posting.
func TestDecodedTermReaderAdvance(t *testing.T) {
	seg := func(docs ...uint32) *decodedPostings {
		p := &decodedPostings{docs: docs}
		for i := range docs {
			p.freqs = append(p.freqs, uint16(i+1))
			p.norms = append(p.norms, 0.5)
		}
		return p
	}
	parts := []decodedPart{
		{p: seg(0, 3, 9), start: 0, end: 10},
		{p: seg(0, 2, 5), start: 10, end: 16, deleted: roaring.BitmapOf(2)},
		{p: seg(1), start: 20, end: 22}, // a segment between holds no posting
	}
	cases := []struct {
		to   uint64
		want int64 // -1: none
	}{
		{0, 0}, {1, 3}, {3, 3}, {4, 9}, {9, 9}, {10, 10}, {11, 15}, {12, 15}, {15, 15},
		{16, 21}, {21, 21}, {22, -1}, {2, 3}, {0, 0},
	}
	r := &TermReader{parts: parts, freq: true, norm: true}
	for _, c := range cases {
		d, err := r.Advance(index.NewIndexInternalID(nil, c.to), nil)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case c.want < 0 && d != nil:
			t.Errorf("advance to %d: got %d, want none", c.to, d.ID.Value())
		case c.want >= 0 && d == nil:
			t.Errorf("advance to %d: got none, want %d", c.to, c.want)
		case c.want >= 0 && d.ID.Value() != uint64(c.want):
			t.Errorf("advance to %d: got %d, want %d", c.to, d.ID.Value(), c.want)
		}
	}
	r = &TermReader{parts: parts, freq: true}
	var got []uint64
	for {
		d, err := r.Next(nil)
		if err != nil {
			t.Fatal(err)
		}
		if d == nil {
			break
		}
		got = append(got, d.ID.Value()*10+d.Freq)
	}
	if want := []uint64{1, 32, 93, 101, 153, 211}; !slices.Equal(got, want) {
		t.Errorf("next: got %v (document×10+frequency), want %v", got, want)
	}
}

// TestDecodedPostingsOfGoneSegmentsAreDropped reads terms in each of a
// series of index states whose segments come and go, and wants no
// postings kept of a segment in neither of the two latest states.
func TestDecodedPostingsOfGoneSegmentsAreDropped(t *testing.T) {
	ctx := context.Background()
	idx := wordsIndex(t)
	cache := NewPostingsCache(1 << 20)
	var latest []map[segment.Segment]bool
	read := func() {
		t.Helper()
		readIndex(t, idx, func(r index.IndexReader) {
			d := Decoding(r, cache, 1).(*decodingReader)
			segs := map[segment.Segment]bool{}
			for _, s := range d.segs {
				segs[s.Segment()] = true
			}
			latest = append(latest, segs)
			for _, term := range []string{"alpha", "beta", "gamma"} {
				tfr, err := d.TermFieldReader(ctx, []byte(term), wordsField, true, true, false)
				if err != nil {
					t.Fatal(err)
				}
				if _, ok := tfr.(*TermReader); !ok {
					t.Fatalf("%s not read from decoded postings", term)
				}
				_ = tfr.Close()
			}
		})
	}
	read()
	for i := range 3 {
		// Writing a record again puts it in a segment of its own, which
		// goes once the record is deleted.
		id := fmt.Sprintf("p%03d", i)
		if err := idx.Index(id, map[string]any{wordsField: "alpha beta gamma"}); err != nil {
			t.Fatal(err)
		}
		read()
		if err := idx.Delete(id); err != nil {
			t.Fatal(err)
		}
		read()
	}
	keep := latest[len(latest)-2:]
	kept := 0
	cache.decoded.drop(func(k postingsKey) bool {
		kept++
		if !keep[0][k.seg] && !keep[1][k.seg] {
			t.Errorf("postings of %s kept for a segment in neither of the two latest states", k.term)
		}
		return false
	})
	if kept == 0 {
		t.Error("nothing kept: the test proves little")
	}
	gone := 0
	for _, st := range latest {
		for s := range st {
			if !keep[0][s] && !keep[1][s] {
				gone++
			}
		}
	}
	if gone == 0 {
		t.Error("every segment read lives on: the test proves little")
	}
}

// TestGallopFindsAsBinarySearch: from every starting point, for every
// target (present, absent, before the start, past the end), gallop finds
// the same index as a binary search over what lies ahead.
func TestGallopFindsAsBinarySearch(t *testing.T) {
	var docs []uint32
	for n := uint32(3); len(docs) < 300; n += 1 + n%7 {
		docs = append(docs, n)
	}
	for _, ds := range [][]uint32{nil, {5}, docs} {
		end := uint32(10)
		if len(ds) > 0 {
			end = ds[len(ds)-1] + 3
		}
		for lo := 0; lo <= len(ds); lo++ {
			for target := uint32(0); target <= end; target++ {
				want, _ := slices.BinarySearch(ds[lo:], target)
				if got := gallop(ds, lo, target); got != lo+want {
					t.Fatalf("%d postings, from %d, to %d: gallop gives %d, binary search %d", len(ds), lo, target, got, lo+want)
				}
			}
		}
	}
}
