package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/policysearch/policysearch/indexer"
	"github.com/policysearch/policysearch/seeds"
)

// The crash tests run the real program as a child process, kill it with
// SIGKILL in the middle of its work and start it again on what it left.

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// program builds the policysearch binary once per test run.
func program(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		goTool, err := exec.LookPath("go")
		if err != nil {
			buildErr = fmt.Errorf("no go tool to build the program: %w", err)
			return
		}
		dir, err := os.MkdirTemp("", "policysearch-crash-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "policysearch")
		out, err := exec.Command(goTool, "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		_ = os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// writeCorpus writes n distinct documents made from the seeds (each seed
// with a closing line naming its copy) into a new folder.
func writeCorpus(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	entries, err := fs.ReadDir(seeds.FS, ".")
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		e := entries[i%len(entries)]
		data, err := fs.ReadFile(seeds.FS, e.Name())
		if err != nil {
			t.Fatal(err)
		}
		data = append(data, fmt.Sprintf("\n第%d份副本。\n", i)...)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%04d.txt", i)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// runIndex runs `policysearch index` to the end.
func runIndex(t *testing.T, corpus, index string) {
	t.Helper()
	out, err := exec.Command(program(t), "index", "--corpus", corpus, "--index", index).CombinedOutput()
	if err != nil {
		t.Fatalf("index: %v\n%s", err, out)
	}
}

// child is a running `policysearch serve`.
type child struct {
	cmd  *exec.Cmd
	base string
	log  *syncBuffer
	done chan struct{}
}

// syncBuffer collects a child's output; it may be read while written.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// serve starts the program's server on index and waits until it answers.
func serve(t *testing.T, index, corpus string) *child {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	s := &child{base: "http://" + addr, log: &syncBuffer{}, done: make(chan struct{})}
	s.cmd = exec.Command(program(t), "serve", "--index", index, "--corpus", corpus, "--addr", addr, "--token", "crash-token")
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = s.cmd.Wait(); close(s.done) }()
	t.Cleanup(func() { s.kill() })
	deadline := time.Now().Add(2 * time.Minute)
	for {
		select {
		case <-s.done:
			t.Fatalf("server exited before it was ready:\n%s", s.log)
		case <-time.After(50 * time.Millisecond):
		}
		if res, err := http.Get(s.base + "/readyz"); err == nil {
			_ = res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not ready:\n%s", s.log)
		}
	}
}

// kill sends SIGKILL and waits for the process to be gone.
func (s *child) kill() {
	_ = s.cmd.Process.Kill()
	<-s.done
}

func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode == http.StatusOK && v != nil {
		if err := json.Unmarshal(body, v); err != nil {
			t.Fatalf("GET %s: %v: %s", url, err, body)
		}
	}
	return res.StatusCode
}

// counts reads the documents and provisions the server reports.
func (s *child) counts(t *testing.T) (int, int) {
	t.Helper()
	var r struct{ Documents, Provisions int }
	if st := getJSON(t, s.base+"/readyz", &r); st != http.StatusOK {
		t.Fatalf("readyz: %d", st)
	}
	return r.Documents, r.Provisions
}

// documentView is the part of GET /api/documents/{id} the tests check.
type documentView struct {
	ID             string              `json:"id"`
	ProvisionCount int                 `json:"provision_count"`
	Provisions     []indexer.Provision `json:"provisions"`
}

// checkWhole checks that every document the server lists has all the
// provisions its record says it has, and that they add up to the total:
// no document is there in part.
func (s *child) checkWhole(t *testing.T) map[string]documentView {
	t.Helper()
	var list struct {
		Documents []documentView `json:"documents"`
	}
	if st := getJSON(t, s.base+"/api/documents", &list); st != http.StatusOK {
		t.Fatalf("list documents: %d", st)
	}
	docs, provs := s.counts(t)
	if len(list.Documents) != docs {
		t.Errorf("%d documents listed, %d counted", len(list.Documents), docs)
	}
	out := map[string]documentView{}
	sum := 0
	for _, d := range list.Documents {
		var v documentView
		if st := getJSON(t, s.base+"/api/documents/"+url.PathEscape(d.ID), &v); st != http.StatusOK {
			t.Errorf("document %s: %d", d.ID, st)
			continue
		}
		if len(v.Provisions) != v.ProvisionCount || v.ProvisionCount == 0 {
			t.Errorf("document %s in part: %d of %d provisions", d.ID, len(v.Provisions), v.ProvisionCount)
		}
		sum += len(v.Provisions)
		out[d.ID] = v
	}
	if sum != provs {
		t.Errorf("documents hold %d provisions, the index counts %d", sum, provs)
	}
	return out
}

// generations lists the index generations under root.
func generations(t *testing.T, root string) []string {
	t.Helper()
	entries, err := os.ReadDir(root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), "gen-") {
			out = append(out, e.Name())
		}
	}
	return out
}

