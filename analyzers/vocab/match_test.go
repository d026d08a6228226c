package vocab

import (
	"testing"

	"github.com/policysearch/policysearch/analyzers"
)

func TestFindLeftmostLongest(t *testing.T) {
	m := mustDefault(t).Matcher()
	type hit struct{ concept, term, kind string }
	cases := []struct {
		text string
		want []hit
	}{
		{"建好城市医联体、县域医共体", []hit{
			{"urban-medical-group", "城市医联体", KindSynonym},
			{"county-medical-community", "县域医共体", KindPreferred},
		}},
		{"推进紧密型县域医共体建设", []hit{{"close-county-medical-community", "紧密型县域医共体", KindPreferred}}},
		{"13个医共体", []hit{{"county-medical-community", "医共体", KindSynonym}}},
		// Quote marks inside a phrasing are skipped.
		{"深化“三医”联动", []hit{{"three-medical-linkage", "三医联动", KindPreferred}}},
		{"按疾病诊断分组(drgs)付费", []hit{
			{"drg", "按疾病诊断分组", KindSynonym},
			{"drg", "drgs", KindSynonym},
		}},
		// Latin phrasings only match whole words.
		{"archive hivx", nil},
		{"hiv感染", []hit{{"hiv-aids", "hiv", KindSynonym}}},
		{"工人得尘肺病", []hit{{"pneumoconiosis", "尘肺病", KindPreferred}}},
		{"矿工肺病怎么办", []hit{{"pneumoconiosis", "矿工肺病", KindEveryday}}},
		{"打120叫救护车", []hit{
			{"pre-hospital-emergency", "打120", KindEveryday},
			{"pre-hospital-emergency", "叫救护车", KindEveryday},
		}},
		{"药断货了", []hit{{"shortage-drugs", "药断货", KindEveryday}}},
		// A shared everyday phrasing names every concept that carries it.
		{"看病贵", []hit{
			{"medical-cost-control", "看病贵", KindEveryday},
			{"volume-based-procurement", "看病贵", KindEveryday},
		}},
		{"", nil},
	}
	for _, c := range cases {
		got := m.Find(analyzers.Normalize(c.text))
		if len(got) != len(c.want) {
			t.Errorf("Find(%q) = %+v, want %d matches", c.text, got, len(c.want))
			continue
		}
		for i, g := range got {
			w := c.want[i]
			if g.ConceptID != w.concept || g.Term != w.term || g.Kind != w.kind {
				t.Errorf("Find(%q)[%d] = %+v, want %+v", c.text, i, g, w)
			}
		}
	}
}

func TestFindOffsets(t *testing.T) {
	m := mustDefault(t).Matcher()
	text := analyzers.Normalize("深化“三医”联动和县域医共体")
	got := m.Find(text)
	if len(got) != 2 {
		t.Fatalf("Find = %+v", got)
	}
	if span := text[got[0].Start:got[0].End]; span != "三医”联动" {
		t.Errorf("first span = %q", span)
	}
	if span := text[got[1].Start:got[1].End]; span != "县域医共体" {
		t.Errorf("second span = %q", span)
	}
	if got[1].Start < got[0].End {
		t.Error("matches overlap")
	}
}

func TestTermMatcherIgnoresEveryday(t *testing.T) {
	v := mustDefault(t)
	text := analyzers.Normalize("工人肺病和尘肺病防治")
	for _, mt := range v.TermMatcher().Find(text) {
		if mt.Kind == KindEveryday {
			t.Errorf("TermMatcher found everyday phrasing %+v", mt)
		}
	}
	got := v.TermMatcher().Find(text)
	if len(got) != 1 || got[0].Term != "尘肺病防治" {
		t.Errorf("TermMatcher.Find = %+v, want 尘肺病防治", got)
	}
}

func TestEveryPhrasingFindsItsConcept(t *testing.T) {
	v := mustDefault(t)
	m := v.Matcher()
	for _, c := range v.Concepts {
		for _, p := range c.phrasings() {
			got := m.Find(p.text)
			found := false
			for _, g := range got {
				found = found || (g.ConceptID == c.ID && g.Start == 0 && g.End == len(p.text))
			}
			if !found {
				t.Errorf("phrasing %q of %s matched as %+v", p.text, c.ID, got)
			}
		}
	}
}

var benchQueries = []string{
	"工人得尘肺病怎么办理职业病鉴定和工伤认定呢有什么政策吗",
	"县里医共体改革以后乡镇卫生院看病能不能报销医保费用",
	"孩子近视了学校有没有免费视力检查和窝沟封闭的项目啊",
}

func BenchmarkFind(b *testing.B) {
	m := mustDefault(b).Matcher()
	qs := make([]string, len(benchQueries))
	for i, q := range benchQueries {
		qs[i] = analyzers.Normalize(q)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		m.Find(qs[i%len(qs)])
	}
}

func BenchmarkMatcherBuild(b *testing.B) {
	v := mustDefault(b)
	for b.Loop() {
		v.Matcher()
	}
}
