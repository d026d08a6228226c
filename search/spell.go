package search

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/mozillazg/go-pinyin"

	"github.com/policysearch/policysearch/analyzers"
	"github.com/policysearch/policysearch/analyzers/vocab"
	"github.com/policysearch/policysearch/indexer"
)

// Bounds of spelling suggestions.
const (
	// spellMinRunes..spellMaxRunes are the lengths of query stretches
	// compared with vocabulary terms.
	spellMinRunes = 2
	spellMaxRunes = 8
	// maxSuggestions is how many corrected queries are offered.
	maxSuggestions = 3
)

// speller suggests vocabulary terms for stretches of a query that look like
// a mistyped term: the same pinyin written with other characters (what a
// pinyin input method produces: 医工体 for 医共体), or one character off
// (added, dropped or replaced) for terms of three characters or more.
type speller struct {
	terms []string
	known map[string]bool
	byKey map[string][]int // tone-less pinyin of a term → terms
	byLen map[int][]int    // length in characters → terms
	args  pinyin.Args
}

// correction replaces a stretch of the query with a vocabulary term.
type correction struct {
	from, to string
	pinyin   bool // same pronunciation, rather than one character off
	freq     uint64
}

func newSpeller(v *vocab.Vocabulary) *speller {
	s := &speller{known: map[string]bool{}, byKey: map[string][]int{}, byLen: map[int][]int{}, args: pinyin.NewArgs()}
	for _, c := range v.Concepts {
		for _, t := range append([]string{c.Preferred}, c.Synonyms...) {
			t = analyzers.Normalize(t)
			if s.known[t] || !allHan(t) {
				continue
			}
			s.known[t] = true
			i := len(s.terms)
			s.terms = append(s.terms, t)
			s.byKey[s.key([]rune(t))] = append(s.byKey[s.key([]rune(t))], i)
			n := utf8.RuneCountInString(t)
			s.byLen[n] = append(s.byLen[n], i)
		}
	}
	return s
}

// key is the tone-less pinyin of Han characters, one syllable per character.
func (s *speller) key(rs []rune) string {
	var b strings.Builder
	for _, r := range rs {
		p := pinyin.SinglePinyin(r, s.args)
		if len(p) == 0 {
			return ""
		}
		b.WriteString(p[0])
		b.WriteByte(' ')
	}
	return b.String()
}

// candidates lists the corrections for stretches of text (normalised) that
// are not themselves vocabulary terms and lie outside the spans already
// understood.
func (s *speller) candidates(text string, understood []vocab.Match) []correction {
	rs := []rune(text)
	covered := make([]bool, len(rs))
	for _, m := range understood {
		from := utf8.RuneCountInString(text[:m.Start])
		to := from + utf8.RuneCountInString(text[m.Start:m.End])
		for i := from; i < to && i < len(rs); i++ {
			covered[i] = true
		}
	}
	seen := map[[2]string]bool{}
	var out []correction
	add := func(from, to string, py bool) {
		k := [2]string{from, to}
		if !seen[k] {
			seen[k] = true
			out = append(out, correction{from: from, to: to, pinyin: py})
		}
	}
	for i := range rs {
		for n := spellMinRunes; n <= spellMaxRunes && i+n <= len(rs); n++ {
			w := rs[i : i+n]
			if !allHanRunes(w) || anyCovered(covered[i:i+n]) || s.known[string(w)] {
				continue
			}
			for _, t := range s.byKey[s.key(w)] {
				add(string(w), s.terms[t], true)
			}
			if n < 3 {
				continue
			}
			for m := n - 1; m <= n+1; m++ {
				for _, t := range s.byLen[m] {
					if oneEditApart(w, []rune(s.terms[t])) {
						add(string(w), s.terms[t], false)
					}
				}
			}
		}
	}
	return out
}

// rankCorrections orders corrections: same pronunciation first, then the
// longer stretch corrected, then the term more frequent in the corpus.
func rankCorrections(cs []correction) {
	sort.SliceStable(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
		if a.pinyin != b.pinyin {
			return a.pinyin
		}
		if la, lb := utf8.RuneCountInString(a.from), utf8.RuneCountInString(b.from); la != lb {
			return la > lb
		}
		if a.freq != b.freq {
			return a.freq > b.freq
		}
		return a.to < b.to
	})
}

// oneEditApart reports whether a and b differ by exactly one inserted,
// deleted or replaced character.
func oneEditApart(a, b []rune) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	switch len(b) - len(a) {
	case 0:
		diff := 0
		for i := range a {
			if a[i] != b[i] {
				diff++
			}
		}
		return diff == 1
	case 1:
		i := 0
		for i < len(a) && a[i] == b[i] {
			i++
		}
		for ; i < len(a); i++ {
			if a[i] != b[i+1] {
				return false
			}
		}
		return true
	}
	return false
}

func allHan(s string) bool { return allHanRunes([]rune(s)) }

func allHanRunes(rs []rune) bool {
	for _, r := range rs {
		if !analyzers.IsHan(r) {
			return false
		}
	}
	return len(rs) > 0
}

func anyCovered(c []bool) bool {
	for _, b := range c {
		if b {
			return true
		}
	}
	return false
}

// fewHits is the result count under which a search offers corrections.
const fewHits = 3

// didYouMean returns corrected versions of the raw query whose corrected
// terms occur in the corpus, best first.
func (e *Engine) didYouMean(ctx context.Context, raw string, q Query) ([]string, error) {
	if e.under == nil {
		return nil, nil
	}
	var cs []correction
	for _, t := range q.Terms {
		cs = append(cs, e.under.speller.candidates(t.Text, e.under.matcher.Find(t.Text))...)
	}
	if len(cs) == 0 {
		return nil, nil
	}
	terms := make([]string, 0, len(cs))
	for _, c := range cs {
		terms = append(terms, c.to)
	}
	freqs, _, err := e.store.DocFreqs(ctx, indexer.FieldWords, terms)
	if err != nil {
		return nil, fmt.Errorf("spelling suggestions: %w", err)
	}
	kept := cs[:0]
	for _, c := range cs {
		if c.freq = freqs[c.to]; c.freq > 0 {
			kept = append(kept, c)
		}
	}
	rankCorrections(kept)
	folded := analyzers.Normalize(raw)
	var out []string
	for _, c := range kept {
		var s string
		switch {
		case strings.Contains(raw, c.from):
			s = strings.Replace(raw, c.from, c.to, 1)
		case strings.Contains(folded, c.from):
			s = strings.Replace(folded, c.from, c.to, 1)
		default:
			continue
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
		if len(out) == maxSuggestions {
			break
		}
	}
	return out, nil
}
