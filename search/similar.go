package search

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/policysearch/policysearch/analyzers"
	"github.com/policysearch/policysearch/indexer"
	"github.com/policysearch/policysearch/search/exec"
)

// IDF gives a word's inverse document frequency from a general-language
// table (jieba's), which says how distinctive a word is beyond this corpus.
type IDF interface {
	IDF(word string) (float64, bool)
	MedianIDF() float64
}

// SimilarRequest asks for provisions similar to one provision (ID) or to a
// pasted text (Text).
type SimilarRequest struct {
	ID      string  `json:"id,omitempty"`
	Text    string  `json:"text,omitempty"`
	Filters Filters `json:"filters,omitempty"`
	Size    int     `json:"size,omitempty"`
	// IncludeSameDoc also returns provisions of the source's own document
	// (excluded by default: drafters look for precedents elsewhere).
	IncludeSameDoc bool `json:"include_same_doc,omitempty"`
}

// WeightedTerm is a word with its weight.
type WeightedTerm struct {
	Term   string  `json:"term"`
	Weight float64 `json:"weight"`
}

// SimilarHit is a similar provision with what it shares with the source.
type SimilarHit struct {
	Hit
	SharedTerms []string  `json:"shared_terms"`
	Passages    []Passage `json:"passages"`
}

// SimilarResponse lists similar provisions.
type SimilarResponse struct {
	Source     *indexer.Provision `json:"source,omitempty"`
	SourceText string             `json:"source_text"`
	Terms      []WeightedTerm     `json:"terms"`
	Hits       []SimilarHit       `json:"hits"`
	TookMS     float64            `json:"took_ms"`
}

const (
	// similarTerms is how many of the source's most distinctive words are
	// its key terms.
	similarTerms = 24
	// similarPostings bounds the postings the lexical score reads (about
	// 4 ms): see chooseClauses.
	similarPostings = 100_000
	// maxSimilarText bounds a pasted text.
	maxSimilarText = 5000
)

// Re-ranking of the candidates: a weighted sum of their lexical score,
// the cosine of their concept vectors with the source's (see
// conceptVectors), the cosine of their theme scores, the share of the
// source's distinctive weight their shared wording holds, and the cosine
// of their title sentences (see titleSentence), each rescaled over the
// candidates from lowest to highest (see spread); then the hits are spread
// over documents (see byDocument).
// Measured on the judged cases (s…: 31, n…: 16 judged later), Recall@5:
// the lexical score alone, which is bleve's BM25 of the whole source as a
// query, 0.625 and 0.647; with the concepts, themes and wording 0.646 and
// 0.770; rescaled 0.662 and 0.773; spread over documents 0.693 and 0.792;
// with the titles 0.701 and 0.792 (nDCG@5 0.865 and 0.824, then 0.886 and
// 0.828). The vectors' cosine (LSA) added nothing once the themes and
// concepts were in (at 0.3: 0.644 and 0.740 against 0.645 and 0.740), nor
// did scaling each word's clause by how little stock it is (0.634 and
// 0.760 against 0.659 and 0.731), nor the concepts as clauses of the
// lexical score. Rescaled and spread (at 0.7 a document: 0.687 and 0.789),
// these added nothing either or moved one batch up and the other down, at
// 0.2: the vectors' cosine 0.692 and 0.776, a cosine of the words 0.693
// and 0.757, the source's sentences each best aligned with one of the
// candidate's 0.693 and 0.732, BM25 of the source on the character bigrams
// 0.692 and 0.748 or on the candidates' headings 0.675 and 0.804, and a
// candidate's likeness to the first few (pseudo-relevance feedback) no
// better. Themes at 0.2 or 0.6 and concepts at 0.3 or 0.7 moved one batch
// up and the other down, or both down.
const (
	// similarCandidates is how many lexical candidates are re-ranked:
	// 60 and 100 found one judged parallel more than 40 (Recall@5 of the
	// s… cases 0.651 against 0.646) for half as much time again (11 ms
	// against 8 ms a request on 40,000 provisions); with the signals
	// rescaled and the hits spread, 60 and 100 found fewer than 40.
	similarCandidates     = 40
	similarWeightLexical  = 1.0
	similarWeightConcepts = 0.5
	similarWeightThemes   = 0.4
	similarWeightWording  = 0.2
	similarWeightTitle    = 0.2
	// similarGeneralIDF is the part of a key term's weight taken from the
	// general-language table (how rare the word is in Chinese at large)
	// rather than from the corpus.
	similarGeneralIDF = 0.5
)

