package analyzers

import (
	"fmt"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/policysearch/policysearch/seeds"
)

// testSeg is the segmenter shared by the tests, installed for the bleve
// analyzers, as the program does once per process.
var testSeg *Segmenter

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	// Keep the extracted dictionaries out of the user's real cache.
	cache, err := os.MkdirTemp("", "analyzers-cache-*")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(cache)
	os.Setenv("XDG_CACHE_HOME", cache)
	os.Setenv("HOME", cache)

	testSeg, err = NewSegmenter(Config{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer testSeg.Close()
	Install(testSeg)
	return m.Run()
}

// seedLines returns the non-empty normalised lines of the seed documents.
func seedLines(t testing.TB) []string {
	t.Helper()
	names, err := fs.Glob(seeds.FS, "*.txt")
	if err != nil || len(names) == 0 {
		t.Fatalf("seed documents: %v (%d)", err, len(names))
	}
	var lines []string
	for _, n := range names {
		b, err := fs.ReadFile(seeds.FS, n)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(string(b), "\n") {
			if l = Normalize(l); l != "" {
				lines = append(lines, l)
			}
		}
	}
	return lines
}

// seedText returns the normalised lines of the seed documents, joined.
func seedText(t testing.TB) string {
	t.Helper()
	return strings.Join(seedLines(t), "\n")
}
