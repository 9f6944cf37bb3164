package meaning

import (
	"bytes"
	"compress/gzip"
	"io"
	"slices"
	"strings"
	"testing"
)

func loadWordNet(tb testing.TB) *WordNet {
	tb.Helper()
	w, err := LoadWordNet()
	if err != nil {
		tb.Fatal(err)
	}
	return w
}

func TestEmbeddedWordNetHeader(t *testing.T) {
	zr, err := gzip.NewReader(bytes.NewReader(wordnetData))
	if err != nil {
		t.Fatal(err)
	}
	text, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	header, _, _ := strings.Cut(string(text), "\n")
	if f := strings.Fields(header); len(f) != 5 || f[0] != WordNetMagic || f[1] != "1" {
		t.Fatalf("embedded WordNet header %q, want %q version 1 and three counts", header, WordNetMagic)
	}
}

// TestEmbeddedWordNetConsistent parses every synset of the embedded data
// (queries skip a malformed one silently, so this is where one would show)
// and checks that each lemma is a member of each of its synsets.
func TestEmbeddedWordNetConsistent(t *testing.T) {
	w := loadWordNet(t)
	n := len(w.lines) - 1
	if n < 10000 {
		t.Fatalf("%d synsets, want tens of thousands", n)
	}
	synsets := make([]synset, n)
	for i := range n {
		s, err := w.synset(int32(i))
		if err != nil {
			t.Fatal(err)
		}
		synsets[i] = s
	}
	for lemma := range w.senses {
		for _, s := range w.sensesOf(lemma) {
			if synsets[s.synset].pos != s.pos || !slices.Contains(synsets[s.synset].members, lemma) {
				t.Fatalf("lemma %q: sense %c%d has members %v, part of speech %c", lemma, s.pos, s.synset, synsets[s.synset].members, synsets[s.synset].pos)
			}
		}
	}
	for i, s := range synsets {
		for _, h := range s.hypernyms {
			if !slices.Contains(synsets[h].hyponyms, int32(i)) {
				t.Fatalf("synset %d has hypernym %d, which does not list it as a hyponym", i, h)
			}
		}
	}
}

func TestBase(t *testing.T) {
	w := loadWordNet(t)
	tests := []struct{ word, want string }{
		{"caught", "catch"},
		{"fled", "flee"},
		{"died", "die"},
		{"dying", "die"},
		{"killed", "kill"},
		{"killing", "kill"},
		{"injured", "injure"},
		{"wounded", "wound"},
		{"arrested", "arrest"},
		{"shooters", "shooter"},
		{"gunmen", "gunman"},
		{"was", "be"},
		{"claims", "claim"},
		{"news", "news"}, // a lemma itself, not the plural of "new"
		{"gas", "gas"},   // no rule may cut a word below three letters
		{"bed", "bed"},
		{"seed", "seed"}, // a verb itself, not "see" + "ed"
		{"Moscow", "moscow"},
		{"xqzzyv", "xqzzyv"},
		{"Pass Away", "pass away"},
	}
	for _, tt := range tests {
		if got := w.Base(tt.word); got != tt.want {
			t.Errorf("Base(%q) = %q, want %q (bases %q)", tt.word, got, tt.want, w.Bases(tt.word))
		}
	}
}

// TestForms checks that a lemma gives its irregular forms, and a regular
// one none.
func TestForms(t *testing.T) {
	w := loadWordNet(t)
	for _, tt := range []struct {
		lemma string
		want  []string
	}{
		{"child", []string{"children"}},
		{"catch", []string{"caught"}},
		{"kill", nil},
	} {
		got := w.Forms(tt.lemma)
		for _, f := range tt.want {
			if !slices.Contains(got, f) {
				t.Errorf("Forms(%q) = %q, want %q among them", tt.lemma, got, f)
			}
		}
		if tt.want == nil && len(got) > 0 {
			t.Errorf("Forms(%q) = %q, want none", tt.lemma, got)
		}
	}
}

