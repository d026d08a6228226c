// Package formats reads the files that policy documents come in — plain
// text, web pages saved from 卫健委 sites, PDF attachments, DOCX, and old
// DOC / WPS files — and recovers their text, one paragraph per line, with
// the labelled metadata the file itself carries (a web page's 索引号 /
// 发布机构 / 成文日期 / 文号 table, its title and site name).
//
// Read detects the format from the content and picks the reader. PDF and
// DOC/WPS are read by external programs (poppler's pdftotext; catdoc or
// antiword), run with the caller's context and a timeout.
package formats

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/policysearch/policysearch/analyzers"
)

// Extracted is what a reader recovers from a file.
type Extracted struct {
	// Format is "text", "html", "mhtml", "pdf", "docx", "doc" or "wps".
	Format string
	// Text is UTF-8 plain text, one paragraph per line, "\n" line ends.
	Text string
	// Fields are labelled metadata the file itself carries: a web page's
	// metadata table (keys as written, spaces removed: 发布机构, 成文日期,
	// 发布日期, 文号, 索引号…), "页面标题" (the HTML <title>), "网站名称"
	// (the site's name), and <meta> values such as ArticleTitle, PubDate,
	// ContentSource. Nil when there are none.
	Fields map[string]string
}

// Reader reads one format.
type Reader interface {
	// Format names the format, as in Extracted.Format.
	Format() string
	// Detect reports whether data is of this format, judged from the
	// content (magic bytes, markup), the file name only as a tie-breaker.
	Detect(name string, data []byte) bool
	// Read recovers the text and fields of data.
	Read(ctx context.Context, name string, data []byte) (Extracted, error)
}

// Sentinel errors, wrapped with the file name and the details by every
// reader, so that callers can tell the kinds of bad input apart with
// errors.Is. ErrEmpty, ErrBinary and ErrEncoding are in text.go.
var (
	// ErrNoTextLayer means a PDF holds only images: a scan.
	ErrNoTextLayer = errors.New("has no text layer (a scanned image?)")
	// ErrUnsupported means the format was recognised but cannot be read
	// here: an image, an archive, a spreadsheet, or a DOC/PDF when the
	// program that converts it is not installed (the message names the
	// Debian package).
	ErrUnsupported = errors.New("unsupported format")
	// ErrCorrupt means a PDF or DOCX that is damaged or truncated.
	ErrCorrupt = errors.New("damaged or truncated file")
	// ErrTooLarge means a file over MaxFileBytes.
	ErrTooLarge = errors.New("file too large")
)

const (
	// MaxFileBytes is the largest file read. Policy documents are
	// rarely above a few megabytes; a PDF with embedded fonts and
	// pictures can reach tens.
	MaxFileBytes = 64 << 20
	// MaxTextBytes bounds the text taken from one file: the longest
	// yearly work plans are around 100 KB, so this only stops runaway
	// extraction (a table dump, a decompression bomb).
	MaxTextBytes = 8 << 20
)

// Readers are the readers Read tries, in order: binary formats with a
// magic number first, then markup, then plain text, which takes anything.
var Readers = []Reader{PDF{}, DOCX{}, DOC{}, MHTML{}, HTML{}, Text{}}

// Read detects the format of data from its content and reads it. Errors
// name the file and say what was wrong; they wrap ErrEmpty, ErrBinary,
// ErrEncoding, ErrNoTextLayer, ErrUnsupported, ErrCorrupt or ErrTooLarge.
func Read(ctx context.Context, name string, data []byte) (Extracted, error) {
	if len(data) > MaxFileBytes {
		return Extracted{}, fmt.Errorf("%s: %d bytes, more than the limit of %d: %w", name, len(data), MaxFileBytes, ErrTooLarge)
	}
	if err := ctx.Err(); err != nil {
		return Extracted{}, fmt.Errorf("%s: %w", name, err)
	}
	for _, r := range Readers {
		if r.Detect(name, data) {
			ex, err := r.Read(ctx, name, data)
			if err != nil {
				return Extracted{}, err
			}
			if len(ex.Text) > MaxTextBytes {
				ex.Text = truncateText(ex.Text, MaxTextBytes)
			}
			return ex, nil
		}
	}
	// Only reached for data Text does not take: recognised binaries.
	return Extracted{}, unsupported(name, data)
}

// unsupported names what a binary file looks like.
func unsupported(name string, data []byte) error {
	kind := sniffBinary(data)
	switch {
	case prefixAt(data, "PK\x03\x04"):
		kind = "a ZIP archive without word/document.xml (XLSX, PPTX, ODT or a plain archive; only DOCX is read)"
	case prefixAt(data, oleMagic):
		kind = "an OLE file without a WordDocument stream (an XLS or PPT?); only DOC and WPS texts are read"
	}
	if kind != "" {
		return fmt.Errorf("%s: looks like %s, which is not a document format read here (%w): %w", name, kind, ErrUnsupported, ErrBinary)
	}
	return fmt.Errorf("%s: not a document format read here: %w", name, ErrBinary)
}

// truncateText cuts s to at most n bytes at a line end.
func truncateText(s string, n int) string {
	s = s[:n]
	if i := strings.LastIndexByte(s, '\n'); i > 0 {
		return s[:i+1]
	}
	return strings.ToValidUTF8(s, "")
}

// hasExt reports whether name ends in one of exts (lower case, with dot).
func hasExt(name string, exts ...string) bool {
	ext := strings.ToLower(path.Ext(strings.ReplaceAll(name, `\`, "/")))
	for _, e := range exts {
		if ext == e {
			return true
		}
	}
	return false
}

// Extensions are the file name extensions of the formats read, for
// callers that pick document files out of a folder.
var Extensions = []string{".txt", ".html", ".htm", ".mht", ".mhtml", ".pdf", ".docx", ".doc", ".wps"}

// HasDocumentExt reports whether name has one of Extensions (any case).
func HasDocumentExt(name string) bool { return hasExt(name, Extensions...) }

// lines normalises text to "\n" line ends, trims each line, drops empty
// ones and returns the result with a final "\n".
func joinLines(lines []string) string {
	var b strings.Builder
	for _, l := range lines {
		l = analyzers.TrimSpace(l)
		if l == "" {
			continue
		}
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.String()
}

// setField keeps the first non-empty value of a field.
func setField(fields map[string]string, key, value string) {
	key, value = analyzers.StripSpaces(key), analyzers.TrimSpace(value)
	if key != "" && value != "" && fields[key] == "" {
		fields[key] = value
	}
}

// prefixAt reports whether data has prefix p at offset 0.
func prefixAt(data []byte, p string) bool { return bytes.HasPrefix(data, []byte(p)) }
