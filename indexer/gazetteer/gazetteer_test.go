package gazetteer

import (
	"strings"
	"testing"
)

func names(ps []Place) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Name+"/"+p.City+"/"+p.Province)
	}
	return out
}

func TestLookup(t *testing.T) {
	g := Default()
	tests := []struct {
		name  string
		want  []string // Name/City/Province of each place, in order
		level Level
	}{
		{"德清县", []string{"德清县/湖州市/浙江省"}, County},
		{"德清", []string{"德清县/湖州市/浙江省"}, County},
		{"萧山区", []string{"萧山区/杭州市/浙江省"}, County},
		{"临平区", []string{"临平区/杭州市/浙江省"}, County},
		{"温州市", []string{"温州市/温州市/浙江省"}, City},
		{"温州", []string{"温州市/温州市/浙江省"}, City},
		{"浙江省", []string{"浙江省//浙江省"}, Province},
		{"宁夏", []string{"宁夏回族自治区//宁夏回族自治区"}, Province},
		{"广西", []string{"广西壮族自治区//广西壮族自治区"}, Province},
		{"朝阳区", []string{"朝阳区/北京市/北京市", "朝阳区/长春市/吉林省"}, County},
		{"和平区", []string{"和平区/天津市/天津市", "和平区/沈阳市/辽宁省"}, County},
		{"浦东新区", []string{"浦东新区/上海市/上海市"}, County},
		{"仙桃市", []string{"仙桃市//湖北省"}, County},
		{"恩施州", []string{"恩施土家族苗族自治州/恩施土家族苗族自治州/湖北省"}, City},
		{"黔东南", []string{"黔东南苗族侗族自治州/黔东南苗族侗族自治州/贵州省"}, City},
		{"景宁县", []string{"景宁畲族自治县/丽水市/浙江省"}, County},
		{"神农架", nil, 0}, // short form of 神农架林区, unsafe (jieba: common word)
		{"和平", nil, 0},
		{"城关", nil, 0},
		{"新城", nil, 0},
		{"长安", nil, 0},
		{"不是地名", nil, 0},
	}
	for _, tt := range tests {
		got := g.Lookup(tt.name)
		if strings.Join(names(got), " ") != strings.Join(tt.want, " ") {
			t.Errorf("Lookup(%q) = %v, want %v", tt.name, names(got), tt.want)
			continue
		}
		for _, p := range got {
			if p.Level != tt.level {
				t.Errorf("Lookup(%q): %s level %v, want %v", tt.name, p.Name, p.Level, tt.level)
			}
		}
	}
}

func TestShort(t *testing.T) {
	g := Default()
	tests := map[string]string{
		"330521": "德清", "330100": "杭州", "330000": "浙江", "640000": "宁夏", "650000": "新疆",
		"150000": "内蒙古", "222400": "延边", "422800": "", // 恩施 is a common word in jieba
		"429021": "", "140302": "", // 神农架 unsafe; 城区 one rune
		"653000": "克孜勒苏", "654000": "伊犁", "451225": "罗城", "331127": "景宁",
		"522732": "三都", "450225": "", // 融水: jieba vn 135
		"140109": "万柏林", "610103": "碑林", "310115": "浦东", "120101": "",
		"110000": "北京", "810000": "香港",
	}
	for code, want := range tests {
		p, ok := g.ByCode(code)
		if !ok {
			t.Errorf("ByCode(%s) not found", code)
			continue
		}
		if p.Short != want {
			t.Errorf("%s %s: Short %q, want %q", code, p.Name, p.Short, want)
		}
	}
}

func texts(ms []Mention) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Text)
	}
	return out
}

func TestFind(t *testing.T) {
	g := Default()
	tests := []struct {
		text string
		want []string
	}{
		{"德清县卫生健康局关于印发2021年工作要点的通知", []string{"德清县"}},
		{"全面推进健康温州建设", []string{"温州"}},
		{"坚持和平发展，推进城关镇建设，开发区", nil},
		{"杭州市萧山区、余杭区和临平区", []string{"杭州市", "萧山区", "余杭区", "临平区"}},
		{"浙江省湖州市德清县", []string{"浙江省", "湖州市", "德清县"}},
		{"萧山医院与德清人民医院", []string{"萧山", "德清"}},
		{"宁夏回族自治区卫生健康委", []string{"宁夏回族自治区"}},
		{"支持宁夏发展", []string{"宁夏"}},
		{"辽宁夏季", []string{"辽宁"}},
		{"中山大学附属医院和中山路", nil},
		{"中山市人民医院", []string{"中山市"}},
		{"温州人在杭州", []string{"温州", "杭州"}},
		// Generic names: 城区 alone is an ordinary word, after its city a district.
		{"城区医疗资源", nil},
		{"阳泉市城区卫健局", []string{"阳泉市", "城区"}},
		{"创建示范县，提高县级医院能力", nil},
		{"焦作市温县", []string{"焦作市", "温县"}},
		{"全市中医药发展", nil},
		{"济南市市中区", []string{"济南市", "市中区"}},
		{"恩施州卫健委", []string{"恩施州"}},
		{"上海市浦东新区", []string{"上海市", "浦东新区"}},
	}
	for _, tt := range tests {
		got := g.Find(tt.text)
		if strings.Join(texts(got), " ") != strings.Join(tt.want, " ") {
			t.Errorf("Find(%q) = %v, want %v", tt.text, texts(got), tt.want)
		}
		for _, m := range got {
			if tt.text[m.Start:m.End] != m.Text || len(m.Places) == 0 {
				t.Errorf("Find(%q): bad mention %+v", tt.text, m)
			}
		}
	}
}

