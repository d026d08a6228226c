package indexer

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/policysearch/policysearch/analyzers"
	"github.com/policysearch/policysearch/indexer/formats"
)

// cleaned is a document's text after the page chrome is gone: the content
// lines in order and the labelled fields the chrome carried (发布机构,
// 成文日期, 文号…), which are metadata rather than text.
type cleaned struct {
	lines  []string          // trimmed, bullet-free, non-empty content lines
	fields map[string]string // chrome label (spaces removed, synonyms merged) → value
}

// tagRe matches an HTML tag, or a style rule, left in copied text.
var tagRe = regexp.MustCompile(`</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>|\.[a-z][a-z0-9]*\{[^{}]*\}`)

// markupLeftRe matches what remains of a line that was only markup: a list
// number, a bullet, punctuation.
var markupLeftRe = regexp.MustCompile(`^(?:\d{1,2}[.、]?|[-–•·●*.,;:|])?$`)

// sponsorRe matches a site footer naming its sponsor, 主办单位：某某县卫生健康局.
var sponsorRe = regexp.MustCompile(`^(?:主办单位|主办|网站主办)[:：]\s*([^\s|]{2,30})`)

// compiledBlurbRe matches a sharing site's "compiled for you" blurb that
// names the piece: 本站小编为你精心准备了2014年卫生局工作计划参考范文，….
var compiledBlurbRe = regexp.MustCompile(`小编为(?:你|您|大家)精心(?:准备|整理|挑选)了([^，,。；;！!]{4,60}?)(?:参考|精选|优秀)?范文`)

// shareBlurbRe matches the line document-sharing sites open a page with,
// 《X.doc》由会员分享，可在线阅读…: it names the document, and is not part of
// it. X loses the file extension and the page count some sites add.
var shareBlurbRe = regexp.MustCompile(`^《([^《》]{4,80}?)(?:\.(?:docx?|pdf|wps|txt))?(?:[(（]\d+页[^)）]*[)）])?》\s*(?:由(?:会员|用户)\S{0,6}(?:分享|上传|发布))`)

// chromeLead drops the sentence a sharing site glues before a document
// run into one long line (某某范文，海量公文素材，下载网址：…，请加微：…。):
// a long line is never chrome as a whole, but its first sentence can be.
func chromeLead(line string) string {
	i := strings.Index(line, "。")
	if i < 0 || utf8.RuneCountInString(line) <= 120 {
		return line
	}
	if lead := line[:i+len("。")]; formats.IsChrome(lead) {
		return line[len(lead):]
	}
	return line
}

// isSharedTitle reports whether a line taken for a sharing site's (…范文)
// is the document's title with the site's suffix: without the suffix it is
// no chrome and reads as a title. The title stays; tidyTitle drops 范文.
func isSharedTitle(line string) bool {
	t, ok := strings.CutSuffix(line, "范文")
	return ok && !formats.IsChrome(t) && isTitleLine(line)
}

// templateJunk are what sharing sites put inside a line of the document,
// each with a literal that a line must hold for the expression to run: a
// 【正文】 marker, a serial number or an editor's byline before it, a
// byline run on after it (…工作规划投稿人:佚名发布时间:2011/9/1), a page
// preview's marker (…工作总结_第1页) and a template's blanks (撰写人：_____
// 日期：_____).
var templateJunk = []struct {
	literal string
	re      *regexp.Regexp
}{
	{"【正文】", regexp.MustCompile(`^【正文】`)},
	{"编号", regexp.MustCompile(`^编号[:：]\s*\d{6,}\s*`)},
	{"编辑", regexp.MustCompile(`^编辑[:：]\S{0,10}?\s*\d{4}-\d{1,2}-\d{1,2}\s*`)},
	{"投稿人", regexp.MustCompile(`\s*投稿人[:：].{0,40}$`)},
	{"_第", regexp.MustCompile(`[^_\s]{2,60}_第\d+页`)},
	{"___", regexp.MustCompile(`(?:撰写人|编写人|日\s*期)[:：]\s*_{3,}`)},
}

