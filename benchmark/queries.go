package benchmark

import (
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kinds of query in the mix. A kind with the Filtered suffix is the same
// queries with a city or year filter.
const (
	KindTerm2    = "2-char term"
	KindCommon   = "common term"
	KindRare     = "rare term"
	KindPhrase   = "quoted phrase"
	KindAnd      = "two-word AND"
	KindSimilar  = "similar"
	KindSemantic = "semantic"
	KindHybrid   = "hybrid"
	// KindKeyword is the texts of the semantic and hybrid kinds in keyword
	// mode: what the default (hybrid) mode is weighed against.
	KindKeyword = "keyword, same texts"
	// Filtered is appended to a kind's name for its filtered variant.
	Filtered = " + filter"
)

// Query is one request of the mix.
type Query struct {
	Kind string
	// Terms must all occur (as substrings) in a matching provision.
	Terms []string
	// Phrase: the single term is sent quoted, as an exact phrase.
	Phrase bool
	// City and Year filter when set.
	City string
	Year int
	// Mode is the engine's search mode ("" for the default of keyword
	// kinds, see HTTPTarget).
	Mode string
	// ID is the source provision of a similar query.
	ID string
}

// Text is the query string as a user types it.
func (q Query) Text() string {
	if q.Phrase {
		return `"` + strings.Join(q.Terms, "") + `"`
	}
	return strings.Join(q.Terms, " ")
}

// Filtered reports whether the query carries a facet filter.
func (q Query) Filtered() bool { return q.City != "" || q.Year != 0 }

// Matches reports whether a provision satisfies q the way the peers read
// it: every term a substring, every filter equal.
func (q Query) Matches(p *Provision) bool {
	if q.City != "" && p.City != q.City || q.Year != 0 && p.Year != q.Year {
		return false
	}
	for _, t := range q.Terms {
		if !strings.Contains(p.Text, t) {
			return false
		}
	}
	return true
}

// Words segments text into words as the index does.
type Words interface {
	Cut(text string) []string
}

// MixOptions size the query mix.
type MixOptions struct {
	// PerKind is the number of queries of each kind (default 20).
	PerKind int
	// Seed makes the choice repeatable (same corpus, same seed, same mix).
	Seed uint64
	// Sample bounds the provisions whose words are counted (default 20000).
	Sample int
}

// Mix derives a fixed query mix from the corpus: 2-character terms,
// common and rare words, quoted phrases of 4–12 characters and two-word
// AND queries, each also with a city or year filter, and similar-provision
// sources. Semantic and hybrid queries reuse the common-term and AND texts
// (see WithModes).
func Mix(c *Corpus, words Words, o MixOptions) []Query {
	if o.PerKind <= 0 {
		o.PerKind = 20
	}
	if o.Sample <= 0 {
		o.Sample = 20000
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0x9e3779b97f4a7c15))
	n := o.PerKind

	// Document frequencies of the words of an evenly spaced sample.
	step := max(1, len(c.Provisions)/o.Sample)
	df := map[string]int{}
	for i := 0; i < len(c.Provisions); i += step {
		seen := map[string]bool{}
		for _, w := range words.Cut(c.Provisions[i].Text) {
			if !seen[w] && allHan(w) {
				seen[w] = true
				df[w]++
			}
		}
	}
	type wf struct {
		w string
		n int
	}
	var all []wf
	for w, k := range df {
		all = append(all, wf{w, k})
	}
	// Most frequent first; ties by the word, so the order is fixed.
	sort.Slice(all, func(i, j int) bool {
		if all[i].n != all[j].n {
			return all[i].n > all[j].n
		}
		return all[i].w < all[j].w
	})
	var two, longer []string
	for _, x := range all {
		if utf8.RuneCountInString(x.w) == 2 {
			two = append(two, x.w)
		} else {
			longer = append(longer, x.w)
		}
	}
	// 2-character terms from the frequent third, common terms from the
	// most frequent longer words, rare terms from the least frequent.
	term2 := spread(two[:min(len(two), max(n, len(two)/3))], n)
	common := spread(longer[:min(len(longer), max(n, 5*n))], n)
	rare := spread(reversed(longer)[:min(len(longer), max(n, 5*n))], n)

	var out []Query
	addTerms := func(kind string, ts []string) {
		for i, t := range ts {
			out = append(out, Query{Kind: kind, Terms: []string{t}})
			f := Query{Kind: kind + Filtered, Terms: []string{t}}
			filterFor(&f, c, i, nil)
			out = append(out, f)
		}
	}
	addTerms(KindTerm2, term2)
	addTerms(KindCommon, common)
	addTerms(KindRare, rare)

	// Phrases and AND pairs come from random provisions, whose city and
	// year make the filtered variant (so it matches at least the source).
	for i := 0; countKind(out, KindPhrase) < n && i < 100*n; i++ {
		p := &c.Provisions[rng.IntN(len(c.Provisions))]
		ph := randomPhrase(rng, p.Text, 4, 12)
		if ph == "" {
			continue
		}
		out = append(out, Query{Kind: KindPhrase, Terms: []string{ph}, Phrase: true})
		f := Query{Kind: KindPhrase + Filtered, Terms: []string{ph}, Phrase: true}
		filterFor(&f, c, i, p)
		out = append(out, f)
	}
	for i := 0; countKind(out, KindAnd) < n && i < 100*n; i++ {
		p := &c.Provisions[rng.IntN(len(c.Provisions))]
		var ws []string
		for _, w := range words.Cut(p.Text) {
			if allHan(w) && utf8.RuneCountInString(w) >= 2 && !slices.Contains(ws, w) {
				ws = append(ws, w)
			}
		}
		if len(ws) < 4 {
			continue
		}
		a := rng.IntN(len(ws) / 2)
		b := len(ws)/2 + rng.IntN(len(ws)-len(ws)/2)
		terms := []string{ws[a], ws[b]}
		out = append(out, Query{Kind: KindAnd, Terms: terms})
		f := Query{Kind: KindAnd + Filtered, Terms: terms}
		filterFor(&f, c, i, p)
		out = append(out, f)
	}
	// Similar provisions: evenly spaced sources.
	for _, i := range spreadIndex(len(c.Provisions), n) {
		out = append(out, Query{Kind: KindSimilar, ID: c.Provisions[i].ID})
	}
	return out
}

