package formats

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"github.com/policysearch/policysearch/analyzers"
)

// HTML reads web pages saved from government sites and their reposts: it
// finds the article among the site chrome and reads the metadata table
// wherever it is on the page.
type HTML struct{}

// Format implements Reader.
func (HTML) Format() string { return "html" }

// htmlStartRe matches the start of a web page after a byte-order mark and
// white space, or an XHTML page's XML declaration.
var htmlStartRe = regexp.MustCompile(`(?i)^(?:\xef\xbb\xbf)?\s*(?:<!doctype\s+html|<html|<\?xml[^>]*>\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+)?html|<!--)`)

// Detect implements Reader: a doctype or <html> start, or <head>/<body>
// markup near the start; the .html/.htm name decides for fragments.
func (HTML) Detect(name string, data []byte) bool {
	head := data[:min(len(data), 4096)]
	if htmlStartRe.Match(head) && (bytes.Contains(bytes.ToLower(head), []byte("<html")) || !bytes.HasPrefix(bytes.TrimSpace(head), []byte("<!--"))) {
		return true
	}
	lower := bytes.ToLower(head)
	if bytes.Contains(lower, []byte("<body")) || bytes.Contains(lower, []byte("<head")) {
		return true
	}
	return hasExt(name, ".html", ".htm") && sniffBinary(data) == "" && bytes.IndexByte(head, '<') >= 0
}

// Read implements Reader.
func (HTML) Read(ctx context.Context, name string, data []byte) (Extracted, error) {
	src, err := decodeHTML(name, data)
	if err != nil {
		return Extracted{}, err
	}
	doc, err := html.Parse(strings.NewReader(src))
	if err != nil {
		return Extracted{}, fmt.Errorf("%s: parse HTML: %w", name, err)
	}
	if err := ctx.Err(); err != nil {
		return Extracted{}, fmt.Errorf("%s: %w", name, err)
	}
	fields := map[string]string{}
	title := headFields(doc, fields)
	removeNodes(doc, func(n *html.Node) bool { return dropTags[n.DataAtom] })

	// The metadata table is read from the whole page: sites put it
	// above the title, in a sidebar, or below the article.
	for _, l := range renderLines(doc) {
		ReadLabels(l, fields)
	}

	pageHan := hanCount(doc)
	removeNodes(doc, func(n *html.Node) bool {
		return chromeTags[n.DataAtom] || isChromeAttr(n) && hanCount(n)*2 < pageHan
	})
	art := findArticle(doc)
	lines := renderLines(art)

	var kept []string
	for _, l := range lines {
		if IsChrome(l) || ReadLabels(l, map[string]string{}) && len([]rune(l)) < 100 && isMetaOnly(l) {
			continue
		}
		kept = append(kept, l)
	}
	// The title is often outside the article container; put it first.
	if t := articleTitle(doc, art, fields, title); t != "" && !hasTitle(kept, t) {
		kept = append([]string{t}, kept...)
	}
	text := joinLines(kept)
	if strings.TrimSpace(text) == "" {
		return Extracted{}, fmt.Errorf("%s: web page without text: %w", name, ErrEmpty)
	}
	if len(fields) == 0 {
		fields = nil
	}
	return Extracted{Format: "html", Text: text, Fields: fields}, nil
}

// isMetaOnly reports whether a line that starts with a label is a
// metadata line of the page (发布时间：… 来源：…) rather than a sentence of
// the article that happens to start with a label-like word.
func isMetaOnly(l string) bool {
	return !strings.ContainsAny(l, "。；")
}

// charsetRe finds a declared charset in the first part of a page.
var charsetRe = regexp.MustCompile(`(?i)<meta[^>]+charset\s*=\s*["']?\s*([a-z0-9_\-]+)`)

