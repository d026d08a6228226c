package indexer

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/policysearch/policysearch/analyzers"
	"github.com/policysearch/policysearch/indexer/formats"
)

// ParseVersion changes whenever parsing gives other provisions or metadata
// for the same text, so that an index built by an earlier version is
// rebuilt rather than kept with stale metadata.
const ParseVersion = "4"

// Parse cleans a document's text, finds its structure and metadata, and
// returns it with its provisions (Themes and ThemeCues are left empty). The
// document ID depends only on the normalised cleaned text, so the same
// content gets the same ID whatever its file name or encoding. A document
// with no provisions is an error.
func Parse(file, text string) (Document, error) {
	return ParseDocument(file, text, nil)
}

// ParseDocument is Parse for text read from a format that carries labelled
// metadata of its own, such as a web page's metadata table (发布机构,
// 成文日期, 文号…): fields add to those found in the text, which win.
func ParseDocument(file, text string, fields map[string]string) (Document, error) {
	text, converted, err := simplify(text)
	if err != nil {
		return Document{}, fmt.Errorf("parse %s: %w", file, err)
	}
	c := cleanText(text)
	for k, v := range fields {
		if converted {
			v, _, _ = simplify(v)
		}
		c.setField(k, v)
	}
	if len(c.lines) == 0 {
		return Document{}, fmt.Errorf("parse %s: no text left after removing page chrome", file)
	}
	sum := sha256.Sum256([]byte(analyzers.Normalize(strings.Join(c.lines, "\n"))))
	doc := Document{ID: hex.EncodeToString(sum[:])[:16], File: file}
	if converted {
		doc.Script = ScriptConverted
	}

	// The title is the last title-like line before the first heading; what
	// precedes it is the notice around the document.
	first := firstNumbered(c.lines, 0)
	titleAt := -1
	for i := first - 1; i >= 0; i-- {
		if isTitleLine(c.lines[i]) {
			titleAt = i
			break
		}
	}
	if titleAt < 0 {
		if at := titleAfterOutline(c.lines, first); at >= 0 {
			titleAt, first = at, firstNumbered(c.lines, at+1)
		}
	}
	bodyFrom := titleAt + 1
	titleLines := 1
	if titleAt < 0 {
		// A title of another shape than the genre's (重点工作任务及分工)
		// is known from the notice that quotes it.
		if at, n := quotedTitleAt(c.lines, first); at >= 0 {
			titleAt, titleLines, bodyFrom = at, n, at+n
		}
	}
	var front, body []string
	titleSrc := Source{From: FromTitle}
	if titleAt >= 0 {
		title := strings.Join(c.lines[titleAt:titleAt+titleLines], "")
		// A title broken over two lines (…工作总结及 / 下半年工作计划, or as
		// the notice quotes it whole).
		if prev := c.lines[max(0, titleAt-1)]; titleAt > 0 && !isFrontLine(prev) && (endsWithConnector(prev) || quotes(c.lines[:titleAt-1], prev+title)) {
			titleAt--
			title = c.lines[titleAt] + title
		}
		front = append(front, c.lines[:titleAt]...)
		doc.Title = tidyTitle(title)
		titleSrc.Evidence = title
	}
	for i := bodyFrom; i < len(c.lines); i++ {
		if i < first && isFrontLine(c.lines[i]) {
			front = append(front, c.lines[i])
			continue
		}
		body = append(body, c.lines[i])
	}
	// A signature and date may also close the document.
	for len(body) > 0 && (isIssuerLine(body[len(body)-1]) || isDateLine(body[len(body)-1])) {
		front = append(front, body[len(body)-1])
		body = body[:len(body)-1]
	}
	if doc.Title == "" {
		doc.Title, titleSrc = fallbackTitle(file, front, c.fields)
	}

	blocks, parts := structure(segmentLines(body))
	fillPartYears(parts)
	// A number with no text after it ("1." alone on a line) holds nothing
	// to search or show.
	blocks = slices.DeleteFunc(blocks, func(b block) bool { return strings.TrimSpace(b.text) == "" })
	if len(blocks) == 0 {
		return Document{}, fmt.Errorf("parse %s: no provisions found in %d lines of text", file, len(body))
	}

	preamble := ""
	if blocks[0].number == "" && len(blocks[0].headingPath) == 0 {
		preamble = blocks[0].text
	}
	md := extractMeta(metaInput{title: doc.Title, front: front, fields: c.fields, preamble: preamble, body: bodyStart(blocks, 12000)})
	doc.City, doc.Province, doc.County, doc.Level = md.City, md.Province, md.County, md.Level
	doc.Issuer, doc.PubDate, doc.DocNumber = md.Issuer, md.PubDate, md.DocNumber
	doc.Provenance = md.Prov
	doc.Provenance["title"] = titleSrc
	if r := fields[formats.RecognisedField]; r != "" {
		doc.Provenance["text"] = Source{From: FromRecognition, Evidence: r}
	}

	// The title gives the year and kind of text outside any part.
	whole, yearSrc, typeSrc := wholeYearType(doc.Title, md.Notice, parts, bodyStart(blocks[:min(4, len(blocks))], 1500), md.PubDate)
	// A title that is no line of the document's own (read from its
	// notice, its page, its file name) passes on where it came from.
	for _, src := range []*Source{&yearSrc, &typeSrc} {
		if src.From == FromTitle && titleSrc.From != FromTitle {
			src.From = titleSrc.From
		}
	}
	if len(parts) == 0 {
		parts = []Part{whole}
	}
	parts[0].Year = cmp.Or(parts[0].Year, whole.Year)
	parts[0].DocType = cmp.Or(parts[0].DocType, whole.DocType)
	doc.Parts = parts
	doc.Year, doc.DocType = parts[0].Year, parts[0].DocType
	if doc.Year != 0 {
		doc.Provenance["year"] = yearSrc
	}
	if doc.DocType != "" {
		doc.Provenance["doc_type"] = typeSrc
	}

	for i, b := range blocks {
		p := Provision{
			ID:          ProvisionID(doc.ID, i),
			DocID:       doc.ID,
			Ordinal:     i,
			File:        file,
			Number:      b.number,
			HeadingPath: b.headingPath,
			Title:       b.title,
			Text:        b.text,
			DocTitle:    doc.Title,
			City:        doc.City,
			Province:    doc.Province,
			County:      doc.County,
			Level:       doc.Level,
			Year:        whole.Year,
			DocType:     whole.DocType,
		}
		if b.part >= 0 {
			p.Year, p.DocType = parts[b.part].Year, parts[b.part].DocType
		}
		p.LeadOffices, p.SupportOffices = offices(b.text)
		doc.Provisions = append(doc.Provisions, p)
	}
	implyIssuer(&doc)
	nameByMetadata(&doc)
	return doc, nil
}

