package themes

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/policysearch/policysearch/analyzers/vocab"
)

func newClassifier(t testing.TB) *Classifier {
	t.Helper()
	v, err := vocab.Default()
	if err != nil {
		t.Fatalf("vocabulary: %v", err)
	}
	return New(v)
}

func TestClassify(t *testing.T) {
	c := newClassifier(t)
	cases := []struct {
		name     string
		text     string
		headings []string
		want     []string // exactly these themes, in any order
		cue      string   // a cue expected for the first wanted theme
	}{
		{
			name: "focused provision",
			text: "抓好常态化疫情防控工作。慎终如始筑牢“外防输入、内防反弹”疫情防线，加强对无症状感染者的管控，完善疫情监测预警机制。",
			want: []string{"疫情防控"},
			cue:  "常态化疫情防控",
		},
		{
			name: "two subjects",
			text: "推进中医药与医养结合融合发展。支持中医医院开展医养结合服务，发展中医药特色安宁疗护，为老年人提供中医药健康管理。",
			want: []string{"中医药", "老龄健康与医养结合"},
			cue:  "中医医院",
		},
		{
			name: "passing mention does not label",
			text: "全面加强党建工作。坚持以党的政治建设为统领，开展公立医院党建巩固提升年活动，落实全面从严治党主体责任，" +
				"推进党支部标准化规范化建设，深化党员志愿服务品牌，打造党建强、业务强的医共体。",
			want: []string{"党建与廉政"},
			cue:  "全面从严治党主体责任",
		},
		{
			name: "synonyms and abbreviations count",
			text: "推进DRGs付费和带量采购，深化三医联动。",
			want: []string{"医改与医共体"},
			cue:  "drgs付费",
		},
		{
			name: "everyday phrasings are not evidence",
			text: "工人肺病、买不到药、打120。",
			want: nil,
		},
		{
			name: "no cues",
			text: "做好相关工作，确保按期完成。",
			want: nil,
		},
		{
			name:     "a heading labels a bare provision",
			text:     "做好相关工作，确保按期完成。",
			headings: []string{"六、持续深化医药卫生体制改革"},
			want:     []string{"医改与医共体"},
			cue:      "深化医药卫生体制改革",
		},
		{
			name:     "a heading does not outvote the body",
			text:     "加强中医药人才队伍建设。推进名老中医传承工作室建设，开展西学中培训和中医住院医师规范化培训。",
			headings: []string{"六、持续深化医药卫生体制改革"},
			want:     []string{"中医药", "人才与科教"},
			cue:      "中医药人才队伍",
		},
		{
			name: "department notes are not evidence",
			text: "实施肿瘤筛查项目。实施胃癌、肠癌等恶性肿瘤早期筛查干预项目。(牵头处室:老龄健康处;配合处室:办公室(对外合作交流处)、中医药处)",
			want: []string{"公共卫生与疾病防控"},
			cue:  "肿瘤筛查",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := c.ClassifyWithContext(tc.text, tc.headings)
			got := slices.Clone(r.Themes)
			want := slices.Clone(tc.want)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("themes = %v, want %v (scores %v, cues %v)", r.Themes, tc.want, r.Scores, r.Cues)
			}
			if tc.cue != "" && !slices.Contains(r.Cues[tc.want[0]], tc.cue) {
				t.Errorf("cues for %s = %v, want %q among them", tc.want[0], r.Cues[tc.want[0]], tc.cue)
			}
			for _, th := range r.Themes {
				if r.Scores[th] <= 0 || len(r.Cues[th]) == 0 {
					t.Errorf("assigned theme %s has score %v and cues %v", th, r.Scores[th], r.Cues[th])
				}
			}
		})
	}
}

func TestPassingMentionIsSeenButNotAssigned(t *testing.T) {
	c := newClassifier(t)
	r := c.Classify("全面加强党建工作。坚持以党的政治建设为统领，落实全面从严治党主体责任，推进党支部标准化规范化建设，打造党建强、业务强的医共体。")
	if r.Scores["医改与医共体"] <= 0 || !slices.Contains(r.Cues["医改与医共体"], "医共体") {
		t.Errorf("the passing mention is not reported: scores %v cues %v", r.Scores, r.Cues)
	}
	if slices.Contains(r.Themes, "医改与医共体") {
		t.Errorf("a passing mention labelled the provision: %v", r.Themes)
	}
}

