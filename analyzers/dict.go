package analyzers

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
)

// The dictionaries are embedded so that an installed binary does not depend
// on the source tree of the segmentation library being present.
//
//go:embed dict/*.gz
var embeddedDicts embed.FS

//go:embed dict/NOTICE
var dictNotice string

//go:embed userdict.txt
var embeddedUserDict []byte

// Names of the dictionary files a dictionary folder must hold.
const (
	DictFile      = "jieba.dict.utf8" // word dictionary
	HMMFile       = "hmm_model.utf8"  // model for words not in the dictionary
	IDFFile       = "idf.utf8"        // inverse document frequencies
	StopWordsFile = "stop_words.utf8" // stop words
)

// requiredDictFiles lists the files of a dictionary folder, in a fixed order
// that content hashes depend on.
func requiredDictFiles() []string {
	return []string{DictFile, HMMFile, IDFFile, StopWordsFile}
}

// analysisVersion is part of the fingerprint: it changes whenever the way
// text is turned into tokens changes, so that old indexes get rebuilt.
const analysisVersion = "words-1"

// defaultUserFreq is the frequency given to user words listed without one
// (and to Config.ExtraWords). It is high enough for a word to beat the
// dictionary's segmentation of the same characters (a split into two words
// costs two log-probabilities) yet below the commonest function words, so
// that a domain word does not swallow a neighbouring character.
const defaultUserFreq = 20000

// Config says where the segmenter finds its dictionaries.
type Config struct {
	// DictDir is a folder holding jieba.dict.utf8, hmm_model.utf8, idf.utf8
	// and stop_words.utf8. Empty means the built-in copies, extracted once
	// into the user's cache folder.
	DictDir string
	// ExtraWords are domain terms added to the built-in user dictionary.
	// They are normalised like indexed text; terms that still contain a
	// space after normalisation cannot be one word and are skipped.
	ExtraWords []string
}

// dictSet is a resolved set of dictionary files on disk.
type dictSet struct {
	dict, hmm, idf, stop string
	user                 string // generated user dictionary
	userText             []byte
	fingerprint          string
}

// resolveDicts finds or extracts the dictionary files for cfg and writes the
// user dictionary, checking everything the segmentation library would
// otherwise abort the process over.
func resolveDicts(cfg Config) (dictSet, error) {
	var (
		dir      string
		identity string
		err      error
	)
	if cfg.DictDir != "" {
		dir = cfg.DictDir
		identity, err = checkDictDir(dir)
		if err != nil {
			return dictSet{}, err
		}
	} else {
		identity, err = embeddedHash()
		if err != nil {
			return dictSet{}, err
		}
	}

	userText, err := buildUserDict(embeddedUserDict, cfg.ExtraWords)
	if err != nil {
		return dictSet{}, err
	}
	userSum := sha256.Sum256(userText)
	userName := "user-" + hex.EncodeToString(userSum[:6]) + ".utf8"

	// The built-in dictionaries and the generated user dictionary share one
	// cache folder; with a dictionary folder of the user's own, that folder
	// is left untouched and the user dictionary goes to the cache.
	sub := "dict-" + identity[:12]
	if cfg.DictDir != "" {
		sub = "userdict"
	}
	cache, err := writableCacheDir(sub)
	if err != nil {
		return dictSet{}, err
	}
	if cfg.DictDir == "" {
		if err := extractEmbedded(cache); err != nil {
			return dictSet{}, err
		}
		dir = cache
	}
	user := filepath.Join(cache, userName)
	// The library splits its user-dictionary argument at these characters.
	if strings.ContainsAny(user, "|;") {
		return dictSet{}, fmt.Errorf("user dictionary path %q contains '|' or ';', which the segmenter cannot read", user)
	}
	if err := writeFileAtomic(user, userText); err != nil {
		return dictSet{}, err
	}

	fp := sha256.New()
	fmt.Fprintf(fp, "%s\n%s\n", analysisVersion, identity)
	fp.Write(userText)
	return dictSet{
		dict:        filepath.Join(dir, DictFile),
		hmm:         filepath.Join(dir, HMMFile),
		idf:         filepath.Join(dir, IDFFile),
		stop:        filepath.Join(dir, StopWordsFile),
		user:        user,
		userText:    userText,
		fingerprint: "words-" + hex.EncodeToString(fp.Sum(nil)[:8]),
	}, nil
}

