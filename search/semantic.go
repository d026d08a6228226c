package search

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/policysearch/policysearch/indexer"
	"github.com/policysearch/policysearch/search/vector"
)

// Search modes.
const (
	ModeKeyword  = "keyword"
	ModeSemantic = "semantic"
	ModeHybrid   = "hybrid"
)

// Embedders of semantic search.
const (
	EmbedderLSA    = "lsa"    // learned from the indexed corpus (the default)
	EmbedderOpenAI = "openai" // an OpenAI-compatible /v1/embeddings service
	EmbedderOff    = "off"    // keyword search only
)

const (
	// semanticDepth is how many nearest provisions a semantic search
	// considers: past it, nearness says little.
	semanticDepth = 200
	// gatherShare: a filtered semantic search seeks the nearest among the
	// filter's provisions when they are at most one in gatherShare of all;
	// past that, scanning every vector costs less than gathering them.
	gatherShare = 4
	// semanticMinScore is the cosine under which a provision is not near
	// at all.
	semanticMinScore = 0.05
	// constrainedDepth bounds the provisions matching a quoted phrase that
	// a semantic search re-ranks (the phrase guarantee holds whatever the
	// mode: only they can be returned).
	constrainedDepth = 10000
	// hybridDepth is how many keyword results the fusion takes at least.
	hybridDepth = 100
	// hybridSemanticWeight is the share of nearness of meaning in a
	// hybrid score, the keyword score having the rest. Measured on the
	// judged set (0.2 to 0.6 tried): 0.3 lifts the everyday needs most
	// while keeping drafts within 0.015.
	hybridSemanticWeight = 0.3
)

// SemanticOptions choose how provisions are embedded for semantic search.
type SemanticOptions struct {
	// Embedder is EmbedderLSA (default), EmbedderOpenAI or EmbedderOff.
	Embedder string
	// OpenAI configures the EmbedderOpenAI service.
	OpenAI vector.OpenAIConfig
	// LSA tunes the corpus-learned model (zero: defaults).
	LSA vector.LSAConfig
}

// rankedID is a provision in a ranking made outside bleve.
type rankedID struct {
	ID    string
	Score float64
}

// semantic is the dense side of the engine: an embedder and one vector per
// provision, kept beside the index.
type semantic struct {
	embedder vector.Embedder
	index    *vector.Index
	dir      string
	// mu serialises changes with saving.
	mu    sync.Mutex
	dirty bool
}

// Modes lists the search modes the engine offers.
func (e *Engine) Modes() []string {
	if e.sem == nil {
		return []string{ModeKeyword}
	}
	return []string{ModeKeyword, ModeSemantic, ModeHybrid}
}

// DefaultMode is the mode of a request that names none.
func (e *Engine) DefaultMode() string {
	if e.sem == nil || e.defaultMode == "" {
		return ModeKeyword
	}
	return e.defaultMode
}

// EmbedderID names the embedder behind semantic search ("" without one).
func (e *Engine) EmbedderID() string {
	if e.sem == nil {
		return ""
	}
	return e.sem.embedder.ID()
}

func (e *Engine) mode(m string) (string, error) {
	switch m {
	case "":
		return e.DefaultMode(), nil
	case ModeKeyword:
		return m, nil
	case ModeSemantic, ModeHybrid:
		if e.sem == nil {
			return "", &RequestError{Field: "mode", Msg: fmt.Sprintf("mode %q is not available: semantic search is off on this server", m)}
		}
		return m, nil
	}
	return "", &RequestError{Field: "mode", Msg: fmt.Sprintf("unknown mode %q (keyword, semantic, hybrid)", m)}
}

