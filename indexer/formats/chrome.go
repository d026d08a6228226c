package formats

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/policysearch/policysearch/analyzers"
)

// labelFields maps the labels of the metadata tables government sites put
// around a document (索引号, 发布机构, 成文日期, 文号…) to the field each
// fills: the synonyms sites use meet under one name, so that metadata code
// asks for one key. Tools printed next to the table (字体大小, 字号) map to
// "": they end the value before them but fill nothing.
var labelFields = map[string]string{
	"索引号": "索引号", "主题分类": "主题分类", "所属主题": "主题分类", "内容分类": "主题分类", "信息分类": "主题分类",
	"组配分类": "组配分类", "体裁分类": "体裁分类", "服务对象": "服务对象",
	"发布机构": "发布机构", "发布单位": "发布机构", "发文机关": "发布机构", "文章来源": "信息来源", "发表时间": "发布日期", "浏览量": "浏览次数", "责任编辑": "作者", "发文单位": "发布机构", "发文机构": "发布机构",
	"成文日期": "成文日期", "成文时间": "成文日期", "公开日期": "公开日期", "发布日期": "发布日期", "发布时间": "发布日期",
	"文号": "文号", "发文字号": "文号", "文件编号": "文号", "信息来源": "信息来源", "来源": "信息来源",
	"公开方式": "公开方式", "公开范围": "公开范围", "公开时限": "公开时限", "有效性": "有效性", "生效日期": "生效日期",
	"废止日期": "废止日期", "主题词": "主题词", "关键词": "主题词", "信息名称": "信息名称", "名称": "信息名称",
	"标题": "信息名称", "浏览次数": "浏览次数", "访问次数": "浏览次数", "点击数": "浏览次数", "作者": "作者",
	"字体大小": "", "字体": "", "字号": "",
}

// LabelField returns the field a metadata label fills (发文字号 → 文号),
// given the label as written: spaces inside it and a colon after it do not
// matter. ok is false for text that is not a label.
func LabelField(label string) (field string, ok bool) {
	field, ok = labelFields[analyzers.StripSpaces(strings.TrimRight(label, ":： \t"))]
	return field, ok
}

// labels are labelFields' labels, longer first, so that 发布机构 wins over
// 来源-like tails; then alphabetical, so that the expressions are the same
// on every run.
var labels = func() []string {
	out := make([]string, 0, len(labelFields))
	for label := range labelFields {
		out = append(out, label)
	}
	slices.SortFunc(out, func(a, b string) int { return cmp.Or(len(b)-len(a), strings.Compare(a, b)) })
	return out
}()

// labelRe finds a label followed by a colon; sites space short labels out
// ("索 引 号", "文　　号"). labelStartRe is the same anchored at the start.
var labelRe, labelStartRe = func() (*regexp.Regexp, *regexp.Regexp) {
	alts := make([]string, len(labels))
	for i, label := range labels {
		alts[i] = strings.Join(strings.Split(label, ""), `[ \t\x{3000}\x{a0}]*`)
	}
	expr := `(` + strings.Join(alts, "|") + `)[ \t\x{3000}\x{a0}]*[:：]`
	return regexp.MustCompile(expr), regexp.MustCompile(`^[ \t\x{3000}\x{a0}]*` + expr)
}()

// spacedLabelRe finds a label standing between spaces without a colon, as
// a metadata table copied from a page as text writes its cells:
// "组配分类 统计信息 发布机构 丽水市卫生健康委员会". Spaced-out labels
// (索 引 号) are left to the colon form: without a colon they cannot be
// told from the value around them.
var spacedLabelRe = regexp.MustCompile(`(?:^|[ \t\x{3000}\x{a0}]+)(` + strings.Join(labels, "|") + `)[ \t\x{3000}\x{a0}]+`)

// readSpacedLabels reads a colon-less metadata line: it must start with a
// label and hold at least two, each followed by a value, so that a
// sentence using a label's word (来源, 名称) is not taken for one.
func readSpacedLabels(line string, fields map[string]string) bool {
	if utf8.RuneCountInString(line) > 100 {
		return false
	}
	line = analyzers.TrimSpace(line)
	// The expression is costly and runs on every line of a text: a line
	// not starting with a label is let go first.
	if !slices.ContainsFunc(labels, func(l string) bool { return strings.HasPrefix(line, l) }) {
		return false
	}
	locs := spacedLabelRe.FindAllStringSubmatchIndex(line, -1)
	// A label followed straight by another is no match of the second (the
	// first took the white space it needs), so each has a value.
	if len(locs) < 2 || locs[0][0] != 0 {
		return false
	}
	for i, loc := range locs {
		end := len(line)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		if field := labelFields[line[loc[2]:loc[3]]]; field != "" {
			setField(fields, field, line[loc[1]:end])
		}
	}
	return true
}

