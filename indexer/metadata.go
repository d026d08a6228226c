package indexer

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/policysearch/policysearch/analyzers"
	"github.com/policysearch/policysearch/indexer/gazetteer"
)

var (
	// issuerRe matches a line that is just the name of a health authority,
	// as in a signature (落款) or letterhead.
	issuerRe = regexp.MustCompile(`^\p{Han}{0,16}(?:卫生|卫健|健康|计生|计划生育)\p{Han}{0,10}(?:委员会|委|局|厅|办公室|中心)$`)
	// dateRe matches a date written 2020年4月30日 or 2022-03-12 (or 2022/3/12).
	dateRe = regexp.MustCompile(`((?:19|20)\d{2})\s*(?:年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日|[-/.](\d{1,2})[-/.](\d{1,2}))`)
	// cnDateRe matches a date in Chinese numerals, 二〇二〇年四月三十日.
	cnDateRe = regexp.MustCompile(`([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,4})日$`)
	// docNumberRe matches a document number such as 浙卫发〔2022〕8号.
	docNumberRe = regexp.MustCompile(`\p{Han}{1,10}\s*[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]\s*\d{1,4}\s*号`)
	// yearRe finds a year such as 2020年 (also 2020 年, and 2019工作总结
	// where a title drops the 年).
	yearRe = regexp.MustCompile(`(?:^|[^\d.])((?:19|20)\d{2})\s*(?:年|工作|上半年|下半年|度)`)
	// titleRe matches the document's own title line: a work-plan or report
	// title, or one of the kindred plans a corpus of the genre also holds
	// (规划, 实施方案, 行动计划, 实施意见, 重点工作任务及分工), not the notice
	// (关于印发…的通知) that wraps it.
	titleRe = regexp.MustCompile(`(?:工作要点|工作总结|工作思路|工作计划|工作安排|工作打算|工作方案|要点|总结|工作汇报|汇报材料|年度报告|规划|实施方案|行动方案|行动计划|实施意见|工作任务|任务分工|任务及分工|任务分解|任务分解表|任务清单)(?:[(（](?:19|20)\d{2}\s*[—–－~～-]+\s*(?:19|20)\d{2}\s*年?[)）])?$`)
	// otherKindRe matches the title of a kindred plan, which is not a
	// report whatever its opening recounts.
	otherKindRe = regexp.MustCompile(`(?:规划|方案|行动计划|意见|工作任务|分工)(?:[(（][^()（）]*[)）])?$`)
	// wrapperRe matches the lines of the notice that wraps a document.
	wrapperRe = regexp.MustCompile(`关于印发|的通知$|^现将|印发给你们|^经.{0,10}(?:研究|同意)`)
	// cityIssuerRe finds a city named in an issuer or title, 某某市卫生…
	cityIssuerRe = regexp.MustCompile(`^(?:(?:19|20)\d{2}年)?(\p{Han}{2,4}?)市(?:卫生|卫健|计生)`)
	// countyRe finds a county-level issuer, 某某县卫生健康局, 某某区卫健局.
	countyRe = regexp.MustCompile(`\p{Han}{1,6}(?:县|旗|[^自治]区)(?:卫生|卫健|计生)`)
)

// docTypes are the kinds of document, in the words the titles use.
var docTypes = []string{"工作要点", "工作总结", "工作思路", "工作计划", "工作安排", "工作打算", "工作方案"}

// docTypeOf returns the kind of document a title or heading names: the
// earliest of the docTypes in it, else a short form (要点, 总结…).
func docTypeOf(s string) string {
	best, at := "", len(s)+1
	for _, t := range docTypes {
		if i := strings.Index(s, t); i >= 0 && i < at {
			best, at = t, i
		}
	}
	if best != "" {
		return best
	}
	for _, short := range []string{"要点", "总结", "思路", "计划", "打算", "安排"} {
		if strings.Contains(s, short) {
			return "工作" + short
		}
	}
	if strings.Contains(s, "任务分解") || strings.Contains(s, "任务分工") || strings.Contains(s, "任务及分工") || strings.Contains(s, "任务清单") {
		// The year's tasks shared out among offices: the work arranged.
		return "工作安排"
	}
	if strings.Contains(s, "工作汇报") || strings.HasSuffix(s, "汇报") || strings.HasSuffix(s, "汇报材料") {
		// A report to the level above (工作汇报, 汇报材料) sums up the work
		// as a 工作总结 does.
		return "工作总结"
	}
	return ""
}

// yearRangeRe finds a span of years (2023—2025年, 2021-2025年).
var yearRangeRe = regexp.MustCompile(`((?:19|20)\d{2})\s*(?:年)?\s*[—–－~～-]+\s*(?:19|20)\d{2}\s*年`)