// semanticSelection returns what a semantic or hybrid search selects, the
// order of its filtered results, and how many provisions the words alone
// match (at least up to fewHits, for spelling suggestions), with its total
// and facet counts. window is how deep the requested page reaches.
func (e *Engine) semanticSelection(ctx context.Context, q Query, u *Understanding, match query.Query, filters Filters, mode string, window int, r Request, key string) (query.Query, []rankedID, int, *passResult, error) {
	facets := !r.NoFacets
	seek, err := e.nearestSeeker(ctx, q, filters)
	if err != nil {
		return nil, nil, 0, nil, err
	}
	if mode == ModeSemantic {
		near, _, err := seek(ctx, semanticText(q, u))
		if err != nil {
			return nil, nil, 0, nil, err
		}
		ids := idsOf(near)
		nearQ := docsQuery(ids)
		// One pass counts the nearest passing the filters, which apply
		// to them as they do to keyword matches.
		counted, err := e.run(ctx, pass{query: nearQ, extra: ids, filters: filters, facets: facets})
		if err != nil {
			return nil, nil, 0, nil, err
		}
		lexical, err := e.countUpTo(ctx, withFilters(match, filters), fewHits)
		return nearQ, kept(near, counted.extraKept), lexical, counted, err
	}
	// Hybrid: the keyword head and the nearest fused by score, then the rest of the
	// keyword matches in their own order. The head has a fixed length, so
	// every page is cut from the same sequence and paging stays stable.
	// One pass ranks the keyword matches, counts them with the nearest and
	// tells which of the nearest pass the filters. The nearest are sought
	// on another core meanwhile: the pass needs them only once ranked.
	type found struct {
		near []rankedID
		qv   []float32
		err  error
	}
	done := make(chan found, 1)
	go func() {
		near, qv, err := seek(ctx, semanticText(q, u))
		done <- found{near, qv, err}
	}()
	var f found
	awaited := false
	await := func() found {
		if !awaited {
			f, awaited = <-done, true
		}
		return f
	}
	counted, err := e.run(ctx, pass{query: match, filters: filters, facets: facets,
		extraLater: func() ([]string, error) {
			f := await()
			return idsOf(f.near), f.err
		},
		size: hybridWindow(window), key: key, noCache: r.NoCache})
	f = await()
	if err == nil {
		err = f.err
	}
	if err != nil {
		return nil, nil, 0, nil, err
	}
	near, qv := f.near, f.qv
	nearQ := docsQuery(idsOf(near))
	semOrder := kept(near, counted.extraKept)
	kw := make([]rankedID, len(counted.hits))
	for i, h := range counted.hits {
		kw[i] = rankedID{ID: h.ID, Score: h.Score}
	}
	head := kw[:min(hybridDepth, len(kw))]
	headIDs := make([]string, len(head))
	for i, h := range head {
		headIDs[i] = h.ID
	}
	cosines := e.sem.index.Similarities(qv, headIDs)
	order := fuse(head, semOrder, func(id string) (float64, bool) {
		c, ok := cosines[id]
		return float64(c), ok
	})
	seen := make(map[string]bool, len(order))
	for _, o := range order {
		seen[o.ID] = true
	}
	for _, k := range kw[len(head):] {
		if !seen[k.ID] {
			order = append(order, k)
		}
	}
	return bleve.NewDisjunctionQuery(match, nearQ), order, counted.matched, counted, nil
}

// hybridWindow is how many keyword matches a hybrid search ranks for a
// page reaching window deep. The fused head of the order is at least
// hybridDepth long (or holds every keyword match), so a page within it
// needs no more; a deeper page reads on through the rest of the keyword
// matches, of which the nearest fused in the head, at most semanticDepth,
// are passed over.
func hybridWindow(window int) int {
	if window <= hybridDepth {
		return hybridDepth
	}
	return window + semanticDepth
}

// idsOf lists the ids of ranked provisions, in order.
func idsOf(rs []rankedID) []string {
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	return ids
}

// docsQuery matches the provisions named (none for no ids).
func docsQuery(ids []string) query.Query {
	if len(ids) == 0 {
		return bleve.NewMatchNoneQuery()
	}
	return bleve.NewDocIDQuery(ids)
}

// kept returns the provisions of near that are in ids, in near's order.
func kept(near []rankedID, ids []string) []rankedID {
	in := make(map[string]bool, len(ids))
	for _, id := range ids {
		in[id] = true
	}
	out := make([]rankedID, 0, len(ids))
	for _, n := range near {
		if in[n.ID] {
			out = append(out, n)
		}
	}
	return out
}

// seekNearest ranks provisions by nearness to the meaning of text (the
// query text together with the policy terms its understanding added); it
// returns them with the query's vector, of length 1. It reads no index
// state (nearestSeeker has), so it may run beside a keyword pass that
// holds one.
type seekNearest func(ctx context.Context, text string) ([]rankedID, []float32, error)

