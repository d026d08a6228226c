package indexer

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/policysearch/policysearch/seeds"
)

// gbk encodes s in GBK, failing the test if it cannot.
func gbk(t *testing.T, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode GBK: %v", err)
	}
	return b
}

func TestDecodeText(t *testing.T) {
	const text = "2020年卫生健康工作要点\n一、加强党建（试行）“三服务”—— 95%\n"
	tests := []struct {
		name string
		data []byte
		want string
		err  error
	}{
		{"UTF-8", []byte(text), text, nil},
		{"UTF-8 with BOM", append([]byte("\xef\xbb\xbf"), text...), text, nil},
		{"CRLF line ends", []byte(strings.ReplaceAll(text, "\n", "\r\n")), text, nil},
		{"GBK", gbk(t, text), text, nil},
		{"GBK with CRLF", gbk(t, strings.ReplaceAll(text, "\n", "\r\n")), text, nil},
		{"empty", nil, "", ErrEmpty},
		{"white space only", []byte(" \n\t\r\n\xe3\x80\x80\n"), "", ErrEmpty},
		{"BOM only", []byte("\xef\xbb\xbf\n"), "", ErrEmpty},
		{"PNG header", []byte("\x89PNG\r\n\x1a\n"), "", ErrBinary},
		{"PNG file start", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00"), "", ErrBinary},
		{"PDF", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"), "", ErrBinary},
		{"NUL bytes", []byte("text\x00with NUL"), "", ErrBinary},
		{"control bytes", []byte("\x01\x02\x03\x04 some text \x05\x06"), "", ErrBinary},
		{"Latin-1", []byte("caf\xe9 cr\xe8me br\xfbl\xe9e"), "", ErrEncoding},
		{"invalid bytes", []byte("\xff\xfe\xfd\xfc\xfb\xfa abc"), "", ErrEncoding},
		{"truncated GBK", gbk(t, "卫生健康")[:7], "", ErrEncoding},
		{"GBK user-defined area", append(gbk(t, "卫生健康工作"), "\xaa\xa1\xaa\xa2\xaa\xa3"...), "", ErrEncoding},
		{"GBK with a rare symbol", gbk(t, strings.Repeat(text, 20)+"面积500㎡"), strings.Repeat(text, 20) + "面积500㎡", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeText("dir/file.txt", tt.data)
			if tt.err == nil {
				if err != nil {
					t.Fatalf("DecodeText: %v", err)
				}
				if got != tt.want {
					t.Errorf("DecodeText = %q, want %q", got, tt.want)
				}
				return
			}
			if !errors.Is(err, tt.err) {
				t.Fatalf("DecodeText error = %v, want %v", err, tt.err)
			}
			if !strings.Contains(err.Error(), "dir/file.txt") {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

// TestSeedsInGBK checks that a seed re-encoded in GBK gives exactly the
// same document as its UTF-8 original, ID included.
func TestSeedsInGBK(t *testing.T) {
	names, err := fs.Glob(seeds.FS, "*.txt")
	if err != nil || len(names) == 0 {
		t.Fatalf("no seeds: %v", err)
	}
	for _, name := range names {
		t.Run(name[:3], func(t *testing.T) {
			utf8Doc := parseSeed(t, name)
			data, err := fs.ReadFile(seeds.FS, name)
			if err != nil {
				t.Fatal(err)
			}
			text, err := DecodeText(name, gbk(t, string(data)))
			if err != nil {
				t.Fatalf("decode GBK: %v", err)
			}
			gbkDoc, err := Parse(name, text)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(gbkDoc, utf8Doc) {
				t.Errorf("GBK and UTF-8 parses differ (IDs %s, %s)", gbkDoc.ID, utf8Doc.ID)
			}
			renamed, err := Parse("elsewhere/renamed.txt", text)
			if err != nil {
				t.Fatal(err)
			}
			if renamed.ID != utf8Doc.ID {
				t.Errorf("ID depends on the file name: %s vs %s", renamed.ID, utf8Doc.ID)
			}
		})
	}
}

// TestLoadCorpusMixed loads a folder of good and bad files.
func TestLoadCorpusMixed(t *testing.T) {
	dir := t.TempDir()
	seed := func(name string) []byte {
		data, err := fs.ReadFile(seeds.FS, name)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	files := map[string][]byte{
		"a_jiaxing.txt":      seed(seedJiaxing),
		"b_empty.txt":        {},
		"c_image.txt":        []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
		"d_zhejiang_gbk.txt": gbk(t, string(seed(seedZhejiang))),
		"e_latin1.txt":       []byte("caf\xe9 cr\xe8me"),
		"f_chrome_only.txt":  []byte("分享到:\n关闭 打印\n"),
		"readme.md":          []byte("not a document"),
		"sub/g_wenzhou.TXT":  seed(seedWenzhou),
	}
	for name, data := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	docs, bad, err := LoadCorpus(os.DirFS(dir))
	if err != nil {
		t.Fatalf("LoadCorpus: %v", err)
	}
	var got []string
	for _, d := range docs {
		got = append(got, d.File)
	}
	if want := []string{"a_jiaxing.txt", "d_zhejiang_gbk.txt", "sub/g_wenzhou.TXT"}; !reflect.DeepEqual(got, want) {
		t.Errorf("documents = %q, want %q", got, want)
	}
	wantBad := map[string]error{"b_empty.txt": ErrEmpty, "c_image.txt": ErrBinary, "e_latin1.txt": ErrEncoding, "f_chrome_only.txt": nil}
	if len(bad) != len(wantBad) {
		t.Errorf("got %d file errors, want %d: %v", len(bad), len(wantBad), bad)
	}
	for _, fe := range bad {
		want, ok := wantBad[fe.File]
		if !ok {
			t.Errorf("unexpected file error %v", fe)
			continue
		}
		if want != nil && !errors.Is(fe, want) {
			t.Errorf("%s: error %v, want %v", fe.File, fe, want)
		}
		if strings.Count(fe.Error(), fe.File) != 1 {
			t.Errorf("error %q should name %s once", fe.Error(), fe.File)
		}
	}
	if len(docs) == 3 && docs[1].ID != parseSeed(t, seedZhejiang).ID {
		t.Errorf("GBK copy of a seed has another ID")
	}
}

// TestLoadCorpusSeeds loads the embedded seeds.
func TestLoadCorpusSeeds(t *testing.T) {
	docs, bad, err := LoadCorpus(seeds.FS)
	if err != nil || len(bad) != 0 {
		t.Fatalf("LoadCorpus(seeds.FS): %v %v", err, bad)
	}
	if len(docs) != 5 {
		t.Fatalf("got %d documents, want 5", len(docs))
	}
	total := 0
	for _, d := range docs {
		total += len(d.Provisions)
	}
	if total != 25+89+25+22+71 {
		t.Errorf("got %d provisions, want %d", total, 25+89+25+22+71)
	}
}

// TestLoadCorpusMissingFolder checks that an unreadable root is an error.
func TestLoadCorpusMissingFolder(t *testing.T) {
	_, _, err := LoadCorpus(os.DirFS(filepath.Join(t.TempDir(), "missing")))
	if err == nil {
		t.Fatal("LoadCorpus of a missing folder succeeded")
	}
}
