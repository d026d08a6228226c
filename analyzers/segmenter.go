// Package analyzers turns health-policy text into search terms: Chinese
// word segmentation with jieba and a domain user dictionary, the bleve
// analyzers built on it, and character bigrams for exact phrase search.
package analyzers

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/yanyiwu/gojieba"
)

// Word is a segment of a text with its byte offsets in that text.
type Word struct {
	Text  string
	Start int // byte offset of the first byte
	End   int // byte offset just past the last byte
}

// WeightedWord is a keyword with its TF-IDF weight.
type WeightedWord struct {
	Word   string  `json:"word"`
	Weight float64 `json:"weight"`
}

// Segmenter splits Chinese text into words with jieba and the health-policy
// user dictionary. Create one per process and share it: it is safe for
// concurrent use, and each instance holds the dictionaries in memory
// (about 170 MB).
type Segmenter struct {
	// mu guards jieba against use after Close: readers share it, Close
	// takes it exclusively before freeing the native instance.
	mu    sync.RWMutex
	jieba *gojieba.Jieba

	idf       map[string]float64
	medianIDF float64
	stop      map[string]struct{}
	// longWords holds the dictionary and user words of four or more
	// characters. Search mode only yields sub-words of two and three
	// characters, so longer words inside a precise word (家庭医生 in
	// 家庭医生签约) are looked up here.
	longWords    map[string]struct{}
	maxLongRunes int
	fingerprint  string
}