// dropTemplateJunk removes templateJunk from a line.
func dropTemplateJunk(line string) string {
	for _, j := range templateJunk {
		if strings.Contains(line, j.literal) {
			line = analyzers.TrimSpace(j.re.ReplaceAllString(line, ""))
		}
	}
	return line
}

// bulletRe matches a list bullet at the start of a line; "-" counts only
// when followed by white space so that "-1" style text is left alone.
var bulletRe = regexp.MustCompile(`^(?:[-–•·●▪■◆*][ \t\x{3000}]+|[•●▪■◆][ \t\x{3000}]*)`)

// cleanText removes what is not the document from text: web-page chrome
// lines, metadata tables (kept as fields), table pipes, list bullets, blank
// lines. Everything else is kept verbatim apart from trimming each line.
func cleanText(text string) cleaned {
	c := cleaned{fields: map[string]string{}}
	text = dropPinyinGlosses(text)
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	for n, raw := range strings.Split(text, "\n") {
		line := analyzers.TrimSpace(raw)
		if line == "" {
			continue
		}
		if n < spamHead && isSpam(line) {
			continue
		}
		if isTableRow(line) {
			line = c.flattenRow(line)
			if line == "" {
				continue
			}
		}
		if strings.ContainsRune(line, '<') && markupLeftRe.MatchString(analyzers.TrimSpace(tagRe.ReplaceAllString(line, ""))) {
			// Reposts carry lines of stray markup; one with nothing else
			// (a list number, a bullet) is the markup's, not the
			// document's. Markup inside a line of text stays: it is text.
			continue
		}
		line = analyzers.TrimSpace(chromeLead(bulletRe.ReplaceAllString(line, "")))
		line = dropTemplateJunk(line)
		if m := compiledBlurbRe.FindStringSubmatch(line); m != nil {
			// The site's blurb names the piece it offers: the title, when
			// the page has no title line of its own.
			c.setField("页面标题", m[1])
			continue
		}
		if line == "" || formats.ReadLabels(line, c.fields) || formats.IsChrome(line) && !isSharedTitle(line) {
			continue
		}
		if blurb := shareBlurbRe.FindStringSubmatch(line); blurb != nil {
			c.setField("页面标题", blurb[1])
			continue
		}
		if sponsor := sponsorRe.FindStringSubmatch(line); sponsor != nil {
			// The site's sponsor names whose site it is: a weak cue to
			// the place, kept as a field.
			c.setField("主办单位", analyzers.TrimSpace(sponsor[1]))
			continue
		}
		if len(c.lines) < runOnTitleLines {
			if title, rest, ok := runOnTitle(line); ok {
				c.lines = append(c.lines, title, rest)
				continue
			}
		}
		c.lines = append(c.lines, line)
	}
	c.lines = dropTagRuns(c.lines)
	return c
}

// tagRun is how many lines of a word or two in a row are a sharing site's
// list of tags (卫生 / 健康 / 2022 / 上半年 / 工作总结 …), not the document's.
const tagRun = 5

// dropTagRuns removes runs of tagRun lines or more that each hold a word
// or two and no punctuation.
func dropTagRuns(lines []string) []string {
	isTag := func(l string) bool {
		return utf8.RuneCountInString(l) <= 4 && !strings.ContainsAny(l, "。，,；;：:、（）()《》")
	}
	out := lines[:0]
	for i := 0; i < len(lines); {
		j := i
		for j < len(lines) && isTag(lines[j]) {
			j++
		}
		if j-i >= tagRun {
			i = j
			continue
		}
		if j == i {
			j++
		}
		out = append(out, lines[i:j]...)
		i = j
	}
	return out
}

// runOnTitleLines is how many lines from the top may hold a title run on
// into the text: a repost that lost its line breaks keeps the title first.
const runOnTitleLines = 8

// runOnTitleRe finds a line that starts with a title and runs on, after a
// space, into the text (2021年度卫计局工作总结 201X年，是…).
var runOnTitleRe = regexp.MustCompile(`^(\S{4,58}?(?:工作要点|工作总结|工作计划|工作思路|工作安排|工作打算))\s+(\S.{8,})$`)

