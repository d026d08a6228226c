package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"os"
	"strings"

	"github.com/policysearch/policysearch/search"
	"github.com/policysearch/policysearch/server/export"
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
	format := fs.String("format", "text", "text (a page of results), json (the page's full response), csv or xlsx (every hit, up to --max-rows)")
	asJSON := fs.Bool("json", false, "the same as --format json")
	output := fs.String("output", "", "write to this file instead of standard output (xlsx needs it, or standard output redirected)")
	fs.StringVar(output, "o", "", "the same as --output")
	maxRows := fs.Int("max-rows", export.MaxRows, "most rows of a csv or xlsx export")
	baseURL := fs.String("base-url", envDefault("base-url", "http://"+envDefault("addr", "127.0.0.1:8080")),
		"address of the web interface that an export's links point to (env POLICYSEARCH_BASE_URL)")
	size := fs.Int("size", 10, "results per page")
	page := fs.Int("page", 1, "page number")
	sortBy := fs.String("sort", search.SortRelevance, "relevance, year_desc or year_asc")
	mode := fs.String("mode", "", "keyword, semantic or hybrid (default: the engine's)")
	literal := fs.Bool("literal", false, "take the words as typed: no vocabulary expansion")
	if err := fs.Parse(args); err != nil {
		return err
	}
	q := strings.Join(fs.Args(), " ")
	if *asJSON {
		*format = "json"
	}
	var table export.Format
	switch *format {
	case "text", "json":
	default:
		f, err := export.ParseFormat(*format)
		if err != nil {
			return fmt.Errorf("--format: %q is not text, json, csv or xlsx", *format)
		}
		table = f
		if table == export.XLSX && *output == "" && isTerminal(stdout) {
			return errors.New("an XLSX file is binary: give --output FILE or redirect standard output")
		}
	}
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
	if table != "" {
		return exportSearch(ctx, a.engine, req, table, *maxRows, *baseURL, *output, stdout, stderr)
	}
	res, err := a.engine.Search(ctx, req)
	if err != nil {
		return err
	}
	if *output != "" {
		f, err := os.Create(*output)
		if err != nil {
			return err
		}
		defer f.Close()
		stdout = f
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	printResults(stdout, res)
	if f, ok := stdout.(*os.File); ok && *output != "" {
		return f.Close()
	}
	return nil
}

// exportSearch writes every hit of a search, up to maxRows, as a CSV or
// XLSX file to path, or to stdout when path is empty, and says on stderr
// how many it wrote.
func exportSearch(ctx context.Context, e *search.Engine, req search.Request, format export.Format, maxRows int, base, path string, stdout, stderr io.Writer) (err error) {
	if maxRows < 1 {
		return errors.New("--max-rows must be 1 or more")
	}
	x, err := export.StartSearch(ctx, e, req, maxRows, base)
	if err != nil {
		return err
	}
	out := stdout
	if path != "" {
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		defer func() {
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				_ = os.Remove(path) // an incomplete file must not pass for an export
			}
		}()
		out = f
	}
	w := bufio.NewWriterSize(out, 64<<10)
	t, err := export.NewTable(format, w, export.SearchSheet, export.SearchColumns)
	if err != nil {
		return err
	}
	n, err := x.Write(ctx, t)
	if err != nil {
		t.Discard()
		return err
	}
	if err := t.Close(); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("write export: %w", err)
	}
	where := "standard output"
	if path != "" {
		where = path
	}
	fmt.Fprintf(stderr, "exported %d of %d provisions to %s", n, x.Total, where)
	if x.Truncated {
		fmt.Fprintf(stderr, " (cut at --max-rows %d; narrow the query or add filters for the rest)", maxRows)
	}
	fmt.Fprintln(stderr)
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
