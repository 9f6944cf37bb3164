package main

import (
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"eventbot/corpus"
	"eventbot/knowledge/evalset"
	"eventbot/knowledge/model"
)

func TestFold(t *testing.T) {
	counts := make([]int, 5)
	for i := range 500 {
		id := "set:q-" + string(rune('a'+i%26)) + string(rune('a'+i/26))
		k := fold(id, 5)
		if k != fold(id, 5) {
			t.Fatalf("fold(%q) differs from run to run", id)
		}
		counts[k]++
	}
	for k, n := range counts {
		if n < 60 {
			t.Errorf("fold %d holds %d of 500 questions, want about 100", k, n)
		}
	}
}

// TestDecisions checks what the decision to answer learns from: a
// question answered right, to answer; one the articles do not answer, to
// refuse; and nothing from one answered wrongly, which scores the same
// refused or answered.
func TestDecisions(t *testing.T) {
	docs, err := corpus.Load(corpus.Bundled())
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.Fitted()
	if err != nil {
		t.Fatal(err)
	}
	q := func(id, text string, answers ...string) labelled {
		return labelled{set: "chat", Question: evalset.Question{ID: id, Question: text, Answerable: len(answers) > 0, AnswerAny: answers}}
	}
	qs := []labelled{
		q("right", "How many people were killed in the attack?", "139", "70", "40"),
		q("wrong", "How many people were killed in the attack?", "a figure no article gives"),
		q("refuse", "Who owns the Crocus City Hall?"),
	}
	f := fitter{docs: docs}
	got, err := f.decisions(context.Background(), m, qs, map[bool][]pairing{})
	if err != nil {
		t.Fatal(err)
	}
	var labels []bool
	for _, e := range got {
		labels = append(labels, e.Y)
	}
	if want := []bool{true, false}; !slices.Equal(labels, want) {
		t.Errorf("decisions learn %v, want %v (to answer the right answer, to refuse the unanswerable)", labels, want)
	}
}

// TestBestCompanion checks that the margin gives the companion where it
// makes more answers right, and no further: the smallest margin of the
// most right answers.
func TestBestCompanion(t *testing.T) {
	inf := math.Inf(1)
	for _, tt := range []struct {
		name     string
		pairs    []pairing
		min, max float64 // the margin lies between
	}{
		{"helps when close", []pairing{{0.2, false, true}, {0.5, true, true}, {1.0, false, true}, {3, true, false}, {inf, true, true}}, 1.0, 3},
		{"never helps", []pairing{{0.2, true, true}, {0.5, true, false}, {inf, false, false}}, math.Inf(-1), 0.2},
		{"no more than needed", []pairing{{0.2, false, true}, {0.4, true, true}, {2, true, true}}, 0.2, 0.4},
	} {
		m := bestCompanion(tt.pairs)
		if m < tt.min || m >= tt.max {
			t.Errorf("%s: margin %v, want in [%v, %v)", tt.name, m, tt.min, tt.max)
		}
	}
}

// TestReport checks the table: right answers and refusals by kind and in
// total, and the answers composed with the gate open, fitted next to
// cross-validated.
func TestReport(t *testing.T) {
	q := func(id, kind string, answerable bool) labelled {
		return labelled{set: "chat", Question: evalset.Question{ID: id, Kind: kind, Answerable: answerable}}
	}
	qs := []labelled{q("a", "casual", true), q("b", "casual", true), q("c", "offtopic", false)}
	fitted := map[string]bool{"a": true, openKey("a"): true, openKey("b"): true, "c": true}
	cv := map[string]bool{openKey("a"): true, "c": true}
	var out strings.Builder
	report(&out, qs, fitted, cv)
	for _, row := range []string{
		"| chat | **answered** | 1/2 | 0/2 |",
		"| chat | **abstained** | 1/1 | 1/1 |",
		"| chat | **gate open** | 2/2 | 1/2 |",
		"| chat | casual | 1/2 | 0/2 |",
	} {
		if !strings.Contains(out.String(), row) {
			t.Errorf("report lacks %q:\n%s", row, out.String())
		}
	}
}

// TestListMisses checks that each question cross-validation gets wrong
// is listed once, with why: ranked wrong, refused though its answer was
// right, or answered though it should be refused.
func TestListMisses(t *testing.T) {
	q := func(id string, answerable bool) labelled {
		return labelled{set: "chat", Question: evalset.Question{ID: id, Kind: "casual", Question: "q " + id, Answerable: answerable}}
	}
	qs := []labelled{q("right", true), q("ranked", true), q("refused", true), q("answered", false), q("abstained", false)}
	cv := map[string]bool{"right": true, openKey("right"): true, openKey("refused"): true, "abstained": true}
	var out strings.Builder
	listMisses(&out, qs, cv)
	want := "miss\tranked\tchat\tcasual\tranked\tq ranked\n" +
		"miss\trefused\tchat\tcasual\trefused\tq refused\n" +
		"miss\tanswered\tchat\tcasual\tanswered\tq answered\n"
	if out.String() != want {
		t.Errorf("listMisses =\n%s\nwant\n%s", out.String(), want)
	}
}

// TestInnerParts checks that every question is ranked unseen once in each
// inner split, never by a ranker fitted on it, and that the splits differ:
// the decision learns from each question's rankings by other rankers.
func TestInnerParts(t *testing.T) {
	var qs []labelled
	for i := range 60 {
		qs = append(qs, labelled{set: "chat", Question: evalset.Question{ID: "q" + strconv.Itoa(i)}})
	}
	parts := innerParts(qs, "")
	if len(parts) != innerSplits*innerFolds {
		t.Fatalf("%d parts, want %d", len(parts), innerSplits*innerFolds)
	}
	tested := map[string]int{}
	together := map[[2]string]int{} // pairs tested in the same part
	for _, p := range parts {
		if len(p.train)+len(p.test) != len(qs) {
			t.Errorf("a part splits %d+%d of %d questions", len(p.train), len(p.test), len(qs))
		}
		trained := map[string]bool{}
		for _, q := range p.train {
			trained[q.ID] = true
		}
		for _, q := range p.test {
			tested[q.ID]++
			if trained[q.ID] {
				t.Errorf("%s is ranked by a ranker fitted on it", q.ID)
			}
			for _, o := range p.test {
				together[[2]string{q.ID, o.ID}]++
			}
		}
	}
	for _, q := range qs {
		if tested[q.ID] != innerSplits {
			t.Errorf("%s ranked unseen %d times, want %d", q.ID, tested[q.ID], innerSplits)
		}
	}
	always := 0
	for pair, n := range together {
		if pair[0] != pair[1] && n == innerSplits {
			always++
		}
	}
	if always == len(together)-len(qs) {
		t.Error("the splits put the same questions together each time")
	}
}
