package server

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/policysearch/policysearch/indexer/indicators"
	"github.com/policysearch/policysearch/search"
	"github.com/policysearch/policysearch/server/export"
)

// Query parameters of the indicator endpoints besides their filters.
var (
	indicatorParams       = []string{"q", "page", "size"}
	indicatorExportParams = []string{"q", "format"}
)

// indicatorQuery reads the filters of an indicator request; the other
// parameters must be among known, once each.
func indicatorQuery(c echo.Context, known []string) (url.Values, search.Filters, error) {
	q, err := queryParams(c)
	if err != nil {
		return nil, nil, err
	}
	f := search.Filters{}
	for k, vs := range q {
		switch {
		case slices.Contains(search.IndicatorFacets, k):
			f.Add(k, vs...)
		case slices.Contains(known, k):
			if len(vs) > 1 {
				return nil, nil, newError(http.StatusBadRequest, codeBadParameter, k, "parameter %q given %d times; give it once", k, len(vs))
			}
		default:
			return nil, nil, newError(http.StatusBadRequest, codeUnknownParameter, k,
				"unknown parameter %q (filters: %s; parameters: %s)", k,
				strings.Join(search.IndicatorFacets, ", "), strings.Join(known, ", "))
		}
	}
	return q, f, nil
}

// indicatorList answers GET /api/indicators: one page of the figures the
// documents state, filtered, with facet counts.
func (s *Server) indicatorList(c echo.Context) error {
	q, filters, err := indicatorQuery(c, indicatorParams)
	if err != nil {
		return err
	}
	page, size, err := pageParams(q)
	if err != nil {
		return err
	}
	res, err := s.eng().Indicators(c.Request().Context(), search.IndicatorRequest{Q: q.Get("q"), Filters: filters, Page: page, Size: size})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}

// indicatorNames answers GET /api/indicators/names.
func (s *Server) indicatorNames(c echo.Context) error {
	if err := noParams(c); err != nil {
		return err
	}
	names, err := s.eng().IndicatorNames(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, struct {
		Total int                    `json:"total"`
		Names []search.IndicatorName `json:"names"`
	}{len(names), names})
}

// indicatorColumns are the columns of an exported indicator table.
var indicatorColumns = []export.Column{
	{Name: "指标", Width: 28, Wrap: true}, {Name: "原文名称", Width: 28, Wrap: true}, {Name: "类型", Width: 6},
	{Name: "比较", Width: 6}, {Name: "数值", Width: 10}, {Name: "上限", Width: 8}, {Name: "单位", Width: 8},
	{Name: "人群", Width: 16, Wrap: true}, {Name: "省份", Width: 12}, {Name: "城市", Width: 12}, {Name: "县区", Width: 12},
	{Name: "年份", Width: 6}, {Name: "文件", Width: 34, Wrap: true}, {Name: "原文", Width: 60, Wrap: true}, {Name: "链接", Width: 40},
}

// kindNames name a figure's kind for readers of a table.
var kindNames = map[indicators.Kind]string{indicators.Target: "目标", indicators.Achieved: "实际"}

// exportIndicators answers GET /api/indicators/export: every figure the
// request keeps, up to the export cap, as CSV or XLSX.
func (s *Server) exportIndicators(c echo.Context) error {
	q, filters, err := indicatorQuery(c, indicatorExportParams)
	if err != nil {
		return err
	}
	format, err := exportFormat(q.Get("format"), c.Request().Header.Get(echo.HeaderAccept))
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	base := c.Scheme() + "://" + c.Request().Host
	var rows []search.IndicatorRow
	total := 0
	for page := 1; len(rows) < s.cfg.ExportMaxRows; page++ {
		res, err := s.eng().Indicators(ctx, search.IndicatorRequest{Q: q.Get("q"), Filters: filters, Page: page, Size: search.MaxSize, NoFacets: true})
		if err != nil {
			return err
		}
		total = res.Total
		rows = append(rows, res.Rows...)
		if len(res.Rows) < search.MaxSize {
			break
		}
	}
	rows = rows[:min(len(rows), s.cfg.ExportMaxRows)]
	name := export.FileName("指标-"+q.Get("q"), time.Now(), format)
	w := &lazyHeader{c: c, set: func(h http.Header) {
		h.Set(echo.HeaderContentType, format.MediaType())
		h.Set(echo.HeaderContentDisposition, contentDisposition(name, export.FileName("indicators", time.Now(), format)))
		h.Set("Cache-Control", "no-store")
		h.Set(headerTotalCount, strconv.Itoa(total))
		h.Set(headerExportRows, strconv.Itoa(len(rows)))
		h.Set(headerExportTruncated, strconv.FormatBool(len(rows) < total))
	}}
	t, err := export.NewTable(format, w, "指标", indicatorColumns)
	if err != nil {
		return s.exportFailed(c, err)
	}
	for _, r := range rows {
		var upper any
		if r.Comparator == indicators.Range {
			upper = strconv.FormatFloat(r.Upper, 'f', -1, 64)
		}
		var year any
		if r.Year > 0 {
			year = r.Year
		}
		link := base + "/?view=provision&id=" + url.QueryEscape(r.Provision)
		if err := t.Row([]any{r.Indicator.Indicator, r.Written, kindNames[r.Kind], string(r.Comparator),
			strconv.FormatFloat(r.Value, 'f', -1, 64), upper, r.Unit, r.Population, r.Province, r.City, r.County,
			year, "《" + r.DocTitle + "》", r.Excerpt, link}); err != nil {
			t.Discard()
			return s.exportFailed(c, err)
		}
	}
	if err := t.Close(); err != nil {
		return s.exportFailed(c, err)
	}
	if !c.Response().Committed {
		w.commit()
	}
	return nil
}
