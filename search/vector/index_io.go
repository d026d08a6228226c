package vector

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
)

// The index file: magic, format version, header, ids, the vectors' codes
// and scales (version 1: float32 vectors, coded when read), and a CRC-32C
// of everything before it (fast enough to check hundreds of megabytes on
// every open).
const (
	indexMagic   = "PSVIDX\x00\x00"
	indexVersion = 2
	// floatVersion is the version that held float32 vectors.
	floatVersion = 1
	maxCount     = 1 << 31
	maxFPLen     = 1 << 16
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Header describes a saved index: whose vectors it holds and which corpus
// state they reflect. Whoever opens it rebuilds when either differs from
// the current embedder ID or corpus fingerprint.
type Header struct {
	EmbedderID  string
	Fingerprint string
	Dim         int
	Count       int
}

// Save writes the index to path atomically (see writeFileAtomic).
// fingerprint is the caller's name for the
// corpus state the vectors reflect. Searches may run during Save; writers
// wait.
func (ix *Index) Save(path, fingerprint string) error {
	err := writeFileAtomic(path, func(w io.Writer) error {
		crc := crc32.New(castagnoli)
		b := newBinWriter(io.MultiWriter(w, crc))
		ix.mu.RLock()
		b.bytes([]byte(indexMagic))
		b.u32(indexVersion)
		b.str(ix.embedderID)
		b.str(fingerprint)
		b.u32(uint32(ix.dim))
		b.u64(uint64(len(ix.ids)))
		for _, id := range ix.ids {
			b.str(id)
		}
		b.bytes(ix.codes)
		b.f32s(ix.scales)
		b.flush()
		ix.mu.RUnlock()
		if b.err != nil {
			return b.err
		}
		return binary.Write(w, binary.LittleEndian, crc.Sum32())
	})
	if err != nil {
		return fmt.Errorf("save vector index: %w", err)
	}
	return nil
}

// writeFileAtomic writes path through write into a temporary file beside
// it, synced, then renamed over path, so a crash leaves the old file or the
// new one, never a mix.
func writeFileAtomic(path string, write func(w io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<20)
	if err := write(bw); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	// The rename is durable only once the folder is synced.
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// LoadIndex reads an index written by Save and its header. A missing file
// gives an error wrapping fs.ErrNotExist; a truncated or damaged one an
// error wrapping ErrCorrupt.
func LoadIndex(path string) (*Index, Header, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, Header{}, fmt.Errorf("load vector index: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, Header{}, fmt.Errorf("load vector index: %w", err)
	}
	ix, h, err := readIndex(bufio.NewReaderSize(f, 1<<20), st.Size())
	if err != nil {
		return nil, Header{}, fmt.Errorf("load vector index %s: %w", path, err)
	}
	return ix, h, nil
}

func readIndex(br *bufio.Reader, size int64) (*Index, Header, error) {
	crc := crc32.New(castagnoli)
	b := &binReader{r: io.TeeReader(br, crc)}
	magic := make([]byte, len(indexMagic))
	if b.full(magic); b.err == nil && !bytes.Equal(magic, []byte(indexMagic)) {
		return nil, Header{}, fmt.Errorf("%w: not a vector index file", ErrCorrupt)
	}
	version := b.u32()
	if b.err == nil && version != indexVersion && version != floatVersion {
		return nil, Header{}, fmt.Errorf("format version %d, this program reads %d and %d", version, floatVersion, indexVersion)
	}
	var h Header
	h.EmbedderID = b.str(maxIDLen)
	h.Fingerprint = b.str(maxFPLen)
	h.Dim = int(b.u32())
	h.Count = b.count("vector count", maxCount)
	if b.err == nil && (h.Dim < 0 || h.Dim > maxDim || (h.Dim == 0 && h.Count > 0)) {
		return nil, Header{}, fmt.Errorf("%w: dimension %d", ErrCorrupt, h.Dim)
	}
	need := int64(h.Count) * (int64(h.Dim) + 4)
	if version == floatVersion {
		need = int64(h.Count) * int64(h.Dim) * 4
	}
	if b.err == nil && need > size {
		return nil, Header{}, fmt.Errorf("%w: truncated: %d vectors of %d dimensions do not fit in %d bytes", ErrCorrupt, h.Count, h.Dim, size)
	}
	if b.err != nil {
		return nil, Header{}, b.err
	}
	ix := NewIndex(h.EmbedderID, h.Dim)
	ix.ids = make([]string, h.Count)
	ix.pos = make(map[string]int, h.Count)
	for i := range ix.ids {
		ix.ids[i] = b.str(maxIDLen)
		if b.err != nil {
			return nil, Header{}, b.err
		}
		if _, dup := ix.pos[ix.ids[i]]; dup {
			return nil, Header{}, fmt.Errorf("%w: id %q twice", ErrCorrupt, ix.ids[i])
		}
		ix.pos[ix.ids[i]] = i
		doc := docOf(ix.ids[i])
		ix.byDoc[doc] = append(ix.byDoc[doc], int32(i))
	}
	// The count was checked against the file's size: allocate at once.
	ix.codes = make([]byte, h.Count*h.Dim)
	if version == floatVersion {
		ix.scales = make([]float32, h.Count)
		v := make([]float32, 0, h.Dim)
		for p := range h.Count {
			if v = b.f32sInto(v[:0], h.Dim); b.err != nil {
				return nil, Header{}, b.err
			}
			ix.scales[p] = quantize(v, ix.codes[p*h.Dim:(p+1)*h.Dim])
		}
	} else {
		b.full(ix.codes)
		ix.scales = b.f32sInto(make([]float32, 0, h.Count), h.Count)
	}
	if b.err != nil {
		return nil, Header{}, b.err
	}
	sum := crc.Sum32()
	var stored uint32
	if err := binary.Read(br, binary.LittleEndian, &stored); err != nil {
		return nil, Header{}, fmt.Errorf("%w: truncated checksum", ErrCorrupt)
	}
	if stored != sum {
		return nil, Header{}, fmt.Errorf("%w: checksum mismatch", ErrCorrupt)
	}
	if _, err := br.ReadByte(); !errors.Is(err, io.EOF) {
		return nil, Header{}, fmt.Errorf("%w: data after the checksum", ErrCorrupt)
	}
	return ix, h, nil
}
