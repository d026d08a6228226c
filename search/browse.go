package search

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/policysearch/policysearch/indexer"
)

// OutlineEntry is one provision's place in its document's outline.
type OutlineEntry struct {
	ID          string   `json:"id"`
	Ordinal     int      `json:"ordinal"`
	Number      string   `json:"number,omitempty"`
	HeadingPath []string `json:"heading_path,omitempty"`
	Title       string   `json:"title,omitempty"`
}

// DocumentView is a document with its outline and all its provisions.
type DocumentView struct {
	indexer.DocumentInfo
	// Missing names the metadata fields the document lacks.
	Missing    []string            `json:"missing,omitempty"`
	Outline    []OutlineEntry      `json:"outline"`
	Provisions []indexer.Provision `json:"provisions"`
}

// Section is one provision with its neighbours and its document's outline.
type Section struct {
	indexer.Provision
	Document indexer.DocumentInfo `json:"document"`
	Prev     *OutlineEntry        `json:"prev,omitempty"`
	Next     *OutlineEntry        `json:"next,omitempty"`
	Outline  []OutlineEntry       `json:"outline"`
}

// Documents lists all documents with their metadata and provision counts.
func (e *Engine) Documents(ctx context.Context) ([]indexer.DocumentInfo, error) {
	docs, err := e.store.Documents(ctx)
	if err != nil {
		return nil, fmt.Errorf("list documents: %w", err)
	}
	if docs == nil {
		docs = []indexer.DocumentInfo{}
	}
	return docs, nil
}

// Document returns one document; the error wraps indexer.ErrNotFound for
// an unknown id.
func (e *Engine) Document(ctx context.Context, id string) (*DocumentView, error) {
	doc, err := e.store.Document(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("document %s: %w", id, err)
	}
	return viewOf(doc), nil
}

// viewOf shows a document with its outline.
func viewOf(doc indexer.Document) *DocumentView {
	v := &DocumentView{
		DocumentInfo: indexer.DocumentInfo{Document: doc, ProvisionCount: len(doc.Provisions)},
		Outline:      outline(doc.Provisions),
		Provisions:   doc.Provisions,
	}
	// Each provision carries its own figures.
	v.DocumentInfo.Provisions, v.DocumentInfo.Indicators = nil, nil
	v.Missing = doc.Missing()
	return v
}

// Section returns a provision with its neighbours and its document's outline.
func (e *Engine) Section(ctx context.Context, id string) (*Section, error) {
	p, err := e.store.Provision(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("provision %s: %w", id, err)
	}
	doc, err := e.Document(ctx, p.DocID)
	if err != nil {
		return nil, err
	}
	s := &Section{Provision: p, Document: doc.DocumentInfo, Outline: doc.Outline}
	for i, o := range doc.Outline {
		if o.ID != id {
			continue
		}
		if i > 0 {
			prev := doc.Outline[i-1]
			s.Prev = &prev
		}
		if i+1 < len(doc.Outline) {
			next := doc.Outline[i+1]
			s.Next = &next
		}
	}
	return s, nil
}

func outline(ps []indexer.Provision) []OutlineEntry {
	out := make([]OutlineEntry, len(ps))
	for i, p := range ps {
		out[i] = OutlineEntry{ID: p.ID, Ordinal: p.Ordinal, Number: p.Number, HeadingPath: p.HeadingPath, Title: p.Title}
	}
	return out
}

// Upload is a document sent by a user, with optional metadata that
// overrides what is read from its text.
type Upload struct {
	Name     string
	Data     []byte
	Metadata indexer.ManifestEntry
}

// prepare reads an upload into a document ready for the index: parsed,
// dated now, with the corrections kept for its text and then the
// metadata sent with it.
func (e *Engine) prepare(ctx context.Context, u Upload) (indexer.Document, error) {
	doc, err := e.pipeline.ParseFile(ctx, u.Name, u.Data)
	if err != nil {
		return doc, &RequestError{Field: "file", Msg: err.Error(), Err: err}
	}
	doc.Added = time.Now().UTC().Format(time.RFC3339)
	fixes, err := e.store.Corrections()
	if err != nil {
		return doc, err
	}
	fixes.Apply(&doc)
	u.Metadata.ApplyTo(&doc, indexer.FromUpload)
	return doc, nil
}

// Preview reads an upload as Ingest would, without indexing it: what the
// server makes of a file, for its metadata to be checked and corrected
// before it is added.
func (e *Engine) Preview(ctx context.Context, u Upload) (*DocumentView, error) {
	if e.pipeline == nil {
		return nil, fmt.Errorf("preview: engine has no pipeline")
	}
	doc, err := e.prepare(ctx, u)
	if err != nil {
		return nil, err
	}
	return viewOf(doc), nil
}

// Correct changes a document's metadata in the index and keeps the
// correction for later builds; the error wraps indexer.ErrNotFound for an
// unknown id.
func (e *Engine) Correct(ctx context.Context, id string, m indexer.ManifestEntry) (*DocumentView, error) {
	err := e.library.write(e.store, func() ([]indexer.Document, error) {
		doc, err := e.store.Correct(ctx, id, m)
		return []indexer.Document{doc}, err
	}, nil)
	if err != nil {
		return nil, err
	}
	return e.Document(ctx, id)
}

// Ingest parses, prepares and indexes an uploaded document. The same
// content uploaded again replaces the earlier copy (replaced is true).
func (e *Engine) Ingest(ctx context.Context, u Upload) (doc indexer.Document, replaced bool, err error) {
	if e.pipeline == nil {
		return doc, false, fmt.Errorf("ingest: engine has no pipeline")
	}
	doc, err = e.prepare(ctx, u)
	if err != nil {
		return doc, false, err
	}
	err = e.library.write(e.store, func() ([]indexer.Document, error) {
		replaced, err = e.store.Put(ctx, doc)
		return []indexer.Document{doc}, err
	}, nil)
	if err != nil {
		return doc, false, fmt.Errorf("ingest %s: %w", u.Name, err)
	}
	if e.sem != nil {
		// The document is in the index whatever happens here; vectors
		// missing now are made on the next start.
		if err := e.sem.add(ctx, doc); err != nil {
			slog.Warn("document indexed without vectors", "doc", doc.ID, "err", err)
		}
	}
	return doc, replaced, nil
}

// Delete removes a document and its provisions; the error wraps
// indexer.ErrNotFound for an unknown id.
func (e *Engine) Delete(ctx context.Context, docID string) error {
	err := e.library.write(e.store, func() ([]indexer.Document, error) { return nil, e.store.Delete(ctx, docID) }, []string{docID})
	if err != nil {
		return fmt.Errorf("delete %s: %w", docID, err)
	}
	if e.sem != nil {
		e.sem.remove(docID)
	}
	return nil
}
