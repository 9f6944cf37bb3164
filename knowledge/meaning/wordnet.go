package meaning

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Kind is how one word relates to another in WordNet. The kinds are ordered
// from the closest to the loosest link.
//
// Only Same, Synonym and Derivation name the same event, state or thing
// ("caught"/"catch", "hurt"/"wounded", "die"/"death"), and even a derivation
// may name its agent ("kill"/"killer"). Antonyms are opposites; Similar,
// Hypernym and Hyponym are related concepts, not the same one: a question
// about "fuel" may be answered by a sentence about "gasoline", but a count of
// one is never a count of the other. Vector neighbours (see [Vectors]) are
// weaker still: "wounded" and "killed" are neighbours and unrelated here.
type Kind uint8

const (
	Unrelated  Kind = iota
	Same            // inflections of one lemma: "caught", "catch"
	Synonym         // in one synset: "hurt", "wounded"
	Derivation      // derivationally related forms: "die", "death"
	Antonym         // opposites: "live", "die"
	Similar         // similar adjectives: "injured", "wounded"
	Hypernym        // the other word is broader: "gasoline" → "fuel"
	Hyponym         // the other word is narrower: "fuel" → "gasoline"
)

var kindNames = [...]string{"unrelated", "same", "synonym", "derivation", "antonym", "similar", "hypernym", "hyponym"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Relation is a word related to another.
type Relation struct {
	Word string // multiword lemmas have spaces: "pass away"
	Kind Kind
	// Sense is how central the link is to both words: the larger of the two
	// words' sense numbers for the synsets involved, where a word's senses
	// are numbered across parts of speech by how often WordNet's semantic
	// concordance tags them (1 = the most frequent). "die" ↔ "perish" is 1;
	// "die" ↔ "go" is 17, because dying is a rare sense of "go".
	Sense int
	Depth int // for Hypernym and Hyponym: 1 for direct, 2 for one step further
}

// WordNet holds the relations between English words, from WordNet 3.0.
// It is read-only and safe for concurrent use.
//
// The file format, written by cmd/genmeaning, is text in UTF-8 (embedded
// gzipped):
//
//	eventbot-wordnet <version> <synsets> <lemmas> <exceptions>
//	<synsets lines>    pos members [pointer...]
//	<lemmas lines>     lemma sense...
//	<exceptions lines> inflected pos base
//
// A synset line has its part of speech (n, v, a, r), its members separated
// by commas (multiword lemmas joined with "_"), then pointers: "@i" (synset i
// is a hypernym), "~i" (a hyponym), "&i" (a similar adjective), "+s:i:t"
// (member s is a derivation of member t of synset i; members count from 1)
// and "!s:i:t" (an antonym). Synsets are numbered by line from 0. A lemma
// line lists the lemma's synsets as part of speech and number ("v12"), most
// frequent sense first.
//
// Decoding indexes the lines; a synset line is parsed when a query reaches
// it, which keeps loading fast.
type WordNet struct {
	text       string
	lines      []int32           // start of each synset line in text, and the end of the last
	senses     map[string]string // lemma → its raw sense list
	exceptions map[string][]exception
	forms      map[string][]string // lemma → its exception forms
}

// sense is one synset of a lemma.
type sense struct {
	pos    byte
	synset int32
}

type synset struct {
	pos       byte
	members   []string
	hypernyms []int32
	hyponyms  []int32
	similar   []int32
	lexical   []lexicalLink
}

type lexicalLink struct {
	kind   Kind // Derivation or Antonym
	from   int  // member number, from 1
	target int32
	to     int
}

type exception struct {
	pos  byte
	base string
}

// LoadWordNet decompresses and decodes the embedded WordNet relations (some
// tens of milliseconds, a few megabytes of heap; see BenchmarkLoadWordNet).
func LoadWordNet() (*WordNet, error) {
	w, err := decompressWordNet(wordnetData)
	if err != nil {
		return nil, fmt.Errorf("loading embedded WordNet relations: %w", err)
	}
	return w, nil
}

// decompressWordNet decodes gzipped data into a string of the right size at once:
// the gzip trailer records the uncompressed size (modulo 2³²).
func decompressWordNet(gz []byte) (*WordNet, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, err
	}
	var text strings.Builder
	if len(gz) >= 4 {
		text.Grow(int(binary.LittleEndian.Uint32(gz[len(gz)-4:])))
	}
	if _, err := io.Copy(&text, zr); err != nil {
		return nil, err
	}
	return decodeWordNet(text.String())
}