func TestLink(t *testing.T) {
	w := loadWordNet(t)
	tests := []struct {
		a, b string
		want Kind
	}{
		{"die", "death", Derivation},
		{"death", "die", Derivation},
		{"died", "death", Derivation},
		{"injuries", "injured", Derivation},
		{"caught", "catch", Same},
		{"killed", "killing", Same},
		{"fled", "flees", Same},
		{"die", "DIE", Same},
		{"hurt", "wounded", Synonym},
		{"hurt", "injured", Synonym},
		{"wounded", "injured", Synonym},
		{"shooter", "gunman", Synonym},
		{"shooters", "gunmen", Synonym},
		{"caught", "arrested", Synonym},
		{"attack", "assault", Synonym},
		{"die", "perish", Synonym},
		{"die", "be born", Antonym},
		{"gasoline", "fuel", Hypernym},
		{"heads-up", "warning", Hypernym},
		{"fuel", "gasoline", Hyponym},
		{"killed", "murdered", Hyponym},
		// Near in vector space, but different outcomes: never the same.
		{"wounded", "killed", Unrelated},
		{"injured", "died", Unrelated},
		{"killed", "died", Unrelated},
		{"banana", "arrest", Unrelated},
		{"xqzzyv", "die", Unrelated},
	}
	for _, tt := range tests {
		got := w.Link(tt.a, tt.b)
		if got.Kind != tt.want {
			t.Errorf("Link(%q, %q) = %+v, want kind %v", tt.a, tt.b, got, tt.want)
		}
		if tt.want != Unrelated && (got.Word != tt.b || got.Sense < 1) {
			t.Errorf("Link(%q, %q) = %+v, want Word %q and a sense", tt.a, tt.b, got, tt.b)
		}
	}
}

func TestLinkSenseRanksCentralSensesFirst(t *testing.T) {
	w := loadWordNet(t)
	central, rare := w.Link("die", "perish"), w.Link("die", "go")
	if central.Kind != Synonym || rare.Kind != Synonym {
		t.Fatalf("die→perish %v, die→go %v: want both synonyms", central, rare)
	}
	if central.Sense != 1 || rare.Sense <= 5 {
		t.Errorf("die→perish sense %d, die→go sense %d: want 1 and a rare sense", central.Sense, rare.Sense)
	}
}

func TestRelated(t *testing.T) {
	w := loadWordNet(t)
	for _, word := range []string{"caught", "die", "fuel", "hurt", "heads-up"} {
		rs := w.Related(word)
		if len(rs) == 0 {
			t.Fatalf("Related(%q) is empty", word)
		}
		if !slices.IsSortedFunc(rs, compareRelations) {
			t.Errorf("Related(%q) is not in order", word)
		}
		seen := map[string]bool{}
		for _, r := range rs {
			if seen[r.Word] || r.Word == word || strings.Contains(r.Word, "_") {
				t.Errorf("Related(%q): %q repeated, the word itself or not in display form", word, r.Word)
			}
			seen[r.Word] = true
			if (r.Kind == Hypernym || r.Kind == Hyponym) != (r.Depth > 0) {
				t.Errorf("Related(%q): %+v has the wrong depth for its kind", word, r)
			}
		}
	}
	if got := w.Related("caught")[0]; got.Word != "catch" || got.Kind != Same {
		t.Errorf("Related(caught) starts with %+v, want its base", got)
	}
	if got := w.Related("xqzzyv"); len(got) != 0 {
		t.Errorf("Related of an unknown word = %v", got)
	}
}

func TestSynonymsAndAntonyms(t *testing.T) {
	w := loadWordNet(t)
	tests := []struct {
		got  []string
		name string
		want string
	}{
		{w.Synonyms("gunman"), "Synonyms(gunman)", "shooter"},
		{w.Synonyms("hurt"), "Synonyms(hurt)", "wounded"},
		{w.Synonyms("arrest"), "Synonyms(arrest)", "apprehend"},
		{w.Antonyms("dead"), "Antonyms(dead)", "alive"},
		{w.Antonyms("true"), "Antonyms(true)", "false"},
	}
	for _, tt := range tests {
		if !slices.Contains(tt.got, tt.want) {
			t.Errorf("%s = %q, want %q among them", tt.name, tt.got, tt.want)
		}
	}
	if got := w.Synonyms("wounded"); slices.Contains(got, "killed") || slices.Contains(got, "dead") {
		t.Errorf("Synonyms(wounded) = %q: holds an outcome of another kind", got)
	}
}

func TestKindString(t *testing.T) {
	for k, want := range map[Kind]string{Unrelated: "unrelated", Derivation: "derivation", Hyponym: "hyponym", Kind(99): "Kind(99)"} {
		if got := k.String(); got != want {
			t.Errorf("Kind(%d).String() = %q, want %q", k, got, want)
		}
	}
}

