package search

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/policysearch/policysearch/analyzers"
	"github.com/policysearch/policysearch/indexer"
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
	// similarTerms is how many of the source's most distinctive words query
	// for candidates.
	similarTerms = 24
	// similarCandidates is how many lexical candidates are re-ranked by
	// shared wording.
	similarCandidates = 60
	// maxSimilarText bounds a pasted text.
	maxSimilarText = 5000
	// similarConceptBoost scales a shared concept against a shared word.
	similarConceptBoost = 1.0
	// Weights of the re-ranking features: the candidate's lexical score
	// (relative to the best), its cosine with the source's vector, the
	// share of the shorter text that is shared wording, and the share of
	// the source's concepts the candidate names too.
	similarWeightLexical  = 0.4
	similarWeightDense    = 0.2
	similarWeightCoverage = 0.3
	similarWeightConcepts = 0.2
)

// conceptOverlap is the share of src's concepts that dst names as well.
func conceptOverlap(src, dst []string) float64 {
	n := 0
	for _, c := range src {
		if slices.Contains(dst, c) {
			n++
		}
	}
	return float64(n) / float64(len(src))
}

// Similar finds provisions similar to a provision or a text: candidates by
// the source's most distinctive words (TF-IDF from the corpus and a
// general-language table), re-ranked by how much wording they share, so
// that reused sentences come first.
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

	terms, err := e.distinctiveTerms(ctx, analyzers.Normalize(out.SourceText))
	if err != nil {
		return nil, err
	}
	out.Terms = terms
	if len(terms) == 0 {
		out.TookMS = elapsedMS(start)
		return out, nil
	}
	var should []query.Query
	for _, t := range terms {
		tq := bleve.NewTermQuery(t.Term)
		tq.SetField(indexer.FieldWords)
		tq.SetBoost(t.Weight)
		should = append(should, tq)
	}
	// The concepts the source names find provisions that name them in other
	// words (县域医共体 for 医共体): each concept counts as one term of
	// median weight.
	var srcConcepts []string
	if e.under != nil {
		srcConcepts = e.under.ConceptsIn(analyzers.Normalize(out.SourceText))
		w := terms[len(terms)/2].Weight
		for _, id := range srcConcepts {
			var alts []query.Query
			for _, ph := range e.under.phrasings(id) {
				// A vocabulary term is one word of the index (the user
				// dictionary holds it): a term query, with no positions
				// to check, finds it.
				if ws := e.words.Cut(ph); len(ws) == 1 {
					tq := bleve.NewTermQuery(ws[0])
					tq.SetField(indexer.FieldWords)
					alts = append(alts, tq)
					continue
				}
				alts = append(alts, exactQuery(ph))
			}
			d := bleve.NewDisjunctionQuery(alts...)
			d.SetBoost(w * similarConceptBoost)
			should = append(should, d)
		}
	}
	b := bleve.NewBooleanQuery()
	b.AddShould(should...)
	b.AddMustNot(exclude...)
	lex, err := e.rankIDs(ctx, withFilters(b, r.Filters, ""), similarCandidates)
	if err != nil {
		return nil, fmt.Errorf("similar: %w", err)
	}
	dense, srcVec, err := e.similarDense(ctx, out, r.IncludeSameDoc, r.Filters)
	if err != nil {
		return nil, err
	}

	// Candidates from both sides, each with its features.
	type cand struct {
		lexical, dense float64
	}
	cands := map[string]*cand{}
	var ids []string
	get := func(id string) *cand {
		c, ok := cands[id]
		if !ok {
			c = &cand{}
			cands[id] = c
			ids = append(ids, id)
		}
		return c
	}
	maxLex := 0.0
	for _, l := range lex {
		maxLex = math.Max(maxLex, l.Score)
	}
	for _, l := range lex {
		if maxLex > 0 {
			get(l.ID).lexical = l.Score / maxLex
		}
	}
	for _, d := range dense {
		get(d.ID)
	}
	if srcVec != nil {
		for _, id := range ids {
			if sim, ok := e.sem.index.Similarity(srcVec, id); ok {
				cands[id].dense = math.Max(0, float64(sim))
			}
		}
	}
	provs, err := e.store.Provisions(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("similar: %w", err)
	}

	src := newAlignment(out.SourceText)
	srcTerms := map[string]bool{}
	for _, t := range terms {
		srcTerms[t.Term] = true
	}
	type scored struct {
		hit   SimilarHit
		score float64
	}
	var ranked []scored
	for _, p := range provs {
		c := cands[p.ID]
		dst := newAlignment(p.Text)
		passages := sharedPassages(src, dst)
		shared := sharedRunes(passages, dst)
		shorter := math.Min(float64(len(src.runes)), float64(len(dst.runes)))
		coverage := 0.0
		if shorter > 0 {
			coverage = math.Min(1, float64(shared)/shorter)
		}
		concepts := 0.0
		if len(srcConcepts) > 0 {
			concepts = conceptOverlap(srcConcepts, e.under.ConceptsIn(analyzers.Normalize(p.Text)))
		}
		sh := SimilarHit{Hit: Hit{Provision: p}, Passages: passages, SharedTerms: []string{}}
		for _, w := range e.words.Cut(analyzers.Normalize(p.Text)) {
			if srcTerms[w] && !contains(sh.SharedTerms, w) {
				sh.SharedTerms = append(sh.SharedTerms, w)
			}
		}
		sh.Marked, sh.Highlights = passageMarks(p.Text, passages)
		// Shared wording is the strongest sign of a precedent (a reused
		// sentence scores near 1 on coverage); the lexical and dense scores
		// order candidates that share ideas but not sentences.
		score := similarWeightLexical*c.lexical + similarWeightDense*c.dense +
			similarWeightCoverage*coverage + similarWeightConcepts*concepts
		sh.Score = roundScore(score)
		ranked = append(ranked, scored{sh, score})
	}
	sort.SliceStable(ranked, func(i, j int) bool {
		if ranked[i].score != ranked[j].score {
			return ranked[i].score > ranked[j].score
		}
		return ranked[i].hit.ID < ranked[j].hit.ID
	})
	for i := 0; i < len(ranked) && i < size; i++ {
		out.Hits = append(out.Hits, ranked[i].hit)
	}
	out.TookMS = elapsedMS(start)
	return out, nil
}