// nameByMetadata titles a document named only by a file name without a
// word of Chinese (page.html, 054.txt, a download's serial), which says
// nothing, by what its metadata says (see metadataTitle); a title made so
// earlier follows the metadata.
func nameByMetadata(d *Document) {
	src := d.Provenance["title"]
	if src.From != FromMetadata && (src.From != FromFileName || hasHan(d.Title)) {
		return
	}
	t := metadataTitle(d)
	if t == "" || t == d.Title {
		return
	}
	d.Title = t
	d.Provenance["title"] = Source{From: FromMetadata, Evidence: src.Evidence}
	for i := range d.Provisions {
		d.Provisions[i].DocTitle = t
	}
}

// metadataTitle names a document by its issuer (or place), year and type
// (番禺区卫生健康局2022年工作总结), or "" when it knows neither the issuer
// nor the place, or not the year and type.
func metadataTitle(d *Document) string {
	who := d.Issuer
	if who == "" {
		who = cmp.Or(d.County, d.City, d.Province)
		if who != "" {
			who += "卫生健康"
		}
	}
	if who == "" || d.Year == 0 || d.DocType == "" {
		return ""
	}
	return fmt.Sprintf("%s%d年%s", who, d.Year, d.DocType)
}

// hasHan reports whether s holds a Chinese character.
func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// fillPartYears gives a part without a year the year its neighbours
// imply: the report before a plan of year Y is of year Y-1 (of Y itself
// when the plan is for the second half of the year), and a plan after a
// report of year Y is of year Y+1 (again, Y for the second half).
func fillPartYears(parts []Part) {
	half := func(p Part) bool { return strings.Contains(p.Heading, "半年") }
	for i := range parts {
		if parts[i].Year != 0 {
			continue
		}
		switch {
		case i+1 < len(parts) && parts[i+1].Year != 0 && parts[i].DocType == "工作总结" && parts[i+1].DocType != "工作总结":
			parts[i].Year = parts[i+1].Year - 1
			if half(parts[i+1]) {
				parts[i].Year++
			}
		case i > 0 && parts[i-1].Year != 0 && parts[i-1].DocType == "工作总结" && parts[i].DocType != "工作总结":
			parts[i].Year = parts[i-1].Year + 1
			if half(parts[i]) {
				parts[i].Year--
			}
		}
	}
}

