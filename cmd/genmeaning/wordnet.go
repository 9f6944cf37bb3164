package main

import (
	"bufio"
	"bytes"
	"cmp"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"eventbot/knowledge/meaning"
)

// parts are WordNet's parts of speech in file order: the file name stem and
// the letter used in the generated data.
var parts = []part{{"noun", 'n'}, {"verb", 'v'}, {"adj", 'a'}, {"adv", 'r'}}

type part struct {
	file   string
	letter byte
}

func posIndex(letter byte) int {
	return slices.IndexFunc(parts, func(p part) bool { return p.letter == letter })
}

// synsetKey names a synset: its part of speech and byte offset in its data
// file. Adjective satellites (s) are filed as adjectives (a).
type synsetKey struct {
	pos    byte
	offset uint32
}

func compareKeys(a, b synsetKey) int {
	return cmp.Or(cmp.Compare(posIndex(a.pos), posIndex(b.pos)), cmp.Compare(a.offset, b.offset))
}

// wnSynset is a synset as read from a data file.
type wnSynset struct {
	members  []string // lower case, adjective position markers removed
	pointers []wnPointer
}

type wnPointer struct {
	symbol   string
	target   synsetKey
	from, to int // member numbers from 1; 0 for a semantic pointer
}

// wnLemma is a lemma's synsets by part of speech, in WordNet's sense order,
// and how often each sense is tagged in the semantic concordance.
type wnLemma struct {
	senses [4][]synsetKey
	counts [4][]int
}

type wnException struct {
	pos  byte
	base string
}

// wordNet is the part of the WordNet database the generator reads.
type wordNet struct {
	synsets    map[synsetKey]*wnSynset
	index      map[string]*wnLemma
	exceptions map[string][]wnException
}

// readWordNet reads data.*, index.* and *.exc from dir.
func readWordNet(dir string) (*wordNet, error) {
	wn := &wordNet{
		synsets:    map[synsetKey]*wnSynset{},
		index:      map[string]*wnLemma{},
		exceptions: map[string][]wnException{},
	}
	for i, p := range parts {
		err := eachLine(filepath.Join(dir, "data."+p.file), func(l string) error {
			return wn.parseData(p.letter, l)
		})
		if err == nil {
			err = eachLine(filepath.Join(dir, "index."+p.file), func(l string) error {
				return wn.parseIndex(i, l)
			})
		}
		if err == nil {
			err = eachLine(filepath.Join(dir, p.file+".exc"), func(l string) error {
				f := strings.Fields(l)
				if len(f) < 2 {
					return fmt.Errorf("bad exception line %q", l)
				}
				for _, base := range f[1:] {
					wn.exceptions[f[0]] = append(wn.exceptions[f[0]], wnException{pos: p.letter, base: base})
				}
				return nil
			})
		}
		if err != nil {
			return nil, fmt.Errorf("reading WordNet: %w", err)
		}
	}
	if err := eachLine(filepath.Join(dir, "cntlist.rev"), wn.parseCount); err != nil {
		return nil, fmt.Errorf("reading WordNet: %w", err)
	}
	if err := wn.check(); err != nil {
		return nil, fmt.Errorf("reading WordNet: %w", err)
	}
	return wn, nil
}

// check reports the first index entry or pointer that names a synset the
// data files lack.
func (wn *wordNet) check() error {
	for _, lemma := range sortedKeys(wn.index) {
		for _, ks := range wn.index[lemma].senses {
			for _, k := range ks {
				if wn.synsets[k] == nil {
					return fmt.Errorf("index entry %q names synset %c %08d, which data.* lack", lemma, k.pos, k.offset)
				}
			}
		}
	}
	for _, k := range slices.SortedFunc(maps.Keys(wn.synsets), compareKeys) {
		for _, p := range wn.synsets[k].pointers {
			if wn.synsets[p.target] == nil {
				return fmt.Errorf("synset %c %08d points to synset %c %08d, which data.* lack", k.pos, k.offset, p.target.pos, p.target.offset)
			}
		}
	}
	return nil
}

