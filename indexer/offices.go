package indexer

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/policysearch/policysearch/analyzers"
)

// The offices a provision names as responsible for it, in the forms plans
// write them: a labelled note (牵头处室：疾控处；配合处室：各相关处室, also
// 【牵头单位】…, 牵头：…, or 责任单位：… closing the text without
// brackets), or a sentence (市卫生健康委牵头，市医保局、市财政局配合;
// 医政医管处负责).

// officeLabelRe finds a label of an office note and says whose: the lead
// (牵头, 责任, 主责) or the support (配合, 协办, 参与, 协同); 责任领导 names a
// person, not an office, and is read as no label.
var officeLabelRe = regexp.MustCompile(`[【\[]?(牵头责任|主要牵头|牵头|责任|主责|主要协作|协作|配合|协办|参与|协同)(处室|单位|部门|科室|领导)?[】\]]?\s*[:：】\]]?`)

// officeSentenceRe reads a note that says it in a sentence: whose lead
// (…牵头, …负责) and whose support (…配合, …参与, …协同).
var officeSentenceRe = regexp.MustCompile(`^(.+?)(?:牵头|负责)(?:[，,；;、]\s*(.+?)(?:配合|参与|协同|协助))?$`)

// officeNameRe matches what an office's name ends in.
var officeNameRe = regexp.MustCompile(`(?:处|委|局|室|中心|办|科|所|院|部|厅|会|队|站|组|府|团)(?:[(（][^()（）]*[)）])?$`)

// genericOfficeRe matches office lists that name no office.
var genericOfficeRe = regexp.MustCompile(`^(?:各|其他|有关|相关)\p{Han}{0,4}(?:处室|单位|部门)$`)

// offices returns the lead and supporting offices a provision's text
// names: in the last bracketed note that names any, else in a labelled
// clause closing the text. Generic entries (各相关处室) are left out; a
// name with its own parenthesis, 办公室(对外合作交流处), stays one name.
func offices(text string) (lead, support []string) {
	if !mentionsOffice(text) {
		return nil, nil
	}
	if lead, support = closingNote(text); len(lead)+len(support) > 0 {
		return lead, support
	}
	notes := bracketed(text)
	for i := len(notes) - 1; i >= 0; i-- {
		if lead, support = officeNote(notes[i]); len(lead)+len(support) > 0 {
			return lead, support
		}
	}
	return nil, nil
}

// officeWords are what every office note holds, one of them at least.
var officeWords = []string{"牵头", "责任", "主责", "配合", "协办", "协作", "参与", "协同", "负责"}

// mentionsOffice reports whether text may hold an office note: most
// provisions hold none, and the expressions are let go for them.
func mentionsOffice(text string) bool {
	for _, w := range officeWords {
		if strings.Contains(text, w) {
			return true
		}
	}
	return false
}

// bracketed returns the contents of text's outermost brackets, (…) and
// （…）, in order.
func bracketed(text string) []string {
	var out []string
	depth, start := 0, 0
	for i, r := range text {
		switch r {
		case '(', '（':
			if depth == 0 {
				start = i + utf8.RuneLen(r)
			}
			depth++
		case ')', '）':
			if depth == 1 {
				out = append(out, text[start:i])
			}
			depth = max(0, depth-1)
		}
	}
	return out
}

// closingNote reads the last clause of text when it starts with an office
// label (…。责任单位：市卫健委、市医保局).
func closingNote(text string) (lead, support []string) {
	t := strings.TrimRight(analyzers.TrimSpace(text), "。；;.")
	if strings.HasSuffix(t, ")") || strings.HasSuffix(t, "）") {
		return nil, nil // a bracketed note, read as one
	}
	last := t
	if i := strings.LastIndexAny(t, "。；;"); i >= 0 {
		_, size := utf8.DecodeRuneInString(t[i:])
		last = t[i+size:]
	}
	last = analyzers.TrimSpace(last)
	if loc := officeLabelRe.FindStringSubmatchIndex(last); loc != nil && loc[0] == 0 && labelled(last, loc) {
		return officeNote(last)
	}
	// A note run on after the text without a full stop (…生命安全牵头
	// 责任单位：县卫健委): from its first full label on, when all it names
	// are offices.
	for _, loc := range officeLabelRe.FindAllStringSubmatchIndex(t, -1) {
		if loc[4] >= 0 && labelled(t, loc) {
			lead, support = officeNote(t[loc[0]:])
			if !allOffices(append(slices.Clone(lead), support...)) {
				return nil, nil
			}
			return lead, support
		}
	}
	return nil, nil
}

