package formats

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// metaLabels are the labels of the metadata tables government sites put
// around a document (索引号, 发布机构, 成文日期, 文号…), with the synonyms
// sites use. Fields keep the label as written (spaces removed); the
// indexer merges synonyms.
var metaLabels = []string{
	"索引号", "主题分类", "组配分类", "体裁分类", "内容分类", "信息分类", "服务对象",
	"发布机构", "发文机关", "发文单位", "发文机构", "成文日期", "成文时间", "公开日期", "发布日期", "发布时间",
	"文号", "发文字号", "文件编号", "信息来源", "来源", "公开方式", "公开范围", "公开时限",
	"有效性", "生效日期", "废止日期", "主题词", "关键词", "信息名称", "名称", "标题", "浏览次数", "访问次数", "点击数", "作者",
	"字体大小", "字体", "字号", // tools next to the metadata: they end a value
}

// ignoredLabels end the value before them but are not fields.
var ignoredLabels = map[string]bool{"字体大小": true, "字体": true, "字号": true}

// labelSet holds metaLabels for exact lookups of a cell's text.
var labelSet = func() map[string]bool {
	m := map[string]bool{}
	for _, l := range metaLabels {
		m[l] = true
	}
	return m
}()

// labelRe finds a label followed by a colon; sites space short labels out
// ("索 引 号", "文　　号"). labelStartRe is the same anchored at the start.
var labelRe, labelStartRe = func() (*regexp.Regexp, *regexp.Regexp) {
	alts := make([]string, 0, len(metaLabels))
	for _, label := range metaLabels {
		alts = append(alts, strings.Join(strings.Split(label, ""), `[ \t\x{3000}\x{a0}]*`))
	}
	// Longer labels first, so that 发布机构 wins over 来源-like tails.
	for i := 1; i < len(alts); i++ {
		for j := i; j > 0 && len(alts[j]) > len(alts[j-1]); j-- {
			alts[j], alts[j-1] = alts[j-1], alts[j]
		}
	}
	expr := `(` + strings.Join(alts, "|") + `)[ \t\x{3000}\x{a0}]*[:：]`
	return regexp.MustCompile(expr), regexp.MustCompile(`^[ \t\x{3000}\x{a0}]*` + expr)
}()

// labelFields records the label: value pairs of a metadata line such as
// "索 引 号：002482000/2020-12345 主题分类：卫生、体育" into fields and
// reports whether the line was one (it must start with a label and be
// short: a body paragraph is never a metadata line).
func labelFields(line string, fields map[string]string) bool {
	if utf8.RuneCountInString(line) > 200 || !labelStartRe.MatchString(line) {
		return false
	}
	locs := labelRe.FindAllStringSubmatchIndex(line, -1)
	for i, loc := range locs {
		end := len(line)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		if label := stripSpaces(line[loc[2]:loc[3]]); !ignoredLabels[label] {
			setField(fields, label, line[loc[1]:end])
		}
	}
	return true
}

// chromeRes match lines of page furniture: location bars, font-size and
// print tools, share buttons, site footers, uploader lines of aggregator
// sites, previous/next links, related-link headings, advertisements.
var chromeRes = []*regexp.Regexp{
	regexp.MustCompile(`^(当前位置|您现在的位置|您当前的位置|您的位置|所在位置|当前的位置)`),
	regexp.MustCompile(`字体大小|字号[:：]|[【\[]\s*大\s*中\s*小\s*[】\]]|^[【\[]?\s*字体[:：]`),
	regexp.MustCompile(`打印本页|打印此页|打印文章|关闭窗口|关闭本页|【\s*(打印|关闭|收藏|返回顶部)\s*】`),
	regexp.MustCompile(`分享到|扫一扫|手机扫描|在手机打开|微信扫码`),
	regexp.MustCompile(`网站标识码|ICP备|公网安备|备案号|备案序号|版权所有|(?i:copyright)|主办单位[:：]|承办单位[:：]|技术支持[:：]|网站地图|联系我们$`),
	regexp.MustCompile(`^上传人[:：]|上传时间[:：]|下载本文|^(上一篇|下一篇)[:：]`),
	regexp.MustCompile(`^(相关(链接|文章|文件|阅读|推荐|新闻|稿件)|热门推荐|热点推荐|网友评论|最新文章|猜你喜欢|推荐阅读)[:：]?$`),
	regexp.MustCompile(`【广告】|^广告$`),
}

// buttonWords are the words of toolbar lines such as "关闭 打印": a line
// made only of them is chrome.
var buttonWords = map[string]bool{
	"关闭": true, "打印": true, "关闭窗口": true, "打印本页": true, "收藏": true, "返回顶部": true,
	"分享": true, "微信": true, "微博": true, "QQ空间": true, "扫一扫": true, "大": true, "中": true,
	"小": true, "默认": true, "保存": true, "返回": true, "【": true, "】": true, "下载": true,
}

// isChrome reports whether a line is page furniture. Long lines are
// body text whatever they contain.
func isChrome(line string) bool {
	if utf8.RuneCountInString(line) > 120 {
		return false
	}
	for _, re := range chromeRes {
		if re.MatchString(line) {
			return true
		}
	}
	words := strings.FieldsFunc(line, func(r rune) bool {
		return unicode.IsSpace(r) || r == '\u3000' || strings.ContainsRune("【】[]|/:：", r)
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

// tidyLine collapses white space in a line: runs become one space, and a
// space between two characters of which one is Chinese and neither is a
// Latin letter is dropped, since layout rather than the text put it there.
func tidyLine(s string) string {
	s = trimSpace(s)
	if s == "" {
		return ""
	}
	var b strings.Builder
	b.Grow(len(s))
	var prev rune
	space := false
	for _, r := range s {
		if isSpace(r) {
			space = true
			continue
		}
		if space {
			if !(tight(prev) && tight(r) && (isCJK(prev) || isCJK(r))) {
				b.WriteByte(' ')
			}
			space = false
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

// tight reports characters between which layout spaces are dropped when
// one side is Chinese: Chinese, digits and punctuation, not Latin letters.
func tight(r rune) bool {
	return isCJK(r) || r >= '0' && r <= '9' || r < 0x80 && unicode.IsPunct(r) || r == '%' || r == '+'
}

// siteSuffixRe finds a site name at the end of a page title, after the
// separators sites use: "标题 - 某某市卫生健康委员会", "标题_通知公告_某某局".
var siteSuffixRe = regexp.MustCompile(`^(.*?)\s*(?:[-_|—–]+|\s{2,})\s*([^-_|—–]*?(?:委员会|卫健委|卫生健康局|卫生局|卫生厅|人民政府|政府|网|门户|网站|中心|办公室|厅|局))\s*$`)

// splitTitle returns a page title without its site suffix, and the site.
func splitTitle(title string) (doc, site string) {
	m := siteSuffixRe.FindStringSubmatch(title)
	if m == nil || m[1] == "" {
		return title, ""
	}
	doc = m[1]
	// A second separator before the site: "标题_栏目_网站".
	if i := strings.LastIndexAny(doc, "_|"); i > 0 {
		doc = doc[:i]
	}
	return strings.TrimSpace(doc), m[2]
}
