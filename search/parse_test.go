package search

import (
	"github.com/policysearch/policysearch/analyzers"

	"errors"
	"reflect"
	"testing"
)

func TestParse(t *testing.T) {
	cases := []struct {
		in   string
		want Query
	}{
		{"医共体", Query{Terms: []Term{{Text: "医共体"}}, Filters: Filters{}}},
		{`"两慢病" 家庭医生`, Query{Terms: []Term{{Text: "两慢病", Phrase: true}, {Text: "家庭医生"}}, Filters: Filters{}}},
		{"“医 共体”", Query{Terms: []Term{{Text: "医共体", Phrase: true}}, Filters: Filters{}}},
		{"医共体 -医联体", Query{Terms: []Term{{Text: "医共体"}}, Excluded: []Term{{Text: "医联体"}}, Filters: Filters{}}},
		{`中医药 -"中医馆"`, Query{Terms: []Term{{Text: "中医药"}}, Excluded: []Term{{Text: "中医馆", Phrase: true}}, Filters: Filters{}}},
		{"city:嘉兴市 year:2019-2021 托育", Query{Terms: []Term{{Text: "托育"}}, Filters: Filters{FacetCity: {"嘉兴市"}, FacetYear: {"2019-2021"}}}},
		{`主题："中医药" 城市：温州`, Query{Filters: Filters{FacetTheme: {"中医药"}, FacetCity: {"温州"}}}},
		{"ＤＲＧ", Query{Terms: []Term{{Text: "drg"}}, Filters: Filters{}}},
		{"  ，。 ", Query{Filters: Filters{}}},
		// A pasted sentence with a colon is text, not a field.
		{"总体要求是：推进医共体建设", Query{Terms: []Term{{Text: "总体要求是:推进医共体建设"}}, Filters: Filters{}}},
		// Quote marks of another kind inside a phrase are part of it.
		{`"做实“两员一中心”"`, Query{Terms: []Term{{Text: analyzers.Normalize("做实“两员一中心”"), Phrase: true}}, Filters: Filters{}}},
	}
	for _, c := range cases {
		got, err := Parse(c.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.in, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("Parse(%q) = %+v, want %+v", c.in, got, c.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, in := range []string{
		`"医共体`,
		`""`,
		"- 医共体",
		"colour:red",
		"year:二〇二〇",
		"year:2021-2019",
		"city:",
		"医共体 -",
	} {
		_, err := Parse(in)
		var qe *QueryError
		if !errors.As(err, &qe) {
			t.Errorf("Parse(%q) = %v, want a QueryError", in, err)
			continue
		}
		if qe.Msg == "" {
			t.Errorf("Parse(%q): empty message", in)
		}
	}
}

// TestParseErrorPosition checks that an error points at the character
// (not the byte) where the wrong part begins.
func TestParseErrorPosition(t *testing.T) {
	for _, c := range []struct {
		in  string
		pos int
	}{
		{"year:abc", 5},
		{"医共体 年:abc", 6},
		{"年份:二〇二〇", 3},
	} {
		_, err := Parse(c.in)
		var qe *QueryError
		if !errors.As(err, &qe) {
			t.Errorf("Parse(%q) = %v, want a QueryError", c.in, err)
			continue
		}
		if qe.Pos != c.pos {
			t.Errorf("Parse(%q): error at %d, want %d", c.in, qe.Pos, c.pos)
		}
	}
}

func TestParseYearRange(t *testing.T) {
	for _, c := range []struct {
		in       string
		from, to int
	}{{"2020", 2020, 2020}, {"2019-2021", 2019, 2021}, {"2019年至2021年", 2019, 2021}, {"2020年", 2020, 2020}} {
		from, to, err := ParseYearRange(c.in)
		if err != nil || from != c.from || to != c.to {
			t.Errorf("ParseYearRange(%q) = %d, %d, %v", c.in, from, to, err)
		}
	}
}
