package evalset

import "testing"

func TestContains(t *testing.T) {
	for _, tt := range []struct {
		text, phrase string
		want         bool
	}{
		{"At least 139 people were killed", "139", true},
		{"At least 1390 people", "139", false},                   // a whole word
		{"the ISIS-K claim", "ISIS-K", true},                     // marks inside a phrase
		{"Putin’s address", "Putin's", true},                     // quotes folded
		{"the  Crocus\u00a0City Hall", "crocus city hall", true}, // space and case folded
	} {
		if got := Contains(tt.text, tt.phrase); got != tt.want {
			t.Errorf("Contains(%q, %q) = %v, want %v", tt.text, tt.phrase, got, tt.want)
		}
	}
}

func TestGrade(t *testing.T) {
	q := Question{Answerable: true, AnswerAny: []string{"139"}, AnswerEach: [][]string{{"139"}, {"40", "70"}}}
	for _, tt := range []struct {
		found         bool
		text          string
		passages      []string
		right, backed bool
	}{
		{true, "139 killed; earlier 40", []string{"at least 139 people"}, true, true},
		{true, "139 killed", []string{"at least 139 people"}, false, false}, // one side only
		{true, "139 killed; earlier 40", []string{"nothing"}, true, false},  // no passage holds it
		{false, "139 killed; earlier 40", nil, false, false},
	} {
		right, backed := q.Grade(tt.found, tt.text, tt.passages)
		if right != tt.right || backed != tt.backed {
			t.Errorf("Grade(%v, %q) = %v, %v; want %v, %v", tt.found, tt.text, right, backed, tt.right, tt.backed)
		}
	}
	un := Question{Answerable: false}
	if right, _ := un.Grade(false, "", nil); !right {
		t.Error("a refusal of an unanswerable question is not right")
	}
}
