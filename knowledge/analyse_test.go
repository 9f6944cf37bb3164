package knowledge

import (
	"context"
	"slices"
	"strings"
	"testing"

	"eventbot/corpus"
)

func TestQuestionKind(t *testing.T) {
	b := bundledBase(t)
	for _, tt := range []struct {
		q    string
		want qtype
	}{
		{"Who claimed responsibility?", qWho},
		{"Which TV network did the official talk to?", qWho},
		{"Which news agency published the claim?", qWho},
		{"On which day of the week was the attack?", qWhen},
		{"In which town is the venue?", qWhere},
		{"death toll", qHowMany},
		{"How far is Bryansk from Moscow?", qHowMany},
		{"According to Putin, how were the gunmen travelling?", qHow},
		{"What did the US embassy alert advise?", qQuote},
		{"What did Emmanuel Macron say?", qQuote},
		{"What weapons did the attackers use?", qWhat},
		{"What is the distance between Bryansk and Moscow?", qHowMany},
		{"What is the death toll of the attack?", qHowMany},
		{"In which countries is ISIS-K active?", qWhere},
		{"Did Ukraine deny involvement?", qYesNo},
		{"Какое агентство опубликовало заявление?", qWho},
		{"Сколько человек погибло?", qHowMany},
		{"Чи заперечила Україна свою причетність?", qYesNo},
	} {
		if got := b.analyseText(context.Background(), tt.q).kind; got != tt.want {
			t.Errorf("analyse(%q).kind = %d, want %d", tt.q, got, tt.want)
		}
	}
}

// TestConcepts checks what a question is taken to be about.
func TestConcepts(t *testing.T) {
	b := bundledBase(t)
	for _, tt := range []struct {
		q        string
		focus    string
		concepts []string // each concept's first alternative, in order
	}{
		// "take place" frames the question as "happen" does.
		{"When did the attack take place?", "", []string{"attack"}},
		// "used" is indexed as written, not as its stem "us", the US's
		// (lexicon/en.txt, [unstemmed]): it stands for the verb's forms;
		// "kind of" is a frame.
		{"What kind of rifles were used?", "rifl", []string{"weapon", "use"}},
		{"What did the US say?", "", []string{"unit state", "said"}},
		// Adverbs and modals the stop list lacks say nothing.
		{"Why will Putin still blame Ukraine?", "", []string{"ukrain", "putin", "blame"}},
		// "died" stems to "di": still the group of the dead.
		{"How many people died?", "", []string{"kill", "peopl"}},
	} {
		q := b.analyseText(context.Background(), tt.q)
		var got []string
		for _, c := range q.concepts {
			got = append(got, strings.Join(c.alts[0], " "))
		}
		if q.focus != tt.focus || !slices.Equal(got, tt.concepts) {
			t.Errorf("analyse(%q): focus %q, concepts %q; want %q, %q", tt.q, q.focus, got, tt.focus, tt.concepts)
		}
	}
}

// TestDatesAreNotCounts checks that the day of a date is not taken for a
// count: "on March 22, 40 people" counts 40.
func TestDatesAreNotCounts(t *testing.T) {
	b := bundledBase(t)
	info := b.sentenceInfo("On March 22, at least 40 people were killed; on 23 March, 70.")
	var got []string
	for _, n := range info.numbers {
		got = append(got, n.value)
	}
	if want := []string{"40", "70"}; !slices.Equal(got, want) {
		t.Errorf("numbers = %q, want %q", got, want)
	}
}

func TestSlavic(t *testing.T) {
	b := bundledBase(t)
	for _, tt := range []struct{ q, want string }{
		{"Коли стався теракт?", "uk"},          // no letter only Ukrainian has
		{"Де затримали підозрюваних?", "uk"},   // і
		{"Когда произошел теракт?", "ru"},      //
		{"Где задержали подозреваемых?", "ru"}, //
	} {
		if got := b.slavic(tt.q); got != tt.want {
			t.Errorf("slavic(%q) = %q, want %q", tt.q, got, tt.want)
		}
	}
}

