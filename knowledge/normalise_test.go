package knowledge

import (
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
