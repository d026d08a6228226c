package formats

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// DOCX reads Word 2007+ files: the body of word/document.xml, with Word's
// automatic numbering (numbering.xml) written out as text, since the
// provision numbers 一、 （一） 1. are often numbering rather than text.
// Headers, footers, footnotes and comments live in other parts and are
// not read.
type DOCX struct{}

// Format implements Reader.
func (DOCX) Format() string { return "docx" }

// Detect implements Reader: a ZIP whose entries include word/document.xml
// (the name appears in the local and central headers), or a ZIP named
// .docx (read then reports what is wrong with it).
func (DOCX) Detect(name string, data []byte) bool {
	if !prefixAt(data, "PK\x03\x04") {
		return false
	}
	return bytes.Contains(data, []byte("word/document.xml")) || hasExt(name, ".docx")
}

// maxPartBytes bounds an uncompressed XML part: a zip bomb stops here.
const maxPartBytes = 64 << 20

// Read implements Reader.
func (DOCX) Read(ctx context.Context, name string, data []byte) (Extracted, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return Extracted{}, fmt.Errorf("%s: not a readable DOCX (zip: %v): %w", name, err, ErrCorrupt)
	}
	parts := map[string]*zip.File{}
	for _, f := range zr.File {
		parts[strings.TrimPrefix(f.Name, "/")] = f
	}
	main := parts["word/document.xml"]
	if main == nil {
		return Extracted{}, fmt.Errorf("%s: a ZIP without word/document.xml, so not a DOCX (XLSX, PPTX, ODT and archives are not read): %w", name, ErrUnsupported)
	}
	d := docxReader{ctx: ctx, nums: map[string]numInstance{}, abstract: map[string]map[int]numLevel{},
		styles: map[string]numRef{}, counters: map[string][]int{}, started: map[string]bool{}}
	if f := parts["word/numbering.xml"]; f != nil {
		if err := d.readNumbering(f); err != nil {
			if ctx.Err() != nil {
				return Extracted{}, fmt.Errorf("%s: %w", name, ctx.Err())
			}
			return Extracted{}, fmt.Errorf("%s: word/numbering.xml: %v: %w", name, err, ErrCorrupt)
		}
	}
	if f := parts["word/styles.xml"]; f != nil {
		// Styles only add numbering to headings; a bad styles part
		// loses that, not the text.
		_ = d.readStyles(f)
	}
	lines, err := d.readBody(main)
	if err != nil {
		if ctx.Err() != nil {
			return Extracted{}, fmt.Errorf("%s: %w", name, ctx.Err())
		}
		return Extracted{}, fmt.Errorf("%s: word/document.xml: %v: %w", name, err, ErrCorrupt)
	}
	text := joinLines(lines)
	if strings.TrimSpace(text) == "" {
		return Extracted{}, fmt.Errorf("%s: the DOCX holds no text: %w", name, ErrEmpty)
	}
	return Extracted{Format: "docx", Text: text}, nil
}

// numLevel is one level of a numbering definition.
type numLevel struct {
	start   int
	format  string // numFmt: decimal, chineseCounting…
	text    string // lvlText: "%1、", "（%2）"
	restart int    // lvlRestart: restart after this level (1-based); -1 default
}

// numInstance is a w:num: a list using an abstract definition, with
// start overrides per level.
type numInstance struct {
	abstract  string
	overrides map[int]int
}

// numRef is a paragraph's or style's numbering reference.
type numRef struct {
	numID string
	level int
	set   bool
}

// docxReader holds the numbering state while the body is read.
type docxReader struct {
	ctx      context.Context
	nums     map[string]numInstance
	abstract map[string]map[int]numLevel
	styles   map[string]numRef
	counters map[string][]int // abstract id → counter per level
	started  map[string]bool  // num ids whose start overrides were applied
}

// errEnough stops a walk over a part's tokens early, without failing it.
var errEnough = errors.New("enough read")

