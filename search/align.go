package search

import (
	"sort"
	"unicode/utf8"

	"github.com/policysearch/policysearch/analyzers"
)

// Passage is a stretch of wording shared by two provisions, with byte
// offsets into each one's display text so that both sides can be marked.
type Passage struct {
	Text        string `json:"text"`
	SourceStart int    `json:"source_start"`
	SourceEnd   int    `json:"source_end"`
	TargetStart int    `json:"target_start"`
	TargetEnd   int    `json:"target_end"`
}

// minPassageRunes is the shortest shared stretch worth showing: shorter
// ones are common words (推进, 加强…), not shared wording.
const minPassageRunes = 4

// minPassageHan is how many Chinese characters a passage holds at least:
// a stretch of figures and symbols (0%以上, 到65%) is coincidence.
const minPassageHan = 3

// seedRunes is the length of the character grams used to find candidate
// alignments; every passage of minPassageRunes or more contains one.
const seedRunes = minPassageRunes

// alignment is a normalised view of a display text.
type alignment struct {
	display string
	runes   []rune
	// byteOff[i] is the display byte offset of normalised rune i, and
	// byteOff[len(runes)] the display length.
	byteOff []int
	endOff  []int // display byte offset just past rune i
	// grams lists where each character gram starts, for a source aligned
	// with many targets (see indexGrams).
	grams map[gram][]int
}

// gram is a character gram: an array, so that looking one up allocates
// nothing.
type gram [seedRunes]rune

func newAlignment(display string) alignment {
	norm, off := analyzers.NormalizeMap(display)
	n := utf8.RuneCountInString(norm)
	a := alignment{
		display: display,
		runes:   make([]rune, 0, n),
		byteOff: make([]int, 0, n),
		endOff:  make([]int, 0, n),
	}
	for i, r := range norm {
		a.runes = append(a.runes, r)
		a.byteOff = append(a.byteOff, off[i])
		_, size := utf8.DecodeRuneInString(display[off[i]:])
		if off[i] >= len(display) {
			size = 0
		}
		a.endOff = append(a.endOff, off[i]+size)
	}
	return a
}

// indexGrams records where each of a's character grams starts; a source
// compared with many targets is indexed once.
func (a *alignment) indexGrams() {
	a.grams = make(map[gram][]int, len(a.runes))
	for i := 0; i+seedRunes <= len(a.runes); i++ {
		g := gram(a.runes[i : i+seedRunes])
		a.grams[g] = append(a.grams[g], i)
	}
}

// sharedPassages finds the maximal shared stretches of at least
// minPassageRunes characters between src and dst, longest first, each
// stretch of dst used once. It seeds on character grams of src (a map
// lookup per position of dst) and extends each seed both ways, so it runs
// in time near linear in the texts' lengths rather than their product.
func sharedPassages(src, dst alignment) []Passage {
	if len(src.runes) < seedRunes || len(dst.runes) < seedRunes {
		return nil
	}
	if src.grams == nil {
		src.indexGrams()
	}
	type match struct{ s, d, n int }
	var found []match
	for j := 0; j+seedRunes <= len(dst.runes); {
		best := match{}
		for _, i := range src.grams[gram(dst.runes[j:j+seedRunes])] {
			n := seedRunes
			for i+n < len(src.runes) && j+n < len(dst.runes) && src.runes[i+n] == dst.runes[j+n] {
				n++
			}
			if n > best.n {
				best = match{i, j, n}
			}
		}
		if best.n >= minPassageRunes {
			end := best.d + best.n
			// Punctuation at either end is not shared wording.
			for best.n > 0 && !isWordRune(dst.runes[best.d]) {
				best.s, best.d, best.n = best.s+1, best.d+1, best.n-1
			}
			for best.n > 0 && !isWordRune(dst.runes[best.d+best.n-1]) {
				best.n--
			}
			if hanCount(dst.runes[best.d:best.d+best.n]) >= minPassageHan {
				found = append(found, best)
				j = end
				continue
			}
		}
		j++
	}
	sort.SliceStable(found, func(a, b int) bool { return found[a].n > found[b].n })
	out := make([]Passage, 0, len(found))
	for _, m := range found {
		out = append(out, Passage{
			Text:        dst.display[dst.byteOff[m.d]:dst.endOff[m.d+m.n-1]],
			SourceStart: src.byteOff[m.s],
			SourceEnd:   src.endOff[m.s+m.n-1],
			TargetStart: dst.byteOff[m.d],
			TargetEnd:   dst.endOff[m.d+m.n-1],
		})
	}
	return out
}

// sharedRunes sums the lengths (in characters) of the passages.
func sharedRunes(ps []Passage, dst alignment) int {
	n := 0
	for _, p := range ps {
		n += utf8.RuneCountInString(dst.display[p.TargetStart:p.TargetEnd])
	}
	return n
}

func isWordRune(r rune) bool {
	return analyzers.IsHan(r) || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z')
}

func hanCount(rs []rune) int {
	n := 0
	for _, r := range rs {
		if analyzers.IsHan(r) {
			n++
		}
	}
	return n
}
