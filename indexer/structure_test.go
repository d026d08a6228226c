package indexer

import (
	"fmt"
	"io/fs"
	"reflect"
	"strings"
	"testing"

	"github.com/policysearch/policysearch/seeds"
)

// parseSeed decodes and parses one seed document.
func parseSeed(t *testing.T, name string) Document {
	t.Helper()
	data, err := fs.ReadFile(seeds.FS, name)
	if err != nil {
		t.Fatalf("read seed: %v", err)
	}
	text, err := DecodeText(name, data)
	if err != nil {
		t.Fatalf("decode seed: %v", err)
	}
	doc, err := Parse(name, text)
	if err != nil {
		t.Fatalf("parse seed: %v", err)
	}
	return doc
}

const (
	seedJiaxing  = "000_79b41e1ba8677feb.txt"
	seedGuiyang  = "001_05f020d46ba48b5f.txt"
	seedZhejiang = "002_1fd75afd016dee74.txt"
	seedWenzhou  = "003_cfbaff87dc319ffc.txt"
	seedWuxi     = "004_27d72c036dccbe36.txt"
)

// TestSeedDocuments checks each seed's provision count and metadata
// against figures read off the documents by hand.
//
// How the provisions were counted (reading each document whole):
//   - 000 嘉兴: the 总体要求 paragraph after the title, then items 1.–24.
//     under chapters 一–四, no sub-chapters: 1 + 24 = 25. The notice
//     (关于印发…的通知, 现将…印发给你们, addressees, signature, date,
//     此件公开发布) comes before the title and is not a provision.
//   - 001 贵阳: the 总体要求 paragraph with its lead-in 重点抓好十个方面的工作:
//     (one provision), items 1.–87. (chapters 一–七, sub-chapters (一)…),
//     and in chapter 七 the un-numbered sub-chapter "(三)强化药具发放管理:
//     将全市…" which has body text and no items: 1 + 87 + 1 = 89.
//   - 002 浙江: 总体要求 paragraph, items 1.–23. under chapters 一–六, and
//     the closing line 统筹做好新闻宣传、援外医疗…工作。: 1 + 23 + 1 = 25.
//     Page chrome (索引号 table, 分享到, 版权所有, 备案序号) is not text.
//   - 003 温州, one long line: part 一、2019年工作总结 = its intro paragraph
//     (2019年,全市卫健系统…) + sub-chapters (一)–(五) with body text and no
//     items = 6; part 二、2020年工作思路 = its intro paragraph (2020年是…
//     重点抓好以下工作:) + items 1.–15. under sub-chapters (一)–(四) = 16.
//     Total 22.
//   - 004 (无锡, named only by 来锡人员 in item 3): 总体要求 paragraph + items 1.–70. under
//     chapters 一–十四: 71. The 美章网/本站小编 lines are chrome.
func TestSeedDocuments(t *testing.T) {
	tests := []struct {
		file       string
		provisions int
		title      string
		city       string
		province   string
		level      string
		year       int
		docType    string
		issuer     string
		pubDate    string
		docNumber  string
		parts      []Part
	}{
		{seedJiaxing, 25, "2020年嘉兴市卫生健康工作要点", "嘉兴市", "浙江省", "市级", 2020, "工作要点",
			"嘉兴市卫生健康委员会", "2020-04-30", "",
			[]Part{{"2020年嘉兴市卫生健康工作要点", 2020, "工作要点"}}},
		{seedGuiyang, 89, "2020年全市卫生健康工作要点", "贵阳市", "贵州省", "市级", 2020, "工作要点",
			"贵阳市卫生健康局", "", "",
			[]Part{{"2020年全市卫生健康工作要点", 2020, "工作要点"}}},
		{seedZhejiang, 25, "2022年浙江省卫生健康工作要点", "", "浙江省", "省级", 2022, "工作要点",
			"浙江省卫生健康委", "2022-03-12", "浙卫发〔2022〕8号",
			[]Part{{"2022年浙江省卫生健康工作要点", 2022, "工作要点"}}},
		{seedWenzhou, 22, "温州市卫生健康委员会2019年工作总结和2020年工作思路", "温州市", "浙江省", "市级", 2019, "工作总结",
			"温州市卫生健康委员会", "2020-02-28", "",
			[]Part{{"一、2019年工作总结", 2019, "工作总结"}, {"二、2020年工作思路", 2020, "工作思路"}}},
		{seedWuxi, 71, "卫生健康委员会2020年卫生健康工作要点", "无锡市", "江苏省", "市级", 2020, "工作要点",
			"无锡市卫生健康委员会", "", "",
			[]Part{{"卫生健康委员会2020年卫生健康工作要点", 2020, "工作要点"}}},
	}
	for _, tt := range tests {
		t.Run(tt.file[:3], func(t *testing.T) {
			doc := parseSeed(t, tt.file)
			if got := len(doc.Provisions); got != tt.provisions {
				t.Errorf("provisions = %d, want %d", got, tt.provisions)
			}
			got := []any{doc.Title, doc.City, doc.Province, doc.Level, doc.Year, doc.DocType, doc.Issuer, doc.PubDate, doc.DocNumber}
			want := []any{tt.title, tt.city, tt.province, tt.level, tt.year, tt.docType, tt.issuer, tt.pubDate, tt.docNumber}
			names := []string{"Title", "City", "Province", "Level", "Year", "DocType", "Issuer", "PubDate", "DocNumber"}
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("%s = %v, want %v", names[i], got[i], want[i])
				}
			}
			if !reflect.DeepEqual(doc.Parts, tt.parts) {
				t.Errorf("Parts = %+v, want %+v", doc.Parts, tt.parts)
			}
			checkInvariants(t, doc)
		})
	}
}