// endsWithConnector reports whether a line ends in a word that joins it to
// the next: a title broken after 及, 和, 暨.
func endsWithConnector(line string) bool {
	t := analyzers.StripSpaces(line)
	last, _ := utf8.DecodeLastRuneInString(t)
	return utf8.RuneCountInString(t) <= 40 && strings.ContainsRune("及和与暨、", last)
}

// firstNumbered returns the index of the first line from start that opens
// with a numbering marker a document can start with, else len(lines).
func firstNumbered(lines []string, start int) int {
	for i := start; i < len(lines); i++ {
		st := newNumbering()
		if m, ok := parseMarker(lines[i]); ok && st.accept(m, true) {
			return i
		}
	}
	return len(lines)
}

// outlineLineMax is the longest line taken as an entry of an outline.
const outlineLineMax = 40

// titleAfterOutline finds a title that follows an outline of the
// document's headings (一、2025年工作总结 / 1.筑牢党建基点 / … / 二、…), as
// reposting sites put one before the title: from the first numbered line,
// a run of short bare headings and then a title line. It returns -1 when
// the lines from first are text, not an outline.
func titleAfterOutline(lines []string, first int) int {
	for i := first; i < len(lines) && i < first+60; i++ {
		line := lines[i]
		if _, ok := parseMarker(line); ok {
			if utf8.RuneCountInString(line) > outlineLineMax || endsClause(line) {
				return -1
			}
			continue
		}
		if i > first && isTitleLine(line) {
			return i
		}
		return -1
	}
	return -1
}

// quotes reports whether one of lines cites title: 《title》.
func quotes(lines []string, title string) bool {
	want := "《" + analyzers.StripSpaces(title) + "》"
	for _, l := range lines {
		if strings.Contains(analyzers.StripSpaces(l), want) {
			return true
		}
	}
	return false
}

// quotedTitleAt finds, before the first numbered line, the title a notice
// quotes (现将《…》印发给你们, 关于印发《…》的通知) standing as a line of its
// own, or broken over two, after the notice: it returns where it starts
// and how many lines it takes, or -1.
func quotedTitleAt(lines []string, first int) (at, n int) {
	for i := 0; i < first; i++ {
		if !isWrapper(analyzers.StripSpaces(lines[i])) {
			continue
		}
		for _, m := range citedRe.FindAllString(lines[i], -1) {
			want := analyzers.StripSpaces(strings.TrimSuffix(strings.TrimPrefix(m, "《"), "》"))
			if utf8.RuneCountInString(want) < 6 {
				continue
			}
			for j := i + 1; j < first; j++ {
				line := analyzers.StripSpaces(lines[j])
				if line == want {
					return j, 1
				}
				if j+1 < first && strings.HasPrefix(want, line) && line+analyzers.StripSpaces(lines[j+1]) == want {
					return j, 2
				}
			}
		}
	}
	return -1, 0
}

// noticeTitleRe finds the title a notice names without quoting it:
// 长春市人民政府关于印发健康长春行动实施方案的通知.
var noticeTitleRe = regexp.MustCompile(`关于印发(.{4,60}?)的通知$`)