func TestSpell(t *testing.T) {
	b := bundledBase(t)
	for _, tt := range []struct {
		word string
		want []string
	}{
		{"clamed", []string{"claim"}},     // the word as written, not its stem "clame" (→ "flame")
		{"threten", []string{"threaten"}}, // no written form is close: the stem is
		{"Krasnagorsk", []string{"krasnogorsk"}},
		{"might", []string{"might"}},  // a frame word, never "night"
		{"take", []string{"take"}},    // short and lower-case: never "fake"
		{"passing", []string{"pass"}}, // a stem under five letters: never "mass"
		{"Sity", []string{"citi"}},    // short but capitalised, as names are
		{"weapons", []string{"weapon"}},
		{"1000", []string{"1000"}}, // another number, never "3000"
	} {
		if got := b.spell(tt.word); !slices.Equal(got, tt.want) {
			t.Errorf("spell(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
}

func TestAnswerText(t *testing.T) {
	body := "Putin said four gunmen were caught on the road to the border. " +
		"They were detained in the Bryansk region. " +
		"Media suggest the claim may be fake. According to them, it used an old template."
	ps := splitPassages(0, corpus.Document{Body: body})
	if len(ps) != 1 || len(ps[0].sentences) != 4 {
		t.Fatalf("splitPassages: got %d passages, want 1 of 4 sentences", len(ps))
	}
	p := &ps[0]
	for _, tt := range []struct {
		kind qtype
		si   int
		want string
	}{
		{qWhere, 1, "Putin said four gunmen were caught on the road to the border. They were detained in the Bryansk region."},
		{qWhere, 0, "Putin said four gunmen were caught on the road to the border."},
		{qWhy, 2, "Media suggest the claim may be fake. According to them, it used an old template."},
		{qWhat, 2, "Media suggest the claim may be fake."},
	} {
		if got := answerText(question{kind: tt.kind}, p, tt.si); got != tt.want {
			t.Errorf("answerText(kind %d, sentence %d) = %q, want %q", tt.kind, tt.si, got, tt.want)
		}
	}
	long := strings.Repeat("word ", 50) + "ends here. They follow with a sentence that is also long " + strings.Repeat("more ", 20) + "end."
	lp := splitPassages(0, corpus.Document{Body: long})[0]
	if got, want := answerText(question{kind: qWhat}, &lp, 1), lp.sentence(1); got != want {
		t.Errorf("answerText over %d runes = %q, want the sentence alone %q", MaxAnswerLen, got, want)
	}
}

// TestUnknownWords checks how Russian and Ukrainian words that the
// lexicon lacks weigh: a lower-case one weighs little (a gap in the
// lexicon), so a question still finds its answer; but a question made of
// such words alone is not answered.
func TestUnknownWords(t *testing.T) {
	b := bundledBase(t)
	for _, tt := range []struct {
		q    string
		want string // "" to abstain
	}{
		{"Коли трапився теракт у Красногорську?", "March 22"},
		{"Хто виграв футбольний матч учора?", ""},
		{"Какая столица Франции?", ""},
	} {
		a, err := b.Answer(context.Background(), tt.q)
		if err != nil {
			t.Fatal(err)
		}
		if tt.want == "" && a.Found {
			t.Errorf("Answer(%q) = %q, want no answer", tt.q, a.Text)
		}
		if tt.want != "" && !strings.Contains(a.Text, tt.want) {
			t.Errorf("Answer(%q) = %q (found %v), want it to contain %q", tt.q, a.Text, a.Found, tt.want)
		}
	}
}

// TestAbstainsWithoutTheKind checks that a sentence sharing the question's
// words but not holding the kind of answer asked for is no answer: with
// answer types it abstains, without them it answers wrongly.
func TestAbstainsWithoutTheKind(t *testing.T) {
	const q = "How many exits does the hall have?" // the articles never say
	for _, tt := range []struct {
		opts      Options
		wantFound bool
	}{
		{Options{}, false},
		{Options{Disable: AnswerTypes}, true},
	} {
		a, err := bundledBaseWith(t, tt.opts).Answer(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		if a.Found != tt.wantFound {
			t.Errorf("with techniques off %b: Answer(%q) found=%v %q; want found=%v", tt.opts.Disable, q, a.Found, a.Text, tt.wantFound)
		}
	}
}

// TestSlavicWords checks the two ways a Russian or Ukrainian word the
// hand-written lexicons lack reaches the articles: by the generated
// dictionary through its stem, and, for a name, by its consonant key.
func TestSlavicWords(t *testing.T) {
	b := bundledBase(t)
	for _, tt := range []struct{ q, want string }{
		{"Кто автор статьи?", "author"},            // dictionary: автор
		{"Что сказала Эдриенн Уотсон?", "watson"},  // key: tsn
		{"Що за інтерв'ю з Міллером?", "miller"},   // stem, then key
		{"Что случилось в аэропортах?", "airport"}, // dictionary, inflected
	} {
		q := b.analyseText(context.Background(), tt.q)
		var got []string
		for _, c := range q.concepts {
			got = append(got, strings.Join(c.alts[0], " "))
		}
		if !slices.Contains(got, tt.want) {
			t.Errorf("analyse(%q): concepts %q; want %q among them", tt.q, got, tt.want)
		}
	}
}

// TestBroader checks that a word that neither the articles, nor WordNet's
// synonyms, nor the word vectors place stands for its WordNet hypernym
// when the articles use that ("heads-up" → "warning"), so that the
// question is answered; a word the vectors place keeps its own way.
func TestBroader(t *testing.T) {
	b := bundledBase(t)
	q := b.analyse(t.Context(), b.normalise("Did Washington give Moscow a heads-up?"))
	var soft [][]string
	for _, c := range q.concepts {
		if c.word == "heads-up" {
			soft = c.soft
		}
	}
	if !slices.ContainsFunc(soft, func(alt []string) bool { return slices.Equal(alt, b.terms("warning")) }) {
		t.Errorf("heads-up stands for %v, want warning among them", soft)
	}
	a, err := b.Answer(t.Context(), "Did Washington give Moscow a heads-up?")
	if err != nil {
		t.Fatal(err)
	}
	if !a.Found || !strings.Contains(a.Text, "warned") {
		t.Errorf("Answer(heads-up) = %v %q, want it found, with the warning", a.Found, a.Text)
	}
	// Its best sentence is a heading, without a full stop: the one given
	// beside it opens a sentence of its own.
	if strings.Contains(a.Text, "Russia In ") {
		t.Errorf("Answer(heads-up) = %q: a heading runs into the next sentence", a.Text)
	}
	if len(b.broader(t.Context(), "heads-up", nil)) == 0 {
		t.Error("broader(heads-up) gives nothing")
	}
}

// TestIrregularForms checks that a word stands for a synonym in the form
// the articles write it, irregular as it may be: "kids" for "children",
// which the stemmer does not make "child".
func TestIrregularForms(t *testing.T) {
	b := bundledBase(t)
	q := b.analyse(t.Context(), b.normalise("were kids hurt??"))
	var soft [][]string
	for _, c := range q.concepts {
		if c.word == "kids" {
			soft = c.soft
		}
	}
	if !slices.ContainsFunc(soft, func(alt []string) bool { return slices.Equal(alt, b.terms("children")) }) {
		t.Errorf("kids stands for %v, want children among them", soft)
	}
}

// TestPronounForEvent checks that a question whose pronoun points at
// nothing the message names asks about the event itself, and is answered;
// one without such a pronoun and without a concept is still not.
func TestPronounForEvent(t *testing.T) {
	b := bundledBase(t)
	for _, tt := range []struct{ question, want string }{
		{"when did it happen?", "March 22"},
		{"who did it", "ISIS"},
	} {
		a, err := b.Answer(t.Context(), tt.question)
		if err != nil {
			t.Fatal(err)
		}
		if !a.Found || !strings.Contains(a.Text, tt.want) {
			t.Errorf("Answer(%q) = %v %q, want it found, with %q", tt.question, a.Found, a.Text, tt.want)
		}
	}
	if a, err := b.Answer(t.Context(), "расскажи анекдот"); err != nil || a.Found {
		t.Errorf("Answer(tell a joke) = %v %q, %v; want it refused", a.Found, a.Text, err)
	}
}

// TestSlavicPronounForEvent checks that a Russian or Ukrainian question
// whose pronoun points at nothing asks about the event, as an English
// one does.
func TestSlavicPronounForEvent(t *testing.T) {
	b := bundledBase(t)
	for _, question := range []string{"когда это произошло?", "коли це сталося?"} {
		a, err := b.Answer(t.Context(), question)
		if err != nil {
			t.Fatal(err)
		}
		if !a.Found || !strings.Contains(a.Text, "March 22") {
			t.Errorf("Answer(%q) = %v %q, want it found, with March 22", question, a.Found, a.Text)
		}
	}
}

// TestAskedTerms checks what analyse reads a question as asking about,
// where its words say, and that it reads nothing where they don't.
func TestAskedTerms(t *testing.T) {
	b := bundledBase(t)
	for _, tt := range []struct {
		q    string
		want string // the words whose terms are asked about
	}{
		{"What nationality were the gunmen?", "nationality"},
		{"wat nationality were they", "nationality"},
		{"What is the seating capacity of the venue?", "seating capacity"},
		{"what are the names of the four suspects", "names"},
		{"How much money were the attackers promised?", "money"},
		{"how many ambulances came", "ambulances"},
		{"How many people died?", ""},                  // too general to tell
		{"Which news agency published the claim?", ""}, // a kind of answer, stated by a name
		{"Which Russian news agency reported it?", ""}, // the same, after a modifier
		{"What did Putin say?", ""},                    // asks for words, not a thing
		{"What were the attackers promised?", ""},      // no "of": not a noun asked for
		{"Who owns Crocus City Hall?", "owns"},
		{"who claimed responsibility", "claimed"},
		{"Who was behind the attack?", ""}, // "to be" says nothing asked about
	} {
		var want []string
		for _, w := range strings.Fields(tt.want) {
			want = append(want, b.terms(w)...)
		}
		if got := b.analyse(context.Background(), b.normalise(tt.q)).asked; !slices.Equal(got, want) {
			t.Errorf("analyse(%q).asked = %q, want %q", tt.q, got, want)
		}
	}
}