// checkDictDir verifies that dir holds every dictionary file, naming all
// missing ones at once, checks the word dictionary's format (a malformed
// line aborts the segmentation library) and returns a hash of the contents.
func checkDictDir(dir string) (string, error) {
	var missing []string
	for _, name := range requiredDictFiles() {
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil || !st.Mode().IsRegular() {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return "", fmt.Errorf("dictionary folder %s: missing %s", dir, strings.Join(missing, ", "))
	}
	h := sha256.New()
	for _, name := range requiredDictFiles() {
		path := filepath.Join(dir, name)
		data, err := os.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("read dictionary: %w", err)
		}
		if name == DictFile {
			if err := checkWordDict(data); err != nil {
				return "", fmt.Errorf("dictionary %s: %w", path, err)
			}
		}
		fmt.Fprintf(h, "%s %d\n", name, len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// checkWordDict checks that every line of a word dictionary has the three
// fields word, frequency and tag separated by single spaces.
func checkWordDict(data []byte) error {
	if len(data) == 0 {
		return errors.New("empty")
	}
	line := 0
	for len(data) > 0 {
		line++
		var l []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			l, data = data[:i], data[i+1:]
		} else {
			l, data = data, nil
		}
		f := strings.Split(string(bytes.TrimSuffix(l, []byte("\r"))), " ")
		if len(f) != 3 || f[0] == "" {
			return fmt.Errorf("line %d: want \"word frequency tag\", got %q", line, l)
		}
		if _, err := strconv.ParseFloat(f[1], 64); err != nil {
			return fmt.Errorf("line %d: frequency %q: %w", line, f[1], err)
		}
	}
	return nil
}

// embeddedHash identifies the built-in dictionaries by their compressed
// bytes (the cache folder name and the fingerprint depend on it).
func embeddedHash() (string, error) {
	h := sha256.New()
	for _, name := range requiredDictFiles() {
		data, err := embeddedDicts.ReadFile("dict/" + name + ".gz")
		if err != nil {
			return "", fmt.Errorf("built-in dictionary %s: %w", name, err)
		}
		fmt.Fprintf(h, "%s %d\n", name, len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// writableCacheDir returns <cache>/policysearch/<sub>, created, under the
// user's cache folder or, when that is unavailable or read-only, under the
// temporary folder.
func writableCacheDir(sub string) (string, error) {
	var roots []string
	if c, err := os.UserCacheDir(); err == nil {
		roots = append(roots, c)
	}
	roots = append(roots, os.TempDir())
	var errs []error
	for _, root := range roots {
		dir := filepath.Join(root, "policysearch", sub)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			errs = append(errs, err)
			continue
		}
		// MkdirAll succeeds on an existing read-only folder: probe it.
		f, err := os.CreateTemp(dir, ".probe-*")
		if err != nil {
			errs = append(errs, err)
			continue
		}
		name := f.Name()
		f.Close()
		os.Remove(name)
		return dir, nil
	}
	return "", fmt.Errorf("no writable cache folder for dictionaries: %w", errors.Join(errs...))
}

// extractEmbedded writes the built-in dictionaries into dir unless a
// complete copy is already there.
func extractEmbedded(dir string) error {
	for _, name := range requiredDictFiles() {
		gz, err := embeddedDicts.ReadFile("dict/" + name + ".gz")
		if err != nil {
			return fmt.Errorf("built-in dictionary %s: %w", name, err)
		}
		dst := filepath.Join(dir, name)
		// The gzip trailer holds the uncompressed size (mod 2^32, ample for
		// these files): a file of that size was renamed into place whole.
		if len(gz) >= 4 {
			want := int64(binary.LittleEndian.Uint32(gz[len(gz)-4:]))
			if st, err := os.Stat(dst); err == nil && st.Mode().IsRegular() && st.Size() == want {
				continue
			}
		}
		zr, err := gzip.NewReader(bytes.NewReader(gz))
		if err != nil {
			return fmt.Errorf("built-in dictionary %s: %w", name, err)
		}
		err = writeAtomic(dst, zr)
		zr.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// writeFileAtomic writes data to path unless an identical file is there.
func writeFileAtomic(path string, data []byte) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return nil
	}
	return writeAtomic(path, bytes.NewReader(data))
}

// writeAtomic writes r to a temporary file beside path and renames it into
// place, so that concurrent processes never see a partial file.
func writeAtomic(path string, r io.Reader) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	_, err = io.Copy(f, r)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// userEntry is one line of a user dictionary.
type userEntry struct {
	word string
	freq int
	tag  string
}

// parseUserDict reads lines "word [freq] [tag]"; blank lines and lines
// starting with '#' are skipped. Words are normalised like indexed text.
func parseUserDict(data []byte) ([]userEntry, error) {
	var out []userEntry
	sc := bufio.NewScanner(bytes.NewReader(data))
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f := strings.Fields(text)
		e := userEntry{word: Normalize(f[0]), freq: defaultUserFreq, tag: "n"}
		rest := f[1:]
		if len(rest) > 0 {
			if n, err := strconv.Atoi(rest[0]); err == nil {
				if n <= 0 {
					return nil, fmt.Errorf("user dictionary line %d: frequency must be positive: %q", line, text)
				}
				e.freq = n
				rest = rest[1:]
			}
		}
		if len(rest) > 0 {
			e.tag = rest[0]
			rest = rest[1:]
		}
		if len(rest) > 0 || e.word == "" || strings.ContainsFunc(e.word, unicode.IsSpace) {
			return nil, fmt.Errorf("user dictionary line %d: want \"word [freq] [tag]\": %q", line, text)
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read user dictionary: %w", err)
	}
	return out, nil
}

// buildUserDict returns the user dictionary handed to the segmenter: the
// built-in entries followed by the extra words not already listed, each line
// with all three fields (with two, the library reads the second as a tag).
func buildUserDict(builtin []byte, extra []string) ([]byte, error) {
	entries, err := parseUserDict(builtin)
	if err != nil {
		return nil, err
	}
	seen := make(map[string]bool, len(entries)+len(extra))
	var b bytes.Buffer
	add := func(e userEntry) {
		if seen[e.word] {
			return
		}
		seen[e.word] = true
		fmt.Fprintf(&b, "%s %d %s\n", e.word, e.freq, e.tag)
	}
	for _, e := range entries {
		add(e)
	}
	for _, w := range extra {
		n := Normalize(w)
		if n == "" || strings.ContainsFunc(n, unicode.IsSpace) {
			continue
		}
		add(userEntry{word: n, freq: defaultUserFreq, tag: "n"})
	}
	return b.Bytes(), nil
}

// userWords returns the words of a generated user dictionary.
func userWords(user []byte) []string {
	var out []string
	for _, l := range strings.Split(string(user), "\n") {
		if w, _, ok := strings.Cut(l, " "); ok {
			out = append(out, w)
		}
	}
	return out
}

// readLines calls fn for each line of a dictionary file.
func readLines(path string, fn func(line string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open dictionary: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		if err := fn(strings.TrimSuffix(sc.Text(), "\r")); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	return nil
}

// DictionaryNotice returns where the built-in dictionaries come from and
// their licence, which must accompany every copy of the program.
func DictionaryNotice() string { return dictNotice }
