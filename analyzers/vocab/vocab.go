// Package vocab holds the curated vocabulary of Chinese health policy that
// bridges what users type (工人得尘肺病, 打120) and what the documents say
// (职业病防治, 院前急救): concepts with their preferred terms, synonyms,
// everyday phrasings, broader/narrower relations and the themes they signal.
//
// The vocabulary ships embedded (vocabulary.yaml, versioned in its header).
// Default parses it afresh on each call; callers keep the result.
package vocab

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/policysearch/policysearch/analyzers"
)

//go:embed vocabulary.yaml
var embeddedVocabulary string

// Kinds of phrasing, as reported in Match.Kind.
const (
	KindPreferred = "preferred" // the concept's preferred term
	KindSynonym   = "synonym"   // a full form, variant or abbreviation
	KindEveryday  = "everyday"  // how non-specialists say it (queries only)
)

// DefaultWeight is the cue weight of a concept whose entry states none.
const DefaultWeight = 1.0

// Limits on phrasings. Weights above MaxWeight would let a single mention
// outvote a whole provision; phrasings longer than maxPhrasingRunes are
// sentences, not terms.
const (
	MaxWeight        = 5.0
	minPhrasingRunes = 2
	maxPhrasingRunes = 24
)

var idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Theme is one of the fixed themes provisions are classified into.
type Theme struct {
	Name        string
	Description string
}

// WordClass is a group of everyday words with one meaning in a need. When
// Means names a concept, any word of the class alone names it too (打针,
// 疫苗 → 预防接种): the word is that concept in everyday speech.
type WordClass struct {
	Words []string
	Means string
}

// UnmarshalYAML reads a class written as a list of words, or as a mapping
// with the words and the concept they mean.
func (w *WordClass) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.SequenceNode {
		return n.Decode(&w.Words)
	}
	var f struct {
		Words []string `yaml:"words"`
		Means string   `yaml:"means"`
	}
	if err := n.Decode(&f); err != nil {
		return err
	}
	w.Words, w.Means = f.Words, f.Means
	return nil
}

// Concept is one notion of health policy with every phrasing that refers to
// it. Phrasings are kept as written in the vocabulary file; matching uses
// their normalised form (analyzers.Normalize).
type Concept struct {
	ID        string
	Preferred string
	Synonyms  []string // same referent: full forms, variants, abbreviations
	Everyday  []string // what non-specialists type; query side only
	Broader   []string // ids of more general concepts
	Narrower  []string // ids of more specific concepts
	Themes    []string // names of the themes the concept signals
	// Weight is how strongly a mention in a provision indicates the
	// concept's themes (0 = not a cue).
	Weight float64
}

// Indicator is a measure that provisions set targets for and report
// (家庭医生签约服务率, 孕产妇死亡率), with the names it is written under, so
// that figures written under different names can be compared.
type Indicator struct {
	ID       string
	Name     string   // the name figures are reported under
	Synonyms []string // other names with the same meaning
	// Unit is the unit a figure of this indicator has when the text omits
	// it (孕产妇死亡率为0); "" when there is no default.
	Unit string
}

// Vocabulary is the parsed vocabulary. Build it with Parse or Default; a
// Vocabulary assembled in code should pass Validate before use.
type Vocabulary struct {
	Version  string
	Themes   []Theme
	Concepts []Concept
	// Shared lists the everyday phrasings that may belong to more than one
	// concept. Every other phrasing belongs to exactly one concept, so that
	// a match names its concept unambiguously.
	Shared []string
	// WordClasses groups everyday words that mean the same in a need
	// (跨省, 外地, 异地; 钱, 费用): a query names a concept when its words
	// cover, class by class, the words of one of the concept's everyday
	// phrasings, in any order and with anything between them.
	WordClasses []WordClass
	// Indicators is the table of indicator names (see Indicator); each
	// name, after normalisation, belongs to one indicator only.
	Indicators []Indicator

	byID map[string]int // index into Concepts; rebuilt by Parse
}

// Default parses the vocabulary embedded in the binary.
func Default() (*Vocabulary, error) {
	v, err := Parse([]byte(embeddedVocabulary))
	if err != nil {
		return nil, fmt.Errorf("embedded vocabulary: %w", err)
	}
	return v, nil
}

type fileTheme struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
}

type fileConcept struct {
	ID        string   `yaml:"id"`
	Preferred string   `yaml:"preferred"`
	Synonyms  []string `yaml:"synonyms"`
	Everyday  []string `yaml:"everyday"`
	Broader   []string `yaml:"broader"`
	Narrower  []string `yaml:"narrower"`
	Themes    []string `yaml:"themes"`
	Cues      *float64 `yaml:"cues"` // nil: DefaultWeight
}

