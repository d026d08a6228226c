package server

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/policysearch/policysearch/indexer"
	"github.com/policysearch/policysearch/search"
)

const (
	// uploadField is the multipart field that carries the file.
	uploadField = "file"
	// defaultUploadName names a document sent without a name.
	defaultUploadName = "upload.txt"
	// maxFieldBytes bounds one metadata value.
	maxFieldBytes = 1 << 10
	// maxNameRunes bounds an uploaded file's name.
	maxNameRunes = 200
)

// metadataFields are the optional metadata an upload may carry; given
// values override what is read from the text.
var metadataFields = []string{"city", "province", "county", "level", "year", "doc_type", "issuer", "doc_number", "title"}

// rawUploadTypes are the media types of a body that is the file itself;
// the format is then told from the content, whatever the type says.
var rawUploadTypes = []string{
	echo.MIMETextPlain, echo.MIMETextHTML, "application/pdf", "application/msword",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"application/vnd.ms-works", "application/octet-stream",
}

// ingestResponse is the body of a successful upload.
type ingestResponse struct {
	// Replaced is true when the same content was already indexed: the
	// upload replaced it instead of adding a copy.
	Replaced bool `json:"replaced"`
	// DryRun is true when the document was read but not added
	// (?dry_run=true): what the server makes of the file, to be checked.
	DryRun   bool                 `json:"dry_run,omitempty"`
	Document *search.DocumentView `json:"document"`
}

