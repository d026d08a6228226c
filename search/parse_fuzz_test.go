package search

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseQuery feeds arbitrary strings to the query parser. It must not
// panic; a failure must be a *QueryError pointing inside the query; a
// success must survive a round trip: the parsed query written back in the
// syntax (every term quoted, filters as field:"value") parses to the same
// terms, exclusions and filters.
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{
		"医共体",
		`"两慢病" 家庭医生`,
		"“医 共体”",
		"医共体 -医联体",
		`中医药 -"中医馆"`,
		"city:嘉兴市 year:2019-2021 托育",
		`主题："中医药" 城市：温州`,
		"ＤＲＧ",
		"  ，。 ",
		"总体要求是：推进医共体建设",
		`"做实“两员一中心”"`,
		`"unclosed`,
		"-",
		"- 医共体",
		"-，",
		"year:20x1",
		"year:2021-2019",
		"foo:bar",
		"city:",
		`city:"嘉兴 市"`,
		"「医共体」 『医联体』 ＂托育＂",
		"\xff\xfe",
		strings.Repeat("医", maxQueryRunes+1),
		"年份：2020年 处室：医政医管处 -“新冠肺炎”",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := Parse(s)
		if err != nil {
			var qe *QueryError
			if !errors.As(err, &qe) {
				t.Fatalf("Parse(%q): error %T %v is not a *QueryError", s, err, err)
			}
			if n := utf8.RuneCountInString(s); qe.Pos < 0 || qe.Pos > n {
				t.Fatalf("Parse(%q): error position %d outside the query's %d characters", s, qe.Pos, n)
			}
			if qe.Msg == "" {
				t.Fatalf("Parse(%q): error without a message", s)
			}
			return
		}
		for _, term := range slices.Concat(q.Terms, q.Excluded) {
			if term.Text == "" {
				t.Fatalf("Parse(%q): empty term in %+v", s, q)
			}
		}
		again, ok := requote(q)
		if !ok {
			return
		}
		q2, err := Parse(again)
		if err != nil {
			t.Fatalf("Parse(%q) = %+v, written back as %q, which fails: %v", s, q, again, err)
		}
		if !reflect.DeepEqual(asPhrases(q), q2) {
			t.Fatalf("Parse(%q) = %+v, written back as %q, parses to %+v", s, q, again, q2)
		}
	})
}

// requote writes q back in the query syntax with every term and filter
// value quoted; ok is false when some text holds every kind of closing
// quote (no quoting can hold it) or the result is too long.
func requote(q Query) (string, bool) {
	var parts []string
	for _, t := range q.Terms {
		s, ok := quote(t.Text)
		if !ok {
			return "", false
		}
		parts = append(parts, s)
	}
	for _, t := range q.Excluded {
		s, ok := quote(t.Text)
		if !ok {
			return "", false
		}
		parts = append(parts, "-"+s)
	}
	for _, f := range FacetNames {
		for _, v := range q.Filters[f] {
			s, ok := quote(v)
			if !ok {
				return "", false
			}
			parts = append(parts, f+":"+s)
		}
	}
	out := strings.Join(parts, " ")
	return out, utf8.RuneCountInString(out) <= maxQueryRunes
}

// quote wraps s in the first pair of quote marks whose closing mark s
// does not contain.
func quote(s string) (string, bool) {
	for _, open := range []rune{'"', '“', '「', '『', '＂'} {
		closer := closingQuote[open]
		if !strings.ContainsRune(s, closer) {
			return string(open) + s + string(closer), true
		}
	}
	return "", false
}

// asPhrases is q with every term marked as a phrase, as requote writes it.
func asPhrases(q Query) Query {
	out := Query{Filters: q.Filters.Clone()}
	for _, t := range q.Terms {
		out.Terms = append(out.Terms, Term{Text: t.Text, Phrase: true})
	}
	for _, t := range q.Excluded {
		out.Excluded = append(out.Excluded, Term{Text: t.Text, Phrase: true})
	}
	return out
}