// decodeHTML turns a page into UTF-8: by its byte-order mark, else by
// its declared charset, else by what the bytes are (UTF-8 or GB18030).
// Declarations are checked against the bytes, since sites mislabel pages
// (gb2312 pages served as utf-8 and the reverse).
func decodeHTML(name string, data []byte) (string, error) {
	switch {
	case bytes.HasPrefix(data, []byte("\xef\xbb\xbf")):
		data = data[3:]
		if !utf8.Valid(data) {
			data = bytes.ToValidUTF8(data, []byte("\ufffd"))
		}
		return string(data), nil
	case bytes.HasPrefix(data, []byte("\xff\xfe")), bytes.HasPrefix(data, []byte("\xfe\xff")):
		out, err := unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewDecoder().Bytes(data)
		if err != nil {
			return "", fmt.Errorf("%s: bad UTF-16 page: %w", name, ErrEncoding)
		}
		return string(out), nil
	}
	var declared encoding.Encoding
	label := ""
	if m := charsetRe.FindSubmatch(data[:min(len(data), 8192)]); m != nil {
		label = strings.ToLower(string(m[1]))
		if e, err := htmlindex.Get(label); err == nil {
			declared = e
		}
	}
	isGB := strings.Contains(label, "gb") || label == "x-gbk" || label == "cp936"
	valid := utf8.Valid(data)
	switch {
	case valid && (declared == nil || isGB || label == "utf-8" || label == "utf8" || ascii(data)):
		return string(data), nil
	case declared == nil || isGB || label == "utf-8" || label == "utf8":
		out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		if err != nil {
			return "", fmt.Errorf("%s: page neither UTF-8 nor GB18030 (%v): %w", name, err, ErrEncoding)
		}
		return string(out), nil
	default:
		out, err := declared.NewDecoder().Bytes(data)
		if err != nil {
			return "", fmt.Errorf("%s: page not in its declared charset %s (%v): %w", name, label, err, ErrEncoding)
		}
		return string(out), nil
	}
}

// ascii reports whether data is all ASCII.
func ascii(data []byte) bool {
	for _, c := range data {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// metaNames are the <meta> names whose values are kept as fields: the
// CMS tags Chinese government sites carry (TRS, Hanweb, Kaipu) and Open
// Graph.
var metaNames = map[string]string{
	"sitename": "SiteName", "siteidcode": "SiteIDCode", "columnname": "ColumnName",
	"articletitle": "ArticleTitle", "pubdate": "PubDate", "contentsource": "ContentSource",
	"author": "Author", "keywords": "Keywords", "og:title": "og:title", "og:site_name": "og:site_name",
	"firstpublishedtime": "FirstPublishedTime",
}

// headFields reads <title> and the <meta> tags into fields and returns
// the title.
func headFields(doc *html.Node, fields map[string]string) string {
	title := ""
	walk(doc, func(n *html.Node) bool {
		if n.Type != html.ElementNode {
			return true
		}
		switch n.DataAtom {
		case atom.Title:
			if title == "" {
				title = tidyLine(textOf(n))
			}
		case atom.Meta:
			key := strings.ToLower(attr(n, "name"))
			if key == "" {
				key = strings.ToLower(attr(n, "property"))
			}
			if k, ok := metaNames[key]; ok {
				setField(fields, k, tidyLine(attr(n, "content")))
			}
		case atom.Body:
			return false
		}
		return true
	})
	if title != "" {
		setField(fields, "页面标题", title)
	}
	site := fields["SiteName"]
	if site == "" {
		site = fields["og:site_name"]
	}
	if site == "" {
		_, site = splitTitle(title)
	}
	setField(fields, "网站名称", site)
	return title
}

// dropTags are elements that never hold document text.
var dropTags = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Iframe: true, atom.Template: true,
	atom.Svg: true, atom.Object: true, atom.Embed: true, atom.Select: true, atom.Button: true,
	atom.Input: true, atom.Textarea: true, atom.Head: true, atom.Canvas: true, atom.Map: true,
}

// chromeTags are elements of page furniture.
var chromeTags = map[atom.Atom]bool{
	atom.Nav: true, atom.Header: true, atom.Footer: true, atom.Aside: true, atom.Form: true,
}

// chromeTokens are words of class and id values that mark furniture.
var chromeTokens = map[string]bool{
	"nav": true, "navbar": true, "navigation": true, "menu": true, "breadcrumb": true, "breadcrumbs": true,
	"crumb": true, "crumbs": true, "footer": true, "foot": true, "share": true, "toolbar": true, "tools": true,
	"print": true, "related": true, "sidebar": true, "comment": true, "comments": true, "copyright": true,
	"ad": true, "ads": true, "advert": true, "topbar": true, "position": true, "location": true,
	"tuijian": true, "xgwz": true, "xglj": true, "dqwz": true, "recommend": true, "bottom": true,
}

// tokenRe splits class and id values into words: on separators and at
// lower-to-upper case changes ("shareBar", "news_footer").
var tokenRe = regexp.MustCompile(`[A-Z]?[a-z0-9]+|[A-Z]+`)

// bareLabel reports whether a cell holds only a metadata label, without
// the colon that a line of text would put after it.
func bareLabel(cell string) bool {
	t := analyzers.StripSpaces(cell)
	_, ok := labelFields[t]
	return ok
}

// isChromeAttr reports whether an element's class or id names furniture.
func isChromeAttr(n *html.Node) bool {
	for _, v := range []string{attr(n, "class"), attr(n, "id")} {
		for _, tok := range tokenRe.FindAllString(v, -1) {
			if chromeTokens[strings.ToLower(tok)] {
				return true
			}
		}
	}
	return false
}

// containerRe matches the class and id values of the article containers
// of common government CMSs (TRS, Hanweb, Kaipu, DedeCMS…).
var containerRe = regexp.MustCompile(`(?i)^(content|zoom|article|trs_editor|custom_unionstyle|con|news_content|newscontent|article-content|article_content|articlecontent|wzcon|pages_content|pages-content|view|art_con|text|detail|zw|main-text|bt_content|txt|news-content|ccontent)$`)

// isContainer reports whether an element's class or id names a CMS
// article container.
func isContainer(n *html.Node) bool {
	for _, v := range append(strings.Fields(attr(n, "class")), attr(n, "id")) {
		if containerRe.MatchString(v) {
			return true
		}
	}
	return false
}

// findArticle returns the element holding the article. It scores every
// element by its Chinese text outside links, discounted by link density,
// and takes the deepest element within 10% of the best score (the
// article's own container rather than the body around it). A CMS
// container with at least 60% of the best score is preferred: it leaves
// out the metadata and tool lines next to the article.
func findArticle(doc *html.Node) *html.Node {
	type stat struct{ text, link int }
	stats := map[*html.Node]stat{}
	var count func(n *html.Node, inLink bool) stat
	count = func(n *html.Node, inLink bool) stat {
		var s stat
		switch n.Type {
		case html.TextNode:
			for _, r := range n.Data {
				if isHan(r) {
					s.text++
				}
			}
			if inLink {
				s.link = s.text
			}
			return s
		case html.ElementNode, html.DocumentNode:
		default:
			return s
		}
		inLink = inLink || n.DataAtom == atom.A
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			cs := count(c, inLink)
			s.text += cs.text
			s.link += cs.link
		}
		if n.Type == html.ElementNode {
			stats[n] = s
		}
		return s
	}
	count(doc, false)
	score := func(s stat) float64 {
		if s.text == 0 {
			return 0
		}
		plain := float64(s.text - s.link)
		return plain * plain / float64(s.text)
	}
	best := 0.0
	var body *html.Node
	for n, s := range stats {
		if sc := score(s); sc > best {
			best = sc
		}
		if n.DataAtom == atom.Body {
			body = n
		}
	}
	if body == nil {
		body = doc
	}
	if best == 0 {
		return body
	}
	var dense, named *html.Node
	walk(doc, func(n *html.Node) bool {
		if n.Type != html.ElementNode {
			return true
		}
		sc := score(stats[n])
		if sc >= 0.9*best {
			dense = n // preorder: a later match lies inside the earlier one
		}
		if sc >= 0.6*best && isContainer(n) {
			named = n
		}
		return sc >= 0.6*best
	})
	switch {
	case named != nil:
		return named
	case dense != nil:
		return dense
	}
	return body
}