// yearOf returns the first year (19xx/20xx followed by 年) in s, or 0; of
// a span of years (三年行动计划(2023—2025年)), its first.
func yearOf(s string) int {
	r := yearRangeRe.FindStringSubmatchIndex(s)
	y := yearRe.FindStringSubmatchIndex(s)
	if r != nil && (y == nil || r[0] <= y[0]) {
		v, _ := strconv.Atoi(s[r[2]:r[3]])
		return v
	}
	if m := yearRe.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		return y
	}
	return 0
}

// isTitleLine reports whether a line is a document's own title line.
func isTitleLine(line string) bool {
	t := analyzers.StripSpaces(tidyTitle(line))
	n := utf8.RuneCountInString(t)
	return n >= 4 && n <= 60 && titleRe.MatchString(t) &&
		!strings.ContainsAny(t, "《》。，,；;") && !wrapperRe.MatchString(t)
}

// isIssuerLine reports whether a line is just an authority's name, or an
// authority's name and a date (a signature run into one line).
func isIssuerLine(line string) bool {
	return issuerRe.MatchString(issuerPart(line))
}

// issuerPart is a line without the date that may follow the issuer's
// name on it.
func issuerPart(line string) string {
	t := analyzers.StripSpaces(line)
	if loc := dateRe.FindStringIndex(t); loc != nil && loc[0] > 0 && loc[1] == len(t) {
		return t[:loc[0]]
	}
	if loc := cnDateRe.FindStringIndex(t); loc != nil && loc[0] > 0 {
		return t[:loc[0]]
	}
	return t
}

// trailingDate is the date a signature line ends with, if any.
func trailingDate(line string) string {
	t := analyzers.StripSpaces(line)
	if p := issuerPart(t); p != t {
		return t[len(p):]
	}
	return ""
}

// isDateLine reports whether a line is just a date.
func isDateLine(line string) bool {
	t := analyzers.StripSpaces(line)
	if loc := cnDateRe.FindStringIndex(t); loc != nil && loc[0] == 0 {
		return true
	}
	m := dateRe.FindStringIndex(t)
	return m != nil && m[0] == 0 && m[1] == len(t)
}

// citedRe matches a cited title: 《…》.
var citedRe = regexp.MustCompile(`《[^《》]*》`)

// isWrapper reports whether a line is the notice that issues the document
// (关于印发…的通知, 现将…印发给你们). What it says inside a cited title does
// not count: 根据《…关于印发…的通知》精神，现提出… opens the document itself.
func isWrapper(line string) bool {
	if strings.Contains(line, "《") {
		line = citedRe.ReplaceAllString(line, "《》")
	}
	return wrapperRe.MatchString(line)
}

// isFrontLine reports whether a line belongs to the matter around the
// document rather than to it: the wrapping notice, its addressees, the
// letterhead, the signature, date and document number.
func isFrontLine(line string) bool {
	t := analyzers.StripSpaces(line)
	last, _ := utf8.DecodeLastRuneInString(t)
	switch {
	case isWrapper(t), isIssuerLine(t), isDateLine(t):
		return true
	case strings.HasSuffix(t, "文件") && utf8.RuneCountInString(t) <= 24:
		return true
	case strings.HasPrefix(t, "各") && (last == '：' || last == ':'):
		return true
	case docNumberRe.MatchString(t) && docNumberRe.FindString(t) == t:
		return true
	}
	return false
}

// docMeta is the document-level metadata found in and around the text,
// with where each value came from.
type docMeta struct {
	City, Province, County, Level, Issuer, PubDate, DocNumber string
	// Notice is the notice line that issues the document, if any.
	Notice string
	Prov   map[string]Source
}

// set records a value with its source; an empty value records nothing.
func (md *docMeta) set(field string, dst *string, v string, src Source) {
	if v == "" {
		return
	}
	*dst = v
	md.Prov[field] = src
}

// metaInput is what metadata is read from.
type metaInput struct {
	title    string
	front    []string          // the lines around the title: notice, letterhead, signature, dates
	fields   map[string]string // the page's metadata table and site name
	preamble string            // the text before the first numbered item
	body     string            // the start of the body, for cues
}

