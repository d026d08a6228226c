package main

import (
	"bufio"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// readmeServeCommand returns the serve command of the README's first code
// block, without its comment.
func readmeServeCommand(t *testing.T, readme string) string {
	t.Helper()
	f, err := os.Open(readme)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	inBlock := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "```") {
			if inBlock {
				break
			}
			inBlock = true
			continue
		}
		if inBlock && strings.Contains(line, " serve") {
			cmd, _, _ := strings.Cut(line, "#")
			return strings.TrimSpace(cmd)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	t.Fatalf("%s: no serve command in the first code block", readme)
	return ""
}

// TestReadmeServeCommand runs the README's serve command as written, on a
// free port through its environment twin, and searches the seed corpus it
// serves: the first thing a newcomer does.
func TestReadmeServeCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts the program")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	line := readmeServeCommand(t, filepath.Join(root, "README.md"))
	if !strings.HasPrefix(line, "go run ") {
		t.Fatalf("README serve command %q: want a go run command", line)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()

	cmd := exec.Command("sh", "-c", line)
	cmd.Dir = root
	// The index goes to a temporary folder, not the clone's data/index.
	cmd.Env = append(os.Environ(), "POLICYSEARCH_ADDR="+addr, "POLICYSEARCH_INDEX="+filepath.Join(t.TempDir(), "index"))
	// A group of its own: go run starts the program as its child, and
	// both are stopped together.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	log := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
			t.Errorf("the server did not stop within 30 s of an interrupt:\n%s", log)
		}
	}
	t.Cleanup(stop)

	base := "http://" + addr
	// go run may compile the program first.
	deadline := time.Now().Add(5 * time.Minute)
	for {
		select {
		case <-done:
			t.Fatalf("%s exited before it was ready:\n%s", line, log)
		case <-time.After(100 * time.Millisecond):
		}
		if res, err := http.Get(base + "/readyz"); err == nil {
			_ = res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready after 5 minutes:\n%s", line, log)
		}
	}

	var r struct {
		Total int `json:"total"`
		Hits  []struct {
			Text string `json:"text"`
		} `json:"hits"`
	}
	if st := getJSON(t, base+"/api/search?q="+url.QueryEscape("医共体"), &r); st != http.StatusOK {
		t.Fatalf("search 医共体: status %d", st)
	}
	if r.Total == 0 || len(r.Hits) == 0 {
		t.Fatalf("search 医共体 on the served seeds: %d hits", r.Total)
	}
	stop()
	if !strings.Contains(log.String(), "index closed") {
		t.Errorf("no clean shutdown in the server's log:\n%s", log)
	}
}