// upload answers POST /api/documents: a multipart form with the file in
// field "file", or the file as the body (text, HTML, PDF, DOCX, DOC/WPS;
// see rawUploadTypes) named by ?name=. Metadata comes in
// form fields or query parameters. 201 when the document is new, 200 when
// the same content was already there. With dry_run=true the file is read
// and answered with 200 but not added.
func (s *Server) upload(c echo.Context) error {
	q, err := queryParams(c)
	if err != nil {
		return err
	}
	dryRun, err := boolParam(q, "dry_run", false)
	if err != nil {
		return err
	}
	up, err := s.readUpload(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if dryRun {
		view, err := s.eng().Preview(ctx, up)
		if err != nil {
			if search.IsBadRequest(err) {
				return decodeError(err)
			}
			return fmt.Errorf("preview %s: %w", up.Name, err)
		}
		return c.JSON(http.StatusOK, ingestResponse{DryRun: true, Document: view})
	}
	doc, replaced, err := s.eng().Ingest(ctx, up)
	if err != nil {
		if search.IsBadRequest(err) {
			// The response names the problem: empty, binary, wrong
			// encoding, or no document in the text.
			return decodeError(err)
		}
		return fmt.Errorf("ingest %s: %w", up.Name, err)
	}
	// Reading it back answers with what searches will see.
	view, err := s.eng().Document(ctx, doc.ID)
	if err != nil {
		return fmt.Errorf("read back document %s: %w", doc.ID, err)
	}
	s.log.InfoContext(ctx, "document ingested", "request_id", requestIDOf(c), "id", doc.ID,
		"file", up.Name, "provisions", len(view.Provisions), "replaced", replaced)
	status := http.StatusCreated
	if replaced {
		status = http.StatusOK
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/documents/"+url.PathEscape(doc.ID))
	return c.JSON(status, ingestResponse{Replaced: replaced, Document: view})
}

// deleteDocument answers DELETE /api/documents/{id} with 204.
func (s *Server) deleteDocument(c echo.Context) error {
	if err := noParams(c); err != nil {
		return err
	}
	id := c.Param("id")
	if err := s.eng().Delete(c.Request().Context(), id); err != nil {
		return notFound(err, "document", id)
	}
	s.log.InfoContext(c.Request().Context(), "document deleted", "request_id", requestIDOf(c), "id", id)
	return c.NoContent(http.StatusNoContent)
}

// readUpload reads the file and its metadata from either kind of body.
func (s *Server) readUpload(c echo.Context) (search.Upload, error) {
	var up search.Upload
	fields := map[string]string{}
	q, err := queryParams(c)
	if err != nil {
		return up, err
	}
	for k, vs := range q {
		if k == "dry_run" {
			continue // read by upload
		}
		if k != "name" && !slices.Contains(metadataFields, k) {
			return up, newError(http.StatusBadRequest, codeUnknownParameter, k,
				"unknown parameter %q (known: name, dry_run, %s)", k, strings.Join(metadataFields, ", "))
		}
		if len(vs) > 1 {
			return up, newError(http.StatusBadRequest, codeBadParameter, k, "parameter %q given %d times; give it once", k, len(vs))
		}
		fields[k] = vs[0]
	}
	name := fields["name"]
	delete(fields, "name")

	switch mt := mediaType(c); {
	case slices.Contains(rawUploadTypes, mt):
		data, err := readLimited(c.Request().Body, s.cfg.MaxUploadBytes)
		if err != nil {
			return up, err
		}
		up.Data = data
	case mt == echo.MIMEMultipartForm:
		mr, err := c.Request().MultipartReader()
		if err != nil {
			return up, &apiError{Status: http.StatusBadRequest, Code: codeBadUpload, Message: "malformed multipart body: " + err.Error(), Err: err}
		}
		fileName, data, err := s.readParts(mr, fields)
		if err != nil {
			return up, err
		}
		up.Data = data
		if name == "" {
			name = fileName
		}
	default:
		return up, newError(http.StatusUnsupportedMediaType, codeUnsupportedType, "",
			"content type %q not accepted; send multipart/form-data with the file in field %q, or the file as the body (text/plain, text/html, application/pdf, DOCX, application/msword, application/octet-stream)",
			c.Request().Header.Get(echo.HeaderContentType), uploadField)
	}

	if up.Name, err = uploadName(name); err != nil {
		return up, err
	}
	if up.Metadata, err = metadata(fields); err != nil {
		return up, err
	}
	up.Metadata.File = up.Name
	return up, nil
}

// readParts reads a multipart body: the file, and metadata fields into
// fields (a form field overrides a query parameter).
func (s *Server) readParts(mr *multipart.Reader, fields map[string]string) (fileName string, data []byte, err error) {
	seen := false
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", nil, bodyError(err, "malformed multipart body")
		}
		field := part.FormName()
		switch {
		case field == uploadField:
			if seen {
				return "", nil, newError(http.StatusBadRequest, codeBadUpload, uploadField, "more than one file; upload one document per request")
			}
			seen = true
			fileName = part.FileName()
			if data, err = readLimited(part, s.cfg.MaxUploadBytes); err != nil {
				return "", nil, err
			}
		case slices.Contains(metadataFields, field):
			v, err := io.ReadAll(io.LimitReader(part, maxFieldBytes+1))
			if err != nil {
				return "", nil, bodyError(err, "malformed multipart body")
			}
			if len(v) > maxFieldBytes {
				return "", nil, newError(http.StatusBadRequest, codeBadParameter, field, "field %q longer than %d bytes", field, maxFieldBytes)
			}
			fields[field] = string(v)
		default:
			return "", nil, newError(http.StatusBadRequest, codeUnknownParameter, field,
				"unknown form field %q (known: %s, %s)", field, uploadField, strings.Join(metadataFields, ", "))
		}
		_ = part.Close()
	}
	if !seen {
		return "", nil, newError(http.StatusBadRequest, codeBadUpload, uploadField, "no file: send it in form field %q", uploadField)
	}
	return fileName, data, nil
}

// readLimited reads r whole, refusing more than limit bytes with 413.
func readLimited(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, bodyError(err, "reading the body failed")
	}
	if int64(len(data)) > limit {
		return nil, newError(http.StatusRequestEntityTooLarge, codeTooLarge, uploadField, "file larger than the limit of %d bytes", limit)
	}
	return data, nil
}

