package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"html"
	"io"
	"strings"

	"github.com/policysearch/policysearch/search"
)

func cmdSearch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c common
	c.register(fs)
	filters := map[string]*multiFlag{}
	for _, f := range search.FacetNames {
		m := &multiFlag{}
		filters[f] = m
		fs.Var(m, strings.ReplaceAll(f, "_", "-"), "filter by "+f+" (repeatable)")
	}
	asJSON := fs.Bool("json", false, "print the full response as JSON")
	size := fs.Int("size", 10, "results per page")
	page := fs.Int("page", 1, "page number")
	sortBy := fs.String("sort", search.SortRelevance, "relevance, year_desc or year_asc")
	if err := fs.Parse(args); err != nil {
		return err
	}
	q := strings.Join(fs.Args(), " ")
	a, err := c.open(ctx, stderr)
	if err != nil {
		return err
	}
	defer a.close()

	req := search.Request{Query: q, Filters: search.Filters{}, Page: *page, Size: *size, Sort: *sortBy}
	for f, m := range filters {
		req.Filters.Add(f, *m...)
	}
	res, err := a.engine.Search(ctx, req)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	printResults(stdout, res)
	return nil
}

// printResults writes a plain-text result list, matches in 【】.
func printResults(w io.Writer, res *search.Response) {
	fmt.Fprintf(w, "%d provisions (%.1f ms)\n\n", res.Total, res.TookMS)
	plain := strings.NewReplacer("<mark>", "【", "</mark>", "】")
	for i, h := range res.Hits {
		n := (res.Page-1)*res.Size + i + 1
		crumb := append([]string{"《" + h.DocTitle + "》"}, h.HeadingPath...)
		if h.Number != "" {
			crumb = append(crumb, h.Number)
		}
		fmt.Fprintf(w, "%d. %s\n", n, strings.Join(crumb, " › "))
		meta := []string{}
		for _, s := range []string{h.City, h.Province, yearOf(h.Year), h.DocType} {
			if s != "" {
				meta = append(meta, s)
			}
		}
		if len(h.Themes) > 0 {
			meta = append(meta, "主题:"+strings.Join(h.Themes, "、"))
		}
		fmt.Fprintf(w, "   [%s] score %.3f  id %s\n", strings.Join(meta, " · "), h.Score, h.ID)
		for _, f := range h.Highlights {
			fmt.Fprintf(w, "   %s\n", html.UnescapeString(plain.Replace(f)))
		}
		fmt.Fprintln(w)
	}
	for _, f := range search.FacetNames {
		vals := res.Facets[f]
		if len(vals) == 0 {
			continue
		}
		parts := make([]string, 0, len(vals))
		for i, v := range vals {
			if i == 12 {
				parts = append(parts, "…")
				break
			}
			parts = append(parts, fmt.Sprintf("%s (%d)", v.Value, v.Count))
		}
		fmt.Fprintf(w, "%s: %s\n", f, strings.Join(parts, ", "))
	}
}

func yearOf(y int) string {
	if y == 0 {
		return ""
	}
	return fmt.Sprint(y)
}