// DecodeWordNet decodes WordNet relations in the format written by
// cmd/genmeaning. It checks the header, the sections' sizes, lemma lines and
// exceptions; synset lines are checked when first read (queries skip a
// malformed one).
func DecodeWordNet(data []byte) (*WordNet, error) { return decodeWordNet(string(data)) }

func decodeWordNet(text string) (*WordNet, error) {
	header, _, _ := strings.Cut(text, "\n")
	f := strings.Fields(header)
	if len(f) != 5 || f[0] != WordNetMagic {
		return nil, errors.New("not a WordNet relations file")
	}
	if f[1] != strconv.Itoa(Version) {
		return nil, fmt.Errorf("WordNet relations format version %s, want %d", f[1], Version)
	}
	var counts [3]int
	for i := range counts {
		n, err := strconv.Atoi(f[2+i])
		if err != nil || n < 0 || n > math.MaxInt32 {
			return nil, fmt.Errorf("WordNet relations header: bad count %q", f[2+i])
		}
		counts[i] = n
	}
	w := &WordNet{
		text:       text,
		lines:      make([]int32, 0, counts[0]+1),
		senses:     make(map[string]string, counts[1]),
		exceptions: make(map[string][]exception, counts[2]),
		forms:      make(map[string][]string, counts[2]),
	}
	if len(text) > math.MaxInt32 {
		return nil, errors.New("WordNet relations file too large")
	}
	at := len(header) + 1
	line := 1
	next := func() (string, error) {
		line++
		if at >= len(text) {
			return "", fmt.Errorf("line %d: file ends early", line)
		}
		end := strings.IndexByte(text[at:], '\n')
		if end < 0 {
			return "", fmt.Errorf("line %d: no line end", line)
		}
		l := text[at : at+end]
		at += end + 1
		return l, nil
	}
	for range counts[0] {
		w.lines = append(w.lines, int32(at))
		if _, err := next(); err != nil {
			return nil, err
		}
	}
	w.lines = append(w.lines, int32(at))
	for range counts[1] {
		l, err := next()
		if err != nil {
			return nil, err
		}
		lemma, list, ok := strings.Cut(l, " ")
		if !ok || lemma == "" {
			return nil, fmt.Errorf("line %d: bad lemma line %q", line, l)
		}
		for tok := range strings.FieldsSeq(list) {
			if _, err := w.parseSense(tok); err != nil {
				return nil, fmt.Errorf("line %d: %w", line, err)
			}
		}
		w.senses[lemma] = list
	}
	for range counts[2] {
		l, err := next()
		if err != nil {
			return nil, err
		}
		f := strings.Fields(l)
		if len(f) != 3 || len(f[1]) != 1 || !strings.Contains("nvar", f[1]) {
			return nil, fmt.Errorf("line %d: bad exception %q", line, l)
		}
		w.exceptions[f[0]] = append(w.exceptions[f[0]], exception{pos: f[1][0], base: f[2]})
		if !slices.Contains(w.forms[f[2]], f[0]) {
			w.forms[f[2]] = append(w.forms[f[2]], f[0])
		}
	}
	if at != len(text) {
		return nil, fmt.Errorf("line %d: unexpected data after the last section", line+1)
	}
	return w, nil
}

