package indicators

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/policysearch/policysearch/analyzers"
)

// number is a figure found in the text before it is judged.
type number struct {
	start, end   int     // span: number and unit (both ends of a range)
	after        int     // end of the bound word that follows, if any
	value, upper float64 // upper is set for a range
	isRange      bool
	unit         string // canonical unit, "" when none is written
	bound        string // 以上, 以下, 左右… after the unit
	approx       bool   // 余 or 多: more than the number
}

// Unit classes: they decide which tests a figure must pass.
const (
	classNone   = iota
	classRatio  // %, ‰, /10万: a rate, followed by no noun
	classCount  // 个, 家, 人, 例…: may precede the thing counted
	classMoney  // 元, 万元, 亿元
	classAge    // 岁: only life expectancy
	classTime   // 天, 小时, 分钟: only averages
	classLevel  // 级: only a level reached
	classPoints // 百分点: a change
)

// Extract returns the figures of one provision's text that are indicators,
// in text order. A text without a digit costs a scan of its bytes and
// allocates nothing.
func (e *Extractor) Extract(text string, ctx Context) []Indicator {
	if !hasDigit(text) {
		return nil
	}
	var out []Indicator
	prevEnd := 0 // end of the last figure kept (its bound word included)
	var st seriesState
	for i := 0; i < len(text); {
		r, sz := utf8.DecodeRuneInString(text[i:])
		if analyzers.DigitValue(r) < 0 {
			i += sz
			continue
		}
		n, ok := scanFigure(text, i)
		if !ok {
			i = skipNumber(text, i)
			continue
		}
		next := n.after
		if n.unit == "" && !unitless(text, n) {
			// Most numbers without a unit are dates, codes and item
			// numbers: pass them before any name is read.
			i = skipNumber(text, i)
			continue
		}
		rec, keep := e.judge(text, n, prevEnd, out, &st, ctx)
		if keep && !rec.fromSeries && !rec.opensSeries {
			st.names = nil
		}
		if keep {
			out = append(out, rec.Indicator)
			prevEnd = n.after
		}
		i = next
	}
	return out
}

// unitless reports whether a number without a unit may still be a figure
// of a known indicator: a value after 为 or 是, ending the clause
// (孕产妇死亡率为0,).
func unitless(s string, n number) bool {
	h := strings.TrimRight(s[:n.start], " \u3000")
	if !strings.HasSuffix(h, "为") && !strings.HasSuffix(h, "是") {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[skipSpace(s, n.end):])
	return r == utf8.RuneError || isDelimiter(r) || r == '、'
}

// hasDigit reports whether s holds an ASCII or a full-width digit.
func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' {
			return true
		}
		// Full-width digits are EF BC 90–99.
		if c == 0xEF && i+2 < len(s) && s[i+1] == 0xBC && s[i+2] >= 0x90 && s[i+2] <= 0x99 {
			return true
		}
	}
	return false
}

// skipNumber returns the end of the run of digits, points and dashes at i,
// so that a number that is not a figure (2016-2020年) is passed whole.
func skipNumber(s string, i int) int {
	for i < len(s) {
		r, sz := utf8.DecodeRuneInString(s[i:])
		if analyzers.DigitValue(r) < 0 && r != '.' && r != '．' && r != '-' && r != '—' && r != '－' && r != '–' {
			break
		}
		i += sz
	}
	return i
}

// scanNumber reads digits with an optional fraction at i. The value is
// computed from an integer mantissa, exact for the figures written.
func scanNumber(s string, i int) (v float64, end int, ok bool) {
	var mant float64
	digits, frac := 0, -1
	for i < len(s) {
		r, sz := utf8.DecodeRuneInString(s[i:])
		if frac >= len(pow10)-1 {
			break
		}
		if d := analyzers.DigitValue(r); d >= 0 {
			mant = mant*10 + float64(d)
			digits++
			if frac >= 0 {
				frac++
			}
			i += sz
			continue
		}
		if (r == '.' || r == '．') && frac < 0 && digits > 0 {
			r2, _ := utf8.DecodeRuneInString(s[i+sz:])
			if analyzers.DigitValue(r2) >= 0 {
				frac = 0
				i += sz
				continue
			}
		}
		break
	}
	if digits == 0 {
		return 0, i, false
	}
	if frac > 0 {
		// One division is correctly rounded (39.16, not 39.160000000000004).
		mant /= pow10[frac]
	}
	return mant, i, true
}

