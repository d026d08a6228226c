package formats

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// oleMagic starts every OLE compound file (DOC, XLS, PPT, WPS, MSG…).
const oleMagic = "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

// wordStream is the name of the Word text stream in an OLE directory,
// in UTF-16LE as stored there. Kingsoft WPS text files (.wps) of WPS 2005
// and later are the same Word binary format and have it too.
var wordStream = []byte("W\x00o\x00r\x00d\x00D\x00o\x00c\x00u\x00m\x00e\x00n\x00t\x00")

// DOC reads Word 97–2003 files and Kingsoft WPS texts with catdoc, or
// with antiword when catdoc is not installed or gives nothing.
type DOC struct{}

// Format implements Reader.
func (DOC) Format() string { return "doc" }

// Detect implements Reader: an OLE file with a WordDocument stream, or an
// OLE file named .doc or .wps (read then reports what is wrong).
func (DOC) Detect(name string, data []byte) bool {
	if !prefixAt(data, oleMagic) {
		return false
	}
	return bytes.Contains(data, wordStream) || hasExt(name, ".doc", ".wps")
}

// Read implements Reader.
func (DOC) Read(ctx context.Context, name string, data []byte) (Extracted, error) {
	format := "doc"
	if hasExt(name, ".wps") {
		format = "wps"
	}
	if !bytes.Contains(data, wordStream) {
		return Extracted{}, fmt.Errorf("%s: an OLE file without a WordDocument stream (an XLS or PPT, or a WPS file older than WPS 2005?); only Word and WPS texts are read: %w", name, ErrUnsupported)
	}
	// catdoc reads the 8-bit text of old Chinese Word files through
	// their code page; antiword maps 8-bit text as Western, so it
	// comes second.
	var errs []string
	missing := 0
	for _, tool := range []struct {
		name string
		args []string
	}{
		{"catdoc", []string{"-d", "utf-8", "-w", "{}"}},
		{"antiword", []string{"-m", "UTF-8.txt", "-w", "0", "{}"}},
	} {
		out, stderr, err := runTool(ctx, data, tool.name, tool.args...)
		switch {
		case errors.Is(err, errToolMissing):
			missing++
			continue
		case ctx.Err() != nil:
			return Extracted{}, fmt.Errorf("%s: reading the %s file: %w", name, strings.ToUpper(format), ctx.Err())
		case err != nil:
			errs = append(errs, fmt.Sprintf("%s: %s", tool.name, firstLine(stderr)))
			continue
		}
		if bytes.Contains(stderr, []byte("Broken OLE")) || bytes.Contains(stderr, []byte("not a Word Document")) {
			errs = append(errs, fmt.Sprintf("%s: %s", tool.name, firstLine(stderr)))
			continue
		}
		if !utf8.Valid(out) {
			out = bytes.ToValidUTF8(out, []byte("\ufffd"))
		}
		var lines []string
		for _, l := range strings.Split(strings.ReplaceAll(string(out), "\r", "\n"), "\n") {
			// Page breaks and field marks come out as control bytes.
			l = strings.Map(func(r rune) rune {
				if r < 0x20 && r != '\t' {
					return -1
				}
				return r
			}, l)
			lines = append(lines, tidyLine(l))
		}
		if text := joinLines(lines); text != "" {
			return Extracted{Format: format, Text: text}, nil
		}
		return Extracted{}, fmt.Errorf("%s: the %s file holds no text: %w", name, strings.ToUpper(format), ErrEmpty)
	}
	if missing == 2 {
		return Extracted{}, fmt.Errorf("%s: %s files need the catdoc program (Debian package catdoc; antiword works too), which is not installed: %w",
			name, strings.ToUpper(format), ErrUnsupported)
	}
	return Extracted{}, fmt.Errorf("%s: could not read the %s file (%s): %w", name, strings.ToUpper(format), strings.Join(errs, "; "), ErrCorrupt)
}
