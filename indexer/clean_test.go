package indexer

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestTidy(t *testing.T) {
	tests := []struct{ in, want string }{
		{"作为加强 党的建设", "作为加强党的建设"},
		{"印 发给你们", "印发给你们"},
		{"2020 年全市 卫生健康工作要点", "2020年全市卫生健康工作要点"},
		{"开展 3 次\"万医下基层\"", "开展3次\"万医下基层\""},
		{"科研项目10项 ，交流培训800人次以上 。", "科研项目10项，交流培训800人次以上。"},
		{"签约服务率达到 40% 以上", "签约服务率达到40%以上"},
		{"推进, 一手抓", "推进,一手抓"},
		{"（DRGs）付费 and DRG grouper", "（DRGs）付费 and DRG grouper"},
		{"按 DRGs 点数法", "按 DRGs 点数法"}, // spaces around Latin words are typesetting, kept
		{"　　两端空白　 ", "两端空白"},
		{"第一段。\n\n  第二段", "第一段。\n第二段"},
		{"完成。 下一句", "完成。下一句"},
	}
	for _, tt := range tests {
		if got := tidy(tt.in); got != tt.want {
			t.Errorf("tidy(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCleanText(t *testing.T) {
	text := "计划总结\n" +
		"索 引 号: 002482365/2022-07235 公开日期: 2022-03-12\n" +
		"发布机构: 省卫生健康委员会 文  号: 浙卫发〔2022〕8号\n" +
		"发布日期: 2022-03-16 16:19 信息来源: 省卫生健康委 浏览次数:\n" +
		"索引号 | 001008003015092/2020-00011 | ||\n" +
		"组配分类 | 计划总结 | 发布机构 | 市卫生健康委 |\n" +
		"成文日期 | 2020-02-28 | 公开方式 | 主动公开 |\n" +
		"某某市2020年工作思路 | ||||||\n|\n||||||\n" +
		"美章网 资料文库 卫生健康委员会2020年卫生健康工作要点范文\n" +
		"本站小编为你精心准备了参考范文,愿这些范文能点燃您思维的火花。\n" +
		"(此件公开发布)\n（信息公开形式：主动公开）\n" +
		"- (一)坚持守初心担使命\n" +
		"   - 11. 构建和谐医患关系。\n" +
		"-1 is not a bullet\n" +
		"　　　　　   \n" +
		"统筹做好新闻宣传等工作。\n" +
		"分享到:\n关闭 打印\n【打印本页】【关闭窗口】\n" +
		"浙江省卫生信息中心版权所有\n备案序号:浙ICP备19049905号-1\n"
	c := cleanText(text)
	wantLines := []string{
		"计划总结",
		"某某市2020年工作思路",
		"(一)坚持守初心担使命",
		"11. 构建和谐医患关系。",
		"-1 is not a bullet",
		"统筹做好新闻宣传等工作。",
	}
	if !reflect.DeepEqual(c.lines, wantLines) {
		t.Errorf("lines:\n got %q\nwant %q", c.lines, wantLines)
	}
	wantFields := map[string]string{
		"索引号":  "002482365/2022-07235",
		"公开日期": "2022-03-12",
		"发布机构": "省卫生健康委员会",
		"文号":   "浙卫发〔2022〕8号",
		"发布日期": "2022-03-16 16:19",
		"信息来源": "省卫生健康委",
		"组配分类": "计划总结",
		"成文日期": "2020-02-28",
		"公开方式": "主动公开",
	}
	if !reflect.DeepEqual(c.fields, wantFields) {
		t.Errorf("fields:\n got %q\nwant %q", c.fields, wantFields)
	}
}

// A sharing site's opening line names the document and is not part of it:
// the page has no title line of its own, so the name is the title.
func TestShareBlurbNamesTheDocument(t *testing.T) {
	text := "《区卫生健康局2021年度工作总结及2022年度工作计划范文.doc》由会员分享，可在线阅读，更多相关《区卫生健康局2021年度工作总结及2022年度工作计划范文.doc(8页珍藏版)》请在某某文库上搜索。\n" +
		"一、工作总结\n（一）抓好常态化疫情防控。落实好疫情防控各项措施。\n（二）推进医共体建设。\n"
	doc, err := Parse("page.txt", text)
	if err != nil {
		t.Fatal(err)
	}
	if want := "区卫生健康局2021年度工作总结及2022年度工作计划"; doc.Title != want {
		t.Errorf("title %q, want %q", doc.Title, want)
	}
	if doc.Year != 2021 || doc.DocType != "工作总结" {
		t.Errorf("year %d, type %q, want 2021 工作总结", doc.Year, doc.DocType)
	}
	for _, p := range doc.Provisions {
		if strings.Contains(p.Text, "由会员分享") {
			t.Errorf("the blurb is a provision: %q", p.Text)
		}
	}
}

func TestChromeLead(t *testing.T) {
	body := strings.Repeat("全面推进医共体建设，完善家庭医生签约服务。", 8)
	tests := []struct{ name, line, want string }{
		{"a site's sentence before the document", "某某范文，海量公文素材资料，下载网址：www.example.com，润笔请加微：abc123。" + body, body},
		{"a document's own first sentence", "2023年，全区卫生健康工作取得新进展。" + body, "2023年，全区卫生健康工作取得新进展。" + body},
		{"a short line is left to the line checks", "下载网址：www.example.com。正文", "下载网址：www.example.com。正文"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := chromeLead(tt.line); got != tt.want {
				t.Errorf("chromeLead = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestPinyinGlosses checks that the readings some reposts gloss after
// characters are removed, and letters in brackets that are no reading kept.
func TestPinyinGlosses(t *testing.T) {
	tests := []struct{ in, want string }{
		{"深化医(yī)药卫(wèi)生体制改革", "深化医药卫生体制改革"},
		{"加强疾控机构（gòu）能力建设", "加强疾控机构能力建设"},
		{"推进人工智能(ai)应用", "推进人工智能(ai)应用"},
		{"疾病诊断相关分组(DRG)付费", "疾病诊断相关分组(DRG)付费"},
		{"(yī)开头没有字", "(yī)开头没有字"},
	}
	for _, tt := range tests {
		if got := dropPinyinGlosses(tt.in); got != tt.want {
			t.Errorf("dropPinyinGlosses(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestSharingSiteFurniture checks that the furniture of document-sharing
// sites, seen on pages of the genre, does not reach the text, while the
// document's own lines around it stay.
func TestSharingSiteFurniture(t *testing.T) {
	junk := []string{
		"返回 下载 相关 举报",
		"卫生健康局2022年工作总结范文.docx_第1页",
		"1、下载文档前请自行甄别文档内容的完整性,平台不提供额外的编辑、内容补充、找答案等附加服务。",
		"版权说明:本文档由用户提供并上传,收益归属内容提供方,若内容存在侵权,请进行举报或认领",
		"文档简介",
		"爱习作提供的卫生健康工作总结(精选15篇),经过用心整理,希望能对您有所帮助。",
		"时间:2024-01-13 10:13:18 作者:雁落霞 工作总结",
		"2024/09/16总结精选",
		"卫生健康工作总结 篇1",
		"第2篇",
		"微信公众号",
		"首页 -> 政务公开 -> 法定主动公开内容 -> 规划信息 -> 专项规划",
		"您所在当前位置:首页 > 政务公开",
		"(一)指导思想…………………………………………………… 8",
		"目录/提纲:……",
		"内容预览:",
		"免费三级片阿V一二三_久久动漫精品无码_亚洲 欧美 另类 草_毛片免费看偷拍狂",
		"1. 部分包含数学公式或PPT动画的文件,查看预览时可能会显示错乱或异常,文件下载后无此问题,请放心下载。",
		"2. 本文档由用户上传,版权归属用户,汇文网负责整理代发布。",
		"网站客服:3074922707",
		"政府信息公开",
		"简介:写写帮文库小编为你整理了多篇相关的《2011年卫生局关于计生工作汇报材料》",
	}
	keep := []string{
		"2022年卫生健康工作总结",
		"一、推进分级诊疗",
		"1.实施DRG付费改革。",
		"时间紧、任务重，全系统攻坚克难。",
		"学习借鉴欧美国家经验，推进国产医疗设备应用。",
	}
	c := cleanText(strings.Join(append(append([]string{}, junk...), keep...), "\n") + "\n2012年妇幼保健工作规划投稿人:佚名发布时间:2011/9/1\n【正文】撰写人: ______ 日 期: ______ 2022年，全区卫生健康工作取得新进展。\n")
	if c := cleanText("乡镇政府2016年公共卫生工作总结_第1页乡镇政府2016年公共卫生工作总结，全镇扎实推进。\n编辑:丶蓶一2017-11-24 2019年健康促进与教育工作要点\n"); !slices.Equal(c.lines, []string{"乡镇政府2016年公共卫生工作总结，全镇扎实推进。", "2019年健康促进与教育工作要点"}) {
		t.Errorf("page marker or byline left: %q", c.lines)
	}
	if !slices.Contains(c.lines, "2012年妇幼保健工作规划") {
		t.Errorf("title with a byline run on not kept alone: %q", c.lines)
	}
	for _, j := range junk {
		if slices.Contains(c.lines, j) {
			t.Errorf("furniture kept: %q", j)
		}
	}
	for _, k := range keep {
		if !slices.Contains(c.lines, k) {
			t.Errorf("document line dropped: %q", k)
		}
	}
	if last := c.lines[len(c.lines)-1]; last != "2022年，全区卫生健康工作取得新进展。" {
		t.Errorf("template junk left in %q", last)
	}
}

// TestTagRuns checks that a sharing site's list of tags, a word a line, is
// dropped, and short lines of the document's own are not.
func TestTagRuns(t *testing.T) {
	c := cleanText("卫生\n健康\n2022\n上半年\n工作总结\n下半年\n区县\n卫生健康局2022年上半年工作总结\n一、\n党建\n二、\n防疫\n三、\n医改\n")
	want := []string{"卫生健康局2022年上半年工作总结", "一、", "党建", "二、", "防疫", "三、", "医改"}
	if !reflect.DeepEqual(c.lines, want) {
		t.Errorf("lines %q, want %q", c.lines, want)
	}
}

// TestCompiledBlurbTitle checks that the piece a sharing site's blurb
// names titles a page without a title line.
func TestCompiledBlurbTitle(t *testing.T) {
	doc, err := Parse("page.txt", "本站小编为你精心准备了2014年卫生局工作计划参考范文,愿这些范文能点燃您思维的火花。\n一、继续深化医药卫生体制改革\n一是进一步提高新农合工作水平。\n")
	if err != nil {
		t.Fatal(err)
	}
	if doc.Title != "2014年卫生局工作计划" || doc.Year != 2014 || doc.DocType != "工作计划" {
		t.Errorf("title %q, year %d, type %q; want 2014年卫生局工作计划, 2014, 工作计划", doc.Title, doc.Year, doc.DocType)
	}
}