// fallbackTitle names a document that has no title line: the title quoted
// in its notice (现将《…》印发), else the name its page gives it (fields:
// a metadata table's 标题, a sharing site's blurb, a title-like first part
// of the page's own title), else the file name.
func fallbackTitle(file string, front []string, fields map[string]string) (string, Source) {
	for _, line := range front {
		if i := strings.Index(line, "《"); i >= 0 {
			if j := strings.Index(line[i:], "》"); j > 0 {
				return tidy(line[i+len("《") : i+j]), Source{From: FromNotice, Evidence: line}
			}
		}
	}
	for _, line := range front {
		if m := noticeTitleRe.FindStringSubmatch(analyzers.StripSpaces(line)); m != nil {
			return tidy(m[1]), Source{From: FromNotice, Evidence: line}
		}
	}
	if named := tidy(fields["信息名称"]); named != "" {
		return named, Source{From: FromTable, Evidence: named}
	}
	// A page's title is 标题_栏目_网站 or 标题-网站: the first part, when
	// it reads as a title.
	parts := strings.FieldsFunc(fields["页面标题"], func(r rune) bool { return strings.ContainsRune("_|｜-—", r) })
	if len(parts) > 0 && isTitleLine(parts[0]) {
		return tidyTitle(parts[0]), Source{From: FromSite, Evidence: fields["页面标题"]}
	}
	base := path.Base(file)
	return strings.TrimSuffix(base, path.Ext(base)), Source{From: FromFileName, Evidence: base}
}

// markKind is the kind of a numbering marker.
type markKind int

const (
	markNone    markKind = iota
	markChapter          // 一、 十三、
	markSection          // (一) （二）
	markItem             // 1. 1、 1． 54.
)

// marker is a numbering marker found at the start of a string.
type marker struct {
	kind  markKind
	n     int    // its value
	label string // as it will be shown: "一、", "(三)", "54"
	end   int    // byte offset just past the marker and the spaces after it
}

// parseMarker reads a chapter, section or item marker at the start of s.
// Only the shape is checked here; whether the number fits the document's
// running sequence is decided by numbering.accept.
func parseMarker(s string) (marker, bool) {
	r, size := utf8.DecodeRuneInString(s)
	switch {
	case r == '(' || r == '（':
		num, rest := cnPrefix(s[size:])
		n, ok := cnValue(num)
		if !ok {
			return marker{}, false
		}
		c, csize := utf8.DecodeRuneInString(rest)
		if c != ')' && c != '）' {
			return marker{}, false
		}
		end := len(s) - len(rest) + csize
		return marker{markSection, n, "(" + num + ")", skipSpaces(s, end)}, true
	case isCNDigit(r):
		num, rest := cnPrefix(s)
		n, ok := cnValue(num)
		if !ok || !strings.HasPrefix(rest, "、") {
			return marker{}, false
		}
		end := len(s) - len(rest) + len("、")
		return marker{markChapter, n, num + "、", skipSpaces(s, end)}, true
	case analyzers.DigitValue(r) >= 0:
		n, i, digits := 0, 0, 0
		for i < len(s) {
			d, dsize := utf8.DecodeRuneInString(s[i:])
			v := analyzers.DigitValue(d)
			if v < 0 {
				break
			}
			if digits++; digits > 3 { // a year or an amount, not an item
				return marker{}, false
			}
			n = n*10 + v
			i += dsize
		}
		if n == 0 {
			return marker{}, false
		}
		j := i
		for j < len(s) && (s[j] == ' ' || s[j] == '\t') && j-i < 2 {
			j++
		}
		sep, ssize := utf8.DecodeRuneInString(s[j:])
		if sep != '.' && sep != '．' && sep != '、' {
			return marker{}, false
		}
		end := skipSpaces(s, j+ssize)
		// "3.23万", "2.0", "5、6月", "50.%": a digit after the separator
		// means a decimal or a range, not a heading.
		if next, _ := utf8.DecodeRuneInString(s[end:]); analyzers.DigitValue(next) >= 0 || next == '%' || next == '．' || next == '.' {
			return marker{}, false
		}
		return marker{markItem, n, strconv.Itoa(n), end}, true
	}
	return marker{}, false
}

// numbering follows a document's running chapter, section and item
// numbers, so that a number-like string is taken as a heading only when it
// continues the sequence.
type numbering struct {
	chapter, section, item int
	// headingSinceItem is set by a chapter or section heading: item
	// numbering may then restart at 1.
	headingSinceItem bool
}