// Similar finds provisions similar to a provision or a text: candidates by
// BM25 of the source's words (every word, as a query of the whole text),
// re-ranked by what says that two provisions are on the same policy (see
// the weights above). Its key terms, and the terms a hit shares, are the
// source's distinctive words: never the genre's stock (see wordStat).
//
// The provisions nearest the source's vector were once candidates too, but
// on the judged cases the figures were better without them (Recall@5 0.630
// against 0.626, nDCG@5 0.848 against 0.845), and finding them scans every
// vector (about 13 ms on 200,000 provisions).
func (e *Engine) Similar(ctx context.Context, r SimilarRequest) (*SimilarResponse, error) {
	start := time.Now()
	size := r.Size
	if size == 0 {
		size = DefaultSize
	}
	if size < 1 || size > MaxSize {
		return nil, &RequestError{Field: "size", Msg: fmt.Sprintf("must be between 1 and %d", MaxSize)}
	}
	if err := validateFilters(r.Filters); err != nil {
		return nil, err
	}
	out := &SimilarResponse{Hits: []SimilarHit{}}
	var exclude []query.Query
	switch {
	case r.ID != "":
		p, err := e.store.Provision(ctx, r.ID)
		if err != nil {
			return nil, fmt.Errorf("provision %s: %w", r.ID, err)
		}
		out.Source = &p
		out.SourceText = p.Text
		exclude = append(exclude, bleve.NewDocIDQuery([]string{p.ID}))
		if !r.IncludeSameDoc {
			d := bleve.NewTermQuery(p.DocID)
			d.SetField(indexer.FieldDocID)
			exclude = append(exclude, d)
		}
	case r.Text != "":
		if len([]rune(r.Text)) > maxSimilarText {
			return nil, &RequestError{Field: "text", Msg: fmt.Sprintf("longer than %d characters", maxSimilarText)}
		}
		out.SourceText = r.Text
	default:
		return nil, &RequestError{Field: "text", Msg: "give a provision id or a text"}
	}

	norm := analyzers.Normalize(out.SourceText)
	src := e.similarSource(norm)
	lex, err := e.similarCandidates(ctx, &src, exclude, r.Filters, similarCandidates)
	if err != nil {
		return nil, fmt.Errorf("similar: %w", err)
	}
	out.Terms = src.terms
	if len(lex) == 0 {
		out.TookMS = elapsedMS(start)
		return out, nil
	}
	ids := make([]string, len(lex))
	lexical := make(map[string]float64, len(lex))
	for i, l := range lex {
		ids[i] = l.id
		lexical[l.id] = l.score
	}
	// Candidates are ranked by their texts; only the hits returned are
	// read whole.
	cands, err := e.store.ProvisionTexts(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("similar: %w", err)
	}

	srcAlign := newAlignment(out.SourceText)
	srcAlign.indexGrams()
	src.wordSpans(srcAlign)
	type scored struct {
		id, doc, text string
		passages      []Passage
		concepts      []string
		score         float64
	}
	ranked := make([]scored, len(cands))
	named := make([][]string, 0, len(cands)+1)
	named = append(named, src.concepts)
	titles := make([]string, 0, len(cands)+1)
	srcTitle := "" // a pasted text's is its first sentence
	if out.Source != nil {
		srcTitle = out.Source.Title
	}
	titles = append(titles, titleSentence(srcTitle, out.SourceText))
	for i, p := range cands {
		dst := newAlignment(p.Text)
		ranked[i] = scored{id: p.ID, doc: p.DocID, text: p.Text, passages: sharedPassages(srcAlign, dst)}
		if e.under != nil {
			ranked[i].concepts = e.under.ConceptsIn(string(dst.runes))
			named = append(named, ranked[i].concepts)
		}
		titles = append(titles, titleSentence(p.Title, p.Text))
	}
	cv, err := e.newConceptVectors(ctx, named...)
	if err != nil {
		return nil, fmt.Errorf("similar: %w", err)
	}
	tv, err := e.titleVectors(ctx, titles...)
	if err != nil {
		return nil, fmt.Errorf("similar: %w", err)
	}
	srcConcepts := cv.vector(src.concepts)
	srcThemes := e.themeScores(out.SourceText)
	// Shared wording is a sign of a precedent when what is shared is
	// distinctive (a reused sentence); a stock phrase of the genre shared
	// (补齐短板) says nothing. The concepts and themes say whether two
	// provisions are on the same policy, however worded; the title
	// sentences whether they open on the same subject.
	signals := [...]struct {
		weight float64
		of     func(i int) float64
	}{
		{similarWeightLexical, func(i int) float64 { return lexical[ranked[i].id] }},
		{similarWeightConcepts, func(i int) float64 { return cosine(srcConcepts, cv.vector(ranked[i].concepts)) }},
		{similarWeightThemes, func(i int) float64 { return cosine(srcThemes, e.themeScores(ranked[i].text)) }},
		{similarWeightWording, func(i int) float64 { return sharedWording(&src, ranked[i].passages) }},
		{similarWeightTitle, func(i int) float64 { return cosine(tv[0], tv[i+1]) }},
	}
	vs := make([]float64, len(ranked))
	for _, sg := range signals {
		for i := range ranked {
			vs[i] = sg.of(i)
		}
		for i, v := range spread(vs) {
			ranked[i].score += sg.weight * v
		}
	}
	sort.SliceStable(ranked, func(i, j int) bool {
		if ranked[i].score != ranked[j].score {
			return ranked[i].score > ranked[j].score
		}
		return ranked[i].id < ranked[j].id
	})
	ranked = byDocument(ranked, func(c scored) float64 { return c.score }, func(c scored) string { return c.doc })
	ranked = ranked[:min(size, len(ranked))]
	topIDs := make([]string, len(ranked))
	for i, c := range ranked {
		topIDs[i] = c.id
	}
	provs, err := e.provisionsByID(ctx, topIDs)
	if err != nil {
		return nil, fmt.Errorf("similar: %w", err)
	}
	srcTerms := map[string]bool{}
	for _, t := range src.terms {
		srcTerms[t.Term] = true
	}
	// The words shared and the marked text are for display: only the hits
	// returned need them. Only the source's distinctive words are key
	// terms: a generic word shared (推进, 建设) tells a drafter nothing.
	for _, c := range ranked {
		prov, ok := provs[c.id]
		if !ok {
			continue // deleted since its text was read
		}
		sh := SimilarHit{Hit: Hit{Provision: prov}, Passages: c.passages, SharedTerms: []string{}}
		sh.Score = roundScore(c.score)
		for _, w := range e.words.Cut(analyzers.Normalize(c.text)) {
			if srcTerms[w] && !slices.Contains(sh.SharedTerms, w) {
				sh.SharedTerms = append(sh.SharedTerms, w)
			}
		}
		sh.Marked, sh.Highlights = passageMarks(c.text, c.passages)
		out.Hits = append(out.Hits, sh)
	}
	out.TookMS = elapsedMS(start)
	return out, nil
}

