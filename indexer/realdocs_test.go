package indexer

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/policysearch/policysearch/analyzers"
)

// realDocsDir holds real documents of the genre, collected from public
// pages, each folder with the page as found (page.txt), the same document
// in other formats (page.html, page.pdf, page.docx, page.doc), the body a
// careful reader keeps (article.txt) and the metadata that reader fills
// (truth.json). SOURCES-*.md give their addresses.
const realDocsDir = "../testdata/realdocs"

// realTruth is the hand-written metadata of one real document.
type realTruth struct {
	URL       string `json:"url"`
	Title     string `json:"title"`
	Province  string `json:"province"`
	City      string `json:"city"`
	County    string `json:"county"`
	Level     string `json:"level"`
	Year      int    `json:"year"`
	DocType   string `json:"doc_type"`
	Issuer    string `json:"issuer"`
	DocNumber string `json:"doc_number"`
	Parts     []struct {
		Year    int    `json:"year"`
		DocType string `json:"doc_type"`
	} `json:"parts"`
}

// realDoc is one folder of realDocsDir.
type realDoc struct {
	dir     string
	truth   realTruth
	article []string // the body's sentences
	formats []string // the page files present: page.txt, page.html…
}

// loadRealDocs reads every folder of realDocsDir.
func loadRealDocs(t *testing.T) []realDoc {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join(realDocsDir, "*", "truth.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) == 0 {
		t.Fatalf("no real documents under %s", realDocsDir)
	}
	var out []realDoc
	for _, tf := range dirs {
		d := realDoc{dir: filepath.Dir(tf)}
		raw, err := os.ReadFile(tf)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, &d.truth); err != nil {
			t.Fatalf("%s: %v", tf, err)
		}
		art, err := os.ReadFile(filepath.Join(d.dir, "article.txt"))
		if err != nil {
			t.Fatal(err)
		}
		d.article = sentences(string(art))
		for _, f := range []string{"page.txt", "page.html", "page.pdf", "page.docx", "page.doc", "page.wps"} {
			if _, err := os.Stat(filepath.Join(d.dir, f)); err == nil {
				d.formats = append(d.formats, f)
			}
		}
		out = append(out, d)
	}
	return out
}

// sentenceEnd splits text into the sentences whose recovery is checked.
var sentenceEnd = regexp.MustCompile(`[。！？；;\n]`)

// numberRe matches the numbering that opens a heading or item: provisions
// keep their number apart from their text.
var numberRe = regexp.MustCompile(`^(?:[一二三四五六七八九十]+[、.]|[(（][一二三四五六七八九十\d]+[)）]|\d{1,3}[.、．]|[①-⑳])`)

// sentences returns the sentences of text of six characters or more,
// normalised, without white space and without a leading number.
func sentences(text string) []string {
	var out []string
	// The documents are indexed in simplified characters.
	text, _, _ = simplify(text)
	for _, s := range sentenceEnd.Split(text, -1) {
		s = numberRe.ReplaceAllString(squeeze(s), "")
		if len([]rune(s)) >= 6 {
			out = append(out, s)
		}
	}
	return out
}

// squeeze normalises s and drops its white space, so that text broken
// over lines or pages compares equal to the same text whole.
func squeeze(s string) string {
	return strings.Join(strings.Fields(analyzers.Normalize(s)), "")
}

// chromeMarks are words of page chrome and print furniture that never
// belong in a provision of these documents.
var chromeMarks = []string{
	"当前位置", "字体大小", "字号：", "打印本页", "关闭窗口", "扫一扫", "网站标识码", "备案号", "ICP备",
	"主办单位", "上传人", "文档编号", "点击查看更多", "分享到", "我要收藏", "索引号", "浏览次数",
	"上一篇", "下一篇", "阅读全部", "第1页/共", "本站小编",
}

// issuerForms are the long and short forms of one authority's name: a
// document may sign with either, and both name the same issuer.
var issuerForms = strings.NewReplacer(
	"卫生和计划生育委员会", "卫生计生委", "卫计委", "卫生计生委",
	"卫生健康委员会", "卫生健康委", "卫健委", "卫生健康委",
	"卫生和计划生育局", "卫生计生局", "卫计局", "卫生计生局",
	"卫健局", "卫生健康局",
)

// issuerKey is an issuer's name with its authority in one form.
func issuerKey(s string) string {
	return issuerForms.Replace(analyzers.StripSpaces(s))
}

// realResult is what one file of a real document gave.
type realResult struct {
	dir, format      string
	checks, right    int
	wrong            []string
	wrongFields      []string
	sentences, found int
	lost             []string // sentences not recovered
	chrome           []string
	err              error
}

