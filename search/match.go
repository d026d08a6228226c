package search

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/policysearch/policysearch/analyzers"
	"github.com/policysearch/policysearch/analyzers/vocab"
	"github.com/policysearch/policysearch/indexer"
	"github.com/policysearch/policysearch/search/exec"
)

// Boosts of the parts of a term's match. The exact (bigram phrase) match
// and the word match both find a provision that contains the term; a match
// on the title or heading path says the provision is about it.
const (
	boostExact   = 1.0
	boostWords   = 1.0
	boostHeading = 0.6
)

// boostTheme is the weight of a theme the query points to: enough to lift
// provisions about it among equal matches, never enough to outrank a
// better match on the words.
const boostTheme = 0.3

// matchQuery builds the query that selects and ranks provisions for q,
// widened by what was understood of it (nil: nothing), or nil when q has
// no text (browse by filters).
func (e *Engine) matchQuery(ctx context.Context, q Query, u *Understanding) (query.Query, error) {
	if len(q.Terms) == 0 && len(q.Excluded) == 0 {
		return nil, nil
	}
	held, err := e.heldWords(ctx, q)
	if err != nil {
		return nil, err
	}
	b := bleve.NewBooleanQuery()
	for i, t := range q.Terms {
		must, should := e.termQuery(t, held)
		if u != nil {
			must = widen(must, i, t, u)
		}
		b.AddMust(must)
		if should != nil {
			b.AddShould(should)
		}
	}
	if u != nil && len(u.Themes) > 0 {
		ths := make([]query.Query, 0, len(u.Themes))
		for _, th := range u.Themes {
			tq := bleve.NewTermQuery(th.Name)
			tq.SetField(indexer.FieldThemes)
			tq.SetBoost(boostTheme * th.Weight)
			ths = append(ths, tq)
		}
		b.AddShould(bleve.NewDisjunctionQuery(ths...))
	}
	for _, t := range q.Excluded {
		b.AddMustNot(exactQuery(t.Text))
	}
	if len(q.Terms) == 0 {
		b.AddMust(typeQuery())
	}
	return b, nil
}

// heldWords returns which words of q's unquoted terms some provision
// holds. A word no provision holds (能不能, 靠谱, 老是: the way a user puts a
// need, not its substance) can match nothing, so it must not raise the
// number of words a provision is asked to hold.
func (e *Engine) heldWords(ctx context.Context, q Query) (map[string]bool, error) {
	var words []string
	for _, t := range q.Terms {
		if !t.Phrase {
			words = append(words, e.queryWords(t.Text)...)
		}
	}
	if len(words) == 0 {
		return nil, nil
	}
	df, _, err := e.store.DocFreqs(ctx, indexer.FieldWords, words)
	if err != nil {
		return nil, fmt.Errorf("words of the query: %w", err)
	}
	held := make(map[string]bool, len(df))
	for w, n := range df {
		held[w] = n > 0
	}
	return held, nil
}

// widen lets a provision satisfy query term i by holding one of the terms
// added for it instead of the words typed; added terms score at their
// (lower) weight. In a term longer than a policy term found in it (a
// sentence), that policy term alone also suffices: a provision naming the
// concept answers the sentence even if it shares few of its other words.
func widen(must query.Query, i int, t Term, u *Understanding) query.Query {
	var alts []query.Query
	for _, c := range u.Concepts {
		if c.term == i && c.Kind != vocab.KindEveryday && c.Term != t.Text {
			alts = append(alts, bigramsQuery(c.Term))
		}
	}
	for _, a := range u.Added {
		if a.term != i {
			continue
		}
		alts = append(alts, exec.Scaled(bigramsQuery(a.Term), a.Weight))
	}
	if len(alts) == 0 {
		return must
	}
	return bleve.NewDisjunctionQuery(must, bleve.NewDisjunctionQuery(alts...))
}

// termQuery returns the clause a provision must satisfy for t and an
// optional clause that only adds to the score; held says which words some
// provision holds.
func (e *Engine) termQuery(t Term, held map[string]bool) (must, should query.Query) {
	exact := exactQuery(t.Text)
	if t.Phrase {
		return exact, nil
	}
	words := e.queryWords(t.Text)
	if len(words) == 0 {
		return exact, nil
	}
	wq := wordsQuery(words, held, indexer.FieldWords)
	must = bleve.NewDisjunctionQuery(exec.Scaled(exact, boostExact), exec.Scaled(wq, boostWords))
	heads := bleve.NewDisjunctionQuery(termQueries(words, indexer.FieldHeadWords)...)
	return must, exec.Scaled(heads, boostHeading)
}

