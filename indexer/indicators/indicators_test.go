package indicators

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Floors just under what the extractor reaches on the labelled set; a
// change that loses figures or reads them wrong fails here.
const (
	precisionFloor = 0.95
	recallFloor    = 0.89
)

var labelledPath = filepath.Join("..", "..", "testdata", "indicators", "labelled.yaml")

func TestLabelledSet(t *testing.T) {
	set, err := LoadLabelled(labelledPath)
	if err != nil {
		t.Fatal(err)
	}
	figures := 0
	for _, p := range set {
		src, err := os.ReadFile(filepath.Join("..", "..", p.Source))
		if err != nil {
			t.Fatalf("%s: %v", p.Source, err)
		}
		if !strings.Contains(string(src), p.Text) {
			t.Errorf("%s: text %q is not in the source", p.Source, p.Text)
		}
		for _, f := range p.Figures {
			if !strings.Contains(p.Text, f.Written) {
				t.Errorf("%q: written %q is not in the text", p.Text, f.Written)
			}
			switch f.Comparator {
			case AtLeast, AtMost, Equal:
			case Range:
				if f.Upper <= f.Value {
					t.Errorf("%q: range %v–%v", f.Written, f.Value, f.Upper)
				}
			default:
				t.Errorf("%q: comparator %q", f.Written, f.Comparator)
			}
			if f.Kind != Target && f.Kind != Achieved {
				t.Errorf("%q: kind %q", f.Written, f.Kind)
			}
		}
		figures += len(p.Figures)
	}
	if figures < 200 {
		t.Errorf("%d labelled figures, want 200 or more", figures)
	}
}

func TestPrecisionRecall(t *testing.T) {
	set, err := LoadLabelled(labelledPath)
	if err != nil {
		t.Fatal(err)
	}
	s := Default().Evaluate(set)
	t.Logf("provisions %d, labelled %d, extracted %d, correct %d: precision %.3f, recall %.3f",
		s.Provisions, s.Labelled, s.Extracted, s.Correct, s.Precision, s.Recall)
	t.Logf("failures by category: %v", s.Failures)
	if testing.Verbose() {
		for _, e := range s.Errors {
			t.Log(e)
		}
	}
	if s.Precision < precisionFloor {
		t.Errorf("precision %.3f, want ≥ %.2f", s.Precision, precisionFloor)
	}
	if s.Recall < recallFloor {
		t.Errorf("recall %.3f, want ≥ %.2f", s.Recall, recallFloor)
	}
}
