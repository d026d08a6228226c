package indexer

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// provinceOfCity maps prefecture-level cities (name without 市) to their
// province: all of those of the provinces the collection covers (Zhejiang,
// Jiangsu, Guizhou) and the larger cities of the others. A city not listed
// is still recognised from an issuer such as 某某市卫生健康委员会, only its
// province stays unknown.
var provinceOfCity = map[string]string{
	// 浙江省
	"杭州": "浙江省", "宁波": "浙江省", "温州": "浙江省", "嘉兴": "浙江省", "湖州": "浙江省", "绍兴": "浙江省",
	"金华": "浙江省", "衢州": "浙江省", "舟山": "浙江省", "台州": "浙江省", "丽水": "浙江省",
	// 江苏省
	"南京": "江苏省", "无锡": "江苏省", "徐州": "江苏省", "常州": "江苏省", "苏州": "江苏省", "南通": "江苏省",
	"连云港": "江苏省", "淮安": "江苏省", "盐城": "江苏省", "扬州": "江苏省", "镇江": "江苏省", "泰州": "江苏省",
	"宿迁": "江苏省",
	// 贵州省
	"贵阳": "贵州省", "六盘水": "贵州省", "遵义": "贵州省", "安顺": "贵州省", "毕节": "贵州省", "铜仁": "贵州省",
	// Other provinces.
	"合肥": "安徽省", "芜湖": "安徽省", "安庆": "安徽省", "福州": "福建省", "厦门": "福建省", "泉州": "福建省",
	"南昌": "江西省", "赣州": "江西省", "九江": "江西省", "济南": "山东省", "青岛": "山东省", "烟台": "山东省",
	"潍坊": "山东省", "临沂": "山东省", "郑州": "河南省", "洛阳": "河南省", "南阳": "河南省", "武汉": "湖北省",
	"宜昌": "湖北省", "襄阳": "湖北省", "长沙": "湖南省", "株洲": "湖南省", "岳阳": "湖南省", "广州": "广东省",
	"深圳": "广东省", "佛山": "广东省", "东莞": "广东省", "汕头": "广东省", "南宁": "广西壮族自治区",
	"柳州": "广西壮族自治区", "桂林": "广西壮族自治区", "海口": "海南省", "三亚": "海南省", "成都": "四川省",
	"绵阳": "四川省", "宜宾": "四川省", "昆明": "云南省", "曲靖": "云南省", "西安": "陕西省", "宝鸡": "陕西省",
	"兰州": "甘肃省", "西宁": "青海省", "银川": "宁夏回族自治区", "太原": "山西省", "大同": "山西省",
	"石家庄": "河北省", "保定": "河北省", "唐山": "河北省", "沈阳": "辽宁省", "大连": "辽宁省", "长春": "吉林省",
	"哈尔滨": "黑龙江省", "呼和浩特": "内蒙古自治区", "包头": "内蒙古自治区", "乌鲁木齐": "新疆维吾尔自治区",
}

// provinces lists province-level names as a document may write them.
var provinces = []string{
	"北京市", "天津市", "上海市", "重庆市", "河北省", "山西省", "辽宁省", "吉林省", "黑龙江省", "江苏省", "浙江省",
	"安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "海南省", "四川省", "贵州省",
	"云南省", "陕西省", "甘肃省", "青海省", "台湾省", "内蒙古自治区", "广西壮族自治区", "西藏自治区",
	"宁夏回族自治区", "新疆维吾尔自治区",
}

var (
	// issuerRe matches a line that is just the name of a health authority,
	// as in a signature (落款) or letterhead.
	issuerRe = regexp.MustCompile(`^\p{Han}{0,16}(?:卫生|卫健|健康|计生|计划生育)\p{Han}{0,10}(?:委员会|委|局|厅|办公室|中心)$`)
	// dateRe matches a date written 2020年4月30日 or 2022-03-12 (or 2022/3/12).
	dateRe = regexp.MustCompile(`((?:19|20)\d{2})\s*(?:年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日|[-/.](\d{1,2})[-/.](\d{1,2}))`)
	// cnDateRe matches a date in Chinese numerals, 二〇二〇年四月三十日.
	cnDateRe = regexp.MustCompile(`^([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,4})日$`)
	// docNumberRe matches a document number such as 浙卫发〔2022〕8号.
	docNumberRe = regexp.MustCompile(`\p{Han}{1,10}\s*[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]\s*\d{1,4}\s*号`)
	// yearRe finds a year such as 2020年 (also 2020 年).
	yearRe = regexp.MustCompile(`((?:19|20)\d{2})\s*年`)
	// titleRe matches the document's own title line: a work-plan or report
	// title, not the notice (关于印发…的通知) that wraps it.
	titleRe = regexp.MustCompile(`(?:工作要点|工作总结|工作思路|工作计划|工作安排|工作打算|工作方案|要点|总结)$`)
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
	for _, short := range []string{"要点", "总结", "思路", "计划"} {
		if strings.Contains(s, short) {
			return "工作" + short
		}
	}
	return ""
}

