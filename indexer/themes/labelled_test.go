package themes

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/policysearch/policysearch/analyzers"
	"github.com/policysearch/policysearch/analyzers/vocab"
	"github.com/policysearch/policysearch/seeds"
)

// labelledPath is the hand-labelled sample of seed provisions.
var labelledPath = filepath.Join("..", "..", "testdata", "themes", "labelled.yaml")

// minMicroF1 is the floor for micro-averaged F1 on the labelled sample, set
// a little below what the classifier achieves so that regressions show.
const minMicroF1 = 0.87

type labelledFile struct {
	Themes     []string `yaml:"themes"`
	Provisions []struct {
		Excerpt string   `yaml:"excerpt"`
		Themes  []string `yaml:"themes"`
	} `yaml:"provisions"`
}

// segment is a stretch of a seed between two numbering marks: a numbered
// item, or a chapter/section heading with whatever follows it.
type segment struct {
	text     string   // normalised, numbering mark removed
	headings []string // enclosing headings, outermost first
	heading  bool     // the segment is itself a heading
}

// Numbering marks: 一、 chapters, (一) sections, 1. items. Each must start a
// line or follow white space or the end of a sentence; an item number must
// not be followed by a digit (2.0版, 4.25张).
var (
	chapterMark = regexp.MustCompile(`(?m)(?:^|[\s。|])[ \t-]*([一二三四五六七八九十]{1,3}、)`)
	sectionMark = regexp.MustCompile(`(?m)(?:^|[\s。|])[ \t-]*([（(][一二三四五六七八九十]{1,3}[)）])`)
	itemMark    = regexp.MustCompile(`(?m)(?:^|[\s。；;|])[ \t-]*(\d{1,3}\s*[.．、])\s*[^\d\s]`)
)

// splitSeed cuts a seed document into segments at its numbering marks. It
// is deliberately simple: enough to find the provision an excerpt comes
// from without depending on the document parser.
func splitSeed(raw string) []segment {
	type mark struct {
		start, bodyStart int
		level            int // 0 chapter, 1 section, 2 item
	}
	var marks []mark
	for level, re := range []*regexp.Regexp{chapterMark, sectionMark, itemMark} {
		for _, m := range re.FindAllStringSubmatchIndex(raw, -1) {
			marks = append(marks, mark{start: m[2], bodyStart: m[3], level: level})
		}
	}
	sort.Slice(marks, func(i, j int) bool { return marks[i].start < marks[j].start })

	var segs []segment
	var chapter, section string
	for i, m := range marks {
		end := len(raw)
		if i+1 < len(marks) {
			end = marks[i+1].start
		}
		body := analyzers.Normalize(raw[m.bodyStart:end])
		title := analyzers.Normalize(raw[m.start:m.bodyStart]) + firstSentence(body)
		switch m.level {
		case 0:
			segs = append(segs, segment{text: body, heading: true})
			chapter, section = title, ""
		case 1:
			segs = append(segs, segment{text: body, headings: nonEmpty(chapter), heading: true})
			section = title
		default:
			segs = append(segs, segment{text: body, headings: nonEmpty(chapter, section)})
		}
	}
	return segs
}

// firstSentence returns text up to its first full stop, at most 40 runes.
func firstSentence(text string) string {
	if i := strings.Index(text, "。"); i >= 0 {
		text = text[:i]
	}
	if utf8.RuneCountInString(text) > 40 {
		text = string([]rune(text)[:40])
	}
	return text
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func loadSegments(t *testing.T) []segment {
	t.Helper()
	var segs []segment
	err := fs.WalkDir(seeds.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".txt") {
			return err
		}
		raw, err := fs.ReadFile(seeds.FS, path)
		if err != nil {
			return fmt.Errorf("read seed %s: %w", path, err)
		}
		segs = append(segs, splitSeed(string(raw))...)
		return nil
	})
	if err != nil {
		t.Fatalf("seeds: %v", err)
	}
	return segs
}

// findProvision returns the segment an excerpt comes from, preferring one
// whose text opens with the excerpt (a title) and items over headings.
func findProvision(segs []segment, excerpt string) (segment, bool) {
	best, bestRank := segment{}, -1
	for _, s := range segs {
		if !strings.Contains(s.text, excerpt) {
			continue
		}
		rank := 1
		if strings.HasPrefix(s.text, excerpt) {
			rank += 2
		}
		if !s.heading {
			rank++
		}
		if rank > bestRank {
			best, bestRank = s, rank
		}
	}
	return best, bestRank >= 0
}

type counts struct{ tp, fp, fn int }

func prf(c counts) (p, r, f float64) {
	if c.tp+c.fp > 0 {
		p = float64(c.tp) / float64(c.tp+c.fp)
	}
	if c.tp+c.fn > 0 {
		r = float64(c.tp) / float64(c.tp+c.fn)
	}
	if p+r > 0 {
		f = 2 * p * r / (p + r)
	}
	return p, r, f
}

