package server

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/policysearch/policysearch/indexer"
	"github.com/policysearch/policysearch/search"
	"github.com/policysearch/policysearch/server/export"
)

// obj is a JSON object in the OpenAPI document.
type obj = map[string]any

// openAPI answers GET /openapi.json.
func (s *Server) openAPI(c echo.Context) error {
	b, err := json.Marshal(s.openAPIDoc())
	if err != nil {
		return fmt.Errorf("encode OpenAPI document: %w", err)
	}
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, b)
}

// openAPIDoc describes every route of routesInit (a test holds the two
// together) in OpenAPI 3.0.
func (s *Server) openAPIDoc() obj {
	return obj{
		"openapi": "3.0.3",
		"info": obj{
			"title":   "policysearch",
			"version": "1",
			"description": "Search Chinese government health-policy documents by provision (numbered item). " +
				"Every error is JSON {\"error\": {\"code\", \"message\", \"field\"}}; clients branch on code. " +
				"/api/* answers 503 (not_ready) until the index is open.",
		},
		// Relative, so that it resolves against wherever the document was
		// fetched from: the server does not know its public address.
		"servers":    []any{obj{"url": "/", "description": "The server this document is served by."}},
		"paths":      s.openAPIPaths(),
		"components": s.openAPIComponents(),
	}
}

func ref(kind, name string) obj { return obj{"$ref": "#/components/" + kind + "/" + name} }

func schemaRef(name string) obj { return ref("schemas", name) }

func jsonContent(schema obj) obj {
	return obj{echo.MIMEApplicationJSON: obj{"schema": schema}}
}

func jsonResponse(desc, schema string) obj {
	return obj{"description": desc, "content": jsonContent(schemaRef(schema))}
}

// responses merges an operation's own responses with shared error ones.
func responses(own obj, errs ...string) obj {
	out := obj{}
	for k, v := range own {
		out[k] = v
	}
	for _, e := range errs {
		out[errorStatus[e]] = ref("responses", e)
	}
	out["500"] = ref("responses", "Internal")
	return out
}

// errorStatus maps the shared error responses to their status codes.
var errorStatus = map[string]string{
	"BadRequest": "400", "Unauthorized": "401", "Forbidden": "403", "NotFound": "404",
	"TooLarge": "413", "UnsupportedMediaType": "415", "Unprocessable": "422", "NotReady": "503",
}

func param(name, in, desc string, schema obj, required bool) obj {
	return obj{"name": name, "in": in, "description": desc, "schema": schema, "required": required}
}

// listParam describes a query parameter given once per value
// (?year=2020&year=2021), the form the filters take.
func listParam(name, desc string, items obj) obj {
	p := param(name, "query", desc, array(items), false)
	p["style"], p["explode"] = "form", true
	return p
}

// pageParamDocs describes a listing's page and size; unit names what a
// page holds.
func pageParamDocs(unit string) []any {
	return []any{
		param("page", "query", "Page, from 1.", obj{"type": "integer", "minimum": 1, "default": 1}, false),
		param("size", "query", unit+" per page.", obj{"type": "integer", "minimum": 1, "maximum": search.MaxSize, "default": 50}, false),
	}
}

