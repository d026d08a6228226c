package analyzers

import (
	"slices"
	"strings"
	"testing"
)

// TestDomainTermsStayWhole checks that health-policy terms come out of
// precise segmentation as single words in sentences taken from the seeds
// (the general dictionary splits most of them: 医联体 → 医/联体).
func TestDomainTermsStayWhole(t *testing.T) {
	cases := []struct{ sentence, term string }{
		{"全面推进“两慢病”全周期管理改革", "两慢病"},
		{"全面推进两慢病全周期管理改革", "两慢病"},
		{"合理调配医共体、医联体、社区医务人员", "医联体"},
		{"合理调配医共体、医联体、社区医务人员", "医共体"},
		{"深化医疗卫生服务领域“最多跑一次”改革", "最多跑一次"},
		{"儿童免疫、家庭医生签约等掌上服务", "家庭医生签约"},
		{"推进全国医养结合、安宁疗护等试点", "医养结合"},
		{"推进全国医养结合、安宁疗护等试点", "安宁疗护"},
		{"按疾病诊断分组(DRGs)付费和住院医疗服务", "drgs"},
		{"抓紧做好“十四五”期间高质量公共卫生服务体系建设", "十四五"},
		{"开展卫生健康“三服务”活动", "三服务"},
		{"严格落实发热门诊病人预检、分诊制度", "发热门诊"},
		{"全面提升核酸检测能力", "核酸检测"},
		{"建立8000人的流调队伍", "流调"},
		{"推动绩效评价结果与健康浙江考核、财政补助挂钩", "健康浙江"},
		{"深入实施健康贵阳行动", "健康贵阳"},
		{"全省首推“全专融合型”家庭医生服务团队", "全专融合"},
		{"强专科特色、强医防融合、强人才团队", "医防融合"},
		{"推进“互联网+护理”“互联网+健康管理”", "互联网+护理"},
		{"加快推进互联网+医疗健康发展", "互联网+医疗健康"},
		{"完成“艾梅乙”母婴传播国际消除", "艾梅乙"},
		{"严格落实预检分诊,强化发热门诊管理", "预检分诊"},
		{"制定嘉兴市0-3岁婴幼儿照护服务实施方案", "婴幼儿照护"},
		{"强化院感防控,严格落实发热门诊", "院感防控"},
		{"实施“治未病”健康工程", "治未病"},
		{"牵头处室:医政医管处", "医政医管处"},
		{"巩固“出生一件事”项目领先优势", "出生一件事"},
		{"从严抓好“四责协同”", "四责协同"},
		{"推进危重孕产妇、危重新生儿救治中心建设", "危重孕产妇"},
		{"推广应用5G救护车", "5g救护车"},
		{"力争县域就诊率达到90%以上", "县域就诊率"},
		{"努力打造“医学高峰”", "医学高峰"},
	}
	for _, c := range cases {
		words := testSeg.Cut(Normalize(c.sentence))
		if !slices.Contains(words, c.term) {
			t.Errorf("Cut(%q) = %s, want the word %q", c.sentence, strings.Join(words, "/"), c.term)
		}
	}
}

// TestUserWordsWinInSeeds checks every occurrence of a user word in the
// seeds: it must be a word of its own or lie inside a longer user word
// (家庭医生 inside 家庭医生签约), never be cut through. The few places
// where two user words overlap are listed.
func TestUserWordsWinInSeeds(t *testing.T) {
	entries, err := parseUserDict(embeddedUserDict)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) < 150 {
		t.Errorf("user dictionary has %d words, want at least 150", len(entries))
	}
	user := make(map[string]bool, len(entries))
	for _, e := range entries {
		user[e.word] = true
	}
	// Overlaps where the other user word rightly wins: 家庭医生/签约服务,
	// 医保/支付方式改革, 重大/疫情防控, 卫生健康/委员会 (a longer word).
	allowed := map[string]bool{"家庭医生签约": true, "医保支付": true, "重大疫情": true}
	found := 0
	for _, line := range seedLines(t) {
		var words []Word
		for _, e := range entries {
			for off := 0; ; {
				i := strings.Index(line[off:], e.word)
				if i < 0 {
					break
				}
				a, b := off+i, off+i+len(e.word)
				off = b
				found++
				if words == nil {
					words = testSeg.Tokenize(line, false)
				}
				whole := slices.ContainsFunc(words, func(w Word) bool {
					return w.Start <= a && b <= w.End && user[w.Text]
				})
				if !whole && !allowed[e.word] {
					t.Errorf("%q cut through in %q", e.word, line)
				}
			}
		}
	}
	if found < 300 {
		t.Errorf("only %d user-word occurrences in the seeds", found)
	}
}

