package indexer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/policysearch/policysearch/indexer/gazetteer"
)

// ManifestName is the file, at the root of a corpus folder, that supplies
// or corrects document metadata: one JSON object per line.
const ManifestName = "manifest.jsonl"

// ManifestEntry is one line of a manifest: the metadata of one file. Empty
// fields leave what the text says alone.
type ManifestEntry struct {
	File      string `json:"file"`
	City      string `json:"city,omitempty"`
	Province  string `json:"province,omitempty"`
	County    string `json:"county,omitempty"`
	Level     string `json:"level,omitempty"`
	Year      int    `json:"year,omitempty"`
	DocType   string `json:"doc_type,omitempty"`
	Issuer    string `json:"issuer,omitempty"`
	PubDate   string `json:"pub_date,omitempty"`
	DocNumber string `json:"doc_number,omitempty"`
	Title     string `json:"title,omitempty"`
	// Clear lists fields to empty (a wrong city read from the text), of
	// ClearableFields.
	Clear []string `json:"clear,omitempty"`
}

// ClearableFields are the metadata fields a manifest entry or correction
// may empty.
var ClearableFields = []string{"city", "province", "county", "level", "year", "doc_type", "issuer", "pub_date", "doc_number"}

// Manifest maps a file name (its path inside the corpus folder) to its
// metadata.
type Manifest map[string]ManifestEntry

