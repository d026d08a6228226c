package vector

import (
	"context"
	"strings"
	"testing"

	"github.com/policysearch/policysearch/analyzers"
)

// With the tokens the search engine passes (jieba words and character
// bigrams, plus a concept pseudo-token), the model behaves as with bigrams
// alone, and the pseudo-token becomes a term like any other.
func TestLSAWithSegmenter(t *testing.T) {
	seg, err := analyzers.NewSegmenter(analyzers.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer seg.Close()
	tok := func(text string) []string {
		out := append(seg.Cut(text), analyzers.BigramTerms(analyzers.Normalize(text))...)
		if strings.Contains(text, "医共体") || strings.Contains(text, "县域医疗卫生共同体") {
			out = append(out, "C:医共体")
		}
		return out
	}
	texts := seedTexts(t)
	m, vecs, err := TrainLSA(context.Background(), texts, tok, LSAConfig{Dim: 64, TokenizerID: "words+bigrams/" + seg.Fingerprint()})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := m.terms["C:医共体"]; !ok {
		t.Error("concept pseudo-token not in the vocabulary")
	}
	ix := NewIndex(m.ID(), m.Dim())
	for i, v := range vecs {
		if err := ix.Add(texts[i], v); err != nil {
			t.Fatal(err)
		}
	}
	found, asked := 0, 0
	for _, text := range texts {
		ss := sentences(text)
		if len(ss) < 2 || len([]rune(ss[1])) < 15 {
			continue
		}
		asked++
		q, err := m.Embed(context.Background(), []string{ss[1]})
		if err != nil {
			t.Fatal(err)
		}
		hits, _ := ix.Search(q[0], 3, nil)
		for _, h := range hits {
			if h.ID == text {
				found++
			}
		}
	}
	t.Logf("%d terms; own passage in top 3 for %d of %d sentence queries", m.Info().Terms, found, asked)
	if asked < 50 || float64(found) < 0.8*float64(asked) {
		t.Errorf("own passage in top 3 for %d of %d sentence queries", found, asked)
	}
}