// similarClause is one clause of the lexical score: a word of the source,
// or a concept it names, found by any of its phrasings.
type similarClause struct {
	words []string
	boost float64 // of each word
}

// similarClauses turns the source's words and concepts into clauses.
//
// Every word of the source is a clause, as many times as the source uses
// it (bleve's BM25 of the whole text as a query, less the weight of stock
// words: see wordStat). Taking only the 24 most distinctive words, as
// candidates were once found, ranked below that plain query (Recall@5
// 0.560 against 0.630 on the judged cases): the common words of a
// provision still say what it is about.
//
// A vocabulary term is one word of the index (the user dictionary holds
// it), so a concept's phrasings are looked up as words; the few that are
// not one word (stop words) cannot be and are left out. Each phrasing
// counts with boost 1, at its own IDF: that is how bleve scored the concept
// clauses (a disjunction's own boost has no effect there).
func (e *Engine) similarClauses(src *similarSource) []similarClause {
	out := make([]similarClause, 0, len(src.order))
	for _, word := range src.order {
		if _, ok := src.stats[word]; !ok {
			continue // no provision holds it
		}
		for range src.tf[word] {
			out = append(out, similarClause{words: []string{word}, boost: 1})
		}
	}
	return out
}

// similarCandidate is a provision scored on the source's clauses.
type similarCandidate struct {
	id    string
	score float64
}