// NewSegmenter loads the dictionaries described by cfg. It fails with an
// error naming the missing files when cfg.DictDir lacks any of them.
func NewSegmenter(cfg Config) (*Segmenter, error) {
	d, err := resolveDicts(cfg)
	if err != nil {
		return nil, fmt.Errorf("segmenter dictionaries: %w", err)
	}
	s := &Segmenter{
		stop:        make(map[string]struct{}, 2048),
		longWords:   make(map[string]struct{}, 1<<17),
		fingerprint: d.fingerprint,
	}
	if err := s.loadIDF(d.idf); err != nil {
		return nil, err
	}
	err = readLines(d.stop, func(line string) error {
		if line != "" {
			s.stop[line] = struct{}{}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load stop words: %w", err)
	}
	err = readLines(d.dict, func(line string) error {
		w, _, _ := strings.Cut(line, " ")
		s.addLongWord(strings.ToLower(w))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load dictionary: %w", err)
	}
	for _, w := range userWords(d.userText) {
		s.addLongWord(w)
	}
	s.jieba = gojieba.NewJieba(d.dict, d.hmm, d.user, d.idf, d.stop)
	return s, nil
}

// addLongWord adds w to longWords when it has four or more characters.
func (s *Segmenter) addLongWord(w string) {
	if len(w) < 4 {
		return
	}
	if n := utf8.RuneCountInString(w); n >= 4 {
		s.longWords[w] = struct{}{}
		s.maxLongRunes = max(s.maxLongRunes, n)
	}
}

// loadIDF reads "word idf" lines into the IDF table and computes the median.
func (s *Segmenter) loadIDF(path string) error {
	s.idf = make(map[string]float64, 1<<18)
	values := make([]float64, 0, 1<<18)
	err := readLines(path, func(line string) error {
		if line == "" {
			return nil
		}
		w, v, ok := strings.Cut(line, " ")
		if !ok {
			return fmt.Errorf("IDF line %q: want \"word idf\"", line)
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return fmt.Errorf("IDF line %q: %w", line, err)
		}
		s.idf[w] = f
		values = append(values, f)
		return nil
	})
	if err != nil {
		return fmt.Errorf("load IDF table: %w", err)
	}
	if len(values) == 0 {
		return fmt.Errorf("load IDF table %s: empty", path)
	}
	slices.Sort(values)
	if n := len(values); n%2 == 1 {
		s.medianIDF = values[n/2]
	} else {
		s.medianIDF = (values[n/2-1] + values[n/2]) / 2
	}
	return nil
}

// Close frees the native segmenter. Later calls return no words.
func (s *Segmenter) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.jieba != nil {
		s.jieba.Free()
		s.jieba = nil
	}
}

// Fingerprint identifies the dictionaries, user words and tokenisation
// rules: an index built under another fingerprint must be rebuilt, since
// the same text would yield other tokens.
func (s *Segmenter) Fingerprint() string { return s.fingerprint }

// Cut splits text into words in precise mode (each character in exactly one
// word), with stop words and punctuation or space dropped and Latin letters
// lower-cased: the words the index holds for a text.
func (s *Segmenter) Cut(text string) []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.jieba == nil {
		return nil
	}
	words := s.jieba.Cut(sanitize(text), true)
	out := words[:0]
	for _, w := range words {
		if s.dropped(w) {
			continue
		}
		out = append(out, strings.ToLower(w))
	}
	return out
}

// Tokenize returns every segment of text with byte offsets, punctuation and
// stop words included: precise mode, or with search set, precise words
// together with the dictionary words of two and three characters inside
// them (which overlap their parents).
func (s *Segmenter) Tokenize(text string, search bool) []Word {
	return s.tokenize(text, search)
}

// tokenize is Tokenize. Invalid UTF-8 and NUL bytes are replaced by spaces
// of the same length so that offsets stay valid for the original text.
func (s *Segmenter) tokenize(text string, search bool) []Word {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.jieba == nil {
		return nil
	}
	mode := gojieba.DefaultMode
	if search {
		mode = gojieba.SearchMode
	}
	clean := sanitize(text)
	raw := s.jieba.Tokenize(clean, mode, true)
	out := make([]Word, len(raw))
	for i, w := range raw {
		out[i] = Word{Text: text[w.Start:w.End], Start: w.Start, End: w.End}
	}
	return out
}

// ExtractWithWeight returns up to topK keywords of text ranked by TF-IDF.
func (s *Segmenter) ExtractWithWeight(text string, topK int) []WeightedWord {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.jieba == nil || topK <= 0 {
		return nil
	}
	ws := s.jieba.ExtractWithWeight(sanitize(text), topK)
	out := make([]WeightedWord, 0, len(ws))
	for _, w := range ws {
		out = append(out, WeightedWord{Word: w.Word, Weight: w.Weight})
	}
	return out
}

// IDF returns the general-language inverse document frequency of word and
// whether the table has it.
func (s *Segmenter) IDF(word string) (float64, bool) {
	v, ok := s.idf[word]
	return v, ok
}

// MedianIDF is the median of the IDF table: the weight to assume for words
// it does not list.
func (s *Segmenter) MedianIDF() float64 { return s.medianIDF }

// IsStopWord reports whether w is in the stop-word list.
func (s *Segmenter) IsStopWord(w string) bool {
	_, ok := s.stop[w]
	return ok
}

// dropped reports whether a segment carries no searchable content: a stop
// word, or nothing but punctuation, symbols and space.
func (s *Segmenter) dropped(w string) bool {
	if _, ok := s.stop[w]; ok {
		return true
	}
	return isPunctOrSpace(w)
}

// isPunctOrSpace reports whether w has no letter, digit or ideograph.
func isPunctOrSpace(w string) bool {
	for _, r := range w {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsNumber(r) {
			return false
		}
	}
	return true
}

// sanitize replaces bytes the native segmenter cannot take (invalid UTF-8
// makes it return nothing; NUL ends the string it is handed) with spaces,
// keeping every byte offset.
func sanitize(text string) string {
	if utf8.ValidString(text) && strings.IndexByte(text, 0) < 0 {
		return text
	}
	b := []byte(text)
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if (r == utf8.RuneError && n == 1) || r == 0 {
			b[i] = ' '
		}
		i += n
	}
	return string(b)
}
