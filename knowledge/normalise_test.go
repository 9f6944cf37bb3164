package knowledge

import (
	"slices"
	"strings"
	"testing"

	"eventbot/knowledge/evalset"
)

func TestNormalise(t *testing.T) {
	b := bundledBase(t)
	tests := []struct {
		in, question, context string
	}{
		{"hey bot, when did the crocos attack happen??", "when did the crocos attack happen?", ""},
		{"how many ppl died in krasnogrosk?? latest number pls", "how many people died in krasnogrosk?", "latest number"},
		{"WHO IS MEDVEDEV THREATENING NOW", "who is medvedev threatening now", ""},
		{"is it true the roof fell in 😱", "is it true the roof fell in", ""},
		{"My cousin says Ukraine did it. What did Putin say?", "What did Putin say?", "My cousin says Ukraine did it"},
		{"thx bot. also wen did the us warn russia", "also when did the us warn russia", ""},
		{"Where is Crocus City Hall?", "Where is Crocus City Hall?", ""},
		{"где поймали террористов??", "где поймали террористов?", ""},
		{"lol", "", ""},
		// What says the reports differ, in words no article states, is
		// no part of what is asked, unless it is all that is asked.
		{"how many gunmen were there actually, the articles dont agree", "how many gunmen were there actually the do not", ""},
		{"Did the death toll differ from one report to another?", "Did the death toll from one report to another?", ""},
		{"Why were there conflicting reports of the toll?", "Why were there conflicting reports of the toll?", ""},
		{"The articles dont agree", "The articles do not agree", ""},
	}
	for _, tt := range tests {
		m := b.normalise(tt.in)
		if m.question != tt.question || m.context != tt.context {
			t.Errorf("normalise(%q) = %q, context %q; want %q, context %q", tt.in, m.question, m.context, tt.question, tt.context)
		}
	}
}

// TestNormaliseAnswers checks that chat spelling does not turn a question
// the engine answers into "not found".
func TestNormaliseAnswers(t *testing.T) {
	b := bundledBase(t)
	for _, tt := range []struct{ chat, want string }{
		{"hey bot, when did the crocus attack happen??", "March 22"},
		{"wen did the attack happen", "March 22"},
	} {
		a, err := b.Answer(t.Context(), tt.chat)
		if err != nil {
			t.Fatal(err)
		}
		if !a.Found || !evalset.Contains(a.Text, tt.want) {
			t.Errorf("Answer(%q) = %v %q; want it to hold %q", tt.chat, a.Found, a.Text, tt.want)
		}
	}
}

// TestRefersBack checks that a question that points back at the message's
// other sentences with a pronoun takes their concepts as its own, and one
// that does not keeps them apart.
func TestRefersBack(t *testing.T) {
	b := bundledBase(t)
	for _, tt := range []struct {
		in     string
		refers bool
	}{
		{"They say the fire was massive. What was used to fight it?", true},
		{"I only watch CNN. What did they report about the ISIS claim?", true},
		{"My mum lives near Moscow. What security steps did Russia take afterwards?", false},
		{"What was used to fight it?", false}, // nothing to point back at
	} {
		m := b.normalise(tt.in)
		if m.refers != tt.refers {
			t.Errorf("normalise(%q).refers = %v, want %v", tt.in, m.refers, tt.refers)
		}
		q := b.analyse(t.Context(), m)
		fire := false
		for _, c := range q.concepts {
			fire = fire || slices.ContainsFunc(c.alts, func(alt []string) bool { return slices.Equal(alt, []string{"fire"}) })
		}
		if want := tt.refers && strings.Contains(tt.in, "fire"); fire != want {
			t.Errorf("analyse(%q): a concept of fire %v, want %v", tt.in, fire, want)
		}
	}
}