type fileIndicator struct {
	ID       string   `yaml:"id"`
	Name     string   `yaml:"name"`
	Synonyms []string `yaml:"synonyms"`
	Unit     string   `yaml:"unit"`
}

type fileVocabulary struct {
	Version     string          `yaml:"version"`
	Themes      []fileTheme     `yaml:"themes"`
	Shared      []string        `yaml:"shared"`
	WordClasses []WordClass     `yaml:"word_classes"`
	Concepts    []fileConcept   `yaml:"concepts"`
	Indicators  []fileIndicator `yaml:"indicators"`
}

// Parse reads a vocabulary in the YAML format of vocabulary.yaml. Unknown
// fields are errors, so that a misspelt key does not silently drop data. A
// broader/narrower relation may be written at either end; Parse adds the
// other end. The result is validated.
func Parse(data []byte) (*Vocabulary, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var f fileVocabulary
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("parse vocabulary: %w", err)
	}
	v := &Vocabulary{Version: f.Version, Shared: f.Shared, WordClasses: f.WordClasses}
	for _, t := range f.Themes {
		v.Themes = append(v.Themes, Theme{Name: t.Name, Description: t.Description})
	}
	for _, c := range f.Concepts {
		w := DefaultWeight
		if c.Cues != nil {
			w = *c.Cues
		}
		v.Concepts = append(v.Concepts, Concept{
			ID:        c.ID,
			Preferred: c.Preferred,
			Synonyms:  c.Synonyms,
			Everyday:  c.Everyday,
			Broader:   c.Broader,
			Narrower:  c.Narrower,
			Themes:    c.Themes,
			Weight:    w,
		})
	}
	for _, in := range f.Indicators {
		v.Indicators = append(v.Indicators, Indicator(in))
	}
	v.reindex()
	v.completeRelations()
	if err := v.Validate(); err != nil {
		return nil, fmt.Errorf("vocabulary %s: %w", v.Version, err)
	}
	return v, nil
}

// reindex rebuilds the id index; with duplicate ids the first one wins (and
// Validate reports the duplicate).
func (v *Vocabulary) reindex() {
	v.byID = make(map[string]int, len(v.Concepts))
	for i, c := range v.Concepts {
		if _, dup := v.byID[c.ID]; !dup {
			v.byID[c.ID] = i
		}
	}
}

// completeRelations adds the missing end of every broader/narrower relation
// whose both ends exist. Relations to unknown ids are left for Validate.
func (v *Vocabulary) completeRelations() {
	for i := range v.Concepts {
		c := &v.Concepts[i]
		for _, b := range c.Broader {
			if j, ok := v.byID[b]; ok && !slices.Contains(v.Concepts[j].Narrower, c.ID) {
				v.Concepts[j].Narrower = append(v.Concepts[j].Narrower, c.ID)
			}
		}
		for _, n := range c.Narrower {
			if j, ok := v.byID[n]; ok && !slices.Contains(v.Concepts[j].Broader, c.ID) {
				v.Concepts[j].Broader = append(v.Concepts[j].Broader, c.ID)
			}
		}
	}
}

// Concept returns the concept with the given id.
func (v *Vocabulary) Concept(id string) (Concept, bool) {
	if i, ok := v.byID[id]; ok && i < len(v.Concepts) && v.Concepts[i].ID == id {
		return v.Concepts[i], true
	}
	// The index is missing or stale for a vocabulary assembled in code.
	for _, c := range v.Concepts {
		if c.ID == id {
			return c, true
		}
	}
	return Concept{}, false
}

// ThemeNames returns the names of the themes in their declared order.
func (v *Vocabulary) ThemeNames() []string {
	names := make([]string, len(v.Themes))
	for i, t := range v.Themes {
		names[i] = t.Name
	}
	return names
}

// Terms returns every preferred term and synonym, normalised, without
// duplicates and sorted, for the segmentation user dictionary: each should
// segment as a single word. Everyday phrasings are left out; they are loose
// user language, not words of the documents.
func (v *Vocabulary) Terms() []string {
	seen := make(map[string]bool)
	var terms []string
	for _, c := range v.Concepts {
		for _, p := range append([]string{c.Preferred}, c.Synonyms...) {
			n := analyzers.Normalize(p)
			if n != "" && !seen[n] {
				seen[n] = true
				terms = append(terms, n)
			}
		}
	}
	sort.Strings(terms)
	return terms
}

// phrasing is one phrasing of a concept with its kind, as seen by Validate
// and the matcher.
type phrasing struct {
	text string // normalised
	kind string
}

