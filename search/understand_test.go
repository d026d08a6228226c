package search_test

import (
	"context"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/policysearch/policysearch/analyzers"
	"github.com/policysearch/policysearch/analyzers/vocab"
	"github.com/policysearch/policysearch/search"
)

func newUnderstander(t testing.TB) *search.Understander {
	t.Helper()
	v, err := vocab.Default()
	if err != nil {
		t.Fatal(err)
	}
	return search.NewUnderstander(v, analysis.Segmenter.Cut)
}

func parse(t testing.TB, s string) search.Query {
	t.Helper()
	q, err := search.Parse(s)
	if err != nil {
		t.Fatalf("parse %q: %v", s, err)
	}
	return q
}

func addedTerms(u *search.Understanding) map[string]float64 {
	out := map[string]float64{}
	for _, a := range u.Added {
		out[a.Term] = a.Weight
	}
	return out
}

func TestUnderstand(t *testing.T) {
	und := newUnderstander(t)
	tests := []struct {
		name    string
		query   string
		concept string // a concept that must be found ("" = none at all)
		kind    string
		adds    string // a term that must be added
	}{
		{name: "everyday phrasing", query: "救护车来得慢", concept: "pre-hospital-emergency", kind: vocab.KindEveryday, adds: "院前急救"},
		{name: "everyday phrasing with words slipped in", query: "买不到常用药", concept: "shortage-drugs", kind: vocab.KindEveryday, adds: "短缺药品"},
		{name: "policy abbreviation", query: "医共体", concept: "county-medical-community", kind: vocab.KindSynonym, adds: "县域医疗卫生服务共同体"},
		{name: "quoted phrase is never widened", query: `"救护车来得慢"`},
		{name: "unrelated words", query: "天气晴朗"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := und.Understand(parse(t, tt.query))
			if tt.concept == "" {
				if !u.Empty() || len(u.Added) > 0 {
					t.Fatalf("understood %+v, want nothing", u)
				}
				return
			}
			i := slices.IndexFunc(u.Concepts, func(c search.ConceptMatch) bool { return c.ID == tt.concept })
			if i < 0 {
				t.Fatalf("concepts %+v lack %s", u.Concepts, tt.concept)
			}
			if u.Concepts[i].Kind != tt.kind {
				t.Errorf("kind %s, want %s", u.Concepts[i].Kind, tt.kind)
			}
			added := addedTerms(u)
			if _, ok := added[tt.adds]; !ok {
				t.Errorf("added %v lacks %s", added, tt.adds)
			}
			typed := analyzers.Normalize(tt.query)
			for term, w := range added {
				if w <= 0 || w >= 1 {
					t.Errorf("added %s at weight %v: must weigh less than the words typed", term, w)
				}
				if strings.Contains(term, typed) {
					t.Errorf("added %s contains the typed text: it widens nothing", term)
				}
			}
			if len(u.Themes) == 0 {
				t.Errorf("no theme inferred")
			}
		})
	}
}

func TestUnderstandEverydayWeighsMoreThanVariants(t *testing.T) {
	und := newUnderstander(t)
	everyday := addedTerms(und.Understand(parse(t, "救护车来得慢")))
	variant := addedTerms(und.Understand(parse(t, "院前医疗急救")))
	if everyday["院前急救"] <= variant["院前急救"] {
		t.Fatalf("院前急救 weighs %v for an everyday phrasing and %v for a policy variant; the everyday reader needs it more",
			everyday["院前急救"], variant["院前急救"])
	}
}