// similarSource is what a similar-provision search reads of its source.
type similarSource struct {
	norm string
	// order lists the source's words as the index holds them (a word and
	// the dictionary words inside it: 县域医共体, 县域, 医共体), each once,
	// in order of first use; tf counts their uses.
	order []string
	tf    map[string]int
	// cut lists the source's words as segmented for reading (县域医共体,
	// not its parts), words the same each once: the candidates for its
	// key terms.
	cut, words []string
	concepts   []string
	// spans are the source's words where the display text holds them,
	// with their weight as shared wording (see wordSpans).
	spans []wordSpan
	// stats holds the corpus's statistics of the source's words, terms the
	// distinctive ones (the query), and total the distinctive weight of
	// the whole source (every use of every word).
	stats map[string]wordStat
	terms []WeightedTerm
	total float64
}

// similarSource reads a normalised source text's concepts; its words are
// read as the index analyses them (see indexWords).
func (e *Engine) similarSource(norm string) similarSource {
	src := similarSource{norm: norm, tf: map[string]int{}}
	src.cut = e.words.Cut(norm)
	for _, w := range src.cut {
		if !slices.Contains(src.words, w) {
			src.words = append(src.words, w)
		}
	}
	if e.under != nil {
		src.concepts = e.under.ConceptsIn(norm)
	}
	return src
}

// indexWords reads the source's words with the analyzer of the words
// field, so that its words are those a query of the text would look up.
func (src *similarSource) indexWords(m mapping.IndexMapping) error {
	an := m.AnalyzerNamed(m.AnalyzerNameForPath(indexer.FieldWords))
	if an == nil {
		return errors.New("no analyzer for the words field")
	}
	for _, t := range an.Analyze([]byte(src.norm)) {
		w := string(t.Term)
		if src.tf[w] == 0 {
			src.order = append(src.order, w)
		}
		src.tf[w]++
	}
	return nil
}

// similarCandidates weighs the source's words on the corpus (see
// weighTerms) and returns the n provisions that score highest on its words
// (see similarClauses), best first, leaving out those that exclude matches
// and those failing the filters.
//
// The score is BM25 over the words field, summed within a clause and across
// clauses, each sum scaled by the share of its parts matched: what bleve
// computes for the equivalent disjunction of term queries. It is computed
// here, term at a time, from the words' postings: a disjunction of some
// forty words, common ones among them, matches most of a large index, and
// bleve's searcher merges their postings document by document, at several
// times the cost of adding them up in an array (70 ms against 17 ms for
// the same scores on 200,000 provisions).
func (e *Engine) similarCandidates(ctx context.Context, src *similarSource, exclude []query.Query, filters Filters, n int) ([]similarCandidate, error) {
	var out []similarCandidate
	err := e.store.ReadMapped(func(r index.IndexReader, m mapping.IndexMapping) error {
		fi, err := e.facets.get(ctx, r)
		if err != nil {
			return fmt.Errorf("facet index: %w", err)
		}
		keep, err := e.admitted(ctx, r, m, exclude, filters)
		if err != nil {
			return err
		}
		if err := src.indexWords(m); err != nil {
			return err
		}
		cw, err := e.corpusWords(ctx, r, fi, e.matchSets(ctx, r, m, fi))
		if err != nil {
			return err
		}
		if err := e.weighTerms(src, cw); err != nil {
			return err
		}
		clauses := e.similarClauses(src)
		if len(clauses) == 0 {
			return nil
		}
		// Every word is decoded, rare ones too: their postings are read
		// in full, and a later request for another source sharing the
		// word reads them at array speed (a third less work a request on
		// 200,000 provisions, when the words have been read before).
		top, err := lexicalTop(ctx, exec.Decoding(r, e.postings, 0), e.lexAccs, clauses, keep, n, similarPostings, lexBlock)
		if err != nil {
			return err
		}
		out = make([]similarCandidate, 0, len(top))
		for _, h := range top {
			id, err := r.ExternalID(index.NewIndexInternalID(nil, h.doc))
			if err != nil {
				return fmt.Errorf("provision id: %w", err)
			}
			out = append(out, similarCandidate{id: id, score: h.score})
		}
		return nil
	})
	return out, err
}

