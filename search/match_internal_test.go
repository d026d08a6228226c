package search

import (
	"testing"

	"github.com/policysearch/policysearch/indexer"
)

// TestWordsNoProvisionHoldsDoNotCount: the words a user wraps a need in
// (老是, 靠谱: in no provision) do not raise how many of the query's words
// a provision must hold; the words some provision holds decide it.
func TestWordsNoProvisionHoldsDoNotCount(t *testing.T) {
	words := []string{"学校", "洗手", "老是", "靠谱", "咋整", "到底", "行不行", "不好说"}
	held := map[string]bool{"学校": true, "洗手": true}
	if got := wordsQuery(words, held, indexer.FieldWords).Min; got != 2 {
		t.Errorf("two words held of eight: a provision must hold %v of them, want 2", got)
	}
	all := map[string]bool{}
	for _, w := range words {
		all[w] = true
	}
	if got := wordsQuery(words, all, indexer.FieldWords).Min; got != float64(minShould(len(words))) {
		t.Errorf("every word held: min %v, want %d", got, minShould(len(words)))
	}
	// Every word is still a clause: one a provision does hold scores.
	if n := len(wordsQuery(words, held, indexer.FieldWords).Disjuncts); n != len(words) {
		t.Errorf("%d clauses for %d words", n, len(words))
	}
}
