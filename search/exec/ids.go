package exec

import (
	"fmt"
	"math"

	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// IDs resolves provision ids to the document numbers of one index state:
// the numbers the match sets and the facet index hold. bleve's own lookup
// opens a term reader over every segment for each id (some 1.5 µs); the
// hundreds of nearest provisions of a hybrid search are looked up in each
// segment's id dictionary, opened once for all of them.
type IDs struct {
	r      index.IndexReader
	segs   []*scorch.SegmentSnapshot // nil: r is not a scorch snapshot
	bounds []uint64
	dicts  []segment.TermDictionary // opened on first use
	pl     segment.PostingsList
}

// NewIDs returns a lookup of ids in the state r reads.
func NewIDs(r index.IndexReader) *IDs {
	l := &IDs{r: r}
	if snap, ok := r.(*scorch.IndexSnapshot); ok {
		l.segs = snap.Segments()
		l.bounds = DocBounds(l.segs)
	}
	return l
}

// Number returns the document number of id (ok false: no longer there).
func (l *IDs) Number(id string) (uint32, bool, error) {
	if l.segs == nil {
		iid, err := l.r.InternalID(id)
		if err != nil {
			return 0, false, fmt.Errorf("look up %s: %w", id, err)
		}
		if len(iid) == 0 {
			return 0, false, nil
		}
		n, err := DocNumber(iid)
		return n, err == nil, err
	}
	if l.dicts == nil {
		l.dicts = make([]segment.TermDictionary, len(l.segs))
		for i, s := range l.segs {
			d, err := s.Segment().Dictionary("_id")
			if err != nil {
				return 0, false, fmt.Errorf("read the ids: %w", err)
			}
			l.dicts[i] = d
		}
	}
	for i, d := range l.dicts {
		pl, err := d.PostingsList([]byte(id), l.segs[i].Deleted(), l.pl)
		if err != nil {
			return 0, false, fmt.Errorf("look up %s: %w", id, err)
		}
		l.pl = pl
		if pl.Count() == 0 {
			continue
		}
		p, err := pl.Iterator(false, false, false, nil).Next()
		if err != nil {
			return 0, false, fmt.Errorf("look up %s: %w", id, err)
		}
		if p == nil {
			continue
		}
		n := l.bounds[i] + p.Number()
		if n > math.MaxUint32 {
			return 0, false, fmt.Errorf("document number %d is past what facet counting holds", n)
		}
		return uint32(n), true, nil
	}
	return 0, false, nil
}

// Numbers resolves ids, leaving out those no longer there.
func (l *IDs) Numbers(ids []string) ([]uint32, error) {
	var out []uint32
	for _, id := range ids {
		n, ok, err := l.Number(id)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, n)
		}
	}
	return out, nil
}
