package knowledge

import (
	"slices"
	"testing"
)

// TestCountedConcept checks that a number is read as counting what the
// sentence says it counts, not the nearest of the question's words.
func TestCountedConcept(t *testing.T) {
	b := bundledBase(t)
	for _, tt := range []struct {
		question, sentence, number string
		concept                    string // the question's word counted; "" for none
	}{
		{"How many gunmen were there?", "According to the breaking Associated Press report, at least three gunmen in combat gear stormed the concert hall.", "three", "gunmen"},
		{"How many gunmen were there?", "According to the latest information from Russian media, 40 people were killed and at least 100 injured in the terrorist attack.", "100", ""},
		{"How many gunmen were there?", "One video showed a gunman firing for a full minute at a group of people trapped at one of the entrances.", "One", ""},
		{"How many people were killed?", "At least 139 people were killed and 180 others wounded in the Friday shooting.", "139", "killed"},
		{"How many people were killed?", "At least 139 people were killed and 180 others wounded in the Friday shooting.", "180", ""},
		{"How many people were injured?", "At least 139 people were killed and 180 others wounded in the Friday shooting.", "180", "injured"},
		{"How many people were killed?", "A group of gunmen stormed the Crocus City Hall on Friday night, killing at least 40 people, according to the authorities.", "40", "killed"},
		{"How many people were killed?", "The attack killed at least 40 people and injured about 100 others.", "40", "killed"},
		{"How many people were killed?", "The attack killed at least 40 people and injured about 100 others.", "100", ""},
		{"How many attackers were caught?", "At least one of the attackers is said to be in Russian custody.", "one", "attackers"},
	} {
		q := b.analyse(t.Context(), b.normalise(tt.question))
		info := b.sentenceInfo(tt.sentence)
		var n *numberAt
		for i := range info.numbers {
			if info.numbers[i].value == tt.number {
				n = &info.numbers[i]
			}
		}
		if n == nil {
			t.Fatalf("%q: no number %q", tt.sentence, tt.number)
		}
		got := b.countedConcept(q, tt.sentence, n)
		want := -1
		for ci, c := range q.concepts {
			for _, alt := range c.alts {
				if tt.concept != "" && slices.Equal(alt, b.terms(tt.concept)) {
					want = ci
				}
			}
		}
		if tt.concept != "" && want < 0 {
			t.Fatalf("%q: no concept %q", tt.question, tt.concept)
		}
		if got != want {
			t.Errorf("%q in %q counts concept %d, want %d (%q)", tt.number, tt.sentence, got, want, tt.concept)
		}
	}
}
