package server

import (
	"encoding/json"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/policysearch/policysearch/search"
)

// TestCountsConsistentDuringWrites: while one document is uploaded and
// deleted over and over, every reader sees the index before or after a
// write, never between: /readyz's document and provision counts are a
// pair that exists, and the document list agrees with its own total.
func TestCountsConsistentDuringWrites(t *testing.T) {
	ts := newWritableServer(t, Config{Token: testToken})
	docs, provs := ts.counts(t)
	r, ir := upload(t, ts, []byte(newDocument), nil)
	if r.status != 201 {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	n, id := len(ir.Document.Provisions), ir.Document.ID
	if d := ts.do(t, "DELETE", "/api/documents/"+id, nil, bearer); d.status != 204 {
		t.Fatalf("delete: %d %s", d.status, d.body)
	}
	valid := map[[2]int]bool{{docs, provs}: true, {docs + 1, provs + n}: true}

	var (
		stop     atomic.Bool
		wg       sync.WaitGroup
		reads    atomic.Int64
		seen     sync.Map // counts seen, to prove both states were met
		failures failureLog
	)
	fail := failures.add
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				r, err := ts.try("GET", "/readyz", nil, nil)
				if err != nil || r.status != 200 {
					fail("readyz: %v %d %s", err, r.status, r.body)
					continue
				}
				var rr readyResponse
				if err := json.Unmarshal(r.body, &rr); err != nil {
					fail("decode readyz: %v", err)
					continue
				}
				pair := [2]int{rr.Documents, rr.Provisions}
				if !valid[pair] {
					fail("readyz counts %d documents, %d provisions: no such state (valid: %v)", pair[0], pair[1], valid)
				}
				seen.Store(pair, true)

				r, err = ts.try("GET", "/api/documents", nil, nil)
				if err != nil || r.status != 200 {
					fail("documents: %v %d", err, r.status)
					continue
				}
				var list search.LibraryResponse
				if err := json.Unmarshal(r.body, &list); err != nil {
					fail("decode documents: %v", err)
					continue
				}
				if list.Total != len(list.Documents) || (list.Total != docs && list.Total != docs+1) {
					fail("document list: total %d, %d listed; want %d or %d", list.Total, len(list.Documents), docs, docs+1)
				}
				reads.Add(1)
			}
		}()
	}
	for i := range 60 {
		if r, _ := upload(t, ts, []byte(newDocument), nil); r.status != 201 {
			t.Errorf("upload %d: %d %s", i, r.status, r.body)
		}
		if d := ts.do(t, "DELETE", "/api/documents/"+id, nil, bearer); d.status != 204 {
			t.Errorf("delete %d: %d %s", i, d.status, d.body)
		}
	}
	stop.Store(true)
	wg.Wait()
	failures.report(t)
	if reads.Load() == 0 {
		t.Fatal("no read ran during the writes")
	}
	states := 0
	seen.Range(func(any, any) bool { states++; return true })
	t.Logf("%d reads saw %d of the 2 states", reads.Load(), states)
}