// checkInvariants checks what must hold for every parsed document.
func checkInvariants(t *testing.T, doc Document) {
	t.Helper()
	if len(doc.ID) != 16 {
		t.Errorf("ID %q is not 16 hex characters", doc.ID)
	}
	for i, p := range doc.Provisions {
		if p.Ordinal != i || p.ID != fmt.Sprintf("%s-%03d", doc.ID, i) || p.DocID != doc.ID || p.File != doc.File {
			t.Errorf("provision %d: ids %q/%q ordinal %d file %q", i, p.ID, p.DocID, p.Ordinal, p.File)
		}
		if strings.TrimSpace(p.Text) == "" {
			t.Errorf("provision %d has no text", i)
		}
		if p.DocTitle != doc.Title || p.City != doc.City || p.Province != doc.Province || p.Level != doc.Level {
			t.Errorf("provision %d does not carry the document metadata", i)
		}
		for _, chrome := range []string{"分享到", "版权所有", "备案序号", "浏览次数", "美章网", "本站小编", "印发给你们", "|"} {
			if strings.Contains(p.Text, chrome) {
				t.Errorf("provision %d keeps page chrome %q: %.60s", i, chrome, p.Text)
			}
		}
		if p.Number != "" && strings.HasPrefix(p.Text, p.Number) {
			t.Errorf("provision %d text still starts with its number %q", i, p.Number)
		}
	}
}

