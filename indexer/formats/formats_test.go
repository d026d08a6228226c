package formats

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/policysearch/policysearch/analyzers"
)

// needTool skips a test when an external program is missing, except on CI
// (CI=true), where a missing program is a failure: .ci/run installs them.
func needTool(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s not installed (CI=true): %v", tool, err)
			}
			t.Skipf("%s not installed: %v", tool, err)
		}
	}
}

// fixture reads a file of testdata.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// fold makes text comparable across formats: no white space, full-width
// punctuation as ASCII.
var fold = strings.NewReplacer("（", "(", "）", ")", "：", ":", "，", ",", "；", ";", "“", "\"", "”", "\"")

func normal(s string) string { return fold.Replace(analyzers.StripSpaces(s)) }

// sentences splits a text at 。；！？ and line ends.
func sentences(text string) []string {
	var out []string
	for _, s := range regexp.MustCompile(`[。；;！？\n]`).Split(text, -1) {
		if s = normal(s); len([]rune(s)) >= 2 {
			out = append(out, s)
		}
	}
	return out
}

// recovered returns the share of want's sentences found in got, and the
// first few missing.
func recovered(want, got string) (float64, []string) {
	g := normal(got)
	ss := sentences(want)
	var missing []string
	for _, s := range ss {
		if !strings.Contains(g, s) {
			missing = append(missing, s)
		}
	}
	return 1 - float64(len(missing))/float64(len(ss)), missing[:min(len(missing), 5)]
}

// chromeMarkers are strings of the fixtures' page chrome that no article
// contains.
var chromeMarkers = []string{
	"当前位置", "您现在的位置", "字体", "字号", "打印", "关闭窗口", "分享到", "扫一扫", "网站标识码", "备案号", "备案序号",
	"ICP备", "主办单位", "上传人", "下载本文", "机构概况", "办事服务", "相关链接", "热门推荐",
	"广告", "网友评论", "最新文章", "信息公开目录", "请输入关键字", "上一篇", "下一篇", "版权所有",
	"为切实做好我院", "VIP", "file://", "浏览次数", "发布时间", "索引号", "索 引 号",
}

// leakRes match lines of print furniture: page numbers, a browser's print
// header (date and time) and footer (address, n/m).
var leakRes = []*regexp.Regexp{
	regexp.MustCompile(`^\s*(\d+\s*/\s*\d+|-\s*\d+\s*-|\d+|第\s*\d+\s*页.*)\s*$`),
	regexp.MustCompile(`\d{1,4}/\d{1,2}/\d{1,4},?\s+\d{1,2}:\d{2}`),
}

func chromeLeaks(text string) []string {
	var leaks []string
	for _, l := range strings.Split(text, "\n") {
		for _, m := range chromeMarkers {
			if strings.Contains(l, m) {
				leaks = append(leaks, m+": "+l)
			}
		}
		for _, re := range leakRes {
			if re.MatchString(l) {
				leaks = append(leaks, "print furniture: "+l)
			}
		}
	}
	return leaks
}

