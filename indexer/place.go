package indexer

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/policysearch/policysearch/indexer/gazetteer"
)

// placeText is a piece of text that may name the document's place, with
// where it came from.
type placeText struct {
	from, text string
}

// place is a document's place as resolved through the gazetteer.
type place struct {
	county, city, province string
	level                  gazetteer.Level
	src                    Source
}

// authorityAfter matches what follows a place name when the name is the
// issuer's or the government's own: 德清县卫生健康局, 温州市委, 湖州市人民政府.
var authorityAfter = regexp.MustCompile(`^(?:卫生|卫健|卫计|计生|计划生育|人民政府|政府|委|党委|人大|政协)`)

// resolvePlace finds the document's place in texts, taken strongest first:
// the first text that names a place decides, and the others only settle
// which of several places of one name (鼓楼区 is in 南京, 福州 and 徐州) is
// meant. A text naming several places gives the one named as an authority
// (德清县卫生健康局), else the most specific that agrees with the rest.
func resolvePlace(g *gazetteer.Gazetteer, texts []placeText) (place, bool) {
	var all []gazetteer.Mention
	per := make([][]gazetteer.Mention, len(texts))
	for i, t := range texts {
		per[i] = g.Find(t.text)
		all = append(all, per[i]...)
	}
	for i, t := range texts {
		if p, ok := pickPlace(t.text, per[i], all); ok {
			p.src = Source{From: t.from, Evidence: evidence(t.text, p)}
			return p, true
		}
	}
	return place{}, false
}

// pickPlace chooses the place a text names.
func pickPlace(text string, ms []gazetteer.Mention, context []gazetteer.Mention) (place, bool) {
	var best place
	found := false
	for _, m := range ms {
		p, ok := disambiguate(m, ms, context)
		if !ok {
			continue
		}
		authority := authorityAfter.MatchString(text[m.End:])
		switch {
		case !found:
			best, found = p, true
			if authority {
				return best, true
			}
		case authority && consistent(best, p):
			return p, true
		case p.level > best.level && consistent(best, p):
			// 浙江省湖州市德清县: the most specific of a chain.
			best = p
		}
	}
	return best, found
}

// disambiguate turns a mention into one place: the only one of its name,
// or the one whose city or province another mention names.
func disambiguate(m gazetteer.Mention, near, context []gazetteer.Mention) (place, bool) {
	cands := m.Places
	if len(cands) == 1 {
		return placeOf(cands[0]), true
	}
	for _, pool := range [][]gazetteer.Mention{near, context} {
		var fit []gazetteer.Place
		for _, c := range cands {
			if namedIn(pool, m, c) {
				fit = append(fit, c)
			}
		}
		if len(fit) == 1 {
			return placeOf(fit[0]), true
		}
	}
	return place{}, false
}

// namedIn reports whether a mention other than self names c's city or
// province (unambiguously).
func namedIn(pool []gazetteer.Mention, self gazetteer.Mention, c gazetteer.Place) bool {
	for _, o := range pool {
		if o.Start == self.Start && o.Text == self.Text || len(o.Places) != 1 {
			continue
		}
		p := o.Places[0]
		if p.Name != c.Name && (p.Name == c.City || p.Name == c.Province) {
			return true
		}
	}
	return false
}

// consistent reports whether b lies within a (or is a).
func consistent(a, b place) bool {
	switch a.level {
	case gazetteer.Province:
		return b.province == a.province
	case gazetteer.City:
		return b.city == a.city
	}
	return b.county == a.county
}

func placeOf(p gazetteer.Place) place {
	out := place{city: p.City, province: p.Province, level: p.Level}
	if p.Level == gazetteer.Province && strings.HasSuffix(p.Name, "市") {
		// 北京市, 上海市, 天津市, 重庆市 are their own city too.
		out.city = p.Name
	}
	if p.Level == gazetteer.County {
		out.county = p.Name
	}
	return out
}

