package search

import (
	"html"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/policysearch/policysearch/analyzers"
)

// marker highlights a query's matches on display text. Matching runs on the
// normalised text (as the index does) and the spans are mapped back to the
// display text, so a phrase is marked exactly, whatever spaces or width
// variants the display text holds inside it.
type marker struct {
	needles []string
}

// fragmentContext is how many characters a fragment shows around a match.
const fragmentContext = 40

func (e *Engine) newMarker(q Query, u *Understanding) marker {
	var m marker
	seen := map[string]bool{}
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			m.needles = append(m.needles, s)
		}
	}
	for _, t := range q.Terms {
		add(t.Text)
		if t.Phrase {
			continue
		}
		for _, w := range e.words.Cut(t.Text) {
			// A lone character would light up half the text.
			if utf8.RuneCountInString(w) > 1 {
				add(w)
			}
		}
	}
	if u != nil {
		for _, a := range u.Added {
			add(a.Term)
		}
	}
	return m
}

type span struct{ start, end int }

// spans returns the merged byte spans of text that match, in text's own offsets.
func (m marker) spans(text string) []span {
	if len(m.needles) == 0 {
		return nil
	}
	norm, off := analyzers.NormalizeMap(text)
	var found []span
	for _, n := range m.needles {
		for i := 0; i < len(norm); {
			k := strings.Index(norm[i:], n)
			if k < 0 {
				break
			}
			a, b := i+k, i+k+len(n)
			last := off[b-1]
			_, size := utf8.DecodeRuneInString(text[last:])
			found = append(found, span{off[a], last + size})
			_, step := utf8.DecodeRuneInString(norm[a:])
			i = a + step
		}
	}
	if len(found) == 0 {
		return nil
	}
	sort.Slice(found, func(i, j int) bool { return found[i].start < found[j].start })
	merged := []span{found[0]}
	for _, s := range found[1:] {
		last := &merged[len(merged)-1]
		if s.start <= last.end {
			if s.end > last.end {
				last.end = s.end
			}
			continue
		}
		merged = append(merged, s)
	}
	return merged
}

// mark returns the whole text with matches wrapped in <mark>, and up to
// three fragments around the matches (the text's start when none match).
func (m marker) mark(text string) (string, []string) {
	return m.markSpans(text, m.spans(text))
}

// markSpans renders text with the given sorted, disjoint spans marked.
func (m marker) markSpans(text string, spans []span) (string, []string) {
	whole := render(text, 0, len(text), spans)
	if len(spans) == 0 {
		end := advance(text, 0, 2*fragmentContext)
		frag := html.EscapeString(text[:end])
		if end < len(text) {
			frag += "…"
		}
		return whole, []string{frag}
	}
	var frags []string
	for i := 0; i < len(spans) && len(frags) < 3; {
		from := back(text, spans[i].start, fragmentContext)
		to := advance(text, spans[i].end, fragmentContext)
		j := i + 1
		for j < len(spans) && spans[j].start <= to {
			to = advance(text, spans[j].end, fragmentContext)
			j++
		}
		frag := render(text, from, to, spans[i:j])
		if from > 0 {
			frag = "…" + frag
		}
		if to < len(text) {
			frag += "…"
		}
		frags = append(frags, frag)
		i = j
	}
	return whole, frags
}

// render escapes text[from:to] and wraps the spans in <mark>.
func render(text string, from, to int, spans []span) string {
	var b strings.Builder
	pos := from
	for _, s := range spans {
		if s.end <= from || s.start >= to {
			continue
		}
		a, z := max(s.start, from), min(s.end, to)
		b.WriteString(html.EscapeString(text[pos:a]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[a:z]))
		b.WriteString("</mark>")
		pos = z
	}
	b.WriteString(html.EscapeString(text[pos:to]))
	return b.String()
}

// advance moves n characters forward from byte offset i.
func advance(s string, i, n int) int {
	for ; n > 0 && i < len(s); n-- {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return i
}

// back moves n characters backward from byte offset i.
func back(s string, i, n int) int {
	for ; n > 0 && i > 0; n-- {
		_, size := utf8.DecodeLastRuneInString(s[:i])
		i -= size
	}
	return i
}
