package analyzers

import (
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
	"github.com/blevesearch/bleve/v2/search/query"
)

// analyze runs a registered analyzer through a fresh registry cache, as an
// index mapping does.
func analyze(t testing.TB, name, text string) analysis.TokenStream {
	t.Helper()
	a, err := registry.NewCache().AnalyzerNamed(name)
	if err != nil {
		t.Fatalf("analyzer %s: %v", name, err)
	}
	return a.Analyze([]byte(text))
}

// byPosition groups token terms by position.
func byPosition(ts analysis.TokenStream) map[int][]string {
	out := map[int][]string{}
	for _, tok := range ts {
		out[tok.Position] = append(out[tok.Position], string(tok.Term))
	}
	return out
}

func TestWordAnalyzerPositions(t *testing.T) {
	text := "做实家庭医生签约服务，推进县域医共体和DRGs支付方式改革"
	ts := analyze(t, WordAnalyzer, text)
	for _, tok := range ts {
		if got := strings.ToLower(text[tok.Start:tok.End]); got != string(tok.Term) {
			t.Errorf("token %q has offsets of %q", tok.Term, got)
		}
	}
	pos := byPosition(ts)
	// Precise words: 做实/家庭医生/签约服务/，/推进/县域医共体/和/drgs/支付方式改革.
	// The comma (4) and the stop word 和 (7) leave gaps.
	want := map[int][]string{
		1: {"做实"},
		2: {"家庭医生", "家庭", "医生"},
		3: {"签约服务", "签约", "服务"},
		5: {"推进"},
		6: {"县域医共体", "县域", "医共体"},
		8: {"drgs"},
		9: {"支付方式改革", "支付", "方式", "改革"},
	}
	if len(pos) != len(want) {
		t.Errorf("positions %v, want %v", pos, want)
	}
	for p, words := range want {
		got := pos[p]
		if len(got) == 0 || got[0] != words[0] {
			t.Errorf("position %d: %q, want precise word %q first", p, got, words[0])
			continue
		}
		for _, w := range words[1:] {
			if !slices.Contains(got, w) {
				t.Errorf("position %d: %q, want sub-word %q", p, got, w)
			}
		}
	}

	q := byPosition(analyze(t, WordQueryAnalyzer, text))
	for p, words := range want {
		if !slices.Equal(q[p], words[:1]) {
			t.Errorf("query analyzer position %d: %q, want %q", p, q[p], words[:1])
		}
	}
}

// TestPreciseWordsMatchDefaultMode checks that the precise words the index
// analyzer picks out of search-mode output are exactly the precise-mode
// words the query analyzer yields, over all seed lines.
func TestPreciseWordsMatchDefaultMode(t *testing.T) {
	for _, line := range seedLines(t) {
		var precise, query []string
		seen := map[int]bool{}
		for _, tok := range analyze(t, WordAnalyzer, line) {
			if !seen[tok.Position] {
				seen[tok.Position] = true
				precise = append(precise, fmt.Sprintf("%d:%s", tok.Position, tok.Term))
			}
		}
		for _, tok := range analyze(t, WordQueryAnalyzer, line) {
			query = append(query, fmt.Sprintf("%d:%s", tok.Position, tok.Term))
		}
		if !slices.Equal(precise, query) {
			t.Fatalf("line %q:\nindex %q\nquery %q", line, precise, query)
		}
	}
}

func TestNoSegmenterInstalled(t *testing.T) {
	prev := installed.Load()
	Install(nil)
	defer Install(prev)
	for _, name := range []string{WordAnalyzer, WordQueryAnalyzer} {
		_, err := registry.NewCache().AnalyzerNamed(name)
		// The registry flattens the error to text.
		if err == nil || !strings.Contains(err.Error(), errNoSegmenter.Error()) {
			t.Errorf("analyzer %s without a segmenter: %v", name, err)
		}
	}
	if _, err := registry.NewCache().AnalyzerNamed(BigramAnalyzer); err != nil {
		t.Errorf("bigram analyzer needs no segmenter: %v", err)
	}
}

