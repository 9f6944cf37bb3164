package knowledge

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"

	"eventbot/knowledge/meaning"
)

// relations is what WordNet tells of English words (meaning.WordNet).
type relations interface {
	Has(word string) bool
	Bases(word string) []string
	Related(word string) []meaning.Relation
	Forms(lemma string) []string
}

// vectors places English words in a space where words of like meaning
// are near (meaning.Vectors).
type vectors interface {
	Has(word string) bool
	Vector(word string) []float32
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

// english reports whether a lower-case word is an English word: one the
// word vectors know (the commonest 30,000 of their source, and the words
// of the articles), or one WordNet knows that is not one edit or two from
// a word of the articles. Such a word is not a misspelling of the
// articles' words, whatever it is near ("catch", "watch"); but WordNet's
// rules for inflections read "clamed" as a form of "clam", so a WordNet
// word close to an article's ("claimed") is taken for a misspelling.
func (b *Base) english(word string) bool {
	if !b.enabled(Vectors) {
		return false
	}
	if b.vectors.Has(word) {
		return true
	}
	return b.enabled(WordNet) && b.relations.Has(word) && b.correct(word) == ""
}

// related returns the term sequences, as the articles have them, of the
// words WordNet gives as the same lemma, a synonym or a derivation of word
// in a central sense ("died" → "death", "caught" → "arrested"), other than
// the word's own terms. A phrase counts only when some passage holds all
// its words ("city manager" for "mayor" is not "city" in one article and
// "manager" in another). WordNet's answers are remembered, up to
// maxRemembered words: a lookup costs a fraction of a millisecond.
func (b *Base) related(ctx context.Context, word string, own []string) [][]string {
	return b.relatedBy(ctx, word, own, func(r meaning.Relation) bool {
		return r.Kind == meaning.Same || r.Kind == meaning.Synonym || r.Kind == meaning.Derivation
	})
}

// broader returns, as related does, the words WordNet gives as the direct
// hypernym of word in a central sense ("heads-up" → "warning"): for a word
// that neither the articles, nor its synonyms, nor the word vectors place,
// the broader word is the best clue to what it asks.
func (b *Base) broader(ctx context.Context, word string, own []string) [][]string {
	return b.relatedBy(ctx, word, own, func(r meaning.Relation) bool {
		return r.Kind == meaning.Hypernym && r.Depth == 1
	})
}

// relatedBy returns the term sequences, as the articles have them, of the
// words WordNet relates to word in a central sense by a relation keep
// accepts.
func (b *Base) relatedBy(ctx context.Context, word string, own []string, keep func(meaning.Relation) bool) [][]string {
	if !b.enabled(WordNet) {
		return nil
	}
	rels, ok := b.remembered.get(word)
	if !ok {
		rels = b.relations.Related(word)
		b.remembered.put(word, rels)
	}
	var out [][]string
	seen := map[string]bool{strings.Join(own, " "): true}
	for _, r := range rels {
		if !keep(r) || r.Sense > maxSense {
			continue
		}
		// The word as the articles write it: as it is, or in an
		// irregular form ("child": "children", which the stemmer leaves).
		for _, w := range append([]string{r.Word}, b.relations.Forms(r.Word)...) {
			ts := b.terms(w)
			key := strings.Join(ts, " ")
			if len(ts) == 0 || seen[key] {
				continue
			}
			if _, ok := b.seqWeight(ts); !ok || len(ts) > 1 && !b.together(ctx, ts) {
				continue // the articles never use it
			}
			seen[key] = true
			out = append(out, ts)
			break
		}
	}
	return out
}

// maxRemembered is how many words' WordNet relations a Base remembers.
const maxRemembered = 50000

// memo remembers what was worked out for a key (WordNet's relations of
// a word, whether the articles hold a phrase), up to maxRemembered keys;
// safe for concurrent use.
type memo[V any] struct {
	mu    sync.Mutex
	known map[string]V
}

func (m *memo[V]) get(key string) (V, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.known[key]
	return v, ok
}

func (m *memo[V]) put(key string, v V) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.known == nil {
		m.known = map[string]V{}
	}
	if len(m.known) < maxRemembered {
		m.known[key] = v
	}
}

