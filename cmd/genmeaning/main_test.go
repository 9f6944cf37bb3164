package main

import (
	"bytes"
	"compress/gzip"
	"flag"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"eventbot/knowledge/meaning"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the fixture")

// fixture reads the tiny sources in testdata: 16 words with 4-dimensional
// vectors, a WordNet of a dozen synsets and a two-article corpus.
func fixture() config {
	return config{
		vectors:   "testdata/vectors.json",
		wordnet:   "testdata/wordnet",
		corpus:    "testdata/corpus",
		top:       6,  // the, ",", die, death, catch, fuel
		lemmaRank: 13, // + gasoline, caught, hurt, wounded, petrol for WordNet only
	}
}

func generateFixture(t *testing.T) (vectors []byte, wordnetText []byte) {
	t.Helper()
	v, wz, _, err := generate(fixture())
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(wz))
	if err != nil {
		t.Fatal(err)
	}
	text, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return v, text
}

// TestGenerateIsDeterministic: the same sources give the same bytes, and
// those bytes are the reviewed golden files.
func TestGenerateIsDeterministic(t *testing.T) {
	v1, w1, _, err := generate(fixture())
	if err != nil {
		t.Fatal(err)
	}
	v2, w2, _, err := generate(fixture())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(v1, v2) || !bytes.Equal(w1, w2) {
		t.Fatal("two runs over the same sources gave different bytes")
	}
	vectors, text := generateFixture(t)
	for name, got := range map[string][]byte{"vectors.bin": vectors, "wordnet.txt": text} {
		path := filepath.Join("testdata", "golden", name)
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from %s (go test -update rewrites it after review)", name, path)
		}
	}
}

func TestGeneratedVectors(t *testing.T) {
	data, _ := generateFixture(t)
	v, err := meaning.DecodeVectors(data)
	if err != nil {
		t.Fatal(err)
	}
	if v.Dims() != 4 {
		t.Errorf("Dims() = %d, want 4", v.Dims())
	}
	tests := []struct {
		word string
		want bool
		why  string
	}{
		{"the", true, "frequent"},
		{"die", true, "frequent"},
		{"fuel", true, "frequent"},
		{"live", false, "a corpus word the source lacks"},
		{",", false, "punctuation"},
		{"krasnogorsk", true, "an English corpus word"},
		{"gunman", true, "an English corpus word (as gunman's)"},
		{"banana", false, "only in a Russian article"},
		{"gasoline", false, "WordNet lemma past -top: relations only"},
		{"caught", false, "exception form past -top: relations only"},
		{"rareword", false, "past -top and not in WordNet"},
		{"shooter", false, "past -lemma-rank"},
	}
	for _, tt := range tests {
		if got := v.Has(tt.word); got != tt.want {
			t.Errorf("Has(%q) = %v, want %v (%s)", tt.word, got, tt.want, tt.why)
		}
	}
	if v.Len() != 7 {
		t.Errorf("Len() = %d, want 7 (the, die, death, catch, fuel, gunman, krasnogorsk)", v.Len())
	}
	// Quantisation keeps each component within half a step of its source.
	got := v.Vector("krasnogorsk")
	want := []float32{0, 0, -2.5, 1.25}
	for i := range want {
		if math.Abs(float64(got[i]-want[i])) > 2.5/127/2+1e-6 {
			t.Errorf("Vector(krasnogorsk)[%d] = %v, want %v", i, got[i], want[i])
		}
	}
	if s := v.Similarity("die", "death"); math.Abs(float64(s)-0.9812) > 0.01 {
		t.Errorf("Similarity(die, death) = %v, want the source's 0.9812", s)
	}
}

