package search

import (
	"slices"
	"testing"

	"github.com/policysearch/policysearch/analyzers/vocab"
)

// tinyVocabulary has what the loose-matching rules need and nothing else.
const tinyVocabulary = `
version: "test"
themes:
  - {name: 公共卫生与疾病防控, description: 慢病}
  - {name: 健康扶贫与对口支援, description: 扶贫}
concepts:
  - id: diabetes
    preferred: 糖尿病
    everyday: [高血糖, 血糖高]
    themes: [公共卫生与疾病防控]
  - id: two-chronic
    preferred: 高血压和糖尿病
    themes: [公共卫生与疾病防控]
  - id: poverty-relapse
    preferred: 防止因病致贫返贫
    themes: [健康扶贫与对口支援]
  - id: health-poverty
    preferred: 健康扶贫
    everyday: [因病致贫, 看不起病]
    themes: [健康扶贫与对口支援]
`

func TestLooseMatching(t *testing.T) {
	v, err := vocab.Parse([]byte(tinyVocabulary))
	if err != nil {
		t.Fatal(err)
	}
	u := NewUnderstander(v, nil)
	tests := []struct {
		text string
		want []string // concept ids found
	}{
		{"家里穷看不起大病", []string{"health-poverty"}},                    // two characters slipped in
		{"我的血糖有点高", []string{"diabetes"}},                           // 血糖高 with two slipped in
		{"血糖有点儿高", nil},                                             // three are too many
		{"高血压和糖尿病患者管理", []string{"two-chronic"}},                    // no 高血糖 pieced across the claimed term
		{"防止因病致贫返贫", []string{"poverty-relapse", "health-poverty"}}, // written out whole inside it
		{"看不，起病", nil},                                              // never across punctuation
	}
	for _, tt := range tests {
		if got := conceptIDs(t, u, tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("%s: concepts %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestOneEditApart(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"医工体", "医共体", true},
		{"医共", "医共体", true},
		{"县医共体", "县域医共体", true},
		{"医共体", "医共体", false},
		{"医疗体", "医共团", false},
		{"医共体建设", "医共体", false},
	}
	for _, tt := range tests {
		if got := oneEditApart([]rune(tt.a), []rune(tt.b)); got != tt.want {
			t.Errorf("oneEditApart(%s, %s) = %v", tt.a, tt.b, got)
		}
	}
}

// splitVocabulary has a class word a segmenter may split (断货) and one
// that may be read across two words (家医).
const splitVocabulary = `
version: "test"
themes:
  - {name: 药品供应, description: 药}
  - {name: 基层卫生, description: 基层}
word_classes:
  - [断货, 缺货]
  - [医院, 诊所]
  - {words: [家医, 家庭医生], means: family-doctor}
concepts:
  - id: shortage
    preferred: 短缺药品
    everyday: [常用药缺货]
    themes: [药品供应]
  - id: family-doctor
    preferred: 家庭医生签约服务
    everyday: [家医签约]
    themes: [基层卫生]
  - id: seeing-a-doctor
    preferred: 医疗服务
    everyday: [医院看病]
    themes: [基层卫生]
`

// TestClassWordsReadOnCharacters: a vocabulary word is recognised on the
// query's characters where the segmenter cut it into pieces it does not
// know as words (断|货开), but not where it would cut into a word the
// vocabulary knows (家医 across 这家|医院).
func TestClassWordsReadOnCharacters(t *testing.T) {
	v, err := vocab.Parse([]byte(splitVocabulary))
	if err != nil {
		t.Fatal(err)
	}
	// A segmenter with the guesses the test needs.
	cuts := map[string][]string{
		"常用药缺货":      {"常用药", "缺货"},
		"医院看病":       {"医院", "看病"},
		"常用药老是断货开不到": {"常用药", "老是", "断", "货开", "不到"},
		"这家医院看病":     {"这家", "医院", "看病"},
		"去了家医那里":     {"去", "了", "家", "医那里"},
		"家庭医生":       {"家庭医生"},
		"家医签约":       {"家医", "签约"},
	}
	u := NewUnderstander(v, fakeCut(cuts))
	tests := []struct {
		text string
		want []string
	}{
		{"常用药老是断货开不到", []string{"shortage"}},
		{"这家医院看病", []string{"seeing-a-doctor"}},
		{"去了家医那里", []string{"family-doctor"}},
	}
	for _, tt := range tests {
		if got := conceptIDs(t, u, tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("%s: concepts %v, want %v", tt.text, got, tt.want)
		}
	}
}

// fakeCut is a segmenter with the cuts given, and every other text one
// word.
func fakeCut(cuts map[string][]string) func(string) []string {
	return func(s string) []string {
		if w, ok := cuts[s]; ok {
			return w
		}
		return []string{s}
	}
}

// TestWordsOnCharacters: the words of a query are the segmenter's and the
// vocabulary's read on the characters: the parts of a word the segmenter
// glued together count, a word from the middle of a longer one does not.
func TestWordsOnCharacters(t *testing.T) {
	v, err := vocab.Parse([]byte(splitVocabulary))
	if err != nil {
		t.Fatal(err)
	}
	u := NewUnderstander(v, fakeCut(map[string][]string{
		"常用药缺货":      {"常用药", "缺货"},
		"医院看病":       {"医院", "看病"},
		"家医签约":       {"家医", "签约"},
		"常用药老是断货开不到": {"常用药", "老是", "断", "货开", "不到"},
	}))
	tests := []struct {
		text string
		want []string
	}{
		{"家庭医生签约", []string{"家庭医生签约", "家庭医生", "签约"}},                 // glued: its parts count
		{"新家医院区", []string{"新家医院区"}},                                 // 家医, 医院 strictly inside one word
		{"常用药老是断货开不到", []string{"常用药", "老是", "断", "货开", "不到", "断货"}}, // across unknown pieces
	}
	for _, tt := range tests {
		if got := u.composer.words(tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("%s: words %v, want %v", tt.text, got, tt.want)
		}
	}
}

// conceptIDs returns the ids of the concepts u understands in text.
func conceptIDs(t *testing.T, u *Understander, text string) []string {
	t.Helper()
	q, err := Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range u.Understand(q).Concepts {
		ids = append(ids, c.ID)
	}
	return ids
}
