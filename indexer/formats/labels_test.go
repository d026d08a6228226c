package formats

import (
	"maps"
	"testing"
)

// TestReadLabels checks the metadata lines read into fields: with colons,
// and a table's cells copied as text without them.
func TestReadLabels(t *testing.T) {
	tests := []struct {
		name, line string
		ok         bool
		want       map[string]string
	}{
		{"colons", "索 引 号：002482000/2020-12345 主题分类：卫生、体育", true,
			map[string]string{"索引号": "002482000/2020-12345", "主题分类": "卫生、体育"}},
		{"cells without colons", "组配分类 统计信息 发布机构 丽水市卫生健康委员会", true,
			map[string]string{"组配分类": "统计信息", "发布机构": "丽水市卫生健康委员会"}},
		{"cells with a number", "索引号 11332500MB1960337R/2023-43840 文号 丽卫〔2023〕46号", true,
			map[string]string{"索引号": "11332500MB1960337R/2023-43840", "文号": "丽卫〔2023〕46号"}},
		{"a source line", "文章来源:灵璧县卫生健康委员会 浏览量: 发表时间:2021-05-07 10:49 责任编辑:卫健委政务公开", true,
			map[string]string{"信息来源": "灵璧县卫生健康委员会", "发布日期": "2021-05-07 10:49", "作者": "卫健委政务公开"}},
		{"one label is a sentence, not a table", "来源 广泛的基层首诊制度逐步建立", false, map[string]string{}},
		{"a label with no value", "文号 发布机构 丽水市卫生健康委员会", false, map[string]string{}},
		{"not starting with a label", "全市 发布机构 丽水市卫生健康委员会 文号 丽卫〔2023〕46号", false, map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[string]string{}
			if ok := ReadLabels(tt.line, got); ok != tt.ok {
				t.Errorf("ReadLabels = %v, want %v", ok, tt.ok)
			}
			if !maps.Equal(got, tt.want) {
				t.Errorf("fields %v, want %v", got, tt.want)
			}
		})
	}
}
