// Command makefixtures remakes the test fixtures of package formats from the
// seed documents: web pages in three site templates, PDFs printed by
// Chromium, DOCX and DOC files written by LibreOffice, a DOCX with Word
// automatic numbering, an image-only PDF, and broken files. Run it from the
// repository root:
//
//	go run ./indexer/formats/testdata/makefixtures
//
// With -realdocs it makes the formats of the real documents instead (see
// realdocs.go):
//
//	go run ./indexer/formats/testdata/makefixtures -realdocs
//
// It needs chromium and soffice (Debian: chromium, libreoffice-writer-nogui,
// fonts-noto-cjk). Each fixture X comes with X.want.txt, the article text
// that was put into it, which the tests compare the extracted text with.
package main

import (
	"bytes"
	"flag"
	"log"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/text/encoding/simplifiedchinese"
)

const out = "indexer/formats/testdata"

func main() {
	log.SetFlags(0)
	realdocs := flag.Bool("realdocs", false, "make testdata/realdocs/*/page.{html,pdf,docx,doc} from the collected pages instead")
	flag.Parse()
	if *realdocs {
		realDocs("testdata/realdocs")
		return
	}
	seed := func(name string) []string {
		data, err := os.ReadFile(filepath.Join("seeds", name))
		if err != nil {
			log.Fatal(err)
		}
		return ArticleLines(string(data))
	}
	jiaxing := seed("000_79b41e1ba8677feb.txt")
	guiyang := seed("001_05f020d46ba48b5f.txt")
	zhejiang := seed("002_1fd75afd016dee74.txt")
	repost := seed("004_27d72c036dccbe36.txt")

	// Web pages: GBK table-style, UTF-8 div/li-style, aggregator repost.
	page1 := TableTemplate(Page{Title: jiaxing[0], Site: "嘉兴市卫生健康委员会", Lines: jiaxing, Meta: Meta{
		Index: "002482000/2020-12345", Issuer: "嘉兴市卫生健康委员会", Written: "2020-04-30",
		Number: "嘉卫发〔2020〕21号", Published: "2020-05-06", Topic: "卫生、体育"}})
	gbk, err := simplifiedchinese.GB18030.NewEncoder().String(page1)
	if err != nil {
		log.Fatal(err)
	}
	write("jiaxing-table.html", []byte(gbk))
	writeWant("jiaxing-table.html", jiaxing)

	write("guiyang-list.html", []byte(ListTemplate(Page{Title: guiyang[1], Site: "贵阳市卫生健康局", Lines: guiyang, Meta: Meta{
		Index: "11520100MB1234567X/2020-00087", Issuer: "贵阳市卫生健康局", Written: "2020-03-20",
		Number: "筑卫健发〔2020〕15号", Published: "2020-03-25", Topic: "综合政务"}})))
	writeWant("guiyang-list.html", guiyang)

	write("repost.html", []byte(RepostTemplate(Page{Title: repost[0], Lines: repost})))
	writeWant("repost.html", repost)

	// PDFs printed by Chromium, header and footer included.
	printPDF("jiaxing-table.html", "jiaxing-print.pdf", true)
	writeWant("jiaxing-print.pdf", jiaxing)
	printPDF("guiyang-list.html", "guiyang-print.pdf", true)
	writeWant("guiyang-print.pdf", guiyang)

	// DOCX and DOC by LibreOffice from a plain page (title and article).
	plain := filepath.Join(os.TempDir(), "zhejiang-plain.html")
	if err := os.WriteFile(plain, []byte(PlainPage(zhejiang[0], zhejiang)), 0o644); err != nil {
		log.Fatal(err)
	}
	convert(plain, "docx:MS Word 2007 XML", filepath.Join(out, "zhejiang.docx"))
	writeWant("zhejiang.docx", zhejiang)
	convert(plain, "doc:MS Word 97", filepath.Join(out, "zhejiang.doc"))
	writeWant("zhejiang.doc", zhejiang)
	os.Remove(plain)

	// Word automatic numbering, written by hand, and LibreOffice's <ol>.
	docx, shown := NumberedDOCX(guiyang)
	write("numbered.docx", docx)
	writeWant("numbered.docx", shown)
	ol := filepath.Join(os.TempDir(), "ol-plain.html")
	if err := os.WriteFile(ol, []byte(OLPage()), 0o644); err != nil {
		log.Fatal(err)
	}
	convert(ol, "docx:MS Word 2007 XML", filepath.Join(out, "ol.docx"))
	os.Remove(ol)

	// An image-only PDF: a screenshot of the page printed without text.
	shot := filepath.Join(os.TempDir(), "scan.png")
	run("chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
		"--window-size=794,1123", "--screenshot="+shot, "file://"+abs(filepath.Join(out, "jiaxing-table.html")))
	img := filepath.Join(os.TempDir(), "scan.html")
	os.WriteFile(img, []byte(`<!DOCTYPE html><html><body style="margin:0"><img src="scan.png" style="width:100%"></body></html>`), 0o644)
	printRaw(img, filepath.Join(out, "scanned.pdf"), false)
	os.Remove(img)
	pngData, _ := os.ReadFile(shot)
	os.Remove(shot)
	// A small PNG for the "not a document" case: the first 4 KB are enough.
	write("image.png", pngData[:min(len(pngData), 4096)])

	// Broken files: a PDF cut after its header and a few objects, then
	// garbage; a DOCX cut in the middle of its zip.
	pdf, _ := os.ReadFile(filepath.Join(out, "jiaxing-print.pdf"))
	bad := append([]byte{}, pdf[:min(len(pdf), 600)]...)
	bad = append(bad, bytes.Repeat([]byte("\x00garbage\xff"), 200)...)
	write("corrupt.pdf", bad)
	zdocx, _ := os.ReadFile(filepath.Join(out, "zhejiang.docx"))
	write("corrupt.docx", zdocx[:len(zdocx)/2])
}

func write(name string, data []byte) {
	if err := os.WriteFile(filepath.Join(out, name), data, 0o644); err != nil {
		log.Fatal(err)
	}
}

func writeWant(name string, lines []string) {
	write(name+".want.txt", []byte(strings.Join(lines, "\n")+"\n"))
}

// printPDF prints a fixture page to PDF with Chromium.
func printPDF(page, pdf string, headerFooter bool) {
	printRaw(filepath.Join(out, page), filepath.Join(out, pdf), headerFooter)
}
