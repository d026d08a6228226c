// Package search answers queries over the provision index: query parsing,
// filters and facets, ranking, highlighting and similar provisions.
package search

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/policysearch/policysearch/analyzers"
)

// Facet names, as used in filters, field:value syntax and responses.
const (
	FacetCity     = "city"
	FacetProvince = "province"
	FacetCounty   = "county"
	FacetLevel    = "level"
	FacetYear     = "year"
	FacetDocType  = "doc_type"
	FacetTheme    = "theme"
	FacetOffice   = "office"
)

// FacetNames lists the facets in display order.
var FacetNames = []string{FacetCity, FacetProvince, FacetCounty, FacetLevel, FacetYear, FacetDocType, FacetTheme, FacetOffice}

// fieldAliases maps what a user may write before a colon to a facet name.
var fieldAliases = map[string]string{
	"city": FacetCity, "城市": FacetCity, "市": FacetCity,
	"province": FacetProvince, "省": FacetProvince, "省份": FacetProvince,
	"county": FacetCounty, "县": FacetCounty, "县区": FacetCounty, "区县": FacetCounty,
	"level": FacetLevel, "层级": FacetLevel, "级别": FacetLevel,
	"year": FacetYear, "年": FacetYear, "年份": FacetYear,
	"doc_type": FacetDocType, "type": FacetDocType, "类型": FacetDocType, "文种": FacetDocType,
	"theme": FacetTheme, "主题": FacetTheme,
	"office": FacetOffice, "处室": FacetOffice, "牵头处室": FacetOffice,
}

// Filters holds facet values to filter by: OR within a facet, AND across.
type Filters map[string][]string

// Clone returns a deep copy.
func (f Filters) Clone() Filters {
	out := make(Filters, len(f))
	for k, v := range f {
		out[k] = append([]string(nil), v...)
	}
	return out
}

// Add appends values to a facet, skipping empty and repeated ones.
func (f Filters) Add(facet string, values ...string) {
	for _, v := range values {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		dup := false
		for _, have := range f[facet] {
			dup = dup || have == v
		}
		if !dup {
			f[facet] = append(f[facet], v)
		}
	}
}

// Term is one positive or negative part of a query, in normalised form.
type Term struct {
	Text   string `json:"text"`
	Phrase bool   `json:"phrase"` // quoted: exact match, never expanded
}

// Query is a parsed query string.
type Query struct {
	Terms    []Term  `json:"terms"`
	Excluded []Term  `json:"excluded,omitempty"`
	Filters  Filters `json:"filters,omitempty"`
}

// QueryError reports malformed query syntax; the message says what and where.
type QueryError struct {
	Pos int // rune offset in the query
	Msg string
}

func (e *QueryError) Error() string {
	return fmt.Sprintf("query syntax error at character %d: %s", e.Pos+1, e.Msg)
}

// maxQueryRunes bounds query length: a pasted paragraph is fine, a book is not.
const maxQueryRunes = 2000

