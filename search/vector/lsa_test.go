package vector

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/policysearch/policysearch/seeds"
)

// bigrams is a plain tokenizer: pairs of adjacent Han characters, and runs
// of Latin letters or digits as words.
func bigrams(text string) []string {
	var out []string
	var prev rune
	var word []rune
	flush := func() {
		if len(word) > 0 {
			out = append(out, strings.ToLower(string(word)))
			word = word[:0]
		}
	}
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Han, r):
			flush()
			if prev != 0 {
				out = append(out, string([]rune{prev, r}))
			}
			prev = r
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			word = append(word, r)
		default:
			flush()
		}
		prev = 0
	}
	flush()
	return out
}

// seedTexts cuts the seed documents into passages of whole sentences of up
// to about 200 characters, the size of a provision.
func seedTexts(t testing.TB) []string {
	t.Helper()
	files, err := fs.Glob(seeds.FS, "*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("seed files: %v (%d)", err, len(files))
	}
	var texts []string
	for _, f := range files {
		data, err := fs.ReadFile(seeds.FS, f)
		if err != nil {
			t.Fatal(err)
		}
		for line := range strings.Lines(string(data)) {
			var cur []rune
			for _, s := range sentences(strings.TrimSpace(line)) {
				if len(cur) > 0 && len(cur)+len([]rune(s)) > 200 {
					texts = appendPassage(texts, cur)
					cur = nil
				}
				cur = append(cur, []rune(s)...)
			}
			texts = appendPassage(texts, cur)
		}
	}
	return texts
}

func appendPassage(texts []string, p []rune) []string {
	if len(p) >= 30 {
		texts = append(texts, string(p))
	}
	return texts
}

// sentences splits text after 。；; and keeps the delimiters.
func sentences(text string) []string {
	var out []string
	start := 0
	for i, r := range text {
		if r == '。' || r == '；' || r == ';' {
			end := i + len(string(r))
			out = append(out, text[start:end])
			start = end
		}
	}
	if start < len(text) {
		out = append(out, text[start:])
	}
	return out
}

func cosine(a, b []float32) float64 {
	var ab, aa, bb float64
	for i := range a {
		ab += float64(a[i]) * float64(b[i])
		aa += float64(a[i]) * float64(a[i])
		bb += float64(b[i]) * float64(b[i])
	}
	if aa == 0 || bb == 0 {
		return 0
	}
	return ab / math.Sqrt(aa*bb)
}

