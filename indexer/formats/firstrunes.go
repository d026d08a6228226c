package formats

import (
	"regexp"
	"regexp/syntax"
	"unicode"
	"unicode/utf8"
)

// Most lines a parser tests for chrome are body text, and running every
// expression of chromeRes over each was half the time of parsing a
// corpus. A match must begin with one of few characters (打印本页 with 打,
// 分享到 with 分…), so each expression keeps a small hash of the
// characters its matches can begin with; a line holding none of them, or
// for an expression anchored at the start, not beginning with one, cannot
// match, and the expression is not run.

// runeBloom is a 256-bit hash set of characters: a character may be in it
// when its bit is set, and surely is not when it is clear.
type runeBloom [4]uint64

func (b *runeBloom) add(r rune) {
	h := uint32(r) * 2654435761 >> 24 // multiplicative hash, top 8 bits
	b[h>>6] |= 1 << (h & 63)
}

func (b runeBloom) meets(o runeBloom) bool {
	return b[0]&o[0]|b[1]&o[1]|b[2]&o[2]|b[3]&o[3] != 0
}

// maxFirstRunes bounds the characters a class may add to an expression's
// set; a wider class ([^)）], \S) could begin a match with anything.
const maxFirstRunes = 64

// prefiltered is an expression with what its matches can begin with.
type prefiltered struct {
	re *regexp.Regexp
	// any: a match may begin with any character (or none), so the
	// expression always runs.
	any bool
	// anchored: every match begins at the start of the line.
	anchored bool
	first    runeBloom
}

func newPrefiltered(pattern string) prefiltered {
	p := prefiltered{re: regexp.MustCompile(pattern)}
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		p.any = true // cannot happen: MustCompile parsed it
		return p
	}
	re = re.Simplify()
	var set []rune
	nullable, ok := firstRunes(re, &set)
	p.any = !ok || nullable
	p.anchored = anchoredAtStart(re)
	for _, r := range set {
		p.first.add(r)
	}
	return p
}

// mayMatch reports whether the expression could match a line whose
// characters are in all and whose first character is first.
func (p *prefiltered) mayMatch(all, first runeBloom) bool {
	switch {
	case p.any:
		return true
	case p.anchored:
		return p.first.meets(first)
	default:
		return p.first.meets(all)
	}
}

// firstRunes adds to set the characters a match of re can begin with. It
// reports whether re can match the empty string (then what follows re
// also begins matches), and false for ok when the set is not small.
func firstRunes(re *syntax.Regexp, set *[]rune) (nullable, ok bool) {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText,
		syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true, true
	case syntax.OpLiteral:
		if len(re.Rune) == 0 {
			return true, true
		}
		r := re.Rune[0]
		*set = append(*set, r)
		if re.Flags&syntax.FoldCase != 0 {
			for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
				*set = append(*set, f)
			}
		}
		return false, true
	case syntax.OpCharClass:
		n := 0
		for i := 0; i+1 < len(re.Rune); i += 2 {
			n += int(re.Rune[i+1]-re.Rune[i]) + 1
			if n > maxFirstRunes {
				return false, false
			}
		}
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				*set = append(*set, r)
			}
		}
		return false, true
	case syntax.OpCapture:
		return firstRunes(re.Sub[0], set)
	case syntax.OpStar, syntax.OpQuest:
		_, ok := firstRunes(re.Sub[0], set)
		return true, ok
	case syntax.OpPlus:
		return firstRunes(re.Sub[0], set)
	case syntax.OpRepeat:
		nullable, ok := firstRunes(re.Sub[0], set)
		return nullable || re.Min == 0, ok
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			nullable, ok := firstRunes(sub, set)
			if !ok {
				return false, false
			}
			if !nullable {
				return false, true
			}
		}
		return true, true
	case syntax.OpAlternate:
		nullable := false
		for _, sub := range re.Sub {
			n, ok := firstRunes(sub, set)
			if !ok {
				return false, false
			}
			nullable = nullable || n
		}
		return nullable, true
	}
	return false, false // any character, or an operator not expected here
}

// anchoredAtStart reports whether every match of re begins at the start
// of the text.
func anchoredAtStart(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpBeginText:
		return true
	case syntax.OpCapture:
		return anchoredAtStart(re.Sub[0])
	case syntax.OpConcat:
		return len(re.Sub) > 0 && anchoredAtStart(re.Sub[0])
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			if !anchoredAtStart(sub) {
				return false
			}
		}
		return true
	}
	return false
}

// lineBlooms returns the hash sets of a line's characters and of its first
// character.
func lineBlooms(line string) (all, first runeBloom) {
	if r, _ := utf8.DecodeRuneInString(line); line != "" {
		first.add(r)
	}
	for _, r := range line {
		all.add(r)
	}
	return all, first
}
