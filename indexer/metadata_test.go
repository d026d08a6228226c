package indexer

import (
	"reflect"
	"testing"
)

func TestOffices(t *testing.T) {
	tests := []struct {
		text          string
		lead, support []string
	}{
		{"加强管理。(牵头处室:疾控处;配合处室:各相关处室)", []string{"疾控处"}, nil},
		{"加强管理。（牵头处室：医政医管处、药政处；配合处室：宣传处、机关党委、工会、团委）",
			[]string{"医政医管处", "药政处"}, []string{"宣传处", "机关党委", "工会", "团委"}},
		{"推进合作。(牵头处室:办公室(对外合作交流处);配合处室:科教处,组织人事处)",
			[]string{"办公室(对外合作交流处)"}, []string{"科教处", "组织人事处"}},
		{"改善服务。(牵头处室:医政医管处;配合处室:规划信息处等各相关处室)", []string{"医政医管处"}, []string{"规划信息处"}},
		{"开展试点。(责任处室:人口家庭处;配合处室:各相关处室)", []string{"人口家庭处"}, nil},
		{"统筹工作。(牵头处室:办公室(对外合作交流处)、保健处、工会、团委等各相关处室)",
			[]string{"办公室(对外合作交流处)", "保健处", "工会", "团委"}, nil},
		{"没有处室说明的条目(2020年)。", nil, nil},
		{"推进分级诊疗。（牵头单位：市卫生健康委；配合单位：市医保局、市财政局）", []string{"市卫生健康委"}, []string{"市医保局", "市财政局"}},
		{"推进分级诊疗。(牵头单位:市卫生健康委,配合单位:市医保局)", []string{"市卫生健康委"}, []string{"市医保局"}},
		{"推进分级诊疗。（责任领导：张三；责任处室：医政医管处）", []string{"医政医管处"}, nil},
		{"推进分级诊疗。【牵头单位】市卫生健康委【配合单位】市医保局", []string{"市卫生健康委"}, []string{"市医保局"}},
		{"推进分级诊疗。（牵头：医政处；配合：规划处）", []string{"医政处"}, []string{"规划处"}},
		{"推进分级诊疗，完善转诊制度。责任单位：市卫生健康委、各区县卫生健康局", []string{"市卫生健康委", "各区县卫生健康局"}, nil},
		{"推进分级诊疗。（市卫生健康委牵头，市医保局、市财政局配合）", []string{"市卫生健康委"}, []string{"市医保局", "市财政局"}},
		{"推进分级诊疗。（医政医管处负责）", []string{"医政医管处"}, nil},
		{"推进分级诊疗。（由区卫生健康局负责）", []string{"区卫生健康局"}, nil},
		{"切实保障人民群众生命安全牵头责任单位:县卫健委主要协作单位:各乡镇人民政府", []string{"县卫健委"}, []string{"各乡镇人民政府"}},
		{"明确责任单位:要把任务分解到人，层层压实责任，确保按期完成", nil, nil},
		{"创建国家卫生县城。\n牵头责任单位:县卫健委、县民政局主要协作单位:各乡镇人民政府、县政府有关部门", []string{"县卫健委", "县民政局"}, []string{"各乡镇人民政府", "县政府有关部门"}},
		{"推进分级诊疗（2021年底前完成），由患者自行负责的除外。", nil, nil},
		{"开展义诊（由患者自行负责）。", nil, nil},
		{"建设医联体（医共体）。", nil, nil},
	}
	for _, tt := range tests {
		lead, support := offices(tt.text)
		if !reflect.DeepEqual(lead, tt.lead) || !reflect.DeepEqual(support, tt.support) {
			t.Errorf("offices(%q) = %q, %q; want %q, %q", tt.text, lead, support, tt.lead, tt.support)
		}
	}
}