// admitted returns a test of whether a document (by number) passes the
// filters and is not excluded.
func (e *Engine) admitted(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, exclude []query.Query, filters Filters) (func(uint64) bool, error) {
	fi, err := e.facets.get(ctx, r)
	if err != nil {
		return nil, fmt.Errorf("facet index: %w", err)
	}
	var skip *roaring.Bitmap
	if len(exclude) > 0 {
		if skip, err = e.matchSets(ctx, r, m, fi).Of(bleve.NewDisjunctionQuery(exclude...), nil, nil); err != nil {
			return nil, fmt.Errorf("excluded provisions: %w", err)
		}
	}
	pass := passing(fi.filterSets(filters), "")
	return func(doc uint64) bool {
		if doc > math.MaxUint32 {
			return false // past what the bitmaps hold
		}
		return (skip == nil || !skip.Contains(uint32(doc))) && (pass == nil || pass.Contains(uint32(doc)))
	}, nil
}

// lexClause is a clause with its words' postings.
type lexClause struct {
	words    []lexWord
	max      float64 // the most the clause adds to a document's sum
	postings uint64
}

type lexWord struct {
	term string
	tfr  index.TermFieldReader
	// weight is the word's boost × IDF² × k1: what BM25 gives one posting
	// at most.
	weight float64
	// next is the posting read but not yet added (it lies past the block
	// being scored), nil when none is; tfd holds it.
	next *index.TermFieldDoc
	tfd  index.TermFieldDoc
	done bool // no postings left
}

// lexBlock is how many document numbers are scored together: each clause
// adds its postings within one block before the next block is begun, so
// that the running scores written (24 bytes a document, 384 KiB a block)
// can stay in the core's cache. With eight requests at once on two cores,
// 100 requests took 0.64–0.86 s instead of 1.02–1.04 s when each word's
// postings crossed the whole index; one request alone is no faster.
const lexBlock = 1 << 14

// lexicalTop scores the clauses (those that fit the budget of postings:
// see chooseClauses) block by block of document numbers, and returns the n
// best documents that keep admits, best first.
func lexicalTop(ctx context.Context, r index.IndexReader, accs lexAccumulators, clauses []similarClause, keep func(uint64) bool, n int, budget, block uint64) ([]lexHit, error) {
	if n <= 0 || len(clauses) == 0 {
		return nil, nil
	}
	if _, ok := r.(index.BM25Reader); !ok {
		return nil, errors.New("the index keeps no field lengths for BM25")
	}
	docs, avgLen, err := exec.BM25Stats(r, indexer.FieldWords)
	if err != nil {
		return nil, fmt.Errorf("words field: %w", err)
	}
	if docs == 0 || avgLen == 0 {
		return nil, nil // no words indexed
	}
	k1, b := bsearch.BM25_k1, bsearch.BM25_b
	bm := bm25{c0: k1 * (1 - b), c1: k1 * b / avgLen}

	cls := make([]lexClause, len(clauses))
	defer func() {
		for _, c := range cls {
			for _, w := range c.words {
				_ = w.tfr.Close()
			}
		}
	}()
	for i, c := range clauses {
		for _, w := range c.words {
			tfr, err := r.TermFieldReader(ctx, []byte(w), indexer.FieldWords, true, true, false)
			if err != nil {
				return nil, fmt.Errorf("postings of %q: %w", w, err)
			}
			df := tfr.Count()
			idf := math.Log(1 + (float64(docs)-float64(df)+0.5)/(float64(df)+0.5))
			lw := lexWord{term: w, tfr: tfr, weight: c.boost * idf * idf * k1}
			cls[i].words = append(cls[i].words, lw)
			cls[i].max += lw.weight
			cls[i].postings += df
		}
	}
	use := chooseClauses(cls, budget)

	acc := accs.get()
	defer accs.put(acc)
	acc.reserve(docSpan(r))
	acc.total = float64(len(use))
	// Clauses are added in the same order within every block, so each
	// document's sum is made in the same order as over the whole index.
	for end := block; ; end += block {
		more := false
		for _, c := range use {
			m, err := acc.addBelow(c, bm, end)
			if err != nil {
				return nil, err
			}
			more = more || m
		}
		if !more {
			break
		}
	}
	return acc.top(n, keep), nil
}