// killWhenWriting starts `policysearch index` and kills it once the new
// generation has its first segment on disk, before the build ends. It
// reports whether the kill came in time.
func killWhenWriting(t *testing.T, corpus, index string, before []string) bool {
	t.Helper()
	cmd := exec.Command(program(t), "index", "--corpus", corpus, "--index", index)
	var log syncBuffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for {
		select {
		case err := <-done:
			t.Logf("the build ended before it could be killed (%v):\n%s", err, log.String())
			return false
		case <-time.After(5 * time.Millisecond):
		}
		for _, g := range generations(t, index) {
			if slices.Contains(before, g) {
				continue
			}
			zaps, _ := filepath.Glob(filepath.Join(index, g, "store", "*.zap"))
			if len(zaps) > 0 {
				_ = cmd.Process.Kill()
				<-done
				return true
			}
		}
	}
}

// TestKillDuringBuilds kills `policysearch index` half way through a first
// build, then half way through a rebuild. The first leaves no index (and
// the next build succeeds); the second leaves the live index as it was,
// and the next start opens it and clears the half-written generation.
func TestKillDuringBuilds(t *testing.T) {
	t.Parallel()
	small := writeCorpus(t, 5)
	large := writeCorpus(t, 30)
	index := filepath.Join(t.TempDir(), "index")

	if !killWhenWriting(t, large, index, nil) {
		t.Skip("the machine indexed the corpus before the kill; nothing was tested")
	}
	if _, err := os.Stat(filepath.Join(index, "CURRENT")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("a killed first build left CURRENT (%v)", err)
	}

	runIndex(t, small, index)
	live := generations(t, index)
	if len(live) != 1 {
		t.Fatalf("after a build beside a killed one: generations %v, want one", live)
	}
	docs, bad, err := indexer.LoadCorpus(os.DirFS(small))
	if err != nil || len(bad) > 0 {
		t.Fatal(err, bad)
	}
	wantProvs := 0
	for _, d := range docs {
		wantProvs += len(d.Provisions)
	}

	if !killWhenWriting(t, large, index, live) {
		t.Skip("the machine indexed the corpus before the kill; nothing was tested")
	}
	if g := generations(t, index); len(g) != 2 {
		t.Fatalf("after the kill: generations %v, want the live one and the half-written one", g)
	}
	// The large corpus is offered: a server that lost its index would
	// rebuild from it, and the counts would show.
	s := serve(t, index, large)
	if d, p := s.counts(t); d != len(docs) || p != wantProvs {
		t.Fatalf("after the killed rebuild: %d documents, %d provisions; want the old %d, %d", d, p, len(docs), wantProvs)
	}
	s.checkWhole(t)
	if g := generations(t, index); len(g) != 1 || g[0] != live[0] {
		t.Errorf("after restart: generations %v, want only %v", g, live)
	}
}

// upload is one document sent during the ingest crash test.
type upload struct {
	name       string
	text       string
	provisions int // as the parser reads it
}