// newNumbering returns the state at the start of a document.
func newNumbering() numbering { return numbering{headingSinceItem: true} }

// accept reports whether m is a real heading given the numbers seen so far.
// A marker that starts a line is trusted more (layout put it there) and
// may skip a number or two, as documents with a dropped line do; a marker
// inside a line must be exactly the next number.
func (st *numbering) accept(m marker, lineStart bool) bool {
	switch m.kind {
	case markChapter:
		if lineStart {
			return m.n > st.chapter && m.n <= st.chapter+3
		}
		return m.n == st.chapter+1
	case markSection:
		if lineStart {
			// Repeats happen in real documents (贵阳 has two (三) in a row).
			return m.n >= 1 && m.n <= st.section+3
		}
		return m.n == st.section+1
	case markItem:
		if m.n == 1 && st.headingSinceItem {
			return true
		}
		if lineStart {
			// The first item may be any number: an excerpt starts mid-list.
			return st.item == 0 || m.n > st.item && m.n <= st.item+3
		}
		return m.n == st.item+1
	}
	return false
}

// advance records an accepted marker.
func (st *numbering) advance(m marker) {
	switch m.kind {
	case markChapter:
		st.chapter, st.section, st.headingSinceItem = m.n, 0, true
	case markSection:
		st.section, st.headingSinceItem = m.n, true
	case markItem:
		st.item, st.headingSinceItem = m.n, false
	}
}

// joinKind says how a piece of text attaches to the one before it.
type joinKind int

const (
	joinLine joinKind = iota // a line broken by layout: join directly
	joinPara                 // a new paragraph
)

// piece is a stretch of text and how it joins the previous piece.
type piece struct {
	text string
	join joinKind
}

// segment is the text from one accepted marker to the next. head is the
// text on the marker's own line (for chapters and sections, where the
// heading is); body holds the following text.
type segment struct {
	m    marker
	head string
	body []piece
}

// headWrapMax is the longest line taken as the wrapped end of a heading.
const headWrapMax = 12

// segmentLines cuts the body lines of a document at accepted markers,
// found at line starts and inline (after white space or a sentence end, as
// in documents extracted onto one long line). Text before the first marker
// is returned as a segment of kind markNone.
func segmentLines(lines []string) []segment {
	st := newNumbering()
	segs := []segment{{}}
	cur := &segs[0]
	open := func(m marker, text string) {
		segs = append(segs, segment{m: m})
		cur = &segs[len(segs)-1]
		if m.kind == markItem {
			if text != "" {
				cur.body = append(cur.body, piece{text, joinPara})
			}
		} else {
			cur.head = text
		}
	}
	appendText := func(text string) {
		if text == "" {
			return
		}
		if cur.m.kind == markChapter || cur.m.kind == markSection {
			if len(cur.body) == 0 {
				if isBareHeading(cur.head) && utf8.RuneCountInString(text) <= headWrapMax && !endsClause(text) && !endsClause(cur.head) {
					cur.head += text
					return
				}
				cur.body = append(cur.body, piece{text, joinPara})
				return
			}
		}
		join := joinLine
		if prev := cur.lastText(); prev == "" || endsClause(prev) {
			join = joinPara
		}
		cur.body = append(cur.body, piece{text, join})
	}

	prevLast := rune(0)
	for _, line := range lines {
		pos := 0
		var pending *marker
		// "第\n一、全省…" is an ordinal broken by layout, not a heading.
		if m, ok := parseMarker(line); ok && prevLast != '第' && st.accept(m, true) {
			st.advance(m)
			pending, pos = &m, m.end
		}
		// Scan the rest of the line for inline markers.
		start := pos
		prevRune := rune(0)
		if pos > 0 {
			prevRune = ' '
		}
		for i := pos; i < len(line); {
			r, size := utf8.DecodeRuneInString(line[i:])
			if i > start && isMarkerBoundary(prevRune) && !analyzers.IsSpace(r) {
				if m, ok := parseMarker(line[i:]); ok && st.accept(m, false) {
					st.advance(m)
					text := analyzers.TrimSpace(line[start:i])
					if pending != nil {
						open(*pending, text)
					} else {
						appendText(text)
					}
					m.end += i
					pending, start = &m, m.end
					i, prevRune = m.end, ' '
					continue
				}
			}
			prevRune = r
			i += size
		}
		text := analyzers.TrimSpace(line[start:])
		if pending != nil {
			open(*pending, text)
		} else {
			appendText(text)
		}
		prevLast, _ = utf8.DecodeLastRuneInString(line)
	}
	return segs
}