// extractMeta reads the document's metadata. Explicit statements win over
// inferred ones: for the issuer, a signature over a letterhead over the
// title over the web page's 发布机构; for the place, the issuer's own name
// over the title, the page's table, the notice and the site, and those
// over cues in the body (健康温州, 来锡人员); for the date, 成文日期 over
// the signature date over publication dates.
func extractMeta(in metaInput) docMeta {
	g := gazetteer.Default()
	md := docMeta{Prov: map[string]Source{}}

	var header, signature, banner string
	var dates, notice []string
	signed := false // the signature found is followed by a date
	for i, line := range in.front {
		t := analyzers.StripSpaces(line)
		switch {
		case isIssuerLine(t):
			// A site's banner also names the authority, at the top; the
			// signature is the name a date follows.
			dated := trailingDate(t) != "" || i+1 < len(in.front) && isDateLine(in.front[i+1])
			if d := trailingDate(t); d != "" {
				dates = append(dates, d)
			}
			switch {
			case signature == "":
				signature, signed = issuerPart(t), dated
			case dated && !signed:
				banner, signature, signed = signature, issuerPart(t), true
			}
		case isDateLine(t):
			dates = append(dates, t)
		case strings.HasSuffix(t, "文件") && header == "":
			if name := strings.TrimSuffix(t, "文件"); isIssuerLine(name) {
				header = name
			}
		case isWrapper(t):
			notice = append(notice, t)
		}
	}
	if len(notice) > 0 {
		md.Notice = notice[0]
	}
	titlePrefix := ""
	if loc := yearRe.FindStringSubmatchIndex(in.title); loc != nil && isIssuerLine(in.title[:loc[2]]) {
		titlePrefix = in.title[:loc[2]]
	} else if m := titleIssuerRe.FindStringSubmatch(analyzers.StripSpaces(in.title)); m != nil {
		titlePrefix = m[1]
	}
	noticeIssuer := ""
	if i := strings.Index(md.Notice, "关于"); i > 0 && isIssuerLine(md.Notice[:i]) {
		noticeIssuer = md.Notice[:i]
	}
	table := analyzers.StripSpaces(in.fields["发布机构"])
	issuer := ""
	// A health authority's own site publishes its own documents: its name
	// is the issuer when nothing closer names one.
	siteIssuer := ""
	for _, n := range []string{in.fields["网站名称"], in.fields["主办单位"]} {
		// Only a name with its place: 卫生健康委员会 alone says nothing.
		if n = analyzers.StripSpaces(n); isIssuerLine(n) {
			if ms := g.Find(n); len(ms) > 0 && ms[0].Start == 0 {
				siteIssuer = n
				break
			}
		}
	}
	opening := ""
	for i, para := range strings.SplitN(in.body, "\n", 5) {
		if m := openingIssuerRe.FindStringSubmatch(firstRunes(analyzers.StripSpaces(para), 80)); m != nil && i < 4 {
			opening = m[1]
			break
		}
	}
	for _, c := range []struct{ from, v string }{
		{FromSignature, signature}, {FromLetter, header}, {FromTitle, titlePrefix},
		{FromTable, table}, {FromNotice, noticeIssuer}, {FromBody, opening}, {FromSite, siteIssuer},
	} {
		if c.v != "" {
			issuer = c.v
			md.set("issuer", &md.Issuer, c.v, Source{From: c.from, Evidence: c.v})
			break
		}
	}

	// Place: the issuer's name and the title first; addressee lines and
	// the body mention other places, so the body is read only for cues.
	site := strings.Join(nonEmpty(banner, in.fields["网站名称"], in.fields["主办单位"], in.fields["页面标题"]), " ")
	texts := []placeText{
		{FromSignature, signature}, {FromLetter, header}, {FromTitle, in.title},
		{FromTable, table}, {FromNotice, strings.Join(notice, " ")},
		{FromTable, analyzers.StripSpaces(in.fields["信息来源"])}, {FromSite, site}, {FromBody, opening},
	}
	p, found := resolvePlace(g, texts)
	lead := firstRunes(analyzers.StripSpaces(in.title+in.preamble), 160)
	hint := levelHint(nonEmpty(issuer, in.title, md.Notice), lead)
	if !found || p.depth() < hint {
		// The issuer says 市 or 县 but names no place below what was
		// found: the body's cues may say which.
		if bp, ok := bodyPlace(g, in.body); ok && (!found || consistent(p, bp)) && bp.depth() >= hint {
			p, found = bp, true
		} else if bp, ok := bodyMentions(g, in.body, hint); ok && (!found || consistent(p, bp)) {
			p, found = bp, true
		}
	}
	if found {
		md.set("county", &md.County, p.county, p.src)
		md.set("city", &md.City, p.city, p.src)
		md.set("province", &md.Province, p.province, p.src)
		md.set("level", &md.Level, levelName(p.level), p.src)
	} else {
		// A city the gazetteer does not know (renamed, or made up in a
		// test) is still a city when it issues the document.
		for _, t := range texts[:5] {
			if m := cityIssuerRe.FindStringSubmatch(analyzers.StripSpaces(t.text)); m != nil && !strings.ContainsAny(m[1], "全本我各该省") {
				src := Source{From: t.from, Evidence: t.text}
				md.set("city", &md.City, m[1]+"市", src)
				md.set("level", &md.Level, "市级", src)
				break
			}
		}
	}
	if !found && md.City == "" {
		// No place of its own, but the province it works in: the level
		// stays the one its text speaks at (全市), not the province's.
		if pp, ok := bodyProvince(g, in.body); ok {
			md.set("province", &md.Province, pp.province, pp.src)
		}
	}
	if md.Level == "" {
		if lv := levelName(hint); lv != "" {
			md.set("level", &md.Level, lv, Source{From: FromBody, Evidence: clip(lead, 30)})
		} else if lv, ev := bodyLevel(in.body); lv != "" {
			md.set("level", &md.Level, lv, Source{From: FromBody, Evidence: ev})
		}
	}
	if md.Issuer == "" && found {
		// No signature, letterhead or table: the authority of the
		// document's own place as its text names it (广州市卫生计生委主动…).
		for _, m := range authorityRe.FindAllString(firstRunes(in.body, 1500), -1) {
			if ms := g.Find(m); len(ms) > 0 && ms[0].Start == 0 {
				if q, ok := disambiguate(ms[0], nil, nil); ok && q.name() == p.name() && q.level == p.level {
					md.set("issuer", &md.Issuer, m, Source{From: FromBody, Evidence: m})
					break
				}
			}
		}
	}
	if office := strings.TrimSuffix(md.Issuer, "办公室"); office != md.Issuer && commissionRe.MatchString(office) {
		// The commission's general office signs for it (包头市卫生和计划
		// 生育委员会办公室): as a facet value it is the commission.
		src := md.Prov["issuer"]
		src.Evidence = md.Issuer
		md.set("issuer", &md.Issuer, office, src)
	}
	if full := fullIssuer(g, md.Issuer, p, found); full != md.Issuer {
		src := md.Prov["issuer"]
		src.Evidence = md.Issuer + " → " + full
		md.set("issuer", &md.Issuer, full, src)
	} else if placeless(md.Issuer) {
		// 区卫生健康局 with no place to complete it is the text speaking of
		// an office, not naming the issuer: as a facet value it would lump
		// every district's office together.
		md.Issuer = ""
		delete(md.Prov, "issuer")
	}

	dateSrc := []struct{ from, v string }{{FromTable, in.fields["成文日期"]}}
	for _, d := range dates {
		dateSrc = append(dateSrc, struct{ from, v string }{FromSignature, d})
	}
	dateSrc = append(dateSrc, struct{ from, v string }{FromTable, in.fields["公开日期"]}, struct{ from, v string }{FromTable, in.fields["发布日期"]})
	for _, c := range dateSrc {
		if d := normDate(c.v); d != "" {
			md.set("pub_date", &md.PubDate, d, Source{From: c.from, Evidence: c.v})
			break
		}
	}

	if n := analyzers.StripSpaces(in.fields["文号"]); n != "" {
		md.set("doc_number", &md.DocNumber, n, Source{From: FromTable, Evidence: in.fields["文号"]})
	} else {
		for _, line := range append(slices.Clone(in.front), in.title) {
			if m := ownDocNumber(line); m != "" {
				md.set("doc_number", &md.DocNumber, analyzers.StripSpaces(m), Source{From: FromNotice, Evidence: clip(line, 40)})
				break
			}
		}
	}
	return md
}