// parseSense parses one sense of a lemma line: "v12".
func (w *WordNet) parseSense(tok string) (sense, error) {
	if len(tok) < 2 || !strings.Contains("nvar", tok[:1]) {
		return sense{}, fmt.Errorf("bad sense %q", tok)
	}
	n, err := w.synsetIndex(tok[1:])
	if err != nil {
		return sense{}, err
	}
	return sense{pos: tok[0], synset: n}, nil
}

// sensesOf returns lemma's synsets, most frequent first.
func (w *WordNet) sensesOf(lemma string) []sense {
	var out []sense
	for tok := range strings.FieldsSeq(w.senses[lemma]) {
		s, _ := w.parseSense(tok) // checked by DecodeWordNet
		out = append(out, s)
	}
	return out
}

// synset parses synset line i.
func (w *WordNet) synset(i int32) (synset, error) {
	l := w.text[w.lines[i] : w.lines[i+1]-1]
	f := strings.Fields(l)
	if len(f) < 2 || len(f[0]) != 1 || !strings.Contains("nvar", f[0]) {
		return synset{}, fmt.Errorf("synset %d: bad line %q", i, l)
	}
	s := synset{pos: f[0][0], members: strings.Split(f[1], ",")}
	for _, p := range f[2:] {
		if len(p) < 2 {
			return synset{}, fmt.Errorf("synset %d: bad pointer %q", i, p)
		}
		switch p[0] {
		case '@', '~', '&':
			t, err := w.synsetIndex(p[1:])
			if err != nil {
				return synset{}, fmt.Errorf("synset %d: %w", i, err)
			}
			switch p[0] {
			case '@':
				s.hypernyms = append(s.hypernyms, t)
			case '~':
				s.hyponyms = append(s.hyponyms, t)
			default:
				s.similar = append(s.similar, t)
			}
		case '+', '!':
			parts := strings.Split(p[1:], ":")
			if len(parts) != 3 {
				return synset{}, fmt.Errorf("synset %d: bad pointer %q", i, p)
			}
			from, err1 := strconv.Atoi(parts[0])
			t, err2 := w.synsetIndex(parts[1])
			to, err3 := strconv.Atoi(parts[2])
			if err := errors.Join(err1, err2, err3); err != nil {
				return synset{}, fmt.Errorf("synset %d: bad pointer %q: %w", i, p, err)
			}
			if from <= 0 || from > len(s.members) || to <= 0 {
				return synset{}, fmt.Errorf("synset %d: pointer %q: no such member", i, p)
			}
			kind := Derivation
			if p[0] == '!' {
				kind = Antonym
			}
			s.lexical = append(s.lexical, lexicalLink{kind: kind, from: from, target: t, to: to})
		default:
			return synset{}, fmt.Errorf("synset %d: unknown pointer %q", i, p)
		}
	}
	return s, nil
}

func (w *WordNet) synsetIndex(s string) (int32, error) {
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil || n < 0 || int(n) >= len(w.lines)-1 {
		return 0, fmt.Errorf("bad synset number %q", s)
	}
	return int32(n), nil
}

// Has reports whether word or one of its base forms is a WordNet lemma here.
// Forms returns the irregular forms of a lemma, from WordNet's exception
// lists ("child" → "children", "catch" → "caught"), as the caller would
// write them, with spaces; none for a lemma whose forms follow the rules.
func (w *WordNet) Forms(lemma string) []string {
	var out []string
	for _, f := range w.forms[key(lemma)] {
		out = append(out, strings.ReplaceAll(f, "_", " "))
	}
	return out
}

func (w *WordNet) Has(word string) bool { return len(w.Bases(word)) > 0 }

// Base returns the lemma of word ("caught" → "catch", "died" → "die",
// "shooters" → "shooter"), or word itself in lower case when it has none.
// Verb readings come first, so "wounded" gives "wound".
func (w *WordNet) Base(word string) string {
	if b := w.Bases(word); len(b) > 0 {
		return b[0]
	}
	return strings.ToLower(word)
}