var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

func skipSpace(s string, i int) int {
	for i < len(s) {
		r, sz := utf8.DecodeRuneInString(s[i:])
		if r != ' ' && r != '\u3000' && r != '\t' {
			break
		}
		i += sz
	}
	return i
}

// Units after a magnitude (万, 亿) or alone, longest first.
var baseUnits = []struct {
	text, canon string
	class       int
}{
	{"个百分点", "百分点", classPoints}, {"百分点", "百分点", classPoints},
	{"人次", "人次", classCount}, {"分钟", "分钟", classTime}, {"小时", "小时", classTime},
	{"周岁", "岁", classAge},
	{"人", "人", classCount}, {"名", "名", classCount}, {"张", "张", classCount},
	{"个", "个", classCount}, {"家", "家", classCount}, {"所", "所", classCount},
	{"间", "间", classCount}, {"处", "处", classCount}, {"辆", "辆", classCount},
	{"支", "支", classCount}, {"户", "户", classCount}, {"项", "项", classCount},
	{"例", "例", classCount}, {"份", "份", classCount}, {"颗", "颗", classCount},
	{"座", "座", classCount}, {"元", "元", classMoney}, {"岁", "岁", classAge},
	{"天", "天", classTime}, {"级", "级", classLevel},
}

// Words after a unit that stop it being one (人口, 个月, 项目, 天然…).
var unitBreakers = map[string][]string{
	"人": {"口", "员", "民", "才"},
	"个": {"月", "工作日", "百分"},
	"项": {"目"},
	"天": {"然"},
	"家": {"庭"},
	"处": {"理", "置"},
	"名": {"中医", "医"},
	"所": {"有", "属"},
	"份": {"额"},
	"支": {"持", "付", "出"},
	"户": {"籍", "口", "次"},
	"元": {"素"},
	"级": {"别"},
	"岁": {},
}

// scanUnit reads the unit at i: %, ‰, /10万, or an optional 余/多, an
// optional magnitude and a base unit.
func scanUnit(s string, i int) (canon string, class int, end int, approx bool) {
	i = skipSpace(s, i)
	rest := s[i:]
	switch {
	case strings.HasPrefix(rest, "%"):
		return "%", classRatio, i + 1, false
	case strings.HasPrefix(rest, "％"):
		return "%", classRatio, i + len("％"), false
	case strings.HasPrefix(rest, "‰"):
		return "‰", classRatio, i + len("‰"), false
	case strings.HasPrefix(rest, "/10万"):
		return "/10万", classRatio, i + len("/10万"), false
	case strings.HasPrefix(rest, "/十万"):
		return "/10万", classRatio, i + len("/十万"), false
	}
	j := i
	if strings.HasPrefix(s[j:], "余") || strings.HasPrefix(s[j:], "多") {
		approx = true
		j += len("余")
	}
	mag := ""
	if strings.HasPrefix(s[j:], "万") || strings.HasPrefix(s[j:], "亿") {
		mag = s[j : j+len("万")]
		j += len("万")
		if strings.HasPrefix(s[j:], "余") || strings.HasPrefix(s[j:], "多") {
			approx = true
			j += len("余")
		}
	}
	for _, u := range baseUnits {
		if !strings.HasPrefix(s[j:], u.text) {
			continue
		}
		after := s[j+len(u.text):]
		for _, b := range unitBreakers[u.text] {
			if strings.HasPrefix(after, b) {
				return "", classNone, i, false
			}
		}
		if mag != "" && (u.class == classPoints || u.class == classAge || u.class == classTime || u.class == classLevel) {
			return "", classNone, i, false
		}
		return mag + u.canon, u.class, j + len(u.text), approx
	}
	if mag != "" {
		// 15.6万低收入农户, 1000万以上: a count whose unit is the noun.
		r, sz := utf8.DecodeRuneInString(s[j:])
		r2, _ := utf8.DecodeRuneInString(s[j+sz:])
		if r != '/' && r2 != '/' && analyzers.DigitValue(r) < 0 && r != utf8.RuneError {
			return mag, classCount, j, approx
		}
	}
	return "", classNone, i, false
}

