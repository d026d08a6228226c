package formats

import (
	"archive/zip"
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
)

// taskTableWant is what the task table of the tests below reads as.
var taskTableWant = []string{
	"2023年重点工作任务分解表",
	"1.推进紧密型县域医共体建设。完善医保总额付费。（牵头单位：医政医管处；配合单位：规划处、财务处）（完成时限：2023年12月底）",
	"2.做实家庭医生签约服务。（牵头单位：基层卫生处）",
	"备注由各处室按季度报送进展",
}

// taskTableRows are the rows of that table, the header first.
var taskTableRows = [][]string{
	{"序号", "工作任务", "具体措施", "牵头单位", "配合单位", "完成时限", "责任领导"},
	{"1", "推进紧密型县域医共体建设", "完善医保总额付费", "医政医管处", "规划处、财务处", "2023年12月底", "张三"},
	{"2", "做实家庭医生签约服务。", "", "基层卫生处", "", "", "李四"},
	{"备注", "由各处室按季度报送进展"},
}

// TestTaskTableDOCX checks that a DOCX task table's rows read as the
// genre's items with their office notes.
func TestTaskTableDOCX(t *testing.T) {
	var x strings.Builder
	x.WriteString(`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`)
	x.WriteString(`<w:p><w:r><w:t>2023年重点工作任务分解表</w:t></w:r></w:p><w:tbl>`)
	for _, row := range taskTableRows {
		x.WriteString("<w:tr>")
		for _, c := range row {
			x.WriteString(`<w:tc><w:p><w:r><w:t>` + c + `</w:t></w:r></w:p></w:tc>`)
		}
		x.WriteString("</w:tr>")
	}
	x.WriteString(`</w:tbl></w:body></w:document>`)
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.Create("word/document.xml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte(x.String())); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	ex, err := Read(context.Background(), "tasks.docx", b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Split(strings.TrimSuffix(ex.Text, "\n"), "\n"); !slices.Equal(got, taskTableWant) {
		t.Errorf("lines:\n%q\nwant:\n%q", got, taskTableWant)
	}
}

// TestTaskTableHTML checks the same table on a web page, and that a table
// of another kind is read cell by cell as before.
func TestTaskTableHTML(t *testing.T) {
	var x strings.Builder
	x.WriteString("<html><body><div class=\"content\"><p>2023年重点工作任务分解表</p><table>")
	for i, row := range taskTableRows {
		x.WriteString("<tr>")
		for _, c := range row {
			if i == 0 {
				x.WriteString("<th>" + c + "</th>")
			} else {
				x.WriteString("<td>" + c + "</td>")
			}
		}
		x.WriteString("</tr>")
	}
	x.WriteString("</table><table><tr><td>指标</td><td>2023年目标</td></tr><tr><td>家庭医生签约率</td><td>45%</td></tr></table></div></body></html>")
	ex, err := Read(context.Background(), "tasks.html", []byte(x.String()))
	if err != nil {
		t.Fatal(err)
	}
	want := append(slices.Clone(taskTableWant), "指标2023年目标", "家庭医生签约率45%")
	if got := strings.Split(strings.TrimSuffix(ex.Text, "\n"), "\n"); !slices.Equal(got, want) {
		t.Errorf("lines:\n%q\nwant:\n%q", got, want)
	}
}
