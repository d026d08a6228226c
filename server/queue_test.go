package server

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

// TestQueriesWaitTheirTurn: while every turn is taken, a query waits, and
// is stopped at its deadline; once a turn is free it is answered. Cheap
// reads do not wait.
func TestQueriesWaitTheirTurn(t *testing.T) {
	const deadline = 300 * time.Millisecond
	ts := startServer(Config{Workers: 1, ReadTimeout: deadline}, shared.engine)
	defer ts.http.Close()
	search := "/api/search?q=" + url.QueryEscape("医共体")

	ts.srv.turns <- struct{}{} // another query has the only turn
	start := time.Now()
	r := ts.get(t, search)
	wantError(t, "query without a turn", r, http.StatusServiceUnavailable, codeTimeout)
	if took := time.Since(start); took < deadline {
		t.Errorf("answered after %v, before its deadline of %v", took, deadline)
	}
	if r := ts.get(t, "/api/info"); r.status != http.StatusOK {
		t.Errorf("/api/info while the turn is taken: status %d", r.status)
	}

	<-ts.srv.turns
	if r := ts.get(t, search); r.status != http.StatusOK {
		t.Errorf("query with a free turn: status %d (%s)", r.status, r.body)
	}
	if n := len(ts.srv.turns); n != 0 {
		t.Errorf("%d turns still taken after the query", n)
	}
}