// Bound words after a figure.
var bounds = []string{"及以上", "以上", "以下", "以内", "之内", "左右", "上下"}

func scanBound(s string, i int) (string, int) {
	j := skipSpace(s, i)
	for _, b := range bounds {
		if strings.HasPrefix(s[j:], b) {
			return b, j + len(b)
		}
	}
	return "", i
}

func isDash(r rune) bool {
	switch r {
	case '-', '—', '－', '–', '~', '～', '至', '到':
		return true
	}
	return false
}

// scanFigure reads the number at i with its unit, a range and a bound
// word. It fails on numbers glued to letters or other numbers (H7N9, 5G),
// ordinals and denominators (第9, 每50万人口), and numbers with no unit.
func scanFigure(s string, i int) (number, bool) {
	var n number
	if i > 0 {
		p, _ := utf8.DecodeLastRuneInString(s[:i])
		if p < utf8.RuneSelf && (unicode.IsLetter(p) || p == '.' || p == '/' || p == '-' || p == '+' || p == '·') ||
			p == '第' || p == '每' || p == '前' || p == '．' || p == '＋' {
			return n, false
		}
	}
	v, end, ok := scanNumber(s, i)
	if !ok {
		return n, false
	}
	n.start, n.value = i, v
	unit, class, uend, approx := scanUnit(s, end)
	// A range: 80%—90%, 2—3个, 5-10个百分点.
	j := uend
	if unit == "" {
		j = skipSpace(s, end)
	}
	if r, sz := utf8.DecodeRuneInString(s[j:]); isDash(r) {
		k := skipSpace(s, j+sz)
		if r2, _ := utf8.DecodeRuneInString(s[k:]); analyzers.DigitValue(r2) >= 0 {
			v2, end2, ok2 := scanNumber(s, k)
			unit2, class2, uend2, approx2 := scanUnit(s, end2)
			if !ok2 || unit2 == "" || (unit != "" && unit2 != unit) || v2 <= v {
				return n, false
			}
			unit, class, uend, approx = unit2, class2, uend2, approx || approx2
			n.upper, n.isRange = v2, true
		}
	}
	n.unit, n.approx = unit, approx
	if unit == "" {
		n.end, n.after = end, end
		return n, true // judged later: a known indicator may supply its unit
	}
	n.end = uend
	n.bound, n.after = scanBound(s, uend)
	if r, _ := utf8.DecodeRuneInString(s[n.after:]); r == '/' || (r < utf8.RuneSelf && unicode.IsLetter(r)) || analyzers.DigitValue(r) >= 0 && class != classRatio {
		// 10万管/日, 5G: not a measure of its own.
		return n, false
	}
	return n, true
}

// unitClass returns the class of a canonical unit.
func unitClass(u string) int {
	switch u {
	case "%", "‰", "/10万":
		return classRatio
	case "百分点":
		return classPoints
	case "岁":
		return classAge
	case "天", "小时", "分钟":
		return classTime
	case "级":
		return classLevel
	case "":
		return classNone
	}
	if strings.HasSuffix(u, "元") {
		return classMoney
	}
	return classCount
}

// record is a judged figure.
type record struct {
	Indicator
	fromSeries  bool // named from an open 分别 series
	opensSeries bool
}

// seriesState is an open 分别 series: the names before 分别, handed out in
// order to the figures after it, and the cues before the first figure
// (分别控制在20/10万、7.0%和9.5%以内), which hold for all.
type seriesState struct {
	names []string
	at    int
	cues  cues
}