// articleTitle returns the document's title: the ArticleTitle meta tag,
// else the page's first <h1> (or a title-classed element) before the
// article, else the <title> without the site name.
func articleTitle(doc, art *html.Node, fields map[string]string, pageTitle string) string {
	if t := fields["ArticleTitle"]; t != "" {
		return t
	}
	var found string
	walk(doc, func(n *html.Node) bool {
		if found != "" || n == art {
			return false
		}
		if n.Type == html.ElementNode && (n.DataAtom == atom.H1 || n.DataAtom == atom.H2 || hasClassToken(n, "title", "bt", "tit", "article-title")) {
			if t := tidyLine(textOf(n)); hanOf(t) >= 4 && utf8.RuneCountInString(t) <= 100 {
				found = t
			}
			return false
		}
		return true
	})
	if found != "" {
		return found
	}
	t, _ := splitTitle(pageTitle)
	return t
}

// hasTitle reports whether the title is among the first lines.
func hasTitle(lines []string, title string) bool {
	t := analyzers.StripSpaces(title)
	for i, l := range lines {
		if i == 5 {
			break
		}
		s := analyzers.StripSpaces(l)
		if strings.Contains(s, t) || strings.Contains(t, s) && len(s)*10 >= len(t)*6 {
			return true
		}
	}
	return false
}

// hasClassToken reports whether n's class list holds one of names.
func hasClassToken(n *html.Node, names ...string) bool {
	for _, c := range strings.Fields(strings.ToLower(attr(n, "class"))) {
		for _, name := range names {
			if c == name {
				return true
			}
		}
	}
	return false
}

// blockTags are elements that start and end a line of text.
var blockTags = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Li: true, atom.Ul: true, atom.Ol: true, atom.Tr: true,
	atom.Table: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true,
	atom.H6: true, atom.Dl: true, atom.Dt: true, atom.Dd: true, atom.Section: true, atom.Article: true,
	atom.Blockquote: true, atom.Pre: true, atom.Center: true, atom.Hr: true, atom.Address: true,
	atom.Figure: true, atom.Figcaption: true, atom.Main: true, atom.Header: true, atom.Footer: true,
	atom.Caption: true, atom.Tbody: true, atom.Thead: true, atom.Tfoot: true, atom.Form: true,
	atom.Body: true, atom.Html: true, atom.Nav: true, atom.Aside: true, atom.Fieldset: true,
}

