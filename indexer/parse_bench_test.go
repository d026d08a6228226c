package indexer

import (
	"context"
	"io/fs"
	"os"
	"path"
	"strings"
	"testing"
	"testing/fstest"
)

// BenchmarkParseRealDocuments reads and parses the saved web pages and
// plain-text copies of the real documents: cleaning (labels, site chrome,
// markup), script detection, structure and metadata, the per-document cost
// of a build before analysis.
func BenchmarkParseRealDocuments(b *testing.B) {
	files := fstest.MapFS{}
	var size int64
	err := fs.WalkDir(os.DirFS(realDocsDir), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if ext := path.Ext(p); (ext == ".html" || ext == ".txt") && !strings.HasPrefix(path.Base(p), "SOURCES") {
			data, err := os.ReadFile(path.Join(realDocsDir, p))
			if err != nil {
				return err
			}
			files[p] = &fstest.MapFile{Data: data}
			size += int64(len(data))
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.SetBytes(size)
	for b.Loop() {
		for name, f := range files {
			if _, err := parseData(ctx, name, f.Data); err != nil {
				b.Fatal(name, err)
			}
		}
	}
}
