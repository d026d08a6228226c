package benchmark

import (
	"context"
	"strings"
)

// ScanTarget answers term and phrase queries by reading every provision's
// text: the floor a search index must beat. It counts every match, as a
// search's total does.
type ScanTarget struct {
	Corpus *Corpus
}

// Name implements Target.
func (t *ScanTarget) Name() string { return "brute-force scan" }

// Supports implements Target.
func (t *ScanTarget) Supports(kind string) bool { return textKind(kind) }

// Do implements Target.
func (t *ScanTarget) Do(ctx context.Context, q Query) (int, error) {
	if !textKind(q.Kind) {
		return 0, ErrUnsupported
	}
	n := 0
	for i := range t.Corpus.Provisions {
		if i%4096 == 0 && ctx.Err() != nil {
			return n, ctx.Err()
		}
		if q.Matches(&t.Corpus.Provisions[i]) {
			n++
		}
	}
	return n, nil
}

// textKind reports whether kind is answered from the text alone (terms and
// phrases, filtered or not), which is what the peers can do.
func textKind(kind string) bool {
	switch strings.TrimSuffix(kind, Filtered) {
	case KindSimilar, KindSemantic, KindHybrid, KindKeyword:
		return false // KindKeyword: the common and AND kinds again
	}
	return true
}
