package search_test

import (
	"context"
	"encoding/json"
	"hash/fnv"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/policysearch/policysearch/analyzers"
	"github.com/policysearch/policysearch/search"
	"github.com/policysearch/policysearch/search/vector"
	"github.com/policysearch/policysearch/seeds"
)

// TestPhraseIsExactInEveryMode: a quoted phrase returns exactly the
// provisions holding it, whatever the mode.
func TestPhraseIsExactInEveryMode(t *testing.T) {
	for _, phrase := range []string{"医共体", "家庭医生签约", "两慢病", "互联网+"} {
		want, _ := allHits(t, search.Request{Query: `"` + phrase + `"`, Mode: search.ModeKeyword})
		sort.Strings(want)
		for _, mode := range engine.Modes() {
			got, total := allHits(t, search.Request{Query: `"` + phrase + `" 建设`, Mode: mode})
			for _, id := range got {
				if _, ok := slices.BinarySearch(want, id); !ok {
					t.Errorf("%s %q: %s lacks the phrase", mode, phrase, id)
				}
			}
			if total > len(want) {
				t.Errorf("%s %q: total %d, more than the %d provisions holding it", mode, phrase, total, len(want))
			}
			only, _ := allHits(t, search.Request{Query: `"` + phrase + `"`, Mode: mode})
			sort.Strings(only)
			if !slices.Equal(only, want) {
				t.Errorf("%s %q alone: %d hits, want the %d holding it", mode, phrase, len(only), len(want))
			}
		}
	}
}

