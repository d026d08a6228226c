package analyzers

import "testing"

func TestChars(t *testing.T) {
	if got := StripSpaces("索\u3000引 号\u00a0\t"); got != "索引号" {
		t.Errorf("StripSpaces = %q", got)
	}
	if got := TrimSpace("\u3000 文号 \u00a0"); got != "文号" {
		t.Errorf("TrimSpace = %q", got)
	}
	for r, want := range map[rune]int{'7': 7, '７': 7, '七': -1, 'a': -1} {
		if got := DigitValue(r); got != want {
			t.Errorf("DigitValue(%q) = %d, want %d", r, got, want)
		}
	}
	for r, want := range map[rune]bool{'医': true, '，': true, '“': true, 'a': false, '1': false} {
		if IsCJK(r) != want {
			t.Errorf("IsCJK(%q) = %v", r, !want)
		}
	}
}
