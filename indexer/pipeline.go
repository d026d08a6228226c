package indexer

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"log/slog"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/policysearch/policysearch/indexer/indicators"
	"github.com/policysearch/policysearch/indexer/themes"
)

// Pipeline turns source files into documents ready for the index: parsing,
// metadata, then themes for every provision.
type Pipeline struct {
	Themes *themes.Classifier
}

// Prepare adds themes, with the cues that fired, and indicators to every
// provision of doc, and gathers the indicators on the document.
func (p *Pipeline) Prepare(doc *Document) {
	doc.Indicators = nil
	for i := range doc.Provisions {
		pr := &doc.Provisions[i]
		res := p.Themes.ClassifyWithContext(pr.Text, pr.HeadingPath)
		pr.Themes = res.Themes
		pr.ThemeCues = res.Cues
		pr.Indicators = indicators.Extract(pr.Text, indicators.Context{DocType: pr.DocType, Year: pr.Year})
		for _, in := range pr.Indicators {
			r := IndicatorRecord{Indicator: in, Provision: pr.ID, Year: pr.Year, DocType: pr.DocType}
			r.Excerpt, r.ExcerptStart, r.ExcerptEnd = excerptAround(pr.Text, in.Start, in.End)
			doc.Indicators = append(doc.Indicators, r)
		}
	}
}

// ParseFile reads (text, web page, PDF, DOCX, DOC/WPS), parses and
// prepares one uploaded file. ctx bounds the converter programs PDF and
// DOC files are read with.
func (p *Pipeline) ParseFile(ctx context.Context, name string, data []byte) (Document, error) {
	doc, err := parseData(ctx, name, data)
	if err != nil {
		return Document{}, err
	}
	p.Prepare(&doc)
	return doc, nil
}

// LoadCorpus reads every document of a corpus folder (with its optional
// manifest) and prepares it. Files that cannot be read are reported and
// skipped. Files are read and prepared in parallel; the order of the
// result is the order of the files.
func (p *Pipeline) LoadCorpus(fsys fs.FS) ([]Document, []FileError, error) {
	files, manifest, bad, err := listCorpus(fsys)
	if err != nil {
		return nil, nil, err
	}
	var docs []Document
	for r := range p.read(context.Background(), fsys, files, manifest, nil) {
		if r.err != nil {
			bad = append(bad, FileError{File: r.file.name, Err: r.err})
			continue
		}
		docs = append(docs, r.doc)
	}
	return docs, bad, nil
}

// loaded is one file of a corpus, read and prepared, or the reason it
// could not be.
type loaded struct {
	file corpusFile
	doc  Document
	err  error
}

// readAhead bounds the files read and prepared but not yet consumed, and so
// the memory a streamed build holds beyond the batches being indexed.
const readAhead = 64

// read reads, parses and prepares files on every core and yields them in
// the order of files. Stopping the iteration, or cancelling ctx, stops the
// readers; no goroutine outlives the iteration.
func (p *Pipeline) read(ctx context.Context, fsys fs.FS, files []corpusFile, manifest Manifest, fixes Corrections) iter.Seq[loaded] {
	return func(yield func(loaded) bool) {
		ctx, cancel := context.WithCancel(ctx)
		// Slots hand each result to the consumer in file order; the
		// semaphore keeps at most readAhead of them filled.
		slots := make([]chan loaded, len(files))
		for i := range slots {
			slots[i] = make(chan loaded, 1)
		}
		sem := make(chan struct{}, readAhead)
		jobs := make(chan int)
		var wg sync.WaitGroup
		defer func() {
			cancel()
			wg.Wait()
		}()
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(jobs)
			for i := range files {
				select {
				case sem <- struct{}{}:
				case <-ctx.Done():
					return
				}
				select {
				case jobs <- i:
				case <-ctx.Done():
					return
				}
			}
		}()
		for w := 0; w < min(runtime.GOMAXPROCS(0), len(files)); w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range jobs {
					r := loaded{file: files[i]}
					r.doc, r.err = loadFileContext(ctx, fsys, files[i].name)
					if r.err == nil {
						files[i].stamp(&r.doc)
						manifest.Apply(&r.doc)
						fixes.Apply(&r.doc)
						p.Prepare(&r.doc)
					}
					slots[i] <- r
				}
			}()
		}
		for i := range files {
			var r loaded
			select {
			case r = <-slots[i]:
			case <-ctx.Done():
				return
			}
			slots[i] = nil
			<-sem
			if !yield(r) {
				return
			}
		}
	}
}

// excerptAround returns the text around text[start:end]: the clause it is
// in, at most excerptRunes characters before it and a few after, and the
// span's offsets in the excerpt.
func excerptAround(text string, start, end int) (string, int, int) {
	if start < 0 || end > len(text) || start > end {
		return "", 0, 0
	}
	from := start
	for n := 0; from > 0 && n < excerptRunes; n++ {
		r, size := utf8.DecodeLastRuneInString(text[:from])
		if strings.ContainsRune("。；;！？\n", r) {
			break
		}
		from -= size
	}
	to := end
	for n := 0; to < len(text) && n < 12; n++ {
		r, size := utf8.DecodeRuneInString(text[to:])
		to += size
		if strings.ContainsRune("。；;，,！？\n", r) {
			break
		}
	}
	return text[from:to], start - from, end - from
}