// ownDocNumber returns the first document number in line that is not
// another document's: a number in brackets after a cited title
// (根据《…的通知》(衡卫发〔2018〕36号)精神) is the cited one's.
func ownDocNumber(line string) string {
	for _, loc := range docNumberRe.FindAllStringIndex(line, -1) {
		before := strings.TrimRight(line[:loc[0]], " \t")
		if strings.HasSuffix(before, "》(") || strings.HasSuffix(before, "》（") || strings.HasSuffix(before, "》") {
			continue
		}
		return line[loc[0]:loc[1]]
	}
	return ""
}

// commissionRe matches a health authority's name ending in its office
// kind: what a general office (办公室) signs for.
var commissionRe = regexp.MustCompile(`(?:卫生健康|卫健|卫生计生|卫计|卫生和计划生育)(?:委员会|委|局)$`)

// authorityRe finds a health authority's name in running text.
var authorityRe = regexp.MustCompile(`\p{Han}{2,12}?(?:卫生健康|卫健|卫生计生|卫计|卫生和计划生育)(?:委员会|委|局)`)

// openingIssuerRe finds the authority a report's first sentence names as
// its subject: 2022年，番禺区卫生健康局围绕…, 2023年，市卫生健康委以….
var openingIssuerRe = regexp.MustCompile(`^(?:(?:19|20)\d{2}年度?[,，]?(?:是\p{Han}{0,30}?[,，])?|今年以来[,，]?)?(\p{Han}{0,10}?(?:卫生健康|卫健|卫生计生|卫计|卫生和计划生育)(?:委员会|委|局))`)

