package analyzers

import (
	"strings"
	"unicode"
)

// IsSpace reports white space, including the ideographic space and the
// no-break space that layout uses for indentation.
func IsSpace(r rune) bool { return unicode.IsSpace(r) || r == '\u3000' || r == '\u00a0' }

// TrimSpace trims white space, ideographic and no-break spaces included.
func TrimSpace(s string) string { return strings.TrimFunc(s, IsSpace) }

// StripSpaces removes all white space from s.
func StripSpaces(s string) string {
	return strings.Map(func(r rune) rune {
		if IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// IsCJK reports Han characters and CJK, full-width and general
// punctuation, next to which a space carries no meaning.
func IsCJK(r rune) bool {
	switch {
	case r >= 0x4e00 && r <= 0x9fff, r >= 0x3400 && r <= 0x4dbf, unicode.Is(unicode.Han, r):
		return true
	case r >= 0x3000 && r <= 0x303f, r >= 0xff00 && r <= 0xffef, r >= 0x2010 && r <= 0x206f:
		return true
	}
	return false
}

// DigitValue returns the value of an ASCII or full-width digit, or -1.
func DigitValue(r rune) int {
	switch {
	case r >= '0' && r <= '9':
		return int(r - '0')
	case r >= '０' && r <= '９':
		return int(r - '０')
	}
	return -1
}
