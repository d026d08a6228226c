package analyzers

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Normalize returns the form of s that is indexed and matched: NFKC width
// folding, lower case, white space removed wherever a CJK character or CJK
// punctuation stands on either side, other white-space runs collapsed to a
// single space, and trimmed. Index and query text both pass through it, so a
// quoted phrase matches exactly when the normalised texts contain each other.
func Normalize(s string) string {
	n, _ := NormalizeMap(s)
	return n
}

// NormalizeMap is Normalize that also returns, for each byte of the result,
// the byte offset in s of the character it came from (plus one final entry
// equal to len(s)), so that spans found in the normalised text can be shown
// on the faithful display text.
func NormalizeMap(s string) (string, []int) {
	type piece struct {
		text string
		src  int // byte offset of the source character in s
	}
	// Fold each source character on its own so that every output byte can be
	// traced back; NFKC of one character is what NFKC of the text gives for
	// the scripts found in these documents (no combining sequences).
	pieces := make([]piece, 0, len(s)/2)
	for i, r := range s {
		var folded string
		if r == utf8.RuneError {
			folded = ""
		} else {
			folded = strings.ToLower(norm.NFKC.String(string(r)))
		}
		if r == '\u3000' || r == '\u00a0' || unicode.IsSpace(r) {
			folded = " "
		}
		if unicode.IsControl(r) && folded != " " || r == '\ufeff' || r == '\u200b' {
			folded = ""
		}
		if folded != "" {
			pieces = append(pieces, piece{folded, i})
		}
	}

	var b strings.Builder
	b.Grow(len(s))
	offsets := make([]int, 0, len(s)+1)
	for i := 0; i < len(pieces); i++ {
		p := pieces[i]
		if p.text == " " || strings.TrimSpace(p.text) == "" {
			// Collapse a run of spaces; drop it at the edges or next to CJK.
			j := i
			for j+1 < len(pieces) && strings.TrimSpace(pieces[j+1].text) == "" {
				j++
			}
			if b.Len() > 0 && j+1 < len(pieces) {
				prev, _ := utf8.DecodeLastRuneInString(b.String())
				next, _ := utf8.DecodeRuneInString(pieces[j+1].text)
				if !isCJKish(prev) && !isCJKish(next) {
					b.WriteByte(' ')
					offsets = append(offsets, p.src)
				}
			}
			i = j
			continue
		}
		b.WriteString(p.text)
		for k := 0; k < len(p.text); k++ {
			offsets = append(offsets, p.src)
		}
	}
	offsets = append(offsets, len(s))
	return b.String(), offsets
}

// isCJKish reports whether r is a Han character or CJK/full-width
// punctuation, next to which white space carries no meaning in Chinese text.
func isCJKish(r rune) bool {
	switch {
	case unicode.Is(unicode.Han, r):
		return true
	case r >= 0x3000 && r <= 0x303f: // CJK symbols and punctuation
		return true
	case r >= 0xff00 && r <= 0xffef: // full-width forms
		return true
	case r >= 0x2010 && r <= 0x206f: // general punctuation: “”‘’—…
		return true
	}
	switch r {
	case ',', '.', ';', ':', '!', '?', '(', ')', '、', '《', '》':
		return true
	}
	return false
}

// IsHan reports whether r is a Han (Chinese) character.
func IsHan(r rune) bool { return unicode.Is(unicode.Han, r) }