// Delimiters of the clause a figure's name is read from.
func isDelimiter(r rune) bool {
	switch r {
	case '，', ',', '。', '；', ';', '：', ':', '！', '!', '？', '?', '\n', '\r':
		return true
	}
	return false
}

// clauseStart returns where the clause holding position i begins.
func clauseStart(s string, i int) int {
	for j := i; j > 0; {
		r, sz := utf8.DecodeLastRuneInString(s[:j])
		if isDelimiter(r) {
			return j
		}
		j -= sz
	}
	return 0
}

// judge decides whether a figure is an indicator and builds its record.
// names is non-nil when the figure opens a 分别 series.
func (e *Extractor) judge(s string, n number, prevEnd int, out []Indicator, st *seriesState, ctx Context) (rec record, keep bool) {
	clause := clauseStart(s, n.start)
	start := clause
	if prevEnd > start {
		start = prevEnd
	}
	head := strings.TrimSpace(s[start:n.start])
	clauseText := s[clause:n.start]
	class := unitClass(n.unit)

	// What follows the figure.
	follow := s[skipSpace(s, n.after):]
	fr, _ := utf8.DecodeRuneInString(follow)
	nounAfter := fr != utf8.RuneError && isHan(fr) && !strings.HasPrefix(follow, "和") &&
		!strings.HasPrefix(follow, "及") && !strings.HasPrefix(follow, "与") && !strings.HasPrefix(follow, "或") &&
		!strings.HasPrefix(follow, "均") && !strings.HasPrefix(follow, "比") && !strings.HasPrefix(follow, "分别") &&
		!hasPrefixAny(follow, changeFollowers)
	if (class == classRatio || class == classLevel || class == classAge) && (nounAfter || strings.HasPrefix(follow, "的")) {
		// 60%的乡镇卫生院, 15%公立医院, 5级评审, 65岁以上老年人: the figure
		// qualifies what follows.
		return rec, false
	}

	// The name: trailing cues and fillers off the head.
	name, cues := stripTrailing(head)
	rawName := name
	name = cleanLeading(name)
	inherit := false
	if strings.HasPrefix(strings.TrimLeft(head, "(（"), "其中") && len(out) > 0 {
		rest := name
		if class == classMoney || (class == classCount && scopeWord(rest)) {
			rec.Population = rest
			name = out[len(out)-1].Indicator
			inherit = true
		}
	}
	// A 分别 series: 孕产妇死亡率、婴儿死亡率分别控制在…、….
	if k := strings.Index(rawName, "分别"); k >= 0 || strings.Contains(head, "分别") {
		base := rawName
		if k >= 0 {
			base = rawName[:k]
		}
		if parts := e.splitSeries(cleanLeading(base)); len(parts) > 1 {
			if cues.change != "" {
				for i, p := range parts {
					if !strings.HasSuffix(p, cues.change) {
						parts[i] = p + cues.change
					}
				}
			}
			*st = seriesState{names: parts, at: 0, cues: cues}
			name = parts[0]
			rec.opensSeries = true
		}
	} else if name == "" && st.names != nil && len(out) > 0 && strings.Trim(head, "、和及与 ") == "" {
		st.at++
		i := st.at
		if i >= len(st.names) {
			i = len(st.names) - 1
		}
		name = st.names[i]
		cues = st.cues
		cues.change = ""
		rec.fromSeries = true
	}

	// A change: 增长20%, 比上年提升2.39%, 下降1%.
	if cues.change != "" {
		if name == "" || comparison(name) {
			if len(out) == 0 || n.start-prevEnd > 40 {
				return rec, false
			}
			name = strings.TrimSuffix(strings.TrimSuffix(out[len(out)-1].Indicator, "增幅"), "降幅")
		}
		if !strings.HasSuffix(name, "增幅") && !strings.HasSuffix(name, "降幅") {
			name += cues.change
		}
	} else if strings.HasSuffix(name, "增幅") || strings.HasSuffix(name, "降幅") {
		// already a change
	} else if (strings.HasSuffix(head, "降幅") || strings.HasSuffix(head, "增幅")) && name == "" && len(out) > 0 {
		name = out[len(out)-1].Indicator + head[len(head)-len("降幅"):]
	}

	// Counts written before the thing counted: 新增30家救治中心.
	if class == classCount || class == classMoney {
		if lead := strings.TrimSpace(s[clause:n.start]); (nounAfter || strings.HasPrefix(follow, "的")) && (strings.HasPrefix(lead, "在") || strings.HasPrefix(lead, "对")) {
			return rec, false // 在5个市开展: the places are the scope
		}
		if nounAfter && name != "" && utf8.RuneCountInString(nounPhrase(follow)) == 1 {
			// 窝沟封闭60万颗牙: the noun is the unit's own.
			nounAfter = false
		}
		if name == "" || nounAfter || strings.HasPrefix(follow, "的") {
			if !nounAfter && !strings.HasPrefix(follow, "的") {
				return rec, false
			}
			if !hasAny(clauseText, creationVerbs) && !(n.bound == "以上" && nounThenReach(follow)) {
				return rec, false
			}
			noun := nounPhrase(follow)
			if noun == "" {
				return rec, false
			}
			name = noun
		}
		if hasAny(clauseText, honourVerbs) || hasAny(name, countExclusions) {
			return rec, false
		}
	}
	if name == "" || verbOnly(name) {
		return rec, false
	}
	switch class {
	case classAge:
		if !strings.Contains(name, "寿命") {
			return rec, false
		}
	case classTime:
		if !strings.Contains(name, "平均") && !strings.Contains(name, "时间") && !strings.Contains(name, "住院日") && !strings.Contains(name, "时长") {
			return rec, false
		}
	case classLevel:
		if !strings.Contains(name, "水平") {
			return rec, false
		}
	}

	written := quoteStripper.Replace(name)
	rec.Written = written
	rec.Indicator.Indicator = written
	if !inherit {
		if i, pop, ok := e.lookup(analyzers.Normalize(written)); ok {
			rec.Indicator.Indicator, rec.ID = e.inds[i].Name, e.inds[i].ID
			if pop != "" {
				rec.Population = pop
			}
		}
	} else if len(out) > 0 {
		rec.ID = out[len(out)-1].ID
	}
	unit := n.unit
	if unit == "" {
		// 孕产妇死亡率为0: the table's unit, for a known indicator only.
		if rec.ID == "" || !cues.equal {
			return rec, false
		}
		unit = e.inds[e.idIndex(rec.ID)].Unit
		if unit == "" || nounAfter {
			return rec, false
		}
	}
	rec.Value, rec.Unit = n.value, unit
	rec.Start, rec.End = n.start, n.end
	rec.Kind = kindOf(clauseText, ctx)
	rec.Comparator = comparatorOf(n, cues, clauseText, rec.Kind, strings.HasSuffix(rec.Indicator.Indicator, "增幅") || strings.HasSuffix(rec.Indicator.Indicator, "降幅"))
	if n.isRange {
		rec.Upper = n.upper
	}
	if rec.opensSeries && !strings.Contains(head, "分别") {
		rec.opensSeries = false
	}
	return rec, true
}