// chooseClauses returns the clauses to score: all of them when their
// postings fit the budget; otherwise those that add the most score per
// posting read (rare words before common ones) while they fit, and at
// least one that holds postings. The others are left out as if they were
// not in the query.
//
// The budget bounds a request's work. On 200,000 provisions a source's
// clauses hold 350,000 postings on average and near a million for one
// source in a hundred, mostly those of words common enough to add little
// to any score; with 100,000 postings read, the ten most similar provisions
// are 79% the same as with every clause read (the first the same for
// 83% of sources). On a few thousand provisions every clause is read.
func chooseClauses(cls []lexClause, budget uint64) []lexClause {
	total := uint64(0)
	for _, c := range cls {
		total += c.postings
	}
	if total <= budget {
		return cls
	}
	order := slices.Clone(cls)
	slices.SortStableFunc(order, func(x, y lexClause) int {
		// Descending max/postings, without dividing by zero.
		return cmp.Compare(y.max*float64(x.postings), x.max*float64(y.postings))
	})
	var out []lexClause
	read := uint64(0)
	for _, c := range order {
		if read > 0 && read+c.postings > budget {
			continue // a later, smaller clause may still fit
		}
		out = append(out, c)
		read += c.postings
	}
	return out
}

// bm25 holds BM25's length normalisation for the words field:
// k1·(1−b) and k1·b/(mean length).
type bm25 struct{ c0, c1 float64 }

// score is BM25 of a posting of a word of the given weight, as bleve
// computes it: tf is the square root of the frequency, the length comes
// from the stored norm.
func (p bm25) score(weight float64, freq uint64, norm float64) float64 {
	tf := math.Sqrt(float64(freq))
	return weight * tf / (tf + p.c0 + p.c1/(norm*norm))
}

// lexAccumulator adds up clause scores by document number. Its array spans
// the index's document numbers and is reused across requests (lexAccs);
// only the entries touched are cleared after use.
type lexAccumulator struct {
	docs    []lexDoc
	touched []uint64 // documents matching a clause
	// ctouched lists the documents matching some words of the current
	// clause.
	ctouched []uint64
	total    float64 // clauses scored
}

// lexDoc is one document's running score, in one struct so that adding a
// posting touches one cache line.
type lexDoc struct {
	sum     float64 // score of the clauses matched so far
	csum    float64 // the current clause's score
	matched uint16  // clauses matched
	cwords  uint16  // words of the current clause matched
}

// lexAccumulators keeps accumulators for reuse. Not a sync.Pool: that
// drops its contents at every collection, and an accumulator spans the
// index (5 MB on 200,000 provisions), so re-making it after each
// collection caused more of them.
type lexAccumulators chan *lexAccumulator

// newLexAccumulators keeps up to 8 accumulators: more than two cores use
// at once.
func newLexAccumulators() lexAccumulators { return make(lexAccumulators, 8) }

func (p lexAccumulators) get() *lexAccumulator {
	select {
	case a := <-p:
		return a
	default:
		return &lexAccumulator{}
	}
}

func (p lexAccumulators) put(a *lexAccumulator) {
	a.reset()
	select {
	case p <- a:
	default: // enough kept
	}
}

func (a *lexAccumulator) reset() {
	for _, d := range a.touched {
		a.docs[d] = lexDoc{}
	}
	a.touched = a.touched[:0]
	a.ctouched = a.ctouched[:0]
}

// reserve makes the array span n document numbers, and some more for
// documents added later, in one allocation: grown entry by entry as
// postings reach further, it was copied some thirty times, which made a
// new accumulator's first request several times slower (new ones are made
// whenever more requests run at once than before).
func (a *lexAccumulator) reserve(n uint64) {
	if n > uint64(len(a.docs)) {
		// reset has cleared every entry used: nothing to copy.
		a.docs = make([]lexDoc, n+n/8)
	}
}

// docSpan returns how many document numbers r's documents use (deleted
// ones keep theirs), or 0 when r does not say.
func docSpan(r index.IndexReader) uint64 {
	if s, ok := r.(interface {
		Segments() []*scorch.SegmentSnapshot
	}); ok {
		b := exec.DocBounds(s.Segments())
		return b[len(b)-1]
	}
	return 0
}

