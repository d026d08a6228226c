package indexer

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// cleaned is a document's text after the page chrome is gone: the content
// lines in order and the labelled fields the chrome carried (发布机构,
// 成文日期, 文号…), which are metadata rather than text.
type cleaned struct {
	lines  []string          // trimmed, bullet-free, non-empty content lines
	fields map[string]string // chrome label (spaces removed, synonyms merged) → value
}

// fieldLabels are the labels of the metadata tables that government web
// pages put above a document. Synonyms map to one name so that metadata
// code asks for one key only.
var fieldLabels = map[string]string{
	"索引号": "索引号", "主题分类": "主题分类", "组配分类": "组配分类", "体裁分类": "体裁分类",
	"发布机构": "发布机构", "发文机关": "发布机构", "发文单位": "发布机构",
	"成文日期": "成文日期", "公开日期": "公开日期", "发布日期": "发布日期", "发布时间": "发布日期",
	"文号": "文号", "发文字号": "文号", "信息来源": "信息来源", "来源": "信息来源",
	"浏览次数": "浏览次数", "访问次数": "浏览次数", "点击数": "浏览次数", "公开方式": "公开方式",
	"公开范围": "公开范围", "有效性": "有效性", "生效日期": "生效日期", "主题词": "主题词",
	"作者": "作者", "字号": "字号", "所属主题": "主题分类", "内容分类": "主题分类", "信息分类": "主题分类",
	"废止日期": "废止日期", "服务对象": "服务对象", "发文机构": "发布机构", "成文时间": "成文日期",
	"文件编号": "文号", "公开时限": "公开时限", "关键词": "主题词",
}

// labelRe finds a chrome label followed by a colon; web pages space the
// characters of short labels out ("索 引 号", "文  号"). labelStartRe is the
// same anchored at the start, a quick test that fails fast on body lines.
var labelRe, labelStartRe = func() (*regexp.Regexp, *regexp.Regexp) {
	alts := make([]string, 0, len(fieldLabels))
	for label := range fieldLabels {
		chars := strings.Split(label, "")
		alts = append(alts, strings.Join(chars, `[ \t\x{3000}]*`))
	}
	// Longer labels first so that 发布日期 wins over 来源-style prefixes.
	sortByLenDesc(alts)
	expr := `(` + strings.Join(alts, "|") + `)[ \t\x{3000}]*[:：]`
	return regexp.MustCompile(expr), regexp.MustCompile(`^` + expr)
}()

// chromeRes match whole lines that belong to the web page around the
// document, not to the document: share and print buttons, copyright and
// registration footers, article-site blurbs, disclosure notes.
var chromeRes = []*regexp.Regexp{
	regexp.MustCompile(`^分享到`),
	regexp.MustCompile(`版权所有|备案序号|ICP备|公网安备|网站标识码|技术支持[:：]|主办单位[:：]|承办单位[:：]`),
	regexp.MustCompile(`^美章网|资料文库|本站小编|欢迎深入阅读|范文$`),
	regexp.MustCompile(`^[(（](?:此件|本件)[^)）]{0,12}[)）]$`),
	regexp.MustCompile(`^[(（]信息公开(?:形式|选项|方式)[:：][^)）]*[)）]$`),
	regexp.MustCompile(`^(?:上一篇|下一篇)[:：]`),
	// Aggregator sites: preview limits, download counters, paywalls, the
	// "compiled for you" blurb, recommendation lists.
	regexp.MustCompile(`^(?:温馨提示|推荐访问|相关推荐|猜你喜欢|热门文章|相关文章|您的当前位置|您的位置|当前位置|所在位置|您所在的位置)[:：]?`),
	regexp.MustCompile(`(?:下载|浏览|收藏|点赞|评分|阅读)[:：]?\s*\d+.*(?:下载|浏览|收藏|点赞|评分|阅读)[:：]?\s*[\d-]`),
	regexp.MustCompile(`^(?:VIP|侵权投诉|手机版|举报|海报|免费文档|付费文档|原创力文档|文库|实用文档|返回顶部|听全文|在线阅读)`),
	regexp.MustCompile(`(?:供大家参考|仅供参考|欢迎阅读|欢迎借鉴)[。.!！]?$`),
	regexp.MustCompile(`阅读全部|需要先登录|登录后|下载原文档|全部内容|点击查看更多|展开全文|下载网址|请加微|润笔`),
	regexp.MustCompile(`^(?:标签|关键字|TAG|Tags?)[:：]`),
	regexp.MustCompile(`^(?:来源|时间|点击|查看|发布时间|发布日期)[:：].{0,40}(?:点击|查看|浏览|阅读)[:：]?`),
	regexp.MustCompile(`^-$|^\d{1,3}\s*/\s*\d{1,3}$|^第\s*\d+\s*页\s*[/／]?\s*共\s*\d+\s*页$`),
}