func (e *Extractor) idIndex(id string) int {
	for i, in := range e.inds {
		if in.ID == id {
			return i
		}
	}
	return 0
}

var quoteStripper = strings.NewReplacer("“", "", "”", "", "\"", "", " ", "", "\u3000", "")

// splitSeries splits the names before 分别 (孕产妇死亡率、婴儿死亡率;
// 门诊和病房智慧结算率) and completes the elided ones from the last.
func (e *Extractor) splitSeries(s string) []string {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '、' || r == '和' || r == '及' || r == '与' })
	if len(parts) < 2 {
		return nil
	}
	last := parts[len(parts)-1]
	lr := []rune(last)
	for i, p := range parts[:len(parts)-1] {
		if _, _, ok := e.lookup(analyzers.Normalize(p)); ok || measureLike(p) {
			continue
		}
		done := false
		for k := 1; k < len(lr) && !done; k++ {
			if c := p + string(lr[k:]); measureLike(string(lr[k:])) {
				if _, _, ok := e.lookup(analyzers.Normalize(c)); ok {
					parts[i], done = c, true
				}
			}
		}
		if !done {
			if pr := utf8.RuneCountInString(p); pr < len(lr) {
				parts[i] = p + string(lr[pr:])
			}
		}
	}
	return parts
}

