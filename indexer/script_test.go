package indexer

import "testing"

func TestSimplify(t *testing.T) {
	tests := []struct {
		name, in, want string
		converted      bool
	}{
		{"traditional page", "市衛生健康委2021年工作要點\n全面貫徹黨的十九大精神，強化常態化疫情防控能力，推進醫療衛生機構核酸檢測實驗室規範化使用管理。",
			"市卫生健康委2021年工作要点\n全面贯彻党的十九大精神，强化常态化疫情防控能力，推进医疗卫生机构核酸检测实验室规范化使用管理。", true},
		{"simplified text stays", "全面贯彻党的十九大精神，强化常态化疫情防控能力，推进医疗卫生机构核酸检测实验室规范化使用管理。",
			"全面贯彻党的十九大精神，强化常态化疫情防控能力，推进医疗卫生机构核酸检测实验室规范化使用管理。", false},
		{"too little to tell", "醫療", "醫療", false},
	}
	for _, tt := range tests {
		got, converted, err := simplify(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if got != tt.want || converted != tt.converted {
			t.Errorf("%s: simplify = %q, %v; want %q, %v", tt.name, got, converted, tt.want, tt.converted)
		}
	}
	doc, err := Parse("qingdao.txt", "市衛生健康委2021年工作要點\n來源：青島市衛生健康委員會\n一、抓責任，守防線\n1.強化常態化疫情防控能力。\n")
	if err != nil {
		t.Fatal(err)
	}
	if doc.Script != ScriptConverted || doc.City != "青岛市" || doc.Provisions[0].Text != "强化常态化疫情防控能力。" {
		t.Errorf("traditional document: script %q, city %q, first provision %q", doc.Script, doc.City, doc.Provisions[0].Text)
	}
}