// TestExpansionWidensSearch: the policy's own terms find provisions the
// everyday words cannot, and expand=false takes the words literally.
func TestExpansionWidensSearch(t *testing.T) {
	ctx := context.Background()
	on, err := engine.Search(ctx, search.Request{Query: "救护车来得慢", Size: 50, NoFacets: true, Mode: search.ModeKeyword})
	if err != nil {
		t.Fatal(err)
	}
	off, err := engine.Search(ctx, search.Request{Query: "救护车来得慢", Size: 50, NoFacets: true, NoExpand: true, Mode: search.ModeKeyword})
	if err != nil {
		t.Fatal(err)
	}
	if on.Total <= off.Total {
		t.Fatalf("expansion found %d provisions, literal %d: it should widen", on.Total, off.Total)
	}
	if off.Understood != nil {
		t.Errorf("expand=false still reports an understanding: %+v", off.Understood)
	}
	if on.Understood == nil || len(on.Understood.Added) == 0 {
		t.Fatalf("no understanding reported")
	}
	// Every hit holds the words typed or a term added, and shows it marked.
	terms := []string{"救护车"}
	for _, a := range on.Understood.Added {
		terms = append(terms, a.Term)
	}
	for _, h := range on.Hits {
		norm := analyzers.Normalize(h.Text)
		if !slices.ContainsFunc(terms, func(s string) bool { return strings.Contains(norm, s) }) {
			t.Errorf("hit %s holds none of %v", h.ID, terms)
		}
		if !strings.Contains(h.Marked, "<mark>") {
			t.Errorf("hit %s has nothing marked", h.ID)
		}
	}
	// The provisions that name the policy term itself come first.
	top := analyzers.Normalize(on.Hits[0].Text)
	if !strings.Contains(top, "院前") && !strings.Contains(top, "急救") {
		t.Errorf("top hit %s is not about 院前急救: %s", on.Hits[0].ID, on.Hits[0].Text)
	}
}

// TestQuotedPhraseIgnoresExpansion: a quoted phrase returns the same
// provisions with and without expansion.
func TestQuotedPhraseIgnoresExpansion(t *testing.T) {
	for _, q := range []string{`"医共体"`, `"家庭医生"`, `"急救"`} {
		with, _ := allHits(t, search.Request{Query: q})
		without, _ := allHits(t, search.Request{Query: q, NoExpand: true})
		sort.Strings(with)
		sort.Strings(without)
		if !slices.Equal(with, without) {
			t.Errorf("%s: %d hits with expansion, %d without", q, len(with), len(without))
		}
	}
}

func TestDidYouMean(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		query string
		want  string // first suggestion; "" = none
	}{
		{"医工体", "医共体"},     // same pinyin, other characters
		{"医工体建设", "医共体建设"}, // corrected inside a longer query
		{"家庭医生签约", ""},     // finds plenty: no suggestion
		{"天气晴朗风和日丽", ""},   // nothing near the vocabulary
	}
	for _, tt := range tests {
		res, err := engine.Search(ctx, search.Request{Query: tt.query, NoFacets: true})
		if err != nil {
			t.Fatal(err)
		}
		if tt.want == "" {
			if len(res.DidYouMean) > 0 {
				t.Errorf("%s: suggested %v, want none", tt.query, res.DidYouMean)
			}
			continue
		}
		if len(res.DidYouMean) == 0 || res.DidYouMean[0] != tt.want {
			t.Errorf("%s: suggested %v, want %s first", tt.query, res.DidYouMean, tt.want)
			continue
		}
		// The correction finds more by its words.
		before, err := engine.Search(ctx, search.Request{Query: tt.query, NoFacets: true, Mode: search.ModeKeyword})
		if err != nil {
			t.Fatal(err)
		}
		fixed, err := engine.Search(ctx, search.Request{Query: res.DidYouMean[0], NoFacets: true, Mode: search.ModeKeyword})
		if err != nil {
			t.Fatal(err)
		}
		if fixed.Total <= before.Total {
			t.Errorf("%s → %s finds %d, no more than %d", tt.query, res.DidYouMean[0], fixed.Total, before.Total)
		}
	}
}

