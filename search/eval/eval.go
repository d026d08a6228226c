// Package eval measures ranking quality on judged queries and similar-
// provision cases: nDCG, recall and MRR per query kind and search mode.
package eval

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"gopkg.in/yaml.v3"

	"github.com/policysearch/policysearch/analyzers"
	"github.com/policysearch/policysearch/search"
)

// Judgment grades one provision, identified by an exact excerpt of its text
// (so the set survives re-indexing and id changes).
type Judgment struct {
	Excerpt string `yaml:"excerpt"`
	Grade   int    `yaml:"grade"`
}

// JudgedQuery is a query with the provisions judged relevant to it.
type JudgedQuery struct {
	ID        string              `yaml:"id"`
	Kind      string              `yaml:"kind"`
	Query     string              `yaml:"query"`
	Filters   map[string][]string `yaml:"filters"`
	Judgments []Judgment          `yaml:"judgments"`
}

// SimilarCase is a source provision with its judged parallels.
type SimilarCase struct {
	ID        string     `yaml:"id"`
	Source    string     `yaml:"source"`
	Parallels []Judgment `yaml:"parallels"`
}

// Set is a relevance set.
type Set struct {
	Queries []JudgedQuery
	Similar []SimilarCase
}

// Load reads queries.yaml and similar.yaml from dir.
func Load(dir string) (*Set, error) {
	var s Set
	var q struct {
		Queries []JudgedQuery `yaml:"queries"`
	}
	if err := readYAML(filepath.Join(dir, "queries.yaml"), &q); err != nil {
		return nil, err
	}
	s.Queries = q.Queries
	var sim struct {
		Similar []SimilarCase `yaml:"similar"`
	}
	if err := readYAML(filepath.Join(dir, "similar.yaml"), &sim); err != nil {
		return nil, err
	}
	s.Similar = sim.Similar
	return &s, nil
}

func readYAML(path string, v interface{}) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read relevance set: %w", err)
	}
	if err := yaml.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("parse %s: %w", path, err)
	}
	return nil
}

// Resolver finds the one provision whose text holds an excerpt.
type Resolver struct {
	engine *search.Engine
	texts  map[string]string // provision id → normalised text, loaded once
	cache  map[string]string
}

// NewResolver returns a Resolver over an engine.
func NewResolver(e *search.Engine) *Resolver {
	return &Resolver{engine: e, cache: map[string]string{}}
}

// Resolve returns the id of the provision holding excerpt; an excerpt found
// in no provision or in several is an error in the relevance set. It scans
// the stored texts rather than searching, so the set does not depend on the
// ranking it measures.
func (r *Resolver) Resolve(ctx context.Context, excerpt string) (string, error) {
	if id, ok := r.cache[excerpt]; ok {
		return id, nil
	}
	if r.texts == nil {
		if err := r.load(ctx); err != nil {
			return "", err
		}
	}
	want := analyzers.Normalize(excerpt)
	var found []string
	for id, text := range r.texts {
		if strings.Contains(text, want) {
			found = append(found, id)
		}
	}
	if len(found) != 1 {
		sort.Strings(found)
		return "", fmt.Errorf("excerpt %q is in %d provisions %v, want exactly 1", excerpt, len(found), found)
	}
	r.cache[excerpt] = found[0]
	return found[0], nil
}

func (r *Resolver) load(ctx context.Context) error {
	st := r.engine.Store()
	infos, err := st.Documents(ctx)
	if err != nil {
		return fmt.Errorf("list documents: %w", err)
	}
	r.texts = map[string]string{}
	for _, info := range infos {
		d, err := st.Document(ctx, info.ID)
		if err != nil {
			return fmt.Errorf("read document %s: %w", info.ID, err)
		}
		for _, p := range d.Provisions {
			r.texts[p.ID] = analyzers.Normalize(p.Text)
		}
	}
	return nil
}

// Metrics are mean figures over a group of queries.
type Metrics struct {
	N      int     `json:"n"`
	NDCG   float64 `json:"ndcg"`
	Recall float64 `json:"recall"`
	MRR    float64 `json:"mrr"`
	Cutoff int     `json:"cutoff"`
	// Each lists the score of every query or case, weakest first, to show
	// where a mechanism falls short.
	Each []Scored `json:"each,omitempty"`
}