// measureLike reports whether a name ends as a measure does.
func measureLike(s string) bool {
	for _, m := range []string{"率", "数", "比例", "占比", "比重", "费用", "水平", "增幅", "降幅", "寿命", "量"} {
		if strings.HasSuffix(s, m) {
			return true
		}
	}
	return false
}

// Words after a rate that continue a sentence about it (从4.04‰下降到2.96‰).
var changeFollowers = []string{"下降", "降至", "降到", "降低", "提高", "增长", "上升", "提升", "增加"}

func hasPrefixAny(s string, ws []string) bool {
	for _, w := range ws {
		if strings.HasPrefix(s, w) {
			return true
		}
	}
	return false
}

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

func hasAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// Verbs that make a count before a noun an output: 新增30家, 建成4个.
var creationVerbs = []string{
	"新增", "新建", "创建", "建成", "建设", "建立", "建有", "完成", "培养", "培育", "打造",
	"招聘", "遴选", "选拔", "引进", "引育", "组建", "设立", "开工", "启用", "接入",
	"推广", "整理", "布局", "改造", "筛查", "接种", "争取", "引才", "设置",
}

// Verbs of honours and recognition: what they count is not an indicator.
var honourVerbs = []string{"入选", "获评", "获得", "获批", "表彰", "评为", "评选为", "通过了", "成为"}

// Things counted that are activities, documents or honours.
var countExclusions = []string{
	"问题", "措施", "制度", "文件", "活动", "会议", "任务", "党员", "党支部", "党组织",
	"党课", "学习", "案例", "奖", "论坛", "新政", "举措", "改革", "清单", "督办单", "手册",
	"责任状", "《", "》", "报道", "专刊", "科室", "干部", "书记", "指标", "子品牌",
}

// nounThenReach reports whether the text after a count is a noun and then
// 达到 (20家以上乡镇级中医馆达到…标准).
func nounThenReach(s string) bool {
	n := 0
	for _, r := range s {
		if n > 16 || isDelimiter(r) {
			return false
		}
		if r == '达' {
			return true
		}
		n++
	}
	return false
}

// Words that end a noun phrase after a count.
var nounStops = []string{"建立", "建有", "达到", "实现", "开展", "通过", "设立", "纳入", "参与", "参加", "获得", "入选", "成为", "全面", "提供", "接受", "等", "(", "（"}

// nounPhrase returns the thing counted after a count's unit: up to a
// delimiter, a verb, or another figure; after the last 的 (检测能力不低于
// 8000管/日的移动检测车 → 移动检测车).
func nounPhrase(s string) string {
	s = strings.TrimPrefix(s, "的")
	end := len(s)
	n := 0
	for i, r := range s {
		if isDelimiter(r) || r == '、' || r == '”' || r == '“' || n >= 24 {
			end = i
			break
		}
		if r == '和' || r == '及' {
			if r2, _ := utf8.DecodeRuneInString(s[i+len("和"):]); analyzers.DigitValue(r2) >= 0 {
				end = i
				break
			}
		}
		stop := false
		for _, w := range nounStops {
			if i > 0 && strings.HasPrefix(s[i:], w) {
				stop = true
				break
			}
		}
		if stop {
			end = i
			break
		}
		n++
	}
	p := s[:end]
	if k := strings.LastIndex(p, "的"); k >= 0 {
		p = p[k+len("的"):]
	}
	if hasDigit(p) {
		return ""
	}
	return strings.TrimSpace(p)
}

// cues found at the end of a figure's head.
type cues struct {
	reach    bool   // 达到, 提高到: ≥ in a target, = in a result
	lower    bool   // 控制在, 降至: ≤ in a target, = in a result
	atLeast  bool   // 不低于, 至少, 超过
	atMost   bool   // 不超过, 低于
	equal    bool   // 保持在, 为
	change   string // 增幅 or 降幅
	approxEq bool
}

