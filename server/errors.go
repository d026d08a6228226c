package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/policysearch/policysearch/search"
)

// Error codes of the JSON error body. Clients branch on these, not on the
// message.
const (
	codeBadQuery          = "bad_query"          // malformed query syntax
	codeBadParameter      = "bad_parameter"      // a parameter with a bad value
	codeUnknownFacet      = "unknown_facet"      // an unknown filter or search parameter
	codeUnknownParameter  = "unknown_parameter"  // a parameter the endpoint does not take
	codeBadJSON           = "bad_json"           // a JSON body that does not decode
	codeBadUpload         = "bad_upload"         // a malformed upload request
	codeEmptyFile         = "empty_file"         // an upload without text
	codeBinaryFile        = "binary_file"        // an upload that is not text
	codeBadEncoding       = "bad_encoding"       // an upload neither UTF-8 nor GB18030
	codeUnparseable       = "unparseable"        // text that holds no provision
	codeNoTextLayer       = "no_text_layer"      // a scanned PDF
	codeCorruptFile       = "corrupt_file"       // a damaged PDF, DOCX or DOC
	codeUnsupportedFormat = "unsupported_format" // a format not read here
	codeNotFound          = "not_found"          // unknown id or route
	codeMethodNotAllowed  = "method_not_allowed" // known route, other method
	codeTooLarge          = "body_too_large"     // body over the limit
	codeUnsupportedType   = "unsupported_media_type"
	codeUnauthorized      = "unauthorized"    // missing or wrong token
	codeWritesDisabled    = "writes_disabled" // no token configured
	codeNotReady          = "not_ready"       // index not open yet
	codeTimeout           = "timeout"         // request deadline passed
	codeInternal          = "internal"        // a bug
)

// apiError is an error with its HTTP status and code, for failures the
// handlers classify themselves.
type apiError struct {
	Status  int
	Code    string
	Message string
	// Field names the offending parameter or body field, when one does.
	Field string
	Err   error
}

func (e *apiError) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *apiError) Unwrap() error { return e.Err }

func newError(status int, code, field, format string, args ...any) *apiError {
	return &apiError{Status: status, Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// errorBody is the JSON shape of every error response.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// errNotReady is returned by /api/* until the index is open.
var errNotReady = newError(http.StatusServiceUnavailable, codeNotReady, "", "the index is not ready yet; retry shortly")

// handleError is the one place errors become responses.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		s.log.Warn("error after response started", "request_id", requestIDOf(c), "err", err)
		return
	}
	ae := classify(err)
	if ae.Status >= 500 && ae.Code != codeNotReady && ae.Code != codeTimeout {
		s.log.Error("request failed", "request_id", requestIDOf(c), "method", c.Request().Method,
			"path", c.Request().URL.Path, "err", err)
	}
	if ae.Status == http.StatusUnauthorized {
		c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="policysearch"`)
	}
	body := errorBody{Error: errorDetail{Code: ae.Code, Message: ae.Message, Field: ae.Field}}
	var werr error
	if c.Request().Method == http.MethodHead {
		werr = c.NoContent(ae.Status)
	} else {
		werr = c.JSON(ae.Status, body)
	}
	if werr != nil {
		s.log.Warn("write error response", "request_id", requestIDOf(c), "err", werr)
	}
}

// classify maps an error from a handler, middleware or the engine to its
// status, code and a message safe to show.
func classify(err error) *apiError {
	var (
		ae  *apiError
		he  *echo.HTTPError
		mbe *http.MaxBytesError
		qe  *search.QueryError
		re  *search.RequestError
	)
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.As(err, &mbe):
		return newError(http.StatusRequestEntityTooLarge, codeTooLarge, "", "request body larger than %d bytes", mbe.Limit)
	case errors.As(err, &he):
		return fromHTTPError(he)
	case errors.As(err, &qe):
		return &apiError{Status: http.StatusBadRequest, Code: codeBadQuery, Field: "q", Message: qe.Error()}
	case errors.As(err, &re):
		code := codeBadParameter
		if strings.HasPrefix(re.Msg, "unknown filter") {
			code = codeUnknownFacet
		}
		return &apiError{Status: http.StatusBadRequest, Code: code, Field: re.Field, Message: re.Error()}
	case search.IsNotFound(err):
		return &apiError{Status: http.StatusNotFound, Code: codeNotFound, Message: "not found"}
	case errors.Is(err, context.DeadlineExceeded):
		return newError(http.StatusServiceUnavailable, codeTimeout, "", "the request took too long and was stopped")
	case errors.Is(err, context.Canceled):
		// The client went away; nobody reads this, but the log shows a status.
		return newError(http.StatusServiceUnavailable, codeTimeout, "", "the request was cancelled")
	}
	return newError(http.StatusInternalServerError, codeInternal, "", "internal error")
}

func fromHTTPError(he *echo.HTTPError) *apiError {
	msg, ok := he.Message.(string)
	if !ok || msg == "" {
		msg = strings.ToLower(http.StatusText(he.Code))
	}
	code := "http_" + fmt.Sprint(he.Code)
	switch he.Code {
	case http.StatusNotFound:
		code, msg = codeNotFound, "no such route"
	case http.StatusMethodNotAllowed:
		code, msg = codeMethodNotAllowed, "method not allowed on this route"
	case http.StatusRequestEntityTooLarge:
		code = codeTooLarge
	case http.StatusUnsupportedMediaType:
		code = codeUnsupportedType
	case http.StatusServiceUnavailable:
		code = codeTimeout
	}
	return &apiError{Status: he.Code, Code: code, Message: msg, Err: he.Internal}
}