// TestSemanticFindsAProvisionByItsOwnWords: a provision's text, searched
// semantically, finds that provision first.
func TestSemanticFindsAProvisionByItsOwnWords(t *testing.T) {
	provs := allProvisions(t)
	misses := 0
	n := 0
	for i := 0; i < len(provs); i += 9 {
		p := provs[i]
		if len([]rune(p.Text)) < 40 {
			continue
		}
		n++
		res, err := engine.Search(context.Background(), search.Request{Query: strings.ReplaceAll(p.Text, `"`, ""), Mode: search.ModeSemantic, Size: 3, NoFacets: true, NoExpand: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) == 0 || res.Hits[0].ID != p.ID {
			misses++
		}
	}
	if n == 0 || misses > n/10 {
		t.Fatalf("%d of %d provisions not found first by their own text", misses, n)
	}
}

// TestSemanticFiltersAndFacets: filters narrow semantic results and facet
// counts add up to the total.
func TestSemanticFiltersAndFacets(t *testing.T) {
	ctx := context.Background()
	for _, mode := range []string{search.ModeSemantic, search.ModeHybrid} {
		all, err := engine.Search(ctx, search.Request{Query: "老年人健康服务", Mode: mode})
		if err != nil {
			t.Fatal(err)
		}
		sum := 0
		for _, v := range all.Facets[search.FacetDocType] {
			sum += v.Count
		}
		if sum != all.Total {
			t.Errorf("%s: doc_type counts add to %d, total %d", mode, sum, all.Total)
		}
		city := all.Facets[search.FacetCity][0]
		narrow, err := engine.Search(ctx, search.Request{Query: "老年人健康服务", Mode: mode,
			Filters: search.Filters{search.FacetCity: {city.Value}}, Size: 100})
		if err != nil {
			t.Fatal(err)
		}
		if narrow.Total != city.Count {
			t.Errorf("%s: filter %s gives %d, facet said %d", mode, city.Value, narrow.Total, city.Count)
		}
		for _, h := range narrow.Hits {
			if h.City != city.Value {
				t.Errorf("%s: hit %s from %s passes the filter %s", mode, h.ID, h.City, city.Value)
			}
		}
	}
}

func TestUnknownOrUnavailableMode(t *testing.T) {
	_, err := engine.Search(context.Background(), search.Request{Query: "医共体", Mode: "fuzzy"})
	if !search.IsBadRequest(err) {
		t.Fatalf("mode fuzzy: %v, want a bad request", err)
	}
}

// openEngine opens an engine on its own index folder built from the seeds.
func openEngine(t *testing.T, dir string, o search.SemanticOptions) *search.Engine {
	t.Helper()
	e, err := search.Open(context.Background(), analysis, search.OpenOptions{IndexDir: dir, Corpus: seeds.FS, Semantic: o})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

const ingestText = `2023年安吉县卫生健康工作要点

一、强化健康服务
1.推进“山区海岛县”远程影像诊断全覆盖，建设县域远程影像诊断中心，实现乡镇卫生院影像检查县级医院实时阅片。
2.实施老年人认知障碍筛查干预，为六十五岁以上老人提供记忆门诊服务。`

// TestVectorsPersistAndCatchUp: vectors are kept beside the index, reused
// on the next start, and a document ingested before an unclean stop gets
// its vectors on the next start.
func TestVectorsPersistAndCatchUp(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	e := openEngine(t, dir, search.SemanticOptions{})
	model := e.EmbedderID()
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(dir, "vectors", "lsa.model"))
	if err != nil {
		t.Fatal(err)
	}

	e = openEngine(t, dir, search.SemanticOptions{})
	if e.EmbedderID() != model {
		t.Fatalf("model %s after reopening, was %s: it was trained again", e.EmbedderID(), model)
	}
	if st2, _ := os.Stat(filepath.Join(dir, "vectors", "lsa.model")); !st2.ModTime().Equal(st.ModTime()) {
		t.Fatalf("model file rewritten on reopening")
	}
	doc, _, err := e.Ingest(ctx, search.Upload{Name: "anji-2023.txt", Data: []byte(ingestText)})
	if err != nil {
		t.Fatal(err)
	}
	// Stop without saving the vectors, as a crash would.
	if err := e.Store().Close(); err != nil {
		t.Fatal(err)
	}

	e = openEngine(t, dir, search.SemanticOptions{})
	defer e.Close()
	res, err := e.Search(ctx, search.Request{Query: "县域远程影像诊断中心 乡镇卫生院实时阅片", Mode: search.ModeSemantic, NoFacets: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 || res.Hits[0].DocID != doc.ID {
		t.Fatalf("the ingested provision is not found first semantically after restart: %+v", res.Hits)
	}
	if err := e.Delete(ctx, doc.ID); err != nil {
		t.Fatal(err)
	}
	res, err = e.Search(ctx, search.Request{Query: "县域远程影像诊断中心 乡镇卫生院实时阅片", Mode: search.ModeSemantic, NoFacets: true, Size: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range res.Hits {
		if h.DocID == doc.ID {
			t.Fatalf("deleted provision %s still found", h.ID)
		}
	}
}

// embeddingServer speaks the OpenAI embeddings protocol with a toy model:
// hashed character bigrams, so texts sharing wording are near.
func embeddingServer(t *testing.T, calls *atomic.Int64) *httptest.Server {
	const dim = 64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/embeddings" || r.Method != http.MethodPost {
			http.NotFound(w, r)
			return
		}
		calls.Add(1)
		var req struct {
			Model string   `json:"model"`
			Input []string `json:"input"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		type item struct {
			Index     int       `json:"index"`
			Embedding []float64 `json:"embedding"`
		}
		var data []item
		for i, text := range req.Input {
			v := make([]float64, dim)
			rs := []rune(analyzers.Normalize(text))
			for j := 0; j+1 < len(rs); j++ {
				h := fnv.New32a()
				h.Write([]byte(string(rs[j : j+2])))
				v[h.Sum32()%dim]++
			}
			norm := 0.0
			for _, x := range v {
				norm += x * x
			}
			if norm == 0 {
				v[0] = 1
			}
			data = append(data, item{Index: i, Embedding: v})
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"object": "list", "data": data, "model": req.Model})
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestEmbeddingService: semantic search through an OpenAI-compatible
// service, and a clear error when it cannot be reached.
func TestEmbeddingService(t *testing.T) {
	var calls atomic.Int64
	srv := embeddingServer(t, &calls)
	dir := t.TempDir()
	o := search.SemanticOptions{Embedder: search.EmbedderOpenAI, OpenAI: vector.OpenAIConfig{BaseURL: srv.URL, Model: "toy", BatchSize: 50}}
	e := openEngine(t, dir, o)
	if !slices.Contains(e.Modes(), search.ModeSemantic) {
		t.Fatalf("modes %v lack semantic", e.Modes())
	}
	provs := allProvisions(t)
	p := provs[len(provs)/2]
	res, err := e.Search(context.Background(), search.Request{Query: strings.ReplaceAll(p.Text, `"`, ""), Mode: search.ModeSemantic, NoFacets: true, NoExpand: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 || res.Hits[0].ID != p.ID {
		t.Fatalf("a provision's own text does not find it first through the service")
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	// Reopening reuses the saved vectors: only queries reach the service.
	before := calls.Load()
	e = openEngine(t, dir, o)
	if got := calls.Load() - before; got != 0 {
		t.Errorf("reopening sent %d requests to the service", got)
	}
	e.Close()

	dead := httptest.NewServer(http.NotFoundHandler())
	url := dead.URL
	dead.Close()
	o.OpenAI = vector.OpenAIConfig{BaseURL: url, Model: "toy", Retries: -1}
	_, err = search.Open(context.Background(), analysis, search.OpenOptions{IndexDir: t.TempDir(), Corpus: seeds.FS, Semantic: o})
	if err == nil || !strings.Contains(err.Error(), url) {
		t.Fatalf("unreachable service: err %v, want one naming %s", err, url)
	}
}
