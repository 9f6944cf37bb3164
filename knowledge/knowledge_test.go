package knowledge

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"eventbot/corpus"
	"eventbot/knowledge/evalset"
)

func TestSplitSentences(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"One. Two! Three?", []string{"One.", "Two!", "Three?"}},
		{"U.S. officials said so. Then more.", []string{"U.S. officials said so.", "Then more."}},
		{"The fire covered 3.5 hectares. Done.", []string{"The fire covered 3.5 hectares.", "Done."}},
		{`He said "it is over." Then left.`, []string{`He said "it is over."`, "Then left."}},
		{"Mr. Smith arrived. Dr. Jones too.", []string{"Mr. Smith arrived.", "Dr. Jones too."}},
		{"John F. Kennedy spoke. Later.", []string{"John F. Kennedy spoke.", "Later."}},
		{"no final stop", []string{"no final stop"}},
		{"ends in lower. case stays", []string{"ends in lower. case stays"}},
		{"Update(1950ET): Something. 40 people died.", []string{"Update(1950ET): Something.", "40 people died."}},
	}
	for _, tt := range tests {
		var got []string
		for _, s := range splitSentences(tt.in) {
			got = append(got, tt.in[s.start:s.end])
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("splitSentences(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSplitPassages(t *testing.T) {
	long := strings.Repeat("This sentence is filler text for a long paragraph. ", 30)
	doc := corpus.Document{ID: "d", Body: "A heading\n\nA short caption without a stop\n\n" +
		"The first real paragraph is long enough to stand on its own as a passage of the article, more than a hundred and twenty characters.\n\n* * *\n\n" + long}
	ps := splitPassages(0, doc)
	if len(ps) < 3 {
		t.Fatalf("got %d passages, want the heading joined to the first paragraph and the long one split", len(ps))
	}
	if got := ps[0].sentence(0); got != "A heading" {
		t.Errorf("first sentence = %q, want the heading alone: a paragraph break ends a sentence", got)
	}
	if got := ps[0].sentence(1); got != "A short caption without a stop" {
		t.Errorf("second sentence = %q, want the caption alone", got)
	}
	for i, p := range ps {
		if strings.Contains(p.text, "* * *") {
			t.Errorf("passage %d keeps a separator line", i)
		}
		if n := utf8.RuneCountInString(p.text); n > maxPassageLen+100 {
			t.Errorf("passage %d has %d runes, want at most about %d", i, n, maxPassageLen)
		}
		for j := range p.sentences {
			if s := p.sentence(j); s != strings.TrimSpace(s) || s == "" {
				t.Errorf("passage %d sentence %d = %q, want trimmed and non-empty", i, j, s)
			}
		}
	}
}

func TestTruncateRunes(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"one two three four", 12, "one two…"},
		{"Кто взял ответственность", 10, "Кто взял…"},
	}
	for _, tt := range tests {
		if got := truncateRunes(tt.in, tt.n); got != tt.want {
			t.Errorf("truncateRunes(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
		if got := truncateRunes(tt.in, tt.n); utf8.RuneCountInString(got) > tt.n {
			t.Errorf("truncateRunes(%q, %d) has %d runes", tt.in, tt.n, utf8.RuneCountInString(got))
		}
	}
}

func TestAnswer(t *testing.T) {
	b := bundledBase(t)
	tests := []struct {
		question string
		found    bool
		want     string // in the answer, when found
	}{
		{"Who claimed responsibility for the attack?", true, "Islamic State"},
		{"Which news agency published the claim?", true, "Amaq"},
		{"What is the capital of France?", false, ""},
		// An English word the articles never use, and no word near it in
		// meaning: a concept they never state.
		{"Who inspected the sprinklers at Crocus City Hall?", false, ""},
		// A number the articles lack is no misspelling of one they have
		// ("1000" was read as "3000", the fire's square metres).
		{"can you recommend a laptop under $1000?", false, ""},
		{"", false, ""},
		{"   ", false, ""},
		{"the a of", false, ""},
		{`title:* +a -b ~2 ^5 "unbalanced (paren`, false, ""},
		{strings.Repeat("Who claimed responsibility for the attack? ", 300), true, "Islamic State"},
	}
	for _, tt := range tests {
		a, err := b.Answer(context.Background(), tt.question)
		if err != nil {
			t.Errorf("Answer(%.40q): %v", tt.question, err)
			continue
		}
		if a.Found != tt.found {
			t.Errorf("Answer(%.40q).Found = %v (%q), want %v", tt.question, a.Found, a.Text, tt.found)
			continue
		}
		if a.Question != tt.question {
			t.Errorf("Answer(%.40q).Question = %.40q, want the question as asked", tt.question, a.Question)
		}
		if !a.Found {
			if a.Text != "" || len(a.Citations) != 0 {
				t.Errorf("Answer(%.40q) not found but has text %q and %d citations", tt.question, a.Text, len(a.Citations))
			}
			continue
		}
		if !strings.Contains(a.Text, tt.want) {
			t.Errorf("Answer(%.40q).Text = %q, want it to contain %q", tt.question, a.Text, tt.want)
		}
		if n := utf8.RuneCountInString(a.Text); n > MaxAnswerLen {
			t.Errorf("Answer(%.40q).Text has %d runes, want at most %d", tt.question, n, MaxAnswerLen)
		}
		if len(a.Citations) == 0 {
			t.Fatalf("Answer(%.40q) found but cites nothing", tt.question)
		}
		c := a.Citations[0]
		if c.Doc == "" || c.Title == "" || c.Date == "" {
			t.Errorf("Answer(%.40q) citation lacks metadata: %+v", tt.question, c)
		}
		// Each part of the text is in a cited passage: the answer opens
		// the first; a companion sentence, or another article's report,
		// is in another.
		first, other, _ := strings.Cut(a.Text, alsoReported)
		if opening := first[:min(len(first), 30)]; !strings.Contains(c.Passage, opening) {
			t.Errorf("Answer(%.40q).Text %q does not open with the cited passage %q", tt.question, first, c.Passage)
		}
		for _, part := range textParts(first) {
			if !slices.ContainsFunc(a.Citations, func(c Citation) bool { return strings.Contains(c.Passage, part) }) {
				t.Errorf("Answer(%.40q): %q is in no cited passage", tt.question, part)
			}
		}
		if _, excerpt, ok := strings.Cut(other, "): "); ok {
			excerpt = strings.TrimSuffix(strings.TrimPrefix(excerpt, "…"), "…")
			if !slices.ContainsFunc(a.Citations[1:], func(c Citation) bool { return strings.Contains(c.Passage, excerpt) }) {
				t.Errorf("Answer(%.40q): the other report %q is in no other cited passage", tt.question, excerpt)
			}
		}
	}
}

func TestSources(t *testing.T) {
	b := bundledBase(t)
	src := b.Sources()
	if len(src) != 5 {
		t.Fatalf("got %d sources, want 5", len(src))
	}
	for i := 1; i < len(src); i++ {
		if src[i-1].Date > src[i].Date {
			t.Errorf("sources not oldest first: %s before %s", src[i-1].Date, src[i].Date)
		}
	}
}

// BenchmarkAnswer answers the dev set's questions in turn and reports the
// latency percentiles of single answers.
func BenchmarkAnswer(b *testing.B) {
	kb := bundledBase(b)
	qs := readEval(b, "testdata/dev.jsonl")
	// The chat set, where present, has the casual and long messages.
	if chat, err := evalset.Read("../../shared/eval/chat.jsonl"); err == nil {
		qs = append(qs, chat...)
	}
	ctx := context.Background()
	var took []time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		if _, err := kb.Answer(ctx, qs[i%len(qs)].Question); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds()), "p99-µs")
}