// lastText returns the text of the segment's last piece (or its head).
func (s *segment) lastText() string {
	if len(s.body) > 0 {
		return s.body[len(s.body)-1].text
	}
	return s.head
}

// isMarkerBoundary reports whether an inline marker may follow r.
func isMarkerBoundary(r rune) bool {
	return analyzers.IsSpace(r) || r == '。' || r == '；' || r == ';' || r == '|' || r == '！' || r == '？'
}

// endsClause reports whether text ends a sentence or a lead-in, so that
// the next line starts a new paragraph rather than continuing a broken one.
func endsClause(text string) bool {
	text = strings.TrimRight(analyzers.TrimSpace(text), "”’」』)）\"'")
	r, _ := utf8.DecodeLastRuneInString(text)
	switch r {
	case '。', '！', '？', '；', '!', '?', ';', '：', ':':
		return true
	}
	return false
}

// bareHeadingMax is the longest heading line taken whole as a heading.
const bareHeadingMax = 50

// isBareHeading reports whether a heading line holds only the heading (no
// body text after it): short and without a full stop.
func isBareHeading(head string) bool {
	return utf8.RuneCountInString(head) <= bareHeadingMax && !strings.Contains(head, "。")
}

// splitHeading separates a chapter or section heading from body text that
// follows it on the same line: at the first space, full stop or colon near
// the start ("一、2019年工作总结 2019年,全市…", "(一)强化创新驱动,发展动能
// 持续增强。生命健康…", "(三)强化药具发放管理: 将全市…").
func splitHeading(head string) (heading, rest string) {
	head = analyzers.TrimSpace(head)
	if isBareHeading(head) {
		// A space in a short heading is layout ("一、全面加强 党的建设"),
		// unless a sentence or lead-in follows it ("二、2020年工作思路
		// 重点抓好以下工作:").
		if i := strings.IndexFunc(head, analyzers.IsSpace); i > 0 && endsClause(head) {
			return head[:i], analyzers.TrimSpace(head[i:])
		}
		return head, ""
	}
	n := 0
	for i, r := range head {
		if n > 60 {
			break
		}
		switch {
		case analyzers.IsSpace(r) && n <= 40:
			return analyzers.TrimSpace(head[:i]), analyzers.TrimSpace(head[i:])
		case r == '。':
			end := i + utf8.RuneLen(r)
			return head[:end], analyzers.TrimSpace(head[end:])
		case (r == '：' || r == ':') && n <= 40:
			end := i + utf8.RuneLen(r)
			return head[:end], analyzers.TrimSpace(head[end:])
		}
		n++
	}
	return head, ""
}

// joinPieces joins pieces into display text: layout line breaks vanish,
// paragraph breaks become "\n", and tidy removes layout spaces.
func joinPieces(pieces []piece) string {
	var b strings.Builder
	for i, p := range pieces {
		if i > 0 {
			if p.join == joinPara {
				b.WriteByte('\n')
			} else {
				prev, _ := utf8.DecodeLastRuneInString(b.String())
				next, _ := utf8.DecodeRuneInString(p.text)
				if isLatinWord(prev) && isLatinWord(next) {
					b.WriteByte(' ')
				}
			}
		}
		b.WriteString(p.text)
	}
	return tidy(b.String())
}

// isLatinWord reports ASCII letters and digits.
func isLatinWord(r rune) bool {
	return r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
}

// block is one provision-to-be, before document metadata is attached.
type block struct {
	number      string
	headingPath []string
	title       string
	text        string
	part        int // index into the document's parts, -1 for none
}

