package knowledge

import (
	"fmt"
	"slices"
	"strings"

	"eventbot/knowledge/meaning"
)

// relations is what WordNet tells of English words (meaning.WordNet).
type relations interface {
	Has(word string) bool
	Related(word string) []meaning.Relation
}

// vectors tells how near two English words are in meaning
// (meaning.Vectors).
type vectors interface {
	Has(word string) bool
	Similarity(a, b string) float32
}

// maxSense is the least central WordNet sense through which a question
// word stands for another: WordNet lists rare senses too ("go" for "die").
const maxSense = 2

// loadMeaning loads the word vectors and WordNet relations embedded in
// package meaning.
func (b *Base) loadMeaning() error {
	v, err := meaning.LoadVectors()
	if err != nil {
		return fmt.Errorf("load word vectors: %w", err)
	}
	w, err := meaning.LoadWordNet()
	if err != nil {
		return fmt.Errorf("load WordNet: %w", err)
	}
	b.vectors, b.relations = v, w
	return nil
}

// english reports whether a lower-case word is an English word that the
// word vectors know (the commonest 30,000 of their source, and the words
// of the articles): such a word is not a misspelling of the articles'
// words, whatever it is one edit from ("catch", "watch"). WordNet is no
// judge: its rules for inflections read "clamed" as a form of "clam".
func (b *Base) english(word string) bool {
	return b.enabled(Vectors) && b.vectors.Has(word)
}

// related returns the term sequences, as the articles have them, of the
// words WordNet gives as the same lemma, a synonym or a derivation of word
// in a central sense ("died" → "death", "caught" → "arrested"), other than
// the word's own terms.
func (b *Base) related(word string, own []string) [][]string {
	if !b.enabled(WordNet) {
		return nil
	}
	var out [][]string
	seen := map[string]bool{strings.Join(own, " "): true}
	for _, r := range b.relations.Related(word) {
		switch r.Kind {
		case meaning.Same, meaning.Synonym, meaning.Derivation:
		default:
			continue
		}
		if r.Sense > maxSense {
			continue
		}
		ts := b.terms(r.Word)
		key := strings.Join(ts, " ")
		if len(ts) == 0 || seen[key] {
			continue
		}
		if _, ok := b.seqWeight(ts); !ok {
			continue // the articles never use it
		}
		seen[key] = true
		out = append(out, ts)
	}
	return out
}

// similarity is the cosine of two words' vectors, 0 when vectors are off
// or either word has none, cached for one question.
func (b *Base) similarity(cache map[[2]string]float32, a, w string) float32 {
	if !b.enabled(Vectors) {
		return 0
	}
	k := [2]string{a, w}
	s, ok := cache[k]
	if !ok {
		s = b.vectors.Similarity(a, w)
		cache[k] = s
	}
	return s
}

// articleWords lists the words of the event's articles (as spelling
// counts them) that have vectors, in a fixed order.
func (b *Base) articleWords() []string {
	var out []string
	for w := range b.spelling {
		if b.vectors.Has(w) {
			out = append(out, w)
		}
	}
	slices.Sort(out)
	return out
}

// nearestArticleWord returns the word of the event's articles nearest in
// meaning to word, and how near: a word the articles lack may still name
// what they say ("kids", "children"), or a concept they never state
// ("mourning").
func (b *Base) nearestArticleWord(word string) (string, float32) {
	if !b.enabled(Vectors) || !b.vectors.Has(word) {
		return "", 0
	}
	best, bestSim := "", float32(0)
	for _, w := range b.vocabulary {
		if s := b.vectors.Similarity(word, w); s > bestSim {
			best, bestSim = w, s
		}
	}
	return best, bestSim
}
