package vocab

import (
	"unicode/utf8"
)

// Match is one phrasing of a concept found in a text.
type Match struct {
	ConceptID string
	Term      string // the phrasing as normalised in the vocabulary
	Kind      string // KindPreferred, KindSynonym or KindEveryday
	Start     int    // byte offset of the first matched character
	End       int    // byte offset just past the last matched character
}

// Matcher finds the vocabulary's phrasings in normalised text. It is a
// character trie over all phrasings, so a text is scanned once with work
// proportional to its length times the longest phrasing. It is read-only
// after construction and safe for concurrent use.
type Matcher struct {
	nodes   []trieNode
	entries []matchEntry
}

type trieNode struct {
	next    map[rune]int32
	entries []int32 // phrasings ending at this node (several only when shared)
}

type matchEntry struct {
	conceptID string
	term      string
	kind      string
}

// Matcher returns a matcher over every phrasing: preferred terms, synonyms
// and everyday phrasings. It suits user queries.
func (v *Vocabulary) Matcher() *Matcher {
	return v.newMatcher(true)
}

// TermMatcher returns a matcher over preferred terms and synonyms only. It
// suits document text, where everyday phrasings are not evidence (and a
// loose everyday phrasing must not hide a synonym inside it).
func (v *Vocabulary) TermMatcher() *Matcher {
	return v.newMatcher(false)
}

func (v *Vocabulary) newMatcher(everyday bool) *Matcher {
	m := &Matcher{nodes: []trieNode{{}}}
	for _, c := range v.Concepts {
		for _, p := range c.phrasings() {
			if p.text == "" || (!everyday && p.kind == KindEveryday) {
				continue
			}
			m.add(matchEntry{conceptID: c.ID, term: p.text, kind: p.kind})
		}
	}
	return m
}

func (m *Matcher) add(e matchEntry) {
	n := int32(0)
	for _, r := range e.term {
		if transparent(r) {
			continue // such a phrasing could never match; Validate rejects it
		}
		child, ok := m.nodes[n].next[r]
		if !ok {
			child = int32(len(m.nodes))
			m.nodes = append(m.nodes, trieNode{})
			if m.nodes[n].next == nil {
				m.nodes[n].next = make(map[rune]int32)
			}
			m.nodes[n].next[r] = child
		}
		n = child
	}
	if n == 0 {
		return
	}
	for _, i := range m.nodes[n].entries {
		if old := m.entries[i]; old.conceptID == e.conceptID {
			return // the same phrasing twice in one concept
		}
	}
	m.entries = append(m.entries, e)
	m.nodes[n].entries = append(m.nodes[n].entries, int32(len(m.entries)-1))
}

// Find returns the phrasings found in text, leftmost-longest: scanning from
// the left, at each position the longest phrasing starting there is taken
// and the scan resumes after it, so 县域医共体 is found rather than the
// 医共体 inside it. Matches do not overlap and come in text order; an
// everyday phrasing deliberately shared by several concepts yields one
// Match per concept at the same span.
//
// text must already be normalised (analyzers.Normalize). Quote marks and
// book-title marks inside a phrasing are skipped, since documents quote
// slogans mid-word (“三医”联动, “互联网+”医疗). A phrasing that starts or ends
// with a latin letter or digit only matches at a word boundary, so that drg
// is not found inside drgs nor ai inside email.
func (m *Matcher) Find(text string) []Match {
	var out []Match
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if transparent(r) || (asciiAlnum(r) && i > 0 && asciiAlnumByte(text[i-1])) {
			i += size
			continue
		}
		best, bestEnd := int32(-1), -1
		n := int32(0)
		for j := i; j < len(text); {
			r2, s2 := utf8.DecodeRuneInString(text[j:])
			if j > i && transparent(r2) {
				j += s2
				continue
			}
			child, ok := m.nodes[n].next[r2]
			if !ok {
				break
			}
			n = child
			j += s2
			if len(m.nodes[n].entries) > 0 && !(asciiAlnum(r2) && j < len(text) && asciiAlnumByte(text[j])) {
				best, bestEnd = n, j
			}
		}
		if best < 0 {
			i += size
			continue
		}
		for _, e := range m.nodes[best].entries {
			en := m.entries[e]
			out = append(out, Match{ConceptID: en.conceptID, Term: en.term, Kind: en.kind, Start: i, End: bestEnd})
		}
		i = bestEnd
	}
	return out
}

// transparent reports whether r is a quotation or book-title mark, which
// matching skips inside a phrasing.
func transparent(r rune) bool {
	switch r {
	case '“', '”', '‘', '’', '"', '\'', '《', '》', '「', '」', '『', '』', '〈', '〉':
		return true
	}
	return false
}

func asciiAlnum(r rune) bool {
	return r < utf8.RuneSelf && asciiAlnumByte(byte(r))
}

func asciiAlnumByte(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}
