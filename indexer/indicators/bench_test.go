package indicators

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// seedProvisions returns the seed documents' paragraphs, the unit a
// provision is cut from.
func seedProvisions(tb testing.TB) []string {
	files, err := filepath.Glob(filepath.Join("..", "..", "seeds", "*.txt"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no seeds: %v", err)
	}
	var out []string
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		for _, line := range strings.Split(string(raw), "\n") {
			if line = strings.TrimSpace(line); line != "" {
				out = append(out, line)
			}
		}
	}
	return out
}

// BenchmarkExtract reports the cost per provision over the seed provisions.
func BenchmarkExtract(b *testing.B) {
	provs := seedProvisions(b)
	e := Default()
	ctx := Context{DocType: "工作要点", Year: 2020}
	b.ResetTimer()
	for b.Loop() {
		for _, p := range provs {
			e.Extract(p, ctx)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(provs)), "ns/provision")
}

func TestNoAllocationWithoutFigure(t *testing.T) {
	e := Default()
	for _, text := range []string{
		"加强医疗机构呼吸、感染、重症医学等学科建设，抓好全市发热门诊规范性建设。",
		"2020年4月30日，现将《2020年工作要点》印发给你们，落实“十四五”规划和〔2022〕8号文件，开展3次活动。",
	} {
		if n := testing.AllocsPerRun(100, func() { e.Extract(text, Context{}) }); n != 0 {
			t.Errorf("%q: %v allocations, want 0", text, n)
		}
	}
}

func TestExamples(t *testing.T) {
	cases := []struct {
		text string
		ctx  Context
		want string // indicator value unit comparator kind, one per figure
	}{
		{"签约服务率达到40%以上，老年人、慢性病病人等重点人群签约率达70%以上。", Context{DocType: "工作要点"},
			"家庭医生签约服务率 40 % ≥ target|家庭医生签约服务率 70 % ≥ target"},
		{"县域就诊率达89.5%。", Context{DocType: "工作总结"}, "县域就诊率 89.5 % = achieved"},
		{"每千人口执业(助理)医师数达3.8人。", Context{DocType: "工作计划"}, "每千人口执业(助理)医师数 3.8 人 ≥ target"},
		{"孕产妇死亡率、婴儿死亡率分别控制在8.5/10万、6.5‰以内。", Context{DocType: "工作要点"},
			"孕产妇死亡率 8.5 /10万 ≤ target|婴儿死亡率 6.5 ‰ ≤ target"},
		{"甲乙类法定报告传染病发病率控制在120/10万。", Context{DocType: "工作要点"}, "甲乙类法定报告传染病发病率 120 /10万 ≤ target"},
		{"力争2—3家医院达标，覆盖率80%—90%。", Context{}, "覆盖率 80 % range target"},
		{"为65岁以上老年人提供服务，召开2次会议，出台5个文件，开展3次培训。", Context{DocType: "工作要点"}, ""},
	}
	for _, c := range cases {
		var got []string
		for _, r := range Extract(c.text, c.ctx) {
			got = append(got, strings.Join([]string{r.Indicator, ftoa(r.Value), r.Unit, string(r.Comparator), string(r.Kind)}, " "))
			if r.Start < 0 || r.End > len(c.text) || r.Start >= r.End {
				t.Errorf("%q: span %d–%d", c.text, r.Start, r.End)
			}
		}
		if g := strings.Join(got, "|"); g != c.want {
			t.Errorf("%q:\n got %s\nwant %s", c.text, g, c.want)
		}
	}
}

func ftoa(f float64) string { return formatFloat(f) }

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
