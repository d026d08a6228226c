package indexer

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/policysearch/policysearch/analyzers"
)

// Errors a caller can act on.
var (
	// ErrNoIndex: the folder holds no index yet (build one first).
	ErrNoIndex = errors.New("no index")
	// ErrStale: the index was built with other analysis (dictionary or
	// vocabulary) than this program uses, so its tokens no longer match.
	ErrStale = errors.New("index built with different analysis; rebuild it")
	// ErrNotFound: no document or provision with that id.
	ErrNotFound = errors.New("not found")
	// ErrInUse: another process has the index open.
	ErrInUse = errors.New("index in use by another process")
)

// lockWait is how long opening an index waits for another process to
// let go of it.
const lockWait = 2 * time.Second

// openIndex opens the index at path, failing with ErrInUse rather than
// waiting for ever when another process holds it.
func openIndex(path string) (bleve.Index, error) {
	idx, err := bleve.OpenUsing(path, map[string]interface{}{"bolt_timeout": lockWait.String()})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("%s: %w", path, ErrInUse)
	}
	if err != nil {
		return nil, fmt.Errorf("open index %s: %w", path, err)
	}
	return idx, nil
}

const (
	currentFile = "CURRENT"
	genPrefix   = "gen-"
	// internalAnalysis keys the analysis fingerprint stored inside the index.
	internalAnalysis = "analysis"
	// maxDocProvisions bounds one document's provisions read in one request.
	maxDocProvisions = 10000
)

// DocumentInfo is a document's metadata without its provisions.
type DocumentInfo struct {
	Document
	ProvisionCount int `json:"provision_count"`
}

// Store is the on-disk index. Its root folder holds complete index
// generations (gen-000001, …) and a CURRENT file naming the live one: a
// rebuild writes a new generation beside the live one and switches CURRENT by
// an atomic rename, so a crash at any moment leaves a complete index.
type Store struct {
	root        string
	fingerprint string

	mu  sync.RWMutex // guards idx and gen; held for reading by every search
	idx bleve.Index
	gen string

	// codec compresses the records written to the live generation (nil:
	// plain JSON); decoders read those of every generation it has had.
	codec    atomic.Pointer[recordCodec]
	decoders recordDecoders

	writeMu sync.Mutex // serialises writers (ingest, delete, rebuild)
	// correctMu serialises corrections, which read and rewrite the
	// corrections file.
	correctMu sync.Mutex
}

// Open opens the live generation under root. fingerprint identifies the
// analysis in use; an index built with another one gives ErrStale.
func Open(root, fingerprint string) (*Store, error) {
	gen, err := readCurrent(root)
	if err != nil {
		return nil, err
	}
	idx, err := openIndex(filepath.Join(root, gen))
	if err != nil {
		return nil, err
	}
	got, err := idx.GetInternal([]byte(internalAnalysis))
	if err != nil {
		_ = idx.Close()
		return nil, fmt.Errorf("read index analysis fingerprint: %w", err)
	}
	if string(got) != fingerprint {
		_ = idx.Close()
		return nil, fmt.Errorf("index %s: %w", root, ErrStale)
	}
	s := &Store{root: root, fingerprint: fingerprint, idx: idx, gen: gen}
	codec, err := s.readDictionary(idx)
	if err != nil {
		_ = idx.Close()
		return nil, err
	}
	s.codec.Store(codec)
	s.removeStaleGenerations()
	return s, nil
}

// Create builds a new generation from docs, makes it live and opens it.
// Any earlier generation under root is replaced atomically.
func Create(ctx context.Context, root, fingerprint string, docs []Document, progress func(done, total int)) (*Store, error) {
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, fmt.Errorf("create index folder: %w", err)
	}
	s := &Store{root: root, fingerprint: fingerprint}
	if err := s.Rebuild(ctx, docs, progress); err != nil {
		return nil, err
	}
	return s, nil
}

// Rebuild writes docs into a fresh generation beside the live one, then
// swaps it in: searches running meanwhile see the old index, later ones the
// new, never a mixture. progress, if not nil, receives the provisions
// indexed so far and their total.
func (s *Store) Rebuild(ctx context.Context, docs []Document, progress func(done, total int)) error {
	total := 0
	for _, d := range docs {
		total += len(d.Provisions)
	}
	var report func(documents, provisions int)
	if progress != nil {
		report = func(_, provisions int) { progress(provisions, total) }
	}
	_, _, err := s.RebuildFrom(ctx, slices.Values(docs), report)
	return err
}