// excerptRunes is how far back an excerpt reaches for the name of the
// measure a figure belongs to.
const excerptRunes = 48

// BuildProgress says how far a build from a corpus folder has got.
type BuildProgress struct {
	// FilesRead of Files have been read and parsed (or skipped);
	// BytesRead of Bytes is their size.
	FilesRead, Files int
	BytesRead, Bytes int64
	// Skipped files could not be read or parsed.
	Skipped int
	// Documents and Provisions have been written to the index.
	Documents, Provisions int
}

// BuildStats describes a finished build.
type BuildStats struct {
	Files      int
	Bytes      int64 // size of the files read
	Documents  int
	Provisions int
	// Skipped lists the files that could not be read or parsed.
	Skipped []FileError
	// Missing counts, per field of MissingFields, the documents indexed
	// without it.
	Missing map[string]int
}

// Build indexes every document of a corpus folder into a new generation
// under root, makes it live and opens it. The files are streamed: read and
// prepared on every core while earlier ones are being indexed, so memory
// does not grow with the corpus. progress, if not nil, is called as the
// build advances, one call at a time.
func (p *Pipeline) Build(ctx context.Context, root, fingerprint string, corpus fs.FS, progress func(BuildProgress)) (*Store, BuildStats, error) {
	files, manifest, bad, err := listCorpus(corpus)
	if err != nil {
		return nil, BuildStats{}, err
	}
	var total int64
	for _, f := range files {
		total += f.size
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, BuildStats{}, fmt.Errorf("create index folder: %w", err)
	}
	s := &Store{root: root, fingerprint: fingerprint}

	var (
		mu sync.Mutex // guards st and serialises progress
		st = BuildProgress{Files: len(files), Bytes: total}
	)
	report := func(update func(*BuildProgress)) {
		mu.Lock()
		defer mu.Unlock()
		update(&st)
		if progress != nil {
			progress(st)
		}
	}
	fixes, err := LoadCorrections(root)
	if err != nil {
		// The corrections stay on disk for a later build; this one goes
		// on without them rather than not at all.
		bad = append(bad, FileError{File: CorrectionsName, Err: err})
		fixes = Corrections{}
	}
	started := time.Now().UTC().Format(time.RFC3339)
	missing := map[string]int{}
	docs := func(yield func(Document) bool) {
		for r := range p.read(ctx, corpus, files, manifest, fixes) {
			report(func(st *BuildProgress) {
				st.FilesRead++
				st.BytesRead += r.file.size
				if r.err != nil {
					st.Skipped++
				}
			})
			if r.err != nil {
				bad = append(bad, FileError{File: r.file.name, Err: r.err})
				continue
			}
			if r.doc.Added == "" {
				r.doc.Added = started
			}
			for _, f := range r.doc.Missing() {
				missing[f]++
			}
			if !yield(r.doc) {
				return
			}
		}
	}
	nd, np, err := s.RebuildFrom(ctx, docs, func(documents, provisions int) {
		report(func(st *BuildProgress) { st.Documents, st.Provisions = documents, provisions })
	})
	stats := BuildStats{Files: len(files), Bytes: total, Documents: nd, Provisions: np, Skipped: bad, Missing: missing}
	if err != nil {
		return nil, stats, err
	}
	if nd == 0 {
		_ = s.Close()
		return nil, stats, fmt.Errorf("corpus holds no readable document (%d files skipped)", len(bad))
	}
	return s, stats, nil
}

// OpenOrBuild opens the index under root, building it from corpus when
// there is none yet or when it was built with other analysis. progress, if
// not nil, receives the files done (indexed or skipped) and their total.
func (p *Pipeline) OpenOrBuild(ctx context.Context, root, fingerprint string, corpus fs.FS, progress func(done, total int)) (*Store, error) {
	s, err := Open(root, fingerprint)
	if err == nil {
		return s, nil
	}
	if !errors.Is(err, ErrNoIndex) && !errors.Is(err, ErrStale) {
		return nil, err
	}
	if corpus == nil {
		return nil, fmt.Errorf("no corpus to build the index from: %w", err)
	}
	slog.Info("building index", "root", root, "reason", err.Error())
	var report func(BuildProgress)
	if progress != nil {
		report = func(bp BuildProgress) {
			// The last file done is reported once the index is complete.
			if done := bp.Documents + bp.Skipped; done < bp.Files {
				progress(done, bp.Files)
			}
		}
	}
	s, stats, err := p.Build(ctx, root, fingerprint, corpus, report)
	if err == nil && progress != nil {
		progress(stats.Files, stats.Files)
	}
	for _, b := range stats.Skipped {
		slog.Warn("skipped file", "file", b.File, "err", b.Err)
	}
	if err != nil {
		return nil, fmt.Errorf("build index: %w", err)
	}
	return s, nil
}