type trailing struct {
	word string
	set  func(*cues)
}

// Trailing words, longest first within their group (the loop takes the
// longest match at each step).
var trailingWords = func() []trailing {
	add := func(f func(*cues), ws ...string) []trailing {
		var t []trailing
		for _, w := range ws {
			t = append(t, trailing{w, f})
		}
		return t
	}
	var t []trailing
	t = append(t, add(func(c *cues) { c.reach = true },
		"达到了", "达到", "达", "提高到", "提高至", "提升到", "提升至", "增加到", "增加至", "增至", "增长到", "上升到", "上升至")...)
	t = append(t, add(func(c *cues) { c.lower = true },
		"控制在", "下降到", "下降至", "降至", "降到", "降低到", "降低至", "减少到", "减少至")...)
	t = append(t, add(func(c *cues) { c.atLeast = true }, "不低于", "不少于", "至少", "超过", "超", "高于", "大于", "突破")...)
	t = append(t, add(func(c *cues) { c.atMost = true }, "不超过", "不高于", "低于", "少于", "小于")...)
	t = append(t, add(func(c *cues) { c.equal = true }, "保持在", "稳定在", "巩固在", "维持在", "为", "是", "约")...)
	t = append(t, add(func(c *cues) {
		if c.change == "" {
			c.change = "增幅"
		}
	}, "增长了", "提高了", "提升了", "增加了", "上升了", "增长", "增加", "提高", "提升", "上升", "增幅")...)
	t = append(t, add(func(c *cues) {
		if c.change == "" {
			c.change = "降幅"
		}
	}, "下降了", "降低了", "减少了", "下降", "降低", "减少", "降幅")...)
	t = append(t, add(func(*cues) {},
		"均", "分别", "了", "共", "累计", "总计", "合计", "要求", "力争", "争取", "确保", "预计",
		"平均", "全部", "已", "已经", "将", "继续", "进一步", "共有", "拥有", "人均", "计", "从")...)
	// Longest first, so that 达到 is taken before 达.
	for i := 1; i < len(t); i++ {
		for j := i; j > 0 && len(t[j].word) > len(t[j-1].word); j-- {
			t[j], t[j-1] = t[j-1], t[j]
		}
	}
	return t
}()

// stripTrailing takes cue words and fillers off the end of a head.
func stripTrailing(h string) (string, cues) {
	var c cues
	for {
		h = strings.TrimRight(h, " \u3000")
		found := false
		for _, t := range trailingWords {
			if strings.HasSuffix(h, t.word) && len(h) > 0 {
				// 人均 ends names (常住人口项目补助水平人均) but is also their
				// head; keep a name that would be left empty.
				if t.word == "人均" && len(h) == len(t.word) {
					continue
				}
				t.set(&c)
				h = h[:len(h)-len(t.word)]
				found = true
				break
			}
		}
		if !found {
			return h, c
		}
	}
}

// Leading words that are scope, tense or intent, not the measure's name.
var leadingWords = []string{
	"其中", "全市", "全省", "全区", "全县", "全国", "本市", "我市", "全系统", "全委", "辖区",
	"力争", "争取", "确保", "实现", "继续", "进一步", "推动", "并", "使", "计划", "预计",
	"今年", "年内", "全年", "年度", "共", "累计", "目前", "另", "超额完成", "要求",
}

func trimLeading(s string) string {
	for {
		s = strings.TrimLeft(s, "、和及与,，:：;；-  \u3000.(（")
		found := false
		for _, w := range leadingWords {
			if strings.HasPrefix(s, w) {
				s = s[len(w):]
				found = true
			}
		}
		if !found {
			return s
		}
	}
}

