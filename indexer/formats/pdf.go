package formats

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/policysearch/policysearch/analyzers"
)

// PDF reads PDF files with poppler's pdftotext in layout mode, then
// removes what the page layout added: running headers and footers, page
// numbers, a browser's print header and footer and the web page chrome
// printed with the article, and the line breaks inside paragraphs.
type PDF struct{}

// Format implements Reader.
func (PDF) Format() string { return "pdf" }

// Detect implements Reader: "%PDF-" within the first kilobyte (some
// writers put junk before it, which readers accept).
func (PDF) Detect(name string, data []byte) bool {
	return bytes.Contains(data[:min(len(data), 1024)], []byte("%PDF-"))
}

// Read implements Reader.
func (PDF) Read(ctx context.Context, name string, data []byte) (Extracted, error) {
	out, stderr, err := runTool(ctx, data, "pdftotext", "-layout", "-enc", "UTF-8", "-eol", "unix", "{}", "-")
	switch {
	case errors.Is(err, errToolMissing):
		return Extracted{}, fmt.Errorf("%s: PDF needs the pdftotext program (Debian package poppler-utils), which is not installed: %w", name, ErrUnsupported)
	case ctx.Err() != nil:
		return Extracted{}, fmt.Errorf("%s: reading the PDF: %w", name, ctx.Err())
	case err != nil:
		msg := firstLine(stderr)
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			return Extracted{}, fmt.Errorf("%s: run pdftotext: %w", name, err)
		}
		if strings.Contains(strings.ToLower(string(stderr)), "password") {
			return Extracted{}, fmt.Errorf("%s: the PDF is password-protected (%s): %w", name, msg, ErrUnsupported)
		}
		return Extracted{}, fmt.Errorf("%s: pdftotext could not read the PDF (%s): %w", name, msg, ErrCorrupt)
	}
	if !utf8.Valid(out) {
		out = bytes.ToValidUTF8(out, []byte("\ufffd"))
	}
	recognised := false
	if len(bytes.TrimSpace(bytes.ReplaceAll(out, []byte("\f"), nil))) == 0 {
		// A scan: its pages are recognised where the tools are installed.
		scanned, err := recognisePDF(ctx, name, data)
		switch {
		case errors.Is(err, errNoOCR):
			return Extracted{}, fmt.Errorf("%s: the PDF %w; %w", name, ErrNoTextLayer, err)
		case err != nil:
			return Extracted{}, fmt.Errorf("%s: recognising the scanned PDF: %w", name, err)
		case strings.TrimSpace(strings.ReplaceAll(scanned, "\f", "")) == "":
			return Extracted{}, fmt.Errorf("%s: the PDF %w, and no text was recognised on its pages", name, ErrNoTextLayer)
		}
		out, recognised = []byte(scanned), true
	}
	text, fields := cleanPDFText(string(out))
	if recognised {
		if fields == nil {
			fields = map[string]string{}
		}
		fields[RecognisedField] = "tesseract " + ocrLanguage
	}
	if strings.TrimSpace(text) == "" {
		return Extracted{}, fmt.Errorf("%s: the PDF holds only page furniture, no text: %w", name, ErrEmpty)
	}
	if len(fields) == 0 {
		fields = nil
	}
	return Extracted{Format: "pdf", Text: text, Fields: fields}, nil
}

// firstLine returns the first line of a program's error output, for
// messages.
func firstLine(b []byte) string {
	s := strings.TrimSpace(string(b))
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if s == "" {
		return "no message"
	}
	return s
}

var (
	// printHeaderRe is the header line a browser prints: date and time,
	// then the page title ("12/7/26, 6:18 PM  标题", "2026/12/7 18:30 标题").
	printHeaderRe = regexp.MustCompile(`^\s*\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4},?\s+(?:(?:上午|下午)\s*)?\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp][Mm])?(?:\s+(.*?))?\s*$`)
	// printFooterRe is its footer: the address, then "page/pages".
	printFooterRe = regexp.MustCompile(`^\s*(?:(?:https?|file)://\S*|about:blank)\s*(?:\d+\s*/\s*\d+)?\s*$|^\s*(?:(?:https?|file)://\S*)?\s+\d+\s*/\s*\d+\s*$`)
	// pageNumberRe matches a line that is only a page number.
	pageNumberRe = regexp.MustCompile(`^\s*(?:[-—–－]\s*\d{1,4}\s*[-—–－]|第\s*\d{1,4}\s*页(?:\s*[,，/／]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*[/／]\s*\d{1,4}|\d{1,4}|[Pp]age\s*\d{1,4}(?:\s*of\s*\d{1,4})?|共\s*\d{1,4}\s*页\s*第\s*\d{1,4}\s*页)\s*$`)
	// headingRe matches the start of a numbered heading or item, which
	// always starts a paragraph: 一、 (一) 1. 1、 (1) ① 第一章.
	headingRe = regexp.MustCompile(`^(?:[一二三四五六七八九十百]+[、.．]|[(（][一二三四五六七八九十百]+[)）]|\d{1,3}[.．、](?:[^\d]|$)|[(（]\d{1,3}[)）]|[①-⑳]|第[一二三四五六七八九十百\d]+[章节条部分篇])`)
	// endToolsRe marks the end of a printed web article: the tool line
	// after it, and everything below it, is chrome.
	endToolsRe = regexp.MustCompile(`打印本页|关闭窗口|【\s*打印\s*】|分享到|^相关(链接|文章|文件|阅读)|^上一篇[:：]`)
	// relatedLinkRe is a line of a printed related-links list: a short
	// title and an ISO date.
	relatedLinkRe = regexp.MustCompile(`^.{4,80}\s+\d{4}-\d{2}-\d{2}$`)
	digitsRe      = regexp.MustCompile(`\d+`)
)

