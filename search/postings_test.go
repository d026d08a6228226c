package search

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// TestDecodedPostingsScoreAsTheSegments walks the engine's queries over
// the segments' own term readers and over decoded postings, on an index
// with deleted provisions and two segments, and wants the same matches with the same
// scores: every match in order (Next), and the matches of a filter's
// provisions (Advance, jumping between segments and within them).
func TestDecodedPostingsScoreAsTheSegments(t *testing.T) {
	ctx := context.Background()
	e := seedEngine(t)
	docs, err := e.store.Documents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// A deletion, and a document written again: its provisions move to a
	// new segment and are deleted from the old.
	if err := e.Delete(ctx, docs[0].ID); err != nil {
		t.Fatal(err)
	}
	again, err := e.store.Document(ctx, docs[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.Put(ctx, again); err != nil {
		t.Fatal(err)
	}
	texts := []string{"年", "健康", "医共体", "家庭医生签约", "健康 -服务", "推进 县域 医疗", "老百姓看病难看病贵怎么办", `"疫情防控"`}
	cache := newPostingsCache(1 << 20) // read below with min 1: every term decoded
	err = e.store.ReadMapped(func(r index.IndexReader, m mapping.IndexMapping) error {
		fi, err := e.facets.get(ctx, r)
		if err != nil {
			return err
		}
		if segs := len(decoding(r, cache, 1).(*decodingReader).segs); segs < 2 {
			t.Errorf("%d segment: jumps between segments go untested", segs)
		}
		city := passing(fi.filterSets(Filters{FacetCity: {"温州"}}), "")
		if city.IsEmpty() {
			t.Fatal("no provisions of the filter")
		}
		for _, text := range texts {
			pq, err := Parse(text)
			if err != nil {
				t.Fatal(err)
			}
			q, err := e.matchQuery(ctx, pq, e.under.Understand(pq))
			if err != nil {
				return err
			}
			for _, within := range []*roaring.Bitmap{nil, city} {
				wq, err := newMatchSets(ctx, r, m).restrict(q, within)
				if err != nil {
					return err
				}
				want, got := &matchWalk{keep: true, scores: true}, &matchWalk{keep: true, scores: true}
				if err := want.run(ctx, r, m, wq); err != nil {
					return err
				}
				if err := got.run(ctx, decoding(r, cache, 1), m, wq); err != nil {
					return err
				}
				if len(want.docs) == 0 {
					t.Errorf("%s (within %v): no matches: the case proves nothing", text, within != nil)
				}
				if len(got.docs) != len(want.docs) {
					t.Errorf("%s (within %v): %d matches decoded, %d from the segments", text, within != nil, len(got.docs), len(want.docs))
					continue
				}
				for i := range want.docs {
					if got.docs[i] != want.docs[i] || got.scored[i] != want.scored[i] {
						t.Errorf("%s (within %v): match %d is %d scored %v decoded, %d scored %v from the segments",
							text, within != nil, i, got.docs[i], got.scored[i], want.docs[i], want.scored[i])
						break
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := cache.decoded.order.Len(); n == 0 {
		t.Error("no postings were decoded")
	}
}

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
	r := &decodedTermReader{parts: parts, freq: true, norm: true}
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
	r = &decodedTermReader{parts: parts, freq: true}
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
	e := seedEngine(t)
	docs, err := e.store.Documents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cache := newPostingsCache(1 << 20)
	var latest []map[segment.Segment]bool
	read := func() {
		t.Helper()
		err := e.store.Read(func(r index.IndexReader) error {
			d := decoding(r, cache, 1).(*decodingReader)
			segs := map[segment.Segment]bool{}
			for _, s := range d.segs {
				segs[s.Segment()] = true
			}
			latest = append(latest, segs)
			for _, term := range []string{"健康", "服务", "卫生"} {
				tfr, err := d.TermFieldReader(ctx, []byte(term), "exact", true, true, false)
				if err != nil {
					return err
				}
				if _, ok := tfr.(*decodedTermReader); !ok {
					t.Fatalf("%s not read from decoded postings", term)
				}
				_ = tfr.Close()
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	read()
	for _, d := range docs[:3] {
		// Writing a document again puts its provisions in a segment of
		// their own, which goes once the document is deleted.
		doc, err := e.store.Document(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.store.Put(ctx, doc); err != nil {
			t.Fatal(err)
		}
		read()
		if err := e.Delete(ctx, d.ID); err != nil {
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

// TestConcurrentSearchesOnDecodedPostings runs searches from several
// goroutines over shared decoded postings: first alone, when each must
// answer as it did run by itself, then beside writes that make segments
// come and go. Run under -race it checks the sharing.
func TestConcurrentSearchesOnDecodedPostings(t *testing.T) {
	ctx := context.Background()
	e := seedEngine(t)
	// Every term decoded, in a cache small enough to evict.
	e.postings, e.decodeMin = newPostingsCache(1<<20), 1
	reqs := []Request{
		{Query: "健康"}, {Query: "医共体", Filters: Filters{FacetCity: {"温州"}}}, {Query: `"疫情防控"`},
		{Query: "家庭医生签约"}, {Query: "年", Filters: Filters{FacetYear: {"2020"}}}, {Query: "推进 县域 医疗"},
	}
	answer := func(r Request) string {
		r.Mode, r.NoCache = ModeKeyword, true
		res, err := e.Search(ctx, r)
		if err != nil {
			t.Error(err)
			return ""
		}
		out := fmt.Sprint(res.Total)
		for _, h := range res.Hits {
			out += " " + h.ID
		}
		return out
	}
	want := make([]string, len(reqs))
	for i, r := range reqs {
		want[i] = answer(r)
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < 3*len(reqs); k++ {
				i := (g + k) % len(reqs)
				if got := answer(reqs[i]); got != want[i] {
					t.Errorf("%q: %s concurrently, %s alone", reqs[i].Query, got, want[i])
				}
			}
		}()
	}
	wg.Wait()

	docs, err := e.store.Documents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, d := range docs[:3] {
			doc, err := e.store.Document(ctx, d.ID)
			if err != nil {
				t.Error(err)
				return
			}
			if _, err := e.store.Put(ctx, doc); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < 2*len(reqs); k++ {
				answer(reqs[(g+k)%len(reqs)])
			}
		}()
	}
	wg.Wait()
	<-done
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