func TestDecodeWordNet(t *testing.T) {
	const good = "eventbot-wordnet 1 3 3 1\n" +
		"n fuel,firing ~1\n" +
		"n gasoline,petrol @0\n" +
		"v die,perish\n" +
		"fuel n0\n" +
		"gasoline n1\n" +
		"die v2\n" +
		"died v die\n"
	w, err := DecodeWordNet([]byte(good))
	if err != nil {
		t.Fatalf("DecodeWordNet: %v", err)
	}
	if got := w.Link("gasoline", "fuel"); got.Kind != Hypernym || got.Depth != 1 {
		t.Errorf("Link(gasoline, fuel) = %+v", got)
	}
	if got := w.Link("gasoline", "petrol"); got.Kind != Synonym {
		t.Errorf("Link(gasoline, petrol) = %+v", got)
	}
	// A member without a lemma line was outside the generator's vocabulary:
	// it is returned as a relation but has none of its own.
	if w.Has("petrol") || len(w.Related("petrol")) != 0 {
		t.Errorf("petrol has relations of its own")
	}
	if got := w.Link("fuel", "gasoline"); got.Kind != Hyponym {
		t.Errorf("Link(fuel, gasoline) = %+v", got)
	}
	if got := w.Base("died"); got != "die" {
		t.Errorf("Base(died) = %q", got)
	}
	tests := []struct {
		name, data, wantErr string
	}{
		{"empty", "", "not a WordNet"},
		{"magic", strings.Replace(good, "eventbot-wordnet", "wordnet", 1), "not a WordNet"},
		{"version", strings.Replace(good, "wordnet 1", "wordnet 2", 1), "version 2"},
		{"count", strings.Replace(good, "3 3 1", "3 x 1", 1), "bad count"},
		{"too few lines", strings.Replace(good, "3 3 1", "3 3 2", 1), "ends early"},
		{"too many lines", strings.Replace(good, "3 3 1", "3 2 1", 1), "bad exception"},
		{"trailing data", good + "extra\n", "after the last section"},
		{"no final newline", strings.TrimSuffix(good, "\n"), "no line end"},
		{"sense number", strings.Replace(good, "die v2", "die v3", 1), "bad synset number"},
		{"sense part of speech", strings.Replace(good, "die v2", "die x2", 1), "bad sense"},
		{"exception", strings.Replace(good, "died v die", "died die", 1), "bad exception"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeWordNet([]byte(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("DecodeWordNet error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

// TestMalformedSynsetIsSkipped: a bad synset line fails when read, and
// queries leave out its relations instead of failing.
func TestMalformedSynsetIsSkipped(t *testing.T) {
	data := "eventbot-wordnet 1 2 2 0\n" +
		"n fuel @7\n" +
		"n gasoline,petrol @0\n" +
		"fuel n0\n" +
		"gasoline n1\n"
	w, err := DecodeWordNet([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.synset(0); err == nil || !strings.Contains(err.Error(), "bad synset number") {
		t.Errorf("synset(0) error = %v", err)
	}
	if got := w.Link("gasoline", "petrol"); got.Kind != Synonym {
		t.Errorf("Link(gasoline, petrol) = %+v", got)
	}
	if got := w.Link("fuel", "gasoline"); got.Kind != Unrelated {
		t.Errorf("Link(fuel, gasoline) = %+v from a malformed synset", got)
	}
}

func TestDetach(t *testing.T) {
	tests := []struct {
		word string
		pos  byte
		want []string
	}{
		{"boxes", 'n', []string{"boxe", "box"}},
		{"men", 'n', []string{"man"}},
		{"policemen", 'n', []string{"policeman"}},
		{"died", 'v', []string{"die"}}, // not "di"
		{"bed", 'v', nil},
		{"larger", 'a', []string{"larg", "large"}},
		{"fast", 'r', nil},
	}
	for _, tt := range tests {
		if got := Detach(tt.word, tt.pos); !slices.Equal(got, tt.want) {
			t.Errorf("Detach(%q, %c) = %q, want %q", tt.word, tt.pos, got, tt.want)
		}
	}
}

func BenchmarkLoadWordNet(b *testing.B) {
	for b.Loop() {
		if _, err := LoadWordNet(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRelated(b *testing.B) {
	w := loadWordNet(b)
	for b.Loop() {
		w.Related("caught")
	}
}

func BenchmarkLink(b *testing.B) {
	w := loadWordNet(b)
	for b.Loop() {
		w.Link("wounded", "killed")
	}
}
