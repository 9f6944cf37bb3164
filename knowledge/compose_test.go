package knowledge

import (
	"regexp"
	"slices"
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
		// The name next to the noun asked for ("branch") leads. (Another
		// article names another branch; whether it is reported beside
		// depends on how close the ranker scores it: see TestReports
		// for a question that says the reports differ.)
		{"Which branch of ISIS is suspected?", []string{"ISIS-K"}},
	} {
		a, err := b.Answer(t.Context(), tt.question)
		if err != nil {
			t.Fatal(err)
		}
		if !a.Found {
			t.Errorf("Answer(%q) not found", tt.question)
			continue
		}
		holdsAll(t, tt.question, "Lead", a.Lead, tt.lead)
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

// TestReports checks that changing and conflicting reports give each side
// — another answer, not the same one again or a count of another thing —
// with its date, each side's passage cited.
func TestReports(t *testing.T) {
	b := bundledBase(t)
	for _, tt := range []struct {
		question string
		want     []string // all in the answer's text
		not      []string // none in it
		lead     []string // all in its lead
	}{
		{"How did the attackers start the fire? I've read different versions", []string{"grenade", "gasoline"}, nil, nil},
		{"how many attackers were caught — did that number change?", []string{"four", "at least one", "25 March"}, nil, nil},
		// Counts of the same thing only: not the injured, not a video.
		{"How many gunmen were there?", []string{"four", "at least three"}, []string{"100", "One video"}, nil},
		// Two names of the branch, not one in two spellings, nor the
		// group's name that one side states already ("Islamic State –
		// Caucasus Province" then "a branch of the Islamic State").
		{"Which branch of ISIS claimed it? I've seen two different names", []string{"Caucasus Province", "ISIS-K"}, nil, []string{"Caucasus Province", "ISIS-K"}},
		// Each side another answer, whatever the sides are.
		{"When did the attack happen? the reports dont match", nil, nil, nil},
		// A side must carry the question as another article's answer
		// would: Putin silent, then his address to the nation, not the
		// AP's count of gunmen.
		{"Did Putin react to the attack? One article says he kept silent", []string{"not reacted", "address"}, []string{"Associated Press", "at least three"}, nil},
	} {
		a, err := b.Answer(t.Context(), tt.question)
		if err != nil {
			t.Fatal(err)
		}
		if !a.Found {
			t.Errorf("Answer(%q) not found", tt.question)
			continue
		}
		holdsAll(t, tt.question, "Text", a.Text, tt.want)
		holdsAll(t, tt.question, "Lead", a.Lead, tt.lead)
		var sides []string
		for _, side := range strings.Split(a.Lead, "; ") {
			answer, _, _ := strings.Cut(side, ",")
			for _, other := range sides {
				if sameAnswer(answer, other) {
					t.Errorf("Answer(%q).Lead = %q gives %q twice", tt.question, a.Lead, answer)
				}
			}
			sides = append(sides, answer)
		}
		for _, w := range tt.not {
			if strings.Contains(a.Text, w) {
				t.Errorf("Answer(%q) = %q, want it without %q", tt.question, a.Text, w)
			}
		}
		for _, part := range textParts(a.Text) {
			for _, side := range reportSource.Split(part, -1) {
				for _, piece := range strings.Split(side, "…") {
					if piece = strings.TrimSpace(piece); piece != "" && !slices.ContainsFunc(a.Citations, func(c Citation) bool { return strings.Contains(c.Passage, piece) }) {
						t.Errorf("Answer(%q): %q is in no cited passage", tt.question, piece)
					}
				}
			}
		}
	}
}

// TestReportsNameInstances checks that each side of a "which X" answer
// names an X that the articles set beside the word, whatever the ranking:
// with the Kremlin's sentence ranked second, the sides are still the two
// branches that claimed the attack.
func TestReportsNameInstances(t *testing.T) {
	b := bundledBase(t)
	question := "Which branch of ISIS claimed it? I've seen two different names"
	q, cands, err := b.rank(t.Context(), question)
	if err != nil {
		t.Fatal(err)
	}
	kremlin := slices.IndexFunc(cands, func(c candidate) bool {
		return strings.HasPrefix(b.passages[c.passage].sentence(c.sentence), "He said that the Kremlin had seen")
	})
	if kremlin < 0 {
		t.Fatalf("rank(%q): no candidate from the Kremlin's sentence", question)
	}
	k := cands[kremlin]
	cands = slices.Insert(slices.Delete(cands, kremlin, kremlin+1), 1, k)
	r, ok := b.reports(q, cands)
	if !ok {
		t.Fatalf("reports(%q) found no two sides", question)
	}
	holdsAll(t, question, "lead", r.lead, []string{"Caucasus Province", "ISIS-K"})
	if strings.Contains(r.lead, "Kremlin") {
		t.Errorf("reports(%q).lead = %q, want no side for the Kremlin", question, r.lead)
	}
}

// reportSource matches the source and date an answer gives a report.
var reportSource = regexp.MustCompile(`\s*\((?:[^()]*, )?\d{1,2} \w+ \d{4}(?:, the latest report)?\)[.;]?|Earlier reports:.*$`)

// holdsAll checks that the field of an answer holds every phrase of want.
func holdsAll(t *testing.T, question, field, got string, want []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("Answer(%q).%s = %q, want it to hold %q", question, field, got, w)
		}
	}
}