// BenchmarkUnderstand measures reading a query with the vocabulary
// (concepts, expansion, themes) and reports the 99th percentile.
func BenchmarkUnderstand(b *testing.B) {
	und := newUnderstander(b)
	queries := []search.Query{}
	for _, s := range []string{
		"医共体", "家庭医生签约服务", "救护车来得慢", "买不到常用药", "老人看病难，想在家门口找医生",
		"推进紧密型县域医共体建设，完善分级诊疗制度", "工人得尘肺病 职业健康", `"两慢病" 医保`,
		"提升基层医疗卫生服务能力，加强乡村医生队伍建设，落实家庭医生签约服务和基本公共卫生服务项目",
	} {
		queries = append(queries, parse(b, s))
	}
	durs := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		und.Understand(queries[i%len(queries)])
		durs = append(durs, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(durs)
	b.ReportMetric(float64(durs[len(durs)*99/100].Microseconds()), "p99-µs")
}

// TestComposedNeeds: a need typed as a sentence names its concept when its
// words cover an everyday phrasing of it, word by word or by another word
// of the same class, whatever filler surrounds them; a word whose class
// means a concept names it alone.
func TestComposedNeeds(t *testing.T) {
	und := newUnderstander(t)
	tests := []struct {
		query   string
		concept string
		words   []string // the query's words that composed it
	}{
		{"跨省住院的钱怎么结", "cross-region-settlement", []string{"跨省", "结"}},
		{"请问我们跨省住院以后钱能不能结", "cross-region-settlement", []string{"跨省", "结"}},
		{"狗咬了要打什么针", "rabies", []string{"狗", "咬"}},
		{"狗咬了要打什么针", "vaccination", []string{"针"}},
		{"工地上干活受伤了去哪里看", "occupational-disease", []string{"工地", "受伤"}},
		{"孩子太小上班后没人帮忙带", "infant-care", []string{"没人", "带", "孩子"}},
	}
	for _, tt := range tests {
		u := und.Understand(parse(t, tt.query))
		i := slices.IndexFunc(u.Concepts, func(c search.ConceptMatch) bool { return c.ID == tt.concept })
		if i < 0 {
			t.Errorf("%s: concepts %+v lack %s", tt.query, u.Concepts, tt.concept)
			continue
		}
		c := u.Concepts[i]
		if c.Kind != vocab.KindEveryday || !slices.Equal(c.Words, tt.words) && !sameSet(c.Words, tt.words) {
			t.Errorf("%s: %s composed of %v (%s), want %v", tt.query, tt.concept, c.Words, c.Kind, tt.words)
		}
	}
	// Words of one class alone, or a lone word, compose nothing.
	for _, q := range []string{"外地", "住院", "跨省外地"} {
		u := und.Understand(parse(t, q))
		for _, c := range u.Concepts {
			if len(c.Words) > 1 {
				t.Errorf("%s composed %s of %v", q, c.ID, c.Words)
			}
		}
	}
}

// TestHybridRelaxesASentence: when no provision holds all of a sentence's
// words, the hybrid mode fuses what holds most of them with the nearest in
// meaning, as the keyword mode answers with it, rather than the nearest
// alone.
func TestHybridRelaxesASentence(t *testing.T) {
	ctx := context.Background()
	const sentence = "腿脚不好出不了门，医生能不能上门看看"
	kw, err := engine.Search(ctx, search.Request{Query: sentence, Mode: search.ModeKeyword})
	if err != nil {
		t.Fatal(err)
	}
	if kw.Relaxed == nil || len(kw.Hits) == 0 {
		t.Fatalf("keyword: %d results, relaxed %+v; the test needs a relaxed answer", len(kw.Hits), kw.Relaxed)
	}
	hy, err := engine.Search(ctx, search.Request{Query: sentence, Mode: search.ModeHybrid})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(hy.Hits, func(h search.Hit) bool { return h.ID == kw.Hits[0].ID }) {
		t.Errorf("hybrid first page lacks %s, the provision holding most of the words", kw.Hits[0].ID)
	}
}

// TestGluedTermFindsItsPartsApart: a term the segmenter reads as one word
// (托育服务) also matches, taken literally, the provisions holding its
// parts (托育, 服务) apart, as the vocabulary reads them on its characters.
func TestGluedTermFindsItsPartsApart(t *testing.T) {
	res, err := engine.Search(context.Background(), search.Request{Query: "托育服务", Mode: search.ModeKeyword, NoExpand: true, Size: 100})
	if err != nil {
		t.Fatal(err)
	}
	apart := 0
	for _, h := range res.Hits {
		text := analyzers.Normalize(h.Text + strings.Join(h.HeadingPath, ""))
		if !strings.Contains(text, "托育服务") {
			apart++
			if !strings.Contains(text, "托育") || !strings.Contains(text, "服务") {
				t.Errorf("%s holds neither 托育服务 nor both its parts", h.ID)
			}
		}
	}
	if apart == 0 {
		t.Errorf("托育服务: no provision holding 托育 and 服务 apart among %d results", res.Total)
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// TestSentenceNeverEmpty: a sentence whose words no provision holds all of
// still answers with what holds most of them, says so, and names the words
// the best answer lacks; a quoted phrase and a filter are never loosened.
func TestSentenceNeverEmpty(t *testing.T) {
	ctx := context.Background()
	for _, mode := range []string{search.ModeKeyword, search.ModeHybrid} {
		res, err := engine.Search(ctx, search.Request{Query: "工地上干活受伤了去哪里看", Mode: mode, NoExpand: true})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total == 0 || res.Relaxed == nil || len(res.Relaxed.Dropped) == 0 || res.Relaxed.Message == "" {
			t.Errorf("%s, taken literally: %d results, relaxed %+v", mode, res.Total, res.Relaxed)
		}
	}
	res, err := engine.Search(ctx, search.Request{Query: "狗咬了要打什么针", Mode: search.ModeKeyword})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total == 0 || res.Relaxed == nil {
		t.Fatalf("狗咬了要打什么针: %d results, relaxed %+v", res.Total, res.Relaxed)
	}
	if !strings.Contains(res.Hits[0].Text+strings.Join(res.Hits[0].Themes, ""), "接种") {
		t.Errorf("狗咬了要打什么针: first result %q is not about vaccination", res.Hits[0].Text)
	}
	// A phrase found nowhere stays found nowhere.
	res, err = engine.Search(ctx, search.Request{Query: `"狂犬病暴露处置" 预防接种`, Mode: search.ModeKeyword})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 0 {
		t.Errorf("a quoted phrase no provision holds was loosened: %d results", res.Total)
	}
	// Filters stay: nothing relaxed comes from outside them.
	res, err = engine.Search(ctx, search.Request{Query: "工地上干活受伤了去哪里看", Mode: search.ModeKeyword, Filters: search.Filters{"city": {"温州"}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range res.Hits {
		if h.City != "温州市" {
			t.Errorf("relaxed search with city 温州 returned %s of %s", h.ID, h.City)
		}
	}
	// A query every word of which one provision holds is not relaxed.
	res, err = engine.Search(ctx, search.Request{Query: "家庭医生 签约", Mode: search.ModeKeyword})
	if err != nil {
		t.Fatal(err)
	}
	if res.Relaxed != nil {
		t.Errorf("家庭医生 签约 relaxed: %+v", res.Relaxed)
	}
}

// TestPhrasingsKeepToWordBounds: a policy abbreviation read across two of
// the query's words (家医 in 那家|医院) is not understood, while one inside
// a single word of the query (因病致贫 in 防止因病致贫返贫) still is.
func TestPhrasingsKeepToWordBounds(t *testing.T) {
	und := newUnderstander(t)
	has := func(query, id string) bool {
		u := und.Understand(parse(t, query))
		return slices.ContainsFunc(u.Concepts, func(c search.ConceptMatch) bool { return c.ID == id })
	}
	if has("去那家医院排队挂号", "family-doctor") {
		t.Errorf("去那家医院排队挂号 read as 家医 (家庭医生签约服务)")
	}
	if !has("家医签约", "family-doctor") {
		t.Errorf("家医签约 not read as 家庭医生签约服务")
	}
	if !has("防止因病致贫返贫", "health-poverty-alleviation") {
		t.Errorf("防止因病致贫返贫 no longer read as 健康扶贫")
	}
}
