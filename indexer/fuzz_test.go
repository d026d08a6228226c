package indexer

import (
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/policysearch/policysearch/seeds"
)

// FuzzParse reads arbitrary bytes as an uploaded file is read: decode,
// then parse. Neither may panic; a rejection must say which kind of bad
// input it met; a parsed document must hold well-formed provisions, the
// same ones every time.
func FuzzParse(f *testing.F) {
	entries, err := fs.ReadDir(seeds.FS, ".")
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		data, err := fs.ReadFile(seeds.FS, e.Name())
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	first, err := fs.ReadFile(seeds.FS, entries[0].Name())
	if err != nil {
		f.Fatal(err)
	}
	gbk, err := simplifiedchinese.GB18030.NewEncoder().Bytes(first)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(gbk)
	// The forms the cleaning and metadata rules read: glosses, spam, a
	// source line, office notes, a leader's words, a run-on title.
	for _, s := range []string{
		"免费三级片久久无码欧美\n深化医(yī)药卫(wèi)生体制改革工作要点\n文章来源:某县卫生健康委员会 发表时间:2021-05-07\n一、重点工作\n1.推进分级诊疗。（牵头单位：市卫生健康委；配合单位：市医保局）\n",
		"2021年度卫计局工作总结 2021年，深入贯彻总书记来陕考察重要讲话精神。\n1.做好防控牵头责任单位:县卫健委主要协作单位:各乡镇人民政府\n2.（医政医管处负责）【牵头单位】",
		"卫生健康局2022年工作总结范文.docx_第1页\n编号:682553579\n【正文】撰写人: ___ 日 期: ___\n卫生\n健康\n2022\n上半年\n工作\n",
	} {
		f.Add([]byte(s))
	}
	for _, s := range []string{
		"",
		"   \n\t ",
		"\xef\xbb\xbf2023年舟山市卫生健康工作要点\r\n一、深化改革\r\n1.推进医共体建设。完善配套政策。\r\n2.加强基层能力。\r\n",
		"一、\n二、\n三、",
		"1.\n2.\n3.",
		"(一)加强党建\n(二)深化改革。推进医改。",
		"- 54. 完善分级诊疗制度。\n- 55. 推进家庭医生签约服务。",
		"第1页 共3页\n\n标题\n\n1.内容。",
		"%PDF-1.4 binary",
		"PK\x03\x04zip",
		"text with a NUL \x00 byte",
		"\xff\xfe\xfd\xfc not any encoding \x81\x30",
		"6.6亿元投入。\n7.推进。",
		"。。。；；；\n。",
	} {
		f.Add([]byte(s))
	}

	f.Fuzz(func(t *testing.T, data []byte) {
		text, err := DecodeText("fuzz.txt", data)
		if err != nil {
			if !errors.Is(err, ErrEmpty) && !errors.Is(err, ErrBinary) && !errors.Is(err, ErrEncoding) {
				t.Fatalf("DecodeText error of no known kind: %v", err)
			}
			return
		}
		doc, err := Parse("fuzz.txt", text)
		if err != nil {
			return
		}
		checkDocument(t, doc)
		again, err := Parse("fuzz.txt", text)
		if err != nil {
			t.Fatalf("second parse failed: %v", err)
		}
		if !reflect.DeepEqual(doc, again) {
			t.Fatal("parsing the same text twice gave different documents")
		}
	})
}

// checkDocument checks the invariants every parsed document keeps.
func checkDocument(t *testing.T, doc Document) {
	t.Helper()
	if len(doc.ID) != 16 || strings.Trim(doc.ID, "0123456789abcdef") != "" {
		t.Errorf("document id %q is not 16 hex digits", doc.ID)
	}
	if len(doc.Provisions) == 0 {
		t.Fatal("parsed document without provisions")
	}
	seen := map[string]bool{}
	for i, p := range doc.Provisions {
		if strings.TrimSpace(p.Text) == "" {
			t.Errorf("provision %d has empty text: %+v", i, p)
		}
		if seen[p.ID] {
			t.Errorf("provision id %s repeated", p.ID)
		}
		seen[p.ID] = true
		if want := fmt.Sprintf("%s-%03d", doc.ID, i); p.ID != want {
			t.Errorf("provision %d has id %s, want %s", i, p.ID, want)
		}
		if p.DocID != doc.ID || p.Ordinal != i {
			t.Errorf("provision %d: doc %s ordinal %d, want %s %d", i, p.DocID, p.Ordinal, doc.ID, i)
		}
		for _, h := range p.HeadingPath {
			if strings.TrimSpace(h) == "" {
				t.Errorf("provision %d has an empty heading in %q", i, p.HeadingPath)
			}
		}
	}
}