// parseCount reads one line of cntlist.rev: sense_key sense_number tag_cnt,
// where sense_key is lemma%ss_type:lex_filenum:lex_id:head_word:head_id.
func (wn *wordNet) parseCount(l string) error {
	f := strings.Fields(l)
	if len(f) != 3 {
		return fmt.Errorf("bad count line %q", l)
	}
	lemma, rest, ok := strings.Cut(f[0], "%")
	if !ok || rest == "" {
		return fmt.Errorf("bad sense key %q", f[0])
	}
	number, err1 := strconv.Atoi(f[1])
	count, err2 := strconv.Atoi(f[2])
	if err1 != nil || err2 != nil || number < 1 {
		return fmt.Errorf("bad count line %q", l)
	}
	part := strings.IndexByte("12345", rest[0])
	if part < 0 {
		return fmt.Errorf("bad sense key %q", f[0])
	}
	part = min(part, 2) // adjective satellites are numbered with adjectives
	e := wn.index[lemma]
	if e == nil || number > len(e.counts[part]) {
		return nil // a sense the index does not list: nothing to order
	}
	e.counts[part][number-1] += count
	return nil
}

// eachLine calls f for each line of the file that is not part of the
// licence header (those begin with two spaces).
func eachLine(name string, f func(string) error) error {
	file, err := os.Open(name)
	if err != nil {
		return err
	}
	defer file.Close()
	s := bufio.NewScanner(file)
	s.Buffer(nil, 1<<20)
	n := 0
	for s.Scan() {
		n++
		l := s.Text()
		if strings.HasPrefix(l, "  ") || strings.TrimSpace(l) == "" {
			continue
		}
		if err := f(l); err != nil {
			return fmt.Errorf("%s:%d: %w", name, n, err)
		}
	}
	return s.Err()
}

// parseData reads one synset line of a data file:
// offset lex_filenum ss_type w_cnt (word lex_id)… p_cnt (symbol offset pos source/target)… | gloss
func (wn *wordNet) parseData(pos byte, l string) error {
	head, _, _ := strings.Cut(l, " | ")
	f := strings.Fields(head)
	if len(f) < 4 {
		return fmt.Errorf("short synset line")
	}
	offset, err := strconv.ParseUint(f[0], 10, 32)
	if err != nil {
		return err
	}
	count, err := strconv.ParseUint(f[3], 16, 8)
	if err != nil || len(f) < 5+2*int(count) {
		return fmt.Errorf("bad word count %q", f[3])
	}
	s := &wnSynset{}
	for i := range int(count) {
		m := strings.ToLower(f[4+2*i])
		if j := strings.IndexByte(m, '('); j > 0 {
			m = m[:j]
		}
		s.members = append(s.members, m)
	}
	at := 4 + 2*int(count)
	pcount, err := strconv.Atoi(f[at])
	if err != nil || len(f) < at+1+4*pcount {
		return fmt.Errorf("bad pointer count %q", f[at])
	}
	for i := range pcount {
		p := f[at+1+4*i : at+5+4*i]
		toff, err := strconv.ParseUint(p[1], 10, 32)
		if err != nil || len(p[2]) != 1 || len(p[3]) != 4 {
			return fmt.Errorf("bad pointer %q", p)
		}
		st, err := strconv.ParseUint(p[3], 16, 16)
		if err != nil {
			return fmt.Errorf("bad pointer %q", p)
		}
		s.pointers = append(s.pointers, wnPointer{
			symbol: p[0],
			target: synsetKey{pos: filedPOS(p[2][0]), offset: uint32(toff)},
			from:   int(st >> 8), to: int(st & 0xff),
		})
	}
	wn.synsets[synsetKey{pos: pos, offset: uint32(offset)}] = s
	return nil
}

func filedPOS(p byte) byte {
	if p == 's' {
		return 'a'
	}
	return p
}

// parseIndex reads one line of an index file:
// lemma pos synset_cnt p_cnt (symbol)… sense_cnt tagsense_cnt (offset)…
func (wn *wordNet) parseIndex(part int, l string) error {
	f := strings.Fields(l)
	if len(f) < 4 {
		return fmt.Errorf("short index line")
	}
	n, err1 := strconv.Atoi(f[2])
	pc, err2 := strconv.Atoi(f[3])
	if err1 != nil || err2 != nil || len(f) != 6+pc+n {
		return fmt.Errorf("bad index line %q", l)
	}
	e := wn.index[f[0]]
	if e == nil {
		e = &wnLemma{}
		wn.index[f[0]] = e
	}
	for _, o := range f[6+pc:] {
		off, err := strconv.ParseUint(o, 10, 32)
		if err != nil {
			return err
		}
		e.senses[part] = append(e.senses[part], synsetKey{pos: parts[part].letter, offset: uint32(off)})
		e.counts[part] = append(e.counts[part], 0)
	}
	return nil
}

