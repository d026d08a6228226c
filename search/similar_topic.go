package search

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/policysearch/policysearch/indexer"
)

// Two provisions on the same policy are on the same topic even when they
// word it differently: they point to the same themes, and name the same
// concepts of the domain vocabulary or concepts under the same broader
// one (疫苗接种 and 免疫规划 under 疾病预防控制). These signals rank the
// candidates the words found; a shared stock phrase (补齐短板) moves
// neither.

// themeScores returns a text's theme scores from the classifier that
// labels provisions (nil without one). A candidate's scores are worked out
// from its text rather than read from its record: decoding the record's
// theme cues costs more than classifying the text again (some 20 µs).
func (e *Engine) themeScores(text string) map[string]float64 {
	if e.pipeline == nil || e.pipeline.Themes == nil {
		return nil
	}
	return e.pipeline.Themes.Classify(text).Scores
}

// cosine is the cosine of two sparse vectors.
func cosine(a, b map[string]float64) float64 {
	dot, na, nb := 0.0, 0.0, 0.0
	for k, v := range a {
		dot += v * b[k]
		na += v * v
	}
	for _, v := range b {
		nb += v * v
	}
	if dot == 0 || na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}

const (
	// broaderDepth is how many levels of broader concepts a provision's
	// concepts stand for as well, each level at broaderDecay of the one
	// below: a shared parent is weaker evidence than a shared concept.
	broaderDepth = 2
	broaderDecay = 0.5
)

// conceptVectors weighs the concepts of a source and its candidates: each
// concept a text names counts with its IDF, and its broader concepts, up to
// broaderDepth levels up, with less. A concept's IDF comes from the
// provisions holding its phrasings (summed, at most every provision): a
// concept named everywhere (卫生健康) says little.
type conceptVectors struct {
	e   *Engine
	idf map[string]float64
}

// newConceptVectors reads the frequencies of the phrasings of the given
// concepts and of their broader concepts.
func (e *Engine) newConceptVectors(ctx context.Context, named ...[]string) (*conceptVectors, error) {
	cv := &conceptVectors{e: e, idf: map[string]float64{}}
	if e.under == nil {
		return cv, nil
	}
	var ids []string
	var up func(id string, depth int)
	up = func(id string, depth int) {
		if slices.Contains(ids, id) {
			return
		}
		ids = append(ids, id)
		if depth == broaderDepth {
			return
		}
		if c, ok := e.under.vocab.Concept(id); ok {
			for _, b := range c.Broader {
				up(b, depth+1)
			}
		}
	}
	for _, cs := range named {
		for _, id := range cs {
			up(id, 0)
		}
	}
	// A vocabulary term is one word of the index (the user dictionary
	// holds it); a phrasing that is not (a stop word) holds no provision.
	words := map[string][]string{} // concept → its phrasings
	var all []string
	for _, id := range ids {
		words[id] = e.under.phrasings(id)
		all = append(all, words[id]...)
	}
	// The provisions holding each phrasing come from the index state's
	// kept sets: the vocabulary's phrasings are few, and once read a
	// request finds them there.
	err := e.store.ReadMapped(func(r index.IndexReader, m mapping.IndexMapping) error {
		fi, err := e.facets.get(ctx, r)
		if err != nil {
			return fmt.Errorf("facet index: %w", err)
		}
		sets := e.matchSets(ctx, r, m, fi)
		provs, err := sets.Term(indexer.FieldType, indexer.TypeProvision, nil)
		if err != nil {
			return err
		}
		n := provs.GetCardinality()
		df := map[string]uint64{}
		for _, w := range all {
			if _, ok := df[w]; ok {
				continue
			}
			docs, err := sets.Term(indexer.FieldWords, w, nil)
			if err != nil {
				return err
			}
			df[w] = docs.GetCardinality()
		}
		for _, id := range ids {
			sum := uint64(0)
			for _, w := range words[id] {
				sum += df[w]
			}
			sum = min(sum, n)
			cv.idf[id] = math.Log(float64(n+1) / float64(sum+1))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return cv, nil
}

// vector returns the weighted concepts a text naming the given concepts
// stands for.
func (cv *conceptVectors) vector(concepts []string) map[string]float64 {
	out := make(map[string]float64, 2*len(concepts))
	var add func(id string, w float64, depth int)
	add = func(id string, w float64, depth int) {
		if v := w * cv.idf[id]; v > out[id] {
			out[id] = v
		}
		if depth == broaderDepth {
			return
		}
		if c, ok := cv.e.under.vocab.Concept(id); ok {
			for _, b := range c.Broader {
				add(b, w*broaderDecay, depth+1)
			}
		}
	}
	for _, id := range concepts {
		add(id, 1, 0)
	}
	return out
}