// titleIssuerRe finds an issuer that heads a title without a year before
// it: 德清县卫生健康局关于2021年工作总结.
var titleIssuerRe = regexp.MustCompile(`^(\p{Han}{2,20}?(?:卫生健康|卫健|卫生计生|卫计|卫生和计划生育|卫生)(?:委员会|委|局|厅))`)

// levelWordRe finds the level an issuer names without naming its place:
// 市卫生健康委, 县卫健局, and the masked X区卫生健康局 of a reposted copy.
var levelWordRe = regexp.MustCompile(`^(?:(?:19|20)\d{2}年度?)?(?:[Xx×*＊某]{1,3})?([县区旗市省])(?:卫生|卫健|卫计|计生)`)

// levelHint is the level that the issuer, title or notice (names, taken in
// that order) or the opening lines speak at when they name no place:
// 市卫生健康委, 县卫健局, 全县.
func levelHint(names []string, lead string) gazetteer.Level {
	word := ""
	for _, n := range names {
		if m := levelWordRe.FindStringSubmatch(analyzers.StripSpaces(n)); m != nil {
			word = m[1]
			break
		}
	}
	switch {
	case word == "县" || word == "区" || word == "旗" || word == "" && (strings.Contains(lead, "全县") || strings.Contains(lead, "全旗")):
		return gazetteer.County
	case word == "市" || word == "" && strings.Contains(lead, "全市"):
		return gazetteer.City
	case word == "省" || word == "" && strings.Contains(lead, "全省"):
		return gazetteer.Province
	}
	return 0
}

// levelWords are the words a text speaks of its own level in: the whole
// area it covers (全市) and the party committee that leads it (市委).
// 全区 is not among them: regions (自治区) say it too (see bodyLevel).
var levelWords = map[string][]string{
	"省级": {"全省", "省委"},
	"市级": {"全市", "市委"},
	"县级": {"全县", "全旗", "县委", "旗委", "区委"},
}

// autonomousRegionRe finds a text of an autonomous region, whose whole
// (全区) is a province's.
var autonomousRegionRe = regexp.MustCompile(`自治区|广西|内蒙古|西藏|宁夏|新疆`)

// bodyLevel is the level a text speaks at when nothing else tells: the
// level whose words it uses most, with the words counted; none on a tie.
func bodyLevel(body string) (level, evidence string) {
	best, tie := 0, false
	for lv, words := range levelWords {
		if lv == "县级" && !autonomousRegionRe.MatchString(body) {
			// Outside the autonomous regions, 全区 is a district's own.
			words = append(slices.Clone(words), "全区", "区政府")
		}
		n, ev := 0, ""
		for _, w := range words {
			if c := strings.Count(body, w); c > 0 {
				n += c
				ev += fmt.Sprintf("%s×%d ", w, c)
			}
		}
		switch {
		case n > best:
			best, level, evidence, tie = n, lv, strings.TrimSpace(ev), false
		case n == best && n > 0:
			tie = true
		}
	}
	if tie {
		return "", ""
	}
	return level, evidence
}

// levelName names a level as the documents do.
func levelName(l gazetteer.Level) string {
	switch l {
	case gazetteer.Province:
		return "省级"
	case gazetteer.City:
		return "市级"
	case gazetteer.County:
		return "县级"
	}
	return ""
}

// fullIssuer writes an issuer's short form in full once the place is
// known: 市卫生计生委 → 温州市卫生计生委, 县卫健局 → 德清县卫健局, and a
// bare 卫生健康委员会 → 无锡市卫生健康委员会. The rest is kept as written,
// so the era's name (卫生计生委 before 2018) stays.
func fullIssuer(g *gazetteer.Gazetteer, issuer string, p place, found bool) string {
	if issuer == "" || !found {
		return issuer
	}
	if ms := g.Find(issuer); len(ms) > 0 && ms[0].Start == 0 {
		return issuer
	}
	first, size := utf8.DecodeRuneInString(issuer)
	var name string
	switch first {
	case '县', '区', '旗':
		name = p.county
	case '市':
		// A county-level city (海宁市) speaks of itself as 市 too.
		name = p.city
		if strings.HasSuffix(p.county, "市") {
			name = p.county
		}
	case '省':
		name = p.province
	default:
		if strings.HasPrefix(issuer, "卫") || strings.HasPrefix(issuer, "计") {
			return p.name() + issuer
		}
		return issuer
	}
	if strings.HasSuffix(name, string(first)) {
		return name + issuer[size:]
	}
	return issuer
}