// checkReal parses one file of a real document and compares it with the
// truth.
func checkReal(d realDoc, file string) realResult {
	r := realResult{dir: filepath.Base(d.dir), format: strings.TrimPrefix(filepath.Ext(file), ".")}
	doc, err := loadFile(os.DirFS(d.dir), file)
	if err != nil {
		r.err = err
		return r
	}
	tr := d.truth
	city := doc.City
	if tr.City == "" && tr.Level == "省级" && city == doc.Province {
		// 北京市, 上海市…: the municipality is its own city.
		city = ""
	}
	cmp := func(field, got, want string) {
		r.checks++
		if got == want {
			r.right++
			return
		}
		r.wrong = append(r.wrong, fmt.Sprintf("%s %q, want %q (%s)", field, got, want, doc.Provenance[field].From))
		r.wrongFields = append(r.wrongFields, field)
	}
	cmp("city", city, tr.City)
	cmp("province", doc.Province, tr.Province)
	cmp("county", doc.County, tr.County)
	cmp("level", doc.Level, tr.Level)
	cmp("year", fmt.Sprint(doc.Year), fmt.Sprint(tr.Year))
	cmp("doc_type", doc.DocType, tr.DocType)
	if issuerKey(doc.Issuer) == issuerKey(tr.Issuer) {
		cmp("issuer", tr.Issuer, tr.Issuer)
	} else {
		cmp("issuer", doc.Issuer, tr.Issuer)
	}
	cmp("doc_number", doc.DocNumber, tr.DocNumber)

	var text strings.Builder
	text.WriteString(squeeze(doc.Title))
	for _, p := range doc.Provisions {
		for _, h := range p.HeadingPath {
			text.WriteString(numberRe.ReplaceAllString(squeeze(h), ""))
		}
		text.WriteString(squeeze(p.Text))
		for _, m := range chromeMarks {
			if strings.Contains(p.Text, m) {
				r.chrome = append(r.chrome, fmt.Sprintf("%s in %q", m, clip(p.Text, 30)))
			}
		}
	}
	all := text.String()
	for _, s := range d.article {
		r.sentences++
		if strings.Contains(all, s) {
			r.found++
		} else {
			r.lost = append(r.lost, s)
		}
	}
	return r
}

// TestRealDocuments reads every real document in every format it has and
// checks its metadata against the hand-written truth, the recovery of its
// body's sentences into provisions, and that no chrome reaches a provision.
// Run with -v for the figures per format and every wrong value.
func TestRealDocuments(t *testing.T) {
	docs := loadRealDocs(t)
	type tally struct{ files, failed, checks, right, sentences, found, chrome int }
	by := map[string]*tally{}
	fieldWrong, fieldChecks := map[string]int{}, 0
	places := map[string]bool{}
	counties := 0
	for _, d := range docs {
		places[d.truth.Province+d.truth.City] = true
		if d.truth.County != "" {
			counties++
		}
		for _, f := range d.formats {
			r := checkReal(d, f)
			tl := by[r.format]
			if tl == nil {
				tl = &tally{}
				by[r.format] = tl
			}
			tl.files++
			if r.err != nil {
				tl.failed++
				t.Errorf("%s/%s: not accepted: %v", r.dir, f, r.err)
				continue
			}
			tl.checks += r.checks
			fieldChecks++
			for _, f := range r.wrongFields {
				fieldWrong[f]++
			}
			tl.right += r.right
			tl.sentences += r.sentences
			tl.found += r.found
			tl.chrome += len(r.chrome)
			for _, w := range r.wrong {
				t.Logf("%s/%s: %s", r.dir, f, w)
			}
			for _, c := range r.chrome {
				t.Errorf("%s/%s: chrome in a provision: %s", r.dir, f, c)
			}
			for _, s := range r.lost {
				t.Logf("%s/%s: sentence not recovered: %s", r.dir, f, clip(s, 40))
			}
		}
	}
	t.Logf("%d documents from %d places (%d county-level)", len(docs), len(places), counties)
	for _, f := range []string{"city", "province", "county", "level", "year", "doc_type", "issuer", "doc_number"} {
		t.Logf("%-10s %d of %d files right (%.1f%%)", f, fieldChecks-fieldWrong[f], fieldChecks, 100*float64(fieldChecks-fieldWrong[f])/float64(max(fieldChecks, 1)))
	}
	formats := make([]string, 0, len(by))
	for f := range by {
		formats = append(formats, f)
	}
	sort.Strings(formats)
	for _, f := range formats {
		tl := by[f]
		meta := float64(tl.right) / float64(max(tl.checks, 1))
		recovered := float64(tl.found) / float64(max(tl.sentences, 1))
		t.Logf("%-5s %2d files, %d refused: metadata %d/%d right (%.1f%%), sentences %d/%d recovered (%.1f%%), %d chrome lines",
			f, tl.files, tl.failed, tl.right, tl.checks, 100*meta, tl.found, tl.sentences, 100*recovered, tl.chrome)
		// Floors below what the fixtures give today: a fall under them is
		// a regression, not noise.
		if meta < realMetaFloor {
			t.Errorf("%s: metadata %.1f%% right, below %.0f%%", f, 100*meta, 100*realMetaFloor)
		}
		if recovered < realTextFloor {
			t.Errorf("%s: %.1f%% of body sentences recovered, below %.0f%%", f, 100*recovered, 100*realTextFloor)
		}
	}
	if !slices.Contains(formats, "txt") {
		t.Error("no page.txt among the real documents")
	}
}

// Floors of TestRealDocuments.
const (
	realMetaFloor = 0.90
	realTextFloor = 0.95
)
