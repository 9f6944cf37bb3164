package knowledge

import (
	"context"
	"encoding/csv"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"

	"eventbot/corpus"
	"eventbot/knowledge/evalset"
)

// TestTechniques checks each technique on a question that needs it: the
// answer is right with every technique, and wrong without that one.
func TestTechniques(t *testing.T) {
	tests := []struct {
		tech     Techniques
		question string
		want     []string // all must be in the answer; none: must abstain
		// leads: want[0] must open the answer's Lead, not merely be in
		// its text (another article's report may name it too)
		leads bool
	}{
		{Synonyms, "Who took credit for the massacre?", []string{"Islamic State"}, false},
		{Fuzzy, "What did Medvedv threaten?", []string{"destroyed mercilessly"}, false},
		{Fuzzy, "How far is Briansk from Moscow?", []string{"340 km"}, false},
		{AnswerTypes, "Why might the ISIS claim be fake?", []string{"template"}, false},
		{AnswerTypes, "In which town is the Crocus concert venue?", []string{"Krasnogorsk"}, true},
		{AnswerTypes, "On which day of the week did the attack happen?", []string{"March 22"}, false},
		{Conflicts, "How many people were killed?", []string{"139", "40"}, false},
		// The latest article counts the dead without naming the venue.
		{Conflicts, "What is the death toll of the Crocus City Hall attack?", []string{"139", "70", "40"}, false},
		{Translation, "Кто взял на себя ответственность за теракт?", []string{"Islamic State"}, false},
		{Translation, "Скільки людей загинуло?", []string{"139", "40"}, false},
	}
	all := bundledBase(t)
	for _, tt := range tests {
		without := bundledBaseWith(t, Options{Disable: tt.tech})
		for _, c := range []struct {
			b    *Base
			want bool
		}{{all, true}, {without, false}} {
			a, err := c.b.Answer(context.Background(), tt.question)
			if err != nil {
				t.Fatal(err)
			}
			got := a.Found
			for _, w := range tt.want {
				got = got && strings.Contains(a.Text, w)
			}
			if tt.leads {
				got = got && strings.HasPrefix(a.Lead, tt.want[0])
			}
			if got != c.want {
				t.Errorf("technique %b on=%v: Answer(%q) = %q (lead %q); want it to contain %q: %v", tt.tech, c.want, tt.question, a.Text, a.Lead, tt.want, c.want)
			}
		}
	}
}

// TestLanguage checks that a question's language is reported for the
// front end to reply in.
func TestLanguage(t *testing.T) {
	b := bundledBase(t)
	for _, tt := range []struct{ q, want string }{
		{"Who claimed responsibility?", "en"},
		{"Кто взял на себя ответственность?", "ru"},
		{"Хто взяв на себе відповідальність?", "uk"},
	} {
		a, err := b.Answer(context.Background(), tt.q)
		if err != nil {
			t.Fatal(err)
		}
		if a.Language != tt.want {
			t.Errorf("Answer(%q).Language = %q, want %q", tt.q, a.Language, tt.want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"krasnogorsk", "krasnogorsk", 0},
		{"krasnogorks", "krasnogorsk", 1}, // transposition
		{"detaned", "detained", 1},
		{"crocus", "krokus", 2},
		{"abc", "xyz", 3},
	} {
		if got := editDistance(tt.a, tt.b, 5); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestAblation prints the score with each technique switched off, for
// knowledge/README.md.
func TestAblation(t *testing.T) {
	sets := []struct {
		name string
		qs   []evalQuestion
	}{
		{"dev", readEval(t, "testdata/dev.jsonl")},
		{"hard", readEval(t, "testdata/hard.jsonl")},
		{"variants", readEval(t, "testdata/variants.jsonl")},
	}
	total := map[string]int{} // right answers and abstentions over every set
	for _, v := range []struct {
		name string
		off  Techniques
	}{
		{"all techniques", 0},
		{"without synonyms", Synonyms},
		{"without fuzzy", Fuzzy},
		{"without answer types", AnswerTypes},
		{"without conflicts", Conflicts},
		{"without translation", Translation},
		{"without event filter", EventFilter},
		{"none (BM25 + best sentence)", Synonyms | Fuzzy | AnswerTypes | Conflicts | Translation | EventFilter},
	} {
		b := bundledBaseWith(t, Options{Disable: v.off})
		for _, set := range sets {
			s := evaluate(t, b, set.qs, nil)
			total[v.name] += s.supported + s.abstained
			t.Logf("%-28s %-8s %v", v.name, set.name, s)
		}
	}
	for name, n := range total {
		if name != "all techniques" && name != "without event filter" && n >= total["all techniques"] {
			t.Errorf("%s: %d right over all sets, all techniques %d; want fewer without it", name, n, total["all techniques"])
		}
	}
}

// distractors reads the AG News items in ../shared/distractors as corpus
// documents, or skips the test when they are not there.
func distractors(t testing.TB) []corpus.Document {
	t.Helper()
	f, err := os.Open("../../shared/distractors/ag_news_test.csv")
	if err != nil {
		t.Skipf("no distractor corpus beside the repository: %v", err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	date, _ := corpus.ParseDate("2004")
	var docs []corpus.Document
	for i, r := range rows[1:] {
		docs = append(docs, corpus.Document{
			ID: fmt.Sprintf("agnews-%d", i), Title: r[1], Date: date, Language: "en",
			Body: strings.ReplaceAll(r[2], `\`, " "),
		})
	}
	return docs
}

// TestDistractors scores the question sets with the event's articles among
// 7,600 unrelated news items: answers must stay right and abstaining
// honest.
func TestDistractors(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes 7,600 news items")
	}
	extra := distractors(t)
	docs, err := corpus.Load(corpus.Bundled())
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(context.Background(), slog.New(slog.DiscardHandler), append(docs, extra...), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var misses strings.Builder
	dev := evaluate(t, b, readEval(t, "testdata/dev.jsonl"), &misses)
	hard := evaluate(t, b, readEval(t, "testdata/hard.jsonl"), nil)
	t.Logf("with %d distractors, dev: %v", len(extra), dev)
	t.Logf("with %d distractors, hard: %v", len(extra), hard)
	t.Logf("dev misses:\n%s", misses.String())
	// The chat set: at most 3 answers lost to the distractors, no
	// refusal.
	if chat, err := evalset.Read("../../shared/eval/chat.jsonl"); err == nil {
		alone := evaluate(t, bundledBase(t), chat, nil)
		among := evaluate(t, b, chat, nil)
		t.Logf("chat alone: %v", alone)
		t.Logf("chat among %d distractors: %v", len(extra), among)
		if among.supported < alone.supported-3 || among.abstained < alone.abstained {
			t.Errorf("chat set among distractors: supported %d, abstained %d; alone %d and %d", among.supported, among.abstained, alone.supported, alone.abstained)
		}
	} else {
		t.Logf("no chat set: %v", err)
	}
	const floorSupported, floorAbstained = 30, 3
	if dev.supported < floorSupported || dev.abstained < floorAbstained {
		t.Errorf("dev set among distractors: supported %d, abstained %d; want at least %d and %d",
			dev.supported, dev.abstained, floorSupported, floorAbstained)
	}
	const floorHardSupported, floorHardAbstained = 50, 7
	if hard.supported < floorHardSupported || hard.abstained < floorHardAbstained {
		t.Errorf("hard set among distractors: supported %d, abstained %d; want at least %d and %d",
			hard.supported, hard.abstained, floorHardSupported, floorHardAbstained)
	}
}
