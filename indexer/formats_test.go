package indexer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoadCorpusFormats loads a folder of web pages and Word files: the
// document formats are read, their metadata tables reach the document, and
// other files are left alone or reported.
func TestLoadCorpusFormats(t *testing.T) {
	dir := t.TempDir()
	copyFixture := func(from, to string) {
		data, err := os.ReadFile(filepath.Join("formats", "testdata", from))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, to), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	copyFixture("jiaxing-table.html", "a_jiaxing.HTML")
	copyFixture("numbered.docx", "b_guiyang.docx")
	copyFixture("image.png", "c_scan.pdf")  // named .pdf, but an image
	copyFixture("image.png", "d_image.png") // not a document extension

	docs, bad, err := LoadCorpus(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 2 {
		t.Fatalf("got %d documents, want 2 (bad: %v)", len(docs), bad)
	}
	if len(bad) != 1 || bad[0].File != "c_scan.pdf" || !errors.Is(bad[0], ErrBinary) {
		t.Errorf("file errors %v, want c_scan.pdf as binary", bad)
	}
	jx := docs[0]
	if jx.File != "a_jiaxing.HTML" || jx.Title == "" || len(jx.Provisions) < 20 {
		t.Errorf("web page: file %s, title %q, %d provisions", jx.File, jx.Title, len(jx.Provisions))
	}
	if !strings.Contains(jx.DocNumber, "嘉卫发") {
		t.Errorf("web page: doc number %q, want the metadata table's 嘉卫发〔2020〕21号", jx.DocNumber)
	}
	if n := len(docs[1].Provisions); n < 30 {
		t.Errorf("DOCX with automatic numbering: %d provisions, want the numbered items", n)
	}
}

// TestParseDataFormats reads an upload by its content, whatever its name.
func TestParseDataFormats(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("formats", "testdata", "guiyang-list.html"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := parseData(context.Background(), "upload.txt", data)
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Provisions) == 0 {
		t.Error("no provisions")
	}
	if doc.Issuer == "" {
		t.Error("the page's 发文机关 did not reach the document")
	}
}