// TestSeedProvisions spot-checks single provisions of the seeds.
func TestSeedProvisions(t *testing.T) {
	tests := []struct {
		file        string
		ordinal     int
		number      string
		headingPath []string
		title       string
		year        int
		docType     string
		prefix      string // the text starts with this
		contains    string // and contains this
		lead        []string
		support     []string
	}{
		// Preamble: no number, no heading.
		{seedJiaxing, 0, "", nil, "", 2020, "工作要点", "2020年是高水平全面建成小康社会的决胜之年", "健康底色。", nil, nil},
		{seedJiaxing, 24, "24", []string{"四、固本强基、凝心聚力，全面加强党的领导和建设"}, "启动“十四五”卫生健康规划编制工作。",
			2020, "工作要点", "启动“十四五”", "基础性材料。", nil, nil},
		// Lines broken mid-sentence are joined; spaces inside words go.
		{seedGuiyang, 1, "1", []string{"一、全面加强党的建设", "(一)坚持守初心担使命"}, "", 2020, "工作要点",
			"全系统各级党委(党组)", "作为加强党的建设的永恒课题和全体党员干部的终身课题,始终做到初心如磐、使命在肩", nil, nil},
		{seedGuiyang, 22, "22", []string{"三、确保高质量完成脱贫攻坚目标任务", "(二)巩固提升健康扶贫工作成效"}, "", 2020, "工作要点",
			"准确理解", "贫困人口中4类慢病患者", nil, nil},
		{seedGuiyang, 0, "", nil, "", 2020, "工作要点", "2020年是全面建成小康社会", "圆满收官。\n重点抓好十个方面的工作:", nil, nil},
		// A sub-chapter with a body and no items is one provision.
		{seedGuiyang, 67, "(三)", []string{"七、持续推进卫生健康服务能力提升\"八大工程\""}, "强化药具发放管理", 2020, "工作要点",
			"强化药具发放管理:将全市计划生育药具管理系统", "提高管理效能。", nil, nil},
		{seedGuiyang, 68, "67", []string{"七、持续推进卫生健康服务能力提升\"八大工程\"", "(四)深入实施中医振兴提升工程"}, "推动中医医院医疗体制改革。",
			2020, "工作要点", "推动中医医院医疗体制改革。", "现代中医医院管理制度。", nil, nil},
		{seedGuiyang, 88, "87", []string{"七、持续推进卫生健康服务能力提升\"八大工程\"", "(八)深入实施党建引领提升工程"}, "",
			2020, "工作要点", "继续推进\"银龄计划\"", "引才40名。", nil, nil},
		// The closing line of 002 stands alone, without the page footer.
		{seedZhejiang, 24, "", nil, "", 2022, "工作要点", "统筹做好新闻宣传、援外医疗", "档案管理等工作。", nil, nil},
		{seedZhejiang, 6, "6", []string{"二、打造全民全程健康服务体系"}, "深化“三医联动”“六医统筹”集成改革。", 2022, "工作要点",
			"深化“三医联动”", "26%以下。", nil, nil},
		// 温州: the parts give each provision its year and type.
		{seedWenzhou, 0, "", []string{"一、2019年工作总结"}, "", 2019, "工作总结", "2019年,全市卫健系统", "取得显著成效。", nil, nil},
		{seedWenzhou, 1, "(一)", []string{"一、2019年工作总结"}, "强化创新驱动,发展动能持续增强。", 2019, "工作总结",
			"强化创新驱动,发展动能持续增强。生命健康产业快速壮大", "能够提供多种中医非药物疗法。", nil, nil},
		{seedWenzhou, 4, "(四)", []string{"一、2019年工作总结"}, "增进民生福祉,健康红利持续释放。", 2019, "工作总结",
			"增进民生福祉", "先天性心脏病筛查3.23万例", nil, nil},
		{seedWenzhou, 6, "", []string{"二、2020年工作思路"}, "", 2020, "工作思路", "2020年是高水平全面建成小康社会", "重点抓好以下工作:", nil, nil},
		{seedWenzhou, 7, "1", []string{"二、2020年工作思路", "(一)守好“一道防线”,坚决打赢新冠肺炎疫情防控阻击战"}, "强化疫情监测预警处置。",
			2020, "工作思路", "强化疫情监测预警处置。", "确保落实各项政策和措施。", nil, nil},
		{seedWenzhou, 13, "7", []string{"二、2020年工作思路", "(三)奋力实现“六大突破”,推动竞争力稳步提升"}, "推进重点领域深化改革。",
			2020, "工作思路", "推进重点领域深化改革。", "加快卫生健康数字化转型。", nil, nil},
		{seedWenzhou, 21, "15", []string{"二、2020年工作思路", "(四)切实强化“三个保障”,提高现代化治理能力"}, "提升行业党建引领能力。",
			2020, "工作思路", "提升行业党建引领能力。", "弘扬卫生健康新风尚。", nil, nil},
		// Offices: generic 各相关处室 is dropped, 办公室(对外合作交流处) is one name.
		{seedWuxi, 1, "1", []string{"一、努力夺取疫情防控全面胜利"}, "紧盯疫情防控不松劲。", 2020, "工作要点",
			"紧盯疫情防控不松劲。", "(牵头处室:疾控处;配合处室:各相关处室)", []string{"疾控处"}, nil},
		{seedWuxi, 2, "2", []string{"一、努力夺取疫情防控全面胜利"}, "精准落实疫情防控举措。", 2020, "工作要点",
			"精准落实疫情防控举措。", "妇幼健康处等各相关处室)", []string{"疾控处"},
			[]string{"办公室(对外合作交流处)", "健康促进处", "医政医管处", "中医药处", "基层卫生处", "应急办", "科教处", "药政处", "老龄健康处", "妇幼健康处"}},
		{seedWuxi, 51, "51", []string{"九、强化重点人群健康保障"}, "提升人口与家庭发展能力。", 2020, "工作要点",
			"提升人口与家庭发展能力。", "(责任处室:人口家庭处;", []string{"人口家庭处"}, nil},
		{seedWuxi, 70, "70", []string{"十四、统筹做好其他各项工作"}, "统筹做好其他各项工作。", 2020, "工作要点",
			"统筹做好其他各项工作。", "团委等各相关处室)",
			[]string{"办公室(对外合作交流处)", "老龄健康处", "基层卫生处", "妇幼健康处", "组织人事处", "保健处", "工会", "团委"}, nil},
	}
	docs := map[string]Document{}
	for _, tt := range tests {
		doc, ok := docs[tt.file]
		if !ok {
			doc = parseSeed(t, tt.file)
			docs[tt.file] = doc
		}
		if tt.ordinal >= len(doc.Provisions) {
			t.Errorf("%s has no provision %d", tt.file[:3], tt.ordinal)
			continue
		}
		p := doc.Provisions[tt.ordinal]
		where := fmt.Sprintf("%s#%d", tt.file[:3], tt.ordinal)
		if p.Number != tt.number {
			t.Errorf("%s: Number = %q, want %q", where, p.Number, tt.number)
		}
		if !reflect.DeepEqual(p.HeadingPath, tt.headingPath) {
			t.Errorf("%s: HeadingPath = %q, want %q", where, p.HeadingPath, tt.headingPath)
		}
		if p.Title != tt.title {
			t.Errorf("%s: Title = %q, want %q", where, p.Title, tt.title)
		}
		if p.Year != tt.year || p.DocType != tt.docType {
			t.Errorf("%s: Year/DocType = %d/%s, want %d/%s", where, p.Year, p.DocType, tt.year, tt.docType)
		}
		if !strings.HasPrefix(p.Text, tt.prefix) || !strings.Contains(p.Text, tt.contains) {
			t.Errorf("%s: Text = %q, want prefix %q containing %q", where, p.Text, tt.prefix, tt.contains)
		}
		if !reflect.DeepEqual(p.LeadOffices, tt.lead) || !reflect.DeepEqual(p.SupportOffices, tt.support) {
			t.Errorf("%s: offices = %q / %q, want %q / %q", where, p.LeadOffices, p.SupportOffices, tt.lead, tt.support)
		}
	}
}

