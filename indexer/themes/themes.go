// Package themes labels provisions with the vocabulary's themes (疫情防控,
// 医改与医共体, …). Classification is multi-label and explainable: every
// theme comes with the vocabulary terms that fired for it.
package themes

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/policysearch/policysearch/analyzers"
	"github.com/policysearch/policysearch/analyzers/vocab"
)

// Scoring parameters. A cue is a preferred term or synonym of a concept
// found in the text; it adds the concept's weight to each of its themes.
const (
	// repeatBonus is what each further mention of a concept adds, as a
	// share of its weight, up to maxRepeats further mentions: repetition
	// shows focus, but a long list of one word should not swamp the rest.
	repeatBonus = 0.5
	maxRepeats  = 2

	// A provision's text usually opens with its title sentence
	// (抓好常态化疫情防控工作。), which names its subject; cues there count
	// leadBoost times. Only a short first sentence is taken as a title.
	leadBoost     = 1.5
	maxTitleRunes = 40

	// Headings cover many provisions, so their cues count less than the
	// body's: the nearest heading nearHeading of a body cue, the ones above
	// it farHeading.
	nearHeading = 0.5
	farHeading  = 0.3

	// A theme other than the top one is assigned only if its score reaches
	// both baseThreshold + runes/runesPerPoint (longer provisions mention
	// more in passing, so they need more evidence) and relativeShare of the
	// top theme's score: a theme with less than half the evidence of the
	// provision's main subject is a passing mention (on the labelled sample
	// F1 is flat for shares of 0.5–0.6 and falls off below 0.4). The top
	// theme needs topThreshold: one ordinary cue.
	baseThreshold = 1.0
	runesPerPoint = 250.0
	relativeShare = 0.5
	topThreshold  = 1.0
)

// Result is the classification of one provision.
type Result struct {
	// Themes are the assigned themes, highest score first.
	Themes []string
	// Cues maps every theme with a positive score to the vocabulary terms
	// that fired for it, in order of first appearance (body, then headings).
	Cues map[string][]string
	// Scores maps every theme with a positive score to its score.
	Scores map[string]float64
}

// Classifier assigns themes to provisions. It is read-only after New and
// safe for concurrent use.
type Classifier struct {
	matcher *vocab.Matcher
	order   map[string]int // theme name → declaration order, for ties
	themes  map[string][]string
	weights map[string]float64
	params  params
}

// params are the scoring parameters, held per classifier so that tests can
// explore alternatives without touching shared state.
type params struct {
	repeatBonus, leadBoost, nearHeading, farHeading float64
	baseThreshold, runesPerPoint, relativeShare     float64
	topThreshold                                    float64
	maxRepeats, maxTitleRunes                       int
}

func defaultParams() params {
	return params{
		repeatBonus: repeatBonus, leadBoost: leadBoost,
		nearHeading: nearHeading, farHeading: farHeading,
		baseThreshold: baseThreshold, runesPerPoint: runesPerPoint,
		relativeShare: relativeShare, topThreshold: topThreshold,
		maxRepeats: maxRepeats, maxTitleRunes: maxTitleRunes,
	}
}

// New returns a classifier that uses v's concepts as cues: preferred terms
// and synonyms (everyday phrasings are user language, not evidence in a
// document), each weighted by its concept's cue weight.
func New(v *vocab.Vocabulary) *Classifier {
	c := &Classifier{
		matcher: v.TermMatcher(),
		order:   make(map[string]int, len(v.Themes)),
		themes:  make(map[string][]string, len(v.Concepts)),
		weights: make(map[string]float64, len(v.Concepts)),
		params:  defaultParams(),
	}
	for i, t := range v.Themes {
		c.order[t.Name] = i
	}
	for _, con := range v.Concepts {
		c.themes[con.ID] = con.Themes
		c.weights[con.ID] = con.Weight
	}
	return c
}

// Classify labels a provision from its display text alone.
func (c *Classifier) Classify(text string) Result {
	return c.ClassifyWithContext(text, nil)
}