// partHeadingRe matches a chapter heading that opens a part of its own
// year and kind, as in 温州's 一、2019年工作总结 / 二、2020年工作思路.
var partHeadingRe = regexp.MustCompile(`^\p{Han}{0,12}?((?:19|20)\d{2})\s*年度?\p{Han}{0,10}?(工作总结|工作思路|工作要点|工作计划|工作安排|工作打算|工作回顾|工作开展情况|工作完成情况|工作情况)[。:：]?$`)

// barePartRe matches a part heading without a year: 上半年工作总结,
// 工作完成情况, 下一步工作计划.
var barePartRe = regexp.MustCompile(`^(?:上半年|下半年|全年|本年度|明年|下一步|主要)?(工作(?:总结|计划|思路|打算|安排|要点|回顾|开展情况|完成情况|情况))$`)

// reportHeadings are the ways a part heading says it reports on the year.
var reportHeadings = map[string]bool{"工作回顾": true, "工作开展情况": true, "工作完成情况": true, "工作情况": true}

// partOf reads a chapter heading that opens a part of a document: its
// year (0 when the heading has none) and kind.
func partOf(heading string) (year int, kind string, ok bool) {
	if m := partHeadingRe.FindStringSubmatch(heading); m != nil {
		year, _ = strconv.Atoi(m[1])
		kind = m[2]
	} else if m := barePartRe.FindStringSubmatch(heading); m != nil {
		kind = m[1]
	} else {
		return 0, "", false
	}
	if reportHeadings[kind] {
		kind = "工作总结"
	}
	return year, kind, true
}

// structure turns segments into blocks and parts. Items become provisions;
// a section with no items becomes one provision numbered "(一)"; text under
// a heading before its first item, the preamble, and closing paragraphs
// after the last item become un-numbered provisions, one per paragraph.
func structure(segs []segment) ([]block, []Part) {
	var (
		blocks           []block
		parts            []Part
		chapter, section string
	)
	partIdx := -1

	// A section with items is a heading; one without is a provision.
	hasItems := make([]bool, len(segs))
	open := -1 // the section items would belong to
	for i, s := range segs {
		switch s.m.kind {
		case markChapter:
			open = -1
		case markSection:
			open = i
		case markItem:
			if open >= 0 {
				hasItems[open] = true
			}
		}
	}
	// Layout matters for the closing paragraph: when items never continue
	// over a broken line, a new line after the last item's full stop is a
	// paragraph of the document's own, not more of the item.
	lineBroken, lastItem := false, -1
	for i, s := range segs {
		if s.m.kind == markItem {
			lastItem = i
			for _, p := range s.body[min(1, len(s.body)):] {
				lineBroken = lineBroken || p.join == joinLine
			}
		}
	}

	path := func(extra ...string) []string {
		var p []string
		for _, h := range append([]string{chapter, section}, extra...) {
			if h != "" {
				p = append(p, h)
			}
		}
		return p
	}
	addParas := func(text string, hp []string) {
		for _, para := range mergeParagraphs(strings.Split(text, "\n")) {
			blocks = append(blocks, block{text: para, headingPath: hp, title: leadTitle(para, false), part: partIdx})
		}
	}

	for i, s := range segs {
		switch s.m.kind {
		case markNone:
			addParas(joinPieces(s.body), nil)
		case markChapter:
			heading, rest := splitHeading(s.head)
			chapter, section = tidy(s.m.label+heading), ""
			if year, kind, ok := partOf(tidy(heading)); ok {
				parts = append(parts, Part{Heading: chapter, Year: year, DocType: kind})
				partIdx = len(parts) - 1
			}
			addParas(joinPieces(withHead(rest, s.body)), path())
		case markSection:
			heading, rest := splitHeading(s.head)
			if hasItems[i] {
				section = tidy(s.m.label + heading)
				addParas(joinPieces(withHead(rest, s.body)), path())
				continue
			}
			section = ""
			text := joinPieces(withHead(s.head, s.body))
			title := strings.TrimRight(tidy(heading), ":：")
			if title == text {
				title = ""
			}
			blocks = append(blocks, block{number: s.m.label, headingPath: path(), title: title, text: text, part: partIdx})
		case markItem:
			body := s.body
			var closing []piece
			if i == lastItem && !lineBroken {
				for k := 1; k < len(body); k++ {
					if body[k].join == joinPara {
						body, closing = body[:k], body[k:]
						break
					}
				}
			}
			text := joinPieces(body)
			blocks = append(blocks, block{number: s.m.label, headingPath: path(), title: leadTitle(text, true), text: text, part: partIdx})
			if len(closing) > 0 {
				addParas(joinPieces(closing), nil)
			}
		}
	}
	return blocks, parts
}