// Scored is one query's or case's figures.
type Scored struct {
	ID     string  `json:"id"`
	Text   string  `json:"text"`
	NDCG   float64 `json:"ndcg"`
	Recall float64 `json:"recall"`
}

func sortScored(s []Scored) {
	sort.SliceStable(s, func(i, j int) bool { return s[i].NDCG < s[j].NDCG })
}

// Ranker returns ranked provision ids for a judged query.
type Ranker func(ctx context.Context, q JudgedQuery, k int) ([]string, error)

// RunQueries scores a ranker on every query, grouped by kind ("all" too).
func RunQueries(ctx context.Context, set *Set, res *Resolver, rank Ranker, k int) (map[string]Metrics, error) {
	groups := map[string][]float64{}
	recalls := map[string][]float64{}
	rrs := map[string][]float64{}
	each := map[string][]Scored{}
	for _, q := range set.Queries {
		grades, err := gradesOf(ctx, res, q.Judgments)
		if err != nil {
			return nil, fmt.Errorf("query %s: %w", q.ID, err)
		}
		ids, err := rank(ctx, q, k)
		if err != nil {
			return nil, fmt.Errorf("query %s (%s): %w", q.ID, q.Query, err)
		}
		n, r, rr := score(ids, grades, k)
		for _, g := range []string{q.Kind, "all"} {
			each[g] = append(each[g], Scored{ID: q.ID, Text: q.Query, NDCG: n, Recall: r})
			groups[g] = append(groups[g], n)
			recalls[g] = append(recalls[g], r)
			rrs[g] = append(rrs[g], rr)
		}
	}
	out := map[string]Metrics{}
	for g := range groups {
		sortScored(each[g])
		out[g] = Metrics{N: len(groups[g]), NDCG: mean(groups[g]), Recall: mean(recalls[g]), MRR: mean(rrs[g]), Cutoff: k, Each: each[g]}
	}
	return out, nil
}

// SimilarRanker returns ranked provision ids similar to a source provision.
type SimilarRanker func(ctx context.Context, sourceID string, k int) ([]string, error)

// RunSimilar scores similar-provision retrieval at cutoff k.
func RunSimilar(ctx context.Context, set *Set, res *Resolver, rank SimilarRanker, k int) (Metrics, error) {
	var ns, rs, rrs []float64
	var each []Scored
	for _, c := range set.Similar {
		src, err := res.Resolve(ctx, c.Source)
		if err != nil {
			return Metrics{}, fmt.Errorf("similar %s source: %w", c.ID, err)
		}
		grades, err := gradesOf(ctx, res, c.Parallels)
		if err != nil {
			return Metrics{}, fmt.Errorf("similar %s: %w", c.ID, err)
		}
		ids, err := rank(ctx, src, k)
		if err != nil {
			return Metrics{}, fmt.Errorf("similar %s: %w", c.ID, err)
		}
		n, r, rr := score(ids, grades, k)
		ns, rs, rrs = append(ns, n), append(rs, r), append(rrs, rr)
		each = append(each, Scored{ID: c.ID, Text: c.Source, NDCG: n, Recall: r})
	}
	sortScored(each)
	return Metrics{N: len(ns), NDCG: mean(ns), Recall: mean(rs), MRR: mean(rrs), Cutoff: k, Each: each}, nil
}

func gradesOf(ctx context.Context, res *Resolver, js []Judgment) (map[string]int, error) {
	grades := map[string]int{}
	for _, j := range js {
		id, err := res.Resolve(ctx, j.Excerpt)
		if err != nil {
			return nil, err
		}
		if j.Grade > grades[id] {
			grades[id] = j.Grade
		}
	}
	return grades, nil
}

// score computes nDCG@k (gain 2^grade−1), recall@k and reciprocal rank.
func score(ids []string, grades map[string]int, k int) (ndcg, recall, rr float64) {
	if len(ids) > k {
		ids = ids[:k]
	}
	dcg := 0.0
	found := 0
	for i, id := range ids {
		g := grades[id]
		if g <= 0 {
			continue
		}
		dcg += (math.Pow(2, float64(g)) - 1) / math.Log2(float64(i+2))
		found++
		if rr == 0 {
			rr = 1 / float64(i+1)
		}
	}
	var ideal []int
	relevant := 0
	for _, g := range grades {
		if g > 0 {
			ideal = append(ideal, g)
			relevant++
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(ideal)))
	idcg := 0.0
	for i, g := range ideal {
		if i >= k {
			break
		}
		idcg += (math.Pow(2, float64(g)) - 1) / math.Log2(float64(i+2))
	}
	if idcg > 0 {
		ndcg = dcg / idcg
	}
	if relevant > 0 {
		recall = float64(found) / float64(relevant)
	}
	return ndcg, recall, rr
}