// WithModes adds semantic and hybrid queries (the common-term and AND
// texts in those modes) when modes offers them, with the same texts in
// keyword mode beside hybrid's, and pins the keyword kinds to keyword mode
// when the engine has modes at all.
func WithModes(qs []Query, modes []string) []Query {
	has := func(m string) bool { return slices.Contains(modes, m) }
	out := make([]Query, 0, len(qs)*2)
	for _, q := range qs {
		if q.Kind != KindSimilar && has("keyword") {
			q.Mode = "keyword"
		}
		out = append(out, q)
	}
	for _, m := range []struct{ mode, kind string }{{"keyword", KindKeyword}, {"semantic", KindSemantic}, {"hybrid", KindHybrid}} {
		if !has(m.mode) || m.kind == KindKeyword && !has("hybrid") {
			continue
		}
		for _, q := range qs {
			switch q.Kind {
			case KindCommon, KindAnd:
				out = append(out, Query{Kind: m.kind, Terms: q.Terms, Mode: m.mode})
			case KindCommon + Filtered, KindAnd + Filtered:
				out = append(out, Query{Kind: m.kind + Filtered, Terms: q.Terms, City: q.City, Year: q.Year, Mode: m.mode})
			}
		}
	}
	return out
}

// URL is the query's request path on the engine's HTTP API.
func (q Query) URL() string {
	if q.Kind == KindSimilar {
		return "/api/sections/" + url.PathEscape(q.ID) + "/similar"
	}
	v := url.Values{"q": {q.Text()}}
	if q.City != "" {
		v.Set("city", q.City)
	}
	if q.Year != 0 {
		v.Set("year", strconv.Itoa(q.Year))
	}
	if q.Mode != "" {
		v.Set("mode", q.Mode)
	}
	return "/api/search?" + v.Encode()
}

// filterFor sets a city filter on even i and a year filter on odd i. With
// a source provision p the filter is p's own city or year (whichever it
// has), so that the filtered query still finds p; without one, the
// corpus's cities and years are taken in turn.
func filterFor(q *Query, c *Corpus, i int, p *Provision) {
	if p != nil && (p.City != "" || p.Year != 0) {
		if p.City != "" && (i%2 == 0 || p.Year == 0) {
			q.City = p.City
		} else {
			q.Year = p.Year
		}
		return
	}
	if i%2 == 0 && len(c.Cities) > 0 {
		q.City = c.Cities[(i/2)%len(c.Cities)]
	} else if len(c.Years) > 0 {
		q.Year = c.Years[(i/2)%len(c.Years)]
	}
}

// randomPhrase picks a run of 4–12 Han characters inside text, or "".
func randomPhrase(rng *rand.Rand, text string, lo, hi int) string {
	var runs [][]rune
	var cur []rune
	for _, r := range text + "。" {
		if unicode.Is(unicode.Han, r) {
			cur = append(cur, r)
			continue
		}
		if len(cur) >= lo {
			runs = append(runs, cur)
		}
		cur = nil
	}
	if len(runs) == 0 {
		return ""
	}
	run := runs[rng.IntN(len(runs))]
	l := lo + rng.IntN(hi-lo+1)
	l = min(l, len(run))
	start := rng.IntN(len(run) - l + 1)
	return string(run[start : start+l])
}

// spread picks n items evenly spaced over xs (all of them when fewer).
func spread(xs []string, n int) []string {
	out := make([]string, 0, n)
	for _, i := range spreadIndex(len(xs), n) {
		out = append(out, xs[i])
	}
	return out
}

func spreadIndex(length, n int) []int {
	if length <= n {
		out := make([]int, length)
		for i := range out {
			out[i] = i
		}
		return out
	}
	out := make([]int, n)
	for i := range out {
		out[i] = i * length / n
	}
	return out
}

func reversed(xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[len(xs)-1-i] = x
	}
	return out
}

func allHan(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return true
}

func countKind(qs []Query, kind string) int {
	n := 0
	for _, q := range qs {
		if q.Kind == kind {
			n++
		}
	}
	return n
}

// Kinds lists the kinds present in qs, in the order of the mix.
func Kinds(qs []Query) []string {
	var out []string
	for _, q := range qs {
		if !slices.Contains(out, q.Kind) {
			out = append(out, q.Kind)
		}
	}
	return out
}

// String describes a query for logs and tables.
func (q Query) String() string {
	s := q.Kind + ": "
	if q.Kind == KindSimilar {
		return s + q.ID
	}
	s += q.Text()
	if q.City != "" {
		s += " city=" + q.City
	}
	if q.Year != 0 {
		s += fmt.Sprintf(" year=%d", q.Year)
	}
	return s
}