// nearestSeeker reads what a search of q's nearest provisions needs of the
// index: quoted phrases and exclusions stay binding (with a phrase, only
// the provisions holding it are ranked), and a filter on documents'
// metadata bounds the vectors scanned.
func (e *Engine) nearestSeeker(ctx context.Context, q Query, filters Filters) (seekNearest, error) {
	embed := func(ctx context.Context, text string) ([]float32, error) {
		vecs, err := e.sem.embedder.Embed(ctx, []string{text})
		if err != nil {
			return nil, fmt.Errorf("embed query: %w", err)
		}
		return unit(vecs[0]), nil // as the scan scales it: Similarity then gives cosines
	}
	hasPhrase := false
	for _, t := range q.Terms {
		hasPhrase = hasPhrase || t.Phrase
	}
	if hasPhrase {
		b := bleve.NewBooleanQuery()
		for _, t := range q.Terms {
			if t.Phrase {
				b.AddMust(exactQuery(t.Text))
			}
		}
		for _, t := range q.Excluded {
			b.AddMustNot(exactQuery(t.Text))
		}
		cands, err := e.rankIDs(ctx, b, constrainedDepth)
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context, text string) ([]rankedID, []float32, error) {
			qv, err := embed(ctx, text)
			if err != nil {
				return nil, nil, err
			}
			cosines := e.sem.index.Similarities(qv, idsOf(cands))
			out := make([]rankedID, 0, len(cands))
			for _, c := range cands {
				out = append(out, rankedID{ID: c.ID, Score: float64(cosines[c.ID])})
			}
			sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
			return out, qv, nil
		}, nil
	}
	var keep func(string) bool
	if len(q.Excluded) > 0 {
		b := bleve.NewDisjunctionQuery()
		for _, t := range q.Excluded {
			b.AddQuery(exactQuery(t.Text))
		}
		ex, err := e.rankIDs(ctx, b, constrainedDepth)
		if err != nil {
			return nil, err
		}
		excluded := make(map[string]bool, len(ex))
		for _, x := range ex {
			excluded[x.ID] = true
		}
		keep = func(id string) bool { return !excluded[id] }
	}
	within, err := e.filteredDocuments(ctx, filters, e.sem.index.Len()/gatherShare)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, text string) ([]rankedID, []float32, error) {
		qv, err := embed(ctx, text)
		if err != nil {
			return nil, nil, err
		}
		var nb []vector.Neighbour
		if within != nil {
			nb, err = e.sem.index.SearchDocs(qv, semanticDepth, within, keep)
		} else {
			nb, err = e.sem.index.Search(qv, semanticDepth, keep)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("nearest provisions: %w", err)
		}
		out := make([]rankedID, 0, len(nb))
		for _, n := range nb {
			if n.Score >= semanticMinScore {
				out = append(out, rankedID{ID: n.ID, Score: float64(n.Score)})
			}
		}
		return out, qv, nil
	}, nil
}

// filteredDocuments returns the documents that may meet filters, from
// the library's records, for the nearest to be sought among their
// provisions: the nearest of the whole corpus are mostly outside a filter
// on a city or a year, which left a filtered search few of them. It is a
// superset (see docFilter; the filters are applied exactly afterwards).
// It returns nil for no filter, a filter not on documents' metadata
// (theme, office), or documents of more than limit provisions.
func (e *Engine) filteredDocuments(ctx context.Context, filters Filters, limit int) ([]string, error) {
	if len(filters) == 0 {
		return nil, nil
	}
	for f := range filters {
		if !slices.Contains(LibraryFacets, f) {
			return nil, nil
		}
	}
	lib, err := e.library.get(ctx, e.store)
	if err != nil {
		return nil, err
	}
	admit := newDocFilter(filters)
	// Which of each filtered facet's values the filter admits, by value
	// number: the pass over every document then reads the facets' columns.
	// A document whose own year or type is not admitted may have a part
	// whose is: those with parts of another year or type are checked in
	// full.
	type column struct {
		docs   []int32
		admits []bool
	}
	var cols []column
	for facet := range filters {
		f := libraryFacetIndex(facet)
		c := column{docs: lib.cols[f], admits: make([]bool, len(lib.values[f]))}
		for n, v := range lib.values[f] {
			c.admits[n] = admit.admitsValue(facet, v)
		}
		cols = append(cols, c)
	}
	docs, provisions := []string{}, 0 // none: nothing can meet the filters
	for i := range lib.docs {
		ok := true
		for _, c := range cols {
			if n := c.docs[i]; n < 0 || !c.admits[n] {
				ok = false
				break
			}
		}
		if !ok && (!lib.parted[i] || !admit.admits(&lib.docs[i].info)) {
			continue
		}
		info := &lib.docs[i].info
		if provisions += info.ProvisionCount; provisions > limit {
			return nil, nil
		}
		docs = append(docs, info.ID)
	}
	return docs, nil
}