// cleanLeading removes item numbers, years, scope and intent words from
// the front of a name, and a 在…基础上 of comparison from inside it.
func cleanLeading(s string) string {
	s = strings.TrimSpace(s)
	for changed := true; changed; {
		changed = false
		t := strings.TrimLeft(s, "-  \u3000")
		// (1) （1） 1. 2020年
		if strings.HasPrefix(t, "(") || strings.HasPrefix(t, "（") {
			if k := strings.IndexAny(t, ")）"); k > 0 && k < 8 && hasDigit(t[:k]) {
				_, sz := utf8.DecodeRuneInString(t[k:])
				t = t[k+sz:]
			}
		}
		j := 0
		for j < len(t) {
			r, sz := utf8.DecodeRuneInString(t[j:])
			if analyzers.DigitValue(r) < 0 {
				break
			}
			j += sz
		}
		if j > 0 {
			rest := t[j:]
			switch {
			case strings.HasPrefix(rest, "年"):
				t = rest[len("年"):]
			case strings.HasPrefix(rest, "."), strings.HasPrefix(rest, "．"), strings.HasPrefix(rest, "、"):
				_, sz := utf8.DecodeRuneInString(rest)
				t = rest[sz:]
			}
		}
		t = trimLeading(t)
		if t != s {
			s, changed = t, true
		}
	}
	for _, m := range []string{"同比", "比上年", "较上年", "比去年", "较去年"} {
		if i := strings.Index(s, m); i > 0 {
			s = s[:i]
		}
	}
	if i := strings.Index(s, "在"); i >= 0 {
		if j := strings.Index(s[i:], "基础上"); j >= 0 {
			s = s[:i] + s[i+j+len("基础上"):]
		}
	}
	return strings.TrimSpace(s)
}

// comparison reports whether a name is only a comparison (比上年, 较2015年,
// 同比上年, 相比2021年末): the figure is a change of the measure before it.
func comparison(s string) bool {
	for _, p := range []string{"比", "较", "同比", "相比", "与"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// scopeWord reports whether a name is a level or place (其中市本级16个).
func scopeWord(s string) bool {
	for _, w := range []string{"本级", "市", "县", "区", "镇", "级"} {
		if strings.HasSuffix(s, w) {
			return true
		}
	}
	return false
}

// verbOnly reports whether a name is only a verb (新增, 完成).
func verbOnly(s string) bool {
	switch s {
	case "新增", "完成", "建成", "建设", "新建", "实现", "达到", "开展", "覆盖", "覆盖至", "打造", "培育", "提供", "计划", "建立":
		return true
	}
	return false
}

// Cues of tense and intent in a clause.
var (
	achievedCues = []string{"已", "较上年", "比上年", "同比", "去年", "上年"}
	targetCues   = []string{"目标", "力争", "确保", "争取", "计划", "将"}
)

// kindOf decides target or achieved: the part's type, unless the clause
// says otherwise (目标值 in a 总结, 已 or 同比 in a plan).
func kindOf(clause string, ctx Context) Kind {
	base := Kind("")
	switch {
	case strings.Contains(ctx.DocType, "总结"):
		base = Achieved
	case ctx.DocType != "":
		base = Target
	}
	switch base {
	case Achieved:
		if strings.Contains(clause, "目标") {
			return Target
		}
		return Achieved
	case Target:
		if hasAny(clause, achievedCues) {
			return Achieved
		}
		return Target
	}
	if hasAny(clause, targetCues) {
		return Target
	}
	if hasAny(clause, achievedCues) || strings.Contains(clause, "完成") || strings.Contains(clause, "实现") {
		return Achieved
	}
	return Target
}

// comparatorOf reads how the figure bounds its measure.
func comparatorOf(n number, c cues, clause string, k Kind, change bool) Comparator {
	switch n.bound {
	case "以上", "及以上":
		return AtLeast
	case "以下", "以内", "之内":
		return AtMost
	case "左右", "上下":
		return Equal
	}
	if n.isRange {
		return Range
	}
	if n.approx {
		return AtLeast
	}
	switch {
	case c.atLeast:
		return AtLeast
	case c.atMost:
		return AtMost
	case c.lower && k == Target:
		return AtMost
	case change:
		return Equal
	case c.reach && k == Target:
		return AtLeast
	case strings.Contains(clause, "至少"):
		return AtLeast
	}
	return Equal
}
