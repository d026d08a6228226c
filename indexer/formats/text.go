package formats

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// Sentinel errors returned (wrapped, with the file name) by DecodeText and
// the readers, so that callers can tell the kinds of bad input apart with
// errors.Is.
var (
	// ErrEmpty means the file holds no text, or only white space.
	ErrEmpty = errors.New("empty file")
	// ErrBinary means the file is not text or a document format read here
	// (an image, an archive, unknown binary data).
	ErrBinary = errors.New("binary file")
	// ErrEncoding means the bytes are neither UTF-8 nor GB18030/GBK text.
	ErrEncoding = errors.New("unrecognised text encoding")
)

// binaryMagic lists file signatures worth naming in an error message.
var binaryMagic = []struct {
	prefix string
	kind   string
}{
	{"\x89PNG\r\n\x1a\n", "a PNG image"},
	{"\xff\xd8\xff", "a JPEG image"},
	{"GIF87a", "a GIF image"},
	{"GIF89a", "a GIF image"},
	{"%PDF-", "a PDF document"},
	{"PK\x03\x04", "a ZIP archive (or DOCX/XLSX)"},
	{"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an OLE document (DOC/XLS)"},
	{"\x1f\x8b", "a gzip archive"},
	{"{\\rtf", "an RTF document"},
}

// DecodeText turns the bytes of a text file into a Go string. It accepts
// UTF-8 (with or without a byte-order mark) and GB18030/GBK, the two
// encodings these documents come in; anything else is rejected with an error
// that names the file and wraps ErrEmpty, ErrBinary or ErrEncoding. Line
// endings are normalised to "\n" so that the same text gives the same result
// whatever system wrote it.
func DecodeText(name string, data []byte) (string, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(data)) == 0 {
		return "", fmt.Errorf("%s: no text, only %d bytes of white space: %w", name, len(data), ErrEmpty)
	}
	for _, m := range binaryMagic {
		if bytes.HasPrefix(data, []byte(m.prefix)) {
			return "", fmt.Errorf("%s: looks like %s, not text: %w", name, m.kind, ErrBinary)
		}
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return "", fmt.Errorf("%s: NUL byte at offset %d, not text: %w", name, i, ErrBinary)
	}
	if n := controlBytes(data); n*50 > len(data) {
		return "", fmt.Errorf("%s: %d control bytes in %d, not text: %w", name, n, len(data), ErrBinary)
	}

	var text string
	if utf8.Valid(data) {
		text = string(data)
	} else {
		decoded, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		if err != nil {
			return "", fmt.Errorf("%s: neither UTF-8 nor GB18030 (%v): %w", name, err, ErrEncoding)
		}
		if bad, odd, wide := implausibleRunes(decoded); bad > 0 || odd*100 > wide {
			return "", fmt.Errorf("%s: neither UTF-8 nor GB18030: %d undecodable and %d unlikely characters in %d: %w",
				name, bad, odd, wide, ErrEncoding)
		}
		text = string(decoded)
	}
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	text = strings.ReplaceAll(text, "\ufeff", "")
	return text, nil
}

// controlBytes counts the C0 control bytes that do not occur in text files
// (tab, line breaks and form feed are fine). It works on raw bytes, so the
// count is the same for UTF-8 and GBK: neither uses bytes below 0x20 inside
// a multi-byte character.
func controlBytes(data []byte) int {
	n := 0
	for _, c := range data {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' || c == 0x7f {
			n++
		}
	}
	return n
}

// implausibleRunes examines GB18030-decoded text: bad counts replacement
// characters (bytes that did not decode), odd the characters outside what
// Chinese documents are made of, wide all non-ASCII characters. Bytes in
// another encoding (Big5, Latin-1, random data) that happen to decode as
// GB18030 produce replacement or odd characters; a real document has
// neither, or very few odd ones (a rare symbol).
func implausibleRunes(b []byte) (bad, odd, wide int) {
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		b = b[size:]
		if r < 0x80 {
			continue
		}
		wide++
		switch {
		case r == utf8.RuneError:
			bad++
		case !plausibleRune(r):
			odd++
		}
	}
	return bad, odd, wide
}

// plausibleRune reports whether r is a character that Chinese government
// documents are made of.
func plausibleRune(r rune) bool {
	switch {
	case r == utf8.RuneError:
		return false
	case r == '\t' || r == '\n' || r == '\r' || r == '\f':
		return true
	case r >= 0x20 && r < 0x7f:
		return true
	case r >= 0x4e00 && r <= 0x9fff: // CJK unified ideographs (basic block)
		return true
	case r >= 0x3000 && r <= 0x303f, r >= 0xff00 && r <= 0xffef: // CJK and full-width punctuation
		return true
	case r >= 0x2010 && r <= 0x2064: // general punctuation: “” — … ‰ ※
		return true
	case r >= 0x2460 && r <= 0x24ff, r >= 0x2160 && r <= 0x217f: // ①⑴⒈, Ⅰ ⅰ
		return true
	case r >= 0x2190 && r <= 0x22ff, r >= 0x2500 && r <= 0x25ff: // arrows, maths, box drawing, ■●
		return true
	case r >= 0x3400 && r <= 0x4dbf: // extension A (rare characters in names)
		return true
	case r == 0xa0, r == 0xa7, r == 0xb0, r == 0xb1, r == 0xb7, r == 0xd7, r == 0xf7, r == 0x2116, r == 0x2103:
		return true // nbsp § ° ± · × ÷ № ℃
	case r >= 0x391 && r <= 0x3c9: // Greek letters (α, β, γ in medical text)
		return true
	case r >= 0x100 && r <= 0x24f, r >= 0x3300 && r <= 0x33ff: // pinyin tone marks; ㎡ ㎏
		return true
	}
	return unicode.Is(unicode.Han, r) && r < 0x20000
}

// sniffBinary names what binary data looks like, or returns "" for data
// without a known signature. PDF, DOCX and Word files are taken by their
// readers before this is asked, so their entries describe what is left.
func sniffBinary(data []byte) string {
	for _, m := range binaryMagic {
		if bytes.HasPrefix(data, []byte(m.prefix)) {
			return m.kind
		}
	}
	return ""
}

// Text reads plain text in UTF-8 or GB18030/GBK.
type Text struct{}

// Format implements Reader.
func (Text) Format() string { return "text" }

// Detect implements Reader: anything without a binary signature is tried
// as text; DecodeText then rejects what does not decode.
func (Text) Detect(name string, data []byte) bool {
	return sniffBinary(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))) == ""
}

// Read implements Reader.
func (Text) Read(ctx context.Context, name string, data []byte) (Extracted, error) {
	text, err := DecodeText(name, data)
	if err != nil {
		return Extracted{}, err
	}
	return Extracted{Format: "text", Text: text}, nil
}

// isHan reports a Chinese character (not punctuation).
func isHan(r rune) bool {
	return r >= 0x4e00 && r <= 0x9fff || r >= 0x3400 && r <= 0x4dbf || r > 0xffff && unicode.Is(unicode.Han, r)
}