// eachToken hands fn the XML tokens of a zip entry, read up to
// maxPartBytes, until the end, fn's error, or ctx's cancellation.
func eachToken(ctx context.Context, f *zip.File, fn func(xml.Token) error) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	dec := xml.NewDecoder(io.LimitReader(rc, maxPartBytes))
	dec.Strict = false
	for n := 0; ; n++ {
		if n%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(tok); err != nil {
			if errors.Is(err, errEnough) {
				return nil
			}
			return err
		}
	}
}

// val returns the w:val attribute of an element.
func val(se xml.StartElement) string {
	for _, a := range se.Attr {
		if a.Name.Local == "val" {
			return a.Value
		}
	}
	return ""
}

// attrLocal returns the attribute named local, any namespace.
func attrLocal(se xml.StartElement, local string) string {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

func (d *docxReader) readNumbering(f *zip.File) error {
	var abs string
	var lvl numLevel
	lvlIdx := -1
	var num string
	return eachToken(d.ctx, f, func(tok xml.Token) error {
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "abstractNum":
				abs = attrLocal(t, "abstractNumId")
				d.abstract[abs] = map[int]numLevel{}
			case "lvl":
				lvlIdx, _ = strconv.Atoi(attrLocal(t, "ilvl"))
				lvl = numLevel{start: 1, format: "decimal", restart: -1}
			case "start":
				if n, err := strconv.Atoi(val(t)); err == nil {
					lvl.start = n
				}
			case "numFmt":
				lvl.format = val(t)
			case "lvlText":
				lvl.text = val(t)
			case "lvlRestart":
				if n, err := strconv.Atoi(val(t)); err == nil {
					lvl.restart = n
				}
			case "num":
				num = attrLocal(t, "numId")
				d.nums[num] = numInstance{overrides: map[int]int{}}
			case "abstractNumId":
				if num != "" {
					inst := d.nums[num]
					inst.abstract = val(t)
					d.nums[num] = inst
				}
			case "lvlOverride":
				lvlIdx, _ = strconv.Atoi(attrLocal(t, "ilvl"))
			case "startOverride":
				if n, err := strconv.Atoi(val(t)); err == nil && num != "" {
					d.nums[num].overrides[lvlIdx] = n
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "lvl":
				if abs != "" && d.abstract[abs] != nil && lvlIdx >= 0 && lvlIdx < 9 {
					d.abstract[abs][lvlIdx] = lvl
				}
			case "abstractNum":
				abs = ""
			case "num":
				num = ""
			}
		}
		return nil
	})
}

func (d *docxReader) readStyles(f *zip.File) error {
	var style string
	var ref numRef
	return eachToken(d.ctx, f, func(tok xml.Token) error {
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "style":
				style, ref = attrLocal(t, "styleId"), numRef{}
			case "numId":
				ref.numID, ref.set = val(t), true
			case "ilvl":
				ref.level, _ = strconv.Atoi(val(t))
			}
		case xml.EndElement:
			if t.Name.Local == "style" && style != "" && ref.set {
				d.styles[style] = ref
			}
		}
		return nil
	})
}

// number returns the text of the next number of a numbered paragraph
// ("一、", "（三）", "2."), advancing the counters; "" for bullets.
func (d *docxReader) number(ref numRef) string {
	inst, ok := d.nums[ref.numID]
	if !ok || ref.numID == "0" {
		return ""
	}
	levels := d.abstract[inst.abstract]
	if levels == nil || ref.level < 0 || ref.level >= 9 {
		return ""
	}
	lv := levels[ref.level]
	if lv.format == "bullet" || lv.format == "none" || lv.text == "" {
		return ""
	}
	key := inst.abstract
	ctr := d.counters[key]
	if ctr == nil {
		ctr = make([]int, 9)
		d.counters[key] = ctr
	}
	if !d.started[ref.numID] {
		d.started[ref.numID] = true
		for l, n := range inst.overrides {
			if l >= 0 && l < 9 {
				ctr[l] = n - 1
			}
		}
	}
	if ctr[ref.level] == 0 {
		ctr[ref.level] = levels[ref.level].start - 1
	}
	ctr[ref.level]++
	// Deeper levels restart after this one.
	for l := ref.level + 1; l < 9; l++ {
		if r := levels[l].restart; r == 0 || r > 0 && r-1 < ref.level {
			continue
		}
		ctr[l] = 0
	}
	out := lv.text
	for l := 0; l < 9; l++ {
		ph := "%" + strconv.Itoa(l+1)
		if !strings.Contains(out, ph) {
			continue
		}
		n := ctr[l]
		if n == 0 {
			n = max(levels[l].start, 1)
		}
		out = strings.ReplaceAll(out, ph, formatNumber(n, levels[l].format))
	}
	return out
}

