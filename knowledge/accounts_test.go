package knowledge

import (
	"strings"
	"testing"
)

// TestAccounts checks that a question asking whom several parties blame
// gets each party's account, with the statement that says so cited.
func TestAccounts(t *testing.T) {
	b := bundledBase(t)
	a, err := b.Answer(t.Context(), "who does russia blame, and who does the us blame?")
	if err != nil {
		t.Fatal(err)
	}
	if !a.Found || len(a.Citations) != 2 {
		t.Fatalf("found %v with %d citations, want an answer citing 2 passages: %q", a.Found, len(a.Citations), a.Text)
	}
	for _, want := range []string{"Russian authorities: Ukraine", "US officials: Islamic State"} {
		if !strings.Contains(a.Lead, want) || !strings.Contains(a.Text, want) {
			t.Errorf("lead %q, text %q: want %q in both", a.Lead, a.Text, want)
		}
	}
	if len([]rune(a.Text)) > MaxAnswerLen {
		t.Errorf("text is %d runes, want at most %d", len([]rune(a.Text)), MaxAnswerLen)
	}
	for _, c := range a.Citations {
		if !strings.Contains(c.Passage, c.Mark) || c.Mark == "" {
			t.Errorf("citation of %s marks %q, not in its passage", c.Doc, c.Mark)
		}
	}
}

// TestNamedAccounts checks which questions are answered from the parties'
// accounts: a who-question saying a word of blame that names two parties,
// not one asking for a source, a reason, or one party alone.
func TestNamedAccounts(t *testing.T) {
	b := bundledBase(t)
	for _, tt := range []struct {
		question string
		parties  int
	}{
		{"Who do Ukraine and Putin each say was responsible?", 2},
		{"who does Washington think is behind it, and who does Moscow blame", 2},
		{"Which American broadcaster reported that ISIS was behind the attack?", 0},
		{"Who claimed responsibility on behalf of ISIS, according to the US?", 0},
		{"Why did Russia blame Ukraine?", 0},
		{"Who does Russia blame?", 1},
		{"Кто, по словам России и США, стоит за терактом?", 2},
		{"Хто з Росії та США першим повідомив про теракт?", 0},
	} {
		q := b.analyse(t.Context(), b.normalise(tt.question))
		if got := len(b.namedAccounts(q)); got != tt.parties {
			t.Errorf("%q names %d parties with an account, want %d", tt.question, got, tt.parties)
		}
	}
}