// encodeWordNet writes the synsets of the vocabulary's lemmas and their
// hypernyms two levels up, the lemmas' sense lists and the exception forms
// of the vocabulary, in the format meaning.DecodeWordNet reads. Pointers to
// synsets left out are dropped. Everything is sorted, so the output depends
// only on the inputs.
func encodeWordNet(wn *wordNet, voc vocabulary) (out []byte, synsets, lemmas, exceptions int) {
	keep := map[synsetKey]bool{}
	for l := range voc.lemmas {
		for _, ks := range wn.index[l].senses {
			for _, k := range ks {
				keep[k] = true
			}
		}
	}
	frontier := keySet(keep)
	for range 2 {
		var next []synsetKey
		for _, k := range frontier {
			for _, p := range wn.synsets[k].pointers {
				if (p.symbol == "@" || p.symbol == "@i") && !keep[p.target] {
					keep[p.target] = true
					next = append(next, p.target)
				}
			}
		}
		frontier = next
	}
	order := keySet(keep)
	slices.SortFunc(order, compareKeys)
	number := make(map[synsetKey]int, len(order))
	for i, k := range order {
		number[k] = i
	}

	hyponyms := map[int][]int{}
	for _, k := range order {
		for _, p := range wn.synsets[k].pointers {
			if t, ok := number[p.target]; ok && (p.symbol == "@" || p.symbol == "@i") {
				hyponyms[t] = append(hyponyms[t], number[k])
			}
		}
	}

	var syn, lem, exc bytes.Buffer
	for i, k := range order {
		s := wn.synsets[k]
		syn.WriteByte(k.pos)
		syn.WriteByte(' ')
		syn.WriteString(strings.Join(s.members, ","))
		seen := map[string]bool{}
		for _, p := range s.pointers {
			t, ok := number[p.target]
			if !ok {
				continue
			}
			var ptr string
			switch p.symbol {
			case "@", "@i":
				ptr = "@" + strconv.Itoa(t)
			case "&":
				ptr = "&" + strconv.Itoa(t)
			case "+", "<", `\`, "!":
				if p.from == 0 || p.to == 0 {
					continue
				}
				sym := "+"
				if p.symbol == "!" {
					sym = "!"
				}
				ptr = fmt.Sprintf("%s%d:%d:%d", sym, p.from, t, p.to)
			default:
				continue
			}
			if !seen[ptr] {
				seen[ptr] = true
				syn.WriteByte(' ')
				syn.WriteString(ptr)
			}
		}
		for _, h := range slices.Compact(slices.Sorted(slices.Values(hyponyms[i]))) {
			fmt.Fprintf(&syn, " ~%d", h)
		}
		syn.WriteByte('\n')
	}
	for _, l := range sortedKeys(voc.lemmas) {
		lem.WriteString(l)
		for _, k := range wn.index[l].byFrequency() {
			fmt.Fprintf(&lem, " %c%d", k.pos, number[k])
		}
		lem.WriteByte('\n')
		lemmas++
	}
	for _, form := range sortedKeys(wn.exceptions) {
		if !voc.forms[form] {
			continue
		}
		for _, e := range wn.exceptions[form] {
			if voc.lemmas[e.base] {
				fmt.Fprintf(&exc, "%s %c %s\n", form, e.pos, e.base)
				exceptions++
			}
		}
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "%s %d %d %d %d\n", meaning.WordNetMagic, meaning.Version, len(order), lemmas, exceptions)
	buf.Write(syn.Bytes())
	buf.Write(lem.Bytes())
	buf.Write(exc.Bytes())
	return buf.Bytes(), len(order), lemmas, exceptions
}

// byFrequency returns the lemma's synsets, the most often tagged first;
// equally often tagged ones (most are never tagged) keep WordNet's order:
// nouns, verbs, adjectives, adverbs, each in sense order.
func (e *wnLemma) byFrequency() []synsetKey {
	type tagged struct {
		key   synsetKey
		count int
	}
	var all []tagged
	for part, ks := range e.senses {
		for i, k := range ks {
			all = append(all, tagged{k, e.counts[part][i]})
		}
	}
	slices.SortStableFunc(all, func(a, b tagged) int { return cmp.Compare(b.count, a.count) })
	out := make([]synsetKey, len(all))
	for i, t := range all {
		out[i] = t.key
	}
	return out
}

func keySet(m map[synsetKey]bool) []synsetKey {
	out := make([]synsetKey, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