// bodyError classifies a failure to read the body: over the limit (413),
// or malformed (400).
func bodyError(err error, msg string) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return err
	}
	return &apiError{Status: http.StatusBadRequest, Code: codeBadUpload, Message: msg + ": " + err.Error(), Err: err}
}

// uploadName keeps the base name of what the client calls its file.
func uploadName(name string) (string, error) {
	name = strings.TrimSpace(path.Base(strings.ReplaceAll(name, `\`, "/")))
	if name == "" || name == "." || name == "/" {
		return defaultUploadName, nil
	}
	if !utf8.ValidString(name) || strings.ContainsFunc(name, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return "", newError(http.StatusBadRequest, codeBadParameter, "name", "file name must be printable UTF-8")
	}
	if utf8.RuneCountInString(name) > maxNameRunes {
		return "", newError(http.StatusBadRequest, codeBadParameter, "name", "file name longer than %d characters", maxNameRunes)
	}
	return name, nil
}

// metadata turns the given fields into a manifest entry.
func metadata(fields map[string]string) (indexer.ManifestEntry, error) {
	var m indexer.ManifestEntry
	for k, v := range fields {
		v = strings.TrimSpace(v)
		if !utf8.ValidString(v) {
			return m, newError(http.StatusBadRequest, codeBadParameter, k, "%s must be UTF-8 text", k)
		}
		switch k {
		case "city":
			m.City = v
		case "province":
			m.Province = v
		case "county":
			m.County = v
		case "level":
			m.Level = v
		case "doc_type":
			m.DocType = v
		case "issuer":
			m.Issuer = v
		case "doc_number":
			m.DocNumber = v
		case "title":
			m.Title = v
		case "year":
			if v == "" {
				continue
			}
			from, to, err := search.ParseYearRange(v)
			if err != nil || from != to {
				return m, newError(http.StatusBadRequest, codeBadParameter, "year", "year %q is not a single four-digit year", v)
			}
			m.Year = from
		}
	}
	return m, nil
}

// decodeError names what is wrong with an upload that is not a usable
// document: empty, binary, wrong encoding, a scanned PDF, a damaged file,
// a format (or a converter) not available, or no document in the text.
func decodeError(err error) error {
	status := http.StatusUnprocessableEntity
	switch {
	case errors.Is(err, indexer.ErrEmpty):
		return &apiError{Status: status, Code: codeEmptyFile, Field: uploadField, Message: err.Error(), Err: err}
	case errors.Is(err, indexer.ErrBinary):
		return &apiError{Status: status, Code: codeBinaryFile, Field: uploadField, Message: err.Error(), Err: err}
	case errors.Is(err, indexer.ErrEncoding):
		return &apiError{Status: status, Code: codeBadEncoding, Field: uploadField,
			Message: err.Error() + " (send UTF-8 or GB18030/GBK text)", Err: err}
	case errors.Is(err, indexer.ErrNoTextLayer):
		return &apiError{Status: status, Code: codeNoTextLayer, Field: uploadField,
			Message: err.Error() + " (send a PDF with text, or the document as DOCX or text)", Err: err}
	case errors.Is(err, indexer.ErrCorrupt):
		return &apiError{Status: status, Code: codeCorruptFile, Field: uploadField, Message: err.Error(), Err: err}
	case errors.Is(err, indexer.ErrUnsupported):
		return &apiError{Status: status, Code: codeUnsupportedFormat, Field: uploadField,
			Message: err.Error() + " (formats read: text, HTML, PDF, DOCX, DOC, WPS)", Err: err}
	case errors.Is(err, indexer.ErrTooLarge):
		return &apiError{Status: http.StatusRequestEntityTooLarge, Code: codeTooLarge, Field: uploadField, Message: err.Error(), Err: err}
	}
	return &apiError{Status: status, Code: codeUnparseable, Field: uploadField,
		Message: "the text holds no document to index: " + err.Error(), Err: err}
}