func trainSeeds(t testing.TB, cfg LSAConfig) (*LSA, []string, [][]float32) {
	t.Helper()
	texts := seedTexts(t)
	if cfg.Dim == 0 {
		cfg.Dim = 64
	}
	cfg.TokenizerID = "test-bigrams"
	m, vecs, err := TrainLSA(context.Background(), texts, bigrams, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m, texts, vecs
}

func TestLSATrainOnSeeds(t *testing.T) {
	m, texts, vecs := trainSeeds(t, LSAConfig{})
	info := m.Info()
	t.Logf("%d texts, %d terms, %d non-zeros, dim %d, σ₁ %.3g σ_k %.3g", info.Docs, info.Terms, info.NNZ, info.Dim, info.Singular[0], info.Singular[info.Dim-1])
	if len(texts) < 300 {
		t.Fatalf("only %d seed passages", len(texts))
	}
	if m.Dim() != 64 || len(vecs) != len(texts) || info.Docs != len(texts) {
		t.Fatalf("dim %d, %d vectors for %d texts", m.Dim(), len(vecs), len(texts))
	}
	if !slices.IsSortedFunc(info.Singular, func(a, b float32) int { return -cmpF(a, b) }) {
		t.Error("singular values not in descending order")
	}
	if !strings.HasPrefix(m.ID(), "lsa-d64-") || m.TokenizerID() != "test-bigrams" {
		t.Errorf("ID %q tokenizer %q", m.ID(), m.TokenizerID())
	}
	for i, v := range vecs {
		if n := cosine(v, v); math.Abs(n-1) > 1e-5 {
			t.Fatalf("vector %d has squared norm %g", i, n)
		}
	}

	// Asking for more concepts than the corpus has texts caps the
	// dimension.
	small, _, err := TrainLSA(context.Background(), texts[:40], bigrams, LSAConfig{Dim: 100, MinDF: 1})
	if err != nil {
		t.Fatal(err)
	}
	if small.Dim() > 40 {
		t.Errorf("dim %d from 40 texts", small.Dim())
	}
}

func cmpF(a, b float32) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Folding a training text in gives its row of U·Σ from the decomposition,
// nearly with the default power iterations and to rounding with many, and
// Embed reproduces the vectors TrainLSA returned exactly.
func TestLSAFoldInMatchesTraining(t *testing.T) {
	texts := seedTexts(t)
	for _, tc := range []struct {
		iters          int
		minCos, median float64
	}{
		{iters: 0, minCos: 0.95, median: 0.99},
		{iters: 8, minCos: 0.995, median: 0.999},
	} {
		t.Run(fmt.Sprintf("power iterations %d", cmp.Or(tc.iters, DefaultLSAPowerIters)), func(t *testing.T) {
			m, vecs, svd, err := trainLSA(context.Background(), texts, bigrams, LSAConfig{Dim: 48, PowerIters: tc.iters, TokenizerID: "t"}, true)
			if err != nil {
				t.Fatal(err)
			}
			got, err := m.Embed(context.Background(), texts)
			if err != nil {
				t.Fatal(err)
			}
			us := make([]float32, m.Dim())
			cs := make([]float64, len(texts))
			for i := range texts {
				if !slices.Equal(got[i], vecs[i]) {
					t.Fatalf("text %d: Embed differs from the training vector", i)
				}
				for c := range us {
					us[c] = float32(svd.u.At(i, c) * svd.s[c])
				}
				cs[i] = cosine(got[i], us)
			}
			slices.Sort(cs)
			t.Logf("cosine of fold-in and U·Σ: min %.4f, median %.4f", cs[0], cs[len(cs)/2])
			if cs[0] < tc.minCos || cs[len(cs)/2] < tc.median {
				t.Errorf("cosine of fold-in and U·Σ: min %.4f (want ≥ %g), median %.4f (want ≥ %g)", cs[0], tc.minCos, cs[len(cs)/2], tc.median)
			}
		})
	}
}

// Texts sharing wording are nearer than unrelated ones: a sentence taken
// from a passage finds that passage among the nearest.
func TestLSASharedWordingIsNearer(t *testing.T) {
	m, texts, vecs := trainSeeds(t, LSAConfig{})
	ix := NewIndex(m.ID(), m.Dim())
	for i, v := range vecs {
		if err := ix.Add(fmt.Sprint(i), v); err != nil {
			t.Fatal(err)
		}
	}
	var queries []string
	var owners []int
	for i, text := range texts {
		ss := sentences(text)
		if len(ss) < 2 {
			continue
		}
		// The longest sentence but the first: a part, not the whole.
		best := ""
		for _, s := range ss[1:] {
			if len([]rune(s)) > len([]rune(best)) {
				best = s
			}
		}
		if len([]rune(best)) >= 15 {
			queries = append(queries, best)
			owners = append(owners, i)
		}
	}
	if len(queries) < 50 {
		t.Fatalf("only %d queries", len(queries))
	}
	qv, err := m.Embed(context.Background(), queries)
	if err != nil {
		t.Fatal(err)
	}
	top3 := 0
	var own, other float64
	for i, q := range qv {
		hits, err := ix.Search(q, 3, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hits {
			if h.ID == fmt.Sprint(owners[i]) {
				top3++
			}
		}
		own += cosine(q, vecs[owners[i]])
		other += cosine(q, vecs[(owners[i]+len(vecs)/2)%len(vecs)])
	}
	n := float64(len(queries))
	t.Logf("%d queries: own passage in top 3 for %.1f%%, mean cosine own %.3f, unrelated %.3f", len(queries), 100*float64(top3)/n, own/n, other/n)
	if float64(top3)/n < 0.8 {
		t.Errorf("own passage in top 3 for only %.1f%% of queries", 100*float64(top3)/n)
	}
	if own/n < other/n+0.3 {
		t.Errorf("mean cosine to own passage %.3f, to unrelated %.3f", own/n, other/n)
	}

	// Unknown wording gives a zero vector rather than noise.
	z, err := m.Embed(context.Background(), []string{"", "abcdefxyz"})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range z {
		if slices.ContainsFunc(v, func(x float32) bool { return x != 0 }) {
			t.Errorf("unknown text embedded as %v…", v[:4])
		}
	}
}

func TestLSASaveLoad(t *testing.T) {
	m, texts, _ := trainSeeds(t, LSAConfig{Dim: 32})
	var buf bytes.Buffer
	if err := m.Save(&buf); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	loaded, err := LoadLSA(bytes.NewReader(data), bigrams)
	if err != nil {
		t.Fatal(err)
	}
	if loaded.ID() != m.ID() || loaded.Dim() != m.Dim() || loaded.TokenizerID() != m.TokenizerID() {
		t.Fatalf("loaded %s/%d/%s, saved %s/%d/%s", loaded.ID(), loaded.Dim(), loaded.TokenizerID(), m.ID(), m.Dim(), m.TokenizerID())
	}
	if !slices.Equal(loaded.Info().Singular, m.Info().Singular) {
		t.Error("singular values differ")
	}
	a, _ := m.Embed(context.Background(), texts[:50])
	b, err := loaded.Embed(context.Background(), texts[:50])
	if err != nil {
		t.Fatal(err)
	}
	for i := range a {
		if !slices.Equal(a[i], b[i]) {
			t.Fatalf("text %d embeds differently after loading", i)
		}
	}

	t.Run("file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "lsa.model")
		if err := m.SaveFile(path); err != nil {
			t.Fatal(err)
		}
		fromFile, err := LoadLSAFile(path, bigrams)
		if err != nil || fromFile.ID() != m.ID() {
			t.Fatalf("loaded %v, %v", fromFile, err)
		}
		if err := os.WriteFile(path, data[:len(data)-1], 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadLSAFile(path, bigrams); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), path) {
			t.Errorf("truncated file: %v", err)
		}
		if _, err := LoadLSAFile(path+".missing", bigrams); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("missing file: %v", err)
		}
	})

	t.Run("corrupt", func(t *testing.T) {
		flipped := slices.Clone(data)
		flipped[len(flipped)-100] ^= 0x40 // inside the projection matrix
		wrongMagic := slices.Clone(data)
		wrongMagic[0] = 'X'
		cases := map[string][]byte{
			"empty":           nil,
			"magic only":      data[:8],
			"cut in vocab":    data[:200],
			"cut in matrix":   data[:len(data)/2],
			"no checksum":     data[:len(data)-32],
			"short checksum":  data[:len(data)-5],
			"flipped byte":    flipped,
			"not a model":     wrongMagic,
			"index file form": []byte(indexMagic + "\x01\x00\x00\x00"),
		}
		for name, d := range cases {
			if _, err := LoadLSA(bytes.NewReader(d), bigrams); !errors.Is(err, ErrCorrupt) {
				t.Errorf("%s: error %v, want ErrCorrupt", name, err)
			}
		}
	})
}

