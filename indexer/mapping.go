package indexer

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/policysearch/policysearch/analyzers"
)

// Field names of the indexed records. Search code builds queries on these.
const (
	FieldType      = "type"
	FieldDocID     = "doc_id"
	FieldOrdinal   = "ordinal"
	FieldWords     = "words"    // jieba words of the normalised text: ranking
	FieldExact     = "exact"    // character bigrams of the normalised text: exact phrases
	FieldHeadWords = "headings" // jieba words of title and heading path: ranking boost
	FieldCity      = "city"
	FieldProvince  = "province"
	FieldCounty    = "county"
	FieldLevel     = "level"
	FieldYear      = "year"     // numeric: ranges and sorting
	FieldYearKey   = "year_key" // keyword: facet counts
	FieldDocType   = "doc_type"
	FieldThemes    = "themes"
	FieldOffices   = "offices" // lead offices
	FieldSupport   = "support_offices"
	FieldJSON      = "json" // the whole record, stored only
)

// Record types held in the index.
const (
	TypeProvision = "provision"
	TypeDocument  = "document"
)

// NewMapping returns the index mapping. There is no _all field, and a field
// keeps only what its queries read: positions only for the bigrams that
// phrases are matched on (highlighting is done on the display text by the
// search package), doc values only for the numbers results are sorted by
// (facets are counted from postings). Each left out costs build time and
// disk: positions of the word fields were 18% of a 100 MB index.
func NewMapping() mapping.IndexMapping {
	im := bleve.NewIndexMapping()
	im.ScoringModel = "bm25"
	im.DefaultAnalyzer = keyword.Name
	im.IndexDynamic = false
	im.StoreDynamic = false
	im.DocValuesDynamic = false
	im.DefaultField = FieldWords

	text := func(analyzer string, positions bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store = false
		f.IncludeTermVectors = positions
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	kw := func() *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Store = false
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	num := func() *mapping.FieldMapping {
		f := bleve.NewNumericFieldMapping()
		f.Store = false
		f.IncludeInAll = false
		f.DocValues = true
		return f
	}
	stored := bleve.NewTextFieldMapping()
	stored.Index = false
	stored.Store = true
	stored.IncludeInAll = false
	stored.IncludeTermVectors = false
	stored.DocValues = false

	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt(FieldType, kw())
	dm.AddFieldMappingsAt(FieldDocID, kw())
	dm.AddFieldMappingsAt(FieldOrdinal, num())
	dm.AddFieldMappingsAt(FieldWords, text(analyzers.WordAnalyzer, false))
	dm.AddFieldMappingsAt(FieldExact, text(analyzers.BigramAnalyzer, true))
	dm.AddFieldMappingsAt(FieldHeadWords, text(analyzers.WordAnalyzer, false))
	for _, f := range []string{FieldCity, FieldProvince, FieldCounty, FieldLevel, FieldYearKey, FieldDocType, FieldThemes, FieldOffices, FieldSupport} {
		dm.AddFieldMappingsAt(f, kw())
	}
	dm.AddFieldMappingsAt(FieldYear, num())
	dm.AddFieldMappingsAt(FieldJSON, stored)
	im.DefaultMapping = dm
	return im
}