// TestNumbersThatAreNotHeadings checks that decimals, years, dates,
// percentages, ranges and ordinals do not start provisions, inline or at a
// line start, while real items on the same lines still do.
func TestNumbersThatAreNotHeadings(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		numbers []string // the provisions' numbers, in order
	}{
		{"decimal after a space", "1.加强监测。全市完成筛查 3.23万例。\n2.做好救治。", []string{"1", "2"}},
		{"decimal after a full stop", "1.加强信息化。编发指南。2.0版本上线。\n2.做好救治。", []string{"1", "2"}},
		{"version number", "1.加强网络安全。全面推进实施安全等保 2.0。 2.做好救治。", []string{"1", "2"}},
		{"5G", "1.建设智慧医院。 5G技术应用。 2.做好救治。", []string{"1", "2"}},
		{"1+5", "1.深化改革。 1+5改革发展攻坚战。 2.做好救治。", []string{"1", "2"}},
		{"第一 at a line start", "1.提升能力。基层就诊率全省并列第\n一、全省领先。\n2.做好救治。", []string{"1", "2"}},
		{"第一 inline", "1.提升能力。基层就诊率第一、全省领先。 2.做好救治。", []string{"1", "2"}},
		{"range with a dash", "1.建设基地。建成 2—3个检测基地。 2.做好救治。", []string{"1", "2"}},
		{"range with 、", "1.做好保障。 3、4月完成。 2.做好救治。", []string{"1", "2"}},
		{"percentage", "1.提高覆盖率。达到 50.5%以上。 2.做好救治。", []string{"1", "2"}},
		{"date", "1.按时完成。\n2020年4月30日前完成。\n2.做好救治。", []string{"1", "2"}},
		{"year at a line start", "1.巩固成果。在\n2019年基础上提高。\n2.做好救治。", []string{"1", "2"}},
		{"decimal at a line start", "1.加强筛查。完成\n3.23万例。\n2.做好救治。", []string{"1", "2"}},
		{"out of sequence inline", "1.推进建设。 5.加强管理。 2.做好救治。", []string{"1", "2"}},
		{"inline items in sequence", "1.推进建设。 2.加强管理。 3、做好救治。", []string{"1", "2", "3"}},
		{"full-width and bullet markers", "- 1．推进建设。\n - 2. 加强管理。\n3、做好救治。", []string{"1", "2", "3"}},
		{"three-digit item, excerpt starting mid-list", "- 99. 推进建设。\n- 100. 加强管理。", []string{"99", "100"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := "2020年某某市卫生健康工作要点\n一、重点工作\n" + tt.body + "\n"
			doc, err := Parse("inline.txt", text)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range doc.Provisions {
				got = append(got, p.Number)
			}
			if !reflect.DeepEqual(got, tt.numbers) {
				var texts []string
				for _, p := range doc.Provisions {
					texts = append(texts, p.Number+"|"+p.Text)
				}
				t.Errorf("numbers = %q, want %q\n%s", got, tt.numbers, strings.Join(texts, "\n"))
			}
		})
	}
}

