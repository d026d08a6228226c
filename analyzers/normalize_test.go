package analyzers

import (
	"testing"
	"unicode"
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
