package server

import (
	"context"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/policysearch/policysearch/indexer"
	"github.com/policysearch/policysearch/search"
	"github.com/policysearch/policysearch/server/export"
)

// exportParams are the parameters of GET /api/search/export besides the
// facet filters: those of a search without its paging, and the format.
var exportParams = []string{"q", "sort", "mode", "expand", "format"}

// Headers of an export's response.
const (
	headerTotalCount      = "X-Total-Count"      // provisions the search finds
	headerExportRows      = "X-Export-Rows"      // rows the file holds
	headerExportTruncated = "X-Export-Truncated" // true when the cap cut the list
)

// exportSearch answers GET /api/search/export: every hit of a search, in
// rank order up to the cap, as CSV or XLSX. CSV is streamed a page of hits
// at a time; XLSX rows go to excelize's stream writer (a temporary file
// beyond 16 MiB) and the file is sent when complete, a zip being
// unreadable before its end.
func (s *Server) exportSearch(c echo.Context) error {
	q, err := queryParams(c)
	if err != nil {
		return err
	}
	filters, err := filtersFrom(q, exportParams)
	if err != nil {
		return err
	}
	format, err := exportFormat(q.Get("format"), c.Request().Header.Get(echo.HeaderAccept))
	if err != nil {
		return err
	}
	expand, err := boolParam(q, "expand", true)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	req := search.Request{Query: q.Get("q"), Filters: filters, Sort: q.Get("sort"), Mode: q.Get("mode"),
		NoExpand: !expand, NoCache: strings.Contains(c.Request().Header.Get("Cache-Control"), "no-cache")}
	base := c.Scheme() + "://" + c.Request().Host
	x, err := export.StartSearch(ctx, queuedSource{s: s, e: s.eng()}, req, s.cfg.ExportMaxRows, base)
	if err != nil {
		return err
	}

	// Headers go out with the first byte, so that a failure before it is
	// still an ordinary JSON error rather than a file named .xlsx.
	name := export.FileName(req.Query, time.Now(), format)
	w := &lazyHeader{c: c, set: func(h http.Header) {
		h.Set(echo.HeaderContentType, format.MediaType())
		h.Set(echo.HeaderContentDisposition, contentDisposition(name, export.FileName(asciiOnly(req.Query), time.Now(), format)))
		h.Set("Cache-Control", "no-store")
		h.Set(headerTotalCount, strconv.Itoa(x.Total))
		h.Set(headerExportRows, strconv.Itoa(x.Rows))
		h.Set(headerExportTruncated, strconv.FormatBool(x.Truncated))
		h.Set("Access-Control-Expose-Headers", strings.Join([]string{headerTotalCount, headerExportRows, headerExportTruncated, echo.HeaderContentDisposition}, ", "))
	}}
	t, err := export.NewTable(format, w, export.SearchSheet, export.SearchColumns)
	if err != nil {
		return s.exportFailed(c, err)
	}
	n, err := x.Write(ctx, t)
	if err != nil {
		t.Discard()
		return s.exportFailed(c, err)
	}
	if err := t.Close(); err != nil {
		return s.exportFailed(c, err)
	}
	if !c.Response().Committed {
		w.commit() // written by nothing: cannot happen, a table has a header
	}
	if n < x.Rows {
		s.log.Warn("export ended short: the index changed while it was read", "request_id", requestIDOf(c), "rows", n, "expected", x.Rows)
	}
	return nil
}

// exportFailed hands a failure to the error handler while nothing is sent
// yet. Once the file has begun, the connection is cut instead, so that the
// client sees a failed download rather than a file that looks complete.
func (s *Server) exportFailed(c echo.Context, err error) error {
	if !c.Response().Committed {
		return err
	}
	s.log.Warn("export failed after the response began; connection cut", "request_id", requestIDOf(c),
		"uri", c.Request().RequestURI, "err", err)
	panic(http.ErrAbortHandler)
}

// exportFormat reads the format parameter, or, without it, the Accept
// header (text/csv or the XLSX media type); CSV otherwise.
func exportFormat(param, accept string) (export.Format, error) {
	if param != "" {
		f, err := export.ParseFormat(param)
		if err != nil {
			return "", newError(http.StatusBadRequest, codeBadParameter, "format", "format %q is not csv or xlsx", param)
		}
		return f, nil
	}
	for _, part := range strings.Split(accept, ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mt {
		case "text/csv":
			return export.CSV, nil
		case export.MediaTypeXLSX:
			return export.XLSX, nil
		}
	}
	return export.CSV, nil
}

// contentDisposition names the file of an attachment: filename* in UTF-8
// (RFC 6266, RFC 5987) for the browsers of today, filename in ASCII for
// older clients.
func contentDisposition(name, fallback string) string {
	var b strings.Builder
	for _, c := range []byte(name) {
		if isAttrChar(c) {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, fallback, b.String())
}

// isAttrChar reports whether c may stand unescaped in an RFC 5987 value.
func isAttrChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0
}

// asciiOnly keeps the ASCII letters and digits of s, other characters
// becoming spaces, for a file name that any client takes.
func asciiOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x80 && isAttrChar(byte(r)) {
			return r
		}
		return ' '
	}, s)
}

// lazyHeader sets a response's headers and status when the first byte is
// written.
type lazyHeader struct {
	c   echo.Context
	set func(http.Header)
}

func (w *lazyHeader) commit() {
	res := w.c.Response()
	if !res.Committed {
		w.set(res.Header())
		res.WriteHeader(http.StatusOK)
	}
}

func (w *lazyHeader) Write(p []byte) (int, error) {
	w.commit()
	return w.c.Response().Write(p)
}

// Flush sends what has been written on to the client.
func (w *lazyHeader) Flush() {
	if w.c.Response().Committed {
		w.c.Response().Flush()
	}
}

// queuedSource is the engine as an export reads it: each page of hits
// waits its turn among the queries being worked on (see queue), so that a
// long export never holds a worker from other searches for its whole length.
type queuedSource struct {
	s *Server
	e *search.Engine
}

func (q queuedSource) Search(ctx context.Context, r search.Request) (*search.Response, error) {
	select {
	case q.s.turns <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-q.s.turns }()
	return q.e.Search(ctx, r)
}

func (q queuedSource) DocumentInfos(ctx context.Context, ids []string) (map[string]indexer.DocumentInfo, error) {
	return q.e.DocumentInfos(ctx, ids)
}