// RebuildFrom is Rebuild for documents that arrive one by one, so that a
// large corpus need not be held in memory: docs is read once, from one
// goroutine. A document whose ID was already seen (the same content in
// another file) is skipped. progress, if not nil, receives the documents
// and provisions indexed so far; it is called from several goroutines, one
// call at a time. It returns the documents and provisions indexed.
func (s *Store) RebuildFrom(ctx context.Context, docs iter.Seq[Document], progress func(documents, provisions int)) (documents, provisions int, err error) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()

	gen, err := nextGeneration(s.root)
	if err != nil {
		return 0, 0, err
	}
	path := filepath.Join(s.root, gen)
	// unsafe_batch would be faster, but scorch then persists nothing on
	// Close, so the new generation would open empty.
	idx, err := bleve.New(path, NewMapping())
	if err != nil {
		return 0, 0, fmt.Errorf("create index %s: %w", path, err)
	}
	fail := func(err error) (int, int, error) {
		_ = idx.Close()
		_ = os.RemoveAll(path)
		return 0, 0, err
	}
	learner := newDictLearner()
	documents, provisions, err = writeBatches(ctx, idx, docs, progress, learner.encode)
	dictionary := learner.finish()
	if err != nil {
		return fail(err)
	}
	if err := idx.SetInternal([]byte(internalAnalysis), []byte(s.fingerprint)); err != nil {
		return fail(fmt.Errorf("store analysis fingerprint: %w", err))
	}
	if dictionary != nil {
		if err := idx.SetInternal([]byte(internalRecordDict), dictionary); err != nil {
			return fail(fmt.Errorf("store record dictionary: %w", err))
		}
	}
	// Reopen with safe batches: from now on every acknowledged write is on
	// disk. Compacting needs every segment on disk.
	if err := idx.Close(); err != nil {
		_ = os.RemoveAll(path)
		return 0, 0, fmt.Errorf("flush index %s: %w", path, err)
	}
	if idx, err = openIndex(path); err != nil {
		_ = os.RemoveAll(path)
		return 0, 0, fmt.Errorf("reopen: %w", err)
	}
	if err := compact(ctx, idx, path); err != nil {
		return fail(err)
	}
	codec, err := s.readDictionary(idx)
	if err != nil {
		return fail(err)
	}
	if err := writeCurrent(s.root, gen); err != nil {
		return fail(err)
	}

	s.mu.Lock()
	old := s.idx
	s.idx, s.gen = idx, gen
	s.mu.Unlock()
	// Writes are held (writeMu): none lands in the new generation before
	// its codec is in place, nor in the old one with the new codec.
	s.codec.Store(codec)
	if old != nil {
		if err := old.Close(); err != nil {
			slog.Warn("closing replaced index", "err", err)
		}
	}
	s.removeStaleGenerations()
	return documents, provisions, nil
}

// readDictionary reads the record dictionary of idx, a generation about
// to go live, makes its records readable and returns the codec that
// compresses new ones (nil: none, records are stored as JSON).
func (s *Store) readDictionary(idx bleve.Index) (*recordCodec, error) {
	d, err := idx.GetInternal([]byte(internalRecordDict))
	if err != nil {
		return nil, fmt.Errorf("read record dictionary: %w", err)
	}
	if d == nil {
		return nil, nil
	}
	if err := s.decoders.add(d); err != nil {
		return nil, err
	}
	return newRecordCodec(d)
}

// DecodeRecord returns the JSON of a record's stored field FieldJSON, as
// a search returns it.
func (s *Store) DecodeRecord(stored []byte) ([]byte, error) {
	return s.decoders.decode(stored)
}

// compactPlan merges every segment into one, in one pass.
func compactPlan() *mergeplan.MergePlanOptions {
	o := mergeplan.SingleSegmentMergePlanOptions
	o.SegmentsPerMergeTask = math.MaxInt32
	return &o
}