// TestStructure checks structural cases on small documents.
func TestStructure(t *testing.T) {
	type prov struct {
		number string
		path   []string
		title  string
		text   string
	}
	tests := []struct {
		name  string
		text  string
		want  []prov
		parts []Part
	}{
		{
			name: "notice wrapper, preamble and chapters",
			text: "某某市卫生健康委关于印发2021年某某市卫生健康工作要点的通知\n各区卫生健康局:\n现将《2021年某某市卫生健康工作要点》印发给你们,请认真贯彻落实。\n" +
				"某某市卫生健康委员会\n2021年3月1日\n2021年某某市卫生健康工作要点\n2021年全市卫生健康工作的总体要求是:坚持以人民为中心。\n" +
				"一、强化疫情防控\n1.做好常态化防控。落实各项措施。\n二、深化改革\n2.推进医共体建设。加强考核。\n",
			want: []prov{
				{"", nil, "", "2021年全市卫生健康工作的总体要求是:坚持以人民为中心。"},
				{"1", []string{"一、强化疫情防控"}, "做好常态化防控。", "做好常态化防控。落实各项措施。"},
				{"2", []string{"二、深化改革"}, "推进医共体建设。", "推进医共体建设。加强考核。"},
			},
			parts: []Part{{"2021年某某市卫生健康工作要点", 2021, "工作要点"}},
		},
		{
			name: "sub-chapters with and without items",
			text: "2021年卫生健康工作要点\n一、加强党建\n(一)坚持守初心\n1. 全面加强党的\n建设。\n（二）强化作风建设:持续纠正四风。\n二、抓好防控\n(一)外防输入\n2. 做好境外输入防控。\n",
			want: []prov{
				{"1", []string{"一、加强党建", "(一)坚持守初心"}, "", "全面加强党的建设。"},
				{"(二)", []string{"一、加强党建"}, "强化作风建设", "强化作风建设:持续纠正四风。"},
				{"2", []string{"二、抓好防控", "(一)外防输入"}, "", "做好境外输入防控。"},
			},
		},
		{
			name: "parts on one long line",
			text: "某某市卫生健康委员会2019年工作总结和2020年工作思路\n一、2019年工作总结 2019年,全市工作取得成效。 (一)强化创新驱动,发展动能持续增强。完成投资6.6亿元。 (二)加快均衡发展,基层基础持续夯实。签约覆盖率达到39.16%。 二、2020年工作思路 重点抓好以下工作: (一)守好防线 1.强化监测预警。加强研判。 2.全力做好救治。严格分诊。 (二)推进攻坚 3.提升健康水平。开展行动。\n",
			want: []prov{
				{"", []string{"一、2019年工作总结"}, "", "2019年,全市工作取得成效。"},
				{"(一)", []string{"一、2019年工作总结"}, "强化创新驱动,发展动能持续增强。", "强化创新驱动,发展动能持续增强。完成投资6.6亿元。"},
				{"(二)", []string{"一、2019年工作总结"}, "加快均衡发展,基层基础持续夯实。", "加快均衡发展,基层基础持续夯实。签约覆盖率达到39.16%。"},
				{"", []string{"二、2020年工作思路"}, "", "重点抓好以下工作:"},
				{"1", []string{"二、2020年工作思路", "(一)守好防线"}, "强化监测预警。", "强化监测预警。加强研判。"},
				{"2", []string{"二、2020年工作思路", "(一)守好防线"}, "全力做好救治。", "全力做好救治。严格分诊。"},
				{"3", []string{"二、2020年工作思路", "(二)推进攻坚"}, "提升健康水平。", "提升健康水平。开展行动。"},
			},
			parts: []Part{{"一、2019年工作总结", 2019, "工作总结"}, {"二、2020年工作思路", 2020, "工作思路"}},
		},
		{
			name: "closing paragraph and page footer",
			text: "2022年某某省卫生健康工作要点\n一、守牢底线\n1.完善机制。加强监测。\n2.加强能力建设。提升水平。\n统筹做好新闻宣传等工作。\n分享到:\n关闭 打印\n某某省卫生信息中心版权所有\n备案序号:浙ICP备1号-1\n",
			want: []prov{
				{"1", []string{"一、守牢底线"}, "完善机制。", "完善机制。加强监测。"},
				{"2", []string{"一、守牢底线"}, "加强能力建设。", "加强能力建设。提升水平。"},
				{"", nil, "", "统筹做好新闻宣传等工作。"},
			},
		},
		{
			name: "no numbering: one provision per paragraph",
			text: "卫生健康工作总结\n今年以来,全系统扎实推进各项工作,取得明显成效。\n疫情防控有力有序。全年未发生聚集性疫情。\n服务能力持续提升。新建村卫生室12家。\n",
			want: []prov{
				{"", nil, "", "今年以来,全系统扎实推进各项工作,取得明显成效。"},
				{"", nil, "疫情防控有力有序。", "疫情防控有力有序。全年未发生聚集性疫情。"},
				{"", nil, "服务能力持续提升。", "服务能力持续提升。新建村卫生室12家。"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse("fixture.txt", tt.text)
			if err != nil {
				t.Fatal(err)
			}
			var got []prov
			for _, p := range doc.Provisions {
				got = append(got, prov{p.Number, p.HeadingPath, p.Title, p.Text})
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("provisions:\n got %q\nwant %q", got, tt.want)
			}
			if tt.parts != nil && !reflect.DeepEqual(doc.Parts, tt.parts) {
				t.Errorf("Parts = %+v, want %+v", doc.Parts, tt.parts)
			}
			checkInvariants(t, doc)
		})
	}
}

// TestParseNoProvisions checks that a text with nothing but chrome and a
// notice is an error.
func TestParseNoProvisions(t *testing.T) {
	for _, text := range []string{"分享到:\n关闭 打印\n", "某某市卫生健康委员会\n2021年3月1日\n"} {
		if _, err := Parse("empty.txt", text); err == nil || !strings.Contains(err.Error(), "empty.txt") {
			t.Errorf("Parse(%q) error = %v, want one naming the file", text, err)
		}
	}
}

// TestParseIDIsContentBased checks that the ID depends on the content only.
func TestParseIDIsContentBased(t *testing.T) {
	const text = "2021年卫生健康工作要点\n一、加强党建\n1.全面加强党的建设。\n"
	a, err := Parse("a.txt", text)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Parse("other/b.txt", "\ufeff  "+strings.ReplaceAll(text, "\n", "\r\n")+"\n\n分享到:\n")
	if err != nil {
		t.Fatal(err)
	}
	c, err := Parse("a.txt", strings.Replace(text, "党建", "作风", 1))
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != b.ID {
		t.Errorf("same content, different IDs: %s %s", a.ID, b.ID)
	}
	if a.ID == c.ID {
		t.Errorf("different content, same ID %s", a.ID)
	}
}

// A page without a title line of its own is named by its page title's
// first part when that reads as a title, and a title a sharing site ended
// with 范文 is the title, not site chrome.
func TestTitleFromPage(t *testing.T) {
	tests := []struct {
		name, text string
		fields     map[string]string
		want       string
	}{
		{"page title's first part", "一、工作总结\n（一）推进医共体建设。\n", map[string]string{"页面标题": "区卫生健康局2021年度工作总结_通知公告_卫生健康委员会"}, "区卫生健康局2021年度工作总结"},
		{"a page title that is no title", "一、工作总结\n（一）推进医共体建设。\n", map[string]string{"页面标题": "首页_卫生健康委员会"}, "page"},
		{"only separators", "一、工作总结\n（一）推进医共体建设。\n", map[string]string{"页面标题": "__"}, "page"},
		{"title ending in 范文", "区卫生健康局2021年度工作总结范文\n一、工作总结\n（一）推进医共体建设。\n", nil, "区卫生健康局2021年度工作总结"},
		{"a compilation's title", "卫生健康局2023年工作总结汇编(5篇)\n一、工作总结\n（一）推进医共体建设。\n", nil, "卫生健康局2023年工作总结"},
		{"a notice naming the title without quotes", "长春市人民政府关于印发健康长春行动实施方案的通知\n各县（市）区人民政府：\n一、总体要求\n（一）指导思想。坚持预防为主。\n", nil, "健康长春行动实施方案"},
		{"a title run on into the text", "2021年度卫计局工作总结 2021年，是卫生计生事业发展的关键之年。\n一、主要成效\n（一）推进医共体建设。\n", nil, "2021年度卫计局工作总结"},
		{"a compilation of many places' plans", "2025年各地卫健委工作计划汇总\n一、重点工作\n（一）推进医共体建设。\n", nil, "2025年各地卫健委工作计划"},
		{"a kindred plan", "首页 -> 政务公开 -> 规划信息\n沈阳市“十四五”卫生健康事业发展规划\n“十四五”时期是全面建设的关键时期。\n一、发展基础\n（一）成效显著。\n", nil, "沈阳市“十四五”卫生健康事业发展规划"},
		{"a shared file's name", "卫生健康局2021年工作总结及2022年工作计划材料.docx\n一、工作总结\n（一）推进医共体建设。\n", nil, "卫生健康局2021年工作总结及2022年工作计划"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := ParseDocument("page.html", tt.text, tt.fields)
			if err != nil {
				t.Fatal(err)
			}
			if doc.Title != tt.want {
				t.Errorf("title %q, want %q", doc.Title, tt.want)
			}
		})
	}
}