// placeless reports whether an issuer's name starts with a bare level
// (区卫生健康局, 市卫健委) or with the office itself (卫生健康局), naming
// no place.
func placeless(issuer string) bool {
	first, _ := utf8.DecodeRuneInString(issuer)
	return strings.ContainsRune("省市县区旗卫计", first)
}

// nonEmpty returns the non-empty strings of ss.
func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// normDate returns the first date in s as YYYY-MM-DD, or "".
func normDate(s string) string {
	s = analyzers.StripSpaces(s)
	if m := cnDateRe.FindStringSubmatch(s); m != nil {
		y := 0
		for _, r := range m[1] {
			y = y*10 + cnDigitValue(r)
		}
		mo, _ := cnValue(m[2])
		d, _ := cnValue(m[3])
		return fmtDate(y, mo, d)
	}
	m := dateRe.FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	y, _ := strconv.Atoi(m[1])
	mo, d := m[2], m[3]
	if mo == "" {
		mo, d = m[4], m[5]
	}
	mon, _ := strconv.Atoi(mo)
	day, _ := strconv.Atoi(d)
	return fmtDate(y, mon, day)
}

// fmtDate formats a date, or returns "" when it is not a calendar date.
func fmtDate(y, m, d int) string {
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
}

// cnDigitValue returns the value of a digit of a year in Chinese numerals.
func cnDigitValue(r rune) int {
	if r == '〇' || r == '○' || r == '零' {
		return 0
	}
	return cnDigits[r]
}

// firstNonEmpty returns the first non-empty string.
func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// firstRunes returns at most n runes of s.
func firstRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// titleJunkRe matches what reposting sites add to a title: 【完整版】,
// (全文), 范文, 精选, 汇编(5篇), the file's extension (.docx).
var titleJunkRe = regexp.MustCompile(`(?:[【\[(（][^】\])）]{1,8}[】\])）]|范文|精选|最新|全文|参考|汇编|汇总|合集|大全|集锦|通用|材料|[0-9一二三四五六七八九十]+篇|\.(?i:docx?|pdf|wps|txt))+$`)

// tidyTitle tidies a title line and drops a reposting site's additions.
func tidyTitle(s string) string {
	t := tidy(s)
	if u := strings.TrimSpace(titleJunkRe.ReplaceAllString(t, "")); u != "" {
		return u
	}
	return t
}

// openingYearRe finds the year a document's first sentence speaks of:
// 2021年是…, 2020年，全市…, 2019年以来.
var openingYearRe = regexp.MustCompile(`^\p{Han}{0,6}?((?:19|20)\d{2})\s*年(?:是|，|,|以来|全市|全县|全区|全省|全州|我)`)

// wholeYearType finds the year and kind of the document as a whole (that of
// its first part): from the title, else the notice that issues it, else its
// first part's heading, else its opening sentence, else its date. A report
// (总结) dated early in a year is of the year before; a plan (要点, 计划…)
// dated late in a year is of the year after.
// opening holds the first paragraphs, one a line.
func wholeYearType(title, notice string, parts []Part, opening, pubDate string) (whole Part, yearSrc, typeSrc Source) {
	whole.Heading = title
	quoted := notice
	if i := strings.Index(notice, "《"); i >= 0 {
		quoted = notice[i:]
	}
	switch {
	case yearOf(title) != 0:
		whole.Year, yearSrc = yearOf(title), Source{From: FromTitle, Evidence: title}
	case yearOf(quoted) != 0:
		whole.Year, yearSrc = yearOf(quoted), Source{From: FromNotice, Evidence: clip(notice, 40)}
	case len(parts) > 0 && parts[0].Year != 0:
		whole.Year, yearSrc = parts[0].Year, Source{From: FromHeading, Evidence: parts[0].Heading}
	}
	switch {
	case docTypeOf(title) != "":
		whole.DocType, typeSrc = docTypeOf(title), Source{From: FromTitle, Evidence: title}
	case docTypeOf(quoted) != "":
		whole.DocType, typeSrc = docTypeOf(quoted), Source{From: FromNotice, Evidence: clip(notice, 40)}
	case len(parts) > 0 && parts[0].DocType != "":
		whole.DocType, typeSrc = parts[0].DocType, Source{From: FromHeading, Evidence: parts[0].Heading}
	}
	if whole.DocType == "" && !otherKindRe.MatchString(analyzers.StripSpaces(title)) {
		if cues := reportCues(opening); len(cues) >= 3 {
			whole.DocType, typeSrc = "工作总结", Source{From: FromBody, Evidence: strings.Join(cues, "、")}
		}
	}
	if whole.Year != 0 {
		if y := summaryYear(opening); whole.DocType == "工作总结" && yearSrc.From == FromTitle && y == whole.Year-1 {
			// A sharing site dates a report's title by the year it posted
			// it (2023年度全市卫生健康工作总结 over 2022年，全市…): the
			// report's own opening says which year it sums up.
			whole.Year, yearSrc = y, Source{From: FromBody, Evidence: clip(opening, 20)}
		}
		return whole, yearSrc, typeSrc
	}
	for para := range strings.SplitSeq(opening, "\n") {
		if y, cue := eraYear(analyzers.StripSpaces(firstRunes(para, 80))); y != 0 {
			whole.Year = y
			return whole, Source{From: FromBody, Evidence: cue}, typeSrc
		}
		if m := openingYearRe.FindStringSubmatch(analyzers.StripSpaces(firstRunes(para, 40))); m != nil {
			whole.Year, _ = strconv.Atoi(m[1])
			return whole, Source{From: FromBody, Evidence: clip(para, 20)}, typeSrc
		}
	}
	if len(pubDate) == len("2006-01-02") {
		y, _ := strconv.Atoi(pubDate[:4])
		month, _ := strconv.Atoi(pubDate[5:7])
		switch {
		case whole.DocType == "工作总结" && month <= 3:
			y--
		case whole.DocType != "" && whole.DocType != "工作总结" && month >= 11:
			y++
		}
		whole.Year, yearSrc = y, Source{From: FromDate, Evidence: pubDate}
	}
	return whole, yearSrc, typeSrc
}