// docFilter tells the documents some provision of which may meet a
// search's filters: its place and level are the document's, its year and
// type those of the document or of one of its parts. A value matches as
// filterValue matches it: a name or the start of one, a year or a range.
type docFilter struct {
	// facets is the filters as a slice: the documents are many, and a
	// map's range costs more than the test.
	facets []facetFilter
	years  [][2]int // the year filter's ranges
}

// facetFilter is one facet's filter values.
type facetFilter struct {
	facet  string
	values []string
}

func newDocFilter(filters Filters) docFilter {
	var f docFilter
	for facet, vals := range filters {
		f.facets = append(f.facets, facetFilter{facet, vals})
	}
	for _, v := range filters[FacetYear] {
		from, to, _ := ParseYearRange(v)
		f.years = append(f.years, [2]int{from, to})
	}
	return f
}

// admits reports whether some provision of d may meet every filter.
func (f docFilter) admits(d *indexer.DocumentInfo) bool {
	for _, ff := range f.facets {
		named := func(v string) bool {
			return slices.ContainsFunc(ff.values, func(want string) bool { return strings.HasPrefix(v, want) })
		}
		var ok bool
		switch ff.facet {
		case FacetProvince:
			ok = named(d.Province)
		case FacetCity:
			ok = named(d.City)
		case FacetCounty:
			ok = named(d.County)
		case FacetLevel:
			ok = named(d.Level)
		case FacetYear:
			ok = f.inYears(d.Year) || slices.ContainsFunc(d.Parts, func(p indexer.Part) bool { return f.inYears(p.Year) })
		case FacetDocType:
			ok = named(d.DocType) || slices.ContainsFunc(d.Parts, func(p indexer.Part) bool { return named(p.DocType) })
		default:
			ok = true
		}
		if !ok {
			return false
		}
	}
	return true
}

// admitsValue reports whether a document's own value of facet (a year as
// written) meets the filter on it.
func (f docFilter) admitsValue(facet, v string) bool {
	if facet == FacetYear {
		y, err := strconv.Atoi(v)
		return err == nil && f.inYears(y)
	}
	for _, ff := range f.facets {
		if ff.facet == facet {
			return slices.ContainsFunc(ff.values, func(want string) bool { return strings.HasPrefix(v, want) })
		}
	}
	return true
}

// inYears reports whether year is in one of the year filter's ranges.
func (f docFilter) inYears(year int) bool {
	return slices.ContainsFunc(f.years, func(r [2]int) bool { return year >= r[0] && year <= r[1] })
}

// semanticText is what is embedded for a query: its words and phrases and
// the policy terms understood from them, which the corpus's vectors know.
func semanticText(q Query, u *Understanding) string {
	var parts []string
	for _, t := range q.Terms {
		parts = append(parts, t.Text)
	}
	if u != nil {
		for _, a := range u.Added {
			parts = append(parts, a.Term)
		}
	}
	return strings.Join(parts, " ")
}