// BenchmarkFirstAnswer measures start-up: building the base from the
// bundled corpus (with the word vectors and WordNet) and answering once.
func BenchmarkFirstAnswer(b *testing.B) {
	docs, err := corpus.Load(corpus.Bundled())
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	logger := slog.New(slog.DiscardHandler)
	for b.Loop() {
		kb, err := New(ctx, logger, docs, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := kb.Answer(ctx, "how many ppl died??"); err != nil {
			b.Fatal(err)
		}
		kb.Close()
	}
}

func BenchmarkBuild(b *testing.B) {
	docs, err := corpus.Load(corpus.Bundled())
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	logger := slog.New(slog.DiscardHandler)
	b.ReportAllocs()
	for b.Loop() {
		kb, err := New(ctx, logger, docs, Options{})
		if err != nil {
			b.Fatal(err)
		}
		kb.Close()
	}
}

// textParts splits an answer's text into its sentences, without the
// ellipses that mark where one was shortened.
func textParts(text string) []string {
	var out []string
	for _, sp := range splitSentences(text) {
		if part := strings.Trim(text[sp.start:sp.end], " …"); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// TestGreeting checks that a message of greetings, thanks or filler alone
// is told from a question the articles do not answer, in its language.
func TestGreeting(t *testing.T) {
	b := bundledBase(t)
	for _, tt := range []struct {
		text     string
		greeting bool
		language string
	}{
		{"hi!", true, "en"},
		{"thx lol", true, "en"},
		{"привет", true, "ru"},
		{"?", false, "en"},
		{"hi, who claimed responsibility?", false, "en"},
		{"What is the capital of Australia?", false, "en"},
	} {
		a, err := b.Answer(context.Background(), tt.text)
		if err != nil {
			t.Fatal(err)
		}
		if a.Greeting != tt.greeting || a.Greeting && (a.Found || a.Language != tt.language) {
			t.Errorf("Answer(%q): greeting %v, found %v, language %q; want greeting %v in %q", tt.text, a.Greeting, a.Found, a.Language, tt.greeting, tt.language)
		}
	}
}