// A document named only by a file name that says nothing is titled by its
// issuer, year and type, and follows a manifest that corrects them; a file
// name in Chinese stays its name.
func TestTitleFromMetadata(t *testing.T) {
	text := "2022年，番禺区卫生健康局围绕中心工作，取得明显成效。\n一、2022年工作总结\n（一）推进医共体建设，完成了年度任务。\n"
	doc, err := Parse("054.txt", text)
	if err != nil {
		t.Fatal(err)
	}
	if want := "番禺区卫生健康局2022年工作总结"; doc.Title != want || doc.Provenance["title"].From != FromMetadata || doc.Provisions[0].DocTitle != want {
		t.Errorf("title %q from %+v (provision's %q), want %q from metadata", doc.Title, doc.Provenance["title"], doc.Provisions[0].DocTitle, want)
	}
	Manifest{"054.txt": {File: "054.txt", Year: 2021}}.Apply(&doc)
	if want := "番禺区卫生健康局2021年工作总结"; doc.Title != want {
		t.Errorf("title after the manifest %q, want %q", doc.Title, want)
	}
	named, err := Parse("番禺区年度总结.txt", text)
	if err != nil {
		t.Fatal(err)
	}
	if named.Title != "番禺区年度总结" {
		t.Errorf("title %q, want the file's name", named.Title)
	}
}

