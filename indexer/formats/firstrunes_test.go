package formats

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPrefilterAgreesWithTheExpressions: on every line (and every first
// sentence) of the real documents, their pages and the seeds, an
// expression passed over by the prefilter does not match, and IsChrome
// answers as running every expression would.
func TestPrefilterAgreesWithTheExpressions(t *testing.T) {
	var files []string
	for _, pattern := range []string{"../../testdata/realdocs/*/*.txt", "../../testdata/realdocs/*/*.html", "../../seeds/*.txt", "testdata/*.html", "testdata/*.txt"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 50 {
		t.Fatalf("%d files to read", len(files))
	}
	lines, chrome := 0, 0
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(string(raw), "\n") {
			for _, line := range []string{strings.TrimSpace(l), firstSentence(strings.TrimSpace(l))} {
				lines++
				all, first := lineBlooms(line)
				for i := range chromeRes {
					p := &chromeRes[i]
					if !p.mayMatch(all, first) && p.re.MatchString(line) {
						t.Errorf("%s: %q matches %s, which the prefilter passed over", f, line, p.re)
					}
				}
				if IsChrome(line) {
					chrome++
				}
			}
		}
	}
	if chrome == 0 {
		t.Errorf("no chrome among %d lines: the test reads nothing it should", lines)
	}
}

// TestPrefilterSets: the characters an expression's matches may begin
// with, and whether it is anchored.
func TestPrefilterSets(t *testing.T) {
	tests := []struct {
		pattern      string
		any, anchors bool
		starts       string
	}{
		{`打印本页|分享到`, false, false, "打分"},
		{`^(当前位置|您的位置)`, false, true, "当您"},
		{`(?i:copyright)`, false, false, "cC"},
		{`^[【\[]?\s*字体[:：]`, false, true, "【[ 字"},
		{`(?:下载|浏览)[:：]?\s*\d+`, false, false, "下浏"},
		{`^[(（](?:此件|本件)[^)）]{0,12}[)）]$`, false, true, "(（"},
		{`.{0,3}末尾`, true, false, ""},
	}
	for _, tt := range tests {
		p := newPrefiltered(tt.pattern)
		if p.any != tt.any || p.anchored != tt.anchors {
			t.Errorf("%s: any %v anchored %v, want %v %v", tt.pattern, p.any, p.anchored, tt.any, tt.anchors)
			continue
		}
		for _, r := range tt.starts {
			var b runeBloom
			b.add(r)
			if !p.first.meets(b) {
				t.Errorf("%s: %q not among its first characters", tt.pattern, r)
			}
		}
	}
}

// firstSentence is a line up to its first 。, as the cleaning tests it.
func firstSentence(line string) string {
	if i := strings.Index(line, "。"); i >= 0 {
		return line[:i+len("。")]
	}
	return line
}