// Parse reads the query syntax: words (all required), "quoted phrases"
// (exact), -exclusions (-word or -"phrase"), and field:value filters
// (city:嘉兴市, year:2019-2021, theme:"中医药"). Full-width quotes, colons and
// minus signs are accepted as their ASCII forms.
func Parse(s string) (Query, error) {
	q := Query{Filters: Filters{}}
	if utf8.RuneCountInString(s) > maxQueryRunes {
		return q, &QueryError{Pos: maxQueryRunes, Msg: fmt.Sprintf("query longer than %d characters", maxQueryRunes)}
	}
	if !utf8.ValidString(s) {
		return q, &QueryError{Msg: "query is not valid UTF-8"}
	}
	rs := []rune(foldSyntax(s))
	i := 0
	for i < len(rs) {
		if unicode.IsSpace(rs[i]) {
			i++
			continue
		}
		start := i
		neg := false
		if rs[i] == '-' {
			neg = true
			i++
			if i >= len(rs) || unicode.IsSpace(rs[i]) {
				return q, &QueryError{Pos: start, Msg: "'-' must be followed by a word or a quoted phrase to exclude"}
			}
		}
		if isOpenQuote(rs[i]) {
			text, next, err := readQuoted(rs, i)
			if err != nil {
				return q, err
			}
			i = next
			norm := analyzers.Normalize(text)
			if norm == "" {
				return q, &QueryError{Pos: start, Msg: "empty quoted phrase"}
			}
			t := Term{Text: norm, Phrase: true}
			if neg {
				q.Excluded = append(q.Excluded, t)
			} else {
				q.Terms = append(q.Terms, t)
			}
			continue
		}
		// A bare word runs to the next space; a colon inside makes it a filter.
		j := i
		for j < len(rs) && !unicode.IsSpace(rs[j]) && !isOpenQuote(rs[j]) {
			j++
		}
		word := string(rs[i:j])
		k := strings.IndexRune(word, ':')
		facet, known := "", false
		if k > 0 && !neg {
			facet, known = fieldAliases[strings.ToLower(word[:k])]
			// A Latin name before a colon means a field (a typo in it is an
			// error); Chinese text before a colon is a pasted sentence
			// (总体要求是：…) unless it is one of the Chinese field names.
			if !known && isFieldName(word[:k]) {
				return q, &QueryError{Pos: i, Msg: fmt.Sprintf("unknown field %q (known: city, province, county, level, year, doc_type, theme, office)", word[:k])}
			}
		}
		if known {
			value := word[k+1:]
			if value == "" && j < len(rs) && isOpenQuote(rs[j]) {
				v, next, err := readQuoted(rs, j)
				if err != nil {
					return q, err
				}
				value, j = v, next
			}
			if strings.TrimSpace(value) == "" {
				return q, &QueryError{Pos: i, Msg: fmt.Sprintf("field %q has no value", word[:k])}
			}
			if facet == FacetYear {
				if _, _, err := ParseYearRange(value); err != nil {
					// k counts bytes; Pos counts characters.
					return q, &QueryError{Pos: i + utf8.RuneCountInString(word[:k]) + 1, Msg: err.Error()}
				}
			}
			q.Filters.Add(facet, value)
			i = j
			continue
		}
		i = j
		norm := analyzers.Normalize(word)
		if norm == "" || isAllPunct(norm) {
			if neg {
				return q, &QueryError{Pos: start, Msg: "nothing to exclude after '-'"}
			}
			continue
		}
		t := Term{Text: norm}
		if neg {
			q.Excluded = append(q.Excluded, t)
		} else {
			q.Terms = append(q.Terms, t)
		}
	}
	return q, nil
}

// closingQuote pairs each opening quote with its closing one, so that other
// quote marks inside a phrase (a pasted 医共体“两员一中心”) stay literal.
var closingQuote = map[rune]rune{'"': '"', '“': '”', '「': '」', '『': '』', '＂': '＂'}

func isOpenQuote(r rune) bool {
	_, ok := closingQuote[r]
	return ok
}

// readQuoted reads a quoted string starting at the opening quote rs[i].
func readQuoted(rs []rune, i int) (string, int, error) {
	closer := closingQuote[rs[i]]
	j := i + 1
	for j < len(rs) && rs[j] != closer {
		j++
	}
	if j >= len(rs) {
		return "", 0, &QueryError{Pos: i, Msg: "unclosed quote"}
	}
	return string(rs[i+1 : j]), j + 1, nil
}

// foldSyntax turns full-width syntax characters into their ASCII forms, so
// that a query typed with a Chinese input method parses the same. Quotes
// are paired by readQuoted instead.
func foldSyntax(s string) string {
	return strings.NewReplacer("：", ":", "－", "-", "　", " ").Replace(s)
}

// isFieldName reports whether s looks like a field name: ASCII letters
// and underscores.
func isFieldName(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_') {
			return false
		}
	}
	return s != ""
}

func isAllPunct(s string) bool {
	for _, r := range s {
		if !unicode.IsPunct(r) && !unicode.IsSymbol(r) && !unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

// ParseYearRange reads "2020" or "2019-2021" (also 2019~2021, 2019至2021).
func ParseYearRange(v string) (from, to int, err error) {
	v = strings.TrimSpace(v)
	for _, sep := range []string{"-", "~", "至", "—", "–"} {
		if a, b, ok := strings.Cut(v, sep); ok {
			if from, err = parseYear(a); err != nil {
				return 0, 0, err
			}
			if to, err = parseYear(b); err != nil {
				return 0, 0, err
			}
			if from > to {
				return 0, 0, fmt.Errorf("year range %q runs backwards", v)
			}
			return from, to, nil
		}
	}
	y, err := parseYear(v)
	return y, y, err
}

func parseYear(s string) (int, error) {
	s = strings.TrimSuffix(strings.TrimSpace(s), "年")
	y := 0
	if len(s) != 4 {
		return 0, fmt.Errorf("year %q is not a four-digit year", s)
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, fmt.Errorf("year %q is not a four-digit year", s)
		}
		y = y*10 + int(r-'0')
	}
	if y < 1949 || y > 2100 {
		return 0, fmt.Errorf("year %d is out of range", y)
	}
	return y, nil
}