func TestThemesOrderedByScore(t *testing.T) {
	c := newClassifier(t)
	r := c.Classify("推进中医药与医养结合融合发展。支持中医医院开展医养结合服务，发展中医药特色安宁疗护，推广中医适宜技术。")
	for i := 1; i < len(r.Themes); i++ {
		if r.Scores[r.Themes[i-1]] < r.Scores[r.Themes[i]] {
			t.Errorf("themes not ordered by score: %v %v", r.Themes, r.Scores)
		}
	}
	if len(r.Themes) == 0 || r.Themes[0] != "中医药" {
		t.Errorf("top theme = %v, want 中医药 first", r.Themes)
	}
	if s := r.String(); !strings.HasPrefix(s, "中医药(") {
		t.Errorf("String() = %q", s)
	}
}

func TestTitleCountsMore(t *testing.T) {
	c := newClassifier(t)
	inTitle := c.Classify("推进控烟工作。组织开展相关活动。")
	inBody := c.Classify("组织开展相关活动。推进控烟工作。")
	if inTitle.Scores["爱国卫生与健康城市"] <= inBody.Scores["爱国卫生与健康城市"] {
		t.Errorf("title cue %v not above body cue %v", inTitle.Scores, inBody.Scores)
	}
}

func TestLongerTextNeedsMoreEvidence(t *testing.T) {
	c := newClassifier(t)
	// The same two themes; padded with neutral words, the weaker one's
	// evidence no longer clears the length-dependent threshold.
	short := "推进医养结合服务和安宁疗护，开展控烟工作。"
	long := short + strings.Repeat("统筹推进各项工作任务落实，确保取得实效。", 25)
	rs, rl := c.Classify(short), c.Classify(long)
	if !slices.Contains(rs.Themes, "爱国卫生与健康城市") {
		t.Fatalf("short text themes %v, want the second theme assigned", rs.Themes)
	}
	if slices.Contains(rl.Themes, "爱国卫生与健康城市") {
		t.Errorf("long text themes %v: a lone cue labelled a long provision", rl.Themes)
	}
}

func TestStripAssignments(t *testing.T) {
	cases := []struct{ in, want string }{
		{"加强管理。(牵头处室:疾控处;配合处室:各相关处室)", "加强管理。"},
		{"甲(牵头处室:办公室(对外合作交流处)、财务处)乙", "甲乙"},
		{"甲(责任处室:人口家庭处)乙(配合处室:各处)丙", "甲乙丙"},
		{"保留(2020—2025年)括号", "保留(2020—2025年)括号"},
		{"未闭合(牵头处室:疾控处", "未闭合"},
		{"", ""},
	}
	for _, c := range cases {
		if got := stripAssignments(c.in); got != c.want {
			t.Errorf("stripAssignments(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestTitleEnd(t *testing.T) {
	cases := []struct {
		text string
		want string // the title
	}{
		{"抓好常态化疫情防控工作。慎终如始", "抓好常态化疫情防控工作。"},
		{"没有句号的短文本", ""},
		{strings.Repeat("很长", 30) + "。后文", ""},
		{"做好统计;落实措施", "做好统计;"},
	}
	for _, c := range cases {
		if got := c.text[:titleEnd(c.text, maxTitleRunes)]; got != c.want {
			t.Errorf("title of %q = %q, want %q", c.text, got, c.want)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	c := newClassifier(t)
	want := c.Classify("推进紧密型县域医共体建设，深化医保支付方式改革。").Themes
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				if got := c.Classify("推进紧密型县域医共体建设，深化医保支付方式改革。").Themes; !slices.Equal(got, want) {
					t.Errorf("concurrent result %v, want %v", got, want)
					return
				}
			}
		})
	}
	wg.Wait()
}

func BenchmarkClassify(b *testing.B) {
	c := newClassifier(b)
	text := strings.Repeat("持续深化县域医共体建设，重点在医保支付、岗位管理、薪酬制度等方面创新突破，推进家庭医生签约服务和基本公共卫生服务。", 4)
	for b.Loop() {
		c.ClassifyWithContext(text, []string{"二、打造全民全程健康服务体系"})
	}
}

func TestZeroWeightIsNoCue(t *testing.T) {
	v, err := vocab.Parse([]byte(`
version: "t"
themes:
  - {name: 甲, description: d}
concepts:
  - id: strong
    preferred: 医共体
    themes: [甲]
  - id: silent
    preferred: 工作要点
    themes: [甲]
    cues: 0
`))
	if err != nil {
		t.Fatal(err)
	}
	c := New(v)
	r := c.Classify("工作要点:推进医共体建设。")
	neutral := c.Classify("某某某某:推进医共体建设。")
	if slices.Contains(r.Cues["甲"], "工作要点") || r.Scores["甲"] != neutral.Scores["甲"] {
		t.Errorf("zero-weight concept counted: scores %v cues %v, without it %v", r.Scores, r.Cues, neutral.Scores)
	}
}