// at returns the running score of document number d, growing the array as
// needed.
func (a *lexAccumulator) at(d uint64) *lexDoc {
	if d >= uint64(len(a.docs)) {
		a.docs = append(a.docs, make([]lexDoc, int(d)+1-len(a.docs))...)
		a.docs = a.docs[:cap(a.docs)]
	}
	return &a.docs[d]
}

// addBelow adds a clause's score to every document numbered below end
// that holds one of its words, and reports whether the clause has postings
// left.
func (a *lexAccumulator) addBelow(c lexClause, bm bm25, end uint64) (bool, error) {
	more := false
	for i := range c.words {
		w := &c.words[i]
		if dr, ok := w.tfr.(*exec.TermReader); ok {
			// Decoded postings are read from their arrays, without a
			// call and a copy for every posting.
			for {
				run, ok := dr.RunBelow(end)
				if !ok {
					break
				}
				for j, local := range run.Docs {
					if run.Deleted != nil && run.Deleted.Contains(local) {
						continue
					}
					a.add(run.Base+uint64(local), bm.score(w.weight, uint64(run.Freqs[j]), float64(run.Norms[j])), len(c.words) == 1)
				}
			}
			more = more || dr.Left()
			continue
		}
		for !w.done {
			p := w.next
			if p == nil {
				var err error
				if p, err = w.tfr.Next(&w.tfd); err != nil {
					return false, fmt.Errorf("postings of %q: %w", w.term, err)
				}
				if p == nil {
					w.done = true
					break
				}
			}
			doc := p.ID.Value()
			if doc >= end {
				w.next = p
				more = true
				break
			}
			w.next = nil
			a.add(doc, bm.score(w.weight, p.Freq, p.Norm), len(c.words) == 1)
		}
	}
	if len(c.words) == 1 {
		return more, nil
	}
	// A clause of several words scales its sum by the share of its words
	// matched.
	k := float64(len(c.words))
	for _, doc := range a.ctouched {
		d := &a.docs[doc]
		if d.matched == 0 {
			a.touched = append(a.touched, doc)
		}
		d.sum += d.csum * float64(d.cwords) / k
		d.matched++
		d.csum, d.cwords = 0, 0
	}
	a.ctouched = a.ctouched[:0]
	return more, nil
}

// add adds a word's score to document doc: to its sum when the word is
// its clause's only one, else to the clause's own sum, scaled once the
// clause's words are all read.
func (a *lexAccumulator) add(doc uint64, score float64, alone bool) {
	d := a.at(doc)
	if alone {
		if d.matched == 0 {
			a.touched = append(a.touched, doc)
		}
		d.sum += score
		d.matched++
		return
	}
	if d.cwords == 0 {
		a.ctouched = append(a.ctouched, doc)
	}
	d.csum += score
	d.cwords++
}

// lexHit is a document number with its score.
type lexHit struct {
	doc   uint64
	score float64
}

// top returns the n best-scoring documents that keep admits, best first;
// of equal scores the earlier document comes first. A document's score is
// its sum scaled by the share of clauses it matches.
func (a *lexAccumulator) top(n int, keep func(uint64) bool) []lexHit {
	// worse orders the heap: its root is the worst hit kept.
	worse := func(x, y lexHit) bool {
		if x.score != y.score {
			return x.score < y.score
		}
		return x.doc > y.doc
	}
	h := make([]lexHit, 0, n)
	for _, doc := range a.touched {
		d := &a.docs[doc]
		x := lexHit{doc, d.sum * float64(d.matched) / a.total}
		if len(h) == n && !worse(h[0], x) {
			continue
		}
		if !keep(doc) {
			continue
		}
		if len(h) < n {
			h = append(h, x)
			for i := len(h) - 1; i > 0; {
				p := (i - 1) / 2
				if !worse(h[i], h[p]) {
					break
				}
				h[i], h[p] = h[p], h[i]
				i = p
			}
			continue
		}
		h[0] = x
		for i := 0; ; {
			l, r, m := 2*i+1, 2*i+2, i
			if l < len(h) && worse(h[l], h[m]) {
				m = l
			}
			if r < len(h) && worse(h[r], h[m]) {
				m = r
			}
			if m == i {
				break
			}
			h[i], h[m] = h[m], h[i]
			i = m
		}
	}
	slices.SortFunc(h, func(x, y lexHit) int {
		return cmp.Or(cmp.Compare(y.score, x.score), cmp.Compare(x.doc, y.doc))
	})
	return h
}