// summaryYearRe finds the year a report's opening sentence sums up:
// 2022年，全市卫生健康系统…, 2021年，我局….
var summaryYearRe = regexp.MustCompile(`^((?:19|20)\d{2})年[,，](?:全市|全县|全区|全省|全州|全旗|全盟|我)`)

// summaryYear returns the year of summaryYearRe in the opening's first
// paragraph, or 0.
func summaryYear(opening string) int {
	first, _, _ := strings.Cut(opening, "\n")
	if m := summaryYearRe.FindStringSubmatch(analyzers.StripSpaces(firstRunes(first, 40))); m != nil {
		y, _ := strconv.Atoi(m[1])
		return y
	}
	return 0
}

// eraYearRe finds a year an opening names by an event rather than by its
// digits: a five-year plan's first or last year (“十四五”开局之年), or an
// anniversary (建党100周年). Reposts that change a year's digits (2024年是
// “十二五”规划的收官之年) and masked copies (xxxx年是…) leave these alone.
var eraYearRe = regexp.MustCompile(`(十[一二三四五]五)[”"’]?(?:规划|时期)?的?(开局|起步|收官|决胜)之年|(建党|中国共产党成立|新中国成立|中华人民共和国成立|改革开放)(\d{2,3})周年`)

// planStart is the first year of each five-year plan.
var planStart = map[string]int{"十一五": 2006, "十二五": 2011, "十三五": 2016, "十四五": 2021, "十五五": 2026}

// eventYear is the year of each event anniversaries count from.
var eventYear = map[string]int{"建党": 1921, "中国共产党成立": 1921, "新中国成立": 1949, "中华人民共和国成立": 1949, "改革开放": 1978}

// eraYear returns the year text names by an event, and the words that name
// it; 0 when it names none.
func eraYear(text string) (int, string) {
	m := eraYearRe.FindStringSubmatch(text)
	switch {
	case m == nil:
		return 0, ""
	case m[1] != "":
		y := planStart[m[1]]
		if m[2] == "收官" || m[2] == "决胜" {
			y += 4
		}
		return y, m[0]
	default:
		n, _ := strconv.Atoi(m[4])
		return eventYear[m[3]] + n, m[0]
	}
}

// reportWords say that work was done: a report (总结) is full of them in
// its opening paragraphs, a plan speaks of what is to be done instead.
var reportWords = []string{"取得", "完成", "成效", "获评", "圆满", "实现了", "同比", "较上年", "累计", "顺利通过", "交出了", "稳步推进", "成绩"}

// planWords say that work is to be done.
var planWords = []string{"力争", "确保", "总体要求", "总体思路", "主要目标", "重点抓好", "要坚持", "要以", "将进一步", "计划"}

// reportCues returns the report words of text when they clearly outweigh
// its plan words, and nothing otherwise: a title-less text is taken for
// a report only when it reads like one.
func reportCues(text string) []string {
	var report []string
	n := 0
	for _, w := range reportWords {
		if c := strings.Count(text, w); c > 0 {
			report = append(report, w)
			n += c
		}
	}
	plan := 0
	for _, w := range planWords {
		plan += strings.Count(text, w)
	}
	if n < 2*plan+1 {
		return nil
	}
	return report
}

