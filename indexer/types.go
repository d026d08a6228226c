// Package indexer turns raw policy documents into provisions with metadata
// and themes, and writes them to the bleve index.
package indexer

import (
	"fmt"

	"github.com/policysearch/policysearch/indexer/indicators"
)

// Document is one source file after cleaning and structural analysis.
type Document struct {
	// ID is stable for the same normalised content: re-ingesting a file
	// with identical text yields the same ID (and so replaces, not duplicates).
	ID   string `json:"id"`
	File string `json:"file"`
	// Title is the document's own title line, e.g. 2020年嘉兴市卫生健康工作要点.
	Title string `json:"title"`
	// City is empty for a province-level document or when the text never
	// names its city outright (better empty than wrong).
	City     string `json:"city,omitempty"`
	Province string `json:"province,omitempty"`
	// County is the county-level division (县, 区, 县级市, 旗) of a
	// county-level document, empty otherwise.
	County string `json:"county,omitempty"`
	// Level is the administrative level of the issuer: 省级, 市级 or 县级.
	Level string `json:"level,omitempty"`
	// Year and DocType describe the document as a whole (its first part);
	// each provision carries its own part's year and type.
	Year    int    `json:"year,omitempty"`
	DocType string `json:"doc_type,omitempty"`
	Issuer  string `json:"issuer,omitempty"`
	PubDate string `json:"pub_date,omitempty"` // YYYY-MM-DD
	// Added is when the document came into the collection (RFC 3339): its
	// file's modification time in a corpus folder, the moment of an upload.
	Added     string `json:"added,omitempty"`
	DocNumber string `json:"doc_number,omitempty"`
	// Parts lists the document's parts in order (温州: 2019 工作总结 + 2020 工作思路).
	Parts []Part `json:"parts,omitempty"`
	// Script is ScriptConverted when the file was written in traditional
	// characters and its text was converted to simplified ones.
	Script string `json:"script,omitempty"`
	// Provenance says, per metadata field (city, province, county, level,
	// year, doc_type, issuer, pub_date, doc_number, title), where its
	// value came from, so that a wrong value can be traced and corrected.
	Provenance map[string]Source `json:"provenance,omitempty"`
	// Indicators gathers the figures of every provision, so that the
	// document's record alone answers indicator listings.
	Indicators []IndicatorRecord `json:"indicators,omitempty"`
	Provisions []Provision       `json:"provisions,omitempty"`
}

// ScriptConverted marks a document converted from traditional characters.
const ScriptConverted = "traditional → simplified"

// Source is where a metadata value came from.
type Source struct {
	// From names the place in or around the document: one of the From…
	// constants.
	From string `json:"from"`
	// Evidence is the text the value was read from, and for a place the
	// chain it was resolved through (德清县 → 湖州市 → 浙江省).
	Evidence string `json:"evidence,omitempty"`
}

// Where metadata comes from, strongest first.
const (
	FromManifest  = "manifest"       // the corpus's manifest.jsonl
	FromUpload    = "upload form"    // metadata given with an upload
	FromTable     = "metadata table" // the web page's 发布机构, 文号, 成文日期…
	FromSignature = "signature"      // the issuer's name and date closing the notice or document
	FromLetter    = "letterhead"     // 某某卫生健康局文件
	FromTitle     = "title"          // the document's own title line
	FromNotice    = "notice"         // the notice that issues the document (关于印发…的通知)
	FromHeading   = "part heading"   // a chapter heading opening a part (一、2019年工作总结)
	FromSite      = "site"           // the web site's name or sponsor
	FromBody      = "body"           // a cue in the text: 健康温州, 来锡人员, 全市, 2021年是…
	FromDate      = "date"           // the year of the document's date
	FromFileName  = "file name"
	// FromMetadata is a title made of the document's issuer or place, year
	// and type, for a document whose only other name is a file name that
	// says nothing (054.txt).
	FromMetadata = "metadata"
	// FromRecognition marks a text recognised from a scan's page images
	// (provenance "text"): it may hold misread characters.
	FromRecognition = "text recognition"
	// FromAuthority is the health authority of the document's place and
	// year, for a document of the place's own health work that does not
	// sign itself (see impliedIssuer).
	FromAuthority = "place authority"
)

// Part is a section of a document with its own year and kind.
type Part struct {
	Heading string `json:"heading"`
	Year    int    `json:"year,omitempty"`
	DocType string `json:"doc_type,omitempty"`
}

// ProvisionID is the id of a document's provision at ordinal (from 0).
func ProvisionID(docID string, ordinal int) string { return fmt.Sprintf("%s-%03d", docID, ordinal) }

// Provision is the unit that is indexed and returned: one numbered item, or
// one paragraph where the document has no numbering.
type Provision struct {
	// ID is DocID + "-" + three-digit ordinal, stable across re-indexing.
	ID      string `json:"id"`
	DocID   string `json:"doc_id"`
	Ordinal int    `json:"ordinal"` // 0-based position in the document
	File    string `json:"file"`
	// Number is the item's own number as written ("6", "54", "(三)"), empty
	// for an un-numbered paragraph.
	Number string `json:"number,omitempty"`
	// HeadingPath is chapter › sub-chapter, e.g. ["一、全面加强党的建设", "(一)坚持守初心担使命"].
	HeadingPath []string `json:"heading_path,omitempty"`
	// Title is the provision's title sentence (text up to the first 。), if any.
	Title string `json:"title,omitempty"`
	// Text is the faithful display text (broken lines joined, bullets and
	// page chrome removed, original characters kept), without the number.
	Text string `json:"text"`

	// Document metadata, copied so that every hit stands on its own.
	DocTitle string `json:"doc_title"`
	City     string `json:"city,omitempty"`
	Province string `json:"province,omitempty"`
	County   string `json:"county,omitempty"`
	Level    string `json:"level,omitempty"`
	Year     int    `json:"year,omitempty"`     // the provision's part's year
	DocType  string `json:"doc_type,omitempty"` // the provision's part's type

	LeadOffices    []string `json:"lead_offices,omitempty"`
	SupportOffices []string `json:"support_offices,omitempty"`

	Themes []string `json:"themes,omitempty"`
	// ThemeCues says, per theme, which cue terms fired: the explanation.
	ThemeCues map[string][]string `json:"theme_cues,omitempty"`
	// Indicators are the figures of the text that state a target or a
	// result (签约服务率达到40%以上), with their spans in Text.
	Indicators []indicators.Indicator `json:"indicators,omitempty"`
}

// IndicatorRecord is one figure of a document with the provision it is
// in and that provision's part's year and type: what the indicator tables
// list and compare.
type IndicatorRecord struct {
	indicators.Indicator
	Provision string `json:"provision"`
	Year      int    `json:"year,omitempty"`
	DocType   string `json:"doc_type,omitempty"`
	// Excerpt is the text around the figure, which sits at ExcerptStart
	// to ExcerptEnd (byte offsets in Excerpt), for tables to show it.
	Excerpt      string `json:"excerpt"`
	ExcerptStart int    `json:"excerpt_start"`
	ExcerptEnd   int    `json:"excerpt_end"`
}