// weighTerms weighs the source's words by TF-IDF, the IDF being the
// corpus's (how rare the word is among provisions) less its stock-ness
// (see wordStat), blended with the general-language table's (how rare it
// is in Chinese at large), and keeps the strongest as the source's terms.
// Generic words (of the genre's stock) are never terms.
func (e *Engine) weighTerms(src *similarSource, cw *corpusWords) error {
	src.stats = make(map[string]wordStat, len(src.order))
	src.terms = nil
	g := similarGeneralIDF
	for _, w := range src.order {
		st, err := cw.stat(w)
		if err != nil {
			return err
		}
		if st.df == 0 {
			continue // no provision holds it: it cannot find anything
		}
		if e.policyTerm(w) {
			st.stock = 0
		}
		src.stats[w] = st
	}
	for _, w := range src.words {
		st, ok := src.stats[w]
		if !ok || st.stock >= genericStock || !hasHan(w) || utf8.RuneCountInString(w) < 2 {
			continue // a generic word, a figure or a character is no key term
		}
		idf := st.distinct()
		if e.idf != nil && g > 0 {
			gi, ok := e.idf.IDF(w)
			if !ok {
				gi = e.idf.MedianIDF()
			}
			idf = (1-g)*idf + g*gi*(1-st.stock)
		}
		if wt := (1 + math.Log(float64(src.tf[w]))) * idf; wt > 0 {
			src.terms = append(src.terms, WeightedTerm{Term: w, Weight: math.Round(wt*1000) / 1000})
		}
	}
	sort.SliceStable(src.terms, func(i, j int) bool { return src.terms[i].Weight > src.terms[j].Weight })
	if len(src.terms) > similarTerms {
		src.terms = src.terms[:similarTerms]
	}
	return nil
}

// wordSpan is a word of the source text: where the display text holds
// it (byte offsets) and its weight as shared wording.
type wordSpan struct {
	start, end int
	weight     float64
}

// wordSpans places the source's words on its display text, each weighing
// its distinctiveness (a generic word nothing), and sums their weights.
func (src *similarSource) wordSpans(a alignment) {
	text := string(a.runes)
	at := 0 // byte offset in text
	runeAt := 0
	src.spans, src.total = src.spans[:0], 0
	for _, w := range src.cut {
		i := strings.Index(text[at:], w)
		if i < 0 {
			continue
		}
		first := runeAt + utf8.RuneCountInString(text[at:at+i])
		last := first + utf8.RuneCountInString(w) - 1
		at += i + len(w)
		runeAt = last + 1
		st, ok := src.stats[w]
		if !ok || st.stock >= genericStock {
			continue
		}
		sp := wordSpan{start: a.byteOff[first], end: a.endOff[last], weight: st.distinct()}
		src.spans = append(src.spans, sp)
		src.total += sp.weight
	}
}

// sharedWording is the share of the source's distinctive weight that the
// shared passages hold: what is shared counts by how distinctive its
// words are, not by its length, so that a stock phrase of the genre
// (补齐短板, 走在前列) weighs little.
func sharedWording(src *similarSource, passages []Passage) float64 {
	if src.total <= 0 {
		return 0
	}
	shared := 0.0
	for _, p := range passages {
		for _, sp := range src.spans {
			if sp.start >= p.SourceStart && sp.end <= p.SourceEnd {
				shared += sp.weight
			}
		}
	}
	return math.Min(1, shared/src.total)
}

// passageMarks marks the shared passages on a target text.
func passageMarks(text string, ps []Passage) (string, []string) {
	spans := make([]span, 0, len(ps))
	for _, p := range ps {
		spans = append(spans, span{p.TargetStart, p.TargetEnd})
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	m := marker{}
	return m.markSpans(text, spans)
}

func elapsedMS(start time.Time) float64 {
	return float64(time.Since(start).Microseconds()) / 1000
}

// IsNotFound reports whether err means an unknown id.
func IsNotFound(err error) bool { return errors.Is(err, indexer.ErrNotFound) }

// hasHan reports whether s holds a Chinese character.
func hasHan(s string) bool {
	for _, r := range s {
		if analyzers.IsHan(r) {
			return true
		}
	}
	return false
}
