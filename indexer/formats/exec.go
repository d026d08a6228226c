package formats

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"
)

// toolTimeout bounds one run of an external converter: a 64 MB PDF takes
// pdftotext a few seconds; a minute means it is stuck.
const toolTimeout = 60 * time.Second

// maxToolOutput bounds what a converter may write before it is stopped.
const maxToolOutput = MaxTextBytes + 1<<20

// errToolMissing is returned by runTool when the program is not installed.
var errToolMissing = errors.New("not installed")

// lookTool finds a program on PATH; a variable so tests can hide one.
var lookTool = exec.LookPath

// runTool runs a converter on data and returns what it writes to stdout.
// The data goes through a temporary file, removed before returning,
// since the converters seek in their input (PDF and OLE files are read
// from the end). The run ends with ctx or after toolTimeout.
func runTool(ctx context.Context, data []byte, tool string, args ...string) (stdout, stderr []byte, err error) {
	bin, err := lookTool(tool)
	if err != nil {
		return nil, nil, errToolMissing
	}
	name := ""
	if data != nil { // nil: the arguments name the input, if any
		f, err := os.CreateTemp("", "policysearch-*")
		if err != nil {
			return nil, nil, fmt.Errorf("temporary file: %w", err)
		}
		defer os.Remove(f.Name())
		if _, err := f.Write(data); err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("temporary file: %w", err)
		}
		if err := f.Close(); err != nil {
			return nil, nil, fmt.Errorf("temporary file: %w", err)
		}
		name = f.Name()
	}

	ctx, cancel := context.WithTimeout(ctx, toolTimeout)
	defer cancel()
	full := make([]string, 0, len(args))
	for _, a := range args {
		if a == "{}" {
			a = name
		}
		full = append(full, a)
	}
	cmd := exec.CommandContext(ctx, bin, full...)
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8")
	var out, errb limitedBuffer
	out.limit, errb.limit = maxToolOutput, 64<<10
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.WaitDelay = 2 * time.Second
	err = cmd.Run()
	if ctx.Err() != nil {
		return nil, errb.Bytes(), fmt.Errorf("%s stopped: %w", tool, ctx.Err())
	}
	if out.over {
		return out.Bytes(), errb.Bytes(), nil
	}
	return out.Bytes(), errb.Bytes(), err
}

// limitedBuffer keeps the first limit bytes written and drops the rest.
type limitedBuffer struct {
	bytes.Buffer
	limit int
	over  bool
}

// Write implements io.Writer.
func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.limit - b.Len(); room < len(p) {
		b.over = true
		if room > 0 {
			b.Buffer.Write(p[:room])
		}
		return len(p), nil
	}
	return b.Buffer.Write(p)
}

var _ io.Writer = (*limitedBuffer)(nil)
