package exec

import (
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/policysearch/policysearch/search/exec/exectest"
)

// TestScaledAndConstantScores checks the two score wrappers on a real
// index: a scaled clause scores its child's score times the boost (which
// bleve's own boost on a disjunction does not do), and a constant clause
// scores its boost on every match of its child.
func TestScaledAndConstantScores(t *testing.T) {
	idx := wordsIndex(t)
	term := func() query.Query {
		tq := bleve.NewTermQuery("beta")
		tq.SetField(wordsField)
		return tq
	}
	scores := func(q query.Query) map[string]float64 { return exectest.BleveScores(t, idx, q) }
	plain := scores(bleve.NewDisjunctionQuery(term()))
	if len(plain) == 0 {
		t.Fatal("no matches")
	}
	ignored := bleve.NewDisjunctionQuery(term())
	ignored.SetBoost(0.5)
	half := scores(bleve.NewDisjunctionQuery(Scaled(term(), 0.5)))
	flat := scores(bleve.NewDisjunctionQuery(Constant(term(), 2)))
	bleveBoost := scores(ignored)
	same := true
	for id, s := range plain {
		if d := half[id] - s/2; d > 1e-9 || d < -1e-9 {
			t.Errorf("%s: scaled score %v, want %v", id, half[id], s/2)
		}
		if flat[id] != 2 {
			t.Errorf("%s: constant score %v, want 2", id, flat[id])
		}
		same = same && bleveBoost[id] == s
	}
	if len(half) != len(plain) || len(flat) != len(plain) {
		t.Errorf("matches: plain %d, scaled %d, constant %d", len(plain), len(half), len(flat))
	}
	if !same {
		// Then bleve applies a compound query's boost itself, and scaled
		// clauses may be weighed twice: Scaled is no longer needed.
		t.Errorf("bleve now applies a disjunction's boost")
	}
}
