package knowledge

import (
	"bufio"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

// The domain lexicon is data, kept in lexicon/ (see its files' comments;
// ru-freedict.txt is generated, see cmd/genfreedict):
// English synonym groups, Russian and Ukrainian stems mapped to English,
// the terms that mark an article as one about the event, and the news
// outlets articles cite.
//
//go:generate sh -c "cd .. && go run ./cmd/genfreedict -dict /usr/share/dictd/freedict-eng-rus.dict.dz -corpus corpus -out knowledge/lexicon/ru-freedict.txt"
//go:embed lexicon/*.txt
var lexiconFiles embed.FS

// lexicon is the parsed domain lexicon.
type lexicon struct {
	// groups are sets of interchangeable English words and phrases.
	groups [][]string
	// short are the members of at most three letters ("us", "is"): in a
	// question they stand for their group only when written in capitals,
	// since other words may stem to them (those known to: unstemmed).
	short map[string]bool
	// unstemmed are the words indexed as written, not stemmed: their stem
	// is a short member's ("used" stems to "us", the US's). The forms of
	// one word are a group too.
	unstemmed []string
	// foreign maps a language ("ru", "uk") to its entries.
	foreign map[string]*foreignLexicon
	// dictionary maps Russian stems (slavic.Stem) to English words: the
	// generated lexicon/ru-freedict.txt, for words the hand-written
	// lexicons lack; Ukrainian words meet it through their shared roots.
	dictionary map[string][]string
	// event lists the terms that mark an article about the event.
	event []string
	// outlets are the news sources articles cite, lower case: a name
	// among them is a source, never a place ("a summary in RT").
	outlets map[string]bool
	// chat is how people type in a chat.
	chat *chatLexicon
	// question is the English question vocabulary.
	question *vocabulary
}

// foreignLexicon maps words of one language to English.
type foreignLexicon struct {
	question map[string]string // question word → English question word
	stop     map[string]bool
	stems    []stemEntry // longest stem first
}

type stemEntry struct {
	stem    string
	english []string
}

// english returns the English words for word: the entry whose stem is the
// longest prefix of word.
func (f *foreignLexicon) english(word string) []string {
	for _, e := range f.stems {
		if strings.HasPrefix(word, e.stem) && len(word)-len(e.stem) <= 3*len(e.stem) {
			return e.english
		}
	}
	return nil
}

func loadLexicon(fsys fs.FS) (*lexicon, error) {
	lx := &lexicon{foreign: map[string]*foreignLexicon{}, short: map[string]bool{}}
	err := eachLine(fsys, "lexicon/en.txt", func(section, line string) error {
		if section == "unstemmed" {
			// One line is the forms of one word: they stand for each
			// other, as the stem would have made them.
			forms := strings.Fields(strings.ToLower(line))
			lx.unstemmed = append(lx.unstemmed, forms...)
			if len(forms) > 1 {
				lx.groups = append(lx.groups, forms)
			}
			return nil
		}
		var g []string
		for _, m := range strings.Split(line, "|") {
			if m = strings.ToLower(strings.TrimSpace(m)); m != "" {
				g = append(g, m)
				if len(m) <= 3 && !strings.Contains(m, " ") {
					lx.short[m] = true
				}
			}
		}
		if len(g) < 2 {
			return fmt.Errorf("a synonym group needs two members: %q", line)
		}
		lx.groups = append(lx.groups, g)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, lang := range []string{"ru", "uk"} {
		f := &foreignLexicon{question: map[string]string{}, stop: map[string]bool{}}
		err := eachLine(fsys, "lexicon/"+lang+".txt", func(section, line string) error {
			if section == "stop" {
				for _, w := range strings.Fields(line) {
					f.stop[strings.ToLower(w)] = true
				}
				return nil
			}
			k, v, ok := strings.Cut(line, "=")
			k, v = strings.ToLower(strings.TrimSpace(k)), strings.TrimSpace(v)
			if !ok || k == "" || v == "" {
				return fmt.Errorf("want \"word = english\": %q", line)
			}
			switch section {
			case "question":
				f.question[k] = v
			case "terms":
				var en []string
				for _, e := range strings.Split(v, "|") {
					en = append(en, strings.ToLower(strings.TrimSpace(e)))
				}
				f.stems = append(f.stems, stemEntry{k, en})
			default:
				return fmt.Errorf("unknown section [%s]", section)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		sort.SliceStable(f.stems, func(i, j int) bool { return len(f.stems[i].stem) > len(f.stems[j].stem) })
		lx.foreign[lang] = f
	}
	lx.dictionary = map[string][]string{}
	err = eachLine(fsys, "lexicon/ru-freedict.txt", func(_, line string) error {
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return fmt.Errorf("want \"stem = english\": %q", line)
		}
		for _, e := range strings.Split(v, "|") {
			lx.dictionary[strings.TrimSpace(k)] = append(lx.dictionary[strings.TrimSpace(k)], strings.TrimSpace(e))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	lx.chat = &chatLexicon{drop: map[string]bool{}, expand: map[string][]string{}, question: map[string]bool{}, conflict: map[string]bool{}, refers: map[string]bool{}}
	err = eachLine(fsys, "lexicon/chat.txt", func(section, line string) error {
		line = strings.ToLower(line)
		var phrase string
		switch section {
		case "drop":
			phrase = line
			lx.chat.drop[line] = true
		case "expand":
			k, v, ok := strings.Cut(line, "=")
			phrase = strings.TrimSpace(k)
			if !ok || phrase == "" || strings.TrimSpace(v) == "" {
				return fmt.Errorf("want \"short = long\": %q", line)
			}
			lx.chat.expand[phrase] = strings.Fields(v)
		case "conflict":
			phrase = line
			lx.chat.conflict[line] = true
		case "asks":
			for _, w := range strings.Fields(line) {
				lx.chat.question[w] = true
			}
		case "refers":
			for _, w := range strings.Fields(line) {
				lx.chat.refers[w] = true
			}
		default:
			return fmt.Errorf("unknown section [%s]", section)
		}
		lx.chat.longest = max(lx.chat.longest, len(words(phrase)))
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, f := range lx.foreign {
		for w := range f.question {
			lx.chat.question[w] = true
		}
	}
	lines := map[string][]string{}
	err = eachLine(fsys, "lexicon/question.txt", func(section, line string) error {
		lines[section] = append(lines[section], strings.Fields(strings.ToLower(line))...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if lx.question, err = readVocabulary(lines); err != nil {
		return nil, err
	}
	err = eachLine(fsys, "lexicon/event.txt", func(_, line string) error {
		lx.event = append(lx.event, strings.ToLower(line))
		return nil
	})
	if err != nil {
		return nil, err
	}
	lx.outlets = map[string]bool{}
	err = eachLine(fsys, "lexicon/outlets.txt", func(_, line string) error {
		lx.outlets[strings.ToLower(line)] = true
		return nil
	})
	if err != nil {
		return nil, err
	}
	return lx, nil
}

// eachLine calls fn with each non-blank, non-comment line of a lexicon
// file and the [section] it is in.
func eachLine(fsys fs.FS, name string, fn func(section, line string) error) error {
	f, err := fsys.Open(name)
	if err != nil {
		return fmt.Errorf("lexicon: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	section := ""
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
			continue
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			section = line[1 : len(line)-1]
			continue
		}
		if err := fn(section, line); err != nil {
			return fmt.Errorf("lexicon %s:%d: %w", name, n, err)
		}
	}
	return sc.Err()
}
