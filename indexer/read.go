package indexer

import (
	"context"
	"fmt"
	"io/fs"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/policysearch/policysearch/indexer/formats"
)

// Sentinel errors of reading files, kept here for the callers that test
// for them (server/ingest.go); they live in package formats.
var (
	// ErrEmpty means the file holds no text, or only white space.
	ErrEmpty = formats.ErrEmpty
	// ErrBinary means the file is not text or a document format at all.
	ErrBinary = formats.ErrBinary
	// ErrEncoding means the bytes are neither UTF-8 nor GB18030/GBK text.
	ErrEncoding = formats.ErrEncoding
	// ErrNoTextLayer means a PDF holds only scanned images.
	ErrNoTextLayer = formats.ErrNoTextLayer
	// ErrUnsupported means a recognised format that is not read here, or
	// a PDF/DOC whose converter is not installed.
	ErrUnsupported = formats.ErrUnsupported
	// ErrCorrupt means a damaged or truncated PDF, DOCX or DOC.
	ErrCorrupt = formats.ErrCorrupt
	// ErrTooLarge means a file over formats.MaxFileBytes.
	ErrTooLarge = formats.ErrTooLarge
)

// DecodeText turns the bytes of a text file into a Go string; see
// formats.DecodeText.
func DecodeText(name string, data []byte) (string, error) { return formats.DecodeText(name, data) }

// FileError reports a file of a corpus that could not be read, decoded or
// parsed. Loading goes on without it.
type FileError struct {
	File string
	Err  error
}

// Error implements error. The file is named once: errors from DecodeText
// and Parse already name it.
func (e FileError) Error() string {
	msg := e.Err.Error()
	if strings.Contains(msg, e.File) {
		return msg
	}
	return e.File + ": " + msg
}

// Unwrap returns the underlying error, so errors.Is(fe, ErrBinary) works.
func (e FileError) Unwrap() error { return e.Err }

// LoadCorpus reads every document file under the root of fsys (.txt,
// .html, .htm, .mht, .mhtml, .pdf, .docx, .doc, .wps; sub-folders included, in lexical
// order), decodes and parses it and applies the
// manifest (manifest.jsonl at the root, optional). A file that fails is
// skipped with a FileError and loading goes on; so is a bad manifest, whose
// entries are then not applied. The error result is only for a root folder
// that cannot be read. Files are parsed in parallel; the order of the
// result is the order of the files.
func LoadCorpus(fsys fs.FS) ([]Document, []FileError, error) {
	files, manifest, bad, err := listCorpus(fsys)
	if err != nil {
		return nil, nil, err
	}

	type result struct {
		doc Document
		err error
	}
	results := make([]result, len(files))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(runtime.GOMAXPROCS(0), len(files)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				doc, err := loadFile(fsys, files[i].name)
				results[i] = result{doc, err}
			}
		}()
	}
	for i := range files {
		jobs <- i
	}
	close(jobs)
	wg.Wait()

	docs := make([]Document, 0, len(files))
	for i, r := range results {
		if r.err != nil {
			bad = append(bad, FileError{File: files[i].name, Err: r.err})
			continue
		}
		files[i].stamp(&r.doc)
		manifest.Apply(&r.doc)
		docs = append(docs, r.doc)
	}
	return docs, bad, nil
}

// corpusFile is a document file of a corpus folder.
type corpusFile struct {
	name    string
	size    int64
	modTime time.Time
}

// stamp dates a document read from the file: the file's modification
// time is when it came into the collection.
func (f corpusFile) stamp(doc *Document) {
	if !f.modTime.IsZero() {
		doc.Added = f.modTime.UTC().Format(time.RFC3339)
	}
}

// listCorpus finds the document files of a corpus folder (the extensions of
// formats.Extensions, any case), in lexical order, and reads its manifest. Unreadable sub-folders and a bad manifest are
// reported in bad; only an unreadable root is an error.
func listCorpus(fsys fs.FS) (files []corpusFile, manifest Manifest, bad []FileError, err error) {
	err = fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			if name == "." {
				return err
			}
			bad = append(bad, FileError{File: name, Err: err})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if !d.IsDir() && formats.HasDocumentExt(name) {
			f := corpusFile{name: name}
			if info, err := d.Info(); err == nil {
				f.size, f.modTime = info.Size(), info.ModTime()
			}
			files = append(files, f)
		}
		return nil
	})
	if err != nil {
		return nil, nil, nil, fmt.Errorf("read corpus folder: %w", err)
	}
	manifest, err = LoadManifest(fsys)
	if err != nil {
		bad = append(bad, FileError{File: ManifestName, Err: err})
		manifest = Manifest{}
	}
	return files, manifest, bad, nil
}

// loadFile reads, extracts and parses one file of a corpus.
func loadFile(fsys fs.FS, name string) (Document, error) {
	return loadFileContext(context.Background(), fsys, name)
}

// loadFileContext is loadFile with a context for the converter programs.
func loadFileContext(ctx context.Context, fsys fs.FS, name string) (Document, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return Document{}, fmt.Errorf("read %s: %w", name, err)
	}
	return parseData(ctx, name, data)
}

// parseData extracts the text and fields of a file in any format read and
// parses the document.
func parseData(ctx context.Context, name string, data []byte) (Document, error) {
	ex, err := formats.Read(ctx, name, data)
	if err != nil {
		return Document{}, err
	}
	return ParseDocument(name, ex.Text, ex.Fields)
}
