package search

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/policysearch/policysearch/analyzers"
	"github.com/policysearch/policysearch/analyzers/vocab"
)

// Weights of added terms, relative to 1 for the words typed. A user who
// typed an everyday phrasing (尘肺病, 买不到药) cannot expect the documents
// to use it, so the policy's own terms for it weigh nearly as much as the
// words typed; a user who typed a policy term meant that term, and its
// variants and narrower concepts only widen the net a little.
const (
	weightEverydayPreferred = 0.8
	weightEverydaySynonym   = 0.6
	weightTermVariant       = 0.5
	weightNarrower          = 0.3
	weightBroader           = 0.2
	// weightComposed scales what a concept composed from the query's
	// words (跨省+住院+结) adds: a phrasing pieced together from words
	// scattered over a sentence is weaker evidence than one typed whole.
	weightComposed = 0.7
	// maxAddedPerConcept bounds how many terms one concept adds, so a
	// broad concept does not flood the query (and its latency).
	maxAddedPerConcept = 8
	// minThemeShare is the share of the concepts' theme weight a theme
	// needs before it is boosted.
	minThemeShare = 0.3
)

// Understanding says how a query was read: the vocabulary concepts found
// in its words, the terms added to it, and the themes it points to. The
// web interface shows it as 「同时检索：…」 with a way to undo it
// (expand=false).
type Understanding struct {
	Concepts []ConceptMatch `json:"concepts"`
	Added    []Expansion    `json:"added"`
	Themes   []ThemeWeight  `json:"themes"`
}

// ConceptMatch is a concept found in the query.
type ConceptMatch struct {
	ID        string `json:"id"`
	Term      string `json:"term"` // as typed (normalised), or the everyday phrasing its words compose
	Preferred string `json:"preferred"`
	Kind      string `json:"kind"` // preferred, synonym or everyday
	// Words are the query's words that composed an everyday phrasing
	// (跨省, 住院, 结 for 外地住院报销); empty when the phrasing was typed.
	Words []string `json:"words,omitempty"`
	// term is the index of the query term the concept was found in.
	term int
}

// Expansion is a term added to the query, with its weight relative to the
// words typed.
type Expansion struct {
	Term     string  `json:"term"`
	Weight   float64 `json:"weight"`
	Concept  string  `json:"concept"`  // id of the concept it comes from
	Relation string  `json:"relation"` // preferred, synonym or narrower
	// term is the index of the query term the expansion widens.
	term int
}

// ThemeWeight is a theme the query points to, with its share.
type ThemeWeight struct {
	Name   string  `json:"name"`
	Weight float64 `json:"weight"`
}

// Empty reports whether nothing was understood beyond the words typed.
func (u *Understanding) Empty() bool {
	return u == nil || len(u.Concepts) == 0
}

// Understander reads queries with the domain vocabulary.
type Understander struct {
	vocab    *vocab.Vocabulary
	matcher  *vocab.Matcher
	terms    *vocab.Matcher // policy terms only, for document text
	loose    looseMatcher
	composer *composer
	speller  *speller
}

// NewUnderstander returns an Understander over a vocabulary. cut splits a
// text into words (stop words dropped), for needs composed of words; nil
// recognises only phrasings typed whole.
func NewUnderstander(v *vocab.Vocabulary, cut func(string) []string) *Understander {
	return &Understander{vocab: v, matcher: v.Matcher(), terms: v.TermMatcher(), loose: newLooseMatcher(v),
		composer: newComposer(v, cut), speller: newSpeller(v)}
}

// ConceptsIn returns the ids of the concepts a document text (normalised)
// names by their policy terms, each once, in order of first mention.
func (u *Understander) ConceptsIn(norm string) []string {
	var out []string
	for _, m := range u.terms.Find(norm) {
		if !slices.Contains(out, m.ConceptID) {
			out = append(out, m.ConceptID)
		}
	}
	return out
}

// phrasings returns a concept's policy terms (preferred and synonyms),
// normalised.
func (u *Understander) phrasings(id string) []string {
	c, ok := u.vocab.Concept(id)
	if !ok {
		return nil
	}
	out := []string{analyzers.Normalize(c.Preferred)}
	for _, s := range c.Synonyms {
		out = append(out, analyzers.Normalize(s))
	}
	return out
}