// rankIDs returns the ids bleve ranks first for q, with their scores.
func (e *Engine) rankIDs(ctx context.Context, q query.Query, n int) ([]rankedID, error) {
	if n <= 0 {
		return nil, nil
	}
	// Score order alone: ties keep the index's order, and naming _id
	// would load the id of every match, not only of the n kept.
	req := bleve.NewSearchRequestOptions(q, n, 0, false)
	res, err := e.store.Search(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	out := make([]rankedID, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = rankedID{ID: h.ID, Score: h.Score}
	}
	return out, nil
}

// countUpTo counts q's matches, stopping at n.
func (e *Engine) countUpTo(ctx context.Context, q query.Query, n int) (int, error) {
	req := bleve.NewSearchRequestOptions(q, n, 0, false)
	req.Score = bleve.ScoreNone // no order needed: bleve may stop at n
	res, err := e.store.Search(ctx, req)
	if err != nil {
		return 0, fmt.Errorf("search: %w", err)
	}
	return len(res.Hits), nil
}

// fuse merges the keyword head and the nearest provisions by score. Each
// side is divided by its best score, so both run up to 1, and a
// provision's fused score is the weighted sum of the two. Fusing ranks
// instead lost how far apart the provisions are: a provision very near in
// meaning that no keyword matches collected one reciprocal rank while every
// keyword match collected two, and fell to the second page or beyond.
// cosine gives the nearness of a keyword match outside the nearest (false:
// no vector), so that a match is not taken as unrelated for falling past
// the nearest's depth; a provision no keyword matches scores 0 on that side.
func fuse(kw, near []rankedID, cosine func(id string) (float64, bool)) []rankedID {
	sem := make(map[string]float64, len(kw)+len(near))
	for _, n := range near {
		sem[n.ID] = n.Score
	}
	for _, k := range kw {
		if _, ok := sem[k.ID]; ok {
			continue
		}
		if c, ok := cosine(k.ID); ok {
			sem[k.ID] = max(0, c) // opposite in meaning is no nearer than unrelated
		}
	}
	topKW, topSem := 0.0, 0.0
	for _, k := range kw {
		topKW = max(topKW, k.Score)
	}
	for _, c := range sem {
		topSem = max(topSem, c)
	}
	score := make(map[string]float64, len(sem)+len(kw))
	if topSem > 0 {
		for id, c := range sem {
			score[id] = hybridSemanticWeight * c / topSem
		}
	}
	for _, k := range kw {
		s := score[k.ID] // 0 when neither side could score it
		if topKW > 0 {
			s += (1 - hybridSemanticWeight) * k.Score / topKW
		}
		score[k.ID] = s
	}
	out := make([]rankedID, 0, len(score))
	for id, s := range score {
		out = append(out, rankedID{ID: id, Score: s})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// unit returns v scaled to length 1 (v itself when zero), as the vector
// index scales a query before its scan, so that Similarity gives the
// cosine the scan would.
func unit(v []float32) []float32 {
	var n float64
	for _, x := range v {
		n += float64(x) * float64(x)
	}
	if n == 0 {
		return v
	}
	s := float32(1 / math.Sqrt(n))
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = x * s
	}
	return out
}

// pageOf loads one page of an outside ranking as hits.
func (e *Engine) pageOf(ctx context.Context, order []rankedID, from, size int) ([]Hit, error) {
	if from >= len(order) {
		return []Hit{}, nil
	}
	order = order[from:min(len(order), from+size)]
	byID, err := e.provisionsByID(ctx, idsOf(order))
	if err != nil {
		return nil, fmt.Errorf("load results: %w", err)
	}
	hits := make([]Hit, 0, len(order))
	for _, o := range order {
		p, ok := byID[o.ID]
		if !ok {
			continue // deleted since it was ranked
		}
		hits = append(hits, Hit{Provision: p, Score: roundScore(o.Score)})
	}
	return hits, nil
}

// provisionsByID reads the provisions of ids, by id. Those deleted since
// the ids were found are missing: the caller ranked them from an earlier
// state of the index.
func (e *Engine) provisionsByID(ctx context.Context, ids []string) (map[string]indexer.Provision, error) {
	provs, err := e.store.Provisions(ctx, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]indexer.Provision, len(provs))
	for _, p := range provs {
		byID[p.ID] = p
	}
	return byID, nil
}

// Files of the semantic side, in a folder beside the index generations.
const (
	semanticFolder = "vectors"
	lsaModelFile   = "lsa.model"
)

func vectorFile(embedder string) string { return embedder + ".vectors" }

// openSemantic loads the vectors kept beside the index, or makes them:
// training the corpus model when there is none or the corpus changed
// beyond recognition, folding in provisions added since, dropping those
// removed since.
func openSemantic(ctx context.Context, store *indexer.Store, root string, o SemanticOptions, tok vector.Tokenizer, tokID string) (*semantic, error) {
	kind := o.Embedder
	if kind == "" {
		kind = EmbedderLSA
	}
	if kind == EmbedderOff {
		return nil, nil
	}
	dir := filepath.Join(root, semanticFolder)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("vectors folder: %w", err)
	}
	// Ids are cheap to list; texts are read only when something must be
	// embedded, so a restart with saved vectors does not read the corpus.
	ids, err := store.ProvisionIDs(ctx)
	if err != nil {
		return nil, err
	}
	trainAll := func(reason string) (*semantic, error) {
		slog.Info("training the semantic model", "reason", reason, "provisions", len(ids))
		ids, texts, err := allTexts(ctx, store)
		if err != nil {
			return nil, err
		}
		s := &semantic{dir: dir}
		return s, s.train(ctx, ids, texts, tok, tokID, o.LSA)
	}
	s := &semantic{dir: dir}
	switch kind {
	case EmbedderLSA:
		m, err := loadLSA(filepath.Join(dir, lsaModelFile), tok, tokID)
		if err != nil {
			return trainAll(err.Error())
		}
		s.embedder = m
	case EmbedderOpenAI:
		emb, err := vector.NewOpenAI(o.OpenAI)
		if err != nil {
			return nil, fmt.Errorf("embedding service: %w", err)
		}
		s.embedder = emb
	default:
		return nil, fmt.Errorf("unknown embedder %q (lsa, openai, off)", kind)
	}

	path := filepath.Join(dir, vectorFile(kind))
	idx, hdr, err := vector.LoadIndex(path)
	if err == nil && hdr.EmbedderID != s.embedder.ID() {
		err = fmt.Errorf("vectors were made by %s, not %s", hdr.EmbedderID, s.embedder.ID())
	}
	if err != nil {
		if kind == EmbedderLSA {
			return trainAll(err.Error())
		}
		slog.Info("embedding the corpus", "embedder", s.embedder.ID(), "reason", err.Error(), "provisions", len(ids))
		idx = nil
	}
	if idx != nil && hdr.Fingerprint == idsFingerprint(ids) {
		s.index = idx
		return s, nil
	}
	if idx == nil {
		// A service's dimension may be unknown until it answers: the
		// index then takes it from the first vector.
		idx = vector.NewIndex(s.embedder.ID(), s.embedder.Dim())
	}
	// Reconcile: the index changed while the vectors were not saved (a
	// crash, or a rebuild from another corpus).
	want := make(map[string]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	for _, id := range idx.IDs() {
		if !want[id] {
			idx.Remove(id)
		}
	}
	var addIDs []string
	for _, id := range ids {
		if !idx.Has(id) {
			addIDs = append(addIDs, id)
		}
	}
	if kind == EmbedderLSA && len(addIDs) > len(ids)/2 {
		// A model learned from another corpus would describe this one badly.
		return trainAll("the corpus changed")
	}
	if len(addIDs) > 0 {
		slog.Info("embedding new provisions", "count", len(addIDs), "embedder", s.embedder.ID())
		provs, err := store.Provisions(ctx, addIDs)
		if err != nil {
			return nil, fmt.Errorf("read provisions to embed: %w", err)
		}
		addIDs = addIDs[:0]
		addTexts := make([]string, 0, len(provs))
		for _, p := range provs {
			addIDs, addTexts = append(addIDs, p.ID), append(addTexts, provisionText(p))
		}
		if err := idx.AddTexts(ctx, s.embedder, addIDs, addTexts); err != nil {
			return nil, fmt.Errorf("embed provisions: %w", err)
		}
	}
	s.index = idx
	return s, s.save()
}

// train learns the corpus model and the vectors of every provision, and
// saves both.
func (s *semantic) train(ctx context.Context, ids, texts []string, tok vector.Tokenizer, tokID string, cfg vector.LSAConfig) error {
	start := time.Now()
	cfg.TokenizerID = tokID
	m, vecs, err := vector.TrainLSA(ctx, trainingSample(texts, lsaTrainingTexts), tok, cfg)
	if err != nil {
		return fmt.Errorf("train semantic model: %w", err)
	}
	if len(vecs) != len(texts) {
		// The provisions left out of the sample are folded in, as new
		// provisions are.
		if vecs, err = m.Embed(ctx, texts); err != nil {
			return fmt.Errorf("embed provisions: %w", err)
		}
	}
	idx := vector.NewIndex(m.ID(), m.Dim())
	idx.Reserve(len(ids))
	for i, id := range ids {
		if err := idx.Add(id, vecs[i]); err != nil {
			return fmt.Errorf("vector of %s: %w", id, err)
		}
	}
	s.embedder, s.index = m, idx
	if err := m.SaveFile(filepath.Join(s.dir, lsaModelFile)); err != nil {
		return fmt.Errorf("save semantic model: %w", err)
	}
	slog.Info("semantic model trained", "provisions", len(ids), "dim", m.Dim(), "took", time.Since(start).Round(time.Millisecond))
	err = s.save()
	// The texts, the training matrices and the float vectors are garbage
	// now, some hundreds of megabytes on a large corpus: hand them back to
	// the system at once rather than over the minutes the runtime takes,
	// so that a server's resident memory is its working set.
	clear(vecs)
	debug.FreeOSMemory()
	return err
}

// lsaTrainingTexts bounds the provisions the corpus model is learned from.
// The term statistics and concepts of a few tens of thousands of
// provisions describe the rest as well; learning from all 199,182
// provisions of a 100 MB corpus held the server at 2.4 GiB while training.
const lsaTrainingTexts = 50_000

// trainingSample returns at most n of texts, evenly spread, so that every
// part of the corpus (its documents are in order) is represented.
func trainingSample(texts []string, n int) []string {
	if len(texts) <= n {
		return texts
	}
	out := make([]string, n)
	for i := range out {
		out[i] = texts[i*len(texts)/n]
	}
	return out
}

// save writes the vectors with the fingerprint of the provisions they hold.
func (s *semantic) save() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	kind := EmbedderOpenAI
	if _, ok := s.embedder.(*vector.LSA); ok {
		kind = EmbedderLSA
	}
	if err := s.index.Save(filepath.Join(s.dir, vectorFile(kind)), idsFingerprint(s.index.IDs())); err != nil {
		return fmt.Errorf("save vectors: %w", err)
	}
	s.dirty = false
	return nil
}

