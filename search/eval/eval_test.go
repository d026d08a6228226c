package eval_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/policysearch/policysearch/search"
	"github.com/policysearch/policysearch/search/eval"
	"github.com/policysearch/policysearch/seeds"
)

// margin is how far a figure may fall below the committed baseline before
// the test fails: small enough to catch a real loss, large enough for a
// single judged query moving one place.
const margin = 0.015

var setDir = filepath.Join("..", "..", "testdata", "eval")

// TestRankingKeepsTheBaseline runs the relevance set on a fresh index of the
// seeds and compares every figure with testdata/eval/baseline.json
// (written by `policysearch eval --write-baseline`).
func TestRankingKeepsTheBaseline(t *testing.T) {
	rep := run(t)
	raw, err := os.ReadFile(filepath.Join(setDir, "baseline.json"))
	if err != nil {
		t.Fatal(err)
	}
	var base eval.Report
	if err := json.Unmarshal(raw, &base); err != nil {
		t.Fatal(err)
	}
	for cfg, kinds := range base.Queries {
		for kind, want := range kinds {
			got, ok := rep.Queries[cfg][kind]
			if !ok {
				t.Errorf("%s/%s: no longer measured", cfg, kind)
				continue
			}
			check(t, cfg+"/"+kind, got, want)
		}
	}
	for name, want := range base.Similar {
		check(t, "similar/"+name, rep.Similar[name], want)
	}
}

// TestExpansionPaysItsWay holds the query-understanding bargain: it lifts
// everyday-words queries by at least 0.10 nDCG@10 and costs the queries in
// the documents' own terms no more than 0.01; and the default mode is at
// least as good as keyword search overall.
func TestExpansionPaysItsWay(t *testing.T) {
	rep := run(t)
	on, off := rep.Queries["keyword"], rep.Queries["keyword-noexpand"]
	if gain := on["everyday"].NDCG - off["everyday"].NDCG; gain < 0.10 {
		t.Errorf("expansion lifts everyday queries by %.3f nDCG@10, want ≥ 0.10", gain)
	}
	for _, kind := range []string{"term", "need", "draft", "filtered"} {
		if loss := off[kind].NDCG - on[kind].NDCG; loss > 0.01 {
			t.Errorf("expansion costs %s queries %.3f nDCG@10, want ≤ 0.01", kind, loss)
		}
	}
	if h, k := rep.Queries["hybrid"]["all"].NDCG, on["all"].NDCG; h < k {
		t.Errorf("hybrid nDCG@10 %.3f below keyword %.3f: hybrid must not be the default", h, k)
	}
}

func check(t *testing.T, name string, got, want eval.Metrics) {
	t.Helper()
	for _, f := range []struct {
		what      string
		got, want float64
	}{{"nDCG", got.NDCG, want.NDCG}, {"recall", got.Recall, want.Recall}, {"MRR", got.MRR, want.MRR}} {
		if f.got < f.want-margin {
			t.Errorf("%s %s %.3f, below the baseline %.3f", name, f.what, f.got, f.want)
		}
	}
}

var report *eval.Report

// run evaluates once per test binary.
func run(t *testing.T) *eval.Report {
	t.Helper()
	if report != nil {
		return report
	}
	set, err := eval.Load(setDir)
	if err != nil {
		t.Fatal(err)
	}
	an, err := search.NewAnalysis("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(an.Close)
	e, err := search.Open(context.Background(), an, search.OpenOptions{IndexDir: t.TempDir(), Corpus: seeds.FS})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	rep, err := eval.Run(context.Background(), e, set)
	if err != nil {
		t.Fatal(err)
	}
	report = rep
	return rep
}

// TestSimilarBeatsPlainBM25 holds similar provisions above the plain
// ranker they replace (BM25 with the whole source as the query): at least
// 0.05 more Recall@5 over every judged case, and no less nDCG@5.
func TestSimilarBeatsPlainBM25(t *testing.T) {
	rep := run(t)
	got, base := rep.Similar[eval.SimilarName], rep.Similar[eval.SimilarBaseline]
	if gain := got.Recall - base.Recall; gain < 0.05 {
		t.Errorf("similar provisions Recall@5 %.3f, %.3f above plain BM25's %.3f; want ≥ 0.05", got.Recall, gain, base.Recall)
	}
	if got.NDCG < base.NDCG {
		t.Errorf("similar provisions nDCG@5 %.3f below plain BM25's %.3f", got.NDCG, base.NDCG)
	}
}
