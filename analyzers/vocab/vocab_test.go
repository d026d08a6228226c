package vocab

import (
	"slices"
	"sort"
	"strings"
	"testing"
)

// The fixed theme names, in their declared order.
var wantThemes = []string{
	"疫情防控", "医改与医共体", "公共卫生与疾病防控", "中医药", "妇幼健康与托育",
	"老龄健康与医养结合", "数字健康与信息化", "基层卫生与家庭医生", "人才与科教", "党建与廉政",
	"健康扶贫与对口支援", "爱国卫生与健康城市", "法治与综合监管", "安全生产与应急", "规划与项目建设",
}

func mustDefault(t testing.TB) *Vocabulary {
	t.Helper()
	v, err := Default()
	if err != nil {
		t.Fatalf("Default: %v", err)
	}
	return v
}

func TestDefaultVocabulary(t *testing.T) {
	v := mustDefault(t)
	if err := v.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if v.Version == "" {
		t.Error("no version")
	}
	if got := v.ThemeNames(); !slices.Equal(got, wantThemes) {
		t.Errorf("themes = %v, want %v", got, wantThemes)
	}
	if len(v.Concepts) < 320 {
		t.Errorf("%d concepts, want at least 320", len(v.Concepts))
	}
	perTheme := make(map[string]int)
	for _, c := range v.Concepts {
		for _, th := range c.Themes {
			perTheme[th]++
		}
	}
	for _, th := range wantThemes {
		t.Logf("%-12s %3d concepts", th, perTheme[th])
		if perTheme[th] < 12 {
			t.Errorf("theme %s has %d concepts, want at least 12", th, perTheme[th])
		}
	}
	t.Logf("%d concepts in version %s", len(v.Concepts), v.Version)
}

func TestDefaultIsFreshEachCall(t *testing.T) {
	a, b := mustDefault(t), mustDefault(t)
	a.Concepts[0].Preferred = "changed"
	if b.Concepts[0].Preferred == "changed" {
		t.Fatal("Default results share state")
	}
}

func TestEverydayPhrasingsAreShort(t *testing.T) {
	v := mustDefault(t)
	var long []string
	total := 0
	for _, c := range v.Concepts {
		for _, e := range c.Everyday {
			total++
			if n := len([]rune(e)); n > 8 {
				long = append(long, e)
			}
		}
	}
	// Mostly 2–8 characters: a few longer ones are tolerated.
	if len(long)*20 > total {
		t.Errorf("%d of %d everyday phrasings are longer than 8 characters: %v", len(long), total, long)
	}
}

func TestConceptLookup(t *testing.T) {
	v := mustDefault(t)
	c, ok := v.Concept("pneumoconiosis")
	if !ok {
		t.Fatal("pneumoconiosis not found")
	}
	if c.Preferred != "尘肺病" || !slices.Contains(c.Everyday, "工人肺病") {
		t.Errorf("pneumoconiosis = %+v", c)
	}
	// Narrower written on occupational-disease; Parse derives the broader end.
	if !slices.Contains(c.Broader, "occupational-disease") {
		t.Errorf("pneumoconiosis broader = %v, want occupational-disease", c.Broader)
	}
	if _, ok := v.Concept("no-such-concept"); ok {
		t.Error("found a concept that does not exist")
	}
	// A vocabulary assembled in code has no index yet.
	built := &Vocabulary{Concepts: []Concept{{ID: "a"}, {ID: "b"}}}
	if c, ok := built.Concept("b"); !ok || c.ID != "b" {
		t.Errorf("Concept on a built vocabulary = %+v, %v", c, ok)
	}
}

func TestTerms(t *testing.T) {
	v := mustDefault(t)
	terms := v.Terms()
	if !sort.StringsAreSorted(terms) {
		t.Error("terms not sorted")
	}
	for i := 1; i < len(terms); i++ {
		if terms[i] == terms[i-1] {
			t.Errorf("term %q repeated", terms[i])
		}
	}
	for _, want := range []string{"县域医共体", "医共体", "县域医疗卫生服务共同体", "drgs", "疾病诊断相关分组", "尘肺病", "院前急救"} {
		if _, found := slices.BinarySearch(terms, want); !found {
			t.Errorf("terms lack %q", want)
		}
	}
	for _, everyday := range []string{"工人肺病", "打120", "买不到药"} {
		if _, found := slices.BinarySearch(terms, everyday); found {
			t.Errorf("terms include everyday phrasing %q", everyday)
		}
	}
	for _, term := range terms {
		if strings.ContainsAny(term, " \t") {
			t.Errorf("term %q contains white space", term)
		}
	}
}