// compact merges a freshly built index into one segment. A build leaves
// a dozen segments of every size (bleve merges batches by tiers as they
// come); each term a query reads is then looked up, and its postings
// opened, in every one of them. On 200,000 provisions merging once costs
// about 7 s and makes term queries 10–40% faster, similar provisions a
// third faster.
func compact(ctx context.Context, idx bleve.Index, path string) error {
	adv, err := idx.Advanced()
	if err != nil {
		return fmt.Errorf("compact index: %w", err)
	}
	sc, ok := adv.(*scorch.Scorch)
	if !ok {
		return nil // not a segmented index: nothing to merge
	}
	if err := sc.ForceMerge(ctx, compactPlan()); err != nil {
		return fmt.Errorf("compact index: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// bleve's persister removes the merged-away files in the background
	// once the merged snapshot is on disk. Wait for it, briefly, so that
	// the index's size on disk is its own: files left behind stay until the
	// next write.
	nudge := time.Now().Add(compactNudgeAfter)
	for deadline := time.Now().Add(compactCleanupWait); time.Now().Before(deadline); {
		st := sc.StatsMap()
		files, _ := st["CurOnDiskFiles"].(uint64)
		segments, _ := st["TotFileSegmentsAtRoot"].(uint64)
		if files <= segments+1 { // the segments and the root file
			return nil
		}
		if time.Now().After(nudge) {
			// The persister removes files only when a write wakes it:
			// those whose last reader let go after its last pass wait for
			// the next write. Storing the fingerprint again is one.
			if v, err := idx.GetInternal([]byte(internalAnalysis)); err == nil && v != nil {
				if err := idx.SetInternal([]byte(internalAnalysis), v); err != nil {
					return fmt.Errorf("compact index: %w", err)
				}
			}
			nudge = time.Now().Add(compactNudgeAfter)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	slog.Warn("compacted index: merged-away files not yet removed", "index", path)
	return nil
}

// compactCleanupWait bounds the wait for the files a compaction merged
// away to be removed.
const compactCleanupWait = 10 * time.Second

// compactNudgeAfter is how long the wait lets the persister remove the
// files by itself before waking it with a write.
const compactNudgeAfter = 500 * time.Millisecond

// Close closes the live index.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.idx == nil {
		return nil
	}
	err := s.idx.Close()
	s.idx = nil
	s.decoders.close()
	return err
}

// View runs fn with the live index held open: it is not swapped out or
// closed until fn returns.
func (s *Store) View(fn func(bleve.Index) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.idx == nil {
		return errors.New("index is closed")
	}
	return fn(s.idx)
}

// Read runs fn with a reader of one state of the live index: what fn reads
// is consistent, whatever is written meanwhile.
func (s *Store) Read(fn func(index.IndexReader) error) error {
	return s.ReadMapped(func(r index.IndexReader, _ mapping.IndexMapping) error { return fn(r) })
}

// ReadMapped is Read that also hands fn the index's mapping, which a
// query needs to build its searcher over r.
func (s *Store) ReadMapped(fn func(index.IndexReader, mapping.IndexMapping) error) error {
	return s.View(func(idx bleve.Index) error {
		adv, err := idx.Advanced()
		if err != nil {
			return fmt.Errorf("open index reader: %w", err)
		}
		r, err := adv.Reader()
		if err != nil {
			return fmt.Errorf("open index reader: %w", err)
		}
		defer r.Close()
		return fn(r, idx.Mapping())
	})
}

// Search runs req on the live index.
func (s *Store) Search(ctx context.Context, req *bleve.SearchRequest) (*bleve.SearchResult, error) {
	var res *bleve.SearchResult
	err := s.View(func(idx bleve.Index) error {
		var err error
		res, err = idx.SearchInContext(ctx, req)
		return err
	})
	return res, err
}

// Put adds doc, replacing any earlier version with the same id, in one
// atomic batch that is on disk when Put returns.
func (s *Store) Put(ctx context.Context, doc Document) (replaced bool, err error) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	old, err := s.provisionIDs(ctx, doc.ID)
	if err != nil {
		return false, err
	}
	err = s.View(func(idx bleve.Index) error {
		b := idx.NewBatch()
		keep := make(map[string]bool, len(doc.Provisions))
		for _, p := range doc.Provisions {
			keep[p.ID] = true
		}
		for _, id := range old {
			if !keep[id] {
				b.Delete(id)
			}
		}
		if err := addToBatch(b, doc, s.codec.Load().encode); err != nil {
			return err
		}
		if err := idx.Batch(b); err != nil {
			return fmt.Errorf("write document %s: %w", doc.ID, err)
		}
		return nil
	})
	return len(old) > 0, err
}

// Delete removes a document and its provisions in one atomic batch.
func (s *Store) Delete(ctx context.Context, docID string) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if _, err := s.documentInfo(ctx, docID); err != nil {
		return err
	}
	ids, err := s.provisionIDs(ctx, docID)
	if err != nil {
		return err
	}
	return s.View(func(idx bleve.Index) error {
		b := idx.NewBatch()
		b.Delete(docKey(docID))
		for _, id := range ids {
			b.Delete(id)
		}
		if err := idx.Batch(b); err != nil {
			return fmt.Errorf("delete document %s: %w", docID, err)
		}
		return nil
	})
}

