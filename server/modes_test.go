package server

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/policysearch/policysearch/search"
)

// TestInfoTellsTheModes: /api/info lists the search modes and the default.
func TestInfoTellsTheModes(t *testing.T) {
	var info infoResponse
	shared.getJSON(t, "/api/info", &info)
	docs, provs := shared.counts(t)
	if info.Documents != docs || info.Provisions != provs {
		t.Errorf("info counts %d/%d, want %d/%d", info.Documents, info.Provisions, docs, provs)
	}
	for _, m := range []string{search.ModeKeyword, search.ModeSemantic, search.ModeHybrid} {
		if !slices.Contains(info.Modes, m) {
			t.Errorf("modes %v lack %s", info.Modes, m)
		}
	}
	if !slices.Contains(info.Modes, info.DefaultMode) || info.Embedder == "" {
		t.Errorf("default mode %q, embedder %q", info.DefaultMode, info.Embedder)
	}
	res := shared.searchPage(t, url.Values{"q": {"医共体"}})
	if res.Mode != info.DefaultMode {
		t.Errorf("a search without mode ran %q, the default is %q", res.Mode, info.DefaultMode)
	}
}

// TestModesThroughAPI: every mode answers, pages stably and keeps a quoted
// phrase exact; an unknown mode is a 400.
func TestModesThroughAPI(t *testing.T) {
	for _, mode := range []string{search.ModeKeyword, search.ModeSemantic, search.ModeHybrid} {
		hits, total := shared.searchAll(t, url.Values{"q": {"老人看病难"}, "mode": {mode}}, 17)
		if total == 0 || len(hits) != total {
			t.Errorf("%s: walked %d of %d", mode, len(hits), total)
		}
		seen := map[string]bool{}
		for _, h := range hits {
			if seen[h.ID] {
				t.Errorf("%s: %s on two pages", mode, h.ID)
			}
			seen[h.ID] = true
		}
		phrase, _ := shared.searchAll(t, url.Values{"q": {`"家庭医生"`}, "mode": {mode}}, 50)
		for _, h := range phrase {
			if !strings.Contains(h.Marked, "<mark>家庭医生</mark>") {
				t.Errorf("%s: %s lacks the quoted phrase", mode, h.ID)
			}
		}
	}
	wantError(t, "mode=fuzzy", shared.get(t, "/api/search?q=x&mode=fuzzy"), http.StatusBadRequest, codeBadParameter)
}

// TestExpandThroughAPI: the response says how a query was understood, and
// expand=false takes the words as typed.
func TestExpandThroughAPI(t *testing.T) {
	on := shared.searchPage(t, url.Values{"q": {"救护车来得慢"}, "mode": {search.ModeKeyword}})
	if on.Understood == nil || len(on.Understood.Added) == 0 {
		t.Fatalf("no understanding reported: %+v", on.Understood)
	}
	off := shared.searchPage(t, url.Values{"q": {"救护车来得慢"}, "mode": {search.ModeKeyword}, "expand": {"false"}})
	if off.Understood != nil || off.Total >= on.Total {
		t.Errorf("expand=false: understood %+v, %d hits (with expansion %d)", off.Understood, off.Total, on.Total)
	}
	wantError(t, "expand=maybe", shared.get(t, "/api/search?q=x&expand=maybe"), http.StatusBadRequest, codeBadParameter)
	typo := shared.searchPage(t, url.Values{"q": {"医工体"}})
	if len(typo.DidYouMean) == 0 || typo.DidYouMean[0] != "医共体" {
		t.Errorf("医工体: did_you_mean %v", typo.DidYouMean)
	}
}
