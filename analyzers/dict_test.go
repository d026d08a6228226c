package analyzers

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// writeEmbeddedDicts writes the built-in dictionaries, uncompressed, to dir.
func writeEmbeddedDicts(t *testing.T, dir string) {
	t.Helper()
	for _, name := range requiredDictFiles() {
		gz, err := embeddedDicts.ReadFile("dict/" + name + ".gz")
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(gz))
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestMissingDictionaryFiles(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, HMMFile), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		dir     string
		missing []string
	}{
		{"no folder", filepath.Join(dir, "absent"), requiredDictFiles()},
		{"partial folder", dir, []string{DictFile, IDFFile, StopWordsFile}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			seg, err := NewSegmenter(Config{DictDir: c.dir})
			if err == nil {
				seg.Close()
				t.Fatal("NewSegmenter succeeded without dictionaries")
			}
			msg := err.Error()
			if !strings.Contains(msg, c.dir) {
				t.Errorf("error %q does not name the folder", msg)
			}
			for _, name := range requiredDictFiles() {
				if want := slices.Contains(c.missing, name); strings.Contains(msg, name) != want {
					t.Errorf("error %q: naming %s = %v, want %v", msg, name, !want, want)
				}
			}
		})
	}
}

func TestMalformedWordDictionary(t *testing.T) {
	dir := t.TempDir()
	writeEmbeddedDicts(t, dir)
	bad := "医院 7376 n\n医联体 n\n"
	if err := os.WriteFile(filepath.Join(dir, DictFile), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := NewSegmenter(Config{DictDir: dir})
	if err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("NewSegmenter with a malformed dictionary: %v", err)
	}
}

func TestDictDir(t *testing.T) {
	dir := t.TempDir()
	writeEmbeddedDicts(t, dir)
	seg, err := NewSegmenter(Config{DictDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer seg.Close()
	if got := seg.Cut("合理调配医共体、医联体"); !slices.Equal(got, []string{"合理", "调配", "医共体", "医联体"}) {
		t.Errorf("Cut with a dictionary folder = %q", got)
	}
	if seg.Fingerprint() == "" || seg.Fingerprint() == testSeg.Fingerprint() {
		t.Errorf("fingerprint %q should differ from the built-in dictionaries' %q", seg.Fingerprint(), testSeg.Fingerprint())
	}
	// The user's folder is left as it was.
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(requiredDictFiles()) {
		t.Errorf("dictionary folder now holds %d files", len(entries))
	}
}

func TestExtraWords(t *testing.T) {
	const sentence = "推进三高共管和健康小屋建设"
	before := testSeg.Cut(sentence)
	if slices.Contains(before, "三高共管") || slices.Contains(before, "健康小屋") {
		t.Fatalf("test words already known: %q", before)
	}
	seg, err := NewSegmenter(Config{ExtraWords: []string{"三高共管", "健康小屋", "ＤＩＰ付费", "two words", ""}})
	if err != nil {
		t.Fatal(err)
	}
	defer seg.Close()
	after := seg.Cut(sentence)
	for _, w := range []string{"三高共管", "健康小屋"} {
		if !slices.Contains(after, w) {
			t.Errorf("Cut(%q) = %q, want %q", sentence, after, w)
		}
	}
	if got := seg.Cut(Normalize("推行DIP付费")); !slices.Contains(got, "dip付费") {
		t.Errorf("extra word not normalised: %q", got)
	}
	if seg.Fingerprint() == testSeg.Fingerprint() {
		t.Error("extra words should change the fingerprint")
	}
}

func TestBuildUserDict(t *testing.T) {
	builtin := []byte("# comment\n\n医联体 30000 n\nＤＲＧｓ\n两慢病 nz\n")
	got, err := buildUserDict(builtin, []string{"医联体", "健共体", "a b"})
	if err != nil {
		t.Fatal(err)
	}
	want := "医联体 30000 n\ndrgs 20000 n\n两慢病 20000 nz\n健共体 20000 n\n"
	if string(got) != want {
		t.Errorf("buildUserDict =\n%s\nwant\n%s", got, want)
	}
	for _, bad := range []string{"医联体 0 n\n", "医联体 1 n extra\n"} {
		if _, err := buildUserDict([]byte(bad), nil); err == nil {
			t.Errorf("buildUserDict(%q) accepted a bad line", bad)
		}
	}
}

// TestConcurrentExtraction runs several extractions into one folder at once,
// as concurrent processes do: all succeed and the files are whole.
func TestConcurrentExtraction(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- extractEmbedded(dir)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	want := t.TempDir()
	writeEmbeddedDicts(t, want)
	for _, name := range requiredDictFiles() {
		a, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(want, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s extracted with %d bytes, want %d", name, len(a), len(b))
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != len(requiredDictFiles()) {
		t.Errorf("temporary files left behind: %d entries", len(entries))
	}
	// A truncated file is replaced.
	if err := os.WriteFile(filepath.Join(dir, IDFFile), []byte("x 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := extractEmbedded(dir); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(filepath.Join(dir, IDFFile)); st.Size() < 1000 {
		t.Error("truncated dictionary not replaced")
	}
}

func TestDictionaryNotice(t *testing.T) {
	n := DictionaryNotice()
	if !strings.Contains(n, "cppjieba") || !strings.Contains(n, "MIT") {
		t.Errorf("notice lacks source or licence: %q", n)
	}
}