// TestKillDuringIngest: uploads run from several clients while the server
// is killed. After a restart every acknowledged upload is there whole;
// an upload cut off is there whole or not at all.
func TestKillDuringIngest(t *testing.T) {
	t.Parallel()
	corpus := writeCorpus(t, 5)
	index := filepath.Join(t.TempDir(), "index")
	runIndex(t, corpus, index)
	s := serve(t, index, corpus)
	baseDocs, _ := s.counts(t)

	// Distinct small documents, each read by the parser beforehand so the
	// test knows its provisions.
	template := `2023年舟山市卫生健康工作要点

一、深化医药卫生体制改革
1.推进第%[1]d号示范项目建设。在全市范围内开展第%[1]d号试点，完善配套政策。
2.加强基层医疗卫生服务能力建设。新建一批社区医院，提升乡镇卫生院服务水平。
二、提升公共卫生服务水平
3.完善疾病预防控制体系。推动第%[1]d号项目与公共卫生服务融合发展。
4.做好海岛群众健康服务。完善海岛巡回医疗制度。
`
	var uploads []upload
	for i := range 400 {
		text := fmt.Sprintf(template, i)
		doc, err := indexer.Parse("u.txt", text)
		if err != nil {
			t.Fatal(err)
		}
		uploads = append(uploads, upload{name: fmt.Sprintf("u%03d.txt", i), text: text, provisions: len(doc.Provisions)})
	}

	var (
		mu    sync.Mutex
		acked = map[string]int{} // document id → provisions acknowledged
		next  int
		wg    sync.WaitGroup
	)
	client := &http.Client{Timeout: 30 * time.Second}
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				if next >= len(uploads) {
					mu.Unlock()
					return
				}
				u := uploads[next]
				next++
				mu.Unlock()
				req, err := http.NewRequest("POST", s.base+"/api/documents?name="+u.name, strings.NewReader(u.text))
				if err != nil {
					t.Error(err)
					return
				}
				req.Header.Set("Content-Type", "text/plain; charset=utf-8")
				req.Header.Set("Authorization", "Bearer crash-token")
				res, err := client.Do(req)
				if err != nil {
					return // the server is gone
				}
				body, err := io.ReadAll(res.Body)
				_ = res.Body.Close()
				if err != nil || res.StatusCode != http.StatusCreated {
					return // cut off mid-answer, or refused while going down
				}
				var ir struct {
					Document documentView `json:"document"`
				}
				if err := json.Unmarshal(body, &ir); err != nil {
					return
				}
				mu.Lock()
				acked[ir.Document.ID] = len(ir.Document.Provisions)
				mu.Unlock()
			}
		}()
	}
	// Kill once a few uploads are acknowledged, with others in flight.
	deadline := time.Now().Add(time.Minute)
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 10 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	s.kill()
	wg.Wait()
	if len(acked) == 0 {
		t.Fatalf("no upload was acknowledged before the kill:\n%s", s.log)
	}

	again := serve(t, index, corpus)
	docs := again.checkWhole(t)
	for id, n := range acked {
		v, ok := docs[id]
		if !ok {
			t.Errorf("acknowledged upload %s is missing after the restart", id)
			continue
		}
		if len(v.Provisions) != n {
			t.Errorf("acknowledged upload %s: %d provisions after the restart, %d acknowledged", id, len(v.Provisions), n)
		}
	}
	byName := map[string]upload{}
	for _, u := range uploads {
		byName[u.name] = u
	}
	extra := 0
	for id, v := range docs {
		u, isUpload := byName[v.Provisions[0].File]
		if !isUpload {
			continue
		}
		if len(v.Provisions) != u.provisions {
			t.Errorf("upload %s (%s): %d provisions, the text has %d", u.name, id, len(v.Provisions), u.provisions)
		}
		if _, ok := acked[id]; !ok {
			extra++ // written but cut off before its answer
		}
	}
	if len(docs) != baseDocs+len(acked)+extra {
		t.Errorf("after the restart: %d documents, want %d seeds + %d acknowledged + %d cut off", len(docs), baseDocs, len(acked), extra)
	}
	t.Logf("%d uploads acknowledged before the kill, %d more written but not acknowledged", len(acked), extra)
}
