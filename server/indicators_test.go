package server

import (
	"bytes"
	"encoding/csv"
	"net/url"
	"strconv"
	"testing"

	"github.com/policysearch/policysearch/search"
)

// TestIndicatorTable lists the seeds' figures: a synonym finds its
// indicator, filters and kinds narrow the list, the names count what the
// list holds, and the export holds every figure the request keeps.
func TestIndicatorTable(t *testing.T) {
	var all search.IndicatorResponse
	shared.getJSON(t, "/api/indicators?size=100", &all)
	if all.Total < 50 || len(all.Rows) != 100 {
		t.Fatalf("seed figures: %d, %d on the page", all.Total, len(all.Rows))
	}
	for _, r := range all.Rows {
		if r.DocTitle == "" || r.Provision == "" || r.Excerpt == "" || r.Excerpt[r.ExcerptStart:r.ExcerptEnd] == "" {
			t.Errorf("row %+v lacks its document, provision or excerpt", r)
		}
	}

	// 签约率 is a synonym: it finds the figures of 家庭医生签约服务率,
	// whatever they were written as.
	var contract search.IndicatorResponse
	shared.getJSON(t, "/api/indicators?q="+url.QueryEscape("签约率"), &contract)
	if contract.Total == 0 {
		t.Fatal("q=签约率 finds no figure")
	}
	for _, r := range contract.Rows {
		if r.Indicator.Indicator != "家庭医生签约服务率" {
			t.Errorf("q=签约率 gave %s (%s)", r.Indicator.Indicator, r.Written)
		}
	}

	// Filters: a city's targets.
	var jiaxing search.IndicatorResponse
	shared.getJSON(t, "/api/indicators?size=100&city="+url.QueryEscape("嘉兴市")+"&kind=target", &jiaxing)
	if jiaxing.Total == 0 {
		t.Fatal("嘉兴 targets: none")
	}
	for _, r := range jiaxing.Rows {
		if r.City != "嘉兴市" || r.Kind != "target" {
			t.Errorf("嘉兴 targets gave %s %s", r.City, r.Kind)
		}
	}
	kinds := map[string]int{}
	for _, f := range all.Facets[search.FacetKind] {
		kinds[f.Value] = f.Count
	}
	if kinds["target"]+kinds["achieved"] != all.Total || kinds["achieved"] == 0 {
		t.Errorf("kind facet %v does not add up to %d", kinds, all.Total)
	}

	// Names count the figures.
	var names struct {
		Total int                    `json:"total"`
		Names []search.IndicatorName `json:"names"`
	}
	shared.getJSON(t, "/api/indicators/names", &names)
	sum := 0
	for _, n := range names.Names {
		sum += n.Count
		if n.Targets+n.Achieved != n.Count {
			t.Errorf("%s: %d targets and %d results of %d", n.Indicator, n.Targets, n.Achieved, n.Count)
		}
	}
	if sum != all.Total || names.Names[0].ID == "" {
		t.Errorf("names count %d figures of %d; first %+v", sum, all.Total, names.Names[0])
	}

	// The export holds every figure the request keeps.
	r := shared.get(t, "/api/indicators/export?format=csv&city="+url.QueryEscape("嘉兴市")+"&kind=target")
	if r.status != 200 {
		t.Fatalf("export: %d %s", r.status, r.body)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.body, []byte("\xef\xbb\xbf")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != jiaxing.Total+1 || rows[0][0] != "指标" || rows[1][2] != "目标" {
		t.Errorf("export: %d rows for %d figures; header %v, first %v", len(rows), jiaxing.Total, rows[0], rows[1])
	}
	if v, err := strconv.ParseFloat(rows[1][4], 64); err != nil || v != jiaxing.Rows[0].Value {
		t.Errorf("first exported value %q, listed %v", rows[1][4], jiaxing.Rows[0].Value)
	}

	for _, bad := range []string{"/api/indicators?kind=maybe", "/api/indicators?theme=x", "/api/indicators/names?q=x", "/api/indicators/export?format=pdf"} {
		if r := shared.get(t, bad); r.status != 400 {
			t.Errorf("%s: %d %s", bad, r.status, r.body)
		}
	}
}

// TestFiguresOutlastAnUpload lists the figures again after a document is
// uploaded: those of every other document are still there, with the new
// document's own.
func TestFiguresOutlastAnUpload(t *testing.T) {
	ts := newWritableServer(t, Config{Token: testToken})
	var before search.IndicatorResponse
	ts.getJSON(t, "/api/indicators?size=1", &before)
	if before.Total == 0 {
		t.Fatal("no figures before the upload")
	}
	withFigure := newDocument + "5.到2023年底，全市家庭医生签约服务率达到45%以上。\n"
	if r, _ := upload(t, ts, []byte(withFigure), map[string]string{"city": "舟山市", "year": "2023"}); r.status != 201 {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	var after search.IndicatorResponse
	ts.getJSON(t, "/api/indicators?size=1", &after)
	var zhoushan search.IndicatorResponse
	ts.getJSON(t, "/api/indicators?size=1&city="+url.QueryEscape("舟山市"), &zhoushan)
	if zhoushan.Total == 0 || after.Total != before.Total+zhoushan.Total {
		t.Errorf("figures: %d before, %d after the upload, %d of its city", before.Total, after.Total, zhoushan.Total)
	}
}