// ReadLabels records the label: value pairs of a metadata line such as
// "索 引 号：002482000/2020-12345 主题分类：卫生、体育" into fields, under
// the fields the labels fill, and reports whether the line was one. It
// must be short (a body paragraph is never a metadata line) and start
// with a label, or hold two labels after the site's name ("青岛政务网
// 发布日期：… 来源：…", the name then filling 网站名称).
func ReadLabels(line string, fields map[string]string) bool {
	// Every label ends in a colon; most lines have none, and the label
	// expression is costly, so they are let go before it runs.
	if !strings.ContainsAny(line, ":：") {
		return readSpacedLabels(line, fields)
	}
	n := utf8.RuneCountInString(line)
	if n > 200 {
		return false
	}
	var locs [][]int
	switch {
	case labelStartRe.MatchString(line):
		locs = labelRe.FindAllStringSubmatchIndex(line, -1)
	case n <= 100:
		if locs = labelRe.FindAllStringSubmatchIndex(line, -1); len(locs) < 2 {
			return false
		}
		setField(fields, "网站名称", line[:locs[0][0]])
	default:
		return false
	}
	for i, loc := range locs {
		end := len(line)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		if field := labelFields[analyzers.StripSpaces(line[loc[2]:loc[3]])]; field != "" {
			setField(fields, field, line[loc[1]:end])
		}
	}
	return true
}

