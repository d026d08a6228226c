package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestIndexReportsMissingMetadata builds an index from a folder holding a
// document that names its place and one that names none, and wants the
// build's last line to count the one without a city and say how to fix it.
func TestIndexReportsMissingMetadata(t *testing.T) {
	corpus := t.TempDir()
	docs := map[string]string{
		"deqing.txt":    "2021年德清县卫生健康工作要点\n德清县卫生健康局\n一、重点工作\n1.推进医共体建设，完善配套政策。\n",
		"placeless.txt": "卫生健康委员会2021年工作要点\n一、重点工作\n1.做实家庭医生签约服务，提高签约服务率。\n",
	}
	for name, text := range docs {
		if err := os.WriteFile(filepath.Join(corpus, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, err := exec.Command(program(t), "index", "--corpus", corpus, "--index", filepath.Join(t.TempDir(), "index")).CombinedOutput()
	if err != nil {
		t.Fatalf("index: %v\n%s", err, out)
	}
	want := "metadata: of 2 documents, 1 without city, 1 without province"
	if !strings.Contains(string(out), want) || !strings.Contains(string(out), "/api/documents?missing=") {
		t.Errorf("index output lacks %q and the way to list them:\n%s", want, out)
	}
}
