package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/policysearch/policysearch/search"
	"github.com/policysearch/policysearch/search/vector"
	"github.com/policysearch/policysearch/seeds"
)

// common holds the flags every command shares.
type common struct {
	index  string
	corpus string
	dict   string
	// The embedder of semantic search.
	embedder   string
	embedURL   string
	embedModel string
	embedKey   string
}

func (c *common) register(fs *flag.FlagSet) {
	fs.StringVar(&c.index, "index", envDefault("index", filepath.Join("data", "index")), "index folder (env POLICYSEARCH_INDEX)")
	fs.StringVar(&c.corpus, "corpus", envDefault("corpus", ""), "folder of .txt documents (and optional manifest.jsonl) indexed when the index is missing; empty: the built-in seed documents (env POLICYSEARCH_CORPUS)")
	fs.StringVar(&c.dict, "dict", envDefault("dict", ""), "folder of jieba dictionaries; empty: the built-in copies (env POLICYSEARCH_DICT)")
	fs.StringVar(&c.embedder, "embedder", envDefault("embedder", search.EmbedderLSA),
		"embedder of semantic search: lsa (learned from the corpus, built in), openai (an OpenAI-compatible /v1/embeddings service), off (env POLICYSEARCH_EMBEDDER)")
	fs.StringVar(&c.embedURL, "embed-url", envDefault("embed-url", ""), "base URL of the embedding service, e.g. http://127.0.0.1:11434 (env POLICYSEARCH_EMBED_URL)")
	fs.StringVar(&c.embedModel, "embed-model", envDefault("embed-model", ""), "model name sent to the embedding service (env POLICYSEARCH_EMBED_MODEL)")
	fs.StringVar(&c.embedKey, "embed-key", envDefault("embed-key", ""), "API key of the embedding service, if it needs one (env POLICYSEARCH_EMBED_KEY)")
}

func (c *common) semantic() search.SemanticOptions {
	return search.SemanticOptions{Embedder: c.embedder,
		OpenAI: vector.OpenAIConfig{BaseURL: c.embedURL, Model: c.embedModel, APIKey: c.embedKey}}
}

func (c *common) corpusFS() (fs.FS, error) {
	if c.corpus == "" {
		return seeds.FS, nil
	}
	st, err := os.Stat(c.corpus)
	if err != nil {
		return nil, fmt.Errorf("corpus folder: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("corpus %s is not a folder", c.corpus)
	}
	return os.DirFS(c.corpus), nil
}

// app is the wired program: analysis and the engine over the index.
type app struct {
	analysis *search.Analysis
	engine   *search.Engine
}

// open sets up analysis and opens the index, building it from the corpus
// when it is missing or stale.
func (c *common) open(ctx context.Context, progressTo io.Writer) (*app, error) {
	corpus, err := c.corpusFS()
	if err != nil {
		return nil, err
	}
	an, err := search.NewAnalysis(c.dict)
	if err != nil {
		return nil, err
	}
	e, err := search.Open(ctx, an, search.OpenOptions{IndexDir: c.index, Corpus: corpus, Progress: progress(progressTo),
		Semantic: c.semantic()})
	if err != nil {
		an.Close()
		return nil, err
	}
	return &app{analysis: an, engine: e}, nil
}

func (a *app) close() {
	if a.engine != nil {
		_ = a.engine.Close()
	}
	a.analysis.Close()
}

// progress returns a progress printer for a terminal, or nil when w is not one.
func progress(w io.Writer) func(done, total int) {
	f, ok := w.(*os.File)
	if !ok {
		return nil
	}
	st, err := f.Stat()
	if err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	start := time.Now()
	return func(done, total int) {
		pct := 100.0
		if total > 0 {
			pct = 100 * float64(done) / float64(total)
		}
		fmt.Fprintf(f, "\rindexing: %d/%d provisions (%.0f%%) %s ", done, total, pct, time.Since(start).Round(100*time.Millisecond))
		if done >= total {
			fmt.Fprintln(f)
		}
	}
}
