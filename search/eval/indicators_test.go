package eval

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestIndicatorsReport(t *testing.T) {
	s, err := RunIndicators(filepath.Join("..", "..", filepath.FromSlash(IndicatorsPath)))
	if err != nil {
		t.Fatal(err)
	}
	if s.Labelled < 200 || s.Extracted == 0 || s.Precision <= 0 || s.Recall <= 0 {
		t.Fatalf("figures %+v", s)
	}
	var out bytes.Buffer
	WriteIndicators(&out, s)
	if !strings.Contains(out.String(), "precision") {
		t.Errorf("output %q", out.String())
	}
	// The ranking report's keys stay where they were; the indicator
	// figures are one more key, and the baseline summary holds none.
	rep := &Report{Queries: map[string]map[string]Metrics{}, Similar: map[string]Metrics{}}
	raw, err := json.Marshal(WithIndicators{Report: rep, Indicators: s})
	if err != nil {
		t.Fatal(err)
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(raw, &keys); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"queries", "similar", "indicators"} {
		if _, ok := keys[k]; !ok {
			t.Errorf("JSON report lacks %q: %s", k, raw)
		}
	}
	if sum, _ := json.Marshal(rep.Summary()); strings.Contains(string(sum), "indicators") {
		t.Errorf("summary holds indicator figures: %s", sum)
	}
}

// TestIndicatorsKeepTheBaseline holds the indicator extraction to the
// precision and recall of the committed baseline.
func TestIndicatorsKeepTheBaseline(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "testdata", "eval", "baseline.json"))
	if err != nil {
		t.Fatal(err)
	}
	var base struct {
		Indicators *struct {
			Precision float64 `json:"precision"`
			Recall    float64 `json:"recall"`
		} `json:"indicators"`
	}
	if err := json.Unmarshal(raw, &base); err != nil {
		t.Fatal(err)
	}
	if base.Indicators == nil {
		t.Fatal("the baseline holds no indicator figures (policysearch eval --write-baseline)")
	}
	s, err := RunIndicators(filepath.Join("..", "..", filepath.FromSlash(IndicatorsPath)))
	if err != nil {
		t.Fatal(err)
	}
	const margin = 0.015
	if s.Precision < base.Indicators.Precision-margin || s.Recall < base.Indicators.Recall-margin {
		t.Errorf("indicators: precision %.3f, recall %.3f; the baseline has %.3f, %.3f",
			s.Precision, s.Recall, base.Indicators.Precision, base.Indicators.Recall)
	}
}
