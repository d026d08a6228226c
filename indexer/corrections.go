package indexer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
)

// CorrectionsName is the file, in an index's root folder, that keeps the
// corrections made to documents' metadata through the server. They are
// kept by document ID, which follows the text and not the file, and
// applied after the corpus's manifest on every build, so that a correction
// outlives rebuilds and renamed files.
const CorrectionsName = "corrections.jsonl"

// FromCorrection marks metadata corrected by an operator.
const FromCorrection = "correction"

// correction is one line of the corrections file.
type correction struct {
	ID string `json:"id"`
	ManifestEntry
}

// Corrections maps a document ID to the metadata corrected for it.
type Corrections map[string]ManifestEntry

// LoadCorrections reads the corrections kept under root. A missing file is
// no corrections; a line that is not a correction is an error naming it.
func LoadCorrections(root string) (Corrections, error) {
	data, err := os.ReadFile(filepath.Join(root, CorrectionsName))
	if errors.Is(err, os.ErrNotExist) {
		return Corrections{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", CorrectionsName, err)
	}
	c := Corrections{}
	for n, line := range bytes.Split(data, []byte("\n")) {
		if line = bytes.TrimSpace(line); len(line) == 0 {
			continue
		}
		var e correction
		if err := json.Unmarshal(line, &e); err != nil || e.ID == "" {
			return nil, fmt.Errorf("%s line %d: not a correction with an id (%v)", CorrectionsName, n+1, err)
		}
		c[e.ID] = e.ManifestEntry
	}
	return c, nil
}

// Apply corrects doc's metadata when a correction is kept for it.
func (c Corrections) Apply(doc *Document) {
	if e, ok := c[doc.ID]; ok {
		e.ApplyTo(doc, FromCorrection)
	}
}

// merge adds e's non-empty fields to the correction kept for id.
func (c Corrections) merge(id string, e ManifestEntry) {
	old := c[id]
	for _, f := range textFields {
		if v := *f.entry(&e); v != "" {
			*f.entry(&old) = v
		}
	}
	if e.Year != 0 {
		old.Year = e.Year
	}
	// A field set again is no longer cleared; one cleared now is.
	old.Clear = slices.DeleteFunc(old.Clear, func(f string) bool { return e.Sets(f) })
	for _, f := range e.Clear {
		if !slices.Contains(old.Clear, f) {
			old.Clear = append(old.Clear, f)
		}
		old.empty(f)
	}
	c[id] = old
}

// save writes the corrections under root: to a new file first, renamed
// over the old one, so that a crash leaves one or the other whole.
func (c Corrections) save(root string) error {
	ids := make([]string, 0, len(c))
	for id := range c {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for _, id := range ids {
		e := c[id]
		e.File = ""
		if err := enc.Encode(correction{ID: id, ManifestEntry: e}); err != nil {
			return fmt.Errorf("encode correction of %s: %w", id, err)
		}
	}
	path := filepath.Join(root, CorrectionsName)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", CorrectionsName, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("replace %s: %w", CorrectionsName, err)
	}
	return nil
}

// Corrections returns the corrections kept for the documents of this index.
func (s *Store) Corrections() (Corrections, error) {
	s.correctMu.Lock()
	defer s.correctMu.Unlock()
	return LoadCorrections(s.root)
}

// Correct applies a correction to a document in the index and keeps it
// for later builds. The correction is kept first: should the index write
// fail, the next build still applies it.
func (s *Store) Correct(ctx context.Context, id string, e ManifestEntry) (Document, error) {
	doc, err := s.Document(ctx, id)
	if err != nil {
		return Document{}, err
	}
	s.correctMu.Lock()
	defer s.correctMu.Unlock()
	kept, err := LoadCorrections(s.root)
	if err != nil {
		return Document{}, err
	}
	kept.merge(id, e)
	if err := kept.save(s.root); err != nil {
		return Document{}, err
	}
	e.ApplyTo(&doc, FromCorrection)
	if _, err := s.Put(ctx, doc); err != nil {
		return Document{}, fmt.Errorf("correct document %s: %w", id, err)
	}
	return doc, nil
}