// renderLines returns the text of n as lines: every block element and
// <br> ends a line, table cells are joined with a space, and a cell that
// is only a metadata label gets a colon so that the row still reads
// "label：value".
func renderLines(n *html.Node) []string {
	var lines []string
	var cur strings.Builder
	flush := func() {
		if l := tidyLine(cur.String()); l != "" {
			lines = append(lines, l)
		}
		cur.Reset()
	}
	var rec func(n *html.Node, pre bool)
	rec = func(n *html.Node, pre bool) {
		switch n.Type {
		case html.TextNode:
			if pre {
				parts := strings.Split(n.Data, "\n")
				for i, p := range parts {
					if i > 0 {
						flush()
					}
					cur.WriteString(p)
				}
				return
			}
			cur.WriteString(n.Data)
			return
		case html.ElementNode, html.DocumentNode:
		default:
			return
		}
		switch {
		case n.DataAtom == atom.Br:
			flush()
			return
		case n.DataAtom == atom.Table && !pre:
			if task, ok := taskTableLines(n); ok {
				flush()
				lines = append(lines, task...)
				return
			}
		case n.DataAtom == atom.Td || n.DataAtom == atom.Th:
			start := cur.Len()
			cur.WriteByte(' ')
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				rec(c, pre)
			}
			if bareLabel(cur.String()[min(start, cur.Len()):]) {
				cur.WriteString("：")
			}
			cur.WriteByte(' ')
			return
		case n.DataAtom == atom.Dt:
			flush()
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				rec(c, pre)
			}
			if bareLabel(cur.String()) {
				cur.WriteString("：")
				return // the value in <dd> continues the line
			}
			flush()
			return
		case n.DataAtom == atom.Dd:
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				rec(c, pre)
			}
			flush()
			return
		}
		block := blockTags[n.DataAtom]
		if block {
			flush()
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			rec(c, pre || n.DataAtom == atom.Pre)
		}
		if block {
			flush()
		}
	}
	rec(n, false)
	flush()
	return lines
}

// taskTableLines reads a table whose header row names a task table's
// columns (see taskTable) within its first rows: each row as a line, a
// task row written as an item. ok is false for any other table.
func taskTableLines(table *html.Node) ([]string, bool) {
	var rows [][]string
	walk(table, func(n *html.Node) bool {
		if n != table && n.DataAtom == atom.Table {
			return false // a nested table belongs to its cell
		}
		if n.DataAtom != atom.Tr {
			return true
		}
		var cells []string
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.DataAtom == atom.Td || c.DataAtom == atom.Th {
				cells = append(cells, strings.Join(renderLines(c), " "))
			}
		}
		rows = append(rows, cells)
		return false
	})
	var t taskTable
	for i, cells := range rows {
		if i >= 3 {
			break
		}
		if _, ok := headerRoles(cells); ok {
			var out []string
			for _, r := range rows[:i] {
				out = append(out, tidyLine(strings.Join(r, " ")))
			}
			for _, r := range rows[i:] {
				line, ok := t.row(r)
				if !ok {
					line = strings.Join(r, " ")
				}
				if line = tidyLine(line); line != "" {
					out = append(out, line)
				}
			}
			return out, true
		}
	}
	return nil, false
}

// walk visits n and its descendants in document order; f returns false to
// skip a node's children.
func walk(n *html.Node, f func(*html.Node) bool) {
	if !f(n) {
		return
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, f)
	}
}

// removeNodes takes the elements drop reports out of the tree.
func removeNodes(n *html.Node, drop func(*html.Node) bool) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == html.ElementNode && drop(c) {
			n.RemoveChild(c)
		} else {
			removeNodes(c, drop)
		}
		c = next
	}
}

// textOf returns the text under n.
func textOf(n *html.Node) string {
	var b strings.Builder
	walk(n, func(c *html.Node) bool {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
		return true
	})
	return b.String()
}

// hanCount counts the Chinese characters under n.
func hanCount(n *html.Node) int {
	k := 0
	walk(n, func(c *html.Node) bool {
		if c.Type == html.TextNode {
			k += hanOf(c.Data)
		}
		return true
	})
	return k
}

// hanOf counts the Chinese characters of s.
func hanOf(s string) int {
	k := 0
	for _, r := range s {
		if isHan(r) {
			k++
		}
	}
	return k
}

// attr returns an attribute's value.
func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}
