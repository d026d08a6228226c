package export

import (
	"bytes"
	"encoding/csv"
	"slices"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/policysearch/policysearch/indexer"
)

func TestCitation(t *testing.T) {
	const title = "2020年嘉兴市卫生健康工作要点"
	for _, c := range []struct {
		path    []string
		number  string
		ordinal int
		want    string
	}{
		{[]string{"二、突出重点，深化改革", "(一)构建整合型服务体系"}, "6", 10, "《" + title + "》二、(一)6"},
		{[]string{"二、突出重点"}, "6", 10, "《" + title + "》二、6"},
		{[]string{"二、突出重点"}, "", 10, "《" + title + "》二"},
		{[]string{"第一部分 2019年工作总结"}, "3", 2, "《" + title + "》第一部分3"},
		{[]string{" 三 ．加强队伍建设"}, "", 0, "《" + title + "》三"},
		{[]string{"一、总体要求", "（二）主要目标"}, "(二)", 4, "《" + title + "》一、（二）"},
		{[]string{"一、总体要求", "( 三 )重点任务"}, "12", 4, "《" + title + "》一、(三)12"},
		{nil, "", 4, "《" + title + "》第5段"},
		{[]string{"工作目标"}, "", 0, "《" + title + "》第1段"},
		{[]string{"工作目标"}, "(三)", 0, "《" + title + "》(三)"},
	} {
		p := &indexer.Provision{DocTitle: title, HeadingPath: c.path, Number: c.number, Ordinal: c.ordinal}
		if got := Citation(p); got != c.want {
			t.Errorf("Citation(%q, %q) = %q, want %q", c.path, c.number, got, c.want)
		}
	}
}

func TestFileName(t *testing.T) {
	day := time.Date(2026, 12, 7, 15, 0, 0, 0, time.UTC)
	for q, want := range map[string]string{
		"医共体":                 "policysearch-医共体-2026-12-07.csv",
		"":                    "policysearch-2026-12-07.csv",
		`"家庭医生" -疫情 city:嘉兴市`: "policysearch-家庭医生_-疫情_city_嘉兴市-2026-12-07.csv",
		"a/b\\c\x00d":         "policysearch-a_b_c_d-2026-12-07.csv",
		"一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十多出来": "policysearch-一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十-2026-12-07.csv",
	} {
		if got := FileName(q, day, CSV); got != want {
			t.Errorf("FileName(%q) = %q, want %q", q, got, want)
		}
	}
}

var testColumns = []Column{{Name: "序号", Width: 6}, {Name: "正文", Width: 40, Wrap: true}, {Name: "年份"}}

var testRows = [][]any{
	{1, "加强\"医共体\"建设，\n推进分级诊疗", 2020},
	{2, "=HYPERLINK(\"http://x\")", nil},
	{3, "-5%", 2019},
}

func TestCSVTable(t *testing.T) {
	var buf bytes.Buffer
	tab, err := NewTable(CSV, &buf, "", testColumns)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range testRows {
		if err := tab.Row(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := tab.Row([]any{1}); err == nil {
		t.Error("a short row was taken")
	}
	if err := tab.Close(); err != nil {
		t.Fatal(err)
	}
	body, ok := bytes.CutPrefix(buf.Bytes(), []byte("\ufeff"))
	if !ok {
		t.Fatal("no byte-order mark")
	}
	if !bytes.HasPrefix(body, []byte("序号,正文,年份\r\n")) {
		t.Errorf("header line %q", body[:min(len(body), 30)])
	}
	got, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"序号", "正文", "年份"}, {"1", "加强\"医共体\"建设，\r\n推进分级诊疗", "2020"},
		{"2", "'=HYPERLINK(\"http://x\")", ""}, {"3", "'-5%", "2019"}}
	// encoding/csv writes a newline within a field as CRLF too.
	if len(got) != len(want) {
		t.Fatalf("rows %q", got)
	}
	for i := range want {
		if !slices.Equal(got[i], want[i]) && !(i == 1 && got[i][1] == "加强\"医共体\"建设，\n推进分级诊疗") {
			t.Errorf("row %d = %q, want %q", i, got[i], want[i])
		}
	}
}

func TestXLSXTable(t *testing.T) {
	var buf bytes.Buffer
	tab, err := NewTable(XLSX, &buf, "表", testColumns)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range testRows {
		if err := tab.Row(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := tab.Flush(); err != nil || buf.Len() != 0 {
		t.Errorf("an XLSX table wrote %d bytes before Close (%v)", buf.Len(), err)
	}
	if err := tab.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("表")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"序号", "正文", "年份"}, {"1", "加强\"医共体\"建设，\n推进分级诊疗", "2020"},
		{"2", "=HYPERLINK(\"http://x\")"}, {"3", "-5%", "2019"}}
	if len(rows) != len(want) {
		t.Fatalf("rows %q", rows)
	}
	for i := range want {
		if !slices.Equal(rows[i], want[i]) {
			t.Errorf("row %d = %q, want %q", i, rows[i], want[i])
		}
	}
	// Text is text in a workbook: nothing there is a formula.
	if f2, _ := f.GetCellFormula("表", "B3"); f2 != "" {
		t.Errorf("B3 holds a formula %q", f2)
	}
	if w, _ := f.GetColWidth("表", "B"); w != 40 {
		t.Errorf("column B width %v, want 40", w)
	}
	st, _ := f.GetCellStyle("表", "A1")
	if s, err := f.GetStyle(st); err != nil || s.Font == nil || !s.Font.Bold {
		t.Errorf("the header is not bold: %+v %v", s, err)
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"csv": CSV, "XLSX": XLSX, " xlsx ": XLSX} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "xls", "pdf"} {
		if _, err := ParseFormat(in); err == nil {
			t.Errorf("ParseFormat(%q) took it", in)
		}
	}
}
