package analyzers

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

func TestBigramTokens(t *testing.T) {
	cases := []struct {
		text string
		want []string // "term@position"
	}{
		{"", nil},
		{"医", []string{"医@1"}},
		{"医联体", []string{"医联@1", "联体@2", "体@3"}},
		{"5g 救护车", []string{"5g@1", "g @2", " 救@3", "救护@4", "护车@5", "车@6"}},
		{"达89.5%", []string{"达8@1", "89@2", "9.@3", ".5@4", "5%@5", "%@6"}},
	}
	for _, c := range cases {
		for _, tok := range (bigramTokenizer{}).Tokenize([]byte(c.text)) {
			if c.text[tok.Start:tok.End] != string(tok.Term) {
				t.Errorf("%q: token %q has offsets of %q", c.text, tok.Term, c.text[tok.Start:tok.End])
			}
		}
		// The analyzer the index uses keeps positions only.
		ts := analyze(t, BigramAnalyzer, c.text)
		var got []string
		for _, tok := range ts {
			got = append(got, fmt.Sprintf("%s@%d", tok.Term, tok.Position))
			if tok.Start != 0 || tok.End != 0 {
				t.Errorf("%q: token %q indexed with offsets %d–%d", c.text, tok.Term, tok.Start, tok.End)
			}
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("bigrams of %q = %q, want %q", c.text, got, c.want)
		}
	}
}

func TestBigramTerms(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"医", nil},
		{"医联", []string{"医联"}},
		{"两慢病", []string{"两慢", "慢病"}},
		{"哈哈哈", []string{"哈哈", "哈哈"}},
		{"drg付费", []string{"dr", "rg", "g付", "付费"}},
	}
	for _, c := range cases {
		if got := BigramTerms(c.in); !slices.Equal(got, c.want) {
			t.Errorf("BigramTerms(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestBigramPhraseFindsExactlyTheContainingLines indexes the seeds'
// normalised lines and checks, for random substrings of 2 to 12 characters
// (digits inside numbers, Latin letters and punctuation included), that the
// phrase of their bigrams finds exactly the lines containing them; and for
// single characters, that a prefix query plus a term query does.
func TestBigramPhraseFindsExactlyTheContainingLines(t *testing.T) {
	lines := seedLines(t)
	idx := newTestIndex(t, BigramAnalyzer, lines)
	contains := func(sub string) []string {
		var out []string
		for i, l := range lines {
			if strings.Contains(l, sub) {
				out = append(out, fmt.Sprint(i))
			}
		}
		slices.Sort(out)
		return out
	}

	rng := rand.New(rand.NewPCG(1, 2))
	n := 400
	if testing.Short() {
		n = 100
	}
	var digits, latin, punct int
	for range n {
		line := []rune(lines[rng.IntN(len(lines))])
		if len(line) < 2 {
			continue
		}
		size := 2 + rng.IntN(11)
		size = min(size, len(line))
		start := rng.IntN(len(line) - size + 1)
		sub := string(line[start : start+size])
		q := bleve.NewPhraseQuery(BigramTerms(sub), "text")
		if got, want := hits(t, idx, q), contains(sub); !slices.Equal(got, want) {
			t.Fatalf("phrase %q: hits %q, want %q", sub, got, want)
		}
		if strings.ContainsAny(sub, "0123456789") {
			digits++
		}
		if strings.ContainsFunc(sub, func(r rune) bool { return r >= 'a' && r <= 'z' }) {
			latin++
		}
		if strings.ContainsFunc(sub, isPunctRune) {
			punct++
		}
	}
	t.Logf("%d substrings: %d with digits, %d with Latin, %d with punctuation", n, digits, latin, punct)

	for _, sub := range []string{"20", "2020年", "89.5%", "drgs", "drg付费", "(drgs)", "5g救护车", "十四五", "“十四五”", "医联体", "三服务", "不存在的短语"} {
		q := bleve.NewPhraseQuery(BigramTerms(sub), "text")
		if got, want := hits(t, idx, q), contains(sub); !slices.Equal(got, want) {
			t.Errorf("phrase %q: hits %q, want %q", sub, got, want)
		}
	}

	// Single characters: the first half of a bigram, or a line's last one.
	for _, ch := range []string{"癌", "4", "%", "。", "健"} {
		p := bleve.NewPrefixQuery(ch)
		p.SetField("text")
		tq := bleve.NewTermQuery(ch)
		tq.SetField("text")
		q := query.Query(bleve.NewDisjunctionQuery(p, tq))
		if got, want := hits(t, idx, q), contains(ch); !slices.Equal(got, want) {
			t.Errorf("character %q: %d hits, want %d", ch, len(got), len(want))
		}
	}
}

// isPunctRune reports whether r is neither a letter nor a digit.
func isPunctRune(r rune) bool { return r != utf8.RuneError && isPunctOrSpace(string(r)) }

func BenchmarkBigramAnalyzer(b *testing.B) {
	text := []byte(seedText(b))
	tok := bigramTokenizer{}
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for b.Loop() {
		tok.Tokenize(text)
	}
}