// wordsQuery matches provisions holding the words: all of them for a short
// term, most of them for a longer text (a need typed as a sentence shares
// only some of its words with the provisions that answer it). Only the
// distinct words some provision holds (held) are counted.
func wordsQuery(words []string, held map[string]bool, field string) *query.DisjunctionQuery {
	tqs := termQueries(words, field)
	n := 0
	for _, tq := range tqs {
		if held[tq.(*query.TermQuery).Term] {
			n++
		}
	}
	d := bleve.NewDisjunctionQuery(tqs...)
	d.SetMin(float64(minShould(max(1, n))))
	return d
}

// minShould is how many of n query words a provision must hold: all of one
// or two, two of three to six, and then three in ten (a need or a draft
// typed as a sentence shares its substance with the provisions that answer
// it, not its wording). It never falls as n grows.
func minShould(n int) int {
	switch {
	case n <= 2:
		return n
	case n == 3:
		return 2
	default:
		return max(2, int(math.Ceil(float64(n)*0.3)))
	}
}

func termQueries(words []string, field string) []query.Query {
	out := make([]query.Query, 0, len(words))
	seen := map[string]bool{}
	for _, w := range words {
		if seen[w] {
			continue
		}
		seen[w] = true
		tq := bleve.NewTermQuery(w)
		tq.SetField(field)
		out = append(out, tq)
	}
	return out
}

// bigramsQuery matches the provisions holding every character bigram of
// norm, wherever they are: the provisions holding norm and a few more, at
// a fraction of a phrase's cost (no positions are read). It finds the
// terms a query is widened with, which need no exactness guarantee, while
// scoring a provision holding the term as the phrase would.
func bigramsQuery(norm string) *query.DisjunctionQuery {
	terms := analyzers.BigramTerms(norm)
	if len(terms) < 2 {
		return exactQuery(norm)
	}
	seen := map[string]bool{}
	must := make([]query.Query, 0, len(terms))
	for _, t := range terms {
		if seen[t] {
			continue
		}
		seen[t] = true
		tq := bleve.NewTermQuery(t)
		tq.SetField(indexer.FieldExact)
		must = append(must, tq)
	}
	return bleve.NewDisjunctionQuery(bleve.NewConjunctionQuery(must...))
}

// exactQuery matches exactly the provisions whose normalised text contains
// norm: consecutive character bigrams for two or more characters; for a
// single character, any bigram starting with it or the text's final
// character (the only place it is not the start of a bigram).
func exactQuery(norm string) *query.DisjunctionQuery {
	if utf8.RuneCountInString(norm) == 1 {
		p := bleve.NewPrefixQuery(norm)
		p.SetField(indexer.FieldExact)
		t := bleve.NewTermQuery(norm)
		t.SetField(indexer.FieldExact)
		// Which of the many bigrams a character begins a provision holds
		// says nothing of its relevance: the match alone counts.
		return bleve.NewDisjunctionQuery(exec.Constant(bleve.NewDisjunctionQuery(p, t), boostExact))
	}
	terms := analyzers.BigramTerms(norm)
	if len(terms) == 1 {
		// One bigram is one term: a term query finds the same provisions
		// without reading positions.
		t := bleve.NewTermQuery(terms[0])
		t.SetField(indexer.FieldExact)
		return bleve.NewDisjunctionQuery(t)
	}
	return bleve.NewDisjunctionQuery(bleve.NewPhraseQuery(terms, indexer.FieldExact))
}

// relaxed is the query for when no provision holds every word: one clause
// per word of the unquoted terms and one per concept understood from them
// (any of its policy terms), of which a provision must hold at least min.
// Quoted phrases and exclusions stay binding, as filters do.
type relaxed struct {
	clauses []query.Query
	phrases []query.Query
	q       Query
	u       *Understanding
}

// relaxedClauses collects what a relaxed query counts; nil when there is
// nothing to leave out (one word, or only phrases).
func (e *Engine) relaxedClauses(q Query, u *Understanding) *relaxed {
	r := &relaxed{q: q, u: u}
	for _, t := range q.Terms {
		if t.Phrase {
			r.phrases = append(r.phrases, exactQuery(t.Text))
			continue
		}
		for _, w := range e.queryWords(t.Text) {
			tq := bleve.NewTermQuery(w)
			tq.SetField(indexer.FieldWords)
			r.clauses = append(r.clauses, tq)
		}
	}
	if u != nil {
		byConcept := map[string][]query.Query{}
		var order []string
		for _, a := range u.Added {
			if _, ok := byConcept[a.Concept]; !ok {
				order = append(order, a.Concept)
			}
			byConcept[a.Concept] = append(byConcept[a.Concept], exec.Scaled(bigramsQuery(a.Term), a.Weight))
		}
		for _, c := range order {
			r.clauses = append(r.clauses, bleve.NewDisjunctionQuery(byConcept[c]...))
		}
	}
	if len(r.clauses) < 2 {
		return nil
	}
	return r
}

