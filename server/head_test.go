package server

import (
	"net/http"
	"testing"
)

// TestHeadOfWebPages: HEAD answers like GET, without a body.
func TestHeadOfWebPages(t *testing.T) {
	for _, path := range []string{"/", "/assets/style.css"} {
		get := shared.get(t, path)
		head := shared.do(t, http.MethodHead, path, nil, nil)
		if head.status != http.StatusOK || get.status != http.StatusOK {
			t.Errorf("%s: HEAD %d, GET %d", path, head.status, get.status)
		}
		if len(head.body) != 0 {
			t.Errorf("%s: HEAD sent %d bytes of body", path, len(head.body))
		}
		if head.header.Get("Content-Type") != get.header.Get("Content-Type") {
			t.Errorf("%s: HEAD content type %q, GET %q", path, head.header.Get("Content-Type"), get.header.Get("Content-Type"))
		}
	}
}