// pdfLine is a line of a page as pdftotext laid it out.
type pdfLine struct {
	text   string // trimmed
	indent int    // leading columns
	right  int    // right edge in columns (a Chinese character is two)
	page   int
}

// cleanPDFText turns pdftotext -layout output into paragraphs and fields.
func cleanPDFText(out string) (string, map[string]string) {
	fields := map[string]string{}
	pages := strings.Split(out, "\f")
	if len(pages) > 1 && strings.TrimSpace(pages[len(pages)-1]) == "" {
		pages = pages[:len(pages)-1]
	}
	var paged [][]pdfLine
	for p, page := range pages {
		var ls []pdfLine
		for _, raw := range strings.Split(page, "\n") {
			t := analyzers.TrimSpace(raw)
			if t == "" {
				continue
			}
			ind := width(raw[:len(raw)-len(strings.TrimLeftFunc(raw, analyzers.IsSpace))])
			ls = append(ls, pdfLine{text: t, indent: ind, right: ind + width(t), page: p})
		}
		paged = append(paged, ls)
	}

	// A browser's print header and footer: the header carries the
	// page title, which is where the printed article starts.
	printed, pageTitle := false, ""
	for _, ls := range paged {
		if len(ls) > 0 {
			if m := printHeaderRe.FindStringSubmatch(ls[0].text); m != nil {
				printed = true
				if pageTitle == "" && m[1] != "" {
					pageTitle = tidyLine(m[1])
				}
			}
		}
	}
	for i, ls := range paged {
		if len(ls) > 0 && printHeaderRe.MatchString(ls[0].text) {
			ls = ls[1:]
			// The digits of the header's title, set on a line below.
			if len(ls) > 0 && hanOf(ls[0].text) == 0 && utf8.RuneCountInString(ls[0].text) <= 12 {
				ls = ls[1:]
			}
		}
		if n := len(ls); n > 0 && printFooterRe.MatchString(ls[n-1].text) {
			ls = ls[:n-1]
		}
		paged[i] = ls
	}
	dropRunning(paged)

	var lines []pdfLine
	for _, ls := range paged {
		for _, l := range ls {
			if !pageNumberRe.MatchString(l.text) {
				lines = append(lines, l)
			}
		}
	}
	if printed {
		lines = trimPrintedPage(lines, pageTitle, fields)
	}

	var kept []pdfLine
	for _, l := range lines {
		if IsChrome(l.text) || !strings.ContainsAny(l.text, "。；") && ReadLabels(l.text, fields) {
			continue
		}
		kept = append(kept, l)
	}
	return joinLines(rejoin(kept)), fields
}

// trimPrintedPage cuts a printed web page down to its article: what comes
// before the title (site header, menus, location bar; the metadata table
// is read into fields) and what follows the print/close/share tools.
func trimPrintedPage(lines []pdfLine, pageTitle string, fields map[string]string) []pdfLine {
	setField(fields, "页面标题", pageTitle)
	// Browsers elide a long title ("标题_通知公告_某某…"); what is
	// left after the document title is the column and the site.
	elided := strings.TrimRight(pageTitle, "….")
	title, site := splitTitle(elided)
	if site == "" {
		if i := strings.IndexAny(title, "_|"); i > 0 {
			title = title[:i]
		}
	}
	setField(fields, "网站名称", site)
	// Digits are left out of the comparison: a browser may print them
	// in another font, which pdftotext then places on a line of their own.
	t := noDigits(title)
	start := -1
	if utf8.RuneCountInString(t) >= 4 {
		for i, l := range lines {
			s := noDigits(l.text)
			if s == "" {
				continue
			}
			// The title line itself, or its first line when it wraps.
			if s == t || strings.HasPrefix(s, t) && len(s) < len(t)+12 || strings.HasPrefix(t, s) && len(s)*2 >= len(t) {
				start = i
				break
			}
		}
	}
	if start > 0 {
		for _, l := range lines[:start] {
			ReadLabels(l.text, fields)
		}
		lines = lines[start:]
	}
	if start >= 0 {
		// A title wrapped over lines: its lines are joined while they
		// still spell the start of the title.
		joined, n := lines[0].text, 1
		for n < len(lines) && noDigits(joined) != t && strings.HasPrefix(t, noDigits(joined+lines[n].text)) {
			joined += lines[n].text
			n++
		}
		if n > 1 {
			lines[n-1].text = joined
			lines = lines[n-1:]
		}
	}
	for i, l := range lines {
		if i > 0 && utf8.RuneCountInString(l.text) <= 60 && endToolsRe.MatchString(l.text) {
			lines = lines[:i]
			break
		}
	}
	out := lines[:0]
	for _, l := range lines {
		if !relatedLinkRe.MatchString(l.text) {
			out = append(out, l)
		}
	}
	return out
}

