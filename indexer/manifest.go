package indexer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
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
	Level     string `json:"level,omitempty"`
	Year      int    `json:"year,omitempty"`
	DocType   string `json:"doc_type,omitempty"`
	Issuer    string `json:"issuer,omitempty"`
	PubDate   string `json:"pub_date,omitempty"`
	DocNumber string `json:"doc_number,omitempty"`
	Title     string `json:"title,omitempty"`
}

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
// any, and copies it to the provisions. A manifest year or type describes
// the whole document, so it reaches the provisions only when the document
// has a single part; otherwise each part keeps its own.
func (m Manifest) Apply(doc *Document) {
	e, ok := m.lookup(doc.File)
	if !ok {
		return
	}
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&doc.City, e.City)
	set(&doc.Province, e.Province)
	set(&doc.Level, e.Level)
	set(&doc.DocType, e.DocType)
	set(&doc.Issuer, e.Issuer)
	set(&doc.PubDate, e.PubDate)
	set(&doc.DocNumber, e.DocNumber)
	set(&doc.Title, e.Title)
	if e.Year != 0 {
		doc.Year = e.Year
	}
	// A city the manifest names tells the province and level when the text
	// did not.
	if doc.Province == "" {
		doc.Province = provinceOfCity[strings.TrimSuffix(doc.City, "市")]
	}
	if doc.Level == "" && doc.City != "" {
		doc.Level = "市级"
	}
	single := len(doc.Parts) <= 1
	if single && len(doc.Parts) == 1 {
		if e.Year != 0 {
			doc.Parts[0].Year = e.Year
		}
		set(&doc.Parts[0].DocType, e.DocType)
	}
	for i := range doc.Provisions {
		p := &doc.Provisions[i]
		p.City, p.Province, p.Level, p.DocTitle = doc.City, doc.Province, doc.Level, doc.Title
		if single {
			if e.Year != 0 {
				p.Year = e.Year
			}
			set(&p.DocType, e.DocType)
		}
	}
}