// space holds the unit vectors of the event's articles' words, for
// fast cosines against a question's words.
type space struct {
	index map[string]int // word → row
	words []string
	rows  [][]float32
	// weight is each row's idf, for the centroid of a sentence: rare
	// words say more of what it is about than common ones.
	weight []float32
	// all is where the event's articles sit in meaning: the centroid of
	// their words, each as often as they use it.
	all []float32
	// byTerm is the row of the commonest article word of each term, for
	// a question's concept known only by its terms (a Russian word's
	// English alternatives).
	byTerm map[string]int
}

// articleSpace builds the space of the event's articles' words (as
// spelling counts them) that have vectors, in a fixed order.
func (b *Base) articleSpace() space {
	sp := space{index: map[string]int{}, byTerm: map[string]int{}}
	var ws []string
	for w := range b.spelling {
		if b.vectors.Has(w) {
			ws = append(ws, w)
		}
	}
	slices.Sort(ws)
	for _, w := range ws {
		sp.index[w] = len(sp.words)
		sp.words = append(sp.words, w)
		sp.rows = append(sp.rows, unitVector(b.vectors.Vector(w)))
		var idf float64
		if ts := b.terms(w); len(ts) == 1 {
			idf = b.stats.idf(ts[0])
			if r, ok := sp.byTerm[ts[0]]; !ok || b.spelling[w] > b.spelling[sp.words[r]] {
				sp.byTerm[ts[0]] = len(sp.words) - 1
			}
		}
		sp.weight = append(sp.weight, float32(idf))
	}
	if len(sp.rows) > 0 {
		sum := make([]float32, len(sp.rows[0]))
		for r, w := range sp.words {
			k := sp.weight[r] * float32(b.spelling[w])
			for i, x := range sp.rows[r] {
				sum[i] += k * x
			}
		}
		sp.all = unitVector(sum)
	}
	return sp
}

// centroid is the unit vector of the idf-weighted sum of rows: where in
// meaning a sentence's words sit together. Nil when none has a vector.
func (sp *space) centroid(rows []int) []float32 {
	if len(rows) == 0 {
		return nil
	}
	sum := make([]float32, len(sp.rows[rows[0]]))
	for _, r := range rows {
		w := sp.weight[r]
		for i, x := range sp.rows[r] {
			sum[i] += w * x
		}
	}
	return unitVector(sum)
}

// unitVector scales v to length 1 (nil stays nil).
func unitVector(v []float32) []float32 {
	var n float64
	for _, x := range v {
		n += float64(x) * float64(x)
	}
	if n == 0 {
		return nil
	}
	inv := float32(1 / math.Sqrt(n))
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = x * inv
	}
	return out
}

func dot(a, b []float32) float32 {
	var s float32
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// wordVector returns the unit vector of a question's word, nil when it
// has none or vectors are off, cached for one question.
func (b *Base) wordVector(cache map[string][]float32, word string) []float32 {
	if !b.enabled(Vectors) {
		return nil
	}
	v, ok := cache[word]
	if !ok {
		v = unitVector(b.vectors.Vector(word))
		cache[word] = v
	}
	return v
}

// nearestArticleWord returns the word of the event's articles nearest in
// meaning to word, and how near: a word the articles lack may still name
// what they say ("kids", "children"), or a concept they never state
// ("mourning").
func (b *Base) nearestArticleWord(word string) (string, float32) {
	v := b.wordVector(map[string][]float32{}, word)
	if v == nil {
		return "", 0
	}
	best, bestSim := "", float32(0)
	for i, row := range b.space.rows {
		if s := dot(v, row); s > bestSim {
			best, bestSim = b.space.words[i], s
		}
	}
	return best, bestSim
}

// bases returns the WordNet base forms of a single word of more than
// three letters ("caught" → "catch"), other than itself.
func (b *Base) bases(word string) []string {
	if !b.enabled(WordNet) || strings.Contains(word, " ") || len(word) <= 3 {
		return nil
	}
	var out []string
	for _, base := range b.relations.Bases(word) {
		if base != word {
			out = append(out, base)
		}
	}
	return out
}