// dropRunning removes running headers and footers: lines among the first
// or last two of a page that recur, digits aside, on most pages.
func dropRunning(pages [][]pdfLine) {
	if len(pages) < 3 {
		// Two pages give no evidence that a line is furniture rather
		// than a repeated heading; the print header/footer and page
		// numbers are handled elsewhere.
		return
	}
	key := func(s string) string { return analyzers.StripSpaces(digitsRe.ReplaceAllString(s, "#")) }
	count := map[string]int{}
	for _, ls := range pages {
		seen := map[string]bool{}
		for _, i := range edgeIndexes(len(ls)) {
			k := key(ls[i].text)
			if !seen[k] {
				seen[k] = true
				count[k]++
			}
		}
	}
	need := max(3, (len(pages)*3+4)/5)
	for p, ls := range pages {
		drop := map[int]bool{}
		for _, i := range edgeIndexes(len(ls)) {
			if count[key(ls[i].text)] >= need {
				drop[i] = true
			}
		}
		if len(drop) == 0 {
			continue
		}
		out := ls[:0]
		for i, l := range ls {
			if !drop[i] {
				out = append(out, l)
			}
		}
		pages[p] = out
	}
}

// edgeIndexes returns the indexes of the first two and last two lines.
func edgeIndexes(n int) []int {
	var idx []int
	for i := 0; i < n && i < 2; i++ {
		idx = append(idx, i)
	}
	for i := max(2, n-2); i < n; i++ {
		idx = append(idx, i)
	}
	return idx
}

// rejoin joins the lines of a paragraph that the page width broke. A line
// joins the next when it reaches (nearly) the right margin of its page,
// does not end a sentence or clause, and the next line neither starts a
// numbered heading nor is indented as a paragraph's first line.
func rejoin(lines []pdfLine) []string {
	if len(lines) == 0 {
		return nil
	}
	full := map[int]int{}   // page → right margin of its full lines
	margin := map[int]int{} // page → left margin of its body lines
	byPage := map[int][]pdfLine{}
	for _, l := range lines {
		byPage[l.page] = append(byPage[l.page], l)
	}
	var all []int
	for _, l := range lines {
		all = append(all, l.right)
	}
	global := percentile(all, 0.8)
	for p, ls := range byPage {
		rights, indents := make([]int, len(ls)), make([]int, len(ls))
		for i, l := range ls {
			rights[i], indents[i] = l.right, l.indent
		}
		if len(ls) >= 6 {
			full[p] = percentile(rights, 0.8)
		} else {
			full[p] = global
		}
		margin[p] = percentile(indents, 0.3)
	}
	var out []string
	var cur strings.Builder
	for i, l := range lines {
		if cur.Len() > 0 {
			prev := lines[i-1]
			if continues(prev, l, full[prev.page], margin[l.page]) {
				last, _ := utf8.DecodeLastRuneInString(cur.String())
				first, _ := utf8.DecodeRuneInString(l.text)
				if isLatinOrDigit(last) && isLatinOrDigit(first) {
					cur.WriteByte(' ')
				}
				cur.WriteString(l.text)
				continue
			}
			out = append(out, cur.String())
			cur.Reset()
		}
		cur.WriteString(l.text)
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

// continues reports whether next continues the paragraph of prev.
func continues(prev, next pdfLine, full, margin int) bool {
	if prev.right*100 < full*88 {
		return false // a short line ends its paragraph
	}
	last, _ := utf8.DecodeLastRuneInString(prev.text)
	if strings.ContainsRune("。！？；：!?;:", last) {
		return false
	}
	if headingRe.MatchString(next.text) {
		return false
	}
	// A first-line indent of two characters or more.
	return next.indent < margin+2 || next.page != prev.page
}

// width is the display width of s in columns: two for a wide character.
func width(s string) int {
	w := 0
	for _, r := range s {
		switch {
		case r == '\t':
			w += 8 - w%8
		case r >= 0x1100 && (analyzers.IsCJK(r) || r >= 0xac00 && r <= 0xd7a3):
			w += 2
		default:
			w++
		}
	}
	return w
}

// percentile returns the value below which fraction q of xs lies.
func percentile(xs []int, q float64) int {
	if len(xs) == 0 {
		return 0
	}
	s := append([]int(nil), xs...)
	sort.Ints(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

// isLatinOrDigit reports ASCII letters and digits, between which a line
// break stands for a space.
func isLatinOrDigit(r rune) bool {
	return r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
}

// noDigits returns s without white space and ASCII digits.
func noDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if analyzers.IsSpace(r) || r >= '0' && r <= '9' {
			return -1
		}
		return r
	}, s)
}
