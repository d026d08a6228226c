package vector

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"math"
	"os"
)

// The LSA file: magic, format version, the model body, and the SHA-256 of
// everything before it. The same hash names the model (LSA.ID).
const (
	lsaMagic   = "PSVLSA\x00\x00"
	lsaVersion = 1
	// Bounds applied while reading.
	maxTerms   = 1 << 26
	maxDim     = 1 << 12
	maxTermLen = 1 << 12
	maxIDLen   = 1 << 12
)

// writeBody writes everything that defines the model, the bytes its ID and
// checksum cover.
func (m *LSA) writeBody(w io.Writer) error {
	b := newBinWriter(w)
	b.bytes([]byte(lsaMagic))
	b.u32(lsaVersion)
	c := m.cfg
	b.u32(uint32(m.dim))
	b.u32(uint32(c.MinDF))
	b.f64(c.MaxDFRatio)
	b.u32(uint32(c.MaxTerms))
	b.u32(uint32(c.Oversample))
	b.u32(uint32(c.PowerIters))
	b.u64(c.Seed)
	b.str(c.TokenizerID)
	b.u64(uint64(m.info.Docs))
	b.u64(uint64(m.info.NNZ))
	b.u64(uint64(len(m.vocab)))
	for _, t := range m.vocab {
		b.str(t)
	}
	b.f32s(m.idf)
	b.f32s(m.sigma)
	b.f32s(m.v)
	b.flush()
	return b.err
}

// Save writes the model in a versioned binary format that LoadLSA reads.
func (m *LSA) Save(w io.Writer) error {
	h := sha256.New()
	bw := bufio.NewWriterSize(w, 1<<16)
	if err := m.writeBody(io.MultiWriter(bw, h)); err != nil {
		return fmt.Errorf("save LSA model: %w", err)
	}
	if _, err := bw.Write(h.Sum(nil)); err != nil {
		return fmt.Errorf("save LSA model: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("save LSA model: %w", err)
	}
	return nil
}

// SaveFile writes the model to path atomically: into a temporary file
// beside it, synced, then renamed over path.
func (m *LSA) SaveFile(path string) error {
	if err := writeFileAtomic(path, m.Save); err != nil {
		return fmt.Errorf("save LSA model: %w", err)
	}
	return nil
}

// LoadLSAFile reads a model file written by SaveFile (see LoadLSA).
func LoadLSAFile(path string, tokenize Tokenizer) (*LSA, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load LSA model: %w", err)
	}
	defer f.Close()
	m, err := LoadLSA(f, tokenize)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// LoadLSA reads a model written by Save. tokenize must split text as the
// tokenizer the model was trained with (compare LSA.TokenizerID). A
// truncated or damaged file gives an error wrapping ErrCorrupt.
func LoadLSA(r io.Reader, tokenize Tokenizer) (*LSA, error) {
	if tokenize == nil {
		return nil, fmt.Errorf("load LSA model: no tokenizer")
	}
	br := bufio.NewReaderSize(r, 1<<16)
	h := sha256.New()
	b := &binReader{r: io.TeeReader(br, h)}
	magic := make([]byte, len(lsaMagic))
	if b.full(magic); b.err == nil && !bytes.Equal(magic, []byte(lsaMagic)) {
		return nil, fmt.Errorf("load LSA model: %w: not an LSA model file", ErrCorrupt)
	}
	if v := b.u32(); b.err == nil && v != lsaVersion {
		return nil, fmt.Errorf("load LSA model: format version %d, this program reads %d", v, lsaVersion)
	}
	m := &LSA{tokenize: tokenize}
	m.dim = int(b.u32())
	m.cfg.MinDF = int(b.u32())
	m.cfg.MaxDFRatio = b.f64()
	m.cfg.MaxTerms = int(b.u32())
	m.cfg.Oversample = int(b.u32())
	m.cfg.PowerIters = int(b.u32())
	m.cfg.Seed = b.u64()
	m.cfg.TokenizerID = b.str(maxIDLen)
	m.info.Docs = b.count("text count", math.MaxInt32)
	m.info.NNZ = b.count("non-zero count", math.MaxInt64)
	n := b.count("term count", maxTerms)
	if b.err == nil && (m.dim < 1 || m.dim > maxDim) {
		b.fail(fmt.Errorf("%w: dimension %d", ErrCorrupt, m.dim))
	}
	if b.err == nil {
		m.vocab = make([]string, 0, min(n, 1<<16))
		for range n {
			if m.vocab = append(m.vocab, b.str(maxTermLen)); b.err != nil {
				break
			}
		}
	}
	m.idf = b.f32s(n)
	m.sigma = b.f32s(m.dim)
	m.v = b.f32s(n * m.dim)
	if b.err != nil {
		return nil, fmt.Errorf("load LSA model: %w", b.err)
	}
	sum := h.Sum(nil)
	stored := make([]byte, len(sum))
	if _, err := io.ReadFull(br, stored); err != nil {
		return nil, fmt.Errorf("load LSA model: %w: truncated checksum", ErrCorrupt)
	}
	if !bytes.Equal(sum, stored) {
		return nil, fmt.Errorf("load LSA model: %w: checksum mismatch", ErrCorrupt)
	}
	m.terms = make(map[string]int32, n)
	for j, t := range m.vocab {
		m.terms[t] = int32(j)
	}
	if len(m.terms) != n {
		return nil, fmt.Errorf("load LSA model: %w: duplicate terms", ErrCorrupt)
	}
	m.cfg.Dim = m.dim
	m.cfg.Workers = defaultWorkers()
	m.info.Terms, m.info.Dim, m.info.Singular = n, m.dim, m.sigma
	m.id = lsaID(m.dim, sum)
	return m, nil
}
