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
	mode := fs.String("mode", "", "keyword, semantic or hybrid (default: the engine's)")
	literal := fs.Bool("literal", false, "take the words as typed: no vocabulary expansion")
	if err := fs.Parse(args); err != nil {
		return err
	}
	q := strings.Join(fs.Args(), " ")
	a, err := c.open(ctx, stderr)
	if err != nil {
		return err
	}
	defer a.close()

	req := search.Request{Query: q, Filters: search.Filters{}, Page: *page, Size: *size, Sort: *sortBy,
		Mode: *mode, NoExpand: *literal}
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
	fmt.Fprintf(w, "%d provisions (%s, %.1f ms)\n", res.Total, res.Mode, res.TookMS)
	if u := res.Understood; u != nil && len(u.Added) > 0 {
		terms := make([]string, len(u.Added))
		for i, a := range u.Added {
			terms[i] = a.Term
		}
		fmt.Fprintf(w, "同时检索：%s (--literal to search only the words typed)\n", strings.Join(terms, "、"))
	}
	if len(res.DidYouMean) > 0 {
		fmt.Fprintf(w, "您是不是要找：%s\n", strings.Join(res.DidYouMean, "、"))
	}
	fmt.Fprintln(w)
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
