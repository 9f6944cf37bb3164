package knowledge

import (
	"math"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestCompanion checks that, within the margin, the answer gives the
// companion sentence beside the best one, shortened to the room left,
// cites its passage and repeats no sentence; that outside it the answer
// is the best sentence's alone; and that the best sentence and the lead
// are the same either way.
func TestCompanion(t *testing.T) {
	b := bundledBase(t)
	for _, question := range []string{
		"when did isis post the video of the attack",
		"hey, how did the building catch fire??",
		"where did they catch the shooters? thx",
		"wat guns did they use, ak47??",
		"is it true the roof fell in 😱",
		// The best sentence ends in a colon, opening a quote.
		"How many gunmen were reported to have taken part in the attack?",
	} {
		q, cands, err := b.rank(t.Context(), question)
		if err != nil || len(cands) < 2 {
			t.Fatalf("rank(%q): %d candidates, %v", question, len(cands), err)
		}
		alone := b.compose(q, cands, Answer{}, margins{math.Inf(-1), math.Inf(-1)})
		paired := b.compose(q, cands, Answer{}, margins{math.Inf(1), math.Inf(1)})
		c, _, ok := b.companion(q, cands, alone.Text, alone.Lead)
		if !ok {
			t.Errorf("%q: no companion", question)
			continue
		}
		p := &b.passages[c.passage]
		s := p.sentence(c.sentence)
		if strings.Contains(alone.Text, s[:min(len(s), 40)]) {
			t.Errorf("%q: the answer without companions holds it: %q", question, alone.Text)
		}
		if !strings.HasPrefix(paired.Text, alone.Text) || !strings.HasPrefix(paired.Lead, alone.Lead) {
			t.Errorf("%q: with a companion the answer %q (lead %q) does not open with the best's %q (lead %q)", question, paired.Text, paired.Lead, alone.Text, alone.Lead)
		}
		added := strings.Trim(paired.Text[len(alone.Text):], " …")
		if _, after, ok := strings.Cut(added, "): "); ok && strings.HasPrefix(paired.Text[len(alone.Text):], alsoReported) {
			added = strings.Trim(after, " …")
		}
		if added == "" || !strings.Contains(s, added) {
			t.Errorf("%q: the companion's part %q is not from its sentence %q", question, added, s)
		}
		if strings.Contains(paired.Text, ":.") || strings.Contains(paired.Text, ";.") {
			t.Errorf("%q: a full stop after a colon: %q", question, paired.Text)
		}
		if n := utf8.RuneCountInString(paired.Text); n > MaxAnswerLen {
			t.Errorf("%q: answer of %d runes", question, n)
		}
		cited := false
		for _, cite := range paired.Citations {
			cited = cited || strings.Contains(cite.Passage, added)
			if cite.Mark != "" && !strings.Contains(cite.Passage, cite.Mark) {
				t.Errorf("%q: citation marks %q, which its passage lacks", question, cite.Mark)
			}
		}
		if !cited {
			t.Errorf("%q: no citation holds the companion's part %q", question, added)
		}
		if strings.Contains(alone.Text, added) {
			t.Errorf("%q: the answer repeats %q", question, added)
		}
	}
}

func TestSameAnswer(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		same bool
	}{
		{"Amaq", "Aamaq", true},
		{"ISIS-affiliated Amaq", "Aamaq", true},
		{"March 22", "March 23", false},
		{"Islamic State", "ISIS Islamic State", true},
		{"Krasnogorsk", "Krasogorsk", true},
		{"March 22", "Saturday", false},
		{"Moscow", "Bryansk", false},
		{"40", "70", false},
		{"Khorasan", "Caucasus Province", false},
	} {
		if got := sameAnswer(tt.a, tt.b); got != tt.same {
			t.Errorf("sameAnswer(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.same)
		}
	}
}

// TestTraceCompanion checks what Trace reports for fitting the margins:
// the answer without and with the companion, and how far below the best
// the companion scores.
func TestTraceCompanion(t *testing.T) {
	b := bundledBase(t)
	tr, err := b.Trace(t.Context(), "what did the clips passed around online show")
	if err != nil {
		t.Fatal(err)
	}
	if math.IsInf(tr.Gap, 0) || tr.Gap < 0 {
		t.Errorf("Gap = %v, want a companion at or below the best", tr.Gap)
	}
	if !strings.HasPrefix(tr.Paired.Text, tr.Alone.Text) || len(tr.Paired.Text) <= len(tr.Alone.Text) {
		t.Errorf("Paired %q does not extend Alone %q", tr.Paired.Text, tr.Alone.Text)
	}
	none, err := b.Trace(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsInf(none.Gap, 1) {
		t.Errorf("with no candidates Gap = %v, want +Inf", none.Gap)
	}
}