// add embeds a document's provisions.
func (s *semantic) add(ctx context.Context, doc indexer.Document) error {
	ids := make([]string, len(doc.Provisions))
	texts := make([]string, len(doc.Provisions))
	for i, p := range doc.Provisions {
		ids[i], texts[i] = p.ID, provisionText(p)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.index.RemovePrefix(doc.ID + "-")
	s.dirty = true
	return s.index.AddTexts(ctx, s.embedder, ids, texts)
}

// remove drops a document's provisions.
func (s *semantic) remove(docID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.index.RemovePrefix(docID + "-")
	s.dirty = true
}

// close saves what changed since the last save. Vectors not saved (a
// crash) are made again from the index on the next open.
func (s *semantic) close() error {
	s.mu.Lock()
	dirty := s.dirty
	s.mu.Unlock()
	if !dirty {
		return nil
	}
	return s.save()
}

// provisionText is what is embedded for a provision (see embeddedText).
func provisionText(p indexer.Provision) string { return embeddedText(p.HeadingPath, p.Text) }

// embeddedText is what is embedded for a provision of these headings and
// text: its heading path says what it is about as much as its text does.
func embeddedText(headings []string, text string) string {
	return strings.Join(headings, " ") + " " + text
}

// allTexts lists every provision's id and embedded text, in document order.
func allTexts(ctx context.Context, store *indexer.Store) ([]string, []string, error) {
	provs, err := store.AllProvisionTexts(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("read provisions: %w", err)
	}
	ids, texts := make([]string, len(provs)), make([]string, len(provs))
	for i, p := range provs {
		ids[i], texts[i] = p.ID, embeddedText(p.HeadingPath, p.Text)
	}
	return ids, texts, nil
}

// idsFingerprint names a set of ids, whatever their order.
func idsFingerprint(ids []string) string {
	var acc [sha256.Size]byte
	for _, id := range ids {
		h := sha256.Sum256([]byte(id))
		for i := range acc {
			acc[i] ^= h[i]
		}
	}
	return fmt.Sprintf("%d-%s", len(ids), hex.EncodeToString(acc[:16]))
}

func loadLSA(path string, tok vector.Tokenizer, tokID string) (*vector.LSA, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, errors.New("no semantic model yet")
	}
	m, err := vector.LoadLSAFile(path, tok)
	if err != nil {
		return nil, err
	}
	if m.TokenizerID() != tokID {
		return nil, fmt.Errorf("semantic model was trained with tokenizer %s, not %s", m.TokenizerID(), tokID)
	}
	return m, nil
}
