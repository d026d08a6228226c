package vector

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// ErrCorrupt marks a model or index file that is truncated, fails its
// checksum or does not parse. Callers rebuild on it.
var ErrCorrupt = errors.New("corrupt vector file")

// binWriter writes little-endian values, keeping the first error.
type binWriter struct {
	w   io.Writer
	err error
	buf []byte
}

func newBinWriter(w io.Writer) *binWriter { return &binWriter{w: w, buf: make([]byte, 0, 64<<10)} }

func (b *binWriter) flushIfFull(extra int) {
	if len(b.buf)+extra > cap(b.buf) {
		b.flush()
	}
}

// flush hands buffered bytes to the underlying writer.
func (b *binWriter) flush() {
	if b.err == nil && len(b.buf) > 0 {
		_, b.err = b.w.Write(b.buf)
	}
	b.buf = b.buf[:0]
}

func (b *binWriter) bytes(p []byte) {
	b.flushIfFull(len(p))
	if len(p) > cap(b.buf) {
		if b.err == nil {
			_, b.err = b.w.Write(p)
		}
		return
	}
	b.buf = append(b.buf, p...)
}

func (b *binWriter) u32(v uint32) {
	b.flushIfFull(4)
	b.buf = binary.LittleEndian.AppendUint32(b.buf, v)
}

func (b *binWriter) u64(v uint64) {
	b.flushIfFull(8)
	b.buf = binary.LittleEndian.AppendUint64(b.buf, v)
}

func (b *binWriter) f64(v float64) { b.u64(math.Float64bits(v)) }

func (b *binWriter) str(s string) {
	b.u32(uint32(len(s)))
	b.bytes([]byte(s))
}

func (b *binWriter) f32s(vs []float32) {
	for _, v := range vs {
		b.u32(math.Float32bits(v))
	}
}

// binReader reads what binWriter wrote, keeping the first error and
// bounding every length so that a corrupt count cannot trigger a huge
// allocation before the checksum is reached.
type binReader struct {
	r   io.Reader
	err error
	buf [8]byte
}

func (b *binReader) fail(err error) {
	if b.err != nil {
		return
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		err = fmt.Errorf("%w: truncated", ErrCorrupt)
	}
	b.err = err
}

func (b *binReader) full(p []byte) bool {
	if b.err != nil {
		return false
	}
	if _, err := io.ReadFull(b.r, p); err != nil {
		b.fail(err)
		return false
	}
	return true
}

func (b *binReader) u32() uint32 {
	if !b.full(b.buf[:4]) {
		return 0
	}
	return binary.LittleEndian.Uint32(b.buf[:4])
}

func (b *binReader) u64() uint64 {
	if !b.full(b.buf[:8]) {
		return 0
	}
	return binary.LittleEndian.Uint64(b.buf[:8])
}

func (b *binReader) f64() float64 { return math.Float64frombits(b.u64()) }

// count reads a uint64 count and checks it against limit.
func (b *binReader) count(what string, limit uint64) int {
	n := b.u64()
	if b.err == nil && n > limit {
		b.fail(fmt.Errorf("%w: %s %d exceeds %d", ErrCorrupt, what, n, limit))
		return 0
	}
	return int(n)
}

func (b *binReader) str(limit int) string {
	n := b.u32()
	if b.err != nil {
		return ""
	}
	if int64(n) > int64(limit) {
		b.fail(fmt.Errorf("%w: string of %d bytes exceeds %d", ErrCorrupt, n, limit))
		return ""
	}
	p := make([]byte, n)
	if !b.full(p) {
		return ""
	}
	return string(p)
}

// f32s reads n floats. Beyond 16M floats it grows the slice as data
// arrives, so that a corrupt count in a truncated file fails before the
// whole claimed size is allocated.
func (b *binReader) f32s(n int) []float32 {
	const eager = 1 << 24
	out := make([]float32, 0, min(n, eager))
	return b.f32sInto(out, n)
}

// f32sInto appends n floats to out.
func (b *binReader) f32sInto(out []float32, n int) []float32 {
	const step = 1 << 16
	raw := make([]byte, 4*min(n, step))
	for n > 0 && b.err == nil {
		c := min(n, step)
		if !b.full(raw[:4*c]) {
			return nil
		}
		for i := range c {
			out = append(out, math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:])))
		}
		n -= c
	}
	return out
}