// newTestIndex creates an on-disk index of texts in field "text" analysed
// with analyzer; document IDs are the texts' indexes.
func newTestIndex(t testing.TB, analyzer string, texts []string) bleve.Index {
	t.Helper()
	fm := bleve.NewTextFieldMapping()
	fm.Analyzer = analyzer
	fm.Store = false
	fm.IncludeInAll = false
	fm.IncludeTermVectors = true // phrase queries need the positions
	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt("text", fm)
	im := bleve.NewIndexMapping()
	im.DefaultMapping = dm
	idx, err := bleve.New(filepath.Join(t.TempDir(), "index"), im)
	if err != nil {
		t.Fatalf("create index: %v", err)
	}
	t.Cleanup(func() { idx.Close() })
	b := idx.NewBatch()
	for i, text := range texts {
		if err := b.Index(fmt.Sprint(i), map[string]any{"text": text}); err != nil {
			t.Fatal(err)
		}
	}
	if err := idx.Batch(b); err != nil {
		t.Fatalf("index: %v", err)
	}
	return idx
}

// hits returns the sorted IDs of all documents matching q.
func hits(t testing.TB, idx bleve.Index, q query.Query) []string {
	t.Helper()
	req := bleve.NewSearchRequestOptions(q, 10000, 0, false)
	res, err := idx.Search(req)
	if err != nil {
		t.Fatalf("search: %v", err)
	}
	out := make([]string, 0, len(res.Hits))
	for _, h := range res.Hits {
		out = append(out, h.ID)
	}
	sort.Strings(out)
	return out
}

func TestWordIndexSearch(t *testing.T) {
	texts := []string{
		"做实家庭医生签约服务,优化家庭医生签约服务团队",  // 0
		"推进县域医共体建设,全面推进两慢病全周期管理改革", // 1
		"签约服务家庭医生",                         // 2: words in another order
		"加强乡村医生队伍建设",                       // 3
		"坚持以人民为中心的发展思想",                    // 4
		"按疾病诊断分组(drgs)付费和住院医疗服务按drgs点数法付费", // 5
	}
	idx := newTestIndex(t, WordAnalyzer, texts)
	phrase := func(s string) query.Query {
		q := bleve.NewMatchPhraseQuery(s)
		q.SetField("text")
		q.Analyzer = WordQueryAnalyzer
		return q
	}
	match := func(s string) query.Query {
		q := bleve.NewMatchQuery(s)
		q.SetField("text")
		q.Analyzer = WordQueryAnalyzer
		return q
	}
	cases := []struct {
		name string
		q    query.Query
		want []string
	}{
		{"phrase of precise words", phrase("家庭医生签约服务"), []string{"0"}},
		{"phrase across a sub-word", phrase("医共体建设"), []string{"1"}},
		{"phrase with a domain term", phrase("两慢病全周期管理"), []string{"1"}},
		{"phrase over a stop word", phrase("以人民为中心"), []string{"4"}},
		{"phrase in Latin", phrase("DRGs点数法付费"), []string{"5"}},
		{"phrase across punctuation", phrase("分组drgs"), nil},
		{"phrase in the wrong order", phrase("服务签约"), nil},
		{"sub-word 医生", match("医生"), []string{"0", "2", "3"}},
		{"sub-word 医共体", match("医共体"), []string{"1"}},
		{"sub-word 签约", match("签约"), []string{"0", "2"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := hits(t, idx, c.q); !slices.Equal(got, c.want) {
				t.Errorf("hits %q, want %q", got, c.want)
			}
		})
	}
}

func BenchmarkWordAnalyzer(b *testing.B) {
	text := []byte(seedText(b))
	a, err := registry.NewCache().AnalyzerNamed(WordAnalyzer)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for b.Loop() {
		a.Analyze(text)
	}
}
