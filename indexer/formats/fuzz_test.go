package formats

import (
	"context"
	"errors"
	"testing"
)

// knownKind reports whether err wraps one of the package's sentinels.
func knownKind(err error) bool {
	for _, e := range []error{ErrEmpty, ErrBinary, ErrEncoding, ErrNoTextLayer, ErrUnsupported, ErrCorrupt, ErrTooLarge} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// FuzzHTML reads arbitrary bytes as a web page: no panic, and an error is
// always of a known kind.
func FuzzHTML(f *testing.F) {
	f.Add(fixture(f, "jiaxing-table.html")[:3000])
	f.Add([]byte("<html><body><div id=zoom><p>一、深化改革。</p><table><tr><td>索引号</td><td>1</td></tr></table></div></body></html>"))
	f.Add([]byte("<meta charset=big5><p>\xa4\xa4</p>"))
	f.Add([]byte("<html><pre>a\nb</pre><dl><dt>文号</dt><dd>x</dd></dl>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ex, err := HTML{}.Read(context.Background(), "fuzz.html", data)
		if err != nil {
			if !knownKind(err) {
				t.Fatalf("error of no known kind: %v", err)
			}
			return
		}
		if ex.Text == "" {
			t.Fatal("no error and no text")
		}
	})
}

// FuzzDOCX reads arbitrary bytes as a DOCX (and mutations of real ones).
func FuzzDOCX(f *testing.F) {
	f.Add(fixture(f, "numbered.docx"))
	f.Add(fixture(f, "ol.docx"))
	f.Add([]byte("PK\x03\x04word/document.xml"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := DOCX{}.Read(context.Background(), "fuzz.docx", data)
		if err != nil && !knownKind(err) {
			t.Fatalf("error of no known kind: %v", err)
		}
	})
}
