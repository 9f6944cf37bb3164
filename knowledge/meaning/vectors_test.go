package meaning

import (
	"encoding/binary"
	"math"
	"slices"
	"strings"
	"testing"
)

func loadVectors(tb testing.TB) *Vectors {
	tb.Helper()
	v, err := LoadVectors()
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

func TestEmbeddedVectorsHeader(t *testing.T) {
	if got := string(vectorsData[:4]); got != VectorsMagic {
		t.Fatalf("embedded vectors start with %q, want %q", got, VectorsMagic)
	}
	if got := binary.LittleEndian.Uint16(vectorsData[4:]); got != Version {
		t.Fatalf("embedded vectors have version %d, want %d", got, Version)
	}
	v := loadVectors(t)
	if v.Dims() != 100 {
		t.Errorf("Dims() = %d, want 100", v.Dims())
	}
	if v.Len() < 30000 {
		t.Errorf("Len() = %d, want at least the 30000 most frequent words", v.Len())
	}
}

// TestVectorsCoverQuestionWords checks the vocabulary rule: corpus words and
// everyday words people type have vectors; punctuation does not.
func TestVectorsCoverQuestionWords(t *testing.T) {
	v := loadVectors(t)
	for _, w := range []string{"krasnogorsk", "crocus", "gunmen", "hurt", "shooters", "caught", "warned", "toll", "Moscow"} {
		if !v.Has(w) {
			t.Errorf("Has(%q) = false, want true", w)
		}
	}
	for _, w := range []string{",", "xqzzyv", ""} {
		if v.Has(w) {
			t.Errorf("Has(%q) = true, want false", w)
		}
	}
}

// TestSimilarityOrdersRelatedAboveUnrelated: each pair of words with one
// meaning is nearer than its first word is to any of a few unrelated words.
func TestSimilarityOrdersRelatedAboveUnrelated(t *testing.T) {
	v := loadVectors(t)
	unrelated := []string{"banana", "violin", "spreadsheet", "tuesday", "giraffe"}
	for _, p := range [][2]string{
		{"die", "death"},
		{"caught", "catch"},
		{"arrest", "detain"},
		{"arrested", "detained"},
		{"hurt", "injured"},
		{"wounded", "injured"},
		{"gasoline", "fuel"},
		{"shooter", "gunman"},
		{"warned", "warning"},
		{"blaze", "fire"},
	} {
		s := v.Similarity(p[0], p[1])
		if s < 0.4 {
			t.Errorf("Similarity(%q, %q) = %.2f, want at least 0.4", p[0], p[1], s)
		}
		for _, u := range unrelated {
			if su := v.Similarity(p[0], u); su >= s {
				t.Errorf("Similarity(%q, %q) = %.2f, not above Similarity(%q, %q) = %.2f", p[0], p[1], s, p[0], u, su)
			}
		}
	}
}

// TestSimilarityMatchesSource compares with cosines computed from the
// source's float vectors: quantisation must not move them.
func TestSimilarityMatchesSource(t *testing.T) {
	v := loadVectors(t)
	for _, tt := range []struct {
		a, b string
		want float64
	}{
		{"wounded", "killed", 0.8642},
		{"hurt", "injured", 0.5998},
		{"die", "death", 0.5953},
	} {
		if got := v.Similarity(tt.a, tt.b); math.Abs(float64(got)-tt.want) > 0.004 {
			t.Errorf("Similarity(%q, %q) = %.4f, source says %.4f", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestSimilarityEdgeCases(t *testing.T) {
	v := loadVectors(t)
	tests := []struct {
		a, b      string
		want, tol float32
	}{
		{"xqzzyv", "die", 0, 0},
		{"die", "xqzzyv", 0, 0},
		{"", "", 0, 0},
		{"die", "die", 1, 0.001},
		{"Die", "DEATH", v.Similarity("die", "death"), 0},
	}
	for _, tt := range tests {
		got := v.Similarity(tt.a, tt.b)
		if math.Abs(float64(got-tt.want)) > float64(tt.tol) {
			t.Errorf("Similarity(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
	if got := v.Similarity("die", "death"); got != v.Similarity("death", "die") {
		t.Errorf("Similarity is not symmetric")
	}
}

func TestVector(t *testing.T) {
	v := loadVectors(t)
	if got := v.Vector("xqzzyv"); got != nil {
		t.Errorf("Vector of an unknown word = %v, want nil", got)
	}
	a, b := v.Vector("die"), v.Vector("death")
	if len(a) != v.Dims() {
		t.Fatalf("len(Vector) = %d, want %d", len(a), v.Dims())
	}
	var dot, na, nb float64
	for i := range a {
		dot += float64(a[i] * b[i])
		na += float64(a[i] * a[i])
		nb += float64(b[i] * b[i])
	}
	cos := dot / math.Sqrt(na*nb)
	if got := float64(v.Similarity("die", "death")); math.Abs(cos-got) > 1e-4 {
		t.Errorf("cosine of dequantised vectors = %v, Similarity = %v", cos, got)
	}
	if na < 1 {
		t.Errorf("|Vector(die)|² = %v: dequantised vectors lost their scale", na)
	}
}

func TestNeighbours(t *testing.T) {
	v := loadVectors(t)
	tests := []struct {
		word string
		want string // expected among the 10 nearest
	}{
		{"shooters", "shooter"},
		{"caught", "catch"},
		// The hazard the package comment warns about: an opposite outcome
		// is a near neighbour.
		{"wounded", "killed"},
	}
	for _, tt := range tests {
		got := v.Neighbours(tt.word, 10)
		if len(got) != 10 {
			t.Fatalf("Neighbours(%q, 10) gave %d words", tt.word, len(got))
		}
		if !slices.IsSortedFunc(got, func(a, b Neighbour) int {
			return -cmpFloat(a.Similarity, b.Similarity)
		}) {
			t.Errorf("Neighbours(%q) not sorted: %v", tt.word, got)
		}
		words := make([]string, len(got))
		for i, n := range got {
			words[i] = n.Word
			if n.Similarity != v.Similarity(tt.word, n.Word) {
				t.Errorf("Neighbour %q similarity %v, Similarity says %v", n.Word, n.Similarity, v.Similarity(tt.word, n.Word))
			}
		}
		if slices.Contains(words, tt.word) {
			t.Errorf("Neighbours(%q) contains the word itself", tt.word)
		}
		if !slices.Contains(words, tt.want) {
			t.Errorf("Neighbours(%q) = %v, want %q among them", tt.word, words, tt.want)
		}
	}
	if got := v.Neighbours("xqzzyv", 5); got != nil {
		t.Errorf("Neighbours of an unknown word = %v", got)
	}
	if got := v.Neighbours("die", 0); got != nil {
		t.Errorf("Neighbours(die, 0) = %v", got)
	}
}

func cmpFloat(a, b float32) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// vectorsFile builds a vectors file by hand, for DecodeVectors' checks.
func vectorsFile(magic string, version uint16, dims uint16, words []string, extra int) []byte {
	b := []byte(magic)
	b = binary.LittleEndian.AppendUint16(b, version)
	b = binary.LittleEndian.AppendUint16(b, dims)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(words)))
	for _, w := range words {
		b = append(b, byte(len(w)))
		b = append(b, w...)
	}
	return append(b, make([]byte, len(words)*(4+int(dims))+extra)...)
}

func TestDecodeVectors(t *testing.T) {
	tests := []struct {
		name    string
		data    []byte
		wantErr string
	}{
		{"good", vectorsFile(VectorsMagic, Version, 3, []string{"a", "bc"}, 0), ""},
		{"empty", nil, "not a word vectors file"},
		{"magic", vectorsFile("XXXX", Version, 3, []string{"a"}, 0), "not a word vectors file"},
		{"version", vectorsFile(VectorsMagic, Version+1, 3, []string{"a"}, 0), "version"},
		{"no dimensions", vectorsFile(VectorsMagic, Version, 0, []string{"a"}, 0), "no dimensions"},
		{"repeated word", vectorsFile(VectorsMagic, Version, 3, []string{"a", "a"}, 0), "repeated"},
		{"short", vectorsFile(VectorsMagic, Version, 3, []string{"a", "bc"}, -1), "bytes of scales"},
		{"long", vectorsFile(VectorsMagic, Version, 3, []string{"a", "bc"}, 1), "bytes of scales"},
		{"no words", vectorsFile(VectorsMagic, Version, 3, nil, 0), ""},
		{"word cut", vectorsFile(VectorsMagic, Version, 3, []string{"abc"}, 0)[:14], "truncated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := DecodeVectors(tt.data)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("DecodeVectors: %v", err)
				}
				if v.Similarity("a", "bc") != 0 {
					t.Errorf("zero vectors have similarity %v", v.Similarity("a", "bc"))
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("DecodeVectors error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func BenchmarkLoadVectors(b *testing.B) {
	for b.Loop() {
		if _, err := LoadVectors(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSimilarity(b *testing.B) {
	v := loadVectors(b)
	for b.Loop() {
		v.Similarity("wounded", "injured")
	}
}

func BenchmarkNeighbours(b *testing.B) {
	v := loadVectors(b)
	for b.Loop() {
		v.Neighbours("wounded", 10)
	}
}
