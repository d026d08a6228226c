package search

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/policysearch/policysearch/search/exec"
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
	cache := exec.NewPostingsCache(1 << 20) // read below with min 1: every term decoded
	err = e.store.ReadMapped(func(r index.IndexReader, m mapping.IndexMapping) error {
		fi, err := e.facets.get(ctx, r)
		if err != nil {
			return err
		}
		if segs := len(r.(*scorch.IndexSnapshot).Segments()); segs < 2 {
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
				wq, err := exec.NewSets(ctx, r, m, nil, nil).Restrict(q, within)
				if err != nil {
					return err
				}
				want, got := &exec.Walk{Keep: true, Score: true}, &exec.Walk{Keep: true, Score: true}
				if err := want.Run(ctx, r, m, wq); err != nil {
					return err
				}
				if err := got.Run(ctx, exec.Decoding(r, cache, 1), m, wq); err != nil {
					return err
				}
				if len(want.Docs) == 0 {
					t.Errorf("%s (within %v): no matches: the case proves nothing", text, within != nil)
				}
				if len(got.Docs) != len(want.Docs) {
					t.Errorf("%s (within %v): %d matches decoded, %d from the segments", text, within != nil, len(got.Docs), len(want.Docs))
					continue
				}
				for i := range want.Docs {
					if got.Docs[i] != want.Docs[i] || got.Scores[i] != want.Scores[i] {
						t.Errorf("%s (within %v): match %d is %d scored %v decoded, %d scored %v from the segments",
							text, within != nil, i, got.Docs[i], got.Scores[i], want.Docs[i], want.Scores[i])
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
	if cache.Len() == 0 {
		t.Error("no postings were decoded")
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
	e.postings, e.decodeMin = exec.NewPostingsCache(1<<20), 1
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
