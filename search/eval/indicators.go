package eval

import (
	"fmt"
	"io"
	"sort"

	"github.com/policysearch/policysearch/indexer/indicators"
)

// IndicatorsPath is the hand-labelled indicator set, relative to the
// repository root.
const IndicatorsPath = "testdata/indicators/labelled.yaml"

// WithIndicators is a report with the indicator extraction figures beside
// the ranking figures. Its JSON is the report's with one more key, so that
// readers of the ranking figures and the baseline (Report.Summary, which
// holds no indicator figures) are not disturbed.
type WithIndicators struct {
	*Report
	Indicators *indicators.Score `json:"indicators,omitempty"`
}

// RunIndicators scores the default indicator extractor on a labelled set.
func RunIndicators(path string) (*indicators.Score, error) {
	set, err := indicators.LoadLabelled(path)
	if err != nil {
		return nil, err
	}
	s := indicators.Default().Evaluate(set)
	return &s, nil
}

// WriteIndicators prints the indicator figures: precision and recall on
// whole records, the counts, and the failures by category.
func WriteIndicators(w io.Writer, s *indicators.Score) {
	fmt.Fprintf(w, "indicators: %d provisions, %d labelled figures, %d extracted, %d right: precision %.3f, recall %.3f\n",
		s.Provisions, s.Labelled, s.Extracted, s.Correct, s.Precision, s.Recall)
	cats := make([]string, 0, len(s.Failures))
	for c := range s.Failures {
		cats = append(cats, c)
	}
	sort.Strings(cats)
	for _, c := range cats {
		fmt.Fprintf(w, "  %-16s %d\n", c, s.Failures[c])
	}
}