// runOnTitle splits a title run on into the text from it.
func runOnTitle(line string) (title, rest string, ok bool) {
	if !strings.Contains(line, "工作") {
		return "", "", false
	}
	m := runOnTitleRe.FindStringSubmatch(line)
	if m == nil || !isTitleLine(m[1]) {
		return "", "", false
	}
	return m[1], m[2], true
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
		if cell = analyzers.TrimSpace(cell); cell != "" {
			cells = append(cells, cell)
		}
	}
	var kept []string
	for i := 0; i < len(cells); i++ {
		if key, ok := formats.LabelField(cells[i]); ok {
			if i+1 < len(cells) {
				if _, next := formats.LabelField(cells[i+1]); !next {
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

// setField keeps the first non-empty value seen for a field; a tool's
// label fills no field.
func (c *cleaned) setField(key, value string) {
	if key != "" && value != "" && c.fields[key] == "" {
		c.fields[key] = value
	}
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
		if !analyzers.IsSpace(r) {
			b.WriteRune(r)
			prev = r
			i += size
			continue
		}
		j, newline := i, false
		for j < len(s) {
			r2, size2 := utf8.DecodeRuneInString(s[j:])
			if !analyzers.IsSpace(r2) {
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
		case isTight(prev) && isTight(next) && (analyzers.IsCJK(prev) || analyzers.IsCJK(next)):
		default:
			b.WriteByte(' ')
			prev = ' '
		}
		i = j
	}
	return strings.TrimSpace(b.String())
}

// isTight reports characters between which layout spaces are dropped when
// one side is Chinese: Chinese itself, digits and punctuation (but not
// Latin letters, whose word spacing is meaningful).
func isTight(r rune) bool {
	return analyzers.IsCJK(r) || r >= '0' && r <= '9' || r < 0x80 && unicode.IsPunct(r) || r == '%' || r == '+'
}

// toneMarks are the pinyin vowels with a tone mark.
const toneMarks = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"

// pinyinGlossRe finds a character followed by its reading in brackets,
// as some reposting sites gloss characters (医(yī)药卫(wèi)生): the
// glosses break every word they fall in.
var pinyinGlossRe = regexp.MustCompile(`\p{Han}[(（][a-zü` + toneMarks + `]{1,6}[)）]`)

// dropPinyinGlosses removes the pinyin readings glossed after characters.
// Only a reading with a tone mark is one: 人工智能(ai) keeps its letters.
func dropPinyinGlosses(text string) string {
	// The marked vowels' UTF-8 encodings begin with one of these bytes,
	// which no Chinese character's does: a text without them is let go
	// at the speed of a byte search.
	if strings.IndexByte(text, 0xc3) < 0 && strings.IndexByte(text, 0xc4) < 0 && strings.IndexByte(text, 0xc5) < 0 && strings.IndexByte(text, 0xc7) < 0 {
		return text
	}
	if !strings.ContainsAny(text, toneMarks) {
		return text
	}
	return pinyinGlossRe.ReplaceAllStringFunc(text, func(m string) string {
		if !strings.ContainsAny(m, toneMarks) {
			return m
		}
		_, size := utf8.DecodeRuneInString(m)
		return m[:size] // the character, without its reading
	})
}

// spamHead is how many lines from a page's top are checked for spam:
// pages of a hacked or careless site carry a line of injected keywords
// above the document, never inside it.
const spamHead = 20

// spamWords are words of the keyword spam injected into pages (adult
// video titles), which no health-policy text holds three of.
var spamWords = []string{"无码", "久久", "在线观看", "一区", "三级片", "毛片", "内射", "偷拍", "熟女", "国产精品", "亚洲精品", "精品国产", "欧美", "阿V", "AV", "日韩", "中文字幕", "香蕉", "免费看"}

// isSpam reports whether a line is injected keyword spam: it holds three
// of spamWords or more.
func isSpam(line string) bool {
	n := 0
	for _, w := range spamWords {
		if strings.Contains(line, w) {
			if n++; n >= 3 {
				return true
			}
		}
	}
	return false
}