// allOffices reports whether every name reads as an office's, or a
// body's the genre names as one (各乡镇人民政府, 县政府有关部门).
func allOffices(names []string) bool {
	for _, n := range names {
		if !officeNameRe.MatchString(n) && !strings.Contains(n, "政府") && !strings.Contains(n, "部门") && !strings.Contains(n, "单位") {
			return false
		}
	}
	return true
}

// labelled reports whether the label officeLabelRe found at loc in s is
// one: a colon or a closing bracket ends it.
func labelled(s string, loc []int) bool {
	m := strings.TrimSpace(s[loc[0]:loc[1]])
	last, _ := utf8.DecodeLastRuneInString(m)
	return strings.ContainsRune(":：】]", last)
}

// officeNote reads one note: its labelled clauses, else its sentence.
func officeNote(note string) (lead, support []string) {
	note = analyzers.TrimSpace(note)
	locs := officeLabelRe.FindAllStringSubmatchIndex(note, -1)
	var starts [][]int
	for _, loc := range locs {
		// A label begins a clause: at the start, after a separator, or
		// in its own brackets (…市卫生健康委【配合单位】…).
		// A full label (…单位：) also where a line break was lost before
		// it (…县卫健委主要协作单位：…).
		before, _ := utf8.DecodeLastRuneInString(note[:loc[0]])
		opens := loc[0] == 0 || strings.ContainsRune("；;，,。 \n", before) || strings.HasPrefix(note[loc[0]:], "【") || strings.HasPrefix(note[loc[0]:], "[") || loc[4] >= 0
		if loc[0] > 0 && strings.HasSuffix(note[:loc[0]], "主要") {
			continue // 主要协作单位 read from its start
		}
		if labelled(note, loc) && opens {
			starts = append(starts, loc)
		}
	}
	if len(starts) > 0 && starts[0][0] == 0 {
		for k, loc := range starts {
			end := len(note)
			if k+1 < len(starts) {
				end = starts[k+1][0]
			}
			if loc[4] >= 0 && note[loc[4]:loc[5]] == "领导" {
				continue // a person, not an office
			}
			names := officeNames(strings.TrimRight(note[loc[1]:end], "；;，,。 "))
			switch note[loc[2]:loc[3]] {
			case "牵头责任", "主要牵头", "牵头", "责任", "主责":
				lead = append(lead, names...)
			default:
				support = append(support, names...)
			}
		}
		return lead, support
	}
	m := officeSentenceRe.FindStringSubmatch(note)
	if m == nil {
		return nil, nil
	}
	lead = officeNames(strings.TrimPrefix(strings.TrimPrefix(m[1], "均"), "由"))
	if m[2] != "" {
		support = officeNames(m[2])
	}
	// A sentence is a note only when what it names are offices: (由
	// 患者自行负责) is not one.
	for _, n := range append(append([]string(nil), lead...), support...) {
		if !officeNameRe.MatchString(n) {
			return nil, nil
		}
	}
	return lead, support
}

// officeNames splits a list of offices and keeps the named ones.
func officeNames(list string) []string {
	var out []string
	seen := map[string]bool{}
	for _, name := range splitTop(list, "、，,") {
		name = analyzers.TrimSpace(name)
		for _, suffix := range []string{"等各相关处室", "等相关处室", "等各处室", "等处室", "等单位", "等"} {
			if strings.HasSuffix(name, suffix) && name != suffix {
				name = strings.TrimSuffix(name, suffix)
				break
			}
		}
		if name == "" || genericOfficeRe.MatchString(name) || seen[name] {
			continue
		}
		seen[name] = true
		out = append(out, name)
	}
	return out
}

// splitTop splits s at any of seps that stand outside parentheses.
func splitTop(s, seps string) []string {
	var out []string
	depth, start := 0, 0
	for i, r := range s {
		switch {
		case r == '(' || r == '（':
			depth++
		case r == ')' || r == '）':
			depth--
		case depth == 0 && strings.ContainsRune(seps, r):
			out = append(out, s[start:i])
			start = i + utf8.RuneLen(r)
		}
	}
	return append(out, s[start:])
}
