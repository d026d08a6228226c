package indexer

import (
	"fmt"
	"strings"
	"sync"
	"unicode"

	"github.com/longbridgeapp/opencc"
)

// toSimplified converts traditional characters to simplified ones. Its
// dictionaries are built into the binary; it is made once, on the first
// document that needs it, and only read after that.
var toSimplified = sync.OnceValues(func() (*opencc.OpenCC, error) {
	return opencc.New("t2s")
})

// traditionalChars holds the Han characters the conversion changes on
// their own. A text with too few of them cannot be traditional, and a
// lookup per character costs far less than running the conversion, which
// most documents (written in simplified characters) would then not need.
var traditionalChars = sync.OnceValues(func() (map[rune]bool, error) {
	cc, err := toSimplified()
	if err != nil {
		return nil, err
	}
	var all []rune
	var b strings.Builder
	for _, block := range [][2]rune{{0x3400, 0x4DBF}, {0x4E00, 0x9FFF}} {
		for r := block[0]; r <= block[1]; r++ {
			all = append(all, r)
			b.WriteRune(r)
			b.WriteByte('\n')
		}
	}
	conv, err := cc.Convert(b.String())
	if err != nil {
		return nil, err
	}
	set := map[rune]bool{}
	for i, c := range strings.Split(conv, "\n") {
		if i < len(all) && c != string(all[i]) {
			set[all[i]] = true
		}
	}
	return set, nil
})

// traditionalShare is the share of a text's Han characters that must
// change under conversion for the text to count as written in
// traditional characters. Simplified text changes in almost none (a few
// characters have variant forms); a page in traditional script, as
// government sites serve it behind their 繁体 switch, changes in one in
// five or more.
const traditionalShare = 0.05

// simplify returns text in simplified characters when it is written in
// traditional ones, and reports whether it converted it. The documents
// are searched with simplified words, and their metadata is read with
// simplified names, so a page saved in traditional script is converted
// whole.
func simplify(text string) (string, bool, error) {
	// A thousand characters tell the script apart; conversion is costly.
	sample := firstRunes(text, 1000)
	han := 0
	for _, r := range sample {
		if unicode.Is(unicode.Han, r) {
			han++
		}
	}
	if han < 20 {
		return text, false, nil
	}
	trad, err := traditionalChars()
	if err != nil {
		return text, false, fmt.Errorf("load the traditional-to-simplified dictionaries: %w", err)
	}
	candidates := 0
	for _, r := range sample {
		if trad[r] {
			candidates++
		}
	}
	if float64(candidates) < traditionalShare*float64(han) {
		return text, false, nil
	}
	cc, err := toSimplified()
	if err != nil {
		return text, false, fmt.Errorf("load the traditional-to-simplified dictionaries: %w", err)
	}
	conv, err := cc.Convert(sample)
	if err != nil {
		return text, false, fmt.Errorf("convert traditional characters: %w", err)
	}
	// Conversion maps characters one to one (its phrase tables keep
	// lengths), so the characters can be compared in place.
	changed := 0
	cr := []rune(conv)
	for i, r := range []rune(sample) {
		if i < len(cr) && cr[i] != r && unicode.Is(unicode.Han, r) {
			changed++
		}
	}
	if float64(changed) < traditionalShare*float64(han) {
		return text, false, nil
	}
	out, err := cc.Convert(text)
	if err != nil {
		return text, false, fmt.Errorf("convert traditional characters: %w", err)
	}
	return out, true, nil
}
