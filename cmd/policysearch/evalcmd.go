package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/policysearch/policysearch/search/eval"
)

func cmdEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	set := fs.String("set", filepath.Join("testdata", "eval"), "folder of the relevance set (queries.yaml, similar.yaml)")
	asJSON := fs.Bool("json", false, "print the figures as JSON")
	baseline := fs.String("write-baseline", "", "also write the summary figures to this file (the committed baseline is testdata/eval/baseline.json)")
	each := fs.String("each", "", "also list every query's figures in this configuration (e.g. keyword), weakest first")
	indicatorSet := fs.String("indicators", filepath.FromSlash(eval.IndicatorsPath), "labelled indicator figures to score the indicator extraction on (\"\" to skip)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	rs, err := eval.Load(*set)
	if err != nil {
		return err
	}
	// The relevance set is judged on the seed corpus: evaluate on a fresh
	// index of it, whatever the configured index holds.
	dir, err := os.MkdirTemp("", "policysearch-eval-")
	if err != nil {
		return fmt.Errorf("temporary index folder: %w", err)
	}
	defer os.RemoveAll(dir)
	c := common{index: dir, dict: envDefault("dict", "")}
	a, err := c.open(ctx, stderr)
	if err != nil {
		return err
	}
	defer a.close()
	rep, err := eval.Run(ctx, a.engine, rs)
	if err != nil {
		return err
	}
	full := eval.WithIndicators{Report: rep}
	if *indicatorSet != "" {
		if full.Indicators, err = eval.RunIndicators(*indicatorSet); err != nil {
			return err
		}
	}
	if *baseline != "" {
		raw, err := json.MarshalIndent(eval.WithIndicators{Report: rep.Summary(), Indicators: full.Indicators}, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(*baseline, append(raw, '\n'), 0o644); err != nil {
			return fmt.Errorf("write baseline: %w", err)
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(full)
	}
	rep.Write(stdout)
	if full.Indicators != nil {
		fmt.Fprintln(stdout)
		eval.WriteIndicators(stdout, full.Indicators)
	}
	if *each != "" {
		fmt.Fprintln(stdout)
		rep.WriteEach(stdout, *each)
	}
	return nil
}
