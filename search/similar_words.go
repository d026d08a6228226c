package search

import (
	"context"
	"fmt"
	"math"

	"github.com/RoaringBitmap/roaring/v2"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/policysearch/policysearch/indexer"
	"github.com/policysearch/policysearch/search/exec"
)

// How distinctive a word is, learned from the corpus. A word of the
// genre's stock (推进, 建设, 加快, 服务) is written by nearly every place
// and in a large share of every document's provisions, whatever the
// provision is about; a topic word (医共体, 安宁疗护, 中医药) is used by
// many places too, but in the few provisions on its topic. So a word's
// stock-ness is the share of places using it times how common it is among
// provisions, against stockShare: a word used by every place and in at
// least that share of provisions is wholly stock.
const (
	// stockShare is the share of provisions from which a word used by
	// every place counts as wholly stock. On the seeds 推进 is in 45% of
	// provisions, 加快 in 17%, 深化 in 15%; 中医药 in 11%, 医共体 in 8%,
	// 家庭医生 in 4%.
	stockShare = 0.2
	// genericStock is the stock-ness from which a word is generic: never
	// shown as a key term, and of no weight as shared wording.
	genericStock = 0.6
	// spreadSample is how many of a word's provisions, spread evenly over
	// them, are read to count the places using it: enough to meet every
	// place using a common word, at a bounded cost.
	spreadSample = 1024
	// spreadMinShare is the share of provisions under which a word's
	// places are not counted: rarer, it is no stock whatever its spread.
	spreadMinShare = 0.01
)

// wordStat is what the corpus says about one word.
type wordStat struct {
	df uint64 // provisions holding it
	// spread is the share of places (cities and provinces) whose
	// provisions use it; 1 when the corpus names fewer than two places.
	spread float64
	// stock is how much of the genre's stock the word is, from 0 (a word
	// of one topic or one place) to 1 (推进).
	stock float64
	// idf is BM25's inverse document frequency among provisions.
	idf float64
}

// distinct is the word's weight as evidence that two provisions say the
// same thing: its rarity among provisions, less its stock-ness.
func (s wordStat) distinct() float64 { return s.idf * (1 - s.stock) }

// corpusWords reads the statistics of words from an index state: how many
// provisions hold each, and how many places use it. The provisions holding
// a word come from the state's kept sets (read once a state); the places
// from the facet index's list of the values each provision holds.
type corpusWords struct {
	n       uint64 // provisions
	sets    *exec.Sets
	cities  heldValues
	provs   heldValues
	nCities int
	nProvs  int
	seen    []bool // scratch: places marked for the word being counted
	// spreads keeps the words' spreads counted in this index state.
	spreads *exec.LRU[string, float64]
}

func (e *Engine) corpusWords(ctx context.Context, r index.IndexReader, fi *facetIndex, sets *exec.Sets) (*corpusWords, error) {
	tfr, err := r.TermFieldReader(ctx, []byte(indexer.TypeProvision), indexer.FieldType, false, false, false)
	if err != nil {
		return nil, fmt.Errorf("count provisions: %w", err)
	}
	n := tfr.Count()
	_ = tfr.Close()
	c := &corpusWords{n: n, sets: sets, cities: fi.held[FacetCity], provs: fi.held[FacetProvince],
		nCities: len(fi.values[FacetCity]), nProvs: len(fi.values[FacetProvince]), spreads: fi.spreads}
	c.seen = make([]bool, c.nCities+c.nProvs)
	return c, nil
}

// stat returns a word's statistics.
func (c *corpusWords) stat(word string) (wordStat, error) {
	docs, err := c.sets.Term(indexer.FieldWords, word, nil)
	if err != nil {
		return wordStat{}, err
	}
	s := wordStat{df: docs.GetCardinality(), spread: 1}
	df, n := float64(s.df), float64(c.n)
	s.idf = math.Log(1 + (n-df+0.5)/(df+0.5))
	if places := c.nCities + c.nProvs; places >= 2 && df >= spreadMinShare*n && c.cities.starts != nil && c.provs.starts != nil {
		s.spread = c.spread(word, docs, places)
	}
	if c.n > 0 {
		s.stock = s.spread * math.Min(1, df/n/stockShare)
	}
	return s, nil
}

// spread returns the share of places whose provisions use a word, held
// by docs, from the state's cache when counted before.
func (c *corpusWords) spread(word string, docs *roaring.Bitmap, places int) float64 {
	if c.spreads != nil {
		if s, ok := c.spreads.Get(word); ok {
			return s
		}
	}
	s := float64(c.places(docs)) / float64(places)
	if c.spreads != nil {
		c.spreads.Put(word, s)
	}
	return s
}

// places counts the cities and provinces whose provisions are among docs,
// reading at most spreadSample of them.
func (c *corpusWords) places(docs *roaring.Bitmap) int {
	clear(c.seen)
	found := 0
	mark := func(h heldValues, n uint32, offset int) {
		if int(n)+1 >= len(h.starts) {
			return
		}
		for _, v := range h.values[h.starts[n]:h.starts[n+1]] {
			if i := offset + int(v); !c.seen[i] {
				c.seen[i] = true
				found++
			}
		}
	}
	at := func(n uint32) {
		mark(c.cities, n, 0)
		mark(c.provs, n, c.nCities)
	}
	// Past spreadSample provisions, one is read in every stretch of
	// document numbers of 1/spreadSample of the set's span, skipping
	// the rest of the set unread.
	card := docs.GetCardinality()
	if card == 0 {
		return 0
	}
	gap := uint32(0)
	if card > spreadSample {
		gap = (docs.Maximum() - docs.Minimum()) / spreadSample
	}
	it := docs.Iterator()
	for it.HasNext() {
		n := it.Next()
		at(n)
		if gap > 1 && n+gap > n {
			it.AdvanceIfNeeded(n + gap)
		}
	}
	return found
}

// policyTerm reports whether a word is, whole, a term of the domain
// vocabulary: a concept's name is a topic, never stock, however common.
func (e *Engine) policyTerm(word string) bool {
	if e.under == nil {
		return false
	}
	for _, m := range e.under.terms.Find(word) {
		if m.Start == 0 && m.End == len(word) {
			return true
		}
	}
	return false
}
