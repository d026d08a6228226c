package server

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/policysearch/policysearch/search"
)

// eng returns the engine; requireEngine has checked that there is one.
func (s *Server) eng() *search.Engine { return s.engine.Load() }

// healthz says the process is alive; it does not depend on the index.
func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// readyResponse is the body of a ready /readyz.
type readyResponse struct {
	Status     string `json:"status"`
	Documents  int    `json:"documents"`
	Provisions int    `json:"provisions"`
}

// readyz says whether the index is open and answering.
func (s *Server) readyz(c echo.Context) error {
	if s.draining.Load() {
		return newError(http.StatusServiceUnavailable, codeNotReady, "", "shutting down")
	}
	e := s.engine.Load()
	if e == nil {
		return errNotReady
	}
	docs, provs, err := e.Store().DocCount(c.Request().Context())
	if err != nil {
		return &apiError{Status: http.StatusServiceUnavailable, Code: codeNotReady, Message: "the index does not answer", Err: err}
	}
	return c.JSON(http.StatusOK, readyResponse{Status: "ready", Documents: docs, Provisions: provs})
}

// search answers GET /api/search.
func (s *Server) search(c echo.Context) error {
	q, err := queryParams(c)
	if err != nil {
		return err
	}
	filters, err := filtersFrom(q, searchParams)
	if err != nil {
		return err
	}
	page, err := intParam(q, "page")
	if err != nil {
		return err
	}
	if page > search.MaxWindow {
		// Caught here because page × size could overflow further on.
		return newError(http.StatusBadRequest, codeBadParameter, "page",
			"page × size may not exceed %d; narrow the query or add filters", search.MaxWindow)
	}
	size, err := intParam(q, "size")
	if err != nil {
		return err
	}
	expand, err := boolParam(q, "expand", true)
	if err != nil {
		return err
	}
	res, err := s.eng().Search(c.Request().Context(), search.Request{
		Query: q.Get("q"), Filters: filters, Page: page, Size: size, Sort: q.Get("sort"),
		NoExpand: !expand, Mode: q.Get("mode"),
		// no-cache asks for a fresh search, as it asks a cache to revalidate.
		NoCache: strings.Contains(c.Request().Header.Get("Cache-Control"), "no-cache"),
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}

// infoResponse is the body of GET /api/info.
type infoResponse struct {
	Documents   int      `json:"documents"`
	Provisions  int      `json:"provisions"`
	Modes       []string `json:"modes"`
	DefaultMode string   `json:"default_mode"`
	Embedder    string   `json:"embedder,omitempty"`
}

// info answers GET /api/info: what the server holds and offers, so that a
// client shows only the search modes there are.
func (s *Server) info(c echo.Context) error {
	if err := noParams(c); err != nil {
		return err
	}
	e := s.eng()
	docs, provs, err := e.Store().DocCount(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, infoResponse{Documents: docs, Provisions: provs, Modes: e.Modes(),
		DefaultMode: e.DefaultMode(), Embedder: e.EmbedderID()})
}

// facetsResponse is the body of GET /api/facets.
type facetsResponse struct {
	Facets map[string][]search.FacetValue `json:"facets"`
}

// facets answers GET /api/facets: counts over the whole corpus.
func (s *Server) facets(c echo.Context) error {
	if err := noParams(c); err != nil {
		return err
	}
	f, err := s.eng().Facets(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, facetsResponse{Facets: f})
}

// document answers GET /api/documents/{id}.
func (s *Server) document(c echo.Context) error {
	if err := noParams(c); err != nil {
		return err
	}
	id := c.Param("id")
	v, err := s.eng().Document(c.Request().Context(), id)
	if err != nil {
		return notFound(err, "document", id)
	}
	return c.JSON(http.StatusOK, v)
}

// section answers GET /api/sections/{id}.
func (s *Server) section(c echo.Context) error {
	if err := noParams(c); err != nil {
		return err
	}
	id := c.Param("id")
	sec, err := s.eng().Section(c.Request().Context(), id)
	if err != nil {
		return notFound(err, "provision", id)
	}
	return c.JSON(http.StatusOK, sec)
}

// sectionSimilar answers GET /api/sections/{id}/similar.
func (s *Server) sectionSimilar(c echo.Context) error {
	q, err := queryParams(c)
	if err != nil {
		return err
	}
	filters, err := filtersFrom(q, similarParams)
	if err != nil {
		return err
	}
	size, err := intParam(q, "size")
	if err != nil {
		return err
	}
	exclude, err := boolParam(q, "exclude_same_doc", true)
	if err != nil {
		return err
	}
	id := c.Param("id")
	res, err := s.eng().Similar(c.Request().Context(), search.SimilarRequest{
		ID: id, Filters: filters, Size: size, IncludeSameDoc: !exclude,
	})
	if err != nil {
		return notFound(err, "provision", id)
	}
	return c.JSON(http.StatusOK, res)
}

// similarBody is the body of POST /api/similar: a pasted text, or the id
// of a provision.
type similarBody struct {
	Text    string              `json:"text"`
	ID      string              `json:"id"`
	Size    int                 `json:"size"`
	Filters map[string][]string `json:"filters"`
	// ExcludeSameDoc (default true) leaves out the source provision's own
	// document; it matters only for an id.
	ExcludeSameDoc *bool `json:"exclude_same_doc"`
}

// textSimilar answers POST /api/similar.
func (s *Server) textSimilar(c echo.Context) error {
	if err := noParams(c); err != nil {
		return err
	}
	var b similarBody
	if err := decodeJSON(c, &b); err != nil {
		return err
	}
	if b.Text != "" && b.ID != "" {
		return newError(http.StatusBadRequest, codeBadParameter, "text", "give either text or id, not both")
	}
	if b.Size < 0 {
		return newError(http.StatusBadRequest, codeBadParameter, "size", "size must be 1 or more")
	}
	filters := search.Filters{}
	for k, vs := range b.Filters {
		filters.Add(k, vs...)
		if len(filters[k]) == 0 {
			// Keep the facet so that an unknown name is still reported.
			filters[k] = nil
		}
	}
	exclude := b.ExcludeSameDoc == nil || *b.ExcludeSameDoc
	res, err := s.eng().Similar(c.Request().Context(), search.SimilarRequest{
		ID: b.ID, Text: b.Text, Filters: filters, Size: b.Size, IncludeSameDoc: !exclude,
	})
	if err != nil {
		return notFound(err, "provision", b.ID)
	}
	return c.JSON(http.StatusOK, res)
}

// noParams refuses query parameters on endpoints that take none, so that a
// misspelt or misplaced filter is never silently ignored.
func noParams(c echo.Context) error {
	q, err := queryParams(c)
	if err != nil || len(q) == 0 {
		return err
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return newError(http.StatusBadRequest, codeUnknownParameter, keys[0],
		"this endpoint takes no query parameters; got %q", keys[0])
}

// notFound gives an unknown id its own message and passes other errors on.
func notFound(err error, kind, id string) error {
	if search.IsNotFound(err) {
		return &apiError{Status: http.StatusNotFound, Code: codeNotFound, Field: "id", Message: "no " + kind + " with id " + quote(id), Err: err}
	}
	return err
}

// quote quotes an id for a message, cut short: ids come from clients.
func quote(s string) string {
	const max = 80
	if rs := []rune(s); len(rs) > max {
		s = string(rs[:max]) + "…"
	}
	return strconv.Quote(s)
}
