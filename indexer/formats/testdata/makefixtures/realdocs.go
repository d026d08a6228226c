// realDocs turns the collected real documents (testdata/realdocs/*/,
// each with article.txt and truth.json) into the formats users upload:
// page.html (the article in one of three site templates; about half with
// a metadata table filled from truth.json), page.pdf (Chromium's print of
// page.html), page.docx for every other folder and page.doc for a few
// (LibreOffice, from the page's text as found).

package main

import (
	"encoding/json"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// truth is the part of truth.json the pages use.
type truth struct {
	Title     string `json:"title"`
	Issuer    string `json:"issuer"`
	DocNumber string `json:"doc_number"`
	Year      int    `json:"year"`
	DocType   string `json:"doc_type"`
}

var (
	tableRe = regexp.MustCompile(`(?s)<table[^>]*class="xxgk_table".*?</table>\n`)
	listRe  = regexp.MustCompile(`(?s)<div class="xxgk-info">.*?</ul></div>\n`)
)

func realDocs(root string) {
	dirs, err := filepath.Glob(filepath.Join(root, "*", "truth.json"))
	if err != nil || len(dirs) == 0 {
		log.Fatalf("no %s/*/truth.json (run from the repository root): %v", root, err)
	}
	for i, tj := range dirs {
		dir := filepath.Dir(tj)
		var tr truth
		data, err := os.ReadFile(tj)
		if err != nil {
			log.Fatal(err)
		}
		if err := json.Unmarshal(data, &tr); err != nil {
			log.Fatalf("%s: %v", tj, err)
		}
		art, err := os.ReadFile(filepath.Join(dir, "article.txt"))
		if err != nil {
			log.Printf("%s: no article.txt, skipped", dir)
			continue
		}
		lines := ArticleLines(string(art))
		if len(lines) == 0 {
			continue
		}
		// A document without a title gets none: the page has only its
		// site's name.
		title := tr.Title
		if title != "" && stripped(lines[0]) != stripped(title) {
			lines = append([]string{title}, lines...)
		}
		// A date for the table: plans are written early in their year,
		// reviews early in the next.
		date := fmt.Sprintf("%d-02-20", tr.Year)
		if strings.Contains(tr.DocType, "总结") {
			date = fmt.Sprintf("%d-01-20", tr.Year+1)
		}
		site := tr.Issuer
		if site == "" {
			site = "卫生健康委员会"
		}
		p := Page{Title: title, Site: site, Lines: lines, Meta: Meta{
			Index: fmt.Sprintf("00%07d/%d-%05d", 1000+i, tr.Year, 100+i), Issuer: tr.Issuer, Written: date,
			Number: tr.DocNumber, Published: date, Topic: "卫生、体育"}}
		withTable := i%2 == 0
		var page string
		switch i % 3 {
		case 0:
			page = TableTemplate(p)
			if !withTable {
				page = tableRe.ReplaceAllString(page, "")
			}
			gbk, err := simplifiedchinese.GB18030.NewEncoder().String(page)
			if err != nil {
				log.Fatalf("%s: %v", dir, err)
			}
			page = gbk
		case 1:
			page = ListTemplate(p)
			if !withTable {
				page = listRe.ReplaceAllString(page, "")
			}
		default:
			page = RepostTemplate(p)
		}
		htmlPath := filepath.Join(dir, "page.html")
		if err := os.WriteFile(htmlPath, []byte(page), 0o644); err != nil {
			log.Fatal(err)
		}
		printRaw(htmlPath, filepath.Join(dir, "page.pdf"), true)
		if i%2 == 1 || i%7 == 0 {
			// A Word file holds the document as its office keeps it,
			// notice and signature included: the page's text as found.
			raw, err := os.ReadFile(filepath.Join(dir, "page.txt"))
			if err != nil {
				log.Fatal(err)
			}
			found := ArticleLines(string(raw))
			plain := filepath.Join(os.TempDir(), "page.html")
			if err := os.WriteFile(plain, []byte(PlainPage("", found)), 0o644); err != nil {
				log.Fatal(err)
			}
			if i%2 == 1 {
				convert(plain, "docx:MS Word 2007 XML", filepath.Join(dir, "page.docx"))
			}
			if i%7 == 0 {
				convert(plain, "doc:MS Word 97", filepath.Join(dir, "page.doc"))
			}
			os.Remove(plain)
		}
		log.Printf("%s: page.html (table %v), page.pdf", dir, withTable && i%3 != 2)
	}
}

func stripped(s string) string { return strings.Join(strings.Fields(s), "") }
