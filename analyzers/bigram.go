package analyzers

import (
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
)

// bigramTokenizer emits overlapping character bigrams of its whole input.
type bigramTokenizer struct{}

// Tokenize implements analysis.Tokenizer: for a text of n characters, token
// i (from 1) is characters i and i+1 at position i, and the last character
// alone closes the stream at position n. Every character counts (digits,
// Latin letters, punctuation and spaces alike) and nothing is transformed,
// so a phrase of BigramTerms(q) matches exactly the texts containing q.
func (bigramTokenizer) Tokenize(input []byte) analysis.TokenStream {
	starts := runeStarts(input)
	n := len(starts)
	if n == 0 {
		return nil
	}
	starts = append(starts, len(input))
	out := make(analysis.TokenStream, 0, n)
	for i := 0; i+1 < n; i++ {
		a, b := starts[i], starts[i+2]
		out = append(out, &analysis.Token{Term: input[a:b], Start: a, End: b, Position: i + 1, Type: analysis.Double})
	}
	a := starts[n-1]
	out = append(out, &analysis.Token{Term: input[a:], Start: a, End: len(input), Position: n, Type: analysis.Single})
	return out
}

// BigramTerms returns the terms of a phrase query that finds norm, an
// already normalised text, in a field indexed with BigramAnalyzer: its
// character bigrams in order. It returns nil for fewer than two characters:
// a single character is the first half of some indexed bigram or the final
// character of the text, so callers search it with a prefix query and a
// term query on that character instead.
func BigramTerms(norm string) []string {
	starts := runeStarts([]byte(norm))
	n := len(starts)
	if n < 2 {
		return nil
	}
	starts = append(starts, len(norm))
	out := make([]string, 0, n-1)
	for i := 0; i+1 < n; i++ {
		out = append(out, norm[starts[i]:starts[i+2]])
	}
	return out
}

// runeStarts returns the byte offset of each character of b; an invalid
// byte counts as one character, the same way on the index and query sides.
func runeStarts(b []byte) []int {
	out := make([]int, 0, len(b)/2+1)
	for i := 0; i < len(b); {
		out = append(out, i)
		_, n := utf8.DecodeRune(b[i:])
		i += n
	}
	return out
}
