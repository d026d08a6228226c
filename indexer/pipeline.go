package indexer

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"

	"github.com/policysearch/policysearch/indexer/themes"
)

// Pipeline turns source files into documents ready for the index: parsing,
// metadata, then themes for every provision.
type Pipeline struct {
	Themes *themes.Classifier
}

// Prepare adds themes, with the cues that fired, to every provision of doc.
func (p *Pipeline) Prepare(doc *Document) {
	for i := range doc.Provisions {
		pr := &doc.Provisions[i]
		res := p.Themes.ClassifyWithContext(pr.Text, pr.HeadingPath)
		pr.Themes = res.Themes
		pr.ThemeCues = res.Cues
	}
}

// ParseFile decodes, parses and prepares one uploaded file.
func (p *Pipeline) ParseFile(name string, data []byte) (Document, error) {
	text, err := DecodeText(name, data)
	if err != nil {
		return Document{}, err
	}
	doc, err := Parse(name, text)
	if err != nil {
		return Document{}, err
	}
	p.Prepare(&doc)
	return doc, nil
}

// LoadCorpus reads every document of a corpus folder (with its optional
// manifest) and prepares it. Files that cannot be read are reported and
// skipped.
func (p *Pipeline) LoadCorpus(fsys fs.FS) ([]Document, []FileError, error) {
	docs, bad, err := LoadCorpus(fsys)
	if err != nil {
		return nil, nil, err
	}
	for i := range docs {
		p.Prepare(&docs[i])
	}
	return docs, bad, nil
}

// OpenOrBuild opens the index under root, building it from corpus when
// there is none yet or when it was built with other analysis.
func (p *Pipeline) OpenOrBuild(ctx context.Context, root, fingerprint string, corpus fs.FS, progress func(done, total int)) (*Store, error) {
	s, err := Open(root, fingerprint)
	if err == nil {
		return s, nil
	}
	if !errors.Is(err, ErrNoIndex) && !errors.Is(err, ErrStale) {
		return nil, err
	}
	slog.Info("building index", "root", root, "reason", err.Error())
	docs, bad, err := p.LoadCorpus(corpus)
	if err != nil {
		return nil, fmt.Errorf("read corpus: %w", err)
	}
	for _, b := range bad {
		slog.Warn("skipped file", "file", b.File, "err", b.Err)
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("corpus holds no readable document (%d files skipped)", len(bad))
	}
	return Create(ctx, root, fingerprint, docs, progress)
}