// buttonWords are the words of toolbar lines such as "关闭 打印" or
// "【打印本页】【关闭窗口】": a line made only of them is chrome.
var buttonWords = map[string]bool{
	"关闭": true, "打印": true, "关闭窗口": true, "打印本页": true, "打印此页": true, "收藏": true,
	"返回顶部": true, "分享": true, "微信": true, "微博": true, "扫一扫": true, "字号": true,
	"大": true, "中": true, "小": true, "默认": true, "保存": true, "返回": true,
}

// tagRe matches an HTML tag, or a style rule, left in copied text.
var tagRe = regexp.MustCompile(`</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>|\.[a-z][a-z0-9]*\{[^{}]*\}`)

// markupLeftRe matches what remains of a line that was only markup: a list
// number, a bullet, punctuation.
var markupLeftRe = regexp.MustCompile(`^(?:\d{1,2}[.、]?|[-–•·●*.,;:|])?$`)

// sponsorRe matches a site footer naming its sponsor, 主办单位：某某县卫生健康局.
var sponsorRe = regexp.MustCompile(`^(?:主办单位|主办|网站主办)[:：]\s*([^\s|]{2,30})`)

// bulletRe matches a list bullet at the start of a line; "-" counts only
// when followed by white space so that "-1" style text is left alone.
var bulletRe = regexp.MustCompile(`^(?:[-–•·●▪■◆*][ \t\x{3000}]+|[•●▪■◆][ \t\x{3000}]*)`)

// cleanText removes what is not the document from text: web-page chrome
// lines, metadata tables (kept as fields), table pipes, list bullets, blank
// lines. Everything else is kept verbatim apart from trimming each line.
func cleanText(text string) cleaned {
	c := cleaned{fields: map[string]string{}}
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	for _, raw := range strings.Split(text, "\n") {
		line := trimSpace(raw)
		if line == "" {
			continue
		}
		if isTableRow(line) {
			line = c.flattenRow(line)
			if line == "" {
				continue
			}
		}
		if strings.ContainsRune(line, '<') && markupLeftRe.MatchString(trimSpace(tagRe.ReplaceAllString(line, ""))) {
			// Reposts carry lines of stray markup; one with nothing else
			// (a list number, a bullet) is the markup's, not the
			// document's. Markup inside a line of text stays: it is text.
			continue
		}
		line = trimSpace(bulletRe.ReplaceAllString(line, ""))
		if line == "" || c.takeFields(line) || isChrome(line) {
			continue
		}
		if sponsor := sponsorRe.FindStringSubmatch(line); sponsor != nil {
			// The site's sponsor names whose site it is: a weak cue to
			// the place, kept as a field.
			c.setField("主办单位", trimSpace(sponsor[1]))
			continue
		}
		c.lines = append(c.lines, line)
	}
	return c
}

// isTableRow reports whether line is a row of a "|"-separated table, the
// form some sites export their metadata table and layout cells in.
func isTableRow(line string) bool {
	return strings.HasPrefix(line, "|") || strings.HasSuffix(line, "|") || strings.Contains(line, " | ")
}

// flattenRow takes the label/value cells of a table row into fields and
// returns the remaining cells joined by a space (empty if none remain).
func (c *cleaned) flattenRow(line string) string {
	var cells []string
	for _, cell := range strings.Split(line, "|") {
		if cell = trimSpace(cell); cell != "" {
			cells = append(cells, cell)
		}
	}
	var kept []string
	for i := 0; i < len(cells); i++ {
		if key, ok := fieldLabels[stripSpaces(strings.TrimRight(cells[i], ":："))]; ok {
			if i+1 < len(cells) {
				if _, next := fieldLabels[stripSpaces(cells[i+1])]; !next {
					c.setField(key, cells[i+1])
					i++
				}
			}
			continue
		}
		kept = append(kept, cells[i])
	}
	return strings.Join(kept, " ")
}

