package main

import (
	"fmt"
	"regexp"
	"strings"

	"eventbot/corpus"
	"eventbot/knowledge/meaning"
)

// vocabulary is the set of words the generated data covers.
type vocabulary struct {
	vectors map[string]bool // words that get a vector if the source has one
	forms   map[string]bool // words whose WordNet exception forms are kept
	lemmas  map[string]bool // WordNet lemmas whose synsets are kept
}

// corpusToken matches an English word in article text.
var corpusToken = regexp.MustCompile(`[a-z]+(?:[-'][a-z]+)*`)

// readCorpusWords returns the words of the English articles in dir, their
// hyphenated compounds and the compounds' parts, without possessive 's.
func readCorpusWords(dir string) (map[string]bool, error) {
	docs, err := corpus.Dir(dir).Load()
	if err != nil {
		return nil, fmt.Errorf("reading corpus: %w", err)
	}
	words := map[string]bool{}
	for _, d := range docs {
		if d.Language != "en" {
			continue
		}
		text := strings.ToLower(strings.Join([]string{d.Title, d.Publisher, d.Author, d.Body}, "\n"))
		text = strings.NewReplacer("\u2019", "'", "\u2018", "'", "\u2010", "-", "\u2011", "-").Replace(text)
		for _, t := range corpusToken.FindAllString(text, -1) {
			t = strings.TrimSuffix(t, "'s")
			words[t] = true
			if strings.Contains(t, "-") {
				for _, part := range strings.Split(t, "-") {
					words[part] = true
				}
			}
		}
	}
	return words, nil
}

// plainWord matches the vector source's entries that are words (not
// punctuation, numbers or symbols).
var plainWord = regexp.MustCompile(`^[a-z]+(?:[-'.][a-z]+)*\.?$`)

// chooseVocabulary keeps vectors for the corpus words, the c.top most
// frequent words of the vector source (which lists its words by descending
// frequency) and their WordNet base forms. WordNet relations are kept for
// those words and also for the WordNet lemmas and exception forms among the
// c.lemmaRank most frequent words: rarer words that people still use
// ("heads-up") cost little as relations, much as vectors.
func chooseVocabulary(c config, corpusWords map[string]bool, emb *embeddings, wn *wordNet) vocabulary {
	v := vocabulary{vectors: map[string]bool{}, forms: map[string]bool{}, lemmas: map[string]bool{}}
	for w := range corpusWords {
		v.vectors[w] = true
	}
	for rank, w := range emb.Words {
		if rank >= max(c.top, c.lemmaRank) {
			break
		}
		if !plainWord.MatchString(w) {
			continue
		}
		_, lemma := wn.index[w]
		_, inflected := wn.exceptions[w]
		switch {
		case rank < c.top:
			v.vectors[w] = true
		case lemma || inflected:
			v.forms[w] = true
		}
	}
	var bases []string
	for w := range v.vectors {
		v.forms[w] = true
		bases = append(bases, wn.bases(w)...)
	}
	for _, b := range bases {
		v.vectors[b] = true
		v.forms[b] = true
	}
	for w := range v.forms {
		for _, b := range wn.bases(w) {
			v.lemmas[b] = true
		}
	}
	return v
}

// bases returns the WordNet lemmas w may be a form of, w included when it is
// one: exception lists and detachment rules for every part of speech.
func (wn *wordNet) bases(w string) []string {
	var out []string
	if _, ok := wn.index[w]; ok {
		out = append(out, w)
	}
	for _, e := range wn.exceptions[w] {
		if _, ok := wn.index[e.base]; ok {
			out = append(out, e.base)
		}
	}
	for _, pos := range []byte{'n', 'v', 'a'} {
		for _, b := range meaning.Detach(w, pos) {
			if e, ok := wn.index[b]; ok && len(e.senses[posIndex(pos)]) > 0 {
				out = append(out, b)
			}
		}
	}
	return out
}
