package indexer

import (
	"os"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

func TestLoadManifest(t *testing.T) {
	t.Run("missing", func(t *testing.T) {
		m, err := LoadManifest(fstest.MapFS{})
		if err != nil || m == nil || len(m) != 0 {
			t.Fatalf("LoadManifest without a manifest = %v, %v; want an empty manifest", m, err)
		}
	})
	t.Run("entries", func(t *testing.T) {
		fsys := fstest.MapFS{ManifestName: {Data: []byte(
			"\xef\xbb\xbf{\"file\": \"000001.txt\", \"city\": \"绍兴市\", \"province\": \"浙江省\", \"year\": 2021, \"doc_type\": \"工作要点\"}\n" +
				"\n" +
				"{\"file\": \"./sub/b.txt\", \"issuer\": \"某某局\", \"pub_date\": \"2021-03-01\", \"doc_number\": \"某卫发〔2021〕1号\", \"level\": \"县级\", \"title\": \"标题\", \"extra\": 1}\r\n")}}
		m, err := LoadManifest(fsys)
		if err != nil {
			t.Fatal(err)
		}
		want := Manifest{
			"000001.txt": {File: "000001.txt", City: "绍兴市", Province: "浙江省", Year: 2021, DocType: "工作要点"},
			"sub/b.txt":  {File: "sub/b.txt", Issuer: "某某局", PubDate: "2021-03-01", DocNumber: "某卫发〔2021〕1号", Level: "县级", Title: "标题"},
		}
		if !reflect.DeepEqual(m, want) {
			t.Errorf("LoadManifest = %+v, want %+v", m, want)
		}
	})
	for name, data := range map[string]string{
		"bad JSON":   "{\"file\": \"a.txt\"}\n{\"file\": \"b.txt\", \"year\": \"2020\"}\n",
		"no file":    "{\"file\": \"a.txt\"}\n\n{\"city\": \"绍兴市\"}\n",
		"not object": "{\"file\": \"a.txt\"}\n[1, 2]\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := LoadManifest(fstest.MapFS{ManifestName: {Data: []byte(data)}})
			line := "line 2"
			if name == "no file" {
				line = "line 3"
			}
			if err == nil || !strings.Contains(err.Error(), ManifestName+" "+line) {
				t.Errorf("error = %v, want one naming %s %s", err, ManifestName, line)
			}
		})
	}
}