// withHead puts the text that followed a heading on its line in front of
// the body pieces.
func withHead(head string, body []piece) []piece {
	if head == "" {
		return body
	}
	return append([]piece{{head, joinPara}}, body...)
}

// shortParagraph is the length under which a paragraph is not a provision
// of its own but joins its neighbour (a lead-in such as 重点抓好以下工作:).
const shortParagraph = 10

// mergeParagraphs drops empty paragraphs and merges lead-ins (ending with a
// colon) into the paragraph they introduce, and short remnants into the
// paragraph before them.
func mergeParagraphs(paras []string) []string {
	var out []string
	carry := ""
	for _, p := range paras {
		p = analyzers.TrimSpace(p)
		if p == "" {
			continue
		}
		if carry != "" {
			p, carry = carry+"\n"+p, ""
		}
		last, _ := utf8.DecodeLastRuneInString(p)
		short := utf8.RuneCountInString(p) < shortParagraph
		switch {
		case (last == '：' || last == ':') && len(out) == 0:
			carry = p
		case short && len(out) > 0, (last == '：' || last == ':') && len(out) > 0:
			out[len(out)-1] += "\n" + p
		case short:
			carry = p
		default:
			out = append(out, p)
		}
	}
	if carry != "" {
		if len(out) > 0 {
			out[len(out)-1] += "\n" + carry
		} else {
			out = append(out, carry)
		}
	}
	return out
}

// titleMax is the longest first sentence taken as a provision's title.
const titleMax = 32

// leadTitle returns the provision's title: its first sentence up to and
// including the first 。, or (if leadClause) a clause ending with a colon,
// when that reads like a title: short, one clause (no comma), not the whole
// text. Un-numbered paragraphs pass leadClause false: there a colon ends an
// introduction (总体要求是：), not a title.
func leadTitle(text string, leadClause bool) string {
	n := 0
	for i, r := range text {
		switch r {
		case '。':
			title := text[:i+len("。")]
			if n < 2 || title == text {
				return ""
			}
			return title
		case '：', ':':
			if n < 2 || !leadClause {
				return ""
			}
			return text[:i]
		case '，', ',', '；', ';', '\n':
			return ""
		}
		n++
		if n > titleMax {
			return ""
		}
	}
	return ""
}

// cnDigits maps the Chinese numerals used in headings to their values.
var cnDigits = map[rune]int{'一': 1, '二': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9, '十': 10}

// isCNDigit reports whether r is a Chinese numeral of a heading number.
func isCNDigit(r rune) bool { _, ok := cnDigits[r]; return ok }

// cnPrefix splits s after its leading Chinese numerals (at most three).
func cnPrefix(s string) (num, rest string) {
	i, n := 0, 0
	for i < len(s) && n < 4 {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isCNDigit(r) {
			break
		}
		i += size
		n++
	}
	return s[:i], s[i:]
}

// cnValue parses a Chinese numeral from 一 to 九十九.
func cnValue(num string) (int, bool) {
	rs := []rune(num)
	d := func(r rune) int { return cnDigits[r] }
	switch len(rs) {
	case 1:
		return d(rs[0]), true
	case 2:
		switch {
		case rs[0] == '十' && rs[1] != '十': // 十三
			return 10 + d(rs[1]), true
		case rs[0] != '十' && rs[1] == '十': // 二十
			return d(rs[0]) * 10, true
		}
	case 3:
		if rs[0] != '十' && rs[1] == '十' && rs[2] != '十' { // 二十三
			return d(rs[0])*10 + d(rs[2]), true
		}
	}
	return 0, false
}

// skipSpaces returns the offset of the first non-space byte at or after i.
func skipSpaces(s string, i int) int {
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !analyzers.IsSpace(r) {
			break
		}
		i += size
	}
	return i
}