func TestFixtures(t *testing.T) {
	jiaxingFields := map[string]string{"发布机构": "嘉兴市卫生健康委员会", "成文日期": "2020-04-30", "文号": "嘉卫发〔2020〕21号",
		"索引号": "002482000/2020-12345", "发布日期": "2020-05-06", "网站名称": "嘉兴市卫生健康委员会"}
	guiyangFields := map[string]string{"发布机构": "贵阳市卫生健康局", "成文日期": "2020-03-20", "文号": "筑卫健发〔2020〕15号",
		"索引号": "11520100MB1234567X/2020-00087", "网站名称": "贵阳市卫生健康局"}
	tests := []struct {
		file, format string
		min          float64 // share of the article's sentences recovered
		fields       map[string]string
		tools        []string
	}{
		{"jiaxing-table.html", "html", 0.98, merge(jiaxingFields, map[string]string{"ArticleTitle": "嘉兴市卫生健康委关于印发2020年嘉兴市卫生健康工作要点的通知", "ContentSource": "市卫生健康委"}), nil},
		{"guiyang-list.html", "html", 0.98, merge(guiyangFields, map[string]string{"PubDate": "2020-03-25 10:12:00"}), nil},
		{"repost.html", "html", 0.98, map[string]string{"网站名称": "美章网"}, nil},
		{"jiaxing-print.pdf", "pdf", 0.95, jiaxingFields, []string{"pdftotext"}},
		{"guiyang-print.pdf", "pdf", 0.95, guiyangFields, []string{"pdftotext"}},
		{"zhejiang.docx", "docx", 0.98, nil, nil},
		{"numbered.docx", "docx", 0.98, nil, nil},
		{"zhejiang.doc", "doc", 0.98, nil, []string{"catdoc"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			needTool(t, tt.tools...)
			ex, err := Read(context.Background(), tt.file, fixture(t, tt.file))
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if ex.Format != tt.format {
				t.Errorf("format %q, want %q", ex.Format, tt.format)
			}
			share, missing := recovered(string(fixture(t, tt.file+".want.txt")), ex.Text)
			if share < tt.min {
				t.Errorf("recovered %.1f%% of the sentences, want ≥ %.0f%%; missing: %q", 100*share, 100*tt.min, missing)
			}
			if leaks := chromeLeaks(ex.Text); len(leaks) > 0 {
				t.Errorf("%d chrome lines leaked: %q", len(leaks), leaks[:min(len(leaks), 5)])
			}
			for k, v := range tt.fields {
				if got := ex.Fields[k]; analyzers.StripSpaces(got) != analyzers.StripSpaces(v) {
					t.Errorf("field %s = %q, want %q", k, got, v)
				}
			}
			if strings.Contains(ex.Text, "\r") || !strings.HasSuffix(ex.Text, "\n") {
				t.Errorf("text does not end its lines with \\n only")
			}
		})
	}
}

func merge(a, b map[string]string) map[string]string {
	m := map[string]string{}
	for k, v := range a {
		m[k] = v
	}
	for k, v := range b {
		m[k] = v
	}
	return m
}