// Documents lists every document's metadata with its figures, ordered by
// year (newest first), then title.
func (s *Store) Documents(ctx context.Context) ([]DocumentInfo, error) {
	return s.documents(ctx, func(raw []byte, d *DocumentInfo) error { return json.Unmarshal(raw, d) })
}

// DocumentList is Documents without the figures (Indicators empty): what
// listing, filtering and ordering documents read. The figures are most of
// a document's record (73 of 76 MiB of JSON over the 5,453 documents of
// the 100 MB benchmark corpus), and left undecoded they take neither the
// memory nor the time.
func (s *Store) DocumentList(ctx context.Context) ([]DocumentInfo, error) {
	return s.documents(ctx, func(raw []byte, d *DocumentInfo) error {
		var rec struct {
			*DocumentInfo
			Indicators skipped `json:"indicators"` // hides the document's own
		}
		rec.DocumentInfo = d
		return json.Unmarshal(raw, &rec)
	})
}

// skipped is a JSON value read past and kept nowhere.
type skipped struct{}

// UnmarshalJSON keeps nothing of the value.
func (skipped) UnmarshalJSON([]byte) error { return nil }

func (s *Store) documents(ctx context.Context, decode func([]byte, *DocumentInfo) error) ([]DocumentInfo, error) {
	q := bleve.NewTermQuery(TypeDocument)
	q.SetField(FieldType)
	var out []DocumentInfo
	err := s.each(ctx, q, nil, func(raw []byte) error {
		var d DocumentInfo
		if err := decode(raw, &d); err != nil {
			return fmt.Errorf("decode stored document: %w", err)
		}
		out = append(out, d)
		return nil
	})
	sort.Slice(out, func(i, j int) bool {
		if out[i].Year != out[j].Year {
			return out[i].Year > out[j].Year
		}
		return out[i].Title < out[j].Title
	})
	return out, err
}

// Document returns one document with all its provisions in order.
func (s *Store) Document(ctx context.Context, id string) (Document, error) {
	info, err := s.documentInfo(ctx, id)
	if err != nil {
		return Document{}, err
	}
	doc := info.Document
	err = s.each(ctx, provisionsOf(id), []string{FieldOrdinal}, func(raw []byte) error {
		var p Provision
		if err := json.Unmarshal(raw, &p); err != nil {
			return fmt.Errorf("decode stored provision: %w", err)
		}
		doc.Provisions = append(doc.Provisions, p)
		return nil
	})
	return doc, err
}

// Provision returns one provision by id.
func (s *Store) Provision(ctx context.Context, id string) (Provision, error) {
	var p Provision
	raw, err := s.stored(ctx, id)
	if err != nil {
		return p, err
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		return p, fmt.Errorf("decode stored provision %s: %w", id, err)
	}
	return p, nil
}

// Provisions decodes the stored records of the given ids, in that order;
// ids that are not there are skipped. One request reads them all.
func (s *Store) Provisions(ctx context.Context, ids []string) ([]Provision, error) {
	if len(ids) == 0 {
		return []Provision{}, nil
	}
	raws, err := s.records(ctx, ids)
	if err != nil {
		return nil, err
	}
	return decodeProvisions[Provision](ids, raws)
}

// decodeProvisions decodes stored provision records (nil for those not
// there, which are skipped) into values of T, in order.
func decodeProvisions[T any](ids []string, raws [][]byte) ([]T, error) {
	out := make([]T, 0, len(raws))
	for i, raw := range raws {
		if raw == nil {
			continue
		}
		var p T
		if err := json.Unmarshal(raw, &p); err != nil {
			return nil, fmt.Errorf("decode stored provision %s: %w", ids[i], err)
		}
		out = append(out, p)
	}
	return out, nil
}

// ProvisionText is a provision's id, document, title and text, without the
// rest of its record.
type ProvisionText struct {
	ID          string   `json:"id"`
	DocID       string   `json:"doc_id"`
	Ordinal     int      `json:"ordinal"`
	HeadingPath []string `json:"heading_path,omitempty"`
	Title       string   `json:"title,omitempty"`
	Text        string   `json:"text"`
}

