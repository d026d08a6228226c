package search

import (
	"context"
	"slices"
	"testing"

	index "github.com/blevesearch/bleve_index_api"
)

func TestSpreadRescalesFromLowestToHighest(t *testing.T) {
	got := spread([]float64{0.2, 0.6, 0.4})
	want := []float64{0, 1, 0.5}
	for i := range want {
		if d := got[i] - want[i]; d > 1e-12 || d < -1e-12 {
			t.Fatalf("spread = %v, want %v", got, want)
		}
	}
	// A signal equal on every candidate orders nothing.
	if got := spread([]float64{0.3, 0.3}); !slices.Equal(got, []float64{0, 0}) {
		t.Errorf("spread of equal values = %v, want zeros", got)
	}
	if got := spread(nil); len(got) != 0 {
		t.Errorf("spread(nil) = %v", got)
	}
}

func TestTitleSentence(t *testing.T) {
	for _, c := range []struct{ title, text, want string }{
		{"做实家庭医生签约服务。", "做实家庭医生签约服务。以点单式签约为主体。", "做实家庭医生签约服务。"},
		// No title: the first sentence, whatever ends it.
		{"", "2020年全市卫生健康工作的总体要求是:坚持稳中求进;突出重点。", "2020年全市卫生健康工作的总体要求是:坚持稳中求进"},
		{"", "开展3次巡回医疗服务", "开展3次巡回医疗服务"},
	} {
		if got := titleSentence(c.title, c.text); got != c.want {
			t.Errorf("titleSentence(%q, %q) = %q, want %q", c.title, c.text, got, c.want)
		}
	}
}

// TestByDocumentSpreadsHits: a document's further hit gives way to another
// document's best unless it scores more than 1/similarPerDocument times as
// much; the order within a document is kept.
func TestByDocumentSpreadsHits(t *testing.T) {
	type c struct {
		id, doc string
		score   float64
	}
	ranked := []c{{"a1", "a", 1.0}, {"a2", "a", 0.9}, {"a3", "a", 0.8}, {"b1", "b", 0.42}, {"c1", "c", 0.3}}
	got := byDocument(ranked, func(x c) float64 { return x.score }, func(x c) string { return x.doc })
	var ids []string
	for _, x := range got {
		ids = append(ids, x.id)
	}
	// a2 (0.9 × 0.5 = 0.45) still beats b1 (0.42); a3 (0.8 × 0.25 = 0.2)
	// gives way to b1 and c1.
	if want := []string{"a1", "a2", "b1", "c1", "a3"}; !slices.Equal(ids, want) {
		t.Errorf("order %v, want %v", ids, want)
	}
}

// TestTitleVectorsWeighStockWordsLittle: on the seeds, a title's topic
// word weighs more than the genre's stock verbs around it, so two titles
// sharing only 推进…建设 are less alike than two sharing their topic; and a
// word's spread counted once is kept for the index state.
func TestTitleVectorsWeighStockWordsLittle(t *testing.T) {
	e := seedEngine(t)
	ctx := context.Background()
	tv, err := e.titleVectors(ctx, "推进医共体建设。", "深化医共体改革。", "推进健康城市建设。")
	if err != nil {
		t.Fatal(err)
	}
	src := tv[0]
	if src["医共体"] <= src["推进"] || src["医共体"] <= src["建设"] {
		t.Errorf("医共体 weighs %.3f, 推进 %.3f, 建设 %.3f: the topic should weigh most", src["医共体"], src["推进"], src["建设"])
	}
	if same, stock := cosine(src, tv[1]), cosine(src, tv[2]); same <= stock {
		t.Errorf("titles sharing their topic %.3f alike, sharing stock words %.3f", same, stock)
	}
	var cached bool
	err = e.store.Read(func(r index.IndexReader) error {
		fi, err := e.facets.get(ctx, r)
		if err != nil {
			return err
		}
		_, cached = fi.spreads.Get("推进")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !cached {
		t.Error("the spread of 推进 was not kept for the index state")
	}
}
