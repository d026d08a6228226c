package analyzers

import (
	"io/fs"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/policysearch/policysearch/seeds"
)

func TestNormalize(t *testing.T) {
	cases := []struct{ in, want string }{
		{"印 发给你们", "印发给你们"},
		{"2020 年全市 卫生健康工作要点", "2020年全市卫生健康工作要点"},
		{"（牵头处室：疾控处）", "(牵头处室:疾控处)"},
		{"ＤＲＧｓ付费", "drgs付费"},
		{"  DRG  and DIP ", "drg and dip"},
		{"“十四五”", "“十四五”"},
		{"初心\n\n如磐", "初心如磐"},
		{"5G 救护车", "5g救护车"},
	}
	for _, c := range cases {
		if got := Normalize(c.in); got != c.want {
			t.Errorf("Normalize(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestNormalizeMapPointsBackToSource(t *testing.T) {
	src := "市第一人民医院, 市第二人民医院打造 2 个"
	n, off := NormalizeMap(src)
	if len(off) != len(n)+1 {
		t.Fatalf("offsets: %d for %d bytes", len(off), len(n))
	}
	i := len("市第一人民医院,")
	// The normalised text drops the space after the comma; the next character
	// must still map to 市 in the source.
	if got := src[off[i] : off[i]+3]; got != "市" {
		t.Fatalf("offset of %q maps to %q", n[i:], got)
	}
}

// TestFoldFastIsFold: the fast path folds every character it takes as
// fold does.
func TestFoldFastIsFold(t *testing.T) {
	taken := 0
	for r := rune(0); r <= unicode.MaxRune; r++ {
		folded, ok := foldFast(string(r), 0, r)
		if !ok {
			continue // left to fold
		}
		taken++
		if want := fold(r); folded != want {
			t.Errorf("%U: fast fold %q, fold %q", r, folded, want)
		}
	}
	if taken < 128+0x9fff-0x4e00 {
		t.Errorf("the fast path takes %d characters, want ASCII and the CJK unified ideographs", taken)
	}
}

// normalizeByPieces is the first form of NormalizeMap, kept as the
// reference the single pass must agree with: every character folded into a
// list of pieces, then the pieces joined, each run of white space decided
// with both of its neighbours in view.
func normalizeByPieces(s string) (string, []int) {
	type piece struct {
		text string
		src  int
	}
	var pieces []piece
	for i, r := range s {
		if folded := fold(r); folded != "" {
			pieces = append(pieces, piece{folded, i})
		}
	}
	var b strings.Builder
	var offsets []int
	for i := 0; i < len(pieces); i++ {
		p := pieces[i]
		if strings.TrimSpace(p.text) == "" {
			j := i
			for j+1 < len(pieces) && strings.TrimSpace(pieces[j+1].text) == "" {
				j++
			}
			if b.Len() > 0 && j+1 < len(pieces) {
				prev, _ := utf8.DecodeLastRuneInString(b.String())
				next, _ := utf8.DecodeRuneInString(pieces[j+1].text)
				if !isCJKish(prev) && !isCJKish(next) {
					b.WriteByte(' ')
					offsets = append(offsets, p.src)
				}
			}
			i = j
			continue
		}
		b.WriteString(p.text)
		for range len(p.text) {
			offsets = append(offsets, p.src)
		}
	}
	return b.String(), append(offsets, len(s))
}

// TestNormalizeAsByPieces: on every line of the seed documents and on
// white space in every position, Normalize and NormalizeMap give what the
// piece by piece reference gives, offsets included.
func TestNormalizeAsByPieces(t *testing.T) {
	texts := []string{"", " ", "\t\n", " 医共体 ", "a  b", "a\u3000b", "医 b", "a 医", "a\u00a0\u200b b",
		"x\u00a8y", "Ａ　Ｂ", "\ufeff起始", "末尾 \x01", "1 、 2", "DRG  DIP\n\n医保", "\xff\xfe a"}
	err := fs.WalkDir(seeds.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".txt") {
			return err
		}
		data, err := fs.ReadFile(seeds.FS, path)
		if err != nil {
			return err
		}
		texts = append(texts, strings.Split(string(data), "\n")...)
		texts = append(texts, string(data))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range texts {
		want, wantOff := normalizeByPieces(s)
		if got := Normalize(s); got != want {
			t.Fatalf("Normalize(%q) = %q, by pieces %q", s, got, want)
		}
		got, off := NormalizeMap(s)
		if got != want || !slices.Equal(off, wantOff) {
			t.Fatalf("NormalizeMap(%q) = %q %v, by pieces %q %v", s, got, off, want, wantOff)
		}
	}
}

// BenchmarkNormalize normalises a seed document, line by line as provisions
// are (bytes per second in the output).
func BenchmarkNormalize(b *testing.B) {
	data, err := fs.ReadFile(seeds.FS, "000_79b41e1ba8677feb.txt")
	if err != nil {
		b.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		for _, l := range lines {
			Normalize(l)
		}
	}
}