// similarDense finds the provisions nearest the source by vector, with the
// same exclusions and filters as the lexical side, and returns the
// source's vector (nil without semantic search).
func (e *Engine) similarDense(ctx context.Context, out *SimilarResponse, sameDoc bool, filters Filters) ([]rankedID, []float32, error) {
	if e.sem == nil {
		return nil, nil, nil
	}
	var vec []float32
	if out.Source != nil {
		vec, _ = e.sem.index.Vector(out.Source.ID)
	}
	if vec == nil {
		vs, err := e.sem.embedder.Embed(ctx, []string{out.SourceText})
		if err != nil {
			return nil, nil, fmt.Errorf("embed source: %w", err)
		}
		vec = vs[0]
	}
	var skipDoc, skipID string
	if out.Source != nil {
		skipID = out.Source.ID
		if !sameDoc {
			skipDoc = out.Source.DocID + "-"
		}
	}
	keep := func(id string) bool {
		return id != skipID && (skipDoc == "" || !strings.HasPrefix(id, skipDoc))
	}
	nb, err := e.sem.index.Search(vec, similarCandidates, keep)
	if err != nil {
		return nil, nil, fmt.Errorf("nearest provisions: %w", err)
	}
	if len(nb) == 0 {
		return nil, vec, nil
	}
	ids := make([]string, len(nb))
	for i, n := range nb {
		ids[i] = n.ID
	}
	// Filters are bleve's to apply.
	kept, err := e.rankIDs(ctx, withFilters(bleve.NewDocIDQuery(ids), filters, ""), len(ids))
	return kept, vec, err
}

// distinctiveTerms weighs the words of a text by TF-IDF, the IDF being the
// mean of the corpus's own (how rare the word is among provisions) and the
// general-language table's (how rare it is in Chinese at large), and keeps
// the strongest.
func (e *Engine) distinctiveTerms(ctx context.Context, norm string) ([]WeightedTerm, error) {
	tf := map[string]int{}
	var order []string
	for _, w := range e.words.Cut(norm) {
		if len([]rune(w)) < 2 {
			continue
		}
		if tf[w] == 0 {
			order = append(order, w)
		}
		tf[w]++
	}
	if len(order) == 0 {
		return nil, nil
	}
	df, n, err := e.store.DocFreqs(ctx, indexer.FieldWords, order)
	if err != nil {
		return nil, err
	}
	var out []WeightedTerm
	for _, w := range order {
		if df[w] == 0 {
			continue // no provision holds it: it cannot find anything
		}
		idf := math.Log(float64(n+1) / float64(df[w]+1))
		if e.idf != nil {
			g, ok := e.idf.IDF(w)
			if !ok {
				g = e.idf.MedianIDF()
			}
			idf = (idf + g) / 2
		}
		wt := (1 + math.Log(float64(tf[w]))) * idf
		if wt > 0 {
			out = append(out, WeightedTerm{Term: w, Weight: math.Round(wt*1000) / 1000})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Weight > out[j].Weight })
	if len(out) > similarTerms {
		out = out[:similarTerms]
	}
	return out, nil
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

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func elapsedMS(start time.Time) float64 {
	return float64(time.Since(start).Microseconds()) / 1000
}

// IsNotFound reports whether err means an unknown id.
func IsNotFound(err error) bool { return errors.Is(err, indexer.ErrNotFound) }
