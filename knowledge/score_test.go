package knowledge

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"eventbot/knowledge/model"
)

// TestScoreFeatures checks that every candidate has the features the
// model is fitted on, and that what the features say holds: the sentence
// that carries every concept has full coverage, and a count next to what
// was asked is found.
func TestScoreFeatures(t *testing.T) {
	b := bundledBase(t)
	q := b.analyse(context.Background(), b.normalise("How many people were killed?"))
	hits, err := b.retrieve(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	cands := b.score(q, hits)
	if len(cands) == 0 {
		t.Fatal("no candidates")
	}
	counted := false
	for _, c := range cands {
		if len(c.features) != len(candidateFeatures) {
			t.Fatalf("%d features, want %d", len(c.features), len(candidateFeatures))
		}
		if c.number != nil {
			counted = true
			s := b.passages[c.passage].sentence(c.sentence)
			if !strings.Contains(s, c.number.text) {
				t.Errorf("number %q not in its sentence %q", c.number.text, s)
			}
		}
	}
	if !counted {
		t.Error("no candidate counts the killed")
	}
	if !strings.ContainsAny(b.passages[cands[0].passage].sentence(cands[0].sentence), "0123456789") {
		t.Errorf("best sentence %q holds no number", b.passages[cands[0].passage].sentence(cands[0].sentence))
	}
}

// TestScoreUsesModel checks that the order of candidates is the fitted
// model's: weights that reward what a sentence adds to the question and
// punish coverage put another sentence first than the fitted ones do.
func TestScoreUsesModel(t *testing.T) {
	fitted := bundledBase(t)
	names, _ := FeatureNames()
	w := make([]float64, len(names))
	for i, n := range names {
		switch n {
		case "coverage", "own_coverage", "known_coverage", "prior":
			w[i] = -1
		}
	}
	one := make([]float64, len(names))
	for i := range one {
		one[i] = 1
	}
	contrary := bundledBaseWith(t, Options{Model: &model.Model{Candidate: model.Logistic{
		Features: names, Mean: make([]float64, len(names)), Scale: one, Weights: w,
	}}})
	q := fitted.analyse(context.Background(), fitted.normalise("Where were the suspects detained?"))
	hits, err := fitted.retrieve(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	a, b := fitted.score(q, hits)[0], contrary.score(q, hits)[0]
	if a.passage == b.passage && a.sentence == b.sentence {
		t.Error("the model's weights do not change which sentence is best")
	}
	if a.coverage < b.coverage {
		t.Errorf("the fitted model's best covers %.2f, the contrary one's %.2f", a.coverage, b.coverage)
	}
}

// TestMeaningFeatures checks the features that read meaning and plain
// term overlap: a sentence holding the question's terms scores a higher
// BM25 than one holding none, and a sentence of like meaning sits nearer
// the question than an unrelated one, though it shares no word with it.
func TestMeaningFeatures(t *testing.T) {
	b := bundledBase(t)
	q := b.analyse(t.Context(), b.normalise("were kids hurt?"))
	vecs := map[string][]float32{}
	meaning := b.questionCentroid(q, vecs)
	info := func(s string) *sentenceInfo {
		in := b.sentenceInfo(s)
		for _, w := range in.words {
			if r, ok := b.space.index[w]; ok {
				in.rows = append(in.rows, r)
			}
		}
		in.centroid = b.space.centroid(in.rows)
		return &in
	}
	near := info("Several children were among the wounded.")
	far := info("The embassy issued an alert on its website.")
	if s, f := similarity(meaning, near.centroid), similarity(meaning, far.centroid); s <= f {
		t.Errorf("similarity: %.2f for the children wounded, %.2f for the embassy alert; want the first higher", s, f)
	}
	terms := plainTerms(b.analyse(t.Context(), b.normalise("Where were the suspects detained?")))
	with := info("The suspects were detained in the Bryansk region.")
	if h, f := b.bm25(terms, with, 10), b.bm25(terms, far, 10); h <= 0 || f != 0 || h > 1 {
		t.Errorf("bm25: %.2f with the question's terms, %.2f without; want in (0, 1] and 0", h, f)
	}
}

// TestRelatedPhrase checks that a WordNet phrase counts only when one
// passage holds all its words.
func TestRelatedPhrase(t *testing.T) {
	b := bundledBase(t)
	for _, alt := range b.related(t.Context(), "mayor", b.terms("mayor")) {
		if len(alt) > 1 && !b.together(t.Context(), alt) {
			t.Errorf("related(mayor) gives %v, which no passage holds", alt)
		}
	}
	if !b.together(t.Context(), b.terms("Bryansk region")) {
		t.Error("together(Bryansk region) = false, want true")
	}
	if b.together(t.Context(), b.terms("city manager")) {
		t.Error("together(city manager) = true, want false")
	}
}

// TestKindHeldFirst checks that when the question's kind demands an
// answer of its kind (a count), a sentence holding one comes first, even
// when the ranker scores a sentence without one higher: that one could
// only be refused.
func TestKindHeldFirst(t *testing.T) {
	b := bundledBase(t)
	_, cands, err := b.rank(context.Background(), "How many people were brought out of the basement of the complex?")
	if err != nil {
		t.Fatal(err)
	}
	if len(cands) == 0 || cands[0].held == 0 || cands[0].number == nil {
		t.Fatalf("the first candidate holds no count: %+v", cands[:min(1, len(cands))])
	}
}

// TestStatesAsked checks the decision to answer sees whether the best
// sentence states what the question asks about: the articles never give
// the attackers' nationality nor the venue's owner, though their best
// sentences for them share the question's other words; they do count the
// ambulances and say who claimed the attack.
func TestStatesAsked(t *testing.T) {
	b := bundledBase(t)
	for _, tt := range []struct {
		q      string
		states bool
	}{
		{"What nationality were the gunmen who opened fire at Crocus City Hall?", false},
		{"how much money were the attackers promised?", false},
		{"how many ambulances came to crocus", true},
		{"Who owns the Crocus City Hall shopping center and music venue?", false},
		{"Who claimed responsibility for the attack?", true},
		{"who was behind the attack?", true}, // the words name nothing asked about
	} {
		q, cands, err := b.rank(context.Background(), tt.q)
		if err != nil {
			t.Fatal(err)
		}
		if len(cands) == 0 {
			t.Fatalf("%q: no candidates", tt.q)
		}
		if got := b.statesAsked(q, cands[0]); (got == 1) != tt.states {
			t.Errorf("%q: statesAsked = %.2f for %q, want it 1: %v", tt.q, got, b.passages[cands[0].passage].sentence(cands[0].sentence), tt.states)
		}
	}
}

// TestDecisionEvidence checks the question-level evidence the decision to
// answer weighs: how many articles state all of a question the event's
// reports share, and how many of its concepts the articles never state,
// a word the engine does not understand ("трапився", happened) not
// among them.
func TestDecisionEvidence(t *testing.T) {
	b := bundledBase(t)
	feature := func(name string) int {
		i := slices.Index(answerFeatureNames, name)
		if i < 0 {
			t.Fatalf("no answer feature %q", name)
		}
		return i
	}
	full, unseen := feature("full_articles"), feature("unseen_concepts")
	for _, tt := range []struct {
		question string
		articles int // stating all of it: at least, or none
		unseen   float64
	}{
		{"Who claimed responsibility?", 3, 0},
		{"Who designed the memorial park?", 0, 2},
		{"Коли трапився теракт у Красногорську?", 0, 0},
	} {
		q, cands, err := b.rank(t.Context(), tt.question)
		if err != nil {
			t.Fatal(err)
		}
		if len(cands) == 0 {
			t.Fatalf("rank(%q): no candidates", tt.question)
		}
		x := b.answerFeatures(q, cands)
		if got := b.fullArticles(cands); got < tt.articles || tt.articles == 0 && got != 0 {
			t.Errorf("fullArticles(%q) = %d, want %d", tt.question, got, tt.articles)
		}
		if x[full] != math.Log1p(float64(b.fullArticles(cands))) {
			t.Errorf("%q: full_articles = %v", tt.question, x[full])
		}
		if x[unseen] != tt.unseen {
			t.Errorf("%q: unseen_concepts = %v, want %v", tt.question, x[unseen], tt.unseen)
		}
	}
}