// readBody reads the paragraphs and table rows of the body as lines.
func (d *docxReader) readBody(f *zip.File) ([]string, error) {
	var lines []string
	type para struct {
		b     strings.Builder
		ref   numRef
		style string
	}
	var paras []*para // open paragraphs: a text box nests one in another
	type row struct{ cells []string }
	var rows []*row             // open table rows, innermost last
	var cell []*strings.Builder // open cells
	var tables []*taskTable     // open tables, innermost last
	skip := 0                   // depth inside parts that are not body text
	inText := false             // inside w:t
	emit := func(s string) {
		s = tidyLine(s)
		if s == "" {
			return
		}
		if len(cell) > 0 {
			cb := cell[len(cell)-1]
			if cb.Len() > 0 {
				cb.WriteByte(' ')
			}
			cb.WriteString(s)
			return
		}
		lines = append(lines, s)
	}
	total := 0
	err := eachToken(d.ctx, f, func(tok xml.Token) error {
		switch t := tok.(type) {
		case xml.StartElement:
			local := t.Name.Local
			if skip > 0 {
				skip++
				return nil
			}
			switch local {
			case "Fallback", "delText", "instrText", "footnoteReference", "endnoteReference", "commentReference":
				// Fallback repeats its Choice (text boxes twice);
				// deleted text and field codes are not text.
				skip = 1
			case "p":
				paras = append(paras, &para{})
			case "pStyle":
				if len(paras) > 0 {
					paras[len(paras)-1].style = val(t)
				}
			case "numId":
				if len(paras) > 0 {
					p := paras[len(paras)-1]
					p.ref.numID, p.ref.set = val(t), true
				}
			case "ilvl":
				if len(paras) > 0 {
					paras[len(paras)-1].ref.level, _ = strconv.Atoi(val(t))
				}
			case "t":
				inText = true
			case "tab", "ptab":
				if len(paras) > 0 && !isPropertyTab(t) {
					paras[len(paras)-1].b.WriteByte(' ')
				}
			case "br", "cr":
				if len(paras) > 0 {
					paras[len(paras)-1].b.WriteByte('\n')
				}
			case "tbl":
				tables = append(tables, &taskTable{})
			case "tr":
				rows = append(rows, &row{})
			case "tc":
				cell = append(cell, &strings.Builder{})
			}
		case xml.EndElement:
			if skip > 0 {
				skip--
				return nil
			}
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				if len(paras) == 0 {
					return nil
				}
				p := paras[len(paras)-1]
				paras = paras[:len(paras)-1]
				ref := p.ref
				if !ref.set {
					ref = d.styles[p.style]
				}
				prefix := ""
				if ref.set {
					prefix = d.number(ref)
				}
				text := p.b.String()
				if strings.TrimSpace(text) == "" {
					return nil // an empty numbered paragraph shows no number either
				}
				parts := strings.Split(text, "\n")
				parts[0] = prefix + strings.TrimLeft(parts[0], " \t")
				for _, s := range parts {
					total += len(s)
					emit(s)
				}
				if total > MaxTextBytes {
					return errEnough
				}
			case "tc":
				if len(cell) > 0 {
					cb := cell[len(cell)-1]
					cell = cell[:len(cell)-1]
					if len(rows) > 0 {
						r := rows[len(rows)-1]
						r.cells = append(r.cells, cb.String())
					}
				}
			case "tbl":
				if len(tables) > 0 {
					tables = tables[:len(tables)-1]
				}
			case "tr":
				if len(rows) > 0 {
					r := rows[len(rows)-1]
					rows = rows[:len(rows)-1]
					if len(tables) > 0 {
						if line, ok := tables[len(tables)-1].row(r.cells); ok {
							emit(line)
							return nil
						}
					}
					emit(strings.Join(r.cells, " "))
				}
			}
		case xml.CharData:
			if inText && skip == 0 && len(paras) > 0 {
				paras[len(paras)-1].b.Write(t)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return lines, nil
}

// isPropertyTab tells a tab stop definition (w:tabs/w:tab, which has a
// position) from a tab character in a run.
func isPropertyTab(t xml.StartElement) bool {
	return attrLocal(t, "pos") != ""
}

// formatNumber writes n in a Word number format.
func formatNumber(n int, format string) string {
	switch format {
	case "chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting", "koreanCounting":
		return chineseNumber(n)
	case "chineseLegalSimplified":
		r := strings.NewReplacer("一", "壹", "二", "贰", "三", "叁", "四", "肆", "五", "伍", "六", "陆", "七", "柒", "八", "捌", "九", "玖", "十", "拾", "百", "佰")
		return r.Replace(chineseNumber(n))
	case "ideographDigital", "japaneseDigitalTenThousand", "taiwaneseDigital":
		digits := []rune("〇一二三四五六七八九")
		var b strings.Builder
		for _, c := range strconv.Itoa(n) {
			b.WriteRune(digits[c-'0'])
		}
		return b.String()
	case "ideographTraditional":
		return cycle(n, "甲乙丙丁戊己庚辛壬癸")
	case "ideographZodiac":
		return cycle(n, "子丑寅卯辰巳午未申酉戌亥")
	case "decimalEnclosedCircle", "decimalEnclosedCircleChinese":
		if n >= 1 && n <= 20 {
			return string(rune('①' + n - 1))
		}
	case "decimalEnclosedParen":
		if n >= 1 && n <= 20 {
			return string(rune('⑴' + n - 1))
		}
	case "decimalEnclosedFullstop":
		if n >= 1 && n <= 20 {
			return string(rune('⒈' + n - 1))
		}
	case "decimalFullWidth", "decimalFullWidth2":
		var b strings.Builder
		for _, c := range strconv.Itoa(n) {
			b.WriteRune('０' + c - '0')
		}
		return b.String()
	case "decimalZero":
		return fmt.Sprintf("%02d", n)
	case "lowerLetter", "upperLetter":
		s := strings.Repeat(string(rune('a'+(n-1)%26)), (n-1)/26+1)
		if format == "upperLetter" {
			s = strings.ToUpper(s)
		}
		return s
	case "lowerRoman", "upperRoman":
		s := roman(n)
		if format == "lowerRoman" {
			s = strings.ToLower(s)
		}
		return s
	}
	return strconv.Itoa(n)
}

// chineseNumber writes n (1–9999) in Chinese numerals: 十一, 二十, 一百零五.
func chineseNumber(n int) string {
	if n <= 0 || n > 9999 {
		return strconv.Itoa(n)
	}
	digits := []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	units := []string{"千", "百", "十", ""}
	s := fmt.Sprintf("%04d", n)
	var b strings.Builder
	zero := false
	for i, c := range s {
		dg := int(c - '0')
		if dg == 0 {
			zero = b.Len() > 0
			continue
		}
		if zero {
			b.WriteString("零")
			zero = false
		}
		if !(dg == 1 && i == 2 && b.Len() == 0) { // 十一, not 一十一
			b.WriteString(digits[dg])
		}
		b.WriteString(units[i])
	}
	return b.String()
}

// cycle picks the nth of a cycle of characters (甲乙丙…).
func cycle(n int, chars string) string {
	rs := []rune(chars)
	return string(rs[(n-1+len(rs)*1000)%len(rs)])
}

// roman writes n in Roman numerals.
func roman(n int) string {
	if n <= 0 || n >= 4000 {
		return strconv.Itoa(n)
	}
	vals := []int{1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1}
	syms := []string{"M", "CM", "D", "CD", "C", "XC", "L", "XL", "X", "IX", "V", "IV", "I"}
	var b strings.Builder
	for i, v := range vals {
		for n >= v {
			b.WriteString(syms[i])
			n -= v
		}
	}
	return b.String()
}