// bodyStart is the opening of a document's text, where its cues are read:
// about limit bytes of its first provisions and their headings, one
// paragraph a line.
func bodyStart(blocks []block, limit int) string {
	var b strings.Builder
	for _, bl := range blocks {
		if b.Len() > limit {
			break
		}
		for _, h := range bl.headingPath {
			b.WriteString(h)
			b.WriteByte('\n')
		}
		b.WriteString(bl.text)
		b.WriteByte('\n')
	}
	return b.String()
}

// MissingFields are the metadata fields an operator is told about when a
// document lacks them, in the order they are reported.
var MissingFields = []string{"city", "province", "year", "doc_type", "issuer"}

// Missing lists the fields of MissingFields that d lacks. A province-level
// document has no city to lack.
func (d *Document) Missing() []string {
	var out []string
	for _, f := range MissingFields {
		var empty bool
		switch f {
		case "city":
			empty = d.City == "" && d.Level != "省级"
		case "province":
			empty = d.Province == ""
		case "year":
			empty = d.Year == 0
		case "doc_type":
			empty = d.DocType == ""
		case "issuer":
			empty = d.Issuer == ""
		}
		if empty {
			out = append(out, f)
		}
	}
	return out
}

// ownWorkRe finds what says a text is a place's own health work: the
// health system's work (全市卫生健康工作要点, 卫生计生工作总结) or an
// authority speaking of itself (我委, 我局).
var ownWorkRe = regexp.MustCompile(`(?:卫生健康|卫生计生|卫生和计划生育|卫健|卫计)(?:系统)?(?:各项)?工作|(?:我|本)(?:委|局)`)

// institutionRe finds a body other than the authority whose work a title
// may be (a hospital's, a CDC's): its plan is not the authority's.
var institutionRe = regexp.MustCompile(`医院|卫生院|中心|疾控|监督所|保健院|研究所|学会|协会|学校|学院|党委|党组|支部|工会`)

// municipalityNames are the province-level cities, whose districts'
// health authorities are commissions (委员会), not bureaus.
var municipalityNames = map[string]bool{"北京市": true, "天津市": true, "上海市": true, "重庆市": true}

// impliedIssuer is the health authority that issues a place's own yearly
// health work document when the document does not sign itself: a repost
// keeps the body and drops the notice and signature, yet a 全省卫生健康
// 工作要点 of 2021 is the provincial commission's. The name is the one of
// the year it was written (a 工作总结 the spring after its year): the
// health and family-planning commissions (卫生和计划生育委员会, at county
// level 卫生和计划生育局) became health commissions (卫生健康委员会,
// 卫生健康局) in the reform of 2018, most counties by 2019. It returns ""
// when the place, the year or the kind of text is unknown, before 2014, or
// when the title is another body's (a hospital's plan).
func impliedIssuer(d *Document) (string, Source) {
	lead := d.Title
	for _, p := range d.Provisions {
		if utf8.RuneCountInString(lead) >= 600 {
			break
		}
		lead += "\n" + strings.Join(p.HeadingPath, "\n") + "\n" + p.Text
	}
	if d.Year == 0 || d.DocType == "" || institutionRe.MatchString(d.Title) || otherKindRe.MatchString(analyzers.StripSpaces(d.Title)) {
		// A kindred plan (规划, 行动计划) is as often the government's.
		return "", Source{}
	}
	m := ownWorkRe.FindString(lead)
	if m == "" {
		return "", Source{}
	}
	written := d.Year
	if d.DocType == "工作总结" {
		written++
	}
	if written < 2014 {
		return "", Source{}
	}
	var name string
	switch d.Level {
	case "省级":
		name = d.Province
	case "市级":
		name = d.City
	case "县级":
		name = d.County
	}
	if name == "" {
		return "", Source{}
	}
	commission := d.Level != "县级" || municipalityNames[d.Province]
	var office string
	switch {
	case written >= 2019 && commission:
		office = "卫生健康委员会"
	case written >= 2019:
		office = "卫生健康局"
	case commission:
		office = "卫生和计划生育委员会"
	default:
		office = "卫生和计划生育局"
	}
	return name + office, Source{From: FromAuthority, Evidence: fmt.Sprintf("%s, %d, %s", name, d.Year, m)}
}

// implyIssuer gives a document that names no issuer, or whose issuer was
// implied from metadata since changed, the one its place and year imply.
func implyIssuer(d *Document) {
	if d.Issuer != "" && d.Provenance["issuer"].From != FromAuthority {
		return
	}
	d.Issuer = ""
	delete(d.Provenance, "issuer")
	if v, src := impliedIssuer(d); v != "" {
		d.Issuer = v
		d.Provenance["issuer"] = src
	}
}