// Understand finds the concepts in q's unquoted terms and the terms and
// themes to widen it with. Quoted phrases keep their exact meaning.
func (u *Understander) Understand(q Query) *Understanding {
	out := &Understanding{}
	themeWeight := map[string]float64{}
	for ti, t := range q.Terms {
		if t.Phrase {
			continue
		}
		typed := map[string]bool{}
		matches := u.matcher.Find(t.Text)
		matches = append(matches, u.loose.find(t.Text, matches)...)
		matches = u.onWordBounds(t.Text, matches)
		composed := u.composer.find(t.Text, matches)
		for _, m := range matches {
			typed[m.Term] = true
		}
		for i, m := range append(matches, composed.matches...) {
			c, ok := u.vocab.Concept(m.ConceptID)
			if !ok {
				continue
			}
			cm := ConceptMatch{ID: c.ID, Term: m.Term, Preferred: c.Preferred, Kind: m.Kind, term: ti}
			scale := 1.0
			if i >= len(matches) {
				cm.Words = composed.words[i-len(matches)]
				scale = weightComposed
			}
			out.Concepts = append(out.Concepts, cm)
			for _, th := range c.Themes {
				themeWeight[th] += 1 / float64(len(c.Themes))
			}
			out.Added = append(out.Added, u.expand(ti, t.Text, c, m.Kind, typed, scale)...)
		}
	}
	out.Added = dedupeExpansions(out.Added)
	out.Themes = topThemes(themeWeight)
	return out
}

// onWordBounds drops the matches that straddle two of the query's words,
// beginning inside one and ending inside the next, when either of them is
// a word of the vocabulary: a phrasing read across such a boundary is not
// what the user said (家医, 家庭医生, in 这家|医院), while one across the
// segmenter's guesses at words it does not know is (see standsAcross). A
// match with an end on a boundary is kept, since the segmenter may glue a
// policy term to its neighbour (基层卫生人才 in 基层卫生|人才队伍), and so is
// one inside a single word (因病致贫 in 防止因病致贫返贫).
func (u *Understander) onWordBounds(text string, ms []vocab.Match) []vocab.Match {
	toks := u.composer.tokens(text)
	if len(toks) == 0 {
		return ms
	}
	// inside maps a byte offset strictly inside a token to 1 + its index.
	inside := map[int]int{}
	for n, t := range toks {
		for k := t.start + 1; k < t.end; k++ {
			inside[k] = n + 1
		}
	}
	out := ms[:0]
	for _, m := range ms {
		a, b := inside[m.Start], inside[m.End]
		if a == 0 || b == 0 || a == b || u.composer.standsAcross(toks, m.Start, m.End) {
			out = append(out, m)
		}
	}
	return out
}

// expand lists what concept c, found as a phrasing of the given kind in
// the term text, adds to the query.
func (u *Understander) expand(ti int, text string, c vocab.Concept, kind string, typed map[string]bool, scale float64) []Expansion {
	var out []Expansion
	add := func(term string, w float64, concept, rel string) {
		w *= scale
		term = analyzers.Normalize(term)
		// A term already typed, or one that contains the typed text, adds
		// no provision the typed words do not already find.
		if term == "" || typed[term] || strings.Contains(term, text) {
			return
		}
		out = append(out, Expansion{Term: term, Weight: w, Concept: concept, Relation: rel, term: ti})
	}
	pref, syn := weightTermVariant, weightTermVariant
	if kind == vocab.KindEveryday {
		pref, syn = weightEverydayPreferred, weightEverydaySynonym
	}
	add(c.Preferred, pref, c.ID, vocab.KindPreferred)
	for _, s := range c.Synonyms {
		add(s, syn, c.ID, vocab.KindSynonym)
	}
	for _, id := range c.Narrower {
		n, ok := u.vocab.Concept(id)
		if !ok {
			continue
		}
		add(n.Preferred, weightNarrower, n.ID, "narrower")
	}
	// A specific concept (尘肺病) is often written about only under its
	// general one (职业病防治): the broader term finds those provisions,
	// ranked below the ones that name the concept itself.
	for _, id := range c.Broader {
		if b, ok := u.vocab.Concept(id); ok {
			add(b.Preferred, weightBroader, b.ID, "broader")
		}
	}
	if len(out) > maxAddedPerConcept {
		out = out[:maxAddedPerConcept]
	}
	return out
}

