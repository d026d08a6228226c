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
	return normalize(s, nil)
}

// NormalizeMap is Normalize that also returns, for each byte of the result,
// the byte offset in s of the character it came from (plus one final entry
// equal to len(s)), so that spans found in the normalised text can be shown
// on the faithful display text.
func NormalizeMap(s string) (string, []int) {
	offsets := make([]int, 0, len(s)+1)
	n := normalize(s, &offsets)
	return n, offsets
}

// normalize is Normalize, appending each output byte's source offset to
// offsets when it is not nil. Each source character is folded on its own,
// so that every output byte can be traced back; NFKC of one character is
// what NFKC of the text gives for the scripts found in these documents (no
// combining sequences).
func normalize(s string, offsets *[]int) string {
	var b strings.Builder
	b.Grow(len(s))
	space := -1 // source offset of a run of white space not yet written
	last := ""  // the last character's fold written
	for i, r := range s {
		folded, ok := foldFast(s, i, r)
		if !ok {
			folded = fold(r)
		}
		switch {
		case folded == "":
			continue
		case folded == " " || !ok && strings.TrimSpace(folded) == "":
			// (The fast path folds white space to " " and nothing else
			// to white space.)
			if space < 0 {
				space = i
			}
			continue
		}
		if space >= 0 {
			// A run of white space becomes one space between two
			// characters that are not CJK; at the edges it goes.
			prev, _ := utf8.DecodeLastRuneInString(last)
			next, _ := utf8.DecodeRuneInString(folded)
			if last != "" && !isCJKish(prev) && !isCJKish(next) {
				b.WriteByte(' ')
				if offsets != nil {
					*offsets = append(*offsets, space)
				}
			}
			space = -1
		}
		b.WriteString(folded)
		if offsets != nil {
			for range len(folded) {
				*offsets = append(*offsets, i)
			}
		}
		last = folded
	}
	if offsets != nil {
		*offsets = append(*offsets, len(s))
	}
	return b.String()
}

// fold returns what r becomes in the normalised text: its NFKC form in
// lower case, a space for any white space, nothing for controls, byte-order
// marks, zero-width spaces and invalid bytes.
func fold(r rune) string {
	var folded string
	if r != utf8.RuneError {
		folded = strings.ToLower(norm.NFKC.String(string(r)))
	}
	if r == '\u3000' || r == '\u00a0' || unicode.IsSpace(r) {
		folded = " "
	}
	if unicode.IsControl(r) && folded != " " || r == '\ufeff' || r == '\u200b' {
		folded = ""
	}
	return folded
}

// lowerASCII holds the lower-case letters, sliced for A–Z.
const lowerASCII = "abcdefghijklmnopqrstuvwxyz"

// Ranges of punctuation common in Chinese text whose folds are worked out
// once: CJK symbols and punctuation, and full-width forms.
const (
	cjkPunctFirst, cjkPunctLast   = 0x3000, 0x303f
	fullWidthFirst, fullWidthLast = 0xff00, 0xffef
)

// punctFolds holds fold of every character of the two ranges, the CJK
// punctuation first. Made once, never changed.
var punctFolds = func() []string {
	var out []string
	for _, rg := range [][2]rune{{cjkPunctFirst, cjkPunctLast}, {fullWidthFirst, fullWidthLast}} {
		for r := rg[0]; r <= rg[1]; r++ {
			out = append(out, fold(r))
		}
	}
	return out
}()

// foldFast is fold for the characters that make up nearly all of these
// texts, without NFKC's allocation for every character: r is the
// character at s[i:]. ok is false when fold must decide. NFKC and lower
// case leave ASCII other than A–Z and the CJK unified ideographs as they
// are.
func foldFast(s string, i int, r rune) (folded string, ok bool) {
	switch {
	case r >= 0x4e00 && r <= 0x9fff:
		return s[i : i+utf8.RuneLen(r)], true
	case r >= cjkPunctFirst && r <= cjkPunctLast:
		return punctFolds[r-cjkPunctFirst], true
	case r >= fullWidthFirst && r <= fullWidthLast:
		return punctFolds[r-fullWidthFirst+cjkPunctLast-cjkPunctFirst+1], true
	case r >= utf8.RuneSelf:
		return "", false
	case r >= 'A' && r <= 'Z':
		return lowerASCII[r-'A' : r-'A'+1], true
	case r == ' ' || r >= '\t' && r <= '\r':
		return " ", true
	case r < ' ' || r == 0x7f:
		return "", true // a control: dropped
	}
	return s[i : i+1], true
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
