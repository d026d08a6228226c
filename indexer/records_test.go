package indexer

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	index "github.com/blevesearch/bleve_index_api"
)

// seedDocuments makes documents of the seed texts' lines, enough records
// for the record dictionary to be learnt.
func seedDocuments(t *testing.T) []Document {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "seeds", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("seed texts: %v (%d files)", err, len(files))
	}
	var lines []string
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(string(raw), "\n") {
			if l = strings.TrimSpace(l); len([]rune(l)) > 20 {
				lines = append(lines, l)
			}
		}
	}
	var docs []Document
	for d := 0; len(docs)*40 < 3*dictSampleRecords; d++ {
		doc := Document{ID: fmt.Sprintf("doc%03d", d), Title: fmt.Sprintf("%d年卫生健康工作要点", 2000+d%25), Year: 2000 + d%25, City: "温州市", Province: "浙江省"}
		for p := range 40 {
			doc.Provisions = append(doc.Provisions, Provision{
				ID: fmt.Sprintf("%s-%03d", doc.ID, p), DocID: doc.ID, Ordinal: p,
				Text: lines[(d*40+p)%len(lines)], DocTitle: doc.Title, Year: doc.Year, City: doc.City, Province: doc.Province,
				Themes: []string{"基层卫生"}, ThemeCues: map[string][]string{"基层卫生": {"医共体"}},
			})
		}
		docs = append(docs, doc)
	}
	return docs
}

// storedJSON returns the bytes the index stores for a record's JSON.
func storedJSON(t *testing.T, st *Store, key string) []byte {
	t.Helper()
	var out []byte
	err := st.Read(func(r index.IndexReader) error {
		doc, err := r.Document(key)
		if err != nil || doc == nil {
			return fmt.Errorf("record %s: %v", key, err)
		}
		doc.VisitFields(func(f index.Field) {
			if f.Name() == FieldJSON {
				out = bytes.Clone(f.Value())
			}
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestRecordsCompressed: a build large enough learns a dictionary, stores
// its later records compressed with it at well under their JSON's size,
// and reads every record back as written, also after reopening and for
// documents added later.
func TestRecordsCompressed(t *testing.T) {
	installSegmenter(t)
	ctx := context.Background()
	docs := seedDocuments(t)
	root := t.TempDir()
	st, err := Create(ctx, root, "test", docs, nil)
	if err != nil {
		t.Fatal(err)
	}
	var dict []byte
	if err := st.View(func(idx bleve.Index) error {
		var err error
		dict, err = idx.GetInternal([]byte(internalRecordDict))
		return err
	}); err != nil || dict == nil {
		t.Fatalf("no record dictionary stored (%v)", err)
	}

	last := docs[len(docs)-1]
	var jsonBytes, storedBytes int
	for _, p := range last.Provisions {
		stored := storedJSON(t, st, p.ID)
		if !bytes.HasPrefix(stored, zstdMagic) {
			t.Fatalf("%s stored as %q…, want compressed", p.ID, stored[:min(20, len(stored))])
		}
		got, err := st.Provision(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Text != p.Text || got.DocTitle != p.DocTitle || got.City != p.City {
			t.Fatalf("%s read back as %+v", p.ID, got)
		}
		raw, _ := st.DecodeRecord(stored)
		jsonBytes += len(raw)
		storedBytes += len(stored)
	}
	if storedBytes*3 > jsonBytes*2 {
		t.Errorf("records of %d bytes of JSON stored in %d bytes, want under two thirds", jsonBytes, storedBytes)
	}
	// The first records, written before the dictionary was ready, are
	// read all the same.
	if first, err := st.Document(ctx, docs[0].ID); err != nil || len(first.Provisions) != len(docs[0].Provisions) {
		t.Fatalf("first document: %d provisions, %v", len(first.Provisions), err)
	}

	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	st, err = Open(root, "test")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	added := Document{ID: "added", Title: "2026年卫生健康工作要点", Year: 2026, Provisions: []Provision{
		{ID: "added-000", DocID: "added", Text: "推进紧密型县域医共体建设，做实家庭医生签约服务。", DocTitle: "2026年卫生健康工作要点", Year: 2026},
	}}
	if _, err := st.Put(ctx, added); err != nil {
		t.Fatal(err)
	}
	if stored := storedJSON(t, st, "added-000"); !bytes.HasPrefix(stored, zstdMagic) {
		t.Errorf("a document added after reopening is stored as %q…, want compressed", stored[:min(20, len(stored))])
	}
	for _, id := range []string{"added-000", last.Provisions[0].ID} {
		if p, err := st.Provision(ctx, id); err != nil || p.Text == "" {
			t.Errorf("%s after reopening: %+v, %v", id, p, err)
		}
	}
	infos, err := st.Documents(ctx)
	if err != nil || len(infos) != len(docs)+1 {
		t.Errorf("documents after reopening: %d, %v; want %d", len(infos), err, len(docs)+1)
	}
}

// TestRecordUnknownDictionary: a record compressed with a dictionary the
// index does not hold is an error naming it, not garbage.
func TestRecordUnknownDictionary(t *testing.T) {
	var r recordDecoders
	stored := []byte{0x28, 0xb5, 0x2f, 0xfd, 0x23, 0x39, 0x30, 0x00, 0x00, 0x00, 0x00}
	if _, err := r.decode(stored); err == nil || !strings.Contains(err.Error(), "dictionary") {
		t.Errorf("decode: %v, want an error naming the dictionary", err)
	}
	if raw, err := r.decode([]byte(`{"id":"x"}`)); err != nil || string(raw) != `{"id":"x"}` {
		t.Errorf("plain JSON read as %q, %v", raw, err)
	}
}
