package search_test

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/policysearch/policysearch/analyzers"
	"github.com/policysearch/policysearch/indexer"
	"github.com/policysearch/policysearch/search"
	"github.com/policysearch/policysearch/seeds"
)

// engine is one real index on disk, built from the seed documents once for
// the whole test binary.
var engine *search.Engine

// analysis is the segmenter and vocabulary shared by every engine the tests open.
var analysis *search.Analysis

func TestMain(m *testing.M) {
	os.Exit(func() int {
		dir, err := os.MkdirTemp("", "search-test-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		an, err := search.NewAnalysis("")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer an.Close()
		analysis = an
		engine, err = search.Open(context.Background(), an, search.OpenOptions{IndexDir: dir, Corpus: seeds.FS})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer engine.Close()
		return m.Run()
	}())
}

// allProvisions reads every provision of every document.
func allProvisions(t *testing.T) []indexer.Provision {
	t.Helper()
	ctx := context.Background()
	docs, err := engine.Documents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out []indexer.Provision
	for _, d := range docs {
		v, err := engine.Document(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, v.Provisions...)
	}
	return out
}

// allHits walks every page of a query and returns the hit ids in order.
func allHits(t *testing.T, req search.Request) ([]string, int) {
	t.Helper()
	req.Size = search.MaxSize
	req.NoFacets = true
	var ids []string
	total := -1
	for page := 1; ; page++ {
		req.Page = page
		res, err := engine.Search(context.Background(), req)
		if err != nil {
			t.Fatalf("search %q: %v", req.Query, err)
		}
		total = res.Total
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		if len(res.Hits) < req.Size {
			return ids, total
		}
	}
}

// TestQuotedPhraseIsExact checks the exact-match guarantee: a quoted
// substring of any provision returns exactly the provisions whose normalised
// text contains it.
func TestQuotedPhraseIsExact(t *testing.T) {
	provs := allProvisions(t)
	norms := make([]string, len(provs))
	for i, p := range provs {
		norms[i] = analyzers.Normalize(p.Text)
	}
	rng := rand.New(rand.NewSource(7))
	n := 200
	if testing.Short() {
		n = 40
	}
	for i := 0; i < n; i++ {
		rs := []rune(norms[rng.Intn(len(norms))])
		if len(rs) < 2 {
			continue
		}
		l := 2 + rng.Intn(11)
		if l > len(rs) {
			l = len(rs)
		}
		start := rng.Intn(len(rs) - l + 1)
		sub := string(rs[start : start+l])
		if strings.ContainsAny(sub, `"“”`) || strings.TrimSpace(sub) != sub {
			continue
		}
		var want []string
		for j, nt := range norms {
			if strings.Contains(nt, sub) {
				want = append(want, provs[j].ID)
			}
		}
		got, total := allHits(t, search.Request{Query: `"` + sub + `"`})
		sort.Strings(got)
		sort.Strings(want)
		if strings.Join(got, ",") != strings.Join(want, ",") || total != len(want) {
			t.Errorf("%q: got %d hits (total %d), want %d", sub, len(got), total, len(want))
		}
	}
}

func TestSingleCharacterPhrase(t *testing.T) {
	provs := allProvisions(t)
	want := 0
	for _, p := range provs {
		if strings.Contains(analyzers.Normalize(p.Text), "癌") {
			want++
		}
	}
	_, total := allHits(t, search.Request{Query: `"癌"`})
	if total != want || want == 0 {
		t.Fatalf(`"癌": %d hits, want %d`, total, want)
	}
}

func TestPhraseHighlightIsExact(t *testing.T) {
	res, err := engine.Search(context.Background(), search.Request{Query: `"医共体"`, Size: 50})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total == 0 {
		t.Fatal("no hit for 医共体")
	}
	for _, h := range res.Hits {
		joined := strings.Join(h.Highlights, " ")
		if !strings.Contains(joined, "<mark>医共体</mark>") {
			t.Errorf("%s: highlights %q lack the marked phrase", h.ID, joined)
		}
		for _, m := range strings.Split(h.Marked, "<mark>")[1:] {
			if inner, _, _ := strings.Cut(m, "</mark>"); inner != "医共体" {
				t.Errorf("%s: marked %q, want only 医共体", h.ID, inner)
			}
		}
	}
}

func TestWordsAreAllRequired(t *testing.T) {
	// Literal keyword search: every word typed is in every hit.
	res, err := engine.Search(context.Background(), search.Request{Query: "家庭医生 签约", Size: 100, NoFacets: true,
		Mode: search.ModeKeyword, NoExpand: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total == 0 {
		t.Fatal("no hits")
	}
	for _, h := range res.Hits {
		n := analyzers.Normalize(h.Text)
		if !strings.Contains(n, "家庭医生") || !strings.Contains(n, "签约") {
			t.Errorf("%s lacks a query word: %s", h.ID, h.Text)
		}
	}
}

func TestExclusion(t *testing.T) {
	with, _ := allHits(t, search.Request{Query: "医共体"})
	without, _ := allHits(t, search.Request{Query: "医共体 -医联体"})
	if len(without) >= len(with) {
		t.Fatalf("exclusion removed nothing: %d vs %d", len(without), len(with))
	}
	res, err := engine.Search(context.Background(), search.Request{Query: "医共体 -医联体", Size: 100, NoFacets: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range res.Hits {
		if strings.Contains(analyzers.Normalize(h.Text), "医联体") {
			t.Errorf("%s holds the excluded word", h.ID)
		}
	}
}

func TestFiltersAndFacets(t *testing.T) {
	ctx := context.Background()
	all, err := engine.Search(ctx, search.Request{Query: "疫情防控"})
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Facets[search.FacetCity]) < 2 {
		t.Fatalf("city facet: %+v", all.Facets[search.FacetCity])
	}
	city := all.Facets[search.FacetCity][0]
	f, err := engine.Search(ctx, search.Request{Query: "疫情防控", Filters: search.Filters{search.FacetCity: {city.Value}}, Size: 100})
	if err != nil {
		t.Fatal(err)
	}
	if f.Total != city.Count {
		t.Errorf("filtered total %d, facet said %d", f.Total, city.Count)
	}
	for _, h := range f.Hits {
		if h.City != city.Value {
			t.Errorf("%s has city %q", h.ID, h.City)
		}
	}
	// The filtered facet still counts the other cities, so a user can widen.
	if len(f.Facets[search.FacetCity]) != len(all.Facets[search.FacetCity]) {
		t.Errorf("own facet narrowed: %+v", f.Facets[search.FacetCity])
	}
	// Year counts add up to the total when every provision has a year.
	sum := 0
	for _, v := range all.Facets[search.FacetYear] {
		sum += v.Count
	}
	if sum > all.Total || sum == 0 {
		t.Errorf("year counts %d for total %d", sum, all.Total)
	}
	// A short name selects the full one.
	short := strings.TrimSuffix(city.Value, "市")
	g, err := engine.Search(ctx, search.Request{Query: "疫情防控 city:" + short, NoFacets: true})
	if err != nil {
		t.Fatal(err)
	}
	if g.Total != f.Total {
		t.Errorf("city:%s gave %d, city %s gave %d", short, g.Total, city.Value, f.Total)
	}
}

func TestBrowseAndSort(t *testing.T) {
	ctx := context.Background()
	res, err := engine.Search(ctx, search.Request{Filters: search.Filters{search.FacetYear: {"2019-2020"}}, Sort: search.SortYearAsc, Size: 100})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total == 0 {
		t.Fatal("browsing found nothing")
	}
	prev := 0
	for _, h := range res.Hits {
		if h.Year < 2019 || h.Year > 2020 {
			t.Errorf("%s: year %d outside the range", h.ID, h.Year)
		}
		if h.Year < prev {
			t.Errorf("not sorted by year: %d after %d", h.Year, prev)
		}
		prev = h.Year
	}
}

func TestPagingIsStableAndComplete(t *testing.T) {
	for _, mode := range engine.Modes() {
		for _, q := range []string{"建设", "老人看病难"} {
			ids, total := allHits(t, search.Request{Query: q, Mode: mode})
			seen := map[string]bool{}
			for _, id := range ids {
				if seen[id] {
					t.Errorf("%s %q: %s appears twice", mode, q, id)
				}
				seen[id] = true
			}
			if len(ids) != total || total == 0 {
				t.Errorf("%s %q: walked %d hits, total %d", mode, q, len(ids), total)
			}
		}
	}
}

func TestBadRequests(t *testing.T) {
	for _, r := range []search.Request{
		{Query: `"unclosed`},
		{Query: "x", Size: search.MaxSize + 1},
		{Query: "x", Page: -1},
		{Query: "x", Page: search.MaxWindow, Size: 10},
		{Query: "x", Sort: "sideways"},
		{Query: "x", Filters: search.Filters{"colour": {"red"}}},
		{Query: "x", Filters: search.Filters{search.FacetYear: {"last year"}}},
	} {
		_, err := engine.Search(context.Background(), r)
		if !search.IsBadRequest(err) {
			t.Errorf("%+v: err %v, want a bad-request error", r, err)
		}
	}
}

func TestSectionAndDocument(t *testing.T) {
	ctx := context.Background()
	provs := allProvisions(t)
	p := provs[len(provs)/2]
	s, err := engine.Section(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if s.Prev == nil && s.Next == nil {
		t.Error("a middle provision has no neighbours")
	}
	if len(s.Outline) != s.Document.ProvisionCount {
		t.Errorf("outline %d entries, document has %d provisions", len(s.Outline), s.Document.ProvisionCount)
	}
	if _, err := engine.Section(ctx, "nope"); !search.IsNotFound(err) {
		t.Errorf("unknown id: %v", err)
	}
}

func TestSimilarFindsSharedWording(t *testing.T) {
	ctx := context.Background()
	provs := allProvisions(t)
	// A sentence reused in another document must bring that document's
	// provision first, with the shared passage found.
	var src indexer.Provision
	for _, p := range provs {
		if utf8.RuneCountInString(p.Text) > 60 {
			src = p
			break
		}
	}
	res, err := engine.Similar(ctx, search.SimilarRequest{Text: src.Text, Size: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 || res.Hits[0].ID != src.ID {
		t.Fatalf("pasting a provision's own text did not find it first: %+v", res.Hits)
	}
	top := res.Hits[0]
	if len(top.Passages) == 0 || top.Passages[0].Text != src.Text[top.Passages[0].TargetStart:top.Passages[0].TargetEnd] {
		t.Errorf("passages: %+v", top.Passages)
	}
	byID, err := engine.Similar(ctx, search.SimilarRequest{ID: src.ID, Size: 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range byID.Hits {
		if h.DocID == src.DocID {
			t.Errorf("same-document hit %s returned by default", h.ID)
		}
	}
}

// TestNearDuplicatesRankFirst: where another document reuses a long
// passage of a provision, a provision holding that passage is the first
// similar provision, with the passage aligned.
func TestNearDuplicatesRankFirst(t *testing.T) {
	const shingle = 24 // characters a reused passage spans at least
	provs := allProvisions(t)
	where := map[string]map[int]bool{} // shingle → provisions holding it
	norms := make([][]rune, len(provs))
	for i, p := range provs {
		norms[i] = []rune(analyzers.Normalize(p.Text))
		for j := 0; j+shingle <= len(norms[i]); j++ {
			k := string(norms[i][j : j+shingle])
			if where[k] == nil {
				where[k] = map[int]bool{}
			}
			where[k][i] = true
		}
	}
	checked := 0
	for i, p := range provs {
		dups := map[string]bool{}
		for j := 0; j+shingle <= len(norms[i]); j++ {
			for o := range where[string(norms[i][j:j+shingle])] {
				if provs[o].DocID != p.DocID {
					dups[provs[o].ID] = true
				}
			}
		}
		if len(dups) == 0 {
			continue
		}
		checked++
		res, err := engine.Similar(context.Background(), search.SimilarRequest{ID: p.ID, Size: 3})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) == 0 || !dups[res.Hits[0].ID] {
			t.Errorf("%s: first similar is not one of its near-duplicates %v: %+v", p.ID, dups, res.Hits)
			continue
		}
		if len(res.Hits[0].Passages) == 0 || utf8.RuneCountInString(res.Hits[0].Passages[0].Text) < shingle {
			t.Errorf("%s: shared passage not aligned: %+v", p.ID, res.Hits[0].Passages)
		}
	}
	if checked == 0 {
		t.Fatal("the seeds hold no reused passage: the test checks nothing")
	}
	t.Logf("%d provisions with near-duplicates elsewhere", checked)
}