// The model ID follows the parameters and the corpus, and nothing else:
// training twice, or with another number of cores, gives the same model.
func TestLSAIDIdentifiesModel(t *testing.T) {
	texts := seedTexts(t)
	train := func(texts []string, cfg LSAConfig) string {
		t.Helper()
		m, _, err := TrainLSA(context.Background(), texts, bigrams, cfg)
		if err != nil {
			t.Fatal(err)
		}
		return m.ID()
	}
	base := LSAConfig{Dim: 32, TokenizerID: "b"}
	id := train(texts, base)

	prev := runtime.GOMAXPROCS(1)
	one := train(texts, LSAConfig{Dim: 32, TokenizerID: "b", Workers: 1})
	runtime.GOMAXPROCS(prev)
	if one != id {
		t.Errorf("one core gives %s, several %s", one, id)
	}
	if again := train(texts, base); again != id {
		t.Errorf("retraining gives %s, first %s", again, id)
	}
	changed := map[string]string{
		"dim":       train(texts, LSAConfig{Dim: 24, TokenizerID: "b"}),
		"min df":    train(texts, LSAConfig{Dim: 32, TokenizerID: "b", MinDF: 3}),
		"tokenizer": train(texts, LSAConfig{Dim: 32, TokenizerID: "c"}),
		"corpus":    train(texts[1:], base),
		"seed":      train(texts, LSAConfig{Dim: 32, TokenizerID: "b", Seed: 9}),
	}
	for what, other := range changed {
		if other == id {
			t.Errorf("changing the %s keeps ID %s", what, id)
		}
	}
}

func TestLSATrainErrors(t *testing.T) {
	ctx := context.Background()
	if _, _, err := TrainLSA(ctx, []string{"卫生健康"}, bigrams, LSAConfig{}); err == nil {
		t.Error("one text trained")
	}
	if _, _, err := TrainLSA(ctx, []string{"卫生", "健康"}, nil, LSAConfig{}); err == nil {
		t.Error("trained without tokenizer")
	}
	if _, _, err := TrainLSA(ctx, []string{"甲乙", "丙丁", "戊己"}, bigrams, LSAConfig{}); err == nil {
		t.Error("trained without any shared term")
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err := TrainLSA(cancelled, seedTexts(t), bigrams, LSAConfig{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled training: %v", err)
	}
}
