package analyzers

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
)

// Names of the analyzers registered with bleve, for use in field mappings.
const (
	// WordAnalyzer indexes jieba words: precise-mode words at consecutive
	// positions, plus the dictionary words inside each of them at the same
	// position as their parent, so that phrase queries over precise words
	// match and a query for a part (医生) finds the whole (家庭医生).
	WordAnalyzer = "ps_words"
	// WordQueryAnalyzer analyses query text for fields indexed with
	// WordAnalyzer: precise-mode words only.
	WordQueryAnalyzer = "ps_words_query"
	// BigramAnalyzer indexes every pair of adjacent characters of the
	// normalised text (see BigramTerms).
	BigramAnalyzer = "ps_bigram"
)

// Names of the tokenizers behind the analyzers, for custom analyzers.
const (
	WordTokenizer      = "ps_words_tokenizer"
	WordQueryTokenizer = "ps_words_query_tokenizer"
	BigramTokenizer    = "ps_bigram_tokenizer"
)

// errNoSegmenter is returned when a word tokenizer is built before Install.
var errNoSegmenter = errors.New("analyzers: no segmenter installed; call analyzers.Install before opening an index")

// installed is the segmenter the word tokenizers use. Bleve builds
// tokenizers from names stored in the index mapping through constructors
// that receive only a configuration map, so the process's single segmenter
// can reach them only through package state.
var installed atomic.Pointer[Segmenter]

// Install makes seg the segmenter of the word analyzers. Call it once,
// before opening or creating an index that uses them; tokenizers already
// built keep the segmenter they were built with.
func Install(seg *Segmenter) { installed.Store(seg) }

func init() {
	must := func(err error) {
		if err != nil {
			panic(fmt.Sprintf("analyzers: register with bleve: %v", err))
		}
	}
	wordTok := func(search bool) registry.TokenizerConstructor {
		return func(map[string]interface{}, *registry.Cache) (analysis.Tokenizer, error) {
			seg := installed.Load()
			if seg == nil {
				return nil, errNoSegmenter
			}
			return &wordTokenizer{seg: seg, search: search}, nil
		}
	}
	must(registry.RegisterTokenizer(WordTokenizer, wordTok(true)))
	must(registry.RegisterTokenizer(WordQueryTokenizer, wordTok(false)))
	must(registry.RegisterTokenizer(BigramTokenizer,
		func(map[string]interface{}, *registry.Cache) (analysis.Tokenizer, error) {
			return bigramTokenizer{}, nil
		}))

	analyzer := func(tokenizer string) registry.AnalyzerConstructor {
		return func(_ map[string]interface{}, cache *registry.Cache) (analysis.Analyzer, error) {
			tok, err := cache.TokenizerNamed(tokenizer)
			if err != nil {
				return nil, fmt.Errorf("tokenizer %s: %w", tokenizer, err)
			}
			return &analysis.DefaultAnalyzer{Tokenizer: tok}, nil
		}
	}
	must(registry.RegisterAnalyzer(WordAnalyzer, analyzer(WordTokenizer)))
	must(registry.RegisterAnalyzer(WordQueryAnalyzer, analyzer(WordQueryTokenizer)))
	must(registry.RegisterAnalyzer(BigramAnalyzer,
		func(_ map[string]interface{}, cache *registry.Cache) (analysis.Analyzer, error) {
			tok, err := cache.TokenizerNamed(BigramTokenizer)
			if err != nil {
				return nil, fmt.Errorf("tokenizer %s: %w", BigramTokenizer, err)
			}
			return &analysis.DefaultAnalyzer{Tokenizer: tok, TokenFilters: []analysis.TokenFilter{positionsOnly{}}}, nil
		}))
}

// positionsOnly clears the byte offsets of tokens, keeping their
// positions. Phrases are proven on positions alone and highlighting works
// on the display text, so no query reads the bigram field's offsets; a
// location the index stores with zero offsets takes two or three bytes
// less, and the bigram field's locations were most of the index.
type positionsOnly struct{}

