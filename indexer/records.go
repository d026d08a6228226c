package indexer

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"

	"github.com/klauspost/compress/dict"
	"github.com/klauspost/compress/zstd"
)

// Every record keeps its JSON in the index, about a kilobyte of Chinese
// text, names and keys. bleve compresses each record alone with snappy,
// which finds little to share within one record: on 20 MB of documents
// the records took 45 MB, a third of the index. A zstd dictionary learnt
// from the build's first records holds what records share (the keys,
// place names, theme names, the genre's phrases) and brings them to
// 25 MB, read back in about 6 µs a record.

const (
	// internalRecordDict keys the dictionary inside the index.
	internalRecordDict = "record-dict"
	// dictSampleRecords is how many of a build's first records the
	// dictionary is learnt from; a build with fewer keeps plain JSON (too
	// small to gain from it). Learning from 500 records takes about a
	// second and compresses within 4% of learning from 8,000.
	dictSampleRecords = 500
	// dictMaxBytes bounds the dictionary.
	dictMaxBytes = 64 << 10
	// dictHashBytes is the length of the matches the dictionary is built
	// from: two Chinese characters.
	dictHashBytes = 6
)

// zstdMagic opens every zstd frame; a JSON record opens with '{'.
var zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}

// recordCodec compresses records with one dictionary.
type recordCodec struct {
	dict []byte
	enc  *zstd.Encoder
}

func newRecordCodec(d []byte) (*recordCodec, error) {
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderDict(d), zstd.WithEncoderLevel(zstd.SpeedDefault))
	if err != nil {
		return nil, fmt.Errorf("record dictionary: %w", err)
	}
	return &recordCodec{dict: d, enc: enc}, nil
}

// encode returns raw compressed; a nil codec keeps it as it is.
func (c *recordCodec) encode(raw []byte) []byte {
	if c == nil {
		return raw
	}
	return c.enc.EncodeAll(raw, make([]byte, 0, len(raw)/2))
}

// dictLearner stores a build's first records as they are, learns a
// dictionary from them and compresses every later record with it (the
// writers wait the second it takes to learn). It is safe for concurrent
// use.
type dictLearner struct {
	codec atomic.Pointer[recordCodec]

	mu      sync.Mutex
	samples [][]byte
	started bool
	done    chan struct{}
}

func newDictLearner() *dictLearner { return &dictLearner{done: make(chan struct{})} }

// encode returns the stored form of raw.
func (l *dictLearner) encode(raw []byte) []byte {
	if c := l.codec.Load(); c != nil {
		return c.encode(raw)
	}
	l.mu.Lock()
	if l.started {
		l.mu.Unlock()
		<-l.done
		return l.codec.Load().encode(raw)
	}
	l.samples = append(l.samples, raw)
	if len(l.samples) >= dictSampleRecords {
		l.started = true
		samples := l.samples
		l.samples = nil
		go l.learn(samples)
	}
	l.mu.Unlock()
	return raw
}

func (l *dictLearner) learn(samples [][]byte) {
	defer close(l.done)
	id := rand.Uint32N(1<<31-1<<15) + 1<<15 // ids below 32768 are reserved
	d, err := dict.BuildZstdDict(samples, dict.Options{MaxDictSize: dictMaxBytes, HashBytes: dictHashBytes, ZstdDictID: id})
	if err == nil {
		var c *recordCodec
		if c, err = newRecordCodec(d); err == nil {
			l.codec.Store(c)
			return
		}
	}
	// Records are then stored as JSON: larger, never wrong.
	slog.Warn("learning the record dictionary failed; records stay uncompressed", "err", err)
}

// finish waits for the dictionary, if one is being learnt, and returns it
// (nil: none).
func (l *dictLearner) finish() []byte {
	l.mu.Lock()
	started := l.started
	l.mu.Unlock()
	if !started {
		return nil
	}
	<-l.done
	if c := l.codec.Load(); c != nil {
		return c.dict
	}
	return nil
}

// recordDecoders reads records compressed with any dictionary the store
// has had: a search that began on a replaced generation may still read
// its records. It is safe for concurrent use.
type recordDecoders struct {
	mu   sync.RWMutex
	byID map[uint32]*zstd.Decoder
}

// add makes records compressed with d readable.
func (r *recordDecoders) add(d []byte) error {
	id, err := dictID(d)
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.byID[id]; ok {
		return nil
	}
	dec, err := zstd.NewReader(nil, zstd.WithDecoderDicts(d), zstd.WithDecoderConcurrency(0))
	if err != nil {
		return fmt.Errorf("record dictionary %d: %w", id, err)
	}
	if r.byID == nil {
		r.byID = map[uint32]*zstd.Decoder{}
	}
	r.byID[id] = dec
	return nil
}

// decode returns the JSON of a stored record.
func (r *recordDecoders) decode(stored []byte) ([]byte, error) {
	if !bytes.HasPrefix(stored, zstdMagic) {
		return stored, nil
	}
	var h zstd.Header
	if err := h.Decode(stored); err != nil {
		return nil, fmt.Errorf("stored record: %w", err)
	}
	r.mu.RLock()
	dec := r.byID[h.DictionaryID]
	r.mu.RUnlock()
	if dec == nil {
		return nil, fmt.Errorf("stored record: compressed with dictionary %d, which the index does not hold", h.DictionaryID)
	}
	raw, err := dec.DecodeAll(stored, nil)
	if err != nil {
		return nil, fmt.Errorf("stored record: %w", err)
	}
	return raw, nil
}

// close releases the decoders.
func (r *recordDecoders) close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, d := range r.byID {
		d.Close()
	}
	r.byID = nil
}

// dictID reads the id a zstd dictionary names itself by.
func dictID(d []byte) (uint32, error) {
	if len(d) < 8 || binary.LittleEndian.Uint32(d) != 0xec30a437 {
		return 0, errors.New("record dictionary: not a zstd dictionary")
	}
	return binary.LittleEndian.Uint32(d[4:]), nil
}
