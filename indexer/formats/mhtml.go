package formats

import (
	"bytes"
	"cmp"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"regexp"
	"strings"
)

// MHTML reads a web page saved as one file (.mht, .mhtml): what a browser
// writes for "save as single file", and what offices mail and archive. It
// is a MIME message whose first text/html part is the page; the images and
// style sheets beside it hold no text. The page is read as HTML is.
type MHTML struct{}

// Format implements Reader.
func (MHTML) Format() string { return "mhtml" }

// mhtmlHeadRe matches the MIME header of a saved page: a multipart/related
// content type among the first headers.
var mhtmlHeadRe = regexp.MustCompile(`(?is)^(?:\xef\xbb\xbf)?(?:[\w-]+:[^\n]*\n(?:[ \t][^\n]*\n)*)*?content-type:\s*multipart/related`)

// Detect implements Reader: a MIME header opening with multipart/related,
// or a .mht/.mhtml name on a MIME message.
func (MHTML) Detect(name string, data []byte) bool {
	head := bytes.ReplaceAll(data[:min(len(data), 4096)], []byte("\r\n"), []byte("\n"))
	if mhtmlHeadRe.Match(head) {
		return true
	}
	return hasExt(name, ".mht", ".mhtml") && bytes.Contains(bytes.ToLower(head), []byte("mime-version:"))
}

// Read implements Reader.
func (MHTML) Read(ctx context.Context, name string, data []byte) (Extracted, error) {
	page, location, err := mhtmlPage(data)
	if err != nil {
		return Extracted{}, fmt.Errorf("%s: %w: %w", name, err, ErrCorrupt)
	}
	ex, err := HTML{}.Read(ctx, name, page)
	if err != nil {
		return Extracted{}, err
	}
	ex.Format = MHTML{}.Format()
	if location != "" {
		if ex.Fields == nil {
			ex.Fields = map[string]string{}
		}
		setField(ex.Fields, "网址", location)
	}
	return ex, nil
}

// mhtmlPage returns the first text/html part of a saved page, its transfer
// encoding undone, and the address it was saved from.
func mhtmlPage(data []byte) (page []byte, location string, err error) {
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return nil, "", fmt.Errorf("read the MIME header: %w", err)
	}
	location = cmp.Or(msg.Header.Get("Snapshot-Content-Location"), msg.Header.Get("Content-Location"))
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		return nil, "", fmt.Errorf("content type: %w", err)
	}
	if !strings.HasPrefix(mt, "multipart/") {
		if mt == "text/html" {
			body, err := decodePart(msg.Body, msg.Header.Get("Content-Transfer-Encoding"))
			return body, location, err
		}
		return nil, "", fmt.Errorf("content type %s holds no page", mt)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, "", errors.New("no text/html part")
		}
		if err != nil {
			return nil, "", fmt.Errorf("MIME parts: %w", err)
		}
		if pt, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type")); pt != "text/html" {
			continue
		}
		// The multipart reader undoes quoted-printable itself and drops
		// the header; base64 is left to us.
		body, err := decodePart(part, part.Header.Get("Content-Transfer-Encoding"))
		if err != nil {
			return nil, "", err
		}
		if location == "" {
			location = part.Header.Get("Content-Location")
		}
		return body, location, nil
	}
}

// decodePart reads a MIME body in its transfer encoding. A part the
// multipart reader already decoded has no encoding header left.
func decodePart(r io.Reader, encoding string) ([]byte, error) {
	if strings.EqualFold(strings.TrimSpace(encoding), "base64") {
		r = base64.NewDecoder(base64.StdEncoding, r) // line ends are skipped
	}
	body, err := io.ReadAll(io.LimitReader(r, MaxFileBytes))
	if err != nil {
		return nil, fmt.Errorf("read the page part: %w", err)
	}
	return body, nil
}