// Filter implements analysis.TokenFilter.
func (positionsOnly) Filter(ts analysis.TokenStream) analysis.TokenStream {
	for _, t := range ts {
		t.Start, t.End = 0, 0
	}
	return ts
}

// wordTokenizer turns text into jieba words for bleve.
type wordTokenizer struct {
	seg    *Segmenter
	search bool // add the sub-words of each precise word
}

// Tokenize implements analysis.Tokenizer.
func (t *wordTokenizer) Tokenize(input []byte) analysis.TokenStream {
	return t.seg.wordTokens(input, t.search)
}

// wordTokens segments input into bleve tokens. Precise words take
// positions 1, 2, 3…; with search, the sub-words search mode finds inside a
// precise word (and the longer dictionary words inside it) share its
// position. Stop words and punctuation are dropped after positions are
// given, so the gaps they leave stay: a phrase does not match across them
// unless the query has them too.
func (s *Segmenter) wordTokens(input []byte, search bool) analysis.TokenStream {
	words := s.tokenize(string(input), search)
	if search {
		// Search mode emits each precise word after its sub-words; order by
		// start, longest first, so that a precise word precedes the words
		// inside it (which start within it and are shorter).
		slices.SortStableFunc(words, func(a, b Word) int {
			if a.Start != b.Start {
				return a.Start - b.Start
			}
			return b.End - a.End
		})
	}
	out := make(analysis.TokenStream, 0, len(words))
	pos, end := 0, -1
	for _, w := range words {
		if w.Start < end {
			// A sub-word of the current precise word.
			if !s.dropped(w.Text) {
				out = append(out, newToken(input, w.Start, w.End, pos))
			}
			continue
		}
		pos++
		end = w.End
		if s.dropped(w.Text) {
			continue
		}
		out = append(out, newToken(input, w.Start, w.End, pos))
		if search {
			out = s.appendLongSubWords(out, input, w, pos)
		}
	}
	return out
}

// appendLongSubWords adds the dictionary words of four or more characters
// that lie strictly inside w, at position pos.
func (s *Segmenter) appendLongSubWords(out analysis.TokenStream, input []byte, w Word, pos int) analysis.TokenStream {
	if s.maxLongRunes < 4 || len(w.Text) < 5 { // shorter than 5 runes in any script
		return out
	}
	// Byte offsets of the rune starts of w, plus its end.
	starts := make([]int, 0, len(w.Text)+1)
	for i := range w.Text {
		starts = append(starts, w.Start+i)
	}
	n := len(starts)
	starts = append(starts, w.End)
	if n < 5 {
		return out
	}
	for i := 0; i < n; i++ {
		for l := 4; l <= s.maxLongRunes && i+l <= n; l++ {
			if l == n { // the word itself
				continue
			}
			a, b := starts[i], starts[i+l]
			if _, ok := s.longWords[string(input[a:b])]; ok {
				out = append(out, newToken(input, a, b, pos))
			}
		}
	}
	return out
}

// newToken makes a token of input[start:end], lower-casing Latin letters.
func newToken(input []byte, start, end, pos int) *analysis.Token {
	term := input[start:end]
	if hasUpper(term) {
		term = bytes.ToLower(term)
	}
	return &analysis.Token{Term: term, Start: start, End: end, Position: pos, Type: tokenType(term)}
}

// hasUpper reports whether b has an upper-case letter.
func hasUpper(b []byte) bool {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if unicode.IsUpper(r) {
			return true
		}
		i += n
	}
	return false
}

// tokenType classifies a term for bleve.
func tokenType(term []byte) analysis.TokenType {
	numeric := true
	for i := 0; i < len(term); {
		r, n := utf8.DecodeRune(term[i:])
		if unicode.Is(unicode.Han, r) {
			return analysis.Ideographic
		}
		if !unicode.IsDigit(r) {
			numeric = false
		}
		i += n
	}
	if numeric {
		return analysis.Numeric
	}
	return analysis.AlphaNumeric
}