// depth is how far down the place goes: a municipality (北京市) is a
// province that is its own city, and so is as deep as a city.
func (p place) depth() gazetteer.Level {
	if p.level == gazetteer.Province && p.city != "" {
		return gazetteer.City
	}
	return p.level
}

// name is the place's own full name.
func (p place) name() string {
	switch p.level {
	case gazetteer.County:
		return p.county
	case gazetteer.City:
		return p.city
	}
	return p.province
}

// evidence shows the text a place was read from and how it was resolved.
func evidence(text string, p place) string {
	chain := []string{p.name()}
	if p.level == gazetteer.County && p.city != "" && p.city != p.county {
		chain = append(chain, p.city)
	}
	if p.province != "" && p.province != chain[len(chain)-1] {
		chain = append(chain, p.province)
	}
	return clip(text, 40) + ": " + strings.Join(chain, " → ")
}

// clip shortens s to at most n runes, marking the cut.
func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return firstRunes(s, n) + "…"
}

var (
	// healthCueRe finds the 健康X campaigns that cities, counties and
	// provinces name after themselves: 健康温州, 建设健康德清.
	healthCueRe = regexp.MustCompile(`健康(\p{Han}{2,5})`)
	// abbrevCueRe finds a city's one-character abbreviation where people
	// come to or stay in it (来锡人员, 返甬, 在榕就医) or where it stands
	// for the city (锡城, 甬城).
	abbrevCueRe = regexp.MustCompile(`(?:来|返|入|抵|在|留)(\p{Han})(?:人员|务工|就业|创业|就医|过年|旅客|群众|外籍|的)|(\p{Han})城(?:百姓|群众|市民|人民|居民)`)
)

// bodyPlace looks for the document's own place in its text, where a
// careful reader finds it when the title and issuer do not name it: a
// 健康X campaign, people coming to the city by its abbreviation, or the
// place named as the government that leads the work (在德清县委县政府的
// 领导下). Each cue counts once per occurrence; the place with the most
// wins, and none when two places tie.
func bodyPlace(g *gazetteer.Gazetteer, body string) (place, bool) {
	var counts []tally
	add := func(p place, ev string) { counts = addTally(counts, p, ev) }
	for _, m := range healthCueRe.FindAllStringSubmatchIndex(body, -1) {
		name := body[m[2]:m[3]]
		ms := g.Find(name)
		if len(ms) == 0 || ms[0].Start != 0 {
			continue
		}
		if p, ok := disambiguate(ms[0], nil, nil); ok {
			add(p, body[m[0]:m[3]])
		}
	}
	for _, m := range abbrevCueRe.FindAllStringSubmatchIndex(body, -1) {
		i, j := m[2], m[3]
		if i < 0 {
			i, j = m[4], m[5]
		}
		var cities []gazetteer.Place
		for _, p := range g.Abbrev(body[i:j]) {
			if p.Level == gazetteer.City {
				cities = append(cities, p)
			}
		}
		if len(cities) == 1 {
			add(placeOf(cities[0]), body[m[0]:m[1]])
		}
	}
	for _, m := range g.Find(body) {
		if !m.Full || !authorityAfter.MatchString(body[m.End:]) {
			continue
		}
		// Only 委 and 政府 say whose work it is; 某某县卫生院 may be anyone's.
		rest := body[m.End:]
		if !strings.HasPrefix(rest, "委") && !strings.HasPrefix(rest, "人民政府") && !strings.HasPrefix(rest, "政府") {
			continue
		}
		if p, ok := disambiguate(m, nil, nil); ok {
			add(p, body[m.Start:min(len(body), m.End+len("人民政府"))])
		}
	}
	return mostCounted(counts)
}

// tally counts the cues to one place.
type tally struct {
	p     place
	n     int
	first string // the first cue's text
}