type evaluation struct {
	micro               counts
	perTheme            map[string]*counts
	found, missing      int
	macroP, macroR, mF1 float64
	errors              []string
}

func evaluate(t *testing.T, c *Classifier, lf labelledFile, segs []segment, useHeadings bool) evaluation {
	t.Helper()
	ev := evaluation{perTheme: make(map[string]*counts)}
	for _, th := range lf.Themes {
		ev.perTheme[th] = &counts{}
	}
	for _, p := range lf.Provisions {
		excerpt := analyzers.Normalize(p.Excerpt)
		seg, ok := findProvision(segs, excerpt)
		if !ok {
			ev.missing++
			t.Logf("excerpt not found in the seeds: %q", p.Excerpt)
			continue
		}
		ev.found++
		var headings []string
		if useHeadings {
			headings = seg.headings
		}
		res := c.ClassifyWithContext(seg.text, headings)
		gold := make(map[string]bool)
		for _, th := range p.Themes {
			gold[th] = true
		}
		pred := make(map[string]bool)
		for _, th := range res.Themes {
			pred[th] = true
		}
		for th := range pred {
			pc := ev.perTheme[th]
			if pc == nil {
				pc = &counts{}
				ev.perTheme[th] = pc
			}
			if gold[th] {
				pc.tp++
				ev.micro.tp++
			} else {
				pc.fp++
				ev.micro.fp++
			}
		}
		for th := range gold {
			if !pred[th] {
				pc := ev.perTheme[th]
				if pc == nil {
					pc = &counts{}
					ev.perTheme[th] = pc
				}
				pc.fn++
				ev.micro.fn++
			}
		}
		if !sameSet(gold, pred) {
			ev.errors = append(ev.errors, fmt.Sprintf("%q gold %v got %v", p.Excerpt, p.Themes, res))
		}
	}
	n := 0
	for _, pc := range ev.perTheme {
		if pc.tp+pc.fp+pc.fn == 0 {
			continue
		}
		p, r, f := prf(*pc)
		ev.macroP += p
		ev.macroR += r
		ev.mF1 += f
		n++
	}
	if n > 0 {
		ev.macroP /= float64(n)
		ev.macroR /= float64(n)
		ev.mF1 /= float64(n)
	}
	return ev
}

func sameSet(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

func loadLabelled(t *testing.T) labelledFile {
	t.Helper()
	data, err := os.ReadFile(labelledPath)
	if os.IsNotExist(err) {
		t.Skipf("%s not present", labelledPath)
	}
	if err != nil {
		t.Fatalf("read labelled sample: %v", err)
	}
	var lf labelledFile
	if err := yaml.Unmarshal(data, &lf); err != nil {
		t.Fatalf("parse %s: %v", labelledPath, err)
	}
	if len(lf.Provisions) == 0 {
		t.Skipf("%s holds no provisions yet", labelledPath)
	}
	return lf
}

// TestLabelledSample measures the classifier against the hand-labelled
// sample and fails only if micro-F1 drops below minMicroF1.
func TestLabelledSample(t *testing.T) {
	lf := loadLabelled(t)
	v, err := vocab.Default()
	if err != nil {
		t.Fatal(err)
	}
	known := make(map[string]bool)
	for _, th := range v.ThemeNames() {
		known[th] = true
	}
	for _, p := range lf.Provisions {
		for _, th := range p.Themes {
			if !known[th] {
				t.Errorf("excerpt %q labelled with unknown theme %q", p.Excerpt, th)
			}
		}
	}
	c := New(v)
	segs := loadSegments(t)

	for _, mode := range []struct {
		name        string
		useHeadings bool
	}{{"text only", false}, {"text and headings", true}} {
		ev := evaluate(t, c, lf, segs, mode.useHeadings)
		p, r, f := prf(ev.micro)
		t.Logf("%s: %d provisions (%d excerpts not found)", mode.name, ev.found, ev.missing)
		t.Logf("  micro P %.3f R %.3f F1 %.3f | macro P %.3f R %.3f F1 %.3f", p, r, f, ev.macroP, ev.macroR, ev.mF1)
		if !mode.useHeadings {
			continue
		}
		for _, th := range v.ThemeNames() {
			pc := ev.perTheme[th]
			if pc == nil {
				continue
			}
			tp, tr, tf := prf(*pc)
			t.Logf("  %-10s gold %3d  tp %3d fp %3d fn %3d  P %.2f R %.2f F1 %.2f", th, pc.tp+pc.fn, pc.tp, pc.fp, pc.fn, tp, tr, tf)
		}
		if testing.Verbose() {
			for _, e := range ev.errors {
				t.Logf("  differs: %s", e)
			}
		}
		if ev.missing*5 > len(lf.Provisions) {
			t.Errorf("%d of %d excerpts not found in the seeds", ev.missing, len(lf.Provisions))
		}
		if f < minMicroF1 {
			t.Errorf("micro-F1 %.3f below the floor %.2f", f, minMicroF1)
		}
	}
}