const validYAML = `
version: "t1"
themes:
  - {name: 甲, description: 第一}
  - {name: 乙, description: 第二}
shared: [看病贵]
concepts:
  - id: general
    preferred: 医药卫生体制改革
    synonyms: [医改]
    everyday: [看病贵]
    narrower: [specific]
    themes: [甲]
  - id: specific
    preferred: 药品集中带量采购
    synonyms: [带量采购]
    everyday: [看病贵, 药价降了]
    themes: [甲, 乙]
    cues: 2
`

func TestParse(t *testing.T) {
	v, err := Parse([]byte(validYAML))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	g, _ := v.Concept("general")
	s, _ := v.Concept("specific")
	if g.Weight != DefaultWeight || s.Weight != 2 {
		t.Errorf("weights = %v, %v", g.Weight, s.Weight)
	}
	if !slices.Equal(s.Broader, []string{"general"}) {
		t.Errorf("derived broader = %v", s.Broader)
	}
}

func TestParseRejects(t *testing.T) {
	cases := []struct {
		name, yaml, want string
	}{
		{"unknown field", strings.Replace(validYAML, "cues: 2", "cue: 2", 1), "cue"},
		{"duplicate id", strings.Replace(validYAML, "id: specific", "id: general", 1), "id used twice"},
		{"bad id", strings.Replace(validYAML, "id: specific", "id: Specific_1", 1), "not an ascii slug"},
		{"unknown theme", strings.Replace(validYAML, "themes: [甲, 乙]", "themes: [甲, 丙]", 1), "unknown theme"},
		{"unused theme", strings.Replace(validYAML, "themes: [甲, 乙]", "themes: [甲]", 1), "no concept signals it"},
		{"no theme", strings.Replace(validYAML, "themes: [甲, 乙]", "themes: []", 1), "no theme"},
		{"synonym shared", strings.Replace(validYAML, "synonyms: [带量采购]", "synonyms: [医改]", 1), "only everyday phrasings listed in shared"},
		{"everyday not declared shared", strings.Replace(validYAML, "shared: [看病贵]", "shared: []", 1), "only everyday phrasings listed in shared"},
		{"declared shared but not", strings.Replace(validYAML, "shared: [看病贵]", "shared: [看病贵, 药价降了]", 1), "list only phrasings"},
		{"missing narrower", strings.Replace(validYAML, "narrower: [specific]", "narrower: [nowhere]", 1), "does not exist"},
		{"self relation", strings.Replace(validYAML, "narrower: [specific]", "narrower: [general]", 1), "of itself"},
		{"cycle", strings.Replace(validYAML, "cues: 2", "cues: 2\n    narrower: [general]", 1), "cycle"},
		{"weight", strings.Replace(validYAML, "cues: 2", "cues: 9", 1), "cue weight"},
		{"punctuation", strings.Replace(validYAML, "synonyms: [带量采购]", "synonyms: [带量、采购]", 1), "contains"},
		{"one character", strings.Replace(validYAML, "synonyms: [带量采购]", "synonyms: [药]", 1), "characters"},
		{"repeated phrasing", strings.Replace(validYAML, "synonyms: [带量采购]", "synonyms: [带量采购, 带量采购]", 1), "given twice"},
		{"no version", strings.Replace(validYAML, `version: "t1"`, `version: ""`, 1), "no version"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.yaml))
			if err == nil {
				t.Fatal("Parse succeeded")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not mention %q", err, c.want)
			}
		})
	}
}

func TestValidateRequiresBothEndsInCode(t *testing.T) {
	v := &Vocabulary{
		Version: "x",
		Themes:  []Theme{{Name: "甲", Description: "d"}},
		Concepts: []Concept{
			{ID: "a", Preferred: "医改", Narrower: []string{"b"}, Themes: []string{"甲"}, Weight: 1},
			{ID: "b", Preferred: "集采", Themes: []string{"甲"}, Weight: 1},
		},
	}
	err := v.Validate()
	if err == nil || !strings.Contains(err.Error(), "does not list it as broader") {
		t.Fatalf("Validate = %v, want a one-sided relation error", err)
	}
	v.Concepts[1].Broader = []string{"a"}
	if err := v.Validate(); err != nil {
		t.Fatalf("Validate after completing the relation: %v", err)
	}
}