// query is the relaxed query requiring min of its clauses. bleve's scores
// rank what it finds by how many of the words a provision holds and how
// rare they are.
func (r *relaxed) query(min int) query.Query {
	b := bleve.NewBooleanQuery()
	for _, p := range r.phrases {
		b.AddMust(p)
	}
	d := bleve.NewDisjunctionQuery(r.clauses...)
	d.SetMin(float64(min))
	b.AddMust(d)
	if r.u != nil && len(r.u.Themes) > 0 {
		ths := make([]query.Query, 0, len(r.u.Themes))
		for _, th := range r.u.Themes {
			tq := bleve.NewTermQuery(th.Name)
			tq.SetField(indexer.FieldThemes)
			tq.SetBoost(boostTheme * th.Weight)
			ths = append(ths, tq)
		}
		b.AddShould(bleve.NewDisjunctionQuery(ths...))
	}
	for _, t := range r.q.Excluded {
		b.AddMustNot(exactQuery(t.Text))
	}
	return b
}

// relaxedQuery returns the relaxed query that requires as many of the
// query's words and concepts as some provision (within the filters) holds,
// or nil when none holds even one, or there is nothing to relax.
func (e *Engine) relaxedQuery(ctx context.Context, q Query, u *Understanding, filters Filters) (query.Query, error) {
	r := e.relaxedClauses(q, u)
	if r == nil {
		return nil, nil
	}
	for min := len(r.clauses) - 1; min >= 1; min-- {
		rq := r.query(min)
		n, err := e.countUpTo(ctx, withFilters(rq, filters), 1)
		if err != nil {
			return nil, err
		}
		if n > 0 {
			return rq, nil
		}
	}
	return nil, nil
}

// Relaxation says that the results hold most, not all, of the query's
// words, and which words the best of them lacks.
type Relaxation struct {
	Message string   `json:"message"`
	Dropped []string `json:"dropped"`
}

// relaxedMessage is what the interface shows above relaxed results.
const relaxedMessage = "没有同时包含全部词语的条文，以下条文包含其中大部分"

// relaxation describes relaxed results: the words of the unquoted terms
// that the first result does not hold.
func (e *Engine) relaxation(q Query, hits []Hit) *Relaxation {
	out := &Relaxation{Message: relaxedMessage, Dropped: []string{}}
	if len(hits) == 0 {
		return out
	}
	top := analyzers.Normalize(hits[0].Text + strings.Join(hits[0].HeadingPath, ""))
	for _, t := range q.Terms {
		if t.Phrase {
			continue
		}
		for _, w := range e.words.Cut(t.Text) {
			if !strings.Contains(top, w) && !slices.Contains(out.Dropped, w) {
				out.Dropped = append(out.Dropped, w)
			}
		}
	}
	return out
}

// holdsAll reports whether a hit holds every word of the query's unquoted
// terms.
func holdsAll(e *Engine, q Query, hits []Hit) bool {
	var words []string
	for _, t := range q.Terms {
		if !t.Phrase {
			words = append(words, e.words.Cut(t.Text)...)
		}
	}
	for _, h := range hits {
		text := analyzers.Normalize(h.Text + strings.Join(h.HeadingPath, ""))
		if !slices.ContainsFunc(words, func(w string) bool { return !strings.Contains(text, w) }) {
			return true
		}
	}
	return false
}

// queryWords returns the words a provision is asked to hold for a query
// text: the segmenter's, and the vocabulary's words read on the text's
// characters (see composer.words). The segmenter cuts a query, short and
// without context, differently from the same words in a provision
// (家庭医生签约 whole, 断|货开); the vocabulary's reading finds the words
// the provisions are indexed under. It adds no word the user did not type,
// so it holds with expansion off too.
func (e *Engine) queryWords(text string) []string {
	if e.under == nil || e.under.composer.cut == nil {
		return e.words.Cut(text)
	}
	return e.under.composer.words(text)
}
