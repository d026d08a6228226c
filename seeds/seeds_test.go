package seeds

import (
	"io/fs"
	"testing"
	"unicode/utf8"
)

// TestFS checks that the seed documents are embedded and are UTF-8 text.
func TestFS(t *testing.T) {
	names, err := fs.Glob(FS, "*.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 5 {
		t.Fatalf("got %d seed files, want 5: %q", len(names), names)
	}
	for _, name := range names {
		data, err := fs.ReadFile(FS, name)
		if err != nil {
			t.Fatal(err)
		}
		if len(data) < 1000 || !utf8.Valid(data) {
			t.Errorf("%s: %d bytes, valid UTF-8 %v", name, len(data), utf8.Valid(data))
		}
	}
}