// ClassifyWithContext labels a provision from its display text and its
// heading path (outermost first, e.g. ["一、全面加强党的建设",
// "(一)坚持守初心担使命"]). Headings help but count less than the body.
func (c *Classifier) ClassifyWithContext(text string, headings []string) Result {
	p := c.params
	acc := newAccumulator()

	body := stripAssignments(analyzers.Normalize(text))
	lead := titleEnd(body, p.maxTitleRunes)
	type tally struct {
		n       int
		inTitle bool
	}
	tallies := make(map[string]*tally)
	var order []string
	for _, m := range c.matcher.Find(body) {
		if c.weights[m.ConceptID] <= 0 {
			continue // the vocabulary marks the concept as no evidence
		}
		t, ok := tallies[m.ConceptID]
		if !ok {
			t = &tally{}
			tallies[m.ConceptID] = t
			order = append(order, m.ConceptID)
		}
		t.n++
		t.inTitle = t.inTitle || m.Start < lead
		acc.cue(c.themes[m.ConceptID], m.Term)
	}
	for _, id := range order {
		t := tallies[id]
		s := c.weights[id] * (1 + p.repeatBonus*float64(min(t.n-1, p.maxRepeats)))
		if t.inTitle {
			s *= p.leadBoost
		}
		acc.add(c.themes[id], s)
	}

	for i, h := range headings {
		factor := p.farHeading
		if i == len(headings)-1 {
			factor = p.nearHeading
		}
		seen := make(map[string]bool)
		for _, m := range c.matcher.Find(analyzers.Normalize(h)) {
			if c.weights[m.ConceptID] <= 0 {
				continue
			}
			acc.cue(c.themes[m.ConceptID], m.Term)
			if !seen[m.ConceptID] {
				seen[m.ConceptID] = true
				acc.add(c.themes[m.ConceptID], factor*c.weights[m.ConceptID])
			}
		}
	}

	return acc.result(c.order, p, utf8.RuneCountInString(body))
}

// assignmentOpeners start the parenthesised notes that assign a provision
// to departments: (牵头处室:疾控处;配合处室:…老龄健康处、妇幼健康处). They
// name offices, not subjects, so their words are no evidence of a theme.
var assignmentOpeners = []string{"(牵头", "(责任", "(配合", "(主办", "(协办"}

// stripAssignments removes department-assignment notes from normalised
// text, including parentheses nested in them (办公室(对外合作交流处)).
func stripAssignments(text string) string {
	var b strings.Builder
	for {
		start := -1
		for _, o := range assignmentOpeners {
			if i := strings.Index(text, o); i >= 0 && (start < 0 || i < start) {
				start = i
			}
		}
		if start < 0 {
			b.WriteString(text)
			return b.String()
		}
		b.WriteString(text[:start])
		depth, end := 0, len(text)
		for i := start; i < len(text); i++ {
			if text[i] == '(' {
				depth++
			} else if text[i] == ')' {
				depth--
				if depth == 0 {
					end = i + 1
					break
				}
			}
		}
		text = text[end:]
	}
}

// titleEnd returns the byte offset just past the text's title sentence, or
// 0 when the first sentence is too long to be a title.
func titleEnd(text string, maxRunes int) int {
	runes := 0
	for i, r := range text {
		switch r {
		case '。', ';', '!', '?':
			return i + utf8.RuneLen(r)
		}
		runes++
		if runes > maxRunes {
			return 0
		}
	}
	return 0
}

type accumulator struct {
	scores map[string]float64
	cues   map[string][]string
}

func newAccumulator() *accumulator {
	return &accumulator{scores: make(map[string]float64), cues: make(map[string][]string)}
}

func (a *accumulator) add(themes []string, s float64) {
	if s <= 0 {
		return
	}
	for _, t := range themes {
		a.scores[t] += s
	}
}

func (a *accumulator) cue(themes []string, term string) {
	for _, t := range themes {
		if !slices.Contains(a.cues[t], term) {
			a.cues[t] = append(a.cues[t], term)
		}
	}
}

func (a *accumulator) result(order map[string]int, p params, runes int) Result {
	res := Result{Cues: make(map[string][]string), Scores: make(map[string]float64)}
	var ranked []string
	for t, s := range a.scores {
		if s > 0 {
			res.Scores[t] = s
			res.Cues[t] = a.cues[t]
			ranked = append(ranked, t)
		}
	}
	slices.SortFunc(ranked, func(x, y string) int {
		if sx, sy := res.Scores[x], res.Scores[y]; sx != sy {
			if sx > sy {
				return -1
			}
			return 1
		}
		return order[x] - order[y]
	})
	if len(ranked) == 0 || res.Scores[ranked[0]] < p.topThreshold {
		return res
	}
	top := res.Scores[ranked[0]]
	floor := max(p.baseThreshold+float64(runes)/p.runesPerPoint, p.relativeShare*top)
	res.Themes = append(res.Themes, ranked[0])
	for _, t := range ranked[1:] {
		if res.Scores[t] >= floor {
			res.Themes = append(res.Themes, t)
		}
	}
	return res
}

// String renders a result compactly for logs: assigned themes with their cues.
func (r Result) String() string {
	var b strings.Builder
	for i, t := range r.Themes {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(t)
		b.WriteString("(")
		b.WriteString(strings.Join(r.Cues[t], ","))
		b.WriteString(")")
	}
	return b.String()
}