// TestDOCXNumbering checks that Word automatic numbering is written out.
func TestDOCXNumbering(t *testing.T) {
	ex, err := Read(context.Background(), "numbered.docx", fixture(t, "numbered.docx"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\n一、", "\n二、", "\n（一）", "\n（二）", "\n1.", "\n2.", "\n七、", "\n11."} {
		if !strings.Contains("\n"+ex.Text, want) {
			t.Errorf("no line starting %q", want[1:])
		}
	}
	if strings.Contains(ex.Text, "页眉") {
		t.Error("the header part was read as body text")
	}
	// After 二、 the second level starts again at （一）.
	i := strings.Index(ex.Text, "\n二、")
	if j := strings.Index(ex.Text[i+1:], "\n（"); j < 0 || !strings.HasPrefix(ex.Text[i+1+j+1:], "（一）") {
		t.Errorf("second-level numbering does not restart after 二、")
	}

	ol, err := Read(context.Background(), "ol.docx", fixture(t, "ol.docx"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"1.推进医共体建设。", "2.加强基层能力建设。", "3.做实家庭医生签约服务。"} {
		if !strings.Contains(ol.Text, want) {
			t.Errorf("LibreOffice list: no %q in %q", want, ol.Text)
		}
	}
}

func TestChineseNumber(t *testing.T) {
	for n, want := range map[int]string{1: "一", 10: "十", 11: "十一", 20: "二十", 21: "二十一", 100: "一百", 105: "一百零五", 110: "一百一十", 1001: "一千零一"} {
		if got := chineseNumber(n); got != want {
			t.Errorf("chineseNumber(%d) = %q, want %q", n, got, want)
		}
	}
	if got := formatNumber(3, "ideographTraditional"); got != "丙" {
		t.Errorf("ideographTraditional 3 = %q", got)
	}
}

// TestErrors checks that each kind of bad file gives its error.
func TestErrors(t *testing.T) {
	zipOf := func(names ...string) []byte {
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		for _, n := range names {
			w, _ := zw.Create(n)
			w.Write([]byte("<x/>"))
		}
		zw.Close()
		return b.Bytes()
	}
	ole := append([]byte(oleMagic), make([]byte, 1024)...)
	tests := []struct {
		name  string
		data  []byte
		err   error
		msg   string
		tools []string
	}{
		{"corrupt.pdf", fixture(t, "corrupt.pdf"), ErrCorrupt, "pdftotext could not read", []string{"pdftotext"}},
		{"corrupt.docx", fixture(t, "corrupt.docx"), ErrCorrupt, "not a readable DOCX", nil},
		{"image.png", fixture(t, "image.png"), ErrUnsupported, "PNG image", nil},
		{"image.png.txt", fixture(t, "image.png"), ErrBinary, "PNG image", nil},
		{"book.xlsx", zipOf("xl/workbook.xml"), ErrUnsupported, "ZIP archive without word/document.xml", nil},
		{"report.docx", zipOf("xl/workbook.xml"), ErrUnsupported, "without word/document.xml", nil},
		{"sheet.xls", ole, ErrUnsupported, "without a WordDocument stream", nil},
		{"data.gz", []byte("\x1f\x8b\x08\x00rest"), ErrUnsupported, "gzip", nil},
		{"empty.html", []byte("<html><body>  </body></html>"), ErrEmpty, "without text", nil},
		{"blank.txt", []byte(" \n "), ErrEmpty, "no text", nil},
		{"latin1.txt", []byte("caf\xe9 cr\xe8me"), ErrEncoding, "neither UTF-8", nil},
		{"big.txt", make([]byte, MaxFileBytes+1), ErrTooLarge, "limit", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			needTool(t, tt.tools...)
			_, err := Read(context.Background(), tt.name, tt.data)
			if !errors.Is(err, tt.err) {
				t.Fatalf("error %v, want %v", err, tt.err)
			}
			if !strings.Contains(err.Error(), tt.msg) || !strings.Contains(err.Error(), tt.name) {
				t.Errorf("error %q should name the file and say %q", err, tt.msg)
			}
		})
	}
}

// TestMissingTools checks the message when a converter is not installed.
func TestMissingTools(t *testing.T) {
	defer func(f func(string) (string, error)) { lookTool = f }(lookTool)
	lookTool = func(string) (string, error) { return "", exec.ErrNotFound }
	for name, pkg := range map[string]string{"jiaxing-print.pdf": "poppler-utils", "zhejiang.doc": "catdoc"} {
		_, err := Read(context.Background(), name, fixture(t, name))
		if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), pkg) {
			t.Errorf("%s: error %v, want ErrUnsupported naming %s", name, err, pkg)
		}
	}
}

