package indicators

import (
	"fmt"
	"math"
	"os"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/policysearch/policysearch/analyzers"
)

// LabelledFigure is a figure labelled by hand (see
// testdata/indicators/labelled.yaml for the conventions).
type LabelledFigure struct {
	Written    string     `yaml:"written"`
	Indicator  string     `yaml:"indicator"`
	Value      float64    `yaml:"value"`
	Upper      float64    `yaml:"upper"`
	Unit       string     `yaml:"unit"`
	Comparator Comparator `yaml:"comparator"`
	Kind       Kind       `yaml:"kind"`
	Population string     `yaml:"population"`
}

// LabelledProvision is a provision's text with every indicator figure in it.
type LabelledProvision struct {
	Source  string           `yaml:"source"`
	Type    string           `yaml:"type"`
	Year    int              `yaml:"year"`
	Text    string           `yaml:"text"`
	Figures []LabelledFigure `yaml:"figures"`
}

// LoadLabelled reads a labelled set.
func LoadLabelled(path string) ([]LabelledProvision, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read labelled indicators: %w", err)
	}
	var f struct {
		Provisions []LabelledProvision `yaml:"provisions"`
	}
	if err := yaml.Unmarshal(raw, &f); err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	return f.Provisions, nil
}

// Failure categories of Score.Failures.
const (
	FailMissed     = "missed"         // a labelled figure with no record
	FailSpurious   = "spurious"       // a record where no figure is labelled
	FailValue      = "value or unit"  // the record's value, upper end or unit differ
	FailName       = "indicator name" // the names differ beyond synonymy
	FailComparator = "comparator"
	FailKind       = "kind"
)

// Score is the extractor's precision and recall on a labelled set; a
// record is right when its value, unit, comparator and kind are the
// label's and its name is the label's up to synonymy.
type Score struct {
	Provisions int            `json:"provisions"`
	Labelled   int            `json:"labelled"`
	Extracted  int            `json:"extracted"`
	Correct    int            `json:"correct"`
	Precision  float64        `json:"precision"`
	Recall     float64        `json:"recall"`
	Failures   map[string]int `json:"failures"` // by category; a wrong record counts once
	// Errors describes each failure, for reading (not in reports).
	Errors []string `json:"-"`
}

// Evaluate runs the extractor over every labelled provision and scores the
// records against the labels. A record answers a label when their spans
// overlap (the label's span is where its written figure is found, in
// order, in the text).
func (e *Extractor) Evaluate(set []LabelledProvision) Score {
	s := Score{Provisions: len(set), Failures: map[string]int{}}
	for _, p := range set {
		recs := e.Extract(p.Text, Context{DocType: p.Type, Year: p.Year})
		s.Extracted += len(recs)
		s.Labelled += len(p.Figures)
		used := make([]bool, len(recs))
		from := 0
		for _, f := range p.Figures {
			at := strings.Index(p.Text[from:], f.Written)
			if at < 0 {
				at = strings.Index(p.Text, f.Written)
			} else {
				at += from
			}
			if at < 0 {
				s.Failures[FailMissed]++
				s.Errors = append(s.Errors, fmt.Sprintf("%s: written %q not in text", FailMissed, f.Written))
				continue
			}
			from = at + len(f.Written)
			ls, le := at, at+len(f.Written)
			k := -1
			for i, r := range recs {
				if !used[i] && r.Start < le && ls < r.End {
					k = i
					break
				}
			}
			if k < 0 {
				s.Failures[FailMissed]++
				s.Errors = append(s.Errors, fmt.Sprintf("%s: %s %s (%s)", FailMissed, f.Indicator, f.Written, excerpt(p.Text, ls)))
				continue
			}
			used[k] = true
			if why := e.mismatch(recs[k], f); why != "" {
				s.Failures[why]++
				s.Errors = append(s.Errors, fmt.Sprintf("%s: want %s %v%s %s %s, got %s %v%s %s %s (%s)", why,
					f.Indicator, f.Value, f.Unit, f.Comparator, f.Kind,
					recs[k].Indicator, recs[k].Value, recs[k].Unit, recs[k].Comparator, recs[k].Kind, excerpt(p.Text, ls)))
				continue
			}
			s.Correct++
		}
		for i, r := range recs {
			if !used[i] {
				s.Failures[FailSpurious]++
				s.Errors = append(s.Errors, fmt.Sprintf("%s: %s %v%s %s (%s)", FailSpurious, r.Indicator, r.Value, r.Unit, r.Comparator, excerpt(p.Text, r.Start)))
			}
		}
	}
	if s.Extracted > 0 {
		s.Precision = float64(s.Correct) / float64(s.Extracted)
	}
	if s.Labelled > 0 {
		s.Recall = float64(s.Correct) / float64(s.Labelled)
	}
	sort.Strings(s.Errors)
	return s
}

// mismatch returns the first category in which a record differs from its
// label, or "".
func (e *Extractor) mismatch(r Indicator, f LabelledFigure) string {
	switch {
	case math.Abs(r.Value-f.Value) > 1e-9 || math.Abs(r.Upper-f.Upper) > 1e-9 || r.Unit != f.Unit:
		return FailValue
	case !e.SameIndicator(r.Indicator, f.Indicator):
		return FailName
	case r.Comparator != f.Comparator:
		return FailComparator
	case r.Kind != f.Kind:
		return FailKind
	}
	return ""
}

// SameIndicator reports whether two names name the same indicator: both
// resolve to one entry of the table, or, neither being in the table, one
// written name holds the other (新增托位 and 托位; where a written name's
// edges fall is a matter of wording, not of meaning).
func (e *Extractor) SameIndicator(a, b string) bool {
	na, nb := analyzers.Normalize(a), analyzers.Normalize(b)
	ia, okA := e.byName[na]
	ib, okB := e.byName[nb]
	switch {
	case okA && okB:
		return ia == ib
	case okA || okB:
		return false
	}
	return na == nb || (na != "" && nb != "" && (strings.Contains(na, nb) || strings.Contains(nb, na)))
}

// excerpt returns a few characters of text around byte offset i.
func excerpt(text string, i int) string {
	r := []rune(text[:i])
	from := len(r) - 12
	if from < 0 {
		from = 0
	}
	rest := []rune(text[i:])
	if len(rest) > 12 {
		rest = rest[:12]
	}
	return string(r[from:]) + string(rest)
}