// LoadManifest reads manifest.jsonl at the root of fsys. A missing manifest
// is an empty one; a line that is not a JSON object with a "file" is an
// error naming the line. Blank lines are allowed.
func LoadManifest(fsys fs.FS) (Manifest, error) {
	data, err := fs.ReadFile(fsys, ManifestName)
	if errors.Is(err, fs.ErrNotExist) {
		return Manifest{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", ManifestName, err)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	m := Manifest{}
	for n, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		var e ManifestEntry
		if err := json.Unmarshal(line, &e); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", ManifestName, n+1, err)
		}
		e.File = strings.TrimPrefix(path.Clean(strings.ReplaceAll(e.File, `\`, "/")), "./")
		if e.File == "" || e.File == "." {
			return nil, fmt.Errorf("%s line %d: no \"file\" given", ManifestName, n+1)
		}
		m[e.File] = e
	}
	return m, nil
}

// lookup finds the entry for a document file: by its path, else by its
// base name (a manifest written for a flat folder).
func (m Manifest) lookup(file string) (ManifestEntry, bool) {
	if e, ok := m[file]; ok {
		return e, true
	}
	e, ok := m[path.Base(file)]
	return e, ok
}

// Apply overrides or supplies doc's metadata with its manifest entry, if
// any, and copies it to the provisions.
func (m Manifest) Apply(doc *Document) {
	if e, ok := m.lookup(doc.File); ok {
		e.ApplyTo(doc, FromManifest)
	}
}

// ApplyTo overrides or supplies doc's metadata with the entry's non-empty
// fields, recording from (FromManifest, FromUpload) as their source, and
// copies them to the provisions. A year or type describes the whole
// document, so it reaches the provisions only when the document has a
// single part; otherwise each part keeps its own.
func (e ManifestEntry) ApplyTo(doc *Document, from string) {
	if doc.Provenance == nil {
		doc.Provenance = map[string]Source{}
	}
	set := func(field string, dst *string, v string, src Source) {
		if v != "" {
			*dst = v
			doc.Provenance[field] = src
		}
	}
	src := Source{From: from, Evidence: e.File}
	for _, f := range textFields {
		set(f.name, f.doc(doc), *f.entry(&e), src)
	}
	if e.Year != 0 {
		doc.Year = e.Year
		doc.Provenance["year"] = src
	}
	// A county or city the entry names tells what is above it, and the
	// level, where the entry does not.
	g := gazetteer.Default()
	for _, name := range []string{e.County, e.City} {
		ps := g.Lookup(name)
		if name == "" || len(ps) != 1 {
			continue
		}
		p := placeOf(ps[0])
		derived := Source{From: from, Evidence: evidence(name, p)}
		if e.City == "" {
			set("city", &doc.City, p.city, derived)
		}
		if e.Province == "" {
			set("province", &doc.Province, p.province, derived)
		}
		if e.Level == "" {
			set("level", &doc.Level, levelName(p.level), derived)
		}
		break
	}
	if e.City != "" && e.County == "" && doc.County != "" {
		// A manifest that moves a document to a city takes it out of the
		// county the text named.
		if ps := g.Lookup(doc.County); len(ps) != 1 || ps[0].City != e.City {
			doc.County = ""
			delete(doc.Provenance, "county")
		}
	}
	for _, name := range e.Clear {
		if !slices.Contains(ClearableFields, name) {
			continue
		}
		if name == "year" {
			doc.Year = 0
		} else if f, ok := textField(name); ok {
			*f.doc(doc) = ""
		} else {
			continue
		}
		doc.Provenance[name] = Source{From: from, Evidence: "cleared"}
	}
	if e.Issuer == "" && !slices.Contains(e.Clear, "issuer") {
		// The place or year may have changed under an implied issuer.
		implyIssuer(doc)
	}
	if e.Title == "" {
		nameByMetadata(doc)
	}
	single := len(doc.Parts) <= 1
	if single && len(doc.Parts) == 1 {
		if e.Year != 0 {
			doc.Parts[0].Year = e.Year
		}
		if e.DocType != "" {
			doc.Parts[0].DocType = e.DocType
		}
	}
	for i := range doc.Provisions {
		p := &doc.Provisions[i]
		p.City, p.Province, p.County, p.Level, p.DocTitle = doc.City, doc.Province, doc.County, doc.Level, doc.Title
		if single {
			if e.Year != 0 {
				p.Year = e.Year
			}
			if e.DocType != "" {
				p.DocType = e.DocType
			}
		}
	}
}

// textFields are the metadata fields held as text, with where a document
// and a manifest entry keep each, so that code setting, clearing or
// merging them names each field once.
var textFields = []textFieldRef{
	{"city", func(d *Document) *string { return &d.City }, func(e *ManifestEntry) *string { return &e.City }},
	{"province", func(d *Document) *string { return &d.Province }, func(e *ManifestEntry) *string { return &e.Province }},
	{"county", func(d *Document) *string { return &d.County }, func(e *ManifestEntry) *string { return &e.County }},
	{"level", func(d *Document) *string { return &d.Level }, func(e *ManifestEntry) *string { return &e.Level }},
	{"doc_type", func(d *Document) *string { return &d.DocType }, func(e *ManifestEntry) *string { return &e.DocType }},
	{"issuer", func(d *Document) *string { return &d.Issuer }, func(e *ManifestEntry) *string { return &e.Issuer }},
	{"pub_date", func(d *Document) *string { return &d.PubDate }, func(e *ManifestEntry) *string { return &e.PubDate }},
	{"doc_number", func(d *Document) *string { return &d.DocNumber }, func(e *ManifestEntry) *string { return &e.DocNumber }},
	{"title", func(d *Document) *string { return &d.Title }, func(e *ManifestEntry) *string { return &e.Title }},
}

// textFieldRef is where a document and a manifest entry keep one text
// field.
type textFieldRef struct {
	name  string
	doc   func(*Document) *string
	entry func(*ManifestEntry) *string
}

// textField finds a text field by name.
func textField(name string) (textFieldRef, bool) {
	for _, f := range textFields {
		if f.name == name {
			return f, true
		}
	}
	return textFieldRef{}, false
}

// Sets reports whether e sets field f.
func (e ManifestEntry) Sets(f string) bool {
	if f == "year" {
		return e.Year != 0
	}
	tf, ok := textField(f)
	return ok && *tf.entry(&e) != ""
}

// empty empties field f of e, so that a correction kept to clear it sets
// no value for it.
func (e *ManifestEntry) empty(f string) {
	if f == "year" {
		e.Year = 0
	} else if tf, ok := textField(f); ok {
		*tf.entry(e) = ""
	}
}
