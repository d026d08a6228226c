package search

import (
	"context"

	"github.com/policysearch/policysearch/indexer"
)

// DocumentInfos returns the metadata (without provisions) of those of the
// documents named that exist, from the library held in memory for the
// index state read now: a caller holding hits (an export) adds their
// documents' issuer and number without reading each document's record.
func (e *Engine) DocumentInfos(ctx context.Context, ids []string) (map[string]indexer.DocumentInfo, error) {
	out := make(map[string]indexer.DocumentInfo, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	st, err := e.library.get(ctx, e.store)
	if err != nil {
		return nil, err
	}
	want := make(map[string]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	for i := range st.docs {
		if d := &st.docs[i]; want[d.info.ID] {
			out[d.info.ID] = d.info
			if len(out) == len(want) {
				break
			}
		}
	}
	return out, nil
}