func TestNormDate(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2020年4月30日", "2020-04-30"},
		{"2020 年 4 月 30 日", "2020-04-30"},
		{"2022-03-12", "2022-03-12"},
		{"2022-03-16 16:19", "2022-03-16"},
		{"2021/3/5", "2021-03-05"},
		{"二〇二〇年四月三十日", "2020-04-30"},
		{"2020年13月1日", ""},
		{"2020年", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := normDate(tt.in); got != tt.want {
			t.Errorf("normDate(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDocTypeOf(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2020年嘉兴市卫生健康工作要点", "工作要点"},
		{"温州市卫生健康委员会2019年工作总结和2020年工作思路", "工作总结"},
		{"2020年工作思路", "工作思路"},
		{"乡镇2015年卫生和人口计生工作汇报", "工作总结"},
		{"县卫健委2021年政府工作报告任务分解", "工作安排"},
		{"甘肃省深化医药卫生体制改革2020年下半年重点工作任务及分工", "工作安排"},
		{"2011年卫生局关于计生工作汇报材料", "工作总结"},
		{"2021年计划生育工作计划", "工作计划"},
		{"卫生健康委2020年总结", "工作总结"},
		{"关于加强党建的意见", ""},
	}
	for _, tt := range tests {
		if got := docTypeOf(tt.in); got != tt.want {
			t.Errorf("docTypeOf(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestExtractMeta checks place, level and issuer rules on small documents.
func TestExtractMeta(t *testing.T) {
	tests := []struct {
		name, text                             string
		city, province, level, issuer, pubDate string
	}{
		{
			name: "county issuer after the title",
			text: "2021年安吉县卫生健康工作要点\n安吉县卫生健康局\n2021年3月5日\n一、重点工作\n1.做好防控。\n",
			city: "湖州市", province: "浙江省", level: "县级", issuer: "安吉县卫生健康局", pubDate: "2021-03-05",
		},
		{
			name: "city outside the table, named by its issuer",
			text: "2019年某某市卫生健康工作要点\n某某市卫生健康委员会\n一、重点工作\n1.做好防控。\n",
			city: "某某市", level: "市级", issuer: "某某市卫生健康委员会",
		},
		{
			name: "letterhead names the city, title does not",
			text: "贵阳市卫生健康局文件\n2020 年全市 卫生健康工作要点\n一、重点工作\n1.做好防控。\n",
			city: "贵阳市", province: "贵州省", level: "市级", issuer: "贵阳市卫生健康局",
		},
		{
			name:     "province-level document",
			text:     "2022年江苏省卫生健康工作要点\n一、重点工作\n1.做好防控。\n",
			province: "江苏省", level: "省级", issuer: "江苏省卫生健康委员会",
		},
		{
			name:     "autonomous region is not a county",
			text:     "广西壮族自治区卫生健康委员会2021年工作要点\n一、重点工作\n1.做好防控。\n",
			province: "广西壮族自治区", level: "省级", issuer: "广西壮族自治区卫生健康委员会",
		},
		{
			name: "no place named: 全市 and the counties it names give the city",
			text: "卫生健康委员会2020年卫生健康工作要点\n2020年全市卫生健康工作的总体要求是:推进江阴市、宜兴市创建。\n一、重点工作\n1.做好防控。\n",
			city: "无锡市", province: "江苏省", level: "市级", issuer: "无锡市卫生健康委员会",
		},
		{
			// An office with no place is no issuer worth a facet value:
			// left empty, the library lists it as missing.
			name:  "no place named at all: level from 全市, city and issuer left empty",
			text:  "卫生健康委员会2020年卫生健康工作要点\n2020年全市卫生健康工作的总体要求是:守牢底线。\n一、重点工作\n1.做好防控。\n",
			level: "市级",
		},
		{
			name:  "a bare 区 office with no district found is left out",
			text:  "2021年卫生健康工作总结\n2021年,区卫生健康局坚持以人民健康为中心。\n一、主要工作\n1.做好防控。\n",
			level: "县级",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse("meta.txt", tt.text)
			if err != nil {
				t.Fatal(err)
			}
			got := [5]string{doc.City, doc.Province, doc.Level, doc.Issuer, doc.PubDate}
			want := [5]string{tt.city, tt.province, tt.level, tt.issuer, tt.pubDate}
			if got != want {
				t.Errorf("city, province, level, issuer, date = %q, want %q", got, want)
			}
		})
	}
}

// TestInferredMeta checks the inference of place, year, type and issuer
// where the title does not state them, and the provenance it records.
func TestInferredMeta(t *testing.T) {
	tests := []struct {
		name, text                                     string
		county, city, province, level, issuer, docType string
		year                                           int
		from                                           map[string]string // field → Source.From
	}{
		{
			name:   "district resolved to its city and province",
			text:   "萧山区卫生健康局2021年工作总结\n一、主要成效\n1.全区卫生健康事业稳步发展。\n",
			county: "萧山区", city: "杭州市", province: "浙江省", level: "县级", issuer: "萧山区卫生健康局",
			docType: "工作总结", year: 2021,
			from: map[string]string{"city": FromTitle, "year": FromTitle},
		},
		{
			name: "健康X campaign names the city",
			text: "卫生健康委员会2020年工作要点\n2020年全市卫生健康工作要围绕健康温州建设展开。\n一、重点工作\n1.深化健康温州行动。\n",
			city: "温州市", province: "浙江省", level: "市级", issuer: "温州市卫生健康委员会", docType: "工作要点", year: 2020,
			from: map[string]string{"city": FromBody, "issuer": FromTitle},
		},
		{
			name: "abbreviation: people coming to the city",
			text: "卫生健康委员会2020年卫生健康工作要点\n2020年全市卫生健康工作的总体要求是：守牢底线。\n一、疫情防控\n1.对来锡人员及时隔离留观。\n",
			city: "无锡市", province: "江苏省", level: "市级", issuer: "无锡市卫生健康委员会", docType: "工作要点", year: 2020,
			from: map[string]string{"city": FromBody},
		},
		{
			name: "short issuer written in full, year from the notice, type 打算",
			text: "市卫生计生委关于印发2017年工作打算的通知\n温州市卫生计生委\n一、重点工作\n1.做好防控。\n",
			city: "温州市", province: "浙江省", level: "市级", issuer: "温州市卫生计生委", docType: "工作打算", year: 2017,
			from: map[string]string{"year": FromNotice, "doc_type": FromNotice, "issuer": FromSignature},
		},
		{
			name:     "year from the opening sentence",
			text:     "江苏省卫生健康委员会工作要点\n2023年是全面贯彻党的二十大精神的开局之年。\n一、重点工作\n1.做好防控。\n",
			province: "江苏省", level: "省级", issuer: "江苏省卫生健康委员会", docType: "工作要点", year: 2023,
			from: map[string]string{"year": FromBody, "province": FromTitle},
		},
		{
			name: "a repost's title dated by its posting year",
			text: "2023年度嘉兴市卫生健康工作总结\n2022年，全市卫生健康系统紧紧围绕中心工作。\n一、主要成效\n1.做好防控。\n",
			city: "嘉兴市", province: "浙江省", level: "市级", issuer: "嘉兴市卫生健康委员会", docType: "工作总结", year: 2022,
			from: map[string]string{"year": FromBody},
		},
		{
			name: "a report's title and opening agree",
			text: "2022年度嘉兴市卫生健康工作总结\n2022年，全市卫生健康系统紧紧围绕中心工作。\n一、主要成效\n1.做好防控。\n",
			city: "嘉兴市", province: "浙江省", level: "市级", issuer: "嘉兴市卫生健康委员会", docType: "工作总结", year: 2022,
			from: map[string]string{"year": FromTitle},
		},
		{
			name:     "a masked city's province from what the General Secretary said to it",
			text:     "2022年全市卫生健康工作要点\n深入贯彻习近平总书记来陕考察重要讲话精神，推进健康xx建设。\n一、重点工作\n1.做好防控。\n",
			province: "陕西省", level: "市级", docType: "工作要点", year: 2022,
			from: map[string]string{"province": FromBody},
		},
		{
			name:     "a masked county's province, named in full",
			text:     "县卫健委2023年度工作总结\n2023年，全县深入学习贯彻习近平总书记考察江西重要讲话精神。\n一、主要成效\n1.做好防控。\n",
			province: "江西省", level: "县级", docType: "工作总结", year: 2023,
		},
		{
			name: "the commission's office signs for it",
			text: "2017年全市卫生计生工作要点\n一、重点工作\n1.做好防控。\n包头市卫生和计划生育委员会办公室\n2017年3月1日\n",
			city: "包头市", province: "内蒙古自治区", level: "市级", issuer: "包头市卫生和计划生育委员会", docType: "工作要点", year: 2017,
		},
		{
			name: "other places in the body do not move the document",
			text: "2021年嘉兴市卫生健康工作要点\n一、对口支援\n1.做好对口支援阿克苏地区和四川省木里县工作，深化与上海市合作。\n",
			city: "嘉兴市", province: "浙江省", level: "市级", issuer: "嘉兴市卫生健康委员会", docType: "工作要点", year: 2021,
			from: map[string]string{"issuer": FromAuthority},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse("meta.txt", tt.text)
			if err != nil {
				t.Fatal(err)
			}
			got := [6]string{doc.County, doc.City, doc.Province, doc.Level, doc.Issuer, doc.DocType}
			want := [6]string{tt.county, tt.city, tt.province, tt.level, tt.issuer, tt.docType}
			if got != want || doc.Year != tt.year {
				t.Errorf("county, city, province, level, issuer, type = %q, year %d; want %q, %d", got, doc.Year, want, tt.year)
			}
			for f, from := range tt.from {
				if doc.Provenance[f].From != from {
					t.Errorf("%s from %+v, want %q", f, doc.Provenance[f], from)
				}
			}
		})
	}
}

// TestYearOf checks the year a title or notice names, and the first of a
// span of years.
func TestYearOf(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"2022年全市卫生健康工作要点", 2022},
		{"2022年工作总结和2023年工作计划", 2022},
		{"新乡市公共卫生体系建设三年行动计划(2023—2025年)", 2023},
		{"2021-2025年全市卫生健康发展规划", 2021},
		{"2023年1-6月工作总结", 2023},
		{"卫生健康工作总结", 0},
	}
	for _, tt := range tests {
		if got := yearOf(tt.in); got != tt.want {
			t.Errorf("yearOf(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

// TestOwnDocNumber checks that a cited document's number is not taken
// for the document's own.
func TestOwnDocNumber(t *testing.T) {
	tests := []struct{ line, want string }{
		{"浙卫发〔2023〕10号", "浙卫发〔2023〕10号"},
		{"根据《衡阳市卫生计生委关于印发2018年重点工作任务的通知》(衡卫发〔2018〕36号)精神", ""},
		{"根据《通知》（衡卫发〔2018〕36号），现将本要点（常卫发〔2018〕5号）印发", "常卫发〔2018〕5号"},
	}
	for _, tt := range tests {
		if got := ownDocNumber(tt.line); got != tt.want {
			t.Errorf("ownDocNumber(%q) = %q, want %q", tt.line, got, tt.want)
		}
	}
}

// TestImpliedIssuer checks the health authority a place's own yearly
// document implies when it does not sign itself: the name of the year it
// was written, and none for another body's plan.
func TestImpliedIssuer(t *testing.T) {
	tests := []struct{ name, text, issuer string }{
		{"a county's plan before the reform", "2017年德清县卫生计生工作要点\n一、重点工作\n1.做好防控。\n", "德清县卫生和计划生育局"},
		{"a summary is written the spring after its year", "2018年温州市卫生计生工作总结\n一、主要成效\n1.做好防控。\n", "温州市卫生健康委员会"},
		{"a plan of the reform's year", "2018年温州市卫生计生工作要点\n一、重点工作\n1.做好防控。\n", "温州市卫生和计划生育委员会"},
		{"a municipality's district", "2022年北京市朝阳区卫生健康工作要点\n一、重点工作\n1.做好防控。\n", "朝阳区卫生健康委员会"},
		{"a bureau speaking of itself", "2021年海宁市工作总结\n2021年，我局坚持以人民健康为中心。\n一、主要成效\n1.做好防控。\n", "海宁市卫生健康局"},
		{"a hospital's plan is not the authority's", "2021年湖州市中心医院卫生健康工作要点\n一、重点工作\n1.做好防控。\n", ""},
		{"no year, no authority", "湖州市卫生健康工作要点\n一、重点工作\n1.做好防控。\n", ""},
		{"a kindred plan is as often the government's", "湖州市公共卫生体系建设三年行动计划(2023—2025年)\n全市卫生健康工作以人民为中心。\n一、重点工作\n1.做好防控。\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse("meta.txt", tt.text)
			if err != nil {
				t.Fatal(err)
			}
			if doc.Issuer != tt.issuer {
				t.Errorf("issuer %q (%+v), want %q", doc.Issuer, doc.Provenance["issuer"], tt.issuer)
			}
			if tt.issuer != "" && doc.Provenance["issuer"].From != FromAuthority {
				t.Errorf("issuer from %+v, want %q", doc.Provenance["issuer"], FromAuthority)
			}
		})
	}
}

// TestTitleWithoutTitleLine checks the fallbacks for a document whose own
// title line is missing: the title its notice quotes, else the file name.
func TestTitleWithoutTitleLine(t *testing.T) {
	tests := []struct{ file, text, want string }{
		{"a.txt", "关于印发《2021年某某市卫生健康工作要点》的通知\n一、重点工作\n1.做好防控。\n", "2021年某某市卫生健康工作要点"},
		{"dir/2021要点.txt", "一、重点工作\n1.做好防控。\n", "2021要点"},
	}
	for _, tt := range tests {
		doc, err := Parse(tt.file, tt.text)
		if err != nil {
			t.Fatal(err)
		}
		if doc.Title != tt.want || len(doc.Provisions) != 1 {
			t.Errorf("%s: title %q with %d provisions, want %q with 1", tt.file, doc.Title, len(doc.Provisions), tt.want)
		}
	}
}

func TestBodyLevel(t *testing.T) {
	tests := []struct{ body, want string }{
		{"在区委、区政府的坚强领导下，区卫生健康局推进全县……县委部署", "县级"},
		{"全市卫生健康系统紧紧围绕市委中心工作，全市上下", "市级"},
		{"全省卫生健康工作144项年度任务全部完成", "省级"},
		{"全区卫生健康工作稳步推进，全区上下", "县级"}, // a district's whole
		{"广西全区卫生健康工作稳步推进，全区上下", ""}, // an autonomous region's whole
		{"自治区卫生健康委推进全区卫生健康工作", ""},  // likewise
		{"全市、全县同步推进", ""},           // a tie says nothing
	}
	for _, tt := range tests {
		if got, _ := bodyLevel(tt.body); got != tt.want {
			t.Errorf("bodyLevel(%q) = %q, want %q", tt.body, got, tt.want)
		}
	}
}

func TestEraYear(t *testing.T) {
	tests := []struct {
		text string
		want int
	}{
		{"2024年是贯彻落实“十二五”规划的收官之年", 2015},
		{"xxxx年是中国共产党建党100周年,也是十四五开局之年", 2021},
		{"2021年是“十四五”规划的开局之年", 2021},
		{"2020年是十三五决胜之年", 2020},
		{"2019年是中华人民共和国成立70周年", 2019},
		{"2018年是改革开放40周年", 2018},
		{"今年全市卫生健康工作取得新成效", 0},
		{"“十四五”时期卫生健康事业发展", 0},
	}
	for _, tt := range tests {
		if got, _ := eraYear(tt.text); got != tt.want {
			t.Errorf("eraYear(%q) = %d, want %d", tt.text, got, tt.want)
		}
	}
	// A repost that changed the digits of the year keeps the event.
	doc, err := Parse("t.txt", "区卫计局年度卫生计生工作总结\n2024年是贯彻落实“十二五”规划的收官之年。一年来，我局取得新成效。\n一、主要工作\n1.做好防控。\n")
	if err != nil {
		t.Fatal(err)
	}
	if doc.Year != 2015 {
		t.Errorf("year %d, want 2015", doc.Year)
	}
}
