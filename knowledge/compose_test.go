package knowledge

import (
	"strings"
	"testing"
)

// TestLead checks that the answer leads with the answer itself, and that
// the first citation marks where its passage says it.
func TestLead(t *testing.T) {
	b := bundledBase(t)
	for _, tt := range []struct {
		question string
		lead     []string // all in Lead
	}{
		{"When did the attack happen?", []string{"March 22"}},
		{"Where were the suspects detained?", []string{"Bryansk"}},
		{"Who claimed responsibility for the attack?", []string{"Islamic State"}},
		{"How many people were killed?", []string{"139", "40"}},
		// Two articles name different branches: both, each cited; the
		// name next to the noun asked for ("branch") leads.
		{"Which branch of ISIS is suspected?", []string{"ISIS", "Khorasan"}},
	} {
		a, err := b.Answer(t.Context(), tt.question)
		if err != nil {
			t.Fatal(err)
		}
		if !a.Found {
			t.Errorf("Answer(%q) not found", tt.question)
			continue
		}
		for _, w := range tt.lead {
			if !strings.Contains(a.Lead, w) {
				t.Errorf("Answer(%q).Lead = %q, want it to hold %q", tt.question, a.Lead, w)
			}
		}
		for i, c := range a.Citations {
			if c.Mark != "" && !strings.Contains(c.Passage, c.Mark) {
				t.Errorf("Answer(%q) citation %d marks %q, which its passage lacks", tt.question, i, c.Mark)
			}
		}
		if a.Citations[0].Mark == "" {
			t.Errorf("Answer(%q): the first citation marks nothing", tt.question)
		}
	}
}
