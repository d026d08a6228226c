package search

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/policysearch/policysearch/search/exec"
	"github.com/policysearch/policysearch/seeds"
)

// TestMatchSetsAgreeWithTheWalk checks the match sets worked out from
// posting bitmaps against bleve's own walk of the same queries (as the
// engine builds them, widened by what it understood), over the whole index
// and within a filter's provisions (where the restricted walk must score
// as the whole one did): single characters, words, phrases,
// sentences needing most of their words, exclusions and several terms.
func TestMatchSetsAgreeWithTheWalk(t *testing.T) {
	ctx := context.Background()
	e := seedEngine(t)
	texts := []string{
		"年", "村", "健康", "医共体", "家庭医生签约", `"疫情防控" -核酸`, "健康 -服务", "两慢病",
		"老百姓看病难看病贵怎么办", "推进 县域 医疗", `"卫生健康事业高质量发展"`, "看不起病",
		// Phrases whose bigrams a few provisions hold apart, not in a row.
		`"管理服务"`, `"机构医疗"`, `服务 -"管理服务"`,
	}
	checked := 0
	err := e.store.ReadMapped(func(r index.IndexReader, m mapping.IndexMapping) error {
		fi, err := e.facets.get(ctx, r)
		if err != nil {
			return err
		}
		city := passing(fi.filterSets(Filters{FacetCity: {"温州"}}), "")
		for _, text := range texts {
			pq, err := Parse(text)
			if err != nil {
				t.Fatal(err)
			}
			q, err := e.matchQuery(ctx, pq, e.under.Understand(pq))
			if err != nil {
				return err
			}
			walked := &exec.Walk{Score: true, Keep: true}
			if err := walked.Run(ctx, r, m, q); err != nil {
				return err
			}
			all := roaring.New()
			all.AddMany(walked.Docs)
			for _, within := range []*roaring.Bitmap{nil, city} {
				got, err := exec.NewSets(ctx, r, m, nil, nil).Of(q, within, nil)
				if err != nil {
					return err
				}
				want := all
				if within != nil {
					want = roaring.And(all, within)
				}
				if !got.Equals(want) {
					t.Errorf("%s (within %v): %d provisions from bitmaps, %d walked", text, within != nil, got.GetCardinality(), want.GetCardinality())
				}
				if !want.IsEmpty() {
					checked++
				}
				if within != nil {
					checkRestricted(t, ctx, r, m, text, q, walked, within)
				}
				checkScored(t, ctx, r, m, text, q, walked, want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < len(texts) {
		t.Errorf("only %d of the cases matched anything: the test proves little", checked)
	}
}

// checkRestricted wants q restricted to set to score each provision of
// set as the unrestricted walk did, and no other. bleve's disjunction adds
// its parts' scores in the order they reach a match, which moving it
// forward from outside changes: sums may differ in the last bit.
func checkRestricted(t *testing.T, ctx context.Context, r index.IndexReader, m mapping.IndexMapping, text string, q query.Query, walked *exec.Walk, set *roaring.Bitmap) {
	t.Helper()
	rq, err := exec.NewSets(ctx, r, m, nil, nil).Restrict(q, set)
	if err != nil {
		t.Fatal(err)
	}
	got := &exec.Walk{Score: true, Keep: true}
	if err := got.Run(ctx, r, m, rq); err != nil {
		t.Fatal(err)
	}
	want := map[uint32]float64{}
	for i, d := range walked.Docs {
		if set.Contains(d) {
			want[d] = walked.Scores[i]
		}
	}
	if len(got.Docs) != len(want) {
		t.Errorf("%s restricted: %d matches, %d of the unrestricted walk in the set", text, len(got.Docs), len(want))
		return
	}
	for i, d := range got.Docs {
		if s, ok := want[d]; !ok || math.Abs(s-got.Scores[i]) > 1e-12*s {
			t.Errorf("%s restricted: provision %d scores %v, unrestricted %v (in the walk: %v)", text, d, got.Scores[i], s, ok)
			return
		}
	}
}

// checkScored wants q's matches in set, scored a part at a time, to score
// as the walk did.
func checkScored(t *testing.T, ctx context.Context, r index.IndexReader, m mapping.IndexMapping, text string, q query.Query, walked *exec.Walk, set *roaring.Bitmap) {
	t.Helper()
	want := map[uint32]float64{}
	for i, d := range walked.Docs {
		want[d] = walked.Scores[i]
	}
	got, ok, err := exec.NewSets(ctx, r, m, nil, nil).Score(r, q, set)
	if err != nil || !ok {
		t.Fatalf("%s: scored %v, %v", text, ok, err)
	}
	ranked := got.Best(0, int(set.GetCardinality()))
	if len(ranked) != int(set.GetCardinality()) {
		t.Errorf("%s: %d scored of %d", text, len(ranked), set.GetCardinality())
	}
	for _, d := range ranked {
		if s := want[d.Doc()]; math.Abs(s-d.Score()) > 1e-12*s {
			t.Errorf("%s: provision %d scores %v, walked %v", text, d.Doc(), d.Score(), s)
			return
		}
	}
}

// TestGatedQueryMeetsItsSet walks a gated query whose set holds both
// matches and provisions the query does not match: it must find the
// matches in the set, scored as ungated, whichever of set and query leads.
func TestGatedQueryMeetsItsSet(t *testing.T) {
	ctx := context.Background()
	e := seedEngine(t)
	err := e.store.ReadMapped(func(r index.IndexReader, m mapping.IndexMapping) error {
		for _, text := range []string{"健康", "医共体 服务"} {
			pq, err := Parse(text)
			if err != nil {
				t.Fatal(err)
			}
			q, err := e.matchQuery(ctx, pq, nil)
			if err != nil {
				return err
			}
			whole := &exec.Walk{Score: true, Keep: true}
			if err := whole.Run(ctx, r, m, q); err != nil {
				return err
			}
			for _, every := range []uint32{2, 5} {
				// The set is drawn from the walk itself, since provision
				// numbers follow segment layout, which parallel indexing
				// varies: every nth match, and every nth number it missed.
				set := roaring.New()
				matched := roaring.BitmapOf(whole.Docs...)
				for i, d := range whole.Docs {
					if uint32(i)%every == 0 {
						set.Add(d)
					}
				}
				for n := uint32(0); n < 300; n += every {
					if !matched.Contains(n) {
						set.Add(n)
					}
				}
				// The required part is gated, as Sets.Restrict does: bleve's
				// boolean searcher moved from outside loses optional scores.
				b := *q.(*query.BooleanQuery)
				b.Must = exec.Gated(b.Must, set)
				gated := &exec.Walk{Score: true, Keep: true}
				if err := gated.Run(ctx, r, m, &b); err != nil {
					return err
				}
				var want []uint32
				for i, d := range whole.Docs {
					if set.Contains(d) {
						want = append(want, d)
						if j := len(want) - 1; j < len(gated.Docs) && gated.Scores[j] != whole.Scores[i] {
							t.Errorf("%s, every %d: provision %d scores %v gated, %v whole", text, every, d, gated.Scores[j], whole.Scores[i])
						}
					}
				}
				if len(want) == 0 || uint64(len(want)) == set.GetCardinality() {
					t.Fatalf("%s, every %d: the set holds %d matches of %d: the case proves little", text, every, len(want), set.GetCardinality())
				}
				if !slices.Equal(gated.Docs, want) {
					t.Errorf("%s, every %d: gated %v, want %v", text, every, gated.Docs, want)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// seedEngine opens an engine over a fresh index of the seed documents,
// closed when the test ends.
func seedEngine(t *testing.T) *Engine {
	t.Helper()
	an, err := NewAnalysis("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(an.Close)
	e, err := Open(context.Background(), an, OpenOptions{IndexDir: t.TempDir(), Corpus: seeds.FS})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	return e
}