// yearOf returns the first year (19xx/20xx followed by 年) in s, or 0.
func yearOf(s string) int {
	if m := yearRe.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		return y
	}
	return 0
}

// isTitleLine reports whether a line is a document's own title line.
func isTitleLine(line string) bool {
	t := stripSpaces(line)
	n := utf8.RuneCountInString(t)
	return n >= 4 && n <= 60 && titleRe.MatchString(t) &&
		!strings.ContainsAny(t, "《》。，,；;") && !wrapperRe.MatchString(t)
}

// isIssuerLine reports whether a line is just an authority's name.
func isIssuerLine(line string) bool {
	return issuerRe.MatchString(stripSpaces(line))
}

// isDateLine reports whether a line is just a date.
func isDateLine(line string) bool {
	t := stripSpaces(line)
	if cnDateRe.MatchString(t) {
		return true
	}
	m := dateRe.FindStringIndex(t)
	return m != nil && m[0] == 0 && m[1] == len(t)
}

// isFrontLine reports whether a line belongs to the matter around the
// document rather than to it: the wrapping notice, its addressees, the
// letterhead, the signature, date and document number.
func isFrontLine(line string) bool {
	t := stripSpaces(line)
	last, _ := utf8.DecodeLastRuneInString(t)
	switch {
	case wrapperRe.MatchString(t), isIssuerLine(t), isDateLine(t):
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

// docMeta is the document-level metadata found in the text.
type docMeta struct {
	City, Province, Level, Issuer, PubDate, DocNumber string
}

// extractMeta reads the document's metadata from its title, the lines
// around it (front), the chrome fields and the start of its preamble.
// Explicit statements win over inferred ones: a signature over a header
// over the title over the web page's 发布机构; 成文日期 over the signature
// date over publication dates.
func extractMeta(title string, front []string, fields map[string]string, preamble string) docMeta {
	var md docMeta

	var header, wrapper, signature string
	var dates []string
	for _, line := range front {
		t := stripSpaces(line)
		switch {
		case isIssuerLine(t) && signature == "":
			signature = t
		case isDateLine(t):
			dates = append(dates, t)
		case strings.HasSuffix(t, "文件") && header == "":
			if name := strings.TrimSuffix(t, "文件"); isIssuerLine(name) {
				header = name
			}
		case wrapperRe.MatchString(t) && wrapper == "":
			wrapper = t
		}
	}
	titlePrefix := ""
	if loc := yearRe.FindStringIndex(title); loc != nil && isIssuerLine(title[:loc[0]]) {
		titlePrefix = title[:loc[0]]
	}
	wrapperIssuer := ""
	if i := strings.Index(wrapper, "关于"); i > 0 && isIssuerLine(wrapper[:i]) {
		wrapperIssuer = wrapper[:i]
	}
	md.Issuer = firstNonEmpty(signature, header, titlePrefix, stripSpaces(fields["发布机构"]), wrapperIssuer)

	// Place: the title and the issuer name it; addressee lines and the body
	// mention other places, so they are not searched.
	places := []string{title, md.Issuer, header, signature, titlePrefix, wrapper, fields["发布机构"]}
	for _, s := range places {
		if city := knownCity(s); city != "" {
			md.City, md.Province = city+"市", provinceOfCity[city]
			break
		}
	}
	if md.City == "" {
		for _, s := range places {
			if m := cityIssuerRe.FindStringSubmatch(stripSpaces(s)); m != nil && !strings.ContainsAny(m[1], "全本我各该省") {
				md.City = m[1] + "市"
				break
			}
		}
	}
	if md.Province == "" {
		for _, s := range places {
			if p := knownProvince(s); p != "" {
				md.Province = p
				break
			}
		}
	}

	switch lead := firstRunes(stripSpaces(title+preamble), 120); {
	case countyRe.MatchString(md.Issuer) || countyRe.MatchString(title):
		md.Level = "县级"
	case md.City != "":
		md.Level = "市级"
	case md.Province != "":
		md.Level = "省级"
	case strings.HasPrefix(md.Issuer, "市") || strings.Contains(lead, "全市"):
		md.Level = "市级"
	case strings.HasPrefix(md.Issuer, "省") || strings.Contains(lead, "全省"):
		md.Level = "省级"
	case strings.HasPrefix(md.Issuer, "县") || strings.Contains(lead, "全县"):
		md.Level = "县级"
	}

	candidates := []string{fields["成文日期"]}
	candidates = append(candidates, dates...)
	candidates = append(candidates, fields["公开日期"], fields["发布日期"])
	for _, c := range candidates {
		if d := normDate(c); d != "" {
			md.PubDate = d
			break
		}
	}

	md.DocNumber = stripSpaces(fields["文号"])
	if md.DocNumber == "" {
		for _, line := range front {
			if m := docNumberRe.FindString(line); m != "" {
				md.DocNumber = stripSpaces(m)
				break
			}
		}
	}
	return md
}

// knownCity returns the first city of the table named in s (as 某某市 or
// followed by an authority's name), preferring the earliest mention.
func knownCity(s string) string {
	best, at := "", len(s)+1
	for city := range provinceOfCity {
		for _, form := range [2]string{city + "市", city + "卫生"} {
			if i := strings.Index(s, form); i >= 0 && (i < at || i == at && len(city) > len(best)) {
				best, at = city, i
			}
		}
	}
	return best
}

// knownProvince returns the province-level name written in s, if any.
func knownProvince(s string) string {
	best, at := "", len(s)+1
	for _, p := range provinces {
		if i := strings.Index(s, p); i >= 0 && i < at {
			best, at = p, i
		}
	}
	return best
}

// normDate returns the first date in s as YYYY-MM-DD, or "".
func normDate(s string) string {
	s = stripSpaces(s)
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

// officeNoteRe finds the start of a note naming the offices responsible
// for a provision: (牵头处室:疾控处;配合处室:各相关处室).
var officeNoteRe = regexp.MustCompile(`[(（]\s*(?:牵头|责任|主责)(?:处室|单位|部门)\s*[:：]`)

// genericOfficeRe matches office lists that name no office.
var genericOfficeRe = regexp.MustCompile(`^(?:各|其他|有关|相关)\p{Han}{0,4}(?:处室|单位|部门)$`)

// offices returns the lead and supporting offices a provision's text names
// in its office note. Generic entries (各相关处室) are left out; a name with
// its own parenthesis, 办公室(对外合作交流处), stays one name.
func offices(text string) (lead, support []string) {
	loc := officeNoteRe.FindStringIndex(text)
	if loc == nil {
		return nil, nil
	}
	// Find the note's closing parenthesis, allowing nested ones.
	depth, end := 0, len(text)
	for i, r := range text[loc[0]:] {
		if r == '(' || r == '（' {
			depth++
		} else if r == ')' || r == '）' {
			depth--
			if depth == 0 {
				end = loc[0] + i
				break
			}
		}
	}
	_, open := utf8.DecodeRuneInString(text[loc[0]:])
	note := text[loc[0]+open : end]
	for _, clause := range splitTop(note, "；;") {
		label, list, ok := cutAny(clause, "：:")
		if !ok {
			continue
		}
		names := officeNames(list)
		switch {
		case strings.Contains(label, "牵头") || strings.Contains(label, "责任") || strings.Contains(label, "主责"):
			lead = append(lead, names...)
		case strings.Contains(label, "配合") || strings.Contains(label, "协办") || strings.Contains(label, "参与"):
			support = append(support, names...)
		}
	}
	return lead, support
}

// officeNames splits a list of offices and keeps the named ones.
func officeNames(list string) []string {
	var out []string
	seen := map[string]bool{}
	for _, name := range splitTop(list, "、，,") {
		name = trimSpace(name)
		for _, suffix := range []string{"等各相关处室", "等相关处室", "等各处室", "等处室", "等单位", "等"} {
			if strings.HasSuffix(name, suffix) && name != suffix {
				name = strings.TrimSuffix(name, suffix)
				break
			}
		}
		if name == "" || genericOfficeRe.MatchString(name) || seen[name] {
			continue
		}
		seen[name] = true
		out = append(out, name)
	}
	return out
}

// splitTop splits s at any of seps that stand outside parentheses.
func splitTop(s, seps string) []string {
	var out []string
	depth, start := 0, 0
	for i, r := range s {
		switch {
		case r == '(' || r == '（':
			depth++
		case r == ')' || r == '）':
			depth--
		case depth == 0 && strings.ContainsRune(seps, r):
			out = append(out, s[start:i])
			start = i + utf8.RuneLen(r)
		}
	}
	return append(out, s[start:])
}

// cutAny cuts s at the first of seps.
func cutAny(s, seps string) (before, after string, ok bool) {
	if i := strings.IndexAny(s, seps); i >= 0 {
		_, size := utf8.DecodeRuneInString(s[i:])
		return s[:i], s[i+size:], true
	}
	return s, "", false
}