// A title of another shape than the genre's is known from the notice that
// quotes it, even broken over two lines, and what stands before it is not
// a provision.
func TestQuotedTitle(t *testing.T) {
	text := "欢迎访问某某经济信息网!\n首页 / 文件汇编/ 正文\n" +
		"甘肃省人民政府办公厅关于印发甘肃省深化医药卫生体制改革2020年下半年重点工作任务及分工的通知\n" +
		"各市、自治州人民政府:\n" +
		"《甘肃省深化医药卫生体制改革2020年下半年重点工作任务及分工》已经省政府同意,现印发给你们,请认真贯彻执行。\n" +
		"甘肃省人民政府办公厅\n2020年9月20日\n" +
		"甘肃省深化医药卫生体制改革\n2020年下半年重点工作任务及分工\n" +
		"2020年下半年全省深化医药卫生体制改革要以人民健康为中心。\n" +
		"一、加强公共卫生体系建设\n(一)改革完善疾病预防控制体系。加强疾控机构能力建设。\n"
	doc, err := Parse("gansu.txt", text)
	if err != nil {
		t.Fatal(err)
	}
	if want := "甘肃省深化医药卫生体制改革2020年下半年重点工作任务及分工"; doc.Title != want {
		t.Errorf("title %q, want %q", doc.Title, want)
	}
	if first := doc.Provisions[0].Text; !strings.HasPrefix(first, "2020年下半年全省") {
		t.Errorf("first provision %q, want the opening paragraph", first)
	}
}

