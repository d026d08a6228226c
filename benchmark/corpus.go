package benchmark

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"

	"github.com/policysearch/policysearch/analyzers"
	"github.com/policysearch/policysearch/indexer"
	"github.com/policysearch/policysearch/seeds"
)

// Provision is one searchable unit of the corpus, as the engine indexes it:
// the peers search the same units with the same metadata.
type Provision struct {
	ID    string
	DocID string
	// Text is the normalised text, the form the engine's exact-phrase
	// field and the query parser work on.
	Text string
	City string
	Year int
}

// Corpus is a folder of documents read into provisions.
type Corpus struct {
	Dir        string
	Files      int
	Documents  int
	Bytes      int64 // size of the .txt files
	Provisions []Provision
	// Cities are ordered by their number of provisions, most first;
	// Years ascend.
	Cities []string
	Years  []int
}

// LoadCorpus reads and parses every document of dir (with its manifest)
// the way the engine does, so that provision IDs match the index built
// from the same folder. A document repeated in another file counts once,
// as in the index.
func LoadCorpus(dir string) (*Corpus, error) {
	fsys := os.DirFS(dir)
	docs, bad, err := indexer.LoadCorpus(fsys)
	if err != nil {
		return nil, fmt.Errorf("load corpus %s: %w", dir, err)
	}
	c := &Corpus{Dir: dir, Files: len(docs) + len(bad)}
	err = fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(name) != ".txt" {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		c.Bytes += info.Size()
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("size of corpus %s: %w", dir, err)
	}
	seen := map[string]bool{}
	cities := map[string]int{}
	years := map[int]bool{}
	for i := range docs {
		d := &docs[i]
		if seen[d.ID] {
			continue
		}
		seen[d.ID] = true
		c.Documents++
		for _, p := range d.Provisions {
			c.Provisions = append(c.Provisions, Provision{ID: p.ID, DocID: p.DocID, Text: analyzers.Normalize(p.Text), City: p.City, Year: p.Year})
			if p.City != "" {
				cities[p.City]++
			}
			if p.Year > 0 {
				years[p.Year] = true
			}
		}
		docs[i] = indexer.Document{} // let the parsed form go as we copy
	}
	if len(c.Provisions) == 0 {
		return nil, fmt.Errorf("corpus %s holds no provision (%d files unreadable)", dir, len(bad))
	}
	for city := range cities {
		c.Cities = append(c.Cities, city)
	}
	sort.Slice(c.Cities, func(i, j int) bool {
		a, b := c.Cities[i], c.Cities[j]
		if cities[a] != cities[b] {
			return cities[a] > cities[b]
		}
		return a < b
	})
	for y := range years {
		c.Years = append(c.Years, y)
	}
	sort.Ints(c.Years)
	return c, nil
}

// TextBytes returns the bytes of all provision texts.
func (c *Corpus) TextBytes() int64 {
	var n int64
	for _, p := range c.Provisions {
		n += int64(len(p.Text))
	}
	return n
}

// Generate writes a synthetic corpus of mb megabytes (10^6 bytes) into out
// with the gen-corpus script, from the seed documents built into the
// program. The same seed gives the same corpus.
func Generate(ctx context.Context, script, out string, mb float64, seed int) error {
	if _, err := os.Stat(script); err != nil {
		return fmt.Errorf("corpus generator: %w", err)
	}
	seedDir, err := os.MkdirTemp("", "policysearch-seeds-")
	if err != nil {
		return fmt.Errorf("seed folder: %w", err)
	}
	defer os.RemoveAll(seedDir)
	if err := os.CopyFS(seedDir, seeds.FS); err != nil {
		return fmt.Errorf("write seeds: %w", err)
	}
	cmd := exec.CommandContext(ctx, script, "--seeds", seedDir, "--out", out,
		"--mb", fmt.Sprint(mb), "--seed", fmt.Sprint(seed))
	msg, err := cmd.CombinedOutput()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return fmt.Errorf("gen-corpus: %w: %s", err, msg)
		}
		return fmt.Errorf("run gen-corpus: %w", err)
	}
	return nil
}

// FindGenerator looks for shared/bench/gen-corpus beside or above dir, the
// place the project keeps it; "" when there is none.
func FindGenerator(dir string) string {
	for d := dir; ; {
		for _, rel := range []string{"shared/bench/gen-corpus", "../shared/bench/gen-corpus"} {
			p := filepath.Join(d, rel)
			if st, err := os.Stat(p); err == nil && !st.IsDir() {
				return p
			}
		}
		parent := filepath.Dir(d)
		if parent == d {
			return ""
		}
		d = parent
	}
}