// takeFields records the label: value pairs of a metadata line such as
// "发布机构: 省卫生健康委员会 文  号: 浙卫发〔2022〕8号" and reports whether
// the line was one (it must start with a label).
func (c *cleaned) takeFields(line string) bool {
	locs := labelRe.FindAllStringSubmatchIndex(line, -1)
	switch {
	case labelStartRe.MatchString(line):
	case len(locs) >= 2 && utf8.RuneCountInString(line) <= 100:
		// "青岛政务网 发布日期：… 来源：…": the site's name, then its
		// fields.
		c.setField("网站名称", trimSpace(line[:locs[0][0]]))
	default:
		return false
	}
	for i, loc := range locs {
		end := len(line)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		label := stripSpaces(line[loc[2]:loc[3]])
		c.setField(fieldLabels[label], trimSpace(line[loc[1]:end]))
	}
	return true
}

// setField keeps the first non-empty value seen for a field.
func (c *cleaned) setField(key, value string) {
	if value != "" && c.fields[key] == "" {
		c.fields[key] = value
	}
}

// chromeMax is the longest line (in runes) that is checked for chrome:
// page furniture is short, and body paragraphs are spared the checks.
const chromeMax = 120

// isChrome reports whether a line is web-page furniture.
func isChrome(line string) bool {
	if utf8.RuneCountInString(line) > chromeMax {
		return false
	}
	for _, re := range chromeRes {
		if re.MatchString(line) {
			return true
		}
	}
	words := strings.FieldsFunc(line, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune("【】[]|/:：", r)
	})
	if len(words) == 0 {
		return false
	}
	for _, w := range words {
		if !buttonWords[w] {
			return false
		}
	}
	return true
}

// tidy returns the display form of a stretch of document text: white space
// that layout put between Chinese characters, digits and punctuation is
// removed ("加强 党的建设", "开展 3 次", "10项 ，"), a space is kept between
// Latin words, and white space containing a line break becomes a paragraph
// break ("\n"). Characters are otherwise kept.
func tidy(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	var prev rune // last rune written, 0 at a paragraph start
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isSpace(r) {
			b.WriteRune(r)
			prev = r
			i += size
			continue
		}
		j, newline := i, false
		for j < len(s) {
			r2, size2 := utf8.DecodeRuneInString(s[j:])
			if !isSpace(r2) {
				break
			}
			newline = newline || r2 == '\n'
			j += size2
		}
		next, _ := utf8.DecodeRuneInString(s[j:])
		switch {
		case prev == 0 || j == len(s):
			// Leading or trailing white space of a paragraph.
		case newline:
			b.WriteByte('\n')
			prev = 0
		case isTight(prev) && isTight(next) && (isCJK(prev) || isCJK(next)):
		default:
			b.WriteByte(' ')
			prev = ' '
		}
		i = j
	}
	return strings.TrimSpace(b.String())
}

// isSpace reports white space, including the ideographic space and
// no-break space that layout uses for indentation.
func isSpace(r rune) bool { return unicode.IsSpace(r) || r == '\u3000' || r == '\u00a0' }

// isCJK reports Han characters and CJK, full-width and general punctuation,
// next to which a space carries no meaning.
func isCJK(r rune) bool {
	switch {
	case r >= 0x4e00 && r <= 0x9fff, r >= 0x3400 && r <= 0x4dbf, unicode.Is(unicode.Han, r):
		return true
	case r >= 0x3000 && r <= 0x303f, r >= 0xff00 && r <= 0xffef, r >= 0x2010 && r <= 0x206f:
		return true
	}
	return false
}

// isTight reports characters between which layout spaces are dropped when
// one side is Chinese: Chinese itself, digits and punctuation (but not
// Latin letters, whose word spacing is meaningful).
func isTight(r rune) bool {
	return isCJK(r) || r >= '0' && r <= '9' || r < 0x80 && unicode.IsPunct(r) || r == '%' || r == '+'
}

// trimSpace trims white space including ideographic spaces.
func trimSpace(s string) string { return strings.TrimFunc(s, isSpace) }

// stripSpaces removes all white space from s.
func stripSpaces(s string) string {
	return strings.Map(func(r rune) rune {
		if isSpace(r) {
			return -1
		}
		return r
	}, s)
}

// sortByLenDesc sorts strings longest first (insertion sort: the lists are short).
func sortByLenDesc(xs []string) {
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && (len(xs[j]) > len(xs[j-1]) || len(xs[j]) == len(xs[j-1]) && xs[j] < xs[j-1]); j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
}
