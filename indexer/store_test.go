package indexer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"

	"github.com/policysearch/policysearch/analyzers"
)

// installSegmenter installs the segmenter the index mapping's analyzers
// use, for the test's duration.
func installSegmenter(t *testing.T) {
	t.Helper()
	seg, err := analyzers.NewSegmenter(analyzers.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(seg.Close)
	analyzers.Install(seg)
}

// TestBuildIsCompacted: a build of several batches ends as one segment,
// with no other segment file left beside it, and holds every record.
func TestBuildIsCompacted(t *testing.T) {
	installSegmenter(t)

	// Enough records for several batches, so several segments before the
	// compaction.
	var docs []Document
	provisions := 0
	for d := range 40 {
		doc := Document{ID: fmt.Sprintf("doc%02d", d), Title: fmt.Sprintf("%d年卫生健康工作要点", 2000+d), Year: 2000 + d}
		for p := range 3 * batchRecords / 40 {
			doc.Provisions = append(doc.Provisions, Provision{
				ID: fmt.Sprintf("%s-%03d", doc.ID, p), DocID: doc.ID, Ordinal: p,
				Text:     fmt.Sprintf("推进紧密型县域医共体建设第%d条,做实家庭医生签约服务。", p),
				DocTitle: doc.Title, Year: doc.Year,
			})
			provisions++
		}
		docs = append(docs, doc)
	}
	root := t.TempDir()
	st, err := Create(context.Background(), root, "test", docs, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()

	_, n, err := st.DocCount(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n != provisions {
		t.Errorf("%d provisions indexed, want %d", n, provisions)
	}
	var segments uint64
	err = st.View(func(idx bleve.Index) error {
		adv, err := idx.Advanced()
		if err != nil {
			return err
		}
		segments, _ = adv.(*scorch.Scorch).StatsMap()["TotFileSegmentsAtRoot"].(uint64)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if segments != 1 {
		t.Errorf("%d segments after the build, want 1", segments)
	}
	zaps, err := filepath.Glob(filepath.Join(root, st.gen, "store", "*.zap"))
	if err != nil {
		t.Fatal(err)
	}
	if len(zaps) != 1 {
		names := make([]string, len(zaps))
		for i, z := range zaps {
			fi, _ := os.Stat(z)
			names[i] = fmt.Sprintf("%s (%d bytes)", filepath.Base(z), fi.Size())
		}
		t.Errorf("segment files on disk: %v, want one", names)
	}
}

// TestOpenInUse: an index another process holds is refused at once with
// ErrInUse, not waited on for ever. (Its lock is per open file, so a
// second open in this process stands for another process.)
func TestOpenInUse(t *testing.T) {
	installSegmenter(t)
	root := t.TempDir()
	doc := Document{ID: "d", Title: "卫生健康工作要点", Provisions: []Provision{{ID: "d-000", DocID: "d", Text: "推进医共体建设。"}}}
	st, err := Create(context.Background(), root, "test", []Document{doc}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	start := time.Now()
	if _, err := Open(root, "test"); !errors.Is(err, ErrInUse) {
		t.Fatalf("second open: %v, want ErrInUse", err)
	}
	if took := time.Since(start); took > 10*lockWait {
		t.Errorf("refused after %v", took)
	}
}

// TestProvisionTextsAsRecords: the ids, documents, titles and texts read
// alone are those of the whole records, in the order asked, without the ids not indexed.
func TestProvisionTextsAsRecords(t *testing.T) {
	installSegmenter(t)
	doc := Document{ID: "doc", Title: "2024年卫生健康工作要点", Year: 2024}
	for p := range 3 {
		doc.Provisions = append(doc.Provisions, Provision{
			ID: fmt.Sprintf("doc-%03d", p), DocID: doc.ID, Ordinal: p,
			Title:    "推进医共体建设。",
			Text:     fmt.Sprintf("推进医共体建设。第%d条。", p),
			DocTitle: doc.Title, Year: doc.Year, Themes: []string{"基层卫生"},
			ThemeCues: map[string][]string{"基层卫生": {"医共体"}},
		})
	}
	ctx := context.Background()
	st, err := Create(ctx, t.TempDir(), "test", []Document{doc}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ids := []string{"doc-002", "missing", "doc-000"}
	whole, err := st.Provisions(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	texts, err := st.ProvisionTexts(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(whole) != 2 || len(texts) != 2 {
		t.Fatalf("%d records and %d texts for two indexed ids", len(whole), len(texts))
	}
	for i, p := range whole {
		if !reflect.DeepEqual(texts[i], textOf(p)) || p.ID != doc.Provisions[2-2*i].ID {
			t.Errorf("text %d: %+v, record %s %q", i, texts[i], p.ID, p.Text)
		}
	}
}

// textOf is the ProvisionText of a provision's record.
func textOf(p Provision) ProvisionText {
	return ProvisionText{ID: p.ID, DocID: p.DocID, Ordinal: p.Ordinal, HeadingPath: p.HeadingPath, Title: p.Title, Text: p.Text}
}

// TestAllProvisionTexts: every provision's text is read, in the order of
// the documents' list and of each document's provisions, with the records
// compressed or not, and deleted documents left out.
func TestAllProvisionTexts(t *testing.T) {
	installSegmenter(t)
	ctx := context.Background()
	docs := seedDocuments(t) // enough for compressed records
	for i := range docs {
		docs[i].Provisions[1].HeadingPath = []string{"一、总体要求"}
	}
	st, err := Create(ctx, t.TempDir(), "test", docs, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Delete(ctx, docs[3].ID); err != nil {
		t.Fatal(err)
	}
	infos, err := st.Documents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var want []ProvisionText
	for _, info := range infos {
		d, err := st.Document(ctx, info.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range d.Provisions {
			want = append(want, textOf(p))
		}
	}
	got, err := st.AllProvisionTexts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) || len(got) != (len(docs)-1)*len(docs[0].Provisions) {
		t.Fatalf("%d texts, %d read document by document, %d documents left", len(got), len(want), len(docs)-1)
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Fatalf("text %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}
