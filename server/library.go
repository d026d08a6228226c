package server

import (
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/policysearch/policysearch/indexer"
	"github.com/policysearch/policysearch/search"
)

// Query parameters of the library endpoints besides their filters.
var (
	libraryParams  = []string{"page", "size", "sort", "missing", "q"}
	coverageParams = []string{"by", "missing", "q"}
)

// libraryQuery reads the filters, missing fields and title query of a
// library request; the other parameters must be among known.
func libraryQuery(c echo.Context, known []string) (q map[string][]string, f search.Filters, missing []string, err error) {
	q, err = queryParams(c)
	if err != nil {
		return nil, nil, nil, err
	}
	f = search.Filters{}
	for k, vs := range q {
		switch {
		case slices.Contains(search.LibraryFacets, k):
			f.Add(k, vs...)
		case k == "missing":
			for _, v := range vs {
				for m := range strings.SplitSeq(v, ",") {
					if m = strings.TrimSpace(m); m != "" {
						missing = append(missing, m)
					}
				}
			}
		case slices.Contains(known, k):
			if len(vs) > 1 {
				return nil, nil, nil, newError(http.StatusBadRequest, codeBadParameter, k, "parameter %q given %d times; give it once", k, len(vs))
			}
		default:
			return nil, nil, nil, newError(http.StatusBadRequest, codeUnknownParameter, k,
				"unknown parameter %q (filters: %s; parameters: %s)", k,
				strings.Join(search.LibraryFacets, ", "), strings.Join(known, ", "))
		}
	}
	return q, f, missing, nil
}

// documents answers GET /api/documents: one page of the library, sorted
// and filtered, with facet counts.
func (s *Server) documents(c echo.Context) error {
	q, filters, missing, err := libraryQuery(c, libraryParams)
	if err != nil {
		return err
	}
	page, size, err := pageParams(q)
	if err != nil {
		return err
	}
	res, err := s.eng().Library(c.Request().Context(), search.LibraryRequest{
		Page: page, Size: size, Sort: first(q["sort"]), Filters: filters, Missing: missing, Q: first(q["q"]),
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}

// coverage answers GET /api/documents/coverage: documents per place and
// year.
func (s *Server) coverage(c echo.Context) error {
	q, filters, missing, err := libraryQuery(c, coverageParams)
	if err != nil {
		return err
	}
	res, err := s.eng().Coverage(c.Request().Context(), search.CoverageRequest{
		By: first(q["by"]), Filters: filters, Missing: missing, Q: first(q["q"]),
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}

// correctionRequest is the body of PATCH /api/documents/{id}: the metadata
// fields to set, and those to empty; the others keep their values.
type correctionRequest struct {
	// Clear lists the fields to empty, of indexer.ClearableFields.
	Clear     []string `json:"clear"`
	City      string   `json:"city"`
	Province  string   `json:"province"`
	County    string   `json:"county"`
	Level     string   `json:"level"`
	Year      int      `json:"year"`
	DocType   string   `json:"doc_type"`
	Issuer    string   `json:"issuer"`
	PubDate   string   `json:"pub_date"`
	DocNumber string   `json:"doc_number"`
	Title     string   `json:"title"`
}

// levels are the values of a document's level.
var levels = []string{"省级", "市级", "县级"}

// entry checks the correction and turns it into a manifest entry.
func (r correctionRequest) entry() (indexer.ManifestEntry, error) {
	e := indexer.ManifestEntry{City: r.City, Province: r.Province, County: r.County, Level: r.Level, Year: r.Year,
		DocType: r.DocType, Issuer: r.Issuer, PubDate: r.PubDate, DocNumber: r.DocNumber, Title: r.Title, Clear: r.Clear}
	for _, f := range []*string{&e.City, &e.Province, &e.County, &e.Level, &e.DocType, &e.Issuer, &e.PubDate, &e.DocNumber, &e.Title} {
		*f = strings.TrimSpace(*f)
		if len([]rune(*f)) > 200 {
			return e, newError(http.StatusBadRequest, codeBadParameter, "", "a metadata value of %d characters; at most 200", len([]rune(*f)))
		}
	}
	switch {
	case e.Level != "" && !slices.Contains(levels, e.Level):
		return e, newError(http.StatusBadRequest, codeBadParameter, "level", "level %q is not one of %s", e.Level, strings.Join(levels, ", "))
	case e.Year != 0 && (e.Year < 1949 || e.Year > 2100):
		return e, newError(http.StatusBadRequest, codeBadParameter, "year", "year %d is not a plausible year", e.Year)
	case e.PubDate != "" && !pubDateRe.MatchString(e.PubDate):
		return e, newError(http.StatusBadRequest, codeBadParameter, "pub_date", "pub_date %q is not YYYY-MM-DD", e.PubDate)
	case reflect.DeepEqual(e, indexer.ManifestEntry{Clear: e.Clear}) && len(e.Clear) == 0:
		return e, newError(http.StatusBadRequest, codeBadParameter, "", "the correction sets and clears no field")
	}
	for _, f := range e.Clear {
		if !slices.Contains(indexer.ClearableFields, f) {
			return e, newError(http.StatusBadRequest, codeBadParameter, "clear", "clear %q: not a field that can be emptied (known: %s)", f, strings.Join(indexer.ClearableFields, ", "))
		}
		if e.Sets(f) {
			return e, newError(http.StatusBadRequest, codeBadParameter, "clear", "%s is both set and cleared", f)
		}
	}
	return e, nil
}

// correct answers PATCH /api/documents/{id}: the document's metadata
// corrected at once in search and facets, and kept for later builds.
func (s *Server) correct(c echo.Context) error {
	if err := noParams(c); err != nil {
		return err
	}
	var req correctionRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	e, err := req.entry()
	if err != nil {
		return err
	}
	id := c.Param("id")
	view, err := s.eng().Correct(c.Request().Context(), id, e)
	if err != nil {
		return notFound(err, "document", id)
	}
	s.log.InfoContext(c.Request().Context(), "document corrected", "request_id", requestIDOf(c), "id", id)
	return c.JSON(http.StatusOK, view)
}

// first returns the first value of a parameter, or "".
func first(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

// pubDateRe matches a date as documents keep it, YYYY-MM-DD.
var pubDateRe = regexp.MustCompile(`^(?:19|20)\d{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])$`)
