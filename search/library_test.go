package search

import (
	"fmt"
	"testing"

	"github.com/policysearch/policysearch/indexer"
)

// syntheticLibrary makes a library of n documents spread over 300 cities
// of 30 provinces, ten years and two types, a tenth of them without a city.
func syntheticLibrary(n int) *libraryState {
	infos := make([]indexer.DocumentInfo, n)
	for i := range infos {
		d := indexer.Document{
			ID:       fmt.Sprintf("%016x", i),
			Title:    fmt.Sprintf("%d年第%d号文件工作要点", 2016+i%10, i),
			Province: fmt.Sprintf("省%02d", i%30),
			City:     fmt.Sprintf("市%03d", i%300),
			Level:    "市级",
			Year:     2016 + i%10,
			DocType:  []string{"工作要点", "工作总结"}[i%2],
			Issuer:   "卫生健康委员会",
			Added:    fmt.Sprintf("2026-01-%02dT00:00:00Z", 1+i%28),
		}
		if i%10 == 0 {
			d.City, d.Level = "", ""
		}
		infos[i] = indexer.DocumentInfo{Document: d, ProvisionCount: 30}
	}
	return newLibraryState("", infos)
}

// BenchmarkLibraryPage answers one page of 50 from 50,000 documents held
// in memory, with facet counts: what GET /api/documents costs once the
// index state's records are read.
func BenchmarkLibraryPage(b *testing.B) {
	st := syntheticLibrary(50000)
	for _, bc := range []struct {
		name string
		r    LibraryRequest
	}{
		{"all, newest first", LibraryRequest{}},
		{"by place", LibraryRequest{Sort: LibraryPlace}},
		{"province and year filters", LibraryRequest{Filters: Filters{FacetProvince: {"省03"}, FacetYear: {"2019-2021"}}}},
		{"missing city", LibraryRequest{Missing: []string{"city"}}},
		{"title query", LibraryRequest{Q: "第4242号"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := libraryPage(st, bc.r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