// chromeRes match lines of page furniture: location bars, font-size and
// print tools, share buttons, site footers, uploader lines of aggregator
// sites, previous/next links, related-link headings, advertisements.
var chromeRes = []prefiltered{
	newPrefiltered(`^(当前位置|您现在的位置|您当前的位置|您的位置|所在位置|当前的位置|您所在(?:的)?(?:当前)?位置)`),
	newPrefiltered(`^首页\s*(?:->|>|»|›|/|＞)`),
	newPrefiltered(`^(?:投稿人|作者)[:：].{0,20}(?:发布时间|来源)[:：]`),
	newPrefiltered(`字体大小|字号[:：]|[【\[]\s*大\s*中\s*小\s*[】\]]|^[【\[]?\s*字体[:：]`),
	newPrefiltered(`打印本页|打印此页|打印文章|关闭窗口|关闭本页|【\s*(打印|关闭|收藏|返回顶部)\s*】`),
	newPrefiltered(`分享到|扫一扫|手机扫描|在手机打开|微信扫码`),
	newPrefiltered(`网站标识码|ICP备|公网安备|备案号|备案序号|版权所有|(?i:copyright)|主办单位[:：]|承办单位[:：]|技术支持[:：]|网站地图|联系我们$`),
	newPrefiltered(`^上传人[:：]|上传时间[:：]|下载本文|^(上一篇|下一篇)[:：]`),
	newPrefiltered(`^(相关(链接|文章|文件|阅读|推荐|新闻|稿件)|热门推荐|热点推荐|网友评论|最新文章|猜你喜欢|推荐阅读)[:：]?$`),
	newPrefiltered(`【广告】|^广告$`),
	newPrefiltered(`^美章网|资料文库|本站小编|欢迎深入阅读|范文$`),
	newPrefiltered(`^[(（](?:此件|本件)[^)）]{0,12}[)）]$`),
	newPrefiltered(`^[(（]信息公开(?:形式|选项|方式)[:：][^)）]*[)）]$`),
	// Aggregator sites: preview limits, download counters, paywalls, the
	// "compiled for you" blurb, tags.
	newPrefiltered(`^(?:温馨提示|推荐访问|相关推荐|猜你喜欢|热门文章|相关文章|您的当前位置|您所在的位置)[:：]?`),
	newPrefiltered(`(?:下载|浏览|收藏|点赞|评分|阅读)[:：]?\s*\d+.*(?:下载|浏览|收藏|点赞|评分|阅读)[:：]?\s*[\d-]`),
	newPrefiltered(`^(?:VIP|侵权投诉|手机版|举报|海报|免费文档|付费文档|原创力文档|文库|实用文档|返回顶部|听全文|在线阅读)`),
	newPrefiltered(`(?:供大家参考|仅供参考|欢迎阅读|欢迎借鉴)[。.!！]?$`),
	newPrefiltered(`阅读全部|需要先登录|登录后|下载原文档|全部内容|点击查看更多|展开全文|下载网址|请加微|润笔`),
	newPrefiltered(`^(?:标签|关键字|TAG|Tags?)[:：]`),
	newPrefiltered(`^(?:来源|时间|点击|查看|发布时间|发布日期)[:：].{0,40}(?:点击|查看|浏览|阅读)[:：]?`),
	newPrefiltered(`^-$|^\d{1,3}\s*/\s*\d{1,3}$|^第\s*\d+\s*页\s*[/／]?\s*共\s*\d+\s*页$`),
	// More of the sharing sites' furniture: toolbars, preview and
	// copyright notices, the "compiled for you" blurb, bylines, a date
	// over the column, and the markers between the pieces of a
	// compilation (卫生健康工作总结 篇1, 第2篇). Each begins with few
	// characters, so that the prefilter lets most lines go without it.
	newPrefiltered(`^(?:返回\s*)?下载\s*相关\s*举报|^(?:文档简介|资源描述|微信公众号|官方微信|官方微博|设为首页)`),
	newPrefiltered(`下载文档前请自行甄别`),
	newPrefiltered(`仅部分预览`),
	newPrefiltered(`如文档侵犯您的权益`),
	newPrefiltered(`人工客服工作时间`),
	newPrefiltered(`本文档由用户提供并上传`),
	newPrefiltered(`收益归属内容提供方`),
	newPrefiltered(`文件下载后无此问题`),
	newPrefiltered(`本文档由用户上传`),
	newPrefiltered(`下载前请仔细阅读`),
	newPrefiltered(`未能成功下载`),
	newPrefiltered(`^网站客服[:：]`),
	newPrefiltered(`^(?:政府)?信息公开(?:目录|指南|制度|年报)?$`),
	newPrefiltered(`经过用心整理`),
	newPrefiltered(`希望能?对(?:您|你|大家)有所帮助`),
	newPrefiltered(`供大家选择参考|小编为大家整理`),
	newPrefiltered(`^(?:时间|日期|更新时间|更新日期)[:：]\s*\d{4}[-/年.]\d{1,2}[-/月.]\d{1,2}`),
	newPrefiltered(`^\d{4}/\d{1,2}/\d{1,2}\p{Han}{0,6}$`),
	newPrefiltered(`\.(?i:docx?|pdf|wps|txt)_第\d+页$`),
	// Leaders of a table of contents, each its own expression so that its
	// literal start is searched for directly.
	newPrefiltered(`\.{6,}\s*\d{0,4}$`),
	newPrefiltered(`…{3,}\s*\d{0,4}$`),
	newPrefiltered(`·{6,}\s*\d{0,4}$`),
	newPrefiltered(`^目\s*录(?:/提纲)?[:：]?…*$|^内容预览[:：]?$`),
	newPrefiltered(`^简介[:：].{0,20}(?:小编|整理)|小编为(?:你|您|大家)整理`),
	newPrefiltered(`^第[0-9一二三四五六七八九十]+篇$`),
	newPrefiltered(`篇\s*[0-9一二三四五六七八九十]{1,2}$`),
}

// buttonWords are the words of toolbar lines such as "关闭 打印": a line
// made only of them is chrome.
var buttonWords = map[string]bool{
	"关闭": true, "打印": true, "关闭窗口": true, "打印本页": true, "收藏": true, "返回顶部": true,
	"分享": true, "微信": true, "微博": true, "QQ空间": true, "扫一扫": true, "大": true, "中": true,
	"小": true, "默认": true, "保存": true, "返回": true, "【": true, "】": true, "下载": true,
	"打印此页": true, "字号": true,
}

// IsChrome reports whether a line is page furniture: a location bar,
// font-size, print and share tools, a site footer, an aggregator's
// counters and paywall. Long lines are body text whatever they contain.
func IsChrome(line string) bool {
	if utf8.RuneCountInString(line) > 120 {
		return false
	}
	all, first := lineBlooms(line)
	for i := range chromeRes {
		if p := &chromeRes[i]; p.mayMatch(all, first) && p.re.MatchString(line) {
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
	s = analyzers.TrimSpace(s)
	if s == "" {
		return ""
	}
	var b strings.Builder
	b.Grow(len(s))
	var prev rune
	space := false
	for _, r := range s {
		if analyzers.IsSpace(r) {
			space = true
			continue
		}
		if space {
			if !(tight(prev) && tight(r) && (analyzers.IsCJK(prev) || analyzers.IsCJK(r))) {
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
	return analyzers.IsCJK(r) || r >= '0' && r <= '9' || r < 0x80 && unicode.IsPunct(r) || r == '%' || r == '+'
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