// TestScannedPDF reads a scan by recognising its pages, and says which
// packages are missing where they are.
func TestScannedPDF(t *testing.T) {
	needTool(t, "pdftotext", "pdftoppm", "tesseract")
	if !ocrAvailable(context.Background()) {
		if os.Getenv("CI") == "true" {
			t.Fatal("tesseract has no chi_sim model (CI=true): .ci/run installs tesseract-ocr-chi-sim")
		}
		t.Skip("tesseract has no chi_sim model")
	}
	ex, err := Read(context.Background(), "scanned.pdf", fixture(t, "scanned.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	if ex.Format != "pdf" || ex.Fields[RecognisedField] == "" {
		t.Errorf("format %q, fields %v: want pdf, recognised", ex.Format, ex.Fields)
	}
	for _, want := range []string{"2020年嘉兴市卫生健康工作要点", "嘉兴市卫生健康委员会", "医共体"} {
		if !strings.Contains(analyzers.StripSpaces(ex.Text), want) {
			t.Errorf("recognised text lacks %q: %.300q", want, ex.Text)
		}
	}

	defer func(f func(string) (string, error)) { lookTool = f }(lookTool)
	lookTool = func(name string) (string, error) {
		if name == "tesseract" {
			return "", exec.ErrNotFound
		}
		return exec.LookPath(name)
	}
	_, err = Read(context.Background(), "scanned.pdf", fixture(t, "scanned.pdf"))
	if !errors.Is(err, ErrNoTextLayer) || !strings.Contains(err.Error(), "tesseract-ocr-chi-sim") || !strings.Contains(err.Error(), "scanned.pdf") {
		t.Errorf("without tesseract: error %v, want ErrNoTextLayer naming the file and tesseract-ocr-chi-sim", err)
	}
}

// TestWPS reads a Word binary file named .wps, as WPS Office writes them.
func TestWPS(t *testing.T) {
	needTool(t, "catdoc")
	ex, err := Read(context.Background(), "工作要点.wps", fixture(t, "zhejiang.doc"))
	if err != nil {
		t.Fatal(err)
	}
	if ex.Format != "wps" || !strings.Contains(ex.Text, "2022年浙江省卫生健康工作要点") {
		t.Errorf("format %q, text %.100q", ex.Format, ex.Text)
	}
}

// TestAntiwordFallback reads the DOC with antiword alone.
func TestAntiwordFallback(t *testing.T) {
	needTool(t, "antiword")
	defer func(f func(string) (string, error)) { lookTool = f }(lookTool)
	lookTool = func(name string) (string, error) {
		if name == "catdoc" {
			return "", exec.ErrNotFound
		}
		return exec.LookPath(name)
	}
	ex, err := Read(context.Background(), "zhejiang.doc", fixture(t, "zhejiang.doc"))
	if err != nil {
		t.Fatal(err)
	}
	if share, missing := recovered(string(fixture(t, "zhejiang.doc.want.txt")), ex.Text); share < 0.98 {
		t.Errorf("antiword recovered %.1f%%; missing %q", 100*share, missing)
	}
}

// TestTempFilesAndCancel checks that converters leave no temporary files
// and stop with their context.
func TestTempFilesAndCancel(t *testing.T) {
	needTool(t, "pdftotext")
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	if _, err := Read(context.Background(), "a.pdf", fixture(t, "jiaxing-print.pdf")); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Read(ctx, "a.pdf", fixture(t, "jiaxing-print.pdf")); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled read: %v, want context.Canceled", err)
	}
	if left, _ := os.ReadDir(dir); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// TestText reads GBK text and tells HTML from text.
func TestText(t *testing.T) {
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String("2023年工作要点\r\n一、深化改革\r\n")
	ex, err := Read(context.Background(), "a.txt", []byte(gbk))
	if err != nil || ex.Format != "text" || ex.Text != "2023年工作要点\n一、深化改革\n" {
		t.Errorf("GBK text: %q %q %v", ex.Format, ex.Text, err)
	}
	ex, err = Read(context.Background(), "saved.txt", []byte("<!DOCTYPE html><html><head><title>标题 - 某市卫生健康委员会</title></head><body><div id=\"zoom\"><p>一、深化改革。</p><p>推进医共体建设。</p></div></body></html>"))
	if err != nil || ex.Format != "html" || ex.Text != "标题\n一、深化改革。\n推进医共体建设。\n" || ex.Fields["网站名称"] != "某市卫生健康委员会" {
		t.Errorf("HTML named .txt: %q %q %v %v", ex.Format, ex.Text, ex.Fields, err)
	}
}

// TestPDFClean checks the page furniture rules on pdftotext-like output.
func TestPDFClean(t *testing.T) {
	page := func(n int) string {
		long := strings.Repeat(string([]rune("甲乙丙")[n-1])+"推进医疗卫生服务体系建设", 6)
		return "    某市卫生健康委员会文件\n" +
			"  " + long + "\n" + // a full line that continues
			"  " + long[:30] + "。\n" +
			"  二、加强" + string([]rune("甲乙丙")[n-1]) + "基层能力\n" +
			"                 - " + string(rune('0'+n)) + " -\n"
	}
	out := page(1) + "\f" + page(2) + "\f" + page(3) + "\f"
	text, _ := cleanPDFText(out)
	if strings.Contains(text, "文件") || strings.Contains(text, "- 2 -") {
		t.Errorf("running header or page number kept:\n%s", text)
	}
	long := strings.Repeat("甲推进医疗卫生服务体系建设", 6)
	want := long + long[:30] + "。\n二、加强甲基层能力\n"
	if !strings.HasPrefix(text, want) {
		t.Errorf("lines not rejoined:\n%s\nwant prefix\n%s", text, want)
	}
}