// TestLeadPlace checks that a where answer leads with a place, not a
// nationality or a time that a preposition introduces too, nor a part of
// a name ("State of Iraq"), nor a news outlet ("a summary in RT"), nor a
// place the question names in other words ("the Crocus City Hall" for
// "Crocus City Hall").
func TestLeadPlace(t *testing.T) {
	b := bundledBase(t)
	q := b.analyse(t.Context(), b.normalise("In which city is Crocus City Hall?"))
	for _, tt := range []struct{ sentence, want string }{
		{"In the evening of March 22, in the city of Krasogorsk in the suburbs of Moscow, 5 armed men opened fire.", "Krasogorsk"},
		{"At least one of the attackers is said to be in Russian custody, near Bryansk.", "Bryansk"},
		{"The terrorist group Islamic State of Iraq and the Levant (ISIS) has allegedly claimed responsibility for the terrorist attack on the Crocus City Hall in the city of Krasnogorsk in the Moscow region.", "Krasnogorsk"},
		{"The venue continues to burn, according to a summary in RT: the fire spread across Krasnogorsk.", "Krasnogorsk"},
		{"According to CNN, the gunmen fled to Bryansk.", "Bryansk"},
		{"On Friday, the wounded were taken to the Sklifosovsky Research Institute.", "Sklifosovsky Research Institute"},
	} {
		info := b.sentenceInfo(tt.sentence)
		if got := leadPlace(q, tt.sentence, &info, nil); got != tt.want {
			t.Errorf("leadPlace(%q) = %q, want %q", tt.sentence, got, tt.want)
		}
	}
}

// TestPlacesNoTimes checks that a time after a preposition is no place
// a sentence names: "on Friday" is no evidence of a where answer.
func TestPlacesNoTimes(t *testing.T) {
	b := bundledBase(t)
	info := b.sentenceInfo("The Islamic State claimed responsibility on Friday, and again on Saturday.")
	if len(info.places) > 0 || len(info.placeAt) > 0 {
		t.Errorf("places %v at %v, want none", info.places, info.placeAt)
	}
}

// TestLeadNameNoPlace checks that a who answer never leads with a name
// the sentence gives as a place, nor with the event's names when the
// question's pronoun stands for the event.
func TestLeadNameNoPlace(t *testing.T) {
	b := bundledBase(t)
	sentence := "Officials at the Crocus City Hall said the Islamic State was behind it."
	q := b.analyse(t.Context(), b.normalise("Who are the suspects?"))
	info := b.sentenceInfo(sentence)
	if got := leadName(q, sentence, &info, nil); got != "Islamic State" {
		t.Errorf("leadName(who are the suspects) = %q, want Islamic State", got)
	}
	// A place inside a name leaves the name whole.
	sentence = "The terrorist group Islamic State of Iraq and the Levant (ISIS) has allegedly claimed responsibility."
	info = b.sentenceInfo(sentence)
	if got := leadName(q, sentence, &info, nil); got != "Islamic State of Iraq" {
		t.Errorf("leadName(who are the suspects) = %q, want Islamic State of Iraq", got)
	}
	q = b.analyse(t.Context(), b.normalise("what did they do?"))
	q.kind = qWhat
	sentence = "Crocus City Hall was attacked by gunmen who said they were of the Islamic State."
	info = b.sentenceInfo(sentence)
	if got := leadName(q, sentence, &info, nil); got != "Islamic State" {
		t.Errorf("leadName(what did they do) = %q, want Islamic State", got)
	}
}

// TestLeadDateNotMay checks that a when answer does not lead with the
// verb "may", which the date patterns take for the month, nor with a time
// reckoned from another event ("days after the attack"), which dates
// nothing; a time reckoned from the report's day ("days ago") does.
func TestLeadDateNotMay(t *testing.T) {
	for _, tt := range []struct{ sentence, want string }{
		{"Russian media suggest that the ISIS announcement may be fake.", ""},
		{"Officials said it may have begun on Friday night.", "Friday"},
		{"The trial opened on 2 May 2024.", "2 May"},
		{"Days after the terror attack, Putin and the West remain at odds.", ""},
		{"A mere days ago the US Embassy released an alert.", "days ago"},
	} {
		if got := leadDate(question{}, tt.sentence, nil, nil); got != tt.want {
			t.Errorf("leadDate(%q) = %q, want %q", tt.sentence, got, tt.want)
		}
	}
}

// TestCommonSpelling checks that a misspelt name ("Krasogorsk", as one
// article writes it once) gives way to the spelling the articles use most
// when the sentence with it scores within the companion margin, and
// leads when it scores further ahead.
func TestCommonSpelling(t *testing.T) {
	b := bundledBase(t)
	q, cands, err := b.rank(t.Context(), "In which town is the Crocus concert venue?")
	if err != nil {
		t.Fatal(err)
	}
	lead := func(c candidate) string {
		p := &b.passages[c.passage]
		return leadPhrase(q, p.sentence(c.sentence), &p.info[c.sentence], c.number)
	}
	var misspelt, right int = -1, -1
	for i, c := range cands {
		switch l := lead(c); {
		case l == "Krasogorsk" && misspelt < 0:
			misspelt = i
		case l == "Krasnogorsk" && right < 0:
			right = i
		}
	}
	if misspelt < 0 || right < 0 {
		t.Fatalf("candidates lack a sentence leading with Krasogorsk (%d) or Krasnogorsk (%d)", misspelt, right)
	}
	for _, tt := range []struct {
		gap  float64
		want string
	}{
		{b.model.Companion / 2, "Krasnogorsk"},
		{b.model.Companion * 2, "Krasogorsk"},
	} {
		first, second := cands[misspelt], cands[right]
		first.score = second.score + tt.gap
		got := b.commonSpelling(q, []candidate{first, second})
		if l := lead(got[0]); l != tt.want {
			t.Errorf("misspelling ahead by %.1f (margin %.1f): leads with %q, want %q", tt.gap, b.model.Companion, l, tt.want)
		}
	}
}