// addTally counts a cue to p.
func addTally(counts []tally, p place, ev string) []tally {
	for i := range counts {
		if counts[i].p.name() == p.name() && counts[i].p.level == p.level {
			counts[i].n++
			return counts
		}
	}
	return append(counts, tally{p: p, n: 1, first: ev})
}

// mostCounted returns the place with the most cues. Two places with as
// many cues are no answer unless one lies within the other, when the more
// specific wins.
func mostCounted(counts []tally) (place, bool) {
	best, tie := -1, false
	for i, c := range counts {
		switch {
		case best < 0 || c.n > counts[best].n:
			best, tie = i, false
		case c.n < counts[best].n:
		case consistent(counts[best].p, c.p) && c.p.level > counts[best].p.level:
			best = i
		case !consistent(c.p, counts[best].p):
			tie = true
		}
	}
	if best < 0 || tie {
		return place{}, false
	}
	p := counts[best].p
	p.src = Source{From: FromBody, Evidence: evidence(counts[best].first, p)}
	return p, true
}

// bodyMentions is the last resort for a document whose issuer speaks at a
// level (市卫健委, 全县) but names no place: the place of that level its
// text names most often. A city's report names its counties, so at the
// city level a county counts for its city.
func bodyMentions(g *gazetteer.Gazetteer, body string, level gazetteer.Level) (place, bool) {
	if level == 0 {
		return place{}, false
	}
	var counts []tally
	for _, m := range g.Find(body) {
		p, ok := disambiguate(m, nil, nil)
		if !ok || p.level < level || level == gazetteer.County && !m.Full {
			// A county is named in full where it is the document's own:
			// a short form alone may be a brand (平乐正骨).
			continue
		}
		if p.level > level {
			if level != gazetteer.City || p.city == "" {
				continue
			}
			p = place{city: p.city, province: p.province, level: gazetteer.City}
		}
		counts = addTally(counts, p, m.Text)
		if m.Full {
			// A full name (海盐县) weighs as much as two short ones: a
			// short form alone may be part of a name (平乐骨伤科医院).
			counts = addTally(counts, p, m.Text)
		}
	}
	// One short mention is too little to place a document by.
	counts = slices.DeleteFunc(counts, func(t tally) bool { return t.n < 2 })
	return mostCounted(counts)
}

// leaderCueRe finds the province whose work the General Secretary spoke
// of, which the genre's opening sentence cites as its guide: 习近平总书记
// 来陕考察重要讲话精神, 总书记考察江西重要讲话, 总书记对浙江工作的重要
// 指示. The province is the document's own even where a repost masked
// every other place name.
var leaderCueRe = regexp.MustCompile(`总书记[^。，；]{0,6}?(?:(?:来|到)(\p{Han})(?:考察|视察)|(?:考察|视察)(\p{Han}{2,3}?)(?:省|自治区)?(?:重要|时|的)|对(\p{Han}{2,3}?)(?:省|自治区)?工作)`)

// bodyProvince is the province of a document whose text names no place
// of its own but cites what the General Secretary said to its province
// (see leaderCueRe); the one cited most, and none on a tie.
func bodyProvince(g *gazetteer.Gazetteer, body string) (place, bool) {
	var counts []tally
	for _, m := range leaderCueRe.FindAllStringSubmatch(body, -1) {
		var cands []gazetteer.Place
		switch {
		case m[1] != "":
			cands = g.Abbrev(m[1])
		default:
			name := m[2] + m[3]
			if ms := g.Find(name); len(ms) > 0 && ms[0].Start == 0 && ms[0].End == len(name) {
				cands = ms[0].Places
			}
		}
		var provinces []gazetteer.Place
		for _, p := range cands {
			if p.Level == gazetteer.Province {
				provinces = append(provinces, p)
			}
		}
		if len(provinces) == 1 {
			counts = addTally(counts, placeOf(provinces[0]), m[0])
		}
	}
	return mostCounted(counts)
}