func TestGeneratedWordNet(t *testing.T) {
	_, text := generateFixture(t)
	w, err := meaning.DecodeWordNet(text)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		a, b  string
		kind  meaning.Kind
		depth int
	}{
		{"die", "death", meaning.Derivation, 0},
		{"death", "die", meaning.Derivation, 0},
		{"die", "perish", meaning.Synonym, 0},
		{"die", "live", meaning.Antonym, 0},
		{"caught", "catch", meaning.Same, 0},
		{"caught", "arrest", meaning.Synonym, 0},
		{"gasoline", "petrol", meaning.Synonym, 0},
		{"gasoline", "fuel", meaning.Hypernym, 1},
		{"gasoline", "substance", meaning.Hypernym, 2},
		{"fuel", "gasoline", meaning.Hyponym, 1},
		{"hurt", "wounded", meaning.Synonym, 0},
		{"hurt", "injured", meaning.Similar, 0},
		{"gunman", "shooter", meaning.Synonym, 0},
		{"gunman", "entity", meaning.Hypernym, 1}, // an instance hypernym
		{"hurt", "death", meaning.Unrelated, 0},
	}
	for _, tt := range tests {
		got := w.Link(tt.a, tt.b)
		if got.Kind != tt.kind || got.Depth != tt.depth {
			t.Errorf("Link(%q, %q) = %+v, want %v at depth %d", tt.a, tt.b, got, tt.kind, tt.depth)
		}
	}
	// cntlist.rev tags die's second WordNet sense more often: it comes first.
	if got := w.Link("die", "perish"); got.Sense != 1 {
		t.Errorf("Link(die, perish).Sense = %d, want 1 (the most tagged sense)", got.Sense)
	}
	if got := w.Base("caught"); got != "catch" {
		t.Errorf("Base(caught) = %q", got)
	}
	if got := w.Base("gunmen"); got != "gunman" {
		t.Errorf("Base(gunmen) = %q, want gunman by the noun rules", got)
	}
	// Left out: banana split (no lemma in the vocabulary), rareword (not in
	// WordNet), banana (not a lemma).
	for _, word := range []string{"banana split", "rareword", "banana"} {
		if w.Has(word) {
			t.Errorf("Has(%q) = true, want false", word)
		}
	}
	if strings.Contains(string(text), "banana") {
		t.Errorf("the banana split synset was kept:\n%s", text)
	}
}

func TestRun(t *testing.T) {
	out := t.TempDir()
	c := fixture()
	var log bytes.Buffer
	err := run([]string{"-vectors", c.vectors, "-wordnet", c.wordnet, "-corpus", c.corpus,
		"-out", out, "-top", "6", "-lemma-rank", "13"}, &log)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, &log)
	}
	vectors, _ := generateFixture(t)
	got, err := os.ReadFile(filepath.Join(out, "vectors.bin"))
	if err != nil || !bytes.Equal(got, vectors) {
		t.Errorf("vectors.bin not written as generated (%v)", err)
	}
	if _, err := os.Stat(filepath.Join(out, "wordnet.txt.gz")); err != nil {
		t.Error(err)
	}
	if !strings.Contains(log.String(), "7 words with vectors") {
		t.Errorf("log %q does not report the counts", &log)
	}
	broken := t.TempDir()
	for _, name := range []string{"data.noun", "data.verb", "data.adj", "data.adv", "index.noun", "index.verb", "index.adj", "index.adv", "noun.exc", "verb.exc", "adj.exc", "adv.exc", "cntlist.rev"} {
		data, err := os.ReadFile(filepath.Join(c.wordnet, name))
		if err != nil {
			t.Fatal(err)
		}
		if name == "index.noun" {
			data = append(data, "ghost n 1 0 1 0 00000099\n"...)
		}
		if err := os.WriteFile(filepath.Join(broken, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	err = run([]string{"-vectors", c.vectors, "-wordnet", broken, "-corpus", c.corpus, "-out", out}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), `"ghost" names synset n 00000099`) {
		t.Errorf("run over an index naming a missing synset: error %v", err)
	}
	for _, args := range [][]string{
		{"-wordnet", c.wordnet},
		{"-vectors", "testdata/missing.json", "-wordnet", c.wordnet, "-corpus", c.corpus, "-out", out},
		{"-vectors", c.vectors, "-wordnet", "testdata/missing", "-corpus", c.corpus, "-out", out},
		{"-vectors", c.vectors, "-wordnet", c.wordnet, "-corpus", c.corpus, "-out", out, "extra"},
	} {
		if err := run(args, io.Discard); err == nil {
			t.Errorf("run(%q) succeeded, want an error", args)
		}
	}
}