func str() obj     { return obj{"type": "string"} }
func integer() obj { return obj{"type": "integer"} }
func number() obj  { return obj{"type": "number"} }
func boolean() obj { return obj{"type": "boolean"} }
func array(items obj) obj {
	return obj{"type": "array", "items": items}
}
func object(props obj, required ...string) obj {
	o := obj{"type": "object", "properties": props}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

// uploadContent describes the bodies an upload may have: a form, or the
// file itself in any of the raw media types.
func uploadContent(multipartProps obj) obj {
	c := obj{echo.MIMEMultipartForm: obj{"schema": object(multipartProps, uploadField)}}
	for _, mt := range rawUploadTypes {
		c[mt] = obj{"schema": obj{"type": "string", "format": "binary"}}
	}
	return c
}

// placeParamDesc adds to desc the descriptions of the place and level
// filters, which the indicator table and the library share.
func placeParamDesc(desc map[string]string) map[string]string {
	desc[search.FacetProvince] = "Province (浙江省; 浙江 matches too)."
	desc[search.FacetCity] = "City (嘉兴市; 嘉兴 matches too)."
	desc[search.FacetCounty] = "County-level division (德清县)."
	desc[search.FacetLevel] = "Level of the issuer: 省级, 市级 or 县级."
	return desc
}

// indicatorParamDocs describes the indicator table's filters and, for a
// listing (paged), its paging.
func indicatorParamDocs(paged bool) []any {
	desc := placeParamDesc(map[string]string{
		search.FacetIndicator: "Normalised indicator name (GET /api/indicators/names).",
		search.FacetYear:      "Year of the figure's document part (2020) or inclusive range (2019-2021).",
		search.FacetKind:      "target or achieved.",
	})
	out := []any{param("q", "query", "Figures whose measure this names: an indicator's name or synonym, or part of the name as written.", str(), false)}
	if paged {
		out = append(out, pageParamDocs("Figures")...)
	}
	for _, f := range search.IndicatorFacets {
		out = append(out, listParam(f, desc[f]+" Repeat for OR within the filter; filters combine with AND.", str()))
	}
	return out
}

// libraryParamDocs describes the library's filters and, for a listing
// (paged), its paging, order and title query.
func libraryParamDocs(paged bool) []any {
	desc := placeParamDesc(map[string]string{
		search.FacetYear:    "Year (2020) or inclusive range (2019-2021).",
		search.FacetDocType: "Document type (工作要点, 工作总结…).",
	})
	missingParam := listParam("missing", "Only the documents that lack these metadata fields (repeat, or separate with commas; all must be lacking). "+
		"A province-level document has no city to lack. Fix them with a correction (PATCH) or manifest.jsonl.",
		obj{"type": "string", "enum": indexer.MissingFields})
	var out []any
	if paged {
		out = append(out, pageParamDocs("Documents")...)
		out = append(out, param("sort", "query", "Order: newest first, oldest first, by province, city and county, by title, or last added first.",
			obj{"type": "string", "enum": search.LibrarySorts, "default": search.LibraryYearDesc}, false))
	}
	out = append(out,
		param("q", "query", "Only documents whose title, issuer or file name holds this text.", str(), false),
		missingParam)
	for _, f := range search.LibraryFacets {
		out = append(out, listParam(f, desc[f]+" Repeat for OR within the filter; filters combine with AND.", str()))
	}
	return out
}

func facetParams() []any {
	desc := map[string]string{
		search.FacetCity:     "City (嘉兴市; a prefix such as 嘉兴 matches too).",
		search.FacetProvince: "Province (浙江省).",
		search.FacetCounty:   "County-level division of a county-level document (德清县, 萧山区).",
		search.FacetLevel:    "Level of the issuer: 省级, 市级 or 县级.",
		search.FacetYear:     "Year (2020) or inclusive range (2019-2021).",
		search.FacetDocType:  "Document type (工作要点, 工作总结…).",
		search.FacetTheme:    "Theme (医共体, 中医药…).",
		search.FacetOffice:   "Lead or supporting office (医政医管处…).",
	}
	var out []any
	for _, f := range search.FacetNames {
		out = append(out, listParam(f, desc[f]+" Repeat for OR within the facet; facets combine with AND.", str()))
	}
	return out
}

func (s *Server) openAPIPaths() obj {
	id := param("id", "path", "Document id (16 hex digits) or provision id (document id, '-', three-digit ordinal).", str(), true)
	size := param("size", "query", fmt.Sprintf("Results per page, 1 to %d (default %d).", search.MaxSize, search.DefaultSize),
		obj{"type": "integer", "minimum": 1, "maximum": search.MaxSize, "default": search.DefaultSize}, false)
	reads := []string{"BadRequest", "NotReady"}

	searchParams := []any{
		param("q", "query", "Query: words (all required), \"quoted phrases\" (exact), -exclusions, field:value filters "+
			"(city:嘉兴市, year:2019-2021). Empty with filters: browse.", str(), false),
		param("page", "query", fmt.Sprintf("1-based page. page × size may not exceed %d (deep-paging window): refine the query instead.", search.MaxWindow),
			obj{"type": "integer", "minimum": 1, "default": 1}, false),
		size,
		param("sort", "query", "Order of hits.", obj{"type": "string", "enum": []string{search.SortRelevance, search.SortYearDesc, search.SortYearAsc}, "default": search.SortRelevance}, false),
		param("mode", "query", "keyword (words and phrases), semantic (nearness of meaning by vectors) or hybrid (both, their scores combined); the default is the server's (GET /api/info). Quoted phrases stay exact in every mode.", obj{"type": "string", "enum": []string{"keyword", "semantic", "hybrid"}}, false),
		param("expand", "query", "Widen the query with the domain vocabulary (synonyms, policy terms for everyday phrasings, narrower and broader concepts) and boost the themes it points to; false takes the words literally. Quoted phrases are never widened.", obj{"type": "boolean", "default": true}, false),
		param("Cache-Control", "header", "no-cache: work the search out afresh instead of from the cache of recent queries' matches (which a write to the index never makes stale; this is for measuring).", str(), false),
	}
	searchParams = append(searchParams, facetParams()...)

	// An export takes the search's parameters but its paging, and a format.
	var exportParamDocs []any
	for _, p := range searchParams {
		if n := p.(obj)["name"]; n != "page" && n != "size" {
			exportParamDocs = append(exportParamDocs, p)
		}
	}
	exportParamDocs = append(exportParamDocs, param("format", "query",
		"csv (UTF-8 with a byte-order mark, CRLF line ends, so that Excel reads Chinese correctly) or xlsx. "+
			"Without it the Accept header chooses (text/csv or "+export.MediaTypeXLSX+"); CSV otherwise.",
		obj{"type": "string", "enum": []string{string(export.CSV), string(export.XLSX)}}, false))
	exportHeaders := obj{
		"Content-Disposition": obj{"description": "attachment, named after the query and the day (policysearch-医共体-2026-12-07.csv) in filename* (UTF-8), with an ASCII filename for older clients.", "schema": str()},
		headerTotalCount:      obj{"description": "How many provisions the search finds.", "schema": integer()},
		headerExportRows:      obj{"description": fmt.Sprintf("How many rows the file holds: every hit, or the first %d when the search finds more.", s.cfg.ExportMaxRows), "schema": integer()},
		headerExportTruncated: obj{"description": "true when the cap cut the list: narrow the query or add filters to export the rest.", "schema": boolean()},
	}

	similarParams := []any{id, size,
		param("exclude_same_doc", "query", "Leave out provisions of the source's own document (default true).", obj{"type": "boolean", "default": true}, false),
	}
	similarParams = append(similarParams, facetParams()...)

	// Every operation says who may call it: reads are open to anyone,
	// writes need the bearer token.
	public := []any{}
	bearer := []any{obj{"bearer": []any{}}}
	// The web interface's files answer If-None-Match with their ETag.
	notModified := obj{"description": "Not modified: the client's copy (If-None-Match) is current."}
	metaProps := obj{
		"city": str(), "province": str(), "county": str(), "level": str(), "year": integer(), "doc_type": str(),
		"issuer": str(), "doc_number": str(), "title": str(),
	}
	var metaParams []any
	for _, f := range metadataFields {
		metaParams = append(metaParams, param(f, "query", "Metadata overriding what is read from the text.", metaProps[f].(obj), false))
	}
	uploadParams := append([]any{
		param("name", "query", "File name of a raw upload (default "+defaultUploadName+").", str(), false),
		param("dry_run", "query", "Read the file and answer with what the server makes of it (200, dry_run: true) without adding it, so that its metadata can be checked and corrected first.", obj{"type": "boolean", "default": false}, false),
	}, metaParams...)
	multipartProps := obj{uploadField: obj{"type": "string", "format": "binary", "description": "The document: text, web page, PDF, DOCX, DOC or WPS."}}
	for k, v := range metaProps {
		multipartProps[k] = v
	}

	return obj{
		"/healthz": obj{"get": obj{
			"summary": "The process is alive.", "operationId": "healthz", "security": public,
			"responses": obj{"200": jsonResponse("Alive.", "Status")},
		}},
		"/readyz": obj{"get": obj{
			"summary": "The index is open and answering.", "operationId": "readyz", "security": public,
			"responses": obj{"200": jsonResponse("Ready.", "Ready"), "503": ref("responses", "NotReady")},
		}},
		"/metrics": obj{"get": obj{
			"summary":     "Prometheus metrics: requests and latency by route and status, index size, documents, provisions.",
			"operationId": "metrics", "security": public,
			"responses": obj{"200": obj{"description": "Prometheus text format.", "content": obj{"text/plain": obj{"schema": str()}}}},
		}},
		"/openapi.json": obj{"get": obj{
			"summary": "This document.", "operationId": "openapi", "security": public,
			"responses": obj{"200": obj{"description": "OpenAPI 3.0 document.", "content": jsonContent(obj{"type": "object"})}},
		}},
		"/": obj{
			"get": obj{
				"summary": "The web interface.", "operationId": "webIndex", "security": public,
				"responses": obj{
					"200": obj{"description": "HTML page (no-cache, with an ETag).", "content": obj{"text/html": obj{"schema": str()}}},
					"304": notModified,
				},
			},
			"head": obj{
				"summary": "Headers of the web interface page.", "operationId": "webIndexHead", "security": public,
				"responses": obj{"200": obj{"description": "Headers only."}, "304": notModified},
			},
		},
		"/assets/{path}": obj{
			"get": obj{
				"summary": "Files of the web interface.",
				"description": "The page links assets as v-<content hash>/<file>, served with immutable caching; " +
					"other paths are served no-cache. ETags answer If-None-Match with 304; text is gzipped when accepted.",
				"operationId": "webAsset", "security": public,
				"parameters": []any{param("path", "path", "File path under assets/, optionally behind the version prefix.", str(), true)},
				"responses":  obj{"200": obj{"description": "The file."}, "304": notModified, "404": ref("responses", "NotFound")},
			},
			"head": obj{
				"summary": "Headers of a web interface file.", "operationId": "webAssetHead", "security": public,
				"parameters": []any{param("path", "path", "File path under assets/.", str(), true)},
				"responses":  obj{"200": obj{"description": "Headers only."}, "304": notModified, "404": ref("responses", "NotFound")},
			},
		},
		"/api/search": obj{"get": obj{
			"summary": "Search provisions, with facet counts.",
			"description": "Facet counts are computed with every filter applied except the facet's own. " +
				"Any other query parameter is refused (400 unknown_facet).",
			"operationId": "search", "security": public, "parameters": searchParams,
			"responses": responses(obj{"200": jsonResponse("A page of hits.", "SearchResponse")}, reads...),
		}},
		"/api/search/export": obj{"get": obj{
			"summary": "Export every hit of a search as CSV or XLSX.",
			"description": fmt.Sprintf("Every hit of the search the same parameters make on /api/search, in rank order, up to %d rows "+
				"(X-Export-Truncated says when the cap cut the list). One row per provision: 序号, 标题 (the document's title), 省份, 城市, 县区, 层级, 年份, 文种, "+
				"发文机关, 文号, 条号 (the provision's number as written), 章节 (the heading path joined by ›), 引用 (the citation, 《title》二、6), "+
				"正文 (the full text), 主题 (themes joined by 、), 链接 (the provision in the web interface). "+
				"CSV is streamed as the hits are read; a CSV cell beginning with =, +, - or @ gets a leading ' so that a spreadsheet does not take it for a formula. "+
				"XLSX is sent once complete (a zip cannot be read before its end), its header row bold and frozen. "+
				"A failure after the file has begun cuts the connection, so that an incomplete file never looks complete. "+
				"Errors before it are JSON, as elsewhere; any other query parameter is refused (400 unknown_facet).", s.cfg.ExportMaxRows),
			"operationId": "exportSearch", "security": public, "parameters": exportParamDocs,
			"responses": responses(obj{"200": obj{
				"description": "The file, as an attachment.",
				"headers":     exportHeaders,
				"content": obj{
					"text/csv":           obj{"schema": obj{"type": "string"}},
					export.MediaTypeXLSX: obj{"schema": obj{"type": "string", "format": "binary"}},
				},
			}}, reads...),
		}},
		"/api/indicators": obj{"get": obj{
			"summary": "Figures the documents set as targets or report as results, with their documents' place and year.",
			"description": "Each figure: the measure under its normalised name (the vocabulary's indicator table; 签约率 and 家庭医生签约服务率 meet) " +
				"and as written, value (and upper end of a range), unit, comparator (≥, ≤, =, range), kind (target or achieved), population, " +
				"the provision, its part's year and type, and an excerpt with the figure's span. Sorted by indicator, place and year.",
			"operationId": "listIndicators", "security": public, "parameters": indicatorParamDocs(true),
			"responses": responses(obj{"200": jsonResponse("A page of figures and the facets of every figure the request keeps.", "IndicatorList")}, "BadRequest", "NotReady"),
		}},
		"/api/indicators/names": obj{"get": obj{
			"summary": "The normalised indicators the documents state, with counts.", "operationId": "indicatorNames", "security": public,
			"responses": responses(obj{"200": jsonResponse("Indicators, those of the vocabulary's table first, most places first.", "IndicatorNames")}, "BadRequest", "NotReady"),
		}},
		"/api/indicators/export": obj{"get": obj{
			"summary": "Export the figures a request keeps as CSV or XLSX.",
			"description": fmt.Sprintf("Up to %d rows: 指标, 原文名称, 类型 (目标/实际), 比较, 数值, 上限, 单位, 人群, 省份, 城市, 县区, 年份, 文件, 原文, 链接. "+
				"Headers as for the search export.", s.cfg.ExportMaxRows),
			"operationId": "exportIndicators", "security": public,
			"parameters": append(indicatorParamDocs(false), param("format", "query", "csv or xlsx; without it, the Accept header, else csv.",
				obj{"type": "string", "enum": []string{"csv", "xlsx"}}, false)),
			"responses": responses(obj{"200": obj{
				"description": "The file, as an attachment.",
				"headers":     exportHeaders,
				"content": obj{
					"text/csv":           obj{"schema": obj{"type": "string"}},
					export.MediaTypeXLSX: obj{"schema": obj{"type": "string", "format": "binary"}},
				},
			}}, "BadRequest", "NotReady"),
		}},
		"/api/info": obj{"get": obj{
			"summary": "What the server holds and offers: counts, search modes, the default mode, the embedder.", "operationId": "info", "security": public,
			"responses": responses(obj{"200": jsonResponse("Server information.", "Info")}, reads...),
		}},
		"/api/facets": obj{"get": obj{
			"summary": "Facet counts over the whole corpus.", "operationId": "facets", "security": public,
			"responses": responses(obj{"200": jsonResponse("Counts per facet value.", "FacetsResponse")}, reads...),
		}},
		"/api/documents": obj{
			"get": obj{
				"summary": "One page of the document library, sorted and filtered, with facet counts.", "operationId": "listDocuments", "security": public,
				"parameters": libraryParamDocs(true),
				"responses":  responses(obj{"200": jsonResponse("A page of documents and the facets of all the documents the request keeps.", "DocumentList")}, "BadRequest", "NotReady"),
			},
			"post": obj{
				"summary": "Add a document.",
				"description": fmt.Sprintf("Upload a document as multipart field %q, or as the raw body (name in ?name=): "+
					"text (UTF-8 or GB18030/GBK), a web page saved from a site as HTML or as one file (MHTML; its chrome dropped, its metadata table read), "+
					"PDF (a scan's pages recognised where the server has Tesseract's Chinese model), DOCX, DOC or WPS; the format is told from the content. "+
					"Files up to %d bytes. The same content uploaded again replaces the earlier copy (200, replaced: true) instead of adding one. "+
					"A scanned PDF the server cannot recognise (no_text_layer), a damaged file (corrupt_file), an image or archive (binary_file) "+
					"or a format not read here (unsupported_format) is refused with 422.",
					uploadField, s.cfg.MaxUploadBytes),
				"operationId": "uploadDocument", "security": bearer, "parameters": uploadParams,
				"requestBody": obj{"required": true, "content": uploadContent(multipartProps)},
				"responses": responses(obj{
					"201": jsonResponse("Indexed as a new document.", "IngestResponse"),
					"200": jsonResponse("The same content was already indexed; replaced.", "IngestResponse"),
				}, "BadRequest", "Unauthorized", "Forbidden", "TooLarge", "UnsupportedMediaType", "Unprocessable", "NotReady"),
			},
		},
		"/api/documents/coverage": obj{"get": obj{
			"summary": "Documents per place and year: what the collection can and cannot answer.", "operationId": "documentCoverage", "security": public,
			"parameters": append([]any{param("by", "query", "Rows by province or by city.",
				obj{"type": "string", "enum": []string{search.FacetProvince, search.FacetCity}, "default": search.FacetProvince}, false)},
				libraryParamDocs(false)...),
			"responses": responses(obj{"200": jsonResponse("A place × year matrix of counts; every year of the span is a column.", "Coverage")}, "BadRequest", "NotReady"),
		}},
		"/api/documents/{id}": obj{
			"patch": obj{
				"summary": "Correct a document's metadata.",
				"description": "The fields given replace the document's own at once, in search, facets and the library, with provenance 'correction'; " +
					"fields left out keep their values. Corrections are kept beside the index, by document, and applied after the corpus's manifest on every rebuild.",
				"operationId": "correctDocument", "security": bearer, "parameters": []any{id},
				"requestBody": obj{"required": true, "content": obj{echo.MIMEApplicationJSON: obj{"schema": schemaRef("Correction")}}},
				"responses": responses(obj{"200": jsonResponse("The corrected document.", "DocumentView")},
					"BadRequest", "Unauthorized", "Forbidden", "NotFound", "TooLarge", "UnsupportedMediaType", "NotReady"),
			},
			"get": obj{
				"summary": "One document: metadata, outline, all provisions in order.", "operationId": "getDocument", "security": public,
				"parameters": []any{id},
				"responses":  responses(obj{"200": jsonResponse("The document.", "DocumentView")}, "BadRequest", "NotFound", "NotReady"),
			},
			"delete": obj{
				"summary": "Remove a document and its provisions.", "operationId": "deleteDocument",
				"parameters": []any{id}, "security": bearer,
				"responses": responses(obj{"204": obj{"description": "Removed."}},
					"BadRequest", "Unauthorized", "Forbidden", "NotFound", "NotReady"),
			},
		},
		"/api/sections/{id}": obj{"get": obj{
			"summary": "One provision with its neighbours and its document's outline.", "operationId": "getSection", "security": public,
			"parameters": []any{id},
			"responses":  responses(obj{"200": jsonResponse("The provision.", "Section")}, "BadRequest", "NotFound", "NotReady"),
		}},
		"/api/sections/{id}/similar": obj{"get": obj{
			"summary": "Provisions similar to this one (shared wording first).", "operationId": "similarToSection", "security": public,
			"parameters": similarParams,
			"responses":  responses(obj{"200": jsonResponse("Similar provisions.", "SimilarResponse")}, "BadRequest", "NotFound", "NotReady"),
		}},
		"/api/similar": obj{"post": obj{
			"summary":     "Provisions similar to a pasted text (or to a provision by id).",
			"description": fmt.Sprintf("JSON body up to %d bytes.", s.cfg.MaxJSONBytes),
			"operationId": "similarToText", "security": public,
			"requestBody": obj{"required": true, "content": jsonContent(schemaRef("SimilarRequest"))},
			"responses": responses(obj{"200": jsonResponse("Similar provisions.", "SimilarResponse")},
				"BadRequest", "NotFound", "TooLarge", "UnsupportedMediaType", "NotReady"),
		}},
	}
}

func (s *Server) openAPIComponents() obj {
	strs := array(str())
	provisionProps := obj{
		"id": str(), "doc_id": str(), "ordinal": integer(), "file": str(), "number": str(),
		"heading_path": strs, "title": str(), "text": str(), "doc_title": str(),
		"city": str(), "province": str(), "county": str(), "level": str(), "year": integer(), "doc_type": str(),
		"lead_offices": strs, "support_offices": strs, "themes": strs,
		"theme_cues": obj{"type": "object", "additionalProperties": strs},
	}
	withProps := func(base obj, extra obj) obj {
		out := obj{}
		for k, v := range base {
			out[k] = v
		}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	hitProps := withProps(provisionProps, obj{
		"highlights": obj{"type": "array", "items": str(), "description": "Fragments of text, HTML-escaped, matches wrapped in <mark>."},
		"marked":     obj{"type": "string", "description": "The whole text, HTML-escaped, matches wrapped in <mark>."},
		"score":      number(),
	})
	documentProps := obj{
		"id": str(), "file": str(), "title": str(), "city": str(), "province": str(), "level": str(),
		"county": obj{"type": "string", "description": "The county-level division (县, 区, 县级市, 旗) of a county-level document."},
		"year":   integer(), "doc_type": str(), "issuer": str(), "pub_date": str(), "doc_number": str(),
		"parts":           array(object(obj{"heading": str(), "year": integer(), "doc_type": str()})),
		"provision_count": integer(),
		"provenance": obj{"type": "object", "description": "Per metadata field, where its value came from: " +
			"manifest, upload form, metadata table, signature, letterhead, title, notice, part heading, site, body (a cue such as 健康温州), date, file name, metadata (a title made of issuer or place, year and type), text recognition (key text: the text was recognised from a scan), place authority (the place's health authority of the year, for a document of its own health work that does not sign itself).",
			"additionalProperties": object(obj{"from": str(), "evidence": str()}, "from")},
		"missing": obj{"type": "array", "items": str(), "description": "The metadata fields the document lacks."},
	}
	facets := obj{"type": "object", "description": "Facet name → values with counts.",
		"additionalProperties": array(schemaRef("FacetValue"))}
	errResp := func(desc string) obj { return jsonResponse(desc, "Error") }

	return obj{
		"securitySchemes": obj{"bearer": obj{"type": "http", "scheme": "bearer",
			"description": "The write token the server was started with (--token). Without one, writes answer 403."}},
		"responses": obj{
			"BadRequest": errResp("Malformed query syntax (bad_query), unknown facet or parameter (unknown_facet, unknown_parameter), " +
				fmt.Sprintf("a bad value (bad_parameter: page < 1, size outside 1–%d, page × size over %d, bad year or sort), ", search.MaxSize, search.MaxWindow) +
				"a bad JSON body (bad_json) or upload request (bad_upload)."),
			"Unauthorized":         errResp("Missing or wrong bearer token (unauthorized)."),
			"Forbidden":            errResp("Writes are disabled: the server has no write token (writes_disabled)."),
			"NotFound":             errResp("Unknown id or route (not_found)."),
			"TooLarge":             errResp("Body over the limit (body_too_large)."),
			"UnsupportedMediaType": errResp("Content type not accepted (unsupported_media_type)."),
			"Unprocessable":        errResp("The upload is not usable text: empty_file, binary_file, bad_encoding (neither UTF-8 nor GB18030), or unparseable."),
			"NotReady":             errResp("The index is not open yet (not_ready), or the request ran out of time (timeout)."),
			"Internal":             errResp("A bug (internal)."),
		},
		"schemas": obj{
			"Error": object(obj{"error": object(obj{
				"code": str(), "message": str(),
				"field": obj{"type": "string", "description": "The offending parameter or field, when there is one."},
			}, "code", "message")}, "error"),
			"Status":         object(obj{"status": str()}, "status"),
			"Ready":          object(obj{"status": str(), "documents": integer(), "provisions": integer()}, "status"),
			"FacetValue":     object(obj{"value": str(), "count": integer()}, "value", "count"),
			"FacetsResponse": object(obj{"facets": facets}, "facets"),
			"Info": object(obj{"documents": integer(), "provisions": integer(), "modes": strs,
				"default_mode": str(), "embedder": str()}, "documents", "provisions", "modes", "default_mode"),
			"Provision": object(provisionProps, "id", "doc_id", "text"),
			"Hit":       object(hitProps, "id", "doc_id", "text", "highlights", "score"),
			"Term":      object(obj{"text": str(), "phrase": boolean()}),
			"ParsedQuery": object(obj{
				"terms": array(schemaRef("Term")), "excluded": array(schemaRef("Term")),
				"filters": obj{"type": "object", "additionalProperties": strs},
			}),
			"Understanding": object(obj{
				"concepts": array(object(obj{"id": str(), "term": str(), "preferred": str(),
					"kind": obj{"type": "string", "enum": []string{"preferred", "synonym", "everyday"}}})),
				"added": array(object(obj{"term": str(), "weight": number(), "concept": str(),
					"relation": obj{"type": "string", "enum": []string{"preferred", "synonym", "narrower", "broader"}}})),
				"themes": array(object(obj{"name": str(), "weight": number()})),
			}, "concepts", "added", "themes"),
			"SearchResponse": object(obj{
				"total": integer(), "took_ms": number(), "page": integer(), "size": integer(), "mode": str(),
				"hits": array(schemaRef("Hit")), "facets": facets, "parsed": schemaRef("ParsedQuery"),
				// How the query was widened by the domain vocabulary; absent
				// when it was not (or expand=false).
				"understood": schemaRef("Understanding"),
				"did_you_mean": obj{"type": "array", "items": str(),
					"description": "Corrected queries offered when this one finds fewer than three provisions."},
			}, "total", "took_ms", "hits"),
			"DocumentSummary": object(documentProps, "id", "title", "provision_count"),
			"DocumentList": object(obj{"total": integer(), "page": integer(), "size": integer(),
				"documents": array(schemaRef("DocumentSummary")), "facets": facets,
				"missing_counts": obj{"type": "object", "additionalProperties": integer(),
					"description": "Per metadata field, the documents the other filters keep that lack it."}}, "total", "page", "size", "documents"),
			"Coverage": object(obj{
				"by": str(), "years": array(integer()),
				"rows":     array(object(obj{"place": str(), "province": str(), "counts": array(integer()), "total": integer()}, "place", "counts", "total")),
				"total":    obj{"type": "integer", "description": "Documents the request keeps."},
				"no_place": obj{"type": "integer", "description": "Of them, documents without the place asked for."},
				"no_year":  obj{"type": "integer", "description": "Of them, documents without a year."},
			}, "by", "years", "rows", "total", "no_place", "no_year"),
			"IndicatorList": object(obj{"total": integer(), "page": integer(), "size": integer(),
				"rows": array(object(obj{
					"indicator": str(), "id": str(), "written": str(), "value": number(), "upper": number(), "unit": str(),
					"comparator": obj{"type": "string", "enum": []string{"≥", "≤", "=", "range"}},
					"kind":       obj{"type": "string", "enum": []string{"target", "achieved"}},
					"population": str(), "start": integer(), "end": integer(), "provision": str(), "year": integer(), "doc_type": str(),
					"excerpt": str(), "excerpt_start": integer(), "excerpt_end": integer(),
					"doc_id": str(), "doc_title": str(), "province": str(), "city": str(), "county": str(), "level": str(),
				}, "indicator", "value", "unit", "comparator", "kind", "provision")),
				"facets": facets}, "total", "page", "size", "rows"),
			"IndicatorNames": object(obj{"total": integer(), "names": array(object(obj{
				"indicator": str(), "id": str(), "synonyms": strs, "count": integer(), "targets": integer(), "achieved": integer(), "places": integer(),
			}, "indicator", "count"))}, "total", "names"),
			"Correction": object(obj{
				"clear": obj{"type": "array", "items": obj{"type": "string", "enum": indexer.ClearableFields},
					"description": "Fields to empty (a wrong value read from the text); a field may not be both set and cleared."},
				"city": str(), "province": str(), "county": str(),
				"level": obj{"type": "string", "enum": levels}, "year": integer(), "doc_type": str(),
				"issuer": str(), "pub_date": obj{"type": "string", "format": "date"}, "doc_number": str(), "title": str(),
			}),
			"OutlineEntry": object(obj{"id": str(), "ordinal": integer(), "number": str(),
				"heading_path": strs, "title": str()}, "id", "ordinal"),
			"DocumentView": object(withProps(documentProps, obj{
				"outline": array(schemaRef("OutlineEntry")), "provisions": array(schemaRef("Provision")),
			}), "id", "outline", "provisions"),
			"Section": object(withProps(provisionProps, obj{
				"document": schemaRef("DocumentSummary"),
				"prev":     schemaRef("OutlineEntry"), "next": schemaRef("OutlineEntry"),
				"outline": array(schemaRef("OutlineEntry")),
			}), "id", "document", "outline"),
			"SimilarRequest": object(obj{
				"text": obj{"type": "string", "description": "Text to find similar provisions to (give text or id)."},
				"id":   obj{"type": "string", "description": "A provision id instead of a text."},
				"size": obj{"type": "integer", "minimum": 1, "maximum": search.MaxSize, "default": search.DefaultSize},
				"filters": obj{"type": "object", "description": "Facet name → values (as in search).",
					"additionalProperties": strs},
				"exclude_same_doc": obj{"type": "boolean", "default": true,
					"description": "Leave out the source provision's own document (for an id)."},
			}),
			"WeightedTerm": object(obj{"term": str(), "weight": number()}),
			"Passage": object(obj{"text": str(), "source_start": integer(), "source_end": integer(),
				"target_start": integer(), "target_end": integer()}),
			"SimilarHit": object(withProps(hitProps, obj{
				"shared_terms": strs, "passages": array(schemaRef("Passage")),
			}), "id", "score"),
			"SimilarResponse": object(obj{
				"source": schemaRef("Provision"), "source_text": str(),
				"terms": array(schemaRef("WeightedTerm")), "hits": array(schemaRef("SimilarHit")), "took_ms": number(),
			}, "hits"),
			"IngestResponse": object(obj{"replaced": boolean(), "dry_run": boolean(), "document": schemaRef("DocumentView")}, "replaced", "document"),
		},
	}
}