func TestManifestApply(t *testing.T) {
	t.Run("override single-part document", func(t *testing.T) {
		doc := parseSeed(t, seedJiaxing)
		m := Manifest{seedJiaxing: {File: seedJiaxing, City: "湖州市", Province: "浙江省", Year: 2021, DocType: "工作总结", DocNumber: "嘉卫〔2020〕5号"}}
		m.Apply(&doc)
		if doc.City != "湖州市" || doc.Year != 2021 || doc.DocType != "工作总结" || doc.DocNumber != "嘉卫〔2020〕5号" {
			t.Errorf("document not overridden: %s %d %s %s", doc.City, doc.Year, doc.DocType, doc.DocNumber)
		}
		if doc.Issuer != "嘉兴市卫生健康委员会" || doc.PubDate != "2020-04-30" {
			t.Errorf("fields the manifest leaves empty changed: %s %s", doc.Issuer, doc.PubDate)
		}
		if doc.Parts[0].Year != 2021 || doc.Parts[0].DocType != "工作总结" {
			t.Errorf("part not overridden: %+v", doc.Parts[0])
		}
		for _, p := range doc.Provisions {
			if p.City != "湖州市" || p.Year != 2021 || p.DocType != "工作总结" {
				t.Fatalf("provision %d not overridden: %s %d %s", p.Ordinal, p.City, p.Year, p.DocType)
			}
		}
	})
	t.Run("multi-part document keeps part years", func(t *testing.T) {
		doc := parseSeed(t, seedWenzhou)
		Manifest{seedWenzhou: {File: seedWenzhou, Year: 2020, DocType: "工作思路", Level: "市级"}}.Apply(&doc)
		if doc.Year != 2020 || doc.DocType != "工作思路" {
			t.Errorf("document = %d %s, want 2020 工作思路", doc.Year, doc.DocType)
		}
		if first := doc.Provisions[0]; first.Year != 2019 || first.DocType != "工作总结" {
			t.Errorf("2019 part provision became %d %s", first.Year, first.DocType)
		}
		if last := doc.Provisions[len(doc.Provisions)-1]; last.Year != 2020 || last.DocType != "工作思路" {
			t.Errorf("2020 part provision is %d %s", last.Year, last.DocType)
		}
	})
	t.Run("supply what the text lacks", func(t *testing.T) {
		doc := parseSeed(t, seedWuxi)
		Manifest{seedWuxi: {File: seedWuxi, City: "无锡市"}}.Apply(&doc)
		if doc.City != "无锡市" || doc.Province != "江苏省" || doc.Level != "市级" {
			t.Errorf("supplied = %s %s %s, want 无锡市 江苏省 市级", doc.City, doc.Province, doc.Level)
		}
		if p := doc.Provisions[5]; p.City != "无锡市" || p.Province != "江苏省" {
			t.Errorf("provision not supplied: %s %s", p.City, p.Province)
		}
	})
	t.Run("an implied issuer follows the place", func(t *testing.T) {
		doc, err := Parse("a.txt", "2021年全市卫生健康工作要点\n2021年全市卫生健康工作要围绕健康温州建设展开。\n一、重点工作\n1.做好防控。\n")
		if err != nil {
			t.Fatal(err)
		}
		if doc.Issuer != "温州市卫生健康委员会" {
			t.Fatalf("issuer before = %q, want 温州市卫生健康委员会", doc.Issuer)
		}
		Manifest{"a.txt": {File: "a.txt", City: "湖州市"}}.Apply(&doc)
		if doc.Issuer != "湖州市卫生健康委员会" || doc.Provenance["issuer"].From != FromAuthority {
			t.Errorf("issuer after the manifest moved the city = %q (%+v), want 湖州市卫生健康委员会", doc.Issuer, doc.Provenance["issuer"])
		}
	})
	t.Run("no entry leaves the document alone", func(t *testing.T) {
		doc := parseSeed(t, seedWuxi)
		before := doc.City + doc.Province + doc.Issuer
		Manifest{"other.txt": {File: "other.txt", City: "无锡市"}}.Apply(&doc)
		if doc.City+doc.Province+doc.Issuer != before {
			t.Errorf("document changed without an entry")
		}
	})
}

// TestLoadCorpusManifest loads the fixture corpus, whose manifest supplies
// and overrides metadata, in a sub-folder too.
func TestLoadCorpusManifest(t *testing.T) {
	docs, bad, err := LoadCorpus(os.DirFS("../testdata/indexer/corpus"))
	if err != nil || len(bad) != 0 {
		t.Fatalf("LoadCorpus: %v %v", err, bad)
	}
	if len(docs) != 2 || docs[0].File != "county.txt" || docs[1].File != "sub/plain.txt" {
		t.Fatalf("documents = %+v", docs)
	}
	county, plain := docs[0], docs[1]
	// county.txt: the manifest overrides the year and the issuer; level and
	// date come from the text.
	if county.Year != 2022 || county.Issuer != "安吉县卫生健康局（盖章）" || county.Level != "县级" || county.PubDate != "2021-03-05" {
		t.Errorf("county.txt = %d %s %s %s", county.Year, county.Issuer, county.Level, county.PubDate)
	}
	if len(county.Provisions) != 4 || county.Provisions[1].Year != 2022 {
		t.Errorf("county.txt provisions = %d, year %d", len(county.Provisions), county.Provisions[1].Year)
	}
	if p := county.Provisions[1]; p.LeadOffices[0] != "疾控科" || len(p.SupportOffices) != 2 || p.SupportOffices[1] != "办公室（行政审批科）" {
		t.Errorf("county.txt offices = %q %q", p.LeadOffices, p.SupportOffices)
	}
	// sub/plain.txt names no place; the manifest supplies it and a title.
	if plain.City != "湖州市" || plain.Province != "浙江省" || plain.Title != "2020年湖州市卫生健康工作总结" || plain.Year != 2020 {
		t.Errorf("plain.txt = %s %s %s %d", plain.City, plain.Province, plain.Title, plain.Year)
	}
	if len(plain.Provisions) != 3 || plain.Provisions[2].DocTitle != plain.Title || plain.Provisions[2].Title != "基层服务能力持续提升。" {
		t.Errorf("plain.txt provisions = %+v", plain.Provisions)
	}
}