// ProvisionTexts reads the ids, documents, titles and texts of the given
// provisions, in that order; ids that are not there are skipped. For
// ranking candidates by their wording: decoding only these fields of a
// record costs a fraction of decoding all of it (its themes' cues above
// all).
func (s *Store) ProvisionTexts(ctx context.Context, ids []string) ([]ProvisionText, error) {
	raws, err := s.records(ctx, ids)
	if err != nil {
		return nil, err
	}
	return decodeProvisions[ProvisionText](ids, raws)
}

// AllProvisionTexts returns the ProvisionText of every provision, the
// documents in the order Documents lists them and each one's provisions in
// order. The records are read segment by segment from one state of the
// index, on every core: reading them a document at a time cost a search
// each, ten minutes for 2 million provisions.
func (s *Store) AllProvisionTexts(ctx context.Context) ([]ProvisionText, error) {
	docs, err := s.DocumentList(ctx)
	if err != nil {
		return nil, err
	}
	order := make(map[string]int, len(docs))
	for i, d := range docs {
		order[d.ID] = i
	}
	var out []ProvisionText
	err = s.Read(func(r index.IndexReader) error {
		snap, ok := r.(*scorch.IndexSnapshot)
		if !ok {
			return errors.New("read provisions: the index is not segmented")
		}
		// A built index is one segment: its documents are split between
		// the cores.
		type chunk struct {
			seg    *scorch.SegmentSnapshot
			lo, hi uint64
		}
		workers := uint64(runtime.GOMAXPROCS(0))
		var chunks []chunk
		for _, seg := range snap.Segments() {
			n := seg.Segment().Count()
			for w := range workers {
				chunks = append(chunks, chunk{seg, w * n / workers, (w + 1) * n / workers})
			}
		}
		parts := make([][]ProvisionText, len(chunks))
		errs := make([]error, len(chunks))
		var wg sync.WaitGroup
		for i, c := range chunks {
			wg.Go(func() { parts[i], errs[i] = s.segmentTexts(ctx, c.seg, c.lo, c.hi) })
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return err
		}
		out = slices.Concat(parts...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b ProvisionText) int {
		return cmp.Or(cmp.Compare(order[a.DocID], order[b.DocID]), cmp.Compare(a.Ordinal, b.Ordinal))
	})
	return out, nil
}

// segmentTexts reads the provision records of a segment's documents
// numbered lo to hi.
func (s *Store) segmentTexts(ctx context.Context, seg *scorch.SegmentSnapshot, lo, hi uint64) ([]ProvisionText, error) {
	var out []ProvisionText
	deleted := seg.Deleted()
	for n := lo; n < hi; n++ {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if deleted != nil && deleted.Contains(uint32(n)) {
			continue
		}
		var id string
		var stored []byte
		err := seg.Segment().VisitStoredFields(n, func(field string, _ byte, value []byte, _ []uint64) bool {
			switch field {
			case "_id":
				id = string(value)
			case FieldJSON:
				stored = slices.Clone(value)
			}
			return true
		})
		if err != nil {
			return nil, fmt.Errorf("read provisions: %w", err)
		}
		if stored == nil || strings.HasPrefix(id, docKey("")) {
			continue // a document's record
		}
		raw, err := s.decoders.decode(stored)
		if err != nil {
			return nil, fmt.Errorf("read record %s: %w", id, err)
		}
		var p ProvisionText
		if err := json.Unmarshal(raw, &p); err != nil {
			return nil, fmt.Errorf("decode stored provision %s: %w", id, err)
		}
		out = append(out, p)
	}
	return out, nil
}

// ProvisionIDs lists the id of every provision in the index, reading the
// index's id list rather than the stored records.
func (s *Store) ProvisionIDs(ctx context.Context) ([]string, error) {
	var ids []string
	err := s.Read(func(r index.IndexReader) error {
		tfr, err := r.TermFieldReader(ctx, []byte(TypeProvision), FieldType, false, false, false)
		if err != nil {
			return fmt.Errorf("list provisions: %w", err)
		}
		defer tfr.Close()
		ids = make([]string, 0, tfr.Count())
		var d index.TermFieldDoc
		for {
			next, err := tfr.Next(&d)
			if err != nil {
				return fmt.Errorf("list provisions: %w", err)
			}
			if next == nil {
				return nil
			}
			id, err := r.ExternalID(next.ID)
			if err != nil {
				return fmt.Errorf("list provisions: %w", err)
			}
			ids = append(ids, id)
		}
	})
	return ids, err
}

// DocCount returns the number of documents and provisions in the live
// index. Both are read from one snapshot, so that a write landing meanwhile
// is counted in both or in neither: the pair always describes one state of
// the index.
func (s *Store) DocCount(ctx context.Context) (docs, provisions int, err error) {
	err = s.Read(func(r index.IndexReader) error {
		count := func(typ string) (int, error) {
			tfr, err := r.TermFieldReader(ctx, []byte(typ), FieldType, false, false, false)
			if err != nil {
				return 0, err
			}
			defer tfr.Close()
			return int(tfr.Count()), nil
		}
		if docs, err = count(TypeDocument); err != nil {
			return fmt.Errorf("count documents: %w", err)
		}
		if provisions, err = count(TypeProvision); err != nil {
			return fmt.Errorf("count provisions: %w", err)
		}
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	return docs, provisions, nil
}

// DiskSize returns the bytes the live generation occupies on disk.
func (s *Store) DiskSize() int64 {
	s.mu.RLock()
	path := filepath.Join(s.root, s.gen)
	s.mu.RUnlock()
	var n int64
	_ = filepath.Walk(path, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			n += info.Size()
		}
		return nil
	})
	return n
}

func (s *Store) documentInfo(ctx context.Context, id string) (DocumentInfo, error) {
	var d DocumentInfo
	raw, err := s.stored(ctx, docKey(id))
	if err != nil {
		return d, err
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		return d, fmt.Errorf("decode stored document %s: %w", id, err)
	}
	return d, nil
}

// stored returns the stored JSON of one record.
func (s *Store) stored(ctx context.Context, key string) ([]byte, error) {
	raws, err := s.records(ctx, []string{key})
	if err != nil {
		return nil, err
	}
	if raws[0] == nil {
		return nil, fmt.Errorf("%q: %w", key, ErrNotFound)
	}
	return raws[0], nil
}

// records returns the stored JSON of the records with these keys, in their
// order: nil for a key with no record. They are read straight from the
// index reader; a search for them (a query, a sort, a collector) cost as
// much again as reading them.
func (s *Store) records(ctx context.Context, keys []string) ([][]byte, error) {
	out := make([][]byte, len(keys))
	err := s.Read(func(r index.IndexReader) error {
		for i, k := range keys {
			if err := ctx.Err(); err != nil {
				return err
			}
			doc, err := r.Document(k)
			if err != nil {
				return fmt.Errorf("read record %s: %w", k, err)
			}
			if doc == nil {
				continue
			}
			var stored []byte
			doc.VisitFields(func(f index.Field) {
				if f.Name() == FieldJSON {
					stored = f.Value()
				}
			})
			if stored == nil {
				continue
			}
			raw, err := s.decoders.decode(stored)
			if err != nil {
				return fmt.Errorf("read record %s: %w", k, err)
			}
			out[i] = slices.Clip(slices.Clone(raw))
		}
		return nil
	})
	return out, err
}

// maxRecords bounds the records one listing reads.
const maxRecords = maxDocProvisions * 10

// each runs q and passes every hit's stored JSON to fn, in sort order (at
// most maxRecords of them). It reads them in one request, from one
// snapshot of the index: pages read one by one could skip or repeat a
// record when a write lands between them.
func (s *Store) each(ctx context.Context, q query.Query, sortBy []string, fn func([]byte) error) error {
	req := bleve.NewSearchRequestOptions(q, maxRecords, 0, false)
	req.Fields = []string{FieldJSON}
	if sortBy != nil {
		req.SortBy(sortBy)
	} else {
		req.SortBy([]string{"_id"})
	}
	res, err := s.Search(ctx, req)
	if err != nil {
		return fmt.Errorf("read stored records: %w", err)
	}
	for _, h := range res.Hits {
		stored, _ := h.Fields[FieldJSON].(string)
		raw, err := s.decoders.decode([]byte(stored))
		if err != nil {
			return fmt.Errorf("read record %s: %w", h.ID, err)
		}
		if err := fn(raw); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) provisionIDs(ctx context.Context, docID string) ([]string, error) {
	req := bleve.NewSearchRequestOptions(provisionsOf(docID), maxDocProvisions, 0, false)
	res, err := s.Search(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("list provisions of %s: %w", docID, err)
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids, nil
}

func provisionsOf(docID string) query.Query {
	d := bleve.NewTermQuery(docID)
	d.SetField(FieldDocID)
	t := bleve.NewTermQuery(TypeProvision)
	t.SetField(FieldType)
	return bleve.NewConjunctionQuery(d, t)
}

func docKey(docID string) string { return "doc:" + docID }

// addToBatch adds a document record and its provision records, their
// JSON stored in the form encode gives it.
func addToBatch(b *bleve.Batch, d Document, encode func([]byte) []byte) error {
	info := DocumentInfo{Document: d, ProvisionCount: len(d.Provisions)}
	info.Provisions = nil
	raw, err := json.Marshal(info)
	if err != nil {
		return fmt.Errorf("encode document %s: %w", d.ID, err)
	}
	rec := map[string]interface{}{
		FieldType:     TypeDocument,
		FieldDocID:    d.ID,
		FieldCity:     d.City,
		FieldProvince: d.Province,
		FieldCounty:   d.County,
		FieldLevel:    d.Level,
		FieldDocType:  d.DocType,
		FieldJSON:     string(encode(raw)),
	}
	if d.Year > 0 {
		rec[FieldYear] = d.Year
		rec[FieldYearKey] = strconv.Itoa(d.Year)
	}
	if err := b.Index(docKey(d.ID), rec); err != nil {
		return fmt.Errorf("index document %s: %w", d.ID, err)
	}
	for _, p := range d.Provisions {
		rec, err := provisionRecord(p, encode)
		if err != nil {
			return err
		}
		if err := b.Index(p.ID, rec); err != nil {
			return fmt.Errorf("index provision %s: %w", p.ID, err)
		}
	}
	return nil
}

func provisionRecord(p Provision, encode func([]byte) []byte) (map[string]interface{}, error) {
	raw, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("encode provision %s: %w", p.ID, err)
	}
	norm := analyzers.Normalize(p.Text)
	heads := analyzers.Normalize(strings.Join(append(append([]string{}, p.HeadingPath...), p.Title), " "))
	rec := map[string]interface{}{
		FieldType:      TypeProvision,
		FieldDocID:     p.DocID,
		FieldOrdinal:   p.Ordinal,
		FieldWords:     norm,
		FieldExact:     norm,
		FieldHeadWords: heads,
		FieldCity:      p.City,
		FieldProvince:  p.Province,
		FieldCounty:    p.County,
		FieldLevel:     p.Level,
		FieldDocType:   p.DocType,
		FieldThemes:    p.Themes,
		FieldOffices:   p.LeadOffices,
		FieldSupport:   p.SupportOffices,
		FieldJSON:      string(encode(raw)),
	}
	if p.Year > 0 {
		rec[FieldYear] = p.Year
		rec[FieldYearKey] = strconv.Itoa(p.Year)
	}
	return rec, nil
}

func readCurrent(root string) (string, error) {
	raw, err := os.ReadFile(filepath.Join(root, currentFile))
	if errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("%s: %w", root, ErrNoIndex)
	}
	if err != nil {
		return "", fmt.Errorf("read %s: %w", filepath.Join(root, currentFile), err)
	}
	gen := strings.TrimSpace(string(raw))
	if !strings.HasPrefix(gen, genPrefix) || strings.ContainsAny(gen, `/\`) {
		return "", fmt.Errorf("%s names no index generation (%q)", filepath.Join(root, currentFile), gen)
	}
	return gen, nil
}

// writeCurrent points CURRENT at gen by writing a temporary file, syncing
// it and renaming it over the old one: readers see the old or the new name,
// never a partial one.
func writeCurrent(root, gen string) error {
	tmp := filepath.Join(root, currentFile+".tmp")
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("write %s: %w", tmp, err)
	}
	if _, err := f.WriteString(gen + "\n"); err != nil {
		_ = f.Close()
		return fmt.Errorf("write %s: %w", tmp, err)
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return fmt.Errorf("sync %s: %w", tmp, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, filepath.Join(root, currentFile)); err != nil {
		return fmt.Errorf("switch index generation: %w", err)
	}
	if d, err := os.Open(root); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

func nextGeneration(root string) (string, error) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return "", fmt.Errorf("list index folder: %w", err)
	}
	max := 0
	for _, e := range entries {
		if n, ok := generationNumber(e.Name()); ok && n > max {
			max = n
		}
	}
	return fmt.Sprintf("%s%06d", genPrefix, max+1), nil
}

func generationNumber(name string) (int, bool) {
	if !strings.HasPrefix(name, genPrefix) {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimPrefix(name, genPrefix))
	return n, err == nil
}

// removeStaleGenerations deletes generations other than the live one: those
// replaced by a rebuild and those a crashed build left half written.
func (s *Store) removeStaleGenerations() {
	entries, err := os.ReadDir(s.root)
	if err != nil {
		return
	}
	s.mu.RLock()
	live := s.gen
	s.mu.RUnlock()
	for _, e := range entries {
		if _, ok := generationNumber(e.Name()); ok && e.Name() != live {
			if err := os.RemoveAll(filepath.Join(s.root, e.Name())); err != nil {
				slog.Warn("removing old index generation", "path", e.Name(), "err", err)
			}
		}
	}
}

// DocFreqs returns, for each term, how many records hold it in field, and
// the number of provisions in the index: the corpus statistics behind
// TF-IDF weights.
func (s *Store) DocFreqs(ctx context.Context, field string, terms []string) (map[string]uint64, uint64, error) {
	out := make(map[string]uint64, len(terms))
	var total uint64
	err := s.Read(func(r index.IndexReader) error {
		tfr, err := r.TermFieldReader(ctx, []byte(TypeProvision), FieldType, false, false, false)
		if err != nil {
			return fmt.Errorf("count provisions: %w", err)
		}
		total = tfr.Count()
		_ = tfr.Close()
		for _, t := range terms {
			if _, ok := out[t]; ok {
				continue
			}
			tfr, err := r.TermFieldReader(ctx, []byte(t), field, false, false, false)
			if err != nil {
				return fmt.Errorf("document frequency of %q: %w", t, err)
			}
			out[t] = tfr.Count()
			_ = tfr.Close()
		}
		return nil
	})
	return out, total, err
}

// Indexing throughput. Bleve analyses a batch's records on a pool of
// workers, but then builds the batch's segment and waits for it to reach
// disk on the calling goroutine, one core at most. Two writers keep both
// cores busy: one batch is analysed while the other is built and
// persisted. Measured on 100 MB (2 cores): 1000 records × 2 writers took
// 95 s and 1346 MiB at peak; 2000 × 1 (one batch at a time) 130 s; 500 × 3
// used more CPU in merging its smaller segments; 2000 × 2 was no faster
// and took 1505 MiB. Each record in flight holds its analysed tokens, tens of bytes
// per token.
const (
	batchRecords = 1000
	batchWriters = 2
)

// writeBatches indexes docs in batches of about batchRecords records, from
// batchWriters goroutines, and returns the documents and provisions written.
func writeBatches(ctx context.Context, idx bleve.Index, docs iter.Seq[Document], progress func(documents, provisions int), encode func([]byte) []byte) (int, int, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	chunks := make(chan []Document)
	var (
		wg                    sync.WaitGroup
		mu                    sync.Mutex // guards the counts and serialises progress
		documents, provisions int
	)
	for range batchWriters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for chunk := range chunks {
				if ctx.Err() != nil {
					continue
				}
				b := idx.NewBatch()
				n := 0
				for _, d := range chunk {
					if err := addToBatch(b, d, encode); err != nil {
						cancel(err)
						break
					}
					n += len(d.Provisions)
				}
				if ctx.Err() != nil {
					continue
				}
				if err := idx.Batch(b); err != nil {
					cancel(fmt.Errorf("index batch: %w", err))
					continue
				}
				mu.Lock()
				documents += len(chunk)
				provisions += n
				if progress != nil {
					progress(documents, provisions)
				}
				mu.Unlock()
			}
		}()
	}

	seen := map[string]bool{}
	var chunk []Document
	records := 0
	send := func() bool {
		select {
		case chunks <- chunk:
			chunk, records = nil, 0
			return true
		case <-ctx.Done():
			return false
		}
	}
	for d := range docs {
		if ctx.Err() != nil || seen[d.ID] {
			if ctx.Err() != nil {
				break
			}
			continue
		}
		seen[d.ID] = true
		chunk = append(chunk, d)
		records += 1 + len(d.Provisions)
		if records >= batchRecords && !send() {
			break
		}
	}
	if len(chunk) > 0 && ctx.Err() == nil {
		send()
	}
	close(chunks)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return 0, 0, fmt.Errorf("rebuild cancelled: %w", err)
		}
		return 0, 0, err
	}
	return documents, provisions, nil
}