// dedupeExpansions keeps each (query term, added term) once, at its
// highest weight, in first-seen order.
func dedupeExpansions(in []Expansion) []Expansion {
	type key struct {
		term int
		text string
	}
	at := map[key]int{}
	var out []Expansion
	for _, e := range in {
		k := key{e.term, e.Term}
		if i, ok := at[k]; ok {
			if e.Weight > out[i].Weight {
				out[i] = e
			}
			continue
		}
		at[k] = len(out)
		out = append(out, e)
	}
	return out
}

// topThemes keeps the themes holding a fair share of the concepts' weight,
// strongest first, as shares of the whole.
func topThemes(w map[string]float64) []ThemeWeight {
	total := 0.0
	for _, v := range w {
		total += v
	}
	var out []ThemeWeight
	for name, v := range w {
		if share := v / total; share >= minThemeShare {
			out = append(out, ThemeWeight{Name: name, Weight: share})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Weight != out[j].Weight {
			return out[i].Weight > out[j].Weight
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// maxLooseGap is how many characters a user may slip into an everyday
// phrasing (买不到常用药 for 买不到药) and still be understood.
const maxLooseGap = 2

// looseMatcher finds everyday phrasings of three characters or more with a
// few extra characters inside them. People do not type a fixed phrase;
// they qualify it.
type looseMatcher struct {
	byFirst map[rune][]loosePhrasing
}

type loosePhrasing struct {
	runes   []rune
	concept string
}

func newLooseMatcher(v *vocab.Vocabulary) looseMatcher {
	l := looseMatcher{byFirst: map[rune][]loosePhrasing{}}
	for _, c := range v.Concepts {
		for _, e := range c.Everyday {
			rs := []rune(analyzers.Normalize(e))
			if len(rs) < 3 {
				continue
			}
			l.byFirst[rs[0]] = append(l.byFirst[rs[0]], loosePhrasing{runes: rs, concept: c.ID})
		}
	}
	return l
}

// find returns loose matches in text of concepts not among exact.
func (l looseMatcher) find(text string, exact []vocab.Match) []vocab.Match {
	have := map[string]bool{}
	for _, m := range exact {
		have[m.ConceptID] = true
	}
	rs := []rune(text)
	offsets := make([]int, len(rs)+1)
	at := make(map[int]int, len(rs)+1) // byte offset → rune index
	for i, b := 0, 0; i < len(rs); i++ {
		offsets[i], at[b] = b, i
		b += utf8.RuneLen(rs[i])
		offsets[i+1] = b
	}
	at[len(text)] = len(rs)
	// Inside a term an exact match has read, only a phrasing written out
	// whole counts (因病致贫 inside 防止因病致贫返贫), never one pieced
	// together across a gap within it (老[年]人健康 inside 老年人健康管理,
	// 高血[压和]糖 inside 高血压和糖尿病).
	within := make([]int, len(rs)) // rune → 1 + index of the exact match holding it
	for n, m := range exact {
		for k := at[m.Start]; k < at[m.End]; k++ {
			within[k] = n + 1
		}
	}
	var out []vocab.Match
	for i, r := range rs {
		for _, p := range l.byFirst[r] {
			if have[p.concept] {
				continue
			}
			end, ok := subsequenceAt(rs, i, p.runes, maxLooseGap)
			if ok && end-i > len(p.runes) && within[i] != 0 && within[i] == within[end-1] {
				end, ok = subsequenceAt(rs, i, p.runes, 0)
			}
			if ok {
				have[p.concept] = true
				out = append(out, vocab.Match{ConceptID: p.concept, Term: string(p.runes), Kind: vocab.KindEveryday,
					Start: offsets[i], End: offsets[end]})
			}
		}
	}
	return out
}

// subsequenceAt reports whether want occurs in rs from position i in order,
// with at most gap letters in between in all and none of them punctuation,
// and returns the position just past the match.
func subsequenceAt(rs []rune, i int, want []rune, gap int) (int, bool) {
	j := 0
	for ; i < len(rs) && j < len(want); i++ {
		switch {
		case rs[i] == want[j]:
			j++
		case j == 0 || gap == 0 || unicode.IsPunct(rs[i]) || unicode.IsSpace(rs[i]):
			return 0, false
		default:
			gap--
		}
	}
	return i, j == len(want)
}

// composer recognises an everyday need from its words rather than as a
// phrase: a concept is named when the query's words cover the words of one
// of its everyday phrasings, each word or another of its class (跨省住院的
// 钱怎么结 covers 外地·住院·报销 of 异地就医直接结算). Order and the filler
// between the words (我们, 能不能, 怎么) do not matter.
type composer struct {
	cut      func(string) []string
	class    map[string]int // word → its word class
	means    []string       // class → the concept its words name alone ("" none)
	patterns []composedPhrasing
	byKey    map[string][]int // key → patterns needing it
	// known are the words the vocabulary itself uses (class words and the
	// words of everyday phrasings), which a query is also read for on its
	// characters; longest is the longest of them, in characters.
	known   map[string]bool
	longest int
}

// composedPhrasing is an everyday phrasing as the keys it needs: a word
// class, or a word of two characters or more that has none (one-character
// words without a class are function words: 被, 得).
type composedPhrasing struct {
	concept, phrasing string
	keys              []string
}

// composedMatches are the concepts composed from a query term, with the
// query's words that composed each.
type composedMatches struct {
	matches []vocab.Match
	words   [][]string
}

func newComposer(v *vocab.Vocabulary, cut func(string) []string) *composer {
	c := &composer{cut: cut, class: map[string]int{}, byKey: map[string][]int{}, known: map[string]bool{}}
	if cut == nil {
		return c
	}
	know := func(w string) {
		if n := utf8.RuneCountInString(w); n >= 2 {
			c.known[w] = true
			c.longest = max(c.longest, n)
		}
	}
	for i, class := range v.WordClasses {
		for _, w := range class.Words {
			c.class[analyzers.Normalize(w)] = i
			know(analyzers.Normalize(w))
		}
		c.means = append(c.means, class.Means)
	}
	for _, con := range v.Concepts {
		for _, e := range con.Everyday {
			p := analyzers.Normalize(e)
			var keys []string
			for _, w := range cut(p) {
				know(w)
				for _, k := range c.keys(w) {
					if !slices.Contains(keys, k) {
						keys = append(keys, k)
					}
				}
			}
			if len(keys) < 2 {
				continue // one word is a phrasing typed whole or nothing
			}
			c.patterns = append(c.patterns, composedPhrasing{concept: con.ID, phrasing: p, keys: keys})
			for _, k := range keys {
				c.byKey[k] = append(c.byKey[k], len(c.patterns)-1)
			}
		}
	}
	return c
}

// keys are what a word of a phrasing must be matched by: its class; else
// the two words it is made of, when one of them has a class (没人带 is 没人
// and 带, which a query may say apart); else itself. A one-character word
// without a class needs nothing.
func (c *composer) keys(w string) []string {
	if _, ok := c.class[w]; ok {
		return []string{c.key(w)}
	}
	for i := range w {
		if i == 0 {
			continue
		}
		_, l := c.class[w[:i]]
		_, r := c.class[w[i:]]
		if (l || r) && c.key(w[:i]) != "" && c.key(w[i:]) != "" {
			return []string{c.key(w[:i]), c.key(w[i:])}
		}
	}
	if k := c.key(w); k != "" {
		return []string{k}
	}
	return nil
}

// key is what a word must be matched by: its class, or itself; "" for a
// one-character word without a class.
func (c *composer) key(w string) string {
	if i, ok := c.class[w]; ok {
		return "class:" + strconv.Itoa(i)
	}
	if utf8.RuneCountInString(w) < 2 {
		return ""
	}
	return "word:" + w
}

// token is a word of a query as the segmenter cut it, with its byte span.
type token struct {
	word       string
	start, end int
}

// tokens returns the words of text as the segmenter cuts them, placed on
// text; a word the segmenter's clean-up changed has no place and is left
// out. Nil without a segmenter.
func (c *composer) tokens(text string) []token {
	if c.cut == nil {
		return nil
	}
	lower := strings.ToLower(text)
	var out []token
	at := 0
	for _, w := range c.cut(text) {
		i := strings.Index(lower[at:], w)
		if i < 0 {
			continue
		}
		out = append(out, token{word: w, start: at + i, end: at + i + len(w)})
		at = at + i + len(w)
	}
	return out
}

// standsAcross reports whether the span [start, end) of the text the
// tokens were cut from may be read as one word against the segmenter: it
// may unless a token it overlaps is itself a word of the vocabulary. The
// segmenter guesses at words it does not know (断|货开 for 断货开不到), and a
// vocabulary word read on the characters corrects such a guess; but where
// the segmenter found a word the vocabulary knows, its reading, which saw
// the whole sentence, stands (家医 is not in 这家|医院, nor 跑医院 in 跑|医院,
// since 医院 is a word of the vocabulary).
func (c *composer) standsAcross(toks []token, start, end int) bool {
	for _, t := range toks {
		if t.end > start && t.start < end && c.known[t.word] {
			return false
		}
	}
	return true
}

// words returns the words of text: those the segmenter cuts, then the
// vocabulary's words read on its characters (longest first, left to
// right) that the segmenter did not cut, that may stand across its cuts
// (see standsAcross) and that do not lie strictly inside one of its words
// (see strictlyInside). A class word the segmenter splits (断货 in 断|货开)
// is then recognised whatever the segmenter's dictionary, and the parts of
// a word it glued together (家庭医生 and 签约 in 家庭医生签约) are words too.
func (c *composer) words(text string) []string {
	toks := c.tokens(text)
	out := make([]string, 0, len(toks))
	cut := make(map[[2]int]bool, len(toks))
	for _, t := range toks {
		out = append(out, t.word)
		cut[[2]int{t.start, t.end}] = true
	}
	lower := strings.ToLower(text)
	rs := []rune(lower)
	offsets := make([]int, len(rs)+1)
	for i, b := 0, 0; i < len(rs); i++ {
		offsets[i] = b
		b += utf8.RuneLen(rs[i])
		offsets[i+1] = b
	}
	for i := 0; i < len(rs)-1; {
		next := i + 1
		for n := min(c.longest, len(rs)-i); n >= 2; n-- {
			start, end := offsets[i], offsets[i+n]
			w := lower[start:end]
			if !c.known[w] {
				continue
			}
			if cut[[2]int{start, end}] {
				next = i + n // the segmenter agrees
				break
			}
			if c.standsAcross(toks, start, end) && !strictlyInside(toks, start, end) {
				out = append(out, w)
				next = i + n
				break
			}
		}
		i = next
	}
	return out
}

// find returns the concepts the words of text compose, other than those
// already matched, each once, by its first phrasing covered.
func (c *composer) find(text string, already []vocab.Match) composedMatches {
	var out composedMatches
	if c.cut == nil {
		return out
	}
	have := map[string]bool{}
	for _, m := range already {
		have[m.ConceptID] = true
	}
	words := map[string]string{} // key → the query word that holds it
	var keys []string
	for _, w := range c.words(text) {
		// A query word counts whole and, like a phrasing's, as the two
		// words it is made of (糖尿病 is also 糖尿 and 病).
		for _, k := range append([]string{c.key(w)}, c.keys(w)...) {
			if _, ok := words[k]; k != "" && !ok {
				words[k] = w
				keys = append(keys, k)
			}
		}
	}
	add := func(concept, term string, used []string) {
		have[concept] = true
		out.matches = append(out.matches, vocab.Match{ConceptID: concept, Term: term, Kind: vocab.KindEveryday})
		out.words = append(out.words, used)
	}
	tried := map[int]bool{}
	for _, k := range keys {
		for _, pi := range c.byKey[k] {
			p := c.patterns[pi]
			if tried[pi] || have[p.concept] {
				continue
			}
			tried[pi] = true
			covered := true
			var used []string
			for _, need := range p.keys {
				w, ok := words[need]
				if !ok {
					covered = false
					break
				}
				used = append(used, w)
			}
			if covered {
				add(p.concept, p.phrasing, used)
			}
		}
	}
	// A word whose class means a concept names it alone (针 → 预防接种).
	for _, k := range keys {
		if i, ok := strings.CutPrefix(k, "class:"); ok {
			n, _ := strconv.Atoi(i)
			if id := c.means[n]; id != "" && !have[id] {
				add(id, words[k], []string{words[k]})
			}
		}
	}
	return out
}

// strictlyInside reports whether [start, end) begins and ends inside one
// token: a word read from the middle of a longer one (国卫 in 爱国卫生运动)
// is a coincidence of characters, while one at its start or end is a part
// the segmenter glued to a neighbour (家庭医生 in 家庭医生签约).
func strictlyInside(toks []token, start, end int) bool {
	for _, t := range toks {
		if t.start < start && end < t.end {
			return true
		}
	}
	return false
}
