// Package indicators reads the figures a provision sets as targets or
// reports as results (签约服务率达到40%以上, 婴儿死亡率控制在5‰以内,
// 新增托位410个) as records that can be compared across places and years:
// the measure under a normalised name, the value and its unit, how the
// value bounds the measure, and whether it is a target or an achievement.
//
// Only figures that measure something are kept. Dates, document and item
// numbers, plan names (十四五), campaign codes (“1161”), ages and sizes that
// qualify a group or a thing (65岁以上老年人, 1000人集中隔离点), places
// counted as the scope of an action (在5个市开展), counts of meetings,
// activities, documents, problems and honours (召开2次, 查找问题38个,
// 入选…项目2个), durations of rules and events (24小时门禁, 用4天时间清零)
// and percentages that are shares of a group named after them
// (60%的乡镇卫生院达到…) are left out. Money amounts are kept: per-capita
// funding, investment and income are what places set out to spend and
// report. Where the reading is unsure the figure is left out: a wrong
// record misleads a comparison more than a missing one.
package indicators

import (
	"sort"
	"strings"
	"sync"

	"github.com/policysearch/policysearch/analyzers"
	"github.com/policysearch/policysearch/analyzers/vocab"
)

// Comparator says how a figure bounds its measure.
type Comparator string

// Comparators.
const (
	AtLeast Comparator = "≥"     // 达到 (in a target), 以上, 不低于, 超过, 至少…
	AtMost  Comparator = "≤"     // 以下, 以内, 不超过, 控制在 (in a target), 降至…
	Equal   Comparator = "="     // a reported value, 保持在, 为, 左右, a bare count
	Range   Comparator = "range" // 80%—90%, 2—3个: Value to Upper
)

// Kind says whether a figure is set out to be reached or has been reached.
type Kind string

// Kinds.
const (
	Target   Kind = "target"
	Achieved Kind = "achieved"
)

// Context is what the caller knows of the provision's document part.
type Context struct {
	// DocType is the part's type: 工作要点, 工作计划, 工作思路, 工作安排 and
	// 工作打算 set targets, 工作总结 reports results. "" when unknown: the
	// sentence's cues decide.
	DocType string
	// Year is the part's year (0 when unknown). A figure of an earlier
	// year named in the clause is a result, of a later year a target.
	Year int
}

// Indicator is one figure of a provision.
type Indicator struct {
	// Indicator is the normalised name: the table's name when the measure
	// is in the indicator table of the vocabulary, otherwise Written.
	Indicator string `json:"indicator"`
	// ID is the table's id for the indicator; "" when it is not in the table.
	ID string `json:"id,omitempty"`
	// Written is the measure's name as written, without scope words,
	// leading verbs and trailing particles (全市…达到).
	Written    string     `json:"written"`
	Value      float64    `json:"value"`
	Upper      float64    `json:"upper,omitempty"` // the upper end of a Range
	Unit       string     `json:"unit"`            // canonical: %, ‰, /10万, 岁, 万人次, 亿元…
	Comparator Comparator `json:"comparator"`
	Kind       Kind       `json:"kind"`
	// Population is the group or scope written with the measure
	// (65岁以上老年人, 重点人群, 市级公立医院), where there is one.
	Population string `json:"population,omitempty"`
	// Start and End are the byte span of the figure in the text: the
	// number and its unit (both ends of a range, and 余 or 多 between a
	// number and its unit), without the bound words around it (达到,
	// 以上). A figure whose unit the text omits spans the number alone.
	Start int `json:"start"`
	End   int `json:"end"`
}

// Extractor extracts figures with one indicator table. It is safe for
// concurrent use.
type Extractor struct {
	byName   map[string]int // normalised name or synonym → index into inds
	inds     []vocab.Indicator
	suffixes []string // normalised names, longest first, for suffix matches
}

// New returns an extractor normalising names through the table.
func New(table []vocab.Indicator) *Extractor {
	e := &Extractor{byName: map[string]int{}, inds: table}
	for i, in := range table {
		for _, n := range append([]string{in.Name}, in.Synonyms...) {
			k := analyzers.Normalize(n)
			if _, dup := e.byName[k]; !dup {
				e.byName[k] = i
				e.suffixes = append(e.suffixes, k)
			}
		}
	}
	sort.SliceStable(e.suffixes, func(a, b int) bool { return len(e.suffixes[a]) > len(e.suffixes[b]) })
	return e
}

var (
	defaultOnce sync.Once
	defaultExt  *Extractor
)

// Default returns the extractor with the table of the embedded vocabulary.
func Default() *Extractor {
	defaultOnce.Do(func() {
		var table []vocab.Indicator
		// The embedded vocabulary is checked by its own tests; should it
		// fail to load, names are kept as written rather than failing
		// indexing.
		if v, err := vocab.Default(); err == nil {
			table = v.Indicators
		}
		defaultExt = New(table)
	})
	return defaultExt
}

// Extract returns the figures of one provision's text with the default
// table (see Extractor.Extract).
func Extract(text string, ctx Context) []Indicator {
	return Default().Extract(text, ctx)
}

// Lookup returns the table entry a name (a written name or a normalised
// one) resolves to, whole or as its ending after a population, and that
// population.
func (e *Extractor) Lookup(name string) (in vocab.Indicator, population string, ok bool) {
	i, pop, ok := e.lookup(analyzers.Normalize(name))
	if !ok {
		return vocab.Indicator{}, "", false
	}
	return e.inds[i], pop, true
}

// lookup resolves a normalised name.
func (e *Extractor) lookup(n string) (int, string, bool) {
	if i, ok := e.byName[n]; ok {
		return i, "", true
	}
	for _, s := range e.suffixes {
		if len(s) < len(n) && strings.HasSuffix(n, s) {
			pre := strings.TrimSuffix(n[:len(n)-len(s)], "的")
			pre = trimLeading(pre)
			if pre == "" || populationLike(pre) {
				return e.byName[s], pre, true
			}
		}
	}
	return 0, "", false
}

// populationLike reports whether a name's prefix names a group or a scope
// (so that 重点人群签约率 is 签约率 for 重点人群, while 新型签约服务率 is a
// measure of its own).
func populationLike(p string) bool {
	if strings.HasSuffix(p, "以上") || strings.HasSuffix(p, "以下") {
		return true // 65岁以上老年人健康管理率
	}
	for _, s := range populationEnds {
		if strings.HasSuffix(p, s) {
			return true
		}
	}
	return false
}

var populationEnds = []string{
	"人群", "老年人", "老人", "儿童", "妇女", "孕产妇", "人口", "居民", "患者", "病人",
	"学生", "医院", "机构", "人员", "农户", "户籍", "城乡", "城市", "农村", "全省",
	"全市", "全区", "全县", "县域", "基层", "市级", "县级", "门诊", "病房", "婴幼儿",
}
