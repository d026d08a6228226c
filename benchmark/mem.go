// Package benchmark measures policysearch at scale: indexing speed and
// memory, query latency over HTTP at several concurrencies, the same
// queries against an SQLite FTS5 trigram index and a brute-force scan of
// the text (the floor any index must beat), and a soak of mixed reads and
// writes. Results print as Markdown tables.
package benchmark

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// MiB is 2^20 bytes; MB (used for corpus sizes and speeds, as gen-corpus
// does) is 10^6.
const (
	MiB = 1 << 20
	MB  = 1e6
)

// ProcMemory is what /proc/PID/status says about a process's memory.
type ProcMemory struct {
	RSS  int64 // resident set now (VmRSS), bytes
	Peak int64 // peak resident set (VmHWM), bytes
	// File is the part of RSS mapped from files (RssFile): for the server,
	// mostly the index's segments, which the kernel may drop and read
	// again.
	File int64
}

// ReadProcMemory reads the memory figures of process pid (0: this process)
// from /proc. It fails on systems without /proc.
func ReadProcMemory(pid int) (ProcMemory, error) {
	path := "/proc/self/status"
	if pid > 0 {
		path = fmt.Sprintf("/proc/%d/status", pid)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return ProcMemory{}, fmt.Errorf("read process memory: %w", err)
	}
	var m ProcMemory
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		key, val, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		var dst *int64
		switch key {
		case "VmRSS":
			dst = &m.RSS
		case "VmHWM":
			dst = &m.Peak
		case "RssFile":
			dst = &m.File
		default:
			continue
		}
		f := strings.Fields(val) // "123456 kB"
		if len(f) == 0 {
			continue
		}
		kb, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return ProcMemory{}, fmt.Errorf("parse %s in %s: %w", key, path, err)
		}
		*dst = kb << 10
	}
	if m.RSS == 0 && m.Peak == 0 {
		return m, fmt.Errorf("no VmRSS/VmHWM in %s", path)
	}
	return m, nil
}

// DirSize returns the bytes of the regular files under dir.
func DirSize(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			info, err := d.Info()
			if err != nil {
				return err
			}
			n += info.Size()
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("size of %s: %w", dir, err)
	}
	return n, nil
}
