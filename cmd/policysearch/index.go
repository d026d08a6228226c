package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/policysearch/policysearch/indexer"
	"github.com/policysearch/policysearch/search"
)

func cmdIndex(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("index", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c common
	c.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	corpus, err := c.corpusFS()
	if err != nil {
		return err
	}
	an, err := search.NewAnalysis(c.dict)
	if err != nil {
		return err
	}
	defer an.Close()
	start := time.Now()
	docs, bad, err := an.Pipeline.LoadCorpus(corpus)
	if err != nil {
		return err
	}
	for _, b := range bad {
		fmt.Fprintf(stderr, "skipped %s\n", b.Error())
	}
	if len(docs) == 0 {
		return fmt.Errorf("no readable document in the corpus (%d skipped)", len(bad))
	}
	if err := os.MkdirAll(c.index, 0o755); err != nil {
		return fmt.Errorf("create index folder: %w", err)
	}
	store, err := indexer.Create(ctx, c.index, an.Fingerprint(), docs, progress(stderr))
	if err != nil {
		return err
	}
	defer store.Close()
	nd, np, err := store.DocCount(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "indexed %d documents, %d provisions into %s in %s (%d files skipped)\n",
		nd, np, c.index, time.Since(start).Round(time.Millisecond), len(bad))
	return nil
}