// A repost's outline of headings before the title is a table of contents:
// the title after it names the document, and the outline's entries are not
// provisions.
func TestOutlineBeforeTitle(t *testing.T) {
	text := "一、2025年工作总结\n1.筑牢党建基点\n2.提升能力支点\n二、2026年工作计划\n" +
		"某某区卫生健康局2025年工作总结及2026年工作计划\n" +
		"2025年，区卫生健康局以建设为主线，取得新成效。\n" +
		"一、2025年工作总结\n1.筑牢党建基点，彰显卫健担当。全面落实党建工作责任制。\n2.提升能力支点。推进医共体建设。\n" +
		"二、2026年工作计划\n1.深化医改。完善家庭医生签约服务。\n"
	doc, err := Parse("page.txt", text)
	if err != nil {
		t.Fatal(err)
	}
	if want := "某某区卫生健康局2025年工作总结及2026年工作计划"; doc.Title != want {
		t.Errorf("title %q, want %q", doc.Title, want)
	}
	for _, p := range doc.Provisions {
		if !strings.ContainsAny(p.Text, "。") {
			t.Errorf("an outline entry is a provision: %q %q", p.HeadingPath, p.Text)
		}
	}
	if len(doc.Provisions) != 4 {
		t.Errorf("%d provisions, want 4", len(doc.Provisions))
	}
}