// phrasings returns the concept's phrasings normalised, preferred first.
func (c Concept) phrasings() []phrasing {
	out := make([]phrasing, 0, 1+len(c.Synonyms)+len(c.Everyday))
	out = append(out, phrasing{analyzers.Normalize(c.Preferred), KindPreferred})
	for _, s := range c.Synonyms {
		out = append(out, phrasing{analyzers.Normalize(s), KindSynonym})
	}
	for _, e := range c.Everyday {
		out = append(out, phrasing{analyzers.Normalize(e), KindEveryday})
	}
	return out
}

// Validate checks the vocabulary and reports every problem found:
//   - a version and uniquely named, described themes; every theme used;
//   - concept ids unique ascii slugs; a preferred term; one or more known
//     themes; a weight in [0, MaxWeight];
//   - phrasings of 2–24 characters after normalisation, made of letters,
//     digits and + - . only (they become dictionary words, and quote marks
//     are skipped in matched text), none repeated within a concept;
//   - a phrasing shared by two concepts only if every use is everyday and
//     it is listed in Shared (and each Shared entry is so shared);
//   - broader/narrower ids that exist, are not the concept itself, appear
//     at both ends of the relation, and no concept its own ancestor;
//   - indicator ids unique ascii slugs, each with a name, and no name or
//     synonym (normalised) given to two indicators or twice to one.
func (v *Vocabulary) Validate() error {
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	if strings.TrimSpace(v.Version) == "" {
		fail("no version")
	}
	themes := make(map[string]bool, len(v.Themes))
	for _, t := range v.Themes {
		switch {
		case strings.TrimSpace(t.Name) == "":
			fail("theme with no name")
		case themes[t.Name]:
			fail("theme %q declared twice", t.Name)
		case strings.TrimSpace(t.Description) == "":
			fail("theme %q has no description", t.Name)
		}
		themes[t.Name] = true
	}
	if len(v.Themes) == 0 {
		fail("no themes")
	}

	inClass := map[string]int{}
	for i, class := range v.WordClasses {
		if len(class.Words) < 2 {
			fail("word class %d %v: a class needs two words or more", i, class.Words)
		}
		if class.Means != "" {
			if _, ok := v.Concept(class.Means); !ok {
				fail("word class %d %v means unknown concept %q", i, class.Words, class.Means)
			}
		}
		for _, w := range class.Words {
			n := analyzers.Normalize(w)
			switch j, dup := inClass[n]; {
			case strings.TrimSpace(n) == "":
				fail("word class %d: an empty word", i)
			case dup && j != i:
				fail("word %q in word classes %d and %d; a word means one thing", w, j, i)
			}
			inClass[n] = i
		}
	}

	ids := make(map[string]int, len(v.Concepts))
	for i, c := range v.Concepts {
		if !idPattern.MatchString(c.ID) {
			fail("concept %d: id %q is not an ascii slug", i, c.ID)
		}
		if _, dup := ids[c.ID]; dup {
			fail("concept %q: id used twice", c.ID)
		} else {
			ids[c.ID] = i
		}
	}

	usedThemes := make(map[string]bool)
	owners := make(map[string][]owner) // normalised phrasing → who uses it
	for i, c := range v.Concepts {
		if strings.TrimSpace(c.Preferred) == "" {
			fail("concept %q: no preferred term", c.ID)
		}
		if len(c.Themes) == 0 {
			fail("concept %q: no theme", c.ID)
		}
		for j, t := range c.Themes {
			if !themes[t] {
				fail("concept %q: unknown theme %q", c.ID, t)
			}
			if slices.Contains(c.Themes[:j], t) {
				fail("concept %q: theme %q listed twice", c.ID, t)
			}
			usedThemes[t] = true
		}
		if math.IsNaN(c.Weight) || c.Weight < 0 || c.Weight > MaxWeight {
			fail("concept %q: cue weight %v outside [0, %v]", c.ID, c.Weight, MaxWeight)
		}
		seen := make(map[string]bool)
		for _, p := range c.phrasings() {
			if err := checkPhrasing(p.text); err != nil {
				fail("concept %q: %s %q: %w", c.ID, p.kind, p.text, err)
				continue
			}
			if seen[p.text] {
				fail("concept %q: phrasing %q given twice", c.ID, p.text)
				continue
			}
			seen[p.text] = true
			owners[p.text] = append(owners[p.text], owner{i, p.kind})
		}
	}
	for _, t := range v.Themes {
		if !usedThemes[t.Name] {
			fail("theme %q: no concept signals it", t.Name)
		}
	}

	shared := make(map[string]bool, len(v.Shared))
	for _, s := range v.Shared {
		shared[analyzers.Normalize(s)] = true
	}
	phrases := make([]string, 0, len(owners))
	for p := range owners {
		phrases = append(phrases, p)
	}
	sort.Strings(phrases)
	for _, p := range phrases {
		users := owners[p]
		if len(users) < 2 {
			continue
		}
		everyday := true
		names := make([]string, len(users))
		for k, o := range users {
			names[k] = fmt.Sprintf("%s (%s)", v.Concepts[o.concept].ID, o.kind)
			everyday = everyday && o.kind == KindEveryday
		}
		if !everyday || !shared[p] {
			fail("phrasing %q used by %s; only everyday phrasings listed in shared may be", p, strings.Join(names, ", "))
		}
	}
	for s := range shared {
		if len(owners[s]) < 2 {
			fail("shared phrasing %q is used by %d concept(s); list only phrasings that several concepts carry", s, len(owners[s]))
		}
	}

	for _, c := range v.Concepts {
		for _, rel := range []struct {
			name, inverse string
			ids           []string
			back          func(Concept) []string
		}{
			{"broader", "narrower", c.Broader, func(o Concept) []string { return o.Narrower }},
			{"narrower", "broader", c.Narrower, func(o Concept) []string { return o.Broader }},
		} {
			for k, id := range rel.ids {
				j, ok := ids[id]
				switch {
				case !ok:
					fail("concept %q: %s concept %q does not exist", c.ID, rel.name, id)
				case id == c.ID:
					fail("concept %q: %s of itself", c.ID, rel.name)
				case slices.Contains(rel.ids[:k], id):
					fail("concept %q: %s %q listed twice", c.ID, rel.name, id)
				case !slices.Contains(rel.back(v.Concepts[j]), c.ID):
					fail("concept %q: %s %q, but %q does not list it as %s", c.ID, rel.name, id, id, rel.inverse)
				}
			}
		}
	}
	if cycle := broaderCycle(v.Concepts, ids); cycle != "" {
		fail("broader relations form a cycle through %q", cycle)
	}
	errs = append(errs, validateIndicators(v.Indicators)...)
	return errors.Join(errs...)
}