func TestFindDetails(t *testing.T) {
	g := Default()
	ms := g.Find("全面推进健康温州建设，德清县")
	if len(ms) != 2 {
		t.Fatalf("got %v", texts(ms))
	}
	if ms[0].Full || ms[0].Places[0].Name != "温州市" || ms[0].Start != len("全面推进健康") {
		t.Errorf("温州: %+v", ms[0])
	}
	if !ms[1].Full || ms[1].Places[0].Code != "330521" {
		t.Errorf("德清县: %+v", ms[1])
	}
	// After its city only that city's 城区 is meant.
	ms = g.Find("阳泉市城区")
	if len(ms) != 2 || len(ms[1].Places) != 1 || ms[1].Places[0].Code != "140302" {
		t.Errorf("阳泉市城区: %+v", ms)
	}
	// A name shared by several divisions lists them all.
	ms = g.Find("朝阳区")
	if len(ms) != 1 || len(ms[0].Places) != 2 {
		t.Errorf("朝阳区: %+v", ms)
	}
}

func TestAbbrev(t *testing.T) {
	g := Default()
	tests := []struct {
		char string
		want []string
	}{
		{"锡", []string{"无锡市"}},
		{"甬", []string{"宁波市"}},
		{"浙", []string{"浙江省"}},
		{"筑", []string{"贵阳市"}},
		{"宁", []string{"宁夏回族自治区", "南京市"}},
		{"苏", []string{"江苏省", "苏州市"}},
		{"喵", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, p := range g.Abbrev(tt.char) {
			got = append(got, p.Name)
		}
		if strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("Abbrev(%q) = %v, want %v", tt.char, got, tt.want)
		}
	}
}

func TestByCodeAndCounts(t *testing.T) {
	g := Default()
	count := map[Level]int{}
	for _, p := range g.places {
		count[p.Level]++
		q, ok := g.ByCode(p.Code)
		if !ok || q != p {
			t.Fatalf("ByCode(%s) = %+v, %v; want %+v", p.Code, q, ok, p)
		}
		if pr, _ := g.ByCode(p.Code[:2] + "0000"); pr.Name != p.Province {
			t.Errorf("%+v: province %q, code says %q", p, p.Province, pr.Name)
		}
		if p.Level == County && p.City != "" {
			if c := g.Lookup(p.City); len(c) == 0 || c[0].Level == County {
				t.Errorf("%+v: city %q unknown", p, p.City)
			}
		}
	}
	// GB/T 2260 as of mid-2023: 31 provinces plus 台湾, 香港, 澳门; 333
	// prefecture-level divisions; 2,846 county-level ones.
	if count[Province] != 34 || count[City] != 333 || count[County] < 2800 {
		t.Errorf("counts: %v", count)
	}
	t.Logf("provinces %d, cities %d, counties %d", count[Province], count[City], count[County])
	if _, ok := g.ByCode("999999"); ok {
		t.Error("ByCode(999999) found")
	}
}

// TestZhejiangShortForms checks that the short forms of all the counties of
// Zhejiang that are not common words are matched.
func TestZhejiangShortForms(t *testing.T) {
	g := Default()
	var missing []string
	for _, p := range g.places {
		if strings.HasPrefix(p.Code, "33") && p.Level == County && p.Short == "" {
			missing = append(missing, p.Name)
		}
	}
	// 江北 reads "north of the river".
	if strings.Join(missing, " ") != "江北区" {
		t.Errorf("Zhejiang counties without a short form: %v", missing)
	}
}

func TestParseErrors(t *testing.T) {
	bad := []struct{ div, abbr string }{
		{"110000\t\t北京市\t北京\t\n", ""},
		{"110101\t119900\t东城区\t东城\tu\t\n", ""},
		{"110000\t\t北京市\t北京\t\t\n", "京\t南京市\n"},
	}
	for _, b := range bad {
		if _, err := parse(b.div, b.abbr, ""); err == nil {
			t.Errorf("parse(%q, %q): no error", b.div, b.abbr)
		}
	}
}

var sample = strings.Repeat("湖州市德清县卫生健康局关于印发《德清县2021年卫生健康工作要点》的通知。"+
	"各乡镇（街道）卫生院，县级各医疗卫生单位：为全面推进健康德清建设，深化医药卫生体制改革，"+
	"加快建设县域医共体，推动优质医疗资源下沉，现将有关事项通知如下。一、坚持和平发展理念，"+
	"推进城关镇和开发区公共卫生服务体系建设，加强与杭州、温州、宁波等地医疗机构合作，"+
	"支持来锡人员健康管理。二、完善基层首诊、双向转诊制度，落实家庭医生签约服务。", 8)

func BenchmarkFind(b *testing.B) {
	g := Default()
	// About 3 KB, cut after a full stop so that no rune is split.
	text := sample[:3000+strings.Index(sample[3000:], "。")+len("。")]
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for b.Loop() {
		g.Find(text)
	}
}

func BenchmarkDefaultParse(b *testing.B) {
	for b.Loop() {
		if _, err := parse(divisionsTSV, abbrevTSV, blockersTXT); err != nil {
			b.Fatal(err)
		}
	}
}