// Bases returns every lemma word may be a form of, the likeliest first:
// verb exception forms, the word as a verb, regular verb inflections, the
// word itself as a noun, adjective or adverb, other exception forms, then
// regular noun and adjective inflections (WordNet's morphy rules). Lemmas are
// returned as the caller would write them, with spaces.
func (w *WordNet) Bases(word string) []string {
	word = key(word)
	var out []string
	add := func(b string) {
		if !slices.Contains(out, b) {
			out = append(out, b)
		}
	}
	for _, e := range w.exceptions[word] {
		if e.pos == 'v' {
			add(e.base)
		}
	}
	if w.isLemma(word, 'v') {
		add(word)
	}
	for _, b := range Detach(word, 'v') {
		if w.isLemma(b, 'v') {
			add(b)
		}
	}
	if _, ok := w.senses[word]; ok {
		add(word)
	}
	for _, e := range w.exceptions[word] {
		if e.pos != 'v' {
			add(e.base)
		}
	}
	for _, pos := range []byte{'n', 'a'} {
		for _, b := range Detach(word, pos) {
			if w.isLemma(b, pos) {
				add(b)
			}
		}
	}
	for i, b := range out {
		out[i] = display(b)
	}
	return out
}

// detachRules are WordNet's morphological detachment rules (morphy(7WN)):
// a suffix and its replacement, by part of speech.
var detachRules = map[byte][][2]string{
	'n': {{"s", ""}, {"ses", "s"}, {"xes", "x"}, {"zes", "z"}, {"ches", "ch"}, {"shes", "sh"}, {"men", "man"}, {"ies", "y"}},
	'v': {{"s", ""}, {"ies", "y"}, {"es", "e"}, {"es", ""}, {"ed", "e"}, {"ed", ""}, {"ing", "e"}, {"ing", ""}},
	'a': {{"er", ""}, {"est", ""}, {"er", "e"}, {"est", "e"}},
}

// Detach returns the candidate base forms of a lower-case word under
// WordNet's detachment rules for the part of speech pos (n, v or a), whether
// or not they are lemmas. Candidates shorter than three letters are left
// out: they are nearly always accidents ("bed" → "be", "gas" → "ga").
func Detach(word string, pos byte) []string {
	var out []string
	for _, r := range detachRules[pos] {
		if stem, ok := strings.CutSuffix(word, r[0]); ok && len(stem)+len(r[1]) >= 3 {
			out = append(out, stem+r[1])
		}
	}
	return out
}

func (w *WordNet) isLemma(word string, pos byte) bool {
	list, ok := w.senses[word]
	if !ok {
		return false
	}
	for tok := range strings.FieldsSeq(list) {
		if tok[0] == pos {
			return true
		}
	}
	return false
}

// Related returns the words WordNet relates to word (through its bases, so
// "caught" gives the relations of "catch"), each once with its closest
// relation: closest kind first, then most central sense, then
// alphabetically. The bases themselves come first, as Same, when they differ
// from word. Hypernyms are given two levels up, hyponyms one level down.
func (w *WordNet) Related(word string) []Relation {
	word = key(word)
	self := display(word)
	best := map[string]Relation{}
	add := func(r Relation) {
		r.Word = display(r.Word)
		if r.Word == self {
			return
		}
		if old, ok := best[r.Word]; ok && compareRelations(old, r) <= 0 {
			return
		}
		best[r.Word] = r
	}
	for _, base := range w.Bases(word) {
		lemma := key(base)
		add(Relation{Word: lemma, Kind: Same, Sense: 1})
		for rank, s := range w.sensesOf(lemma) {
			w.relate(lemma, rank+1, s.synset, add)
		}
	}
	out := make([]Relation, 0, len(best))
	for _, r := range best {
		out = append(out, r)
	}
	slices.SortFunc(out, compareRelations)
	return out
}