// validateIndicators checks the indicator table: a name must lead to one
// indicator, or figures of two measures would be compared as one.
func validateIndicators(inds []Indicator) []error {
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	ids := make(map[string]bool, len(inds))
	names := make(map[string]string) // normalised name → indicator id
	for i, in := range inds {
		if !idPattern.MatchString(in.ID) {
			fail("indicator %d: id %q is not an ascii slug", i, in.ID)
		}
		if ids[in.ID] {
			fail("indicator %q: id used twice", in.ID)
		}
		ids[in.ID] = true
		if strings.TrimSpace(in.Name) == "" {
			fail("indicator %q: no name", in.ID)
		}
		for _, n := range append([]string{in.Name}, in.Synonyms...) {
			k := analyzers.Normalize(n)
			if k == "" {
				fail("indicator %q: an empty synonym", in.ID)
				continue
			}
			switch prev, dup := names[k]; {
			case dup && prev == in.ID:
				fail("indicator %q: name %q given twice", in.ID, n)
			case dup:
				fail("indicator name %q used by %q and %q; a name means one indicator", n, prev, in.ID)
			}
			names[k] = in.ID
		}
	}
	return errs
}

type owner struct {
	concept int
	kind    string
}

// checkPhrasing reports why a normalised phrasing cannot be a term.
func checkPhrasing(p string) error {
	n := utf8.RuneCountInString(p)
	if n < minPhrasingRunes || n > maxPhrasingRunes {
		return fmt.Errorf("has %d characters, want %d–%d", n, minPhrasingRunes, maxPhrasingRunes)
	}
	for _, r := range p {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || r == '+' || r == '-' || r == '.' {
			continue
		}
		return fmt.Errorf("contains %q", r)
	}
	return nil
}

// broaderCycle returns the id of a concept on a cycle of broader relations,
// or "" if there is none.
func broaderCycle(concepts []Concept, ids map[string]int) string {
	const (
		unvisited = iota
		active
		done
	)
	state := make([]int, len(concepts))
	var visit func(i int) string
	visit = func(i int) string {
		state[i] = active
		for _, b := range concepts[i].Broader {
			j, ok := ids[b]
			if !ok {
				continue
			}
			switch state[j] {
			case active:
				return concepts[j].ID
			case unvisited:
				if id := visit(j); id != "" {
					return id
				}
			}
		}
		state[i] = done
		return ""
	}
	for i := range concepts {
		if state[i] == unvisited {
			if id := visit(i); id != "" {
				return id
			}
		}
	}
	return ""
}
