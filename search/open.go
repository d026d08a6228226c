package search

import (
	"context"
	"fmt"
	"io/fs"

	"github.com/policysearch/policysearch/analyzers"
	"github.com/policysearch/policysearch/analyzers/vocab"
	"github.com/policysearch/policysearch/indexer"
	"github.com/policysearch/policysearch/indexer/themes"
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
	return a.Segmenter.Fingerprint() + "/vocab-" + a.Vocabulary.Version
}

// Close releases the segmenter.
func (a *Analysis) Close() { a.Segmenter.Close() }

// OpenOptions say where the index lives and what to build it from.
type OpenOptions struct {
	IndexDir string
	// Corpus is indexed when the index is missing or stale.
	Corpus   fs.FS
	Progress func(done, total int)
}

// Open opens (building when needed) the index and returns an Engine over
// it. Closing the Engine closes the index, not the Analysis.
func Open(ctx context.Context, a *Analysis, o OpenOptions) (*Engine, error) {
	store, err := a.Pipeline.OpenOrBuild(ctx, o.IndexDir, a.Fingerprint(), o.Corpus, o.Progress)
	if err != nil {
		return nil, err
	}
	return New(Config{Store: store, Words: a.Segmenter, Pipeline: a.Pipeline, IDF: a.Segmenter,
		Understander: NewUnderstander(a.Vocabulary)}), nil
}

// Close closes the index.
func (e *Engine) Close() error { return e.store.Close() }
