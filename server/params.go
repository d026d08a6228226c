package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/policysearch/policysearch/search"
)

// Query parameters besides the facet filters, per endpoint.
var (
	searchParams = []string{"q", "page", "size", "sort",
		"mode", "expand"}
	similarParams = []string{"size", "exclude_same_doc"}
)

// queryParams parses the query string strictly: echo's own parsing drops
// malformed pairs (a bad escape, a semicolon) silently, which would turn a
// mistyped filter into no filter.
func queryParams(c echo.Context) (url.Values, error) {
	q, err := url.ParseQuery(c.Request().URL.RawQuery)
	if err != nil {
		return nil, &apiError{Status: http.StatusBadRequest, Code: codeBadParameter,
			Message: "malformed query string: " + err.Error(), Err: err}
	}
	return q, nil
}

// filtersFrom reads the facet filters of a query string and rejects any
// parameter that is neither a facet nor one of known. A facet may repeat
// (OR within it); the other parameters may not.
func filtersFrom(q url.Values, known []string) (search.Filters, error) {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slices.Sort(keys) // the same request always names the same culprit
	f := search.Filters{}
	for _, k := range keys {
		switch {
		case slices.Contains(search.FacetNames, k):
			f.Add(k, q[k]...)
		case slices.Contains(known, k):
			if len(q[k]) > 1 {
				return nil, newError(http.StatusBadRequest, codeBadParameter, k, "parameter %q given %d times; give it once", k, len(q[k]))
			}
		default:
			return nil, newError(http.StatusBadRequest, codeUnknownFacet, k,
				"unknown facet or parameter %q (facets: %s; parameters: %s)",
				k, strings.Join(search.FacetNames, ", "), strings.Join(known, ", "))
		}
	}
	return f, nil
}

// intParam reads an optional positive integer parameter; 0 means absent.
func intParam(q url.Values, name string) (int, error) {
	v := q.Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return 0, newError(http.StatusBadRequest, codeBadParameter, name, "%s %q is not a whole number", name, v)
	}
	if n < 1 {
		return 0, newError(http.StatusBadRequest, codeBadParameter, name, "%s must be 1 or more", name)
	}
	return n, nil
}

// pageParams reads a listing's optional page and size; 0 means absent.
func pageParams(q url.Values) (page, size int, err error) {
	if page, err = intParam(q, "page"); err != nil {
		return 0, 0, err
	}
	if size, err = intParam(q, "size"); err != nil {
		return 0, 0, err
	}
	return page, size, nil
}

// boolParam reads an optional boolean parameter.
func boolParam(q url.Values, name string, def bool) (bool, error) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, newError(http.StatusBadRequest, codeBadParameter, name, "%s %q is not true or false", name, v)
	}
	return b, nil
}

// mediaType returns the request's content type without parameters.
func mediaType(c echo.Context) string {
	mt, _, err := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	if err != nil {
		return ""
	}
	return strings.ToLower(mt)
}

// decodeJSON reads a JSON body of exactly one object into v, refusing
// other content types, unknown fields and trailing data.
func decodeJSON(c echo.Context, v any) error {
	if mt := mediaType(c); mt != echo.MIMEApplicationJSON {
		return newError(http.StatusUnsupportedMediaType, codeUnsupportedType, "",
			"content type %q not accepted; send application/json", c.Request().Header.Get(echo.HeaderContentType))
	}
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		if err != nil {
			if je := jsonError(err); je.Code == codeTooLarge {
				return je
			}
		}
		return newError(http.StatusBadRequest, codeBadJSON, "", "body holds more than one JSON value")
	}
	return nil
}

func jsonError(err error) *apiError {
	var (
		mbe *http.MaxBytesError
		se  *json.SyntaxError
		te  *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &mbe):
		return classify(err)
	case errors.Is(err, io.EOF):
		return newError(http.StatusBadRequest, codeBadJSON, "", "empty body; send a JSON object")
	case errors.As(err, &se):
		return &apiError{Status: http.StatusBadRequest, Code: codeBadJSON, Message: fmt.Sprintf("malformed JSON at byte %d: %v", se.Offset, se), Err: err}
	case errors.As(err, &te):
		return &apiError{Status: http.StatusBadRequest, Code: codeBadJSON, Field: te.Field,
			Message: fmt.Sprintf("field %q must be %s, not a JSON %s", te.Field, te.Type, te.Value), Err: err}
	}
	// Unknown fields and truncated bodies: encoding/json's message says which.
	return &apiError{Status: http.StatusBadRequest, Code: codeBadJSON, Message: "bad JSON body: " + err.Error(), Err: err}
}