func TestCutDropsStopWordsAndPunctuation(t *testing.T) {
	got := testSeg.Cut(Normalize("以人民为中心的发展思想，“十四五”期间 ＤＲＧｓ！"))
	for _, w := range got {
		if testSeg.IsStopWord(w) || isPunctOrSpace(w) {
			t.Errorf("Cut kept %q: %q", w, got)
		}
	}
	for _, want := range []string{"人民", "中心", "十四五", "drgs"} {
		if !slices.Contains(got, want) {
			t.Errorf("Cut = %q, want %q in it", got, want)
		}
	}
	if !testSeg.IsStopWord("的") || testSeg.IsStopWord("医院") {
		t.Error("IsStopWord: 的 should be a stop word and 医院 not")
	}
}

func TestTokenizeOffsets(t *testing.T) {
	lines := seedLines(t)
	for _, line := range lines[:200] {
		precise := testSeg.Tokenize(line, false)
		next := 0
		for _, w := range precise {
			if w.Start != next || line[w.Start:w.End] != w.Text {
				t.Fatalf("precise words of %q do not tile it at %+v", line, w)
			}
			next = w.End
		}
		if next != len(line) {
			t.Fatalf("precise words of %q end at %d", line, next)
		}
		for _, w := range testSeg.Tokenize(line, true) {
			if line[w.Start:w.End] != w.Text {
				t.Fatalf("search word %+v of %q has wrong offsets", w, line)
			}
		}
	}
	// Invalid UTF-8 and NUL must not lose the rest of the text or shift it.
	bad := "医联体\xff\x00建设"
	ws := testSeg.Tokenize(bad, false)
	var texts []string
	for _, w := range ws {
		if bad[w.Start:w.End] != w.Text {
			t.Errorf("word %+v has wrong offsets", w)
		}
		texts = append(texts, w.Text)
	}
	if !slices.Contains(texts, "医联体") || !slices.Contains(texts, "建设") {
		t.Errorf("Tokenize(%q) = %q", bad, texts)
	}
}

func TestIDF(t *testing.T) {
	common, ok := testSeg.IDF("工作")
	if !ok {
		t.Fatal("IDF(工作) missing")
	}
	rare, ok := testSeg.IDF("劳动防护")
	if !ok || rare <= common {
		t.Errorf("IDF(劳动防护) = %v, %v; want above IDF(工作) = %v", rare, ok, common)
	}
	if _, ok := testSeg.IDF("两慢病全周期"); ok {
		t.Error("IDF has a made-up word")
	}
	if m := testSeg.MedianIDF(); m <= common || m > 20 {
		t.Errorf("MedianIDF = %v", m)
	}
}

func TestExtractWithWeight(t *testing.T) {
	text := Normalize("全面推进“两慢病”全周期管理改革，深化县域医共体建设，推进两慢病患者分级诊疗，医共体内全面推行两慢病连续服务。")
	kws := testSeg.ExtractWithWeight(text, 5)
	if len(kws) == 0 || len(kws) > 5 {
		t.Fatalf("ExtractWithWeight = %v", kws)
	}
	if kws[0].Word != "两慢病" {
		t.Errorf("top keyword = %q, want 两慢病 (%v)", kws[0].Word, kws)
	}
	for i := 1; i < len(kws); i++ {
		if kws[i].Weight > kws[i-1].Weight {
			t.Errorf("weights not descending: %v", kws)
		}
	}
	if testSeg.ExtractWithWeight(text, 0) != nil {
		t.Error("topK 0 should give nothing")
	}
}

func TestCloseIsSafe(t *testing.T) {
	seg, err := NewSegmenter(Config{})
	if err != nil {
		t.Fatal(err)
	}
	seg.Close()
	seg.Close()
	if seg.Cut("医联体") != nil || seg.Tokenize("医联体", true) != nil {
		t.Error("a closed segmenter returned words")
	}
}

func BenchmarkCut(b *testing.B) {
	text := seedText(b)
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for b.Loop() {
		testSeg.Cut(text)
	}
}

func BenchmarkTokenizeSearch(b *testing.B) {
	text := seedText(b)
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for b.Loop() {
		testSeg.Tokenize(text, true)
	}
}

// BenchmarkCutParallel measures throughput with every core segmenting.
func BenchmarkCutParallel(b *testing.B) {
	text := seedText(b)
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			testSeg.Cut(text)
		}
	})
}

// TestConcurrentUse segments from several goroutines at once, as index
// workers and request handlers do, and expects the same words as alone.
func TestConcurrentUse(t *testing.T) {
	lines := seedLines(t)[:100]
	want := make([][]string, len(lines))
	for i, l := range lines {
		want[i] = testSeg.Cut(l)
	}
	errs := make(chan string, 4)
	for range 4 {
		go func() {
			for i, l := range lines {
				if got := testSeg.Cut(l); !slices.Equal(got, want[i]) {
					errs <- l
					return
				}
				testSeg.Tokenize(l, true)
			}
			errs <- ""
		}()
	}
	for range 4 {
		if l := <-errs; l != "" {
			t.Errorf("concurrent Cut(%q) differs", l)
		}
	}
}
