package meaning

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Vectors holds word vectors, quantised to one signed byte per dimension
// with a scale per word. Words are lower case; lookups fold their argument
// to lower case. A Vectors is read-only and safe for concurrent use.
//
// The file format (little endian), written by cmd/genmeaning:
//
//	magic   [4]byte  VectorsMagic
//	version uint16   Version
//	dims    uint16
//	count   uint32
//	words   count × (uint8 length, bytes), in the source's frequency order
//	scales  count × float32: component i of word w is scale[w] × q[w][i]
//	q       count × dims × int8
type Vectors struct {
	dims   int
	words  []string
	index  map[string]int32
	scales []float32
	q      []byte    // count × dims quantised components, as int8
	norms  []float32 // Euclidean norm of each quantised vector
}

// Neighbour is a word near another in vector space.
type Neighbour struct {
	Word       string
	Similarity float32 // cosine similarity, in [-1, 1]
}

// LoadVectors decodes the embedded vectors. It costs a few milliseconds and
// a few megabytes of heap (the word index and norms; the components stay in
// the binary's read-only data).
func LoadVectors() (*Vectors, error) {
	v, err := DecodeVectors(vectorsData)
	if err != nil {
		return nil, fmt.Errorf("loading embedded word vectors: %w", err)
	}
	return v, nil
}

// DecodeVectors decodes vectors in the format written by cmd/genmeaning.
// The result refers to data, which must not change afterwards.
func DecodeVectors(data []byte) (*Vectors, error) {
	const headerSize = 12
	if len(data) < headerSize || string(data[:4]) != VectorsMagic {
		return nil, errors.New("not a word vectors file")
	}
	if ver := binary.LittleEndian.Uint16(data[4:]); ver != Version {
		return nil, fmt.Errorf("word vectors format version %d, want %d", ver, Version)
	}
	dims := int(binary.LittleEndian.Uint16(data[6:]))
	count := int(binary.LittleEndian.Uint32(data[8:]))
	if dims == 0 {
		return nil, errors.New("word vectors have no dimensions")
	}
	v := &Vectors{
		dims:  dims,
		words: make([]string, count),
		index: make(map[string]int32, count),
	}
	rest := data[headerSize:]
	for i := range count {
		if len(rest) < 1 || len(rest) < 1+int(rest[0]) {
			return nil, fmt.Errorf("word vectors: word %d truncated", i)
		}
		n := int(rest[0])
		w := string(rest[1 : 1+n])
		if _, dup := v.index[w]; dup || w == "" {
			return nil, fmt.Errorf("word vectors: word %d (%q) empty or repeated", i, w)
		}
		v.words[i] = w
		v.index[w] = int32(i)
		rest = rest[1+n:]
	}
	if want := count*4 + count*dims; len(rest) != want {
		return nil, fmt.Errorf("word vectors: %d bytes of scales and components, want %d", len(rest), want)
	}
	v.scales = make([]float32, count)
	for i := range count {
		v.scales[i] = math.Float32frombits(binary.LittleEndian.Uint32(rest[4*i:]))
	}
	v.q = rest[count*4:]
	v.norms = make([]float32, count)
	for i := range count {
		v.norms[i] = float32(math.Sqrt(float64(dot(v.row(i), v.row(i)))))
	}
	return v, nil
}

// Len reports the number of words.
func (v *Vectors) Len() int { return len(v.words) }

// Dims reports the number of dimensions of each vector.
func (v *Vectors) Dims() int { return v.dims }

// Has reports whether word has a vector.
func (v *Vectors) Has(word string) bool {
	_, ok := v.lookup(word)
	return ok
}

// Vector returns the (dequantised) vector of word, or nil when it has none.
func (v *Vectors) Vector(word string) []float32 {
	i, ok := v.lookup(word)
	if !ok {
		return nil
	}
	out := make([]float32, v.dims)
	for d, b := range v.row(i) {
		out[d] = v.scales[i] * float32(int8(b))
	}
	return out
}

// Similarity returns the cosine similarity of the vectors of a and b, or 0
// when either word has no vector. A word is 1 to itself. Cost: one dot
// product of Dims bytes (tens of nanoseconds) after two map lookups.
func (v *Vectors) Similarity(a, b string) float32 {
	i, ok := v.lookup(a)
	if !ok {
		return 0
	}
	j, ok := v.lookup(b)
	if !ok {
		return 0
	}
	return v.cosine(i, j)
}

// Neighbours returns the n words nearest to word by cosine similarity, most
// similar first, without word itself; nil when word has no vector. It scans
// every vector (a few milliseconds): meant for exploring and for building
// tables at start-up, not for every question.
//
// Neighbours are words used in similar contexts, not synonyms: antonyms and
// co-hyponyms ("wounded", "killed"; "east", "west") rank high.
func (v *Vectors) Neighbours(word string, n int) []Neighbour {
	i, ok := v.lookup(word)
	if !ok || n <= 0 {
		return nil
	}
	best := make([]Neighbour, 0, n+1)
	for j := range v.words {
		if j == i {
			continue
		}
		s := v.cosine(i, j)
		if len(best) == n && s <= best[n-1].Similarity {
			continue
		}
		at, _ := slices.BinarySearchFunc(best, s, func(e Neighbour, t float32) int {
			switch {
			case e.Similarity > t:
				return -1
			case e.Similarity < t:
				return 1
			}
			return 0
		})
		best = slices.Insert(best, at, Neighbour{Word: v.words[j], Similarity: s})
		if len(best) > n {
			best = best[:n]
		}
	}
	return best
}

func (v *Vectors) lookup(word string) (int, bool) {
	i, ok := v.index[word]
	if !ok && hasUpper(word) {
		i, ok = v.index[strings.ToLower(word)]
	}
	return int(i), ok
}

func (v *Vectors) row(i int) []byte { return v.q[i*v.dims : (i+1)*v.dims] }

func (v *Vectors) cosine(i, j int) float32 {
	n := v.norms[i] * v.norms[j]
	if n == 0 {
		return 0
	}
	return float32(dot(v.row(i), v.row(j))) / n
}

// dot is the dot product of two quantised vectors. The per-word scales
// cancel out of a cosine, so they are not needed here.
func dot(a, b []byte) int32 {
	b = b[:len(a)]
	var s int32
	for k := range a {
		s += int32(int8(a[k])) * int32(int8(b[k]))
	}
	return s
}

func hasUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' || c >= 0x80 {
			return true
		}
	}
	return false
}