// relate adds the relations of lemma in its synset s, which is lemma's
// sense number rank. Malformed synsets are skipped.
func (w *WordNet) relate(lemma string, rank int, s int32, add func(Relation)) {
	syn, err := w.synset(s)
	if err != nil {
		return
	}
	members := func(t int32, kind Kind, depth int) {
		for m := range strings.SplitSeq(w.members(t), ",") {
			add(Relation{Word: m, Kind: kind, Sense: max(rank, w.senseRank(m, t)), Depth: depth})
		}
	}
	members(s, Synonym, 0)
	self := slices.Index(syn.members, lemma) + 1
	for _, l := range syn.lexical {
		if l.from != self {
			continue
		}
		targets := strings.Split(w.members(l.target), ",")
		if l.to > len(targets) {
			continue
		}
		m := targets[l.to-1]
		add(Relation{Word: m, Kind: l.kind, Sense: max(rank, w.senseRank(m, l.target))})
	}
	for _, t := range syn.similar {
		members(t, Similar, 0)
	}
	for _, h := range syn.hypernyms {
		members(h, Hypernym, 1)
		if hs, err := w.synset(h); err == nil {
			for _, h2 := range hs.hypernyms {
				members(h2, Hypernym, 2)
			}
		}
	}
	for _, h := range syn.hyponyms {
		members(h, Hyponym, 1)
	}
}

// senseRank returns the sense number of lemma for synset s (1 = its most
// frequent sense), or 1 when lemma's senses are not recorded (members
// outside the vocabulary the data was generated for).
func (w *WordNet) senseRank(lemma string, s int32) int {
	number := strconv.Itoa(int(s))
	rank := 0
	for tok := range strings.FieldsSeq(w.senses[lemma]) {
		rank++
		if tok[1:] == number {
			return rank
		}
	}
	return 1
}

// members returns the members field of synset line i, or "" when the line
// is malformed.
func (w *WordNet) members(i int32) string {
	l := w.text[w.lines[i] : w.lines[i+1]-1]
	_, rest, ok := strings.Cut(l, " ")
	if !ok {
		return ""
	}
	m, _, _ := strings.Cut(rest, " ")
	return m
}

func compareRelations(a, b Relation) int {
	return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Sense, b.Sense),
		cmp.Compare(a.Depth, b.Depth), strings.Compare(a.Word, b.Word))
}

// Synonyms returns the WordNet synonyms of word (via its bases), most
// central sense first.
func (w *WordNet) Synonyms(word string) []string { return w.ofKind(word, Synonym) }

// Antonyms returns the WordNet antonyms of word (via its bases).
func (w *WordNet) Antonyms(word string) []string { return w.ofKind(word, Antonym) }

func (w *WordNet) ofKind(word string, k Kind) []string {
	var out []string
	for _, r := range w.Related(word) {
		if r.Kind == k {
			out = append(out, r.Word)
		}
	}
	return out
}

// Link returns the closest relation from a to b: Kind Same when they share
// a base ("killed", "killing"), Unrelated (and a zero Relation otherwise)
// when WordNet does not relate them. Use it to decide whether a word in a
// sentence may stand for a word in a question: see [Kind], and mind Sense: a
// synonym in a rare sense is not the same concept in ordinary text. It costs
// a call to Related; to test many words against one, call Related once.
func (w *WordNet) Link(a, b string) Relation {
	basesB := w.Bases(b)
	db := display(key(b))
	if db == display(key(a)) {
		return Relation{Word: b, Kind: Same, Sense: 1}
	}
	for _, x := range w.Bases(a) {
		if slices.Contains(basesB, x) {
			return Relation{Word: b, Kind: Same, Sense: 1}
		}
	}
	for _, r := range w.Related(a) {
		if r.Word == db || slices.Contains(basesB, r.Word) {
			r.Word = b
			return r
		}
	}
	return Relation{}
}

// key is word as a lookup key: lower case, spaces as underscores.
func key(word string) string {
	if hasUpper(word) {
		word = strings.ToLower(word)
	}
	if strings.IndexByte(word, ' ') >= 0 {
		word = strings.ReplaceAll(word, " ", "_")
	}
	return word
}

// display is a lemma as people write it, with spaces.
func display(lemma string) string { return strings.ReplaceAll(lemma, "_", " ") }
