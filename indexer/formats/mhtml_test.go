package formats

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"mime/quotedprintable"
	"strings"
	"testing"
)

// mhtmlOf wraps a saved page in a MIME message as browsers write one:
// Blink's layout (quoted-printable, the page first, "\n" line ends) or
// Internet Explorer's (base64 wrapped at 76 columns, a style sheet before
// the page, "\r\n" line ends).
func mhtmlOf(t *testing.T, page []byte, blink bool) []byte {
	t.Helper()
	const boundary = "----MultipartBoundary--Qx7Vr2"
	var b strings.Builder
	nl := "\r\n"
	if blink {
		nl = "\n"
	}
	line := func(s string) { b.WriteString(s + nl) }
	if blink {
		line("From: <Saved by Blink>")
		line("Snapshot-Content-Location: http://wjw.jiaxing.gov.cn/art/2020/5/6/art_1.html")
		line("Subject: =?utf-8?Q?=E5=98=89=E5=85=B4?=")
	} else {
		line("From: <Saved by Windows Internet Explorer 8>")
		line("Subject: page")
	}
	line("MIME-Version: 1.0")
	line("Content-Type: multipart/related;")
	line("\ttype=\"text/html\";")
	line("\tboundary=\"" + boundary + "\"")
	line("")
	if !blink {
		line("This is a multi-part message in MIME format.")
		line("")
		line("--" + boundary)
		line("Content-Type: text/css")
		line("Content-Location: http://wjw.jiaxing.gov.cn/style.css")
		line("")
		line("body { font-size: 14px }")
	}
	line("--" + boundary)
	line("Content-Type: text/html; charset=\"gb2312\"")
	line("Content-Location: http://wjw.jiaxing.gov.cn/art/2020/5/6/art_1.html")
	if blink {
		line("Content-Transfer-Encoding: quoted-printable")
		line("")
		var qp bytes.Buffer
		w := quotedprintable.NewWriter(&qp)
		if _, err := w.Write(page); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		b.WriteString(strings.ReplaceAll(qp.String(), "\r\n", "\n") + nl)
	} else {
		line("Content-Transfer-Encoding: base64")
		line("")
		enc := base64.StdEncoding.EncodeToString(page)
		for len(enc) > 76 {
			line(enc[:76])
			enc = enc[76:]
		}
		line(enc)
	}
	line("--" + boundary)
	line("Content-Type: image/png")
	line("Content-Transfer-Encoding: base64")
	line("")
	line(base64.StdEncoding.EncodeToString([]byte("\x89PNG\r\n\x1a\n")))
	line("--" + boundary + "--")
	return []byte(b.String())
}

// TestMHTML checks that a page saved as one file reads as the page itself:
// the same text and metadata table, whichever browser's layout.
func TestMHTML(t *testing.T) {
	page := fixture(t, "jiaxing-table.html")
	want, err := Read(context.Background(), "jiaxing-table.html", page)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		blink bool
	}{{"page.mhtml", true}, {"page.mht", false}} {
		t.Run(tt.name, func(t *testing.T) {
			data := mhtmlOf(t, page, tt.blink)
			for _, name := range []string{tt.name, "upload.bin"} {
				ex, err := Read(context.Background(), name, data)
				if err != nil {
					t.Fatalf("Read %s: %v", name, err)
				}
				if ex.Format != "mhtml" {
					t.Errorf("%s: format %q, want mhtml", name, ex.Format)
				}
				if ex.Text != want.Text {
					t.Errorf("%s: text differs from the page's:\n%s\nwant:\n%s", name, clipText(ex.Text), clipText(want.Text))
				}
				for k, v := range want.Fields {
					if ex.Fields[k] != v {
						t.Errorf("%s: field %s = %q, want %q", name, k, ex.Fields[k], v)
					}
				}
				if got := ex.Fields["网址"]; got != "http://wjw.jiaxing.gov.cn/art/2020/5/6/art_1.html" {
					t.Errorf("%s: 网址 = %q", name, got)
				}
			}
		})
	}
	t.Run("no page inside", func(t *testing.T) {
		data := "MIME-Version: 1.0\nContent-Type: multipart/related; boundary=\"b\"\n\n--b\nContent-Type: image/png\n\nx\n--b--\n"
		_, err := Read(context.Background(), "empty.mht", []byte(data))
		if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "empty.mht") || !strings.Contains(err.Error(), "text/html") {
			t.Errorf("error = %v, want ErrCorrupt naming the file and the missing text/html part", err)
		}
	})
}

// clipText is the start of a text, for failure messages.
func clipText(s string) string {
	r := []rune(s)
	return string(r[:min(len(r), 300)])
}
