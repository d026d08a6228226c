package formats

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Scanned PDFs are common among the attachments of the genre (the signed
// and stamped copy of a notice and its plan). With Tesseract and its
// simplified-Chinese model installed, their pages are rendered by
// poppler's pdftoppm and recognised; without them a scan is refused with
// ErrNoTextLayer, naming the packages that would read it.

const (
	// ocrLanguage is Tesseract's model for simplified Chinese (Debian
	// package tesseract-ocr-chi-sim).
	ocrLanguage = "chi_sim"
	// ocrDPI is the resolution pages are rendered at: 200 dpi recognised
	// a scanned plan's body as well as 300 at half the time.
	ocrDPI = "200"
	// ocrMaxPages bounds the pages recognised, at about 6 s each on two
	// cores: a yearly plan runs to a dozen pages or two, and a longer scan
	// is cut there, within an upload's time (see server.DefaultWriteTimeout).
	ocrMaxPages = 30
	// ocrTimeout bounds the recognition of one scan.
	ocrTimeout = 10 * time.Minute
)

// RecognisedField is the field of an Extracted whose text was recognised
// from page images (a scan), naming the recogniser: such text may hold
// misread characters.
const RecognisedField = "文字识别"

// errNoOCR says why a scan could not be recognised on this machine.
var errNoOCR = errors.New("text recognition needs Debian's tesseract-ocr and tesseract-ocr-chi-sim, which are not installed")

// ocrAvailable reports whether tesseract and its Chinese model are
// installed (a missing pdftoppm is told when the pages are rendered).
func ocrAvailable(ctx context.Context) bool {
	out, _, err := runTool(ctx, nil, "tesseract", "--list-langs")
	if err != nil {
		return false
	}
	for _, l := range strings.Fields(string(out)) {
		if l == ocrLanguage {
			return true
		}
	}
	return false
}

// recognisePDF renders the pages of a scanned PDF and recognises their
// text, pages apart by form feeds as pdftotext writes them.
func recognisePDF(ctx context.Context, name string, data []byte) (string, error) {
	if !ocrAvailable(ctx) {
		return "", errNoOCR
	}
	ctx, cancel := context.WithTimeout(ctx, ocrTimeout)
	defer cancel()
	dir, err := os.MkdirTemp("", "policysearch-ocr-*")
	if err != nil {
		return "", fmt.Errorf("temporary folder: %w", err)
	}
	defer os.RemoveAll(dir)
	_, stderr, err := runTool(ctx, data, "pdftoppm", "-r", ocrDPI, "-gray", "-png", "-l", fmt.Sprint(ocrMaxPages), "{}", filepath.Join(dir, "page"))
	switch {
	case errors.Is(err, errToolMissing):
		return "", errNoOCR
	case err != nil:
		return "", fmt.Errorf("render the pages (%s): %w", firstLine(stderr), err)
	}
	pages, err := filepath.Glob(filepath.Join(dir, "page-*.png"))
	if err != nil {
		return "", fmt.Errorf("rendered pages: %w", err)
	}
	// pdftoppm pads page numbers to the width of the last: a plain sort
	// keeps their order.
	sort.Strings(pages)
	// Seconds a page: say so, or a build seems stuck on the file.
	slog.Info("recognising a scanned PDF", "file", name, "pages", len(pages))
	start := time.Now()
	defer func() {
		slog.Info("scanned PDF recognised", "file", name, "took", time.Since(start).Round(time.Millisecond))
	}()
	var text bytes.Buffer
	for i, page := range pages {
		out, stderr, err := runTool(ctx, nil, "tesseract", page, "stdout", "-l", ocrLanguage)
		if err != nil {
			if ctx.Err() != nil {
				return "", fmt.Errorf("recognise page %d: %w", i+1, ctx.Err())
			}
			return "", fmt.Errorf("recognise page %d (%s): %w", i+1, firstLine(stderr), err)
		}
		if i > 0 {
			text.WriteByte('\f')
		}
		text.Write(out)
	}
	return text.String(), nil
}
