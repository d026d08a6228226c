package search

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"unicode"

	index "github.com/blevesearch/bleve_index_api"

	"github.com/policysearch/policysearch/analyzers"
	"github.com/policysearch/policysearch/analyzers/vocab"
	"github.com/policysearch/policysearch/indexer"
	"github.com/policysearch/policysearch/indexer/themes"
	"github.com/policysearch/policysearch/search/vector"
)

// Analysis is what reading text needs: segmentation, the domain
// vocabulary, and the pipeline that turns files into indexable documents.
type Analysis struct {
	Segmenter  *analyzers.Segmenter
	Vocabulary *vocab.Vocabulary
	Pipeline   *indexer.Pipeline
}

// NewAnalysis loads the vocabulary and the segmenter (dictionaries from
// dictDir, or the built-in copies when it is empty) and installs the
// segmenter for the index's analyzers. One per process.
func NewAnalysis(dictDir string) (*Analysis, error) {
	v, err := vocab.Default()
	if err != nil {
		return nil, fmt.Errorf("load vocabulary: %w", err)
	}
	seg, err := analyzers.NewSegmenter(analyzers.Config{DictDir: dictDir, ExtraWords: v.Terms()})
	if err != nil {
		return nil, err
	}
	analyzers.Install(seg)
	return &Analysis{Segmenter: seg, Vocabulary: v, Pipeline: &indexer.Pipeline{Themes: themes.New(v)}}, nil
}

// Fingerprint identifies the analysis: an index built with another one
// must be rebuilt.
func (a *Analysis) Fingerprint() string {
	return a.Segmenter.Fingerprint() + "/vocab-" + a.Vocabulary.Version + "/parse-" + indexer.ParseVersion
}

// Close releases the segmenter.
func (a *Analysis) Close() { a.Segmenter.Close() }

// OpenOptions say where the index lives and what to build it from.
type OpenOptions struct {
	IndexDir string
	// Corpus is indexed when the index is missing or stale.
	Corpus   fs.FS
	Progress func(done, total int)
	// Semantic chooses the embedder of semantic and hybrid search.
	Semantic SemanticOptions
}

// Open opens (building when needed) the index and returns an Engine over
// it. Closing the Engine closes the index, not the Analysis.
func Open(ctx context.Context, a *Analysis, o OpenOptions) (*Engine, error) {
	store, err := a.Pipeline.OpenOrBuild(ctx, o.IndexDir, a.Fingerprint(), o.Corpus, o.Progress)
	if err != nil {
		return nil, err
	}
	under := NewUnderstander(a.Vocabulary, a.Segmenter.Cut)
	e := New(Config{Store: store, Words: a.Segmenter, Pipeline: a.Pipeline, IDF: a.Segmenter, Understander: under})
	tok, tokID := a.tokenizer(under)
	if e.sem, err = openSemantic(ctx, store, o.IndexDir, o.Semantic, tok, tokID); err != nil {
		_ = store.Close()
		return nil, err
	}
	// Hybrid beats keyword on every kind of judged query but drafts, where
	// they tie (README, "Ranking quality").
	e.defaultMode = ModeHybrid
	return e, nil
}

// Warm reads what searches share and would otherwise make on first use:
// the facet index and the library of documents (0.8 s at 5,453 documents),
// which the first filtered search waited for. A server warms the engine
// before it answers; a single search from the command line need not.
func (e *Engine) Warm(ctx context.Context) error {
	if _, err := e.library.get(ctx, e.store); err != nil {
		return err
	}
	return e.store.Read(func(r index.IndexReader) error {
		if _, err := e.facets.get(ctx, r); err != nil {
			return fmt.Errorf("facet index: %w", err)
		}
		return nil
	})
}

// tokenizer splits text into what the corpus-learned semantic model
// counts: jieba words, character bigrams (which survive segmentation
// differences) and the vocabulary concepts the text names (so that
// different phrasings of one concept meet).
func (a *Analysis) tokenizer(u *Understander) (vector.Tokenizer, string) {
	tok := func(text string) []string {
		norm := analyzers.Normalize(text)
		words := a.Segmenter.Cut(norm)
		out := make([]string, 0, 2*len(words)+8)
		out = append(out, words...)
		for _, b := range analyzers.BigramTerms(norm) {
			if allLetters(b) {
				out = append(out, "#"+b)
			}
		}
		for _, c := range u.ConceptsIn(norm) {
			out = append(out, "@"+c)
		}
		return out
	}
	return tok, "words+bigrams+concepts/" + a.Fingerprint()
}

func allLetters(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// Close saves the vectors and closes the index.
func (e *Engine) Close() error {
	var err error
	if e.sem != nil {
		err = e.sem.close()
	}
	return errors.Join(err, e.store.Close())
}