func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// Report is the figures of one evaluation run: per configuration (e.g.
// "keyword", "hybrid", "keyword/no-expand") and per query kind.
type Report struct {
	Queries map[string]map[string]Metrics `json:"queries"`
	Similar map[string]Metrics            `json:"similar"`
}

// Summary returns the report without the per-query figures: what a
// baseline keeps.
func (r *Report) Summary() *Report {
	out := &Report{Queries: map[string]map[string]Metrics{}, Similar: map[string]Metrics{}}
	for c, kinds := range r.Queries {
		out.Queries[c] = map[string]Metrics{}
		for k, m := range kinds {
			m.Each = nil
			out.Queries[c][k] = m
		}
	}
	for c, m := range r.Similar {
		m.Each = nil
		out.Similar[c] = m
	}
	return out
}

// Write prints the report as aligned tables.
func (r *Report) Write(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	configs := sortedKeys(r.Queries)
	kinds := map[string]bool{}
	for _, c := range configs {
		for k := range r.Queries[c] {
			kinds[k] = true
		}
	}
	kindList := sortedKeys(kinds)
	fmt.Fprintln(tw, "config\tkind\tqueries\tnDCG@10\tRecall@10\tMRR")
	for _, c := range configs {
		for _, k := range kindList {
			m, ok := r.Queries[c][k]
			if !ok {
				continue
			}
			fmt.Fprintf(tw, "%s\t%s\t%d\t%.3f\t%.3f\t%.3f\n", c, k, m.N, m.NDCG, m.Recall, m.MRR)
		}
	}
	_ = tw.Flush()
	r.writeSimilar(w)
}

// writeSimilar prints the similar-provision figures: the mechanism's
// beside the plain baseline's, on every case and on each batch.
func (r *Report) writeSimilar(w io.Writer) {
	if len(r.Similar) == 0 {
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\nsimilar\tcases\tRecall@5\tnDCG@5\tMRR\tBM25 Recall@5\tBM25 nDCG@5\tBM25 MRR\tΔRecall@5\tΔnDCG@5")
	for _, k := range sortedKeys(r.Similar) {
		name, batch, _ := strings.Cut(k, "/")
		if name == SimilarBaseline {
			continue
		}
		m := r.Similar[k]
		label := "all cases"
		if batch != "" {
			label = "cases " + batch + "…"
		}
		if name != SimilarName {
			label = k
		}
		fmt.Fprintf(tw, "%s\t%d\t%.3f\t%.3f\t%.3f", label, m.N, m.Recall, m.NDCG, m.MRR)
		base, ok := r.Similar[SimilarBaseline+strings.TrimPrefix(k, name)]
		if name == SimilarName && ok {
			fmt.Fprintf(tw, "\t%.3f\t%.3f\t%.3f\t%+.3f\t%+.3f", base.Recall, base.NDCG, base.MRR, m.Recall-base.Recall, m.NDCG-base.NDCG)
		}
		fmt.Fprintln(tw)
	}
	_ = tw.Flush()
}

// WriteEach lists every query's and case's figures for one configuration,
// weakest first.
func (r *Report) WriteEach(w io.Writer, config string) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "id	nDCG	recall	text")
	if m, ok := r.Queries[config]["all"]; ok {
		for _, s := range m.Each {
			fmt.Fprintf(tw, "%s\t%.3f\t%.3f\t%s\n", s.ID, s.NDCG, s.Recall, s.Text)
		}
	}
	_ = tw.Flush()
	m, ok := r.Similar[SimilarName]
	if !ok {
		return
	}
	base := map[string]Scored{}
	for _, s := range r.Similar[SimilarBaseline].Each {
		base[s.ID] = s
	}
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\nid\tnDCG@5\trecall@5\tBM25 nDCG@5\tBM25 recall@5\tsource")
	for _, s := range m.Each {
		b := base[s.ID]
		fmt.Fprintf(tw, "%s\t%.3f\t%.3f\t%.3f\t%.3f\t%s\n", s.ID, s.NDCG, s.Recall, b.NDCG, b.Recall, s.Text)
	}
	_ = tw.Flush()
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
