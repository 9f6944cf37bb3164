package knowledge

import (
	"context"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"eventbot/knowledge/slavic"
)

// qtype is the kind of a question, which says what kind of answer fits.
type qtype int

const (
	qWhat    qtype = iota // what, which, or a bare keyword phrase: no particular kind
	qWho                  // a person, group or organisation
	qWhen                 // a date or time
	qWhere                // a place
	qHowMany              // a number, often with a unit
	qWhy                  // a reason
	qHow                  // a manner or means
	qYesNo                // a statement to confirm or deny
	qQuote                // what someone said, advised or warned: their words
)

// A concept is one thing a question asks about, with the ways the
// articles may say it: term sequences as the index analyses them.
type concept struct {
	alts   [][]string // alternatives; any one carries the concept
	weight float64
	// typed is set when the concept names the kind of the answer ("which
	// day", "what network"): a sentence naming an instance carries it.
	typed bool
	// origin tells a word the articles and the lexicon lack (a name, a
	// lower-case word) from a known one.
	origin tokenKind
	// unseen is set when the articles state none of its alternatives.
	unseen bool
	// event is set for the event itself, which a question's pronoun
	// stands for when the message names nothing ("who did it?").
	event bool
	// word is the question's word, lower case, for a concept of one word.
	word string
	// soft are the term sequences of words WordNet gives for word: a
	// sentence carrying one carries the concept less surely.
	soft [][]string
	// near are the terms of the article word nearest in meaning to a word
	// the articles lack, nearSim its similarity.
	near    []string
	nearSim float64
}

// unknownWordShare is the weight of a lower-case word that neither the
// articles nor the lexicons know (English, Russian or Ukrainian), as a
// share of an unseen term's; it never weighs more than half the question's
// average known concept. Whether such a word is a concept the articles
// never state is for the fitted refusal to weigh (its distance in meaning
// from the articles' words), not for its weight.
const unknownWordShare = 0.15

// question is the analysis of a question.
type question struct {
	text     string
	language string
	kind     qtype
	focus    string // the noun of "what X", "which X": the answer names one
	// asked are the terms of what the question asks about, where its
	// words say ("what nationality", "the capacity of", "how much
	// money", "who owns"): an answer states it.
	asked    []string
	counting bool // asks for a count ("how many", "death toll"), not a measure
	concepts []concept
	// context are the concepts of the message's other sentences.
	context []concept
	// meaning is where its concepts sit in the word vectors
	// (questionCentroid).
	meaning []float32
	// conflicting is set when the message says reports differ.
	conflicting bool
	// read are a Russian or Ukrainian question's words as the hand-written
	// lexicons give them in English ("стоит": behind).
	read []string
}

var (
	cyrillic  = regexp.MustCompile(`\p{Cyrillic}`)
	ukrainian = regexp.MustCompile(`[іїєґІЇЄҐ]`)
	acronym   = regexp.MustCompile(`^\p{Lu}[\p{Lu}.\-]+$`)
)

// words splits text into words: letters, digits and the marks inside
// words (ISIS-K, U.S., 3,000, Putin's).
func words(text string) []string {
	var out []string
	start := -1
	for i, r := range text {
		inner := start >= 0 && strings.ContainsRune("-.,'’", r)
		if unicode.IsLetter(r) || unicode.IsDigit(r) || inner {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = append(out, strings.TrimRight(text[start:i], "-.,'’"))
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, strings.TrimRight(text[start:], "-.,'’"))
	}
	return out
}

// analyse works out what question asks and how the articles may say it.
func (b *Base) analyse(ctx context.Context, m message) question {
	q := b.analyseText(ctx, m.question)
	q.conflicting = m.conflicting
	if m.context != "" {
		// The other sentences of a message say what it is about, not
		// what it asks: their known concepts are kept apart.
		seen := map[string]bool{}
		for _, c := range q.concepts {
			seen[strings.Join(c.alts[0], " ")] = true
		}
		for _, c := range b.analyseText(ctx, m.context).concepts {
			if !c.unseen && c.origin == plainToken && !seen[strings.Join(c.alts[0], " ")] {
				q.context = append(q.context, c)
			}
		}
		if m.refers {
			// A pronoun of the question stands for what the context
			// names: its concepts are the question's, less surely.
			for _, c := range q.context {
				c.weight *= contextShare
				q.concepts = append(q.concepts, c)
			}
		}
	}
	if len(q.concepts) == 0 && (b.lexicon.chat.refersBack(m.question) || q.language == "en" && b.asks(m.question)) {
		// A question that names nothing asks about the event: its
		// pronoun, if it has one, points at it ("who did it?", "when
		// did it happen?", "what happened?"). It asks by the names that
		// mark the event's articles. (An English question of words the
		// articles lack has those words as concepts; a Russian or
		// Ukrainian one may have lost them, so it needs the pronoun.)
		var alts [][]string
		for _, name := range b.lexicon.event {
			if ts := b.terms(name); len(ts) > 0 {
				alts = append(alts, ts)
			}
		}
		if c := b.newConcept(alts); !c.unseen {
			c.event = true
			q.concepts = append(q.concepts, c)
		}
	}
	q.meaning = b.questionCentroid(q, map[string][]float32{})
	return q
}

// asks reports whether English text is a question: it opens with a
// question word or an auxiliary ("what", "did"), or ends in a question
// mark.
func (b *Base) asks(text string) bool {
	ws := words(strings.ToLower(text))
	if len(ws) == 0 {
		return false
	}
	_, opens := b.vocabulary.opens[ws[0]]
	return opens || b.vocabulary.auxiliary[ws[0]] || strings.HasSuffix(strings.TrimSpace(text), "?")
}

func (b *Base) analyseText(ctx context.Context, text string) question {
	q := question{text: text, language: "en"}
	if cyrillic.MatchString(text) && b.enabled(Translation) {
		q.language = b.slavic(text)
		b.analyseForeign(ctx, &q)
	} else {
		if cyrillic.MatchString(text) {
			q.language = "ru"
		}
		b.analyseEnglish(ctx, &q)
	}
	return q
}

// slavic tells a Ukrainian question from a Russian one: by the letters
// only Ukrainian has, or else by the question and stop words only one of
// the two lexicons lists ("коли", "де" against "когда", "где").
func (b *Base) slavic(text string) string {
	if ukrainian.MatchString(text) {
		return "uk"
	}
	ru, uk := b.lexicon.foreign["ru"], b.lexicon.foreign["uk"]
	score := 0
	for _, w := range words(strings.ToLower(text)) {
		inRU := ru.stop[w] || ru.question[w] != ""
		inUK := uk.stop[w] || uk.question[w] != ""
		switch {
		case inUK && !inRU:
			score++
		case inRU && !inUK:
			score--
		}
	}
	if score > 0 {
		return "uk"
	}
	return "ru"
}

// A token is one term of a question, with what is known of it.
type token struct {
	term string
	kind tokenKind
	word string // the word it comes from, lower case
}

type tokenKind int

const (
	plainToken   tokenKind = iota
	acronymToken           // "US", "IS": a lexicon member only as an acronym
	unknownName            // a capitalised word the articles and lexicon lack
	unknownWord            // a lower-case word the articles and lexicon lack
)

func (b *Base) analyseEnglish(ctx context.Context, q *question) {
	ws := words(q.text)
	q.kind = b.questionKind(ws)
	q.counting = b.counting(ws)
	q.focus = b.focusTerm(ws)
	q.asked = b.askedTerms(ws)
	var phrase []token // the question's terms, in order
	for i, w := range ws {
		if acronym.MatchString(w) && b.enabled(Synonyms) {
			// US, IS: acronyms that would otherwise be stop words.
			if g := b.groupOf(strings.ToLower(w)); g >= 0 {
				phrase = append(phrase, token{strings.ToLower(w), acronymToken, strings.ToLower(w)})
				continue
			}
		}
		for _, t := range b.spell(w) {
			kind := plainToken
			if b.stats.df[t] == 0 && b.groupOf(t) < 0 {
				// An unknown word written in lower case is more likely
				// one the lexicon lacks than a fact the articles lack;
				// a capitalised one past the first is a name they lack.
				r, _ := utf8.DecodeRuneInString(w)
				kind = unknownWord
				if i > 0 && unicode.IsUpper(r) {
					kind = unknownName
				}
			}
			phrase = append(phrase, token{t, kind, strings.ToLower(w)})
		}
	}
	b.addConcepts(ctx, q, phrase)
}

// focusTerm returns the term of the noun after "what" or "which", if any:
// "under what policy" asks for a policy, so a sentence naming one is
// worth more than one that merely shares other words.
func (b *Base) focusTerm(ws []string) string {
	frame := b.vocabulary.frame
	for i := 0; i+1 < len(ws) && i < 4; i++ {
		switch strings.ToLower(ws[i]) {
		case "what", "which":
			j := i + 1
			// "what kind of rifles" asks for rifles.
			if j+2 < len(ws) && strings.EqualFold(ws[j+1], "of") {
				if ts := b.terms(ws[j]); len(ts) == 1 && frame[ts[0]] {
					j += 2
				}
			}
			if ts := b.terms(ws[j]); len(ts) == 1 && !frame[ts[0]] {
				return ts[0]
			}
			return ""
		}
	}
	return ""
}

// askedTerms returns the terms of what a question asks about: the word
// after "what" or "which" ("what nationality"), the noun phrase before
// "of" when a verb "to be" comes between ("what is the seating capacity
// of"), the word after "how many" and "how much" that is not too general
// to tell what is counted ("how much money"), or the verb after "who"
// ("who owns"). Nil when the words don't say, or name the kind of answer
// ("which agency").
func (b *Base) askedTerms(ws []string) []string {
	v := b.vocabulary
	content := func(w string) []string {
		ts := b.terms(w)
		if len(ts) == 0 || v.frame[ts[0]] || v.count[ts[0]] {
			return nil
		}
		return ts
	}
	for i := 0; i+1 < len(ws) && i < 4; i++ {
		k, opens := v.opens[strings.ToLower(ws[i])]
		switch {
		case !opens:
		case k == qHow && v.howMuch[strings.ToLower(ws[i+1])] && i+2 < len(ws):
			return content(ws[i+2])
		case k == qWho && !v.auxiliary[strings.ToLower(ws[i+1])]:
			return content(ws[i+1]) // "who owns"
		case k == qWhat:
			if !v.auxiliary[strings.ToLower(ws[i+1])] {
				// A noun that names the kind of answer ("which Russian
				// news agency") is stated by an instance, a name the
				// question lacks: its words don't say what must be.
				for _, n := range ws[i+1 : min(i+4, len(ws))] {
					if _, ok := b.kindNoun(n); ok {
						return nil
					}
				}
				return content(ws[i+1])
			}
			var run []string
			for _, w := range ws[i+2:] {
				if strings.EqualFold(w, "of") {
					return run
				}
				ts := b.terms(w)
				switch {
				case len(ts) == 0 && len(run) == 0:
					continue // "the"
				case len(ts) == 0 || v.frame[ts[0]]:
					return nil
				}
				run = append(run, ts...)
			}
			return nil
		}
	}
	return nil
}

// counting reports whether words ask for a count, which may be a running
// total that later reports revise, rather than a measure ("how far").
func (b *Base) counting(ws []string) bool {
	for i, w := range ws {
		w = strings.ToLower(w)
		switch {
		case b.vocabulary.counting[w]:
			return true
		case w == "how":
			if i+1 < len(ws) && (strings.EqualFold(ws[i+1], "many") || strings.EqualFold(ws[i+1], "much")) {
				return true
			}
		}
	}
	return false
}

// kindNoun looks up a noun, singular or plural ("countries"), among the
// nouns that name the kind of answer.
func (b *Base) kindNoun(w string) (qtype, bool) {
	w = strings.ToLower(w)
	for _, form := range []string{w, strings.TrimSuffix(w, "s"), strings.TrimSuffix(w, "ies") + "y"} {
		if k, ok := b.vocabulary.kindNouns[form]; ok {
			return k, true
		}
	}
	return 0, false
}

// questionKind reads the kind of question from its first words.
func (b *Base) questionKind(ws []string) qtype {
	v := b.vocabulary
	for i, w := range ws {
		w = strings.ToLower(w)
		next := ""
		if i+1 < len(ws) {
			next = strings.ToLower(ws[i+1])
		}
		k, ok := v.opens[w]
		switch {
		case !ok:
		case k == qHow && v.howMuch[next]:
			return qHowMany // "how many", "how far"
		case k == qWhat:
			// The noun asked for may follow a modifier: "which TV network".
			for _, n := range ws[i+1 : min(i+3, len(ws))] {
				if k, ok := b.kindNoun(n); ok {
					return k
				}
			}
			// "What is the death toll", "what is the distance".
			for _, n := range ws[i+1:] {
				if k, ok := v.bare[strings.ToLower(n)]; ok && k == qHowMany {
					return k
				}
			}
			return qWhat
		default:
			return k
		}
		if i == 0 && v.auxiliary[w] {
			return qYesNo
		}
	}
	// A bare phrase ("death toll") may still name the kind of answer.
	for _, w := range ws {
		if k, ok := v.bare[strings.ToLower(w)]; ok {
			return k
		}
	}
	return qWhat
}

// addConcepts turns the question's terms into concepts: lexicon phrases
// first (longest match), then single terms, spell-corrected when the
// articles don't have them.
func (b *Base) addConcepts(ctx context.Context, q *question, phrase []token) {
	used := make([]bool, len(phrase))
	if b.enabled(Synonyms) {
		for n := 4; n >= 1; n-- {
			for i := 0; i+n <= len(phrase); i++ {
				if anyUsed(used[i : i+n]) {
					continue
				}
				key := joinTerms(phrase[i : i+n])
				if n == 1 && b.lexicon.short[key] && phrase[i].kind != acronymToken {
					continue // only "US" is the US, not a word that stems to "us"
				}
				g := b.groupOf(key)
				if g < 0 {
					continue
				}
				for j := i; j < i+n; j++ {
					used[j] = true
				}
				if b.frameGroup(g) {
					continue // "take place" says no more than "happen"
				}
				q.concepts = append(q.concepts, b.newConcept(b.groups[g]))
			}
		}
	}
	for i, t := range phrase {
		if used[i] || t.kind == acronymToken || b.vocabulary.frame[t.term] {
			continue
		}
		used[i] = true
		c := b.newConcept([][]string{{t.term}})
		c.origin, c.word = t.kind, t.word
		if t.word != "" {
			c.soft = b.related(ctx, t.word, []string{t.term})
			if len(c.soft) == 0 && c.unseen && !b.vectors.Has(t.word) {
				c.soft = b.broader(ctx, t.word, []string{t.term})
			}
			if len(c.soft) > 0 && c.unseen {
				// The articles never use the word but do use one WordNet
				// gives for it: it weighs as that one does.
				c.weight, c.unseen, c.origin = b.newConcept(c.soft).weight, false, plainToken
			}
			if c.unseen && t.kind == unknownWord {
				// Nor any WordNet gives: the article word nearest in
				// meaning is searched for, and how near it is tells a
				// paraphrase from a concept the articles never state.
				if w, sim := b.nearestArticleWord(t.word); w != "" {
					c.near, c.nearSim = b.terms(w), float64(sim)
				}
			}
		}
		q.concepts = append(q.concepts, c)
	}
	// A foreign name the lexicon does not know may be spelt in a way
	// it lacks: it weighs half. A lower-case word it does not know is
	// more likely a common word it lacks than a fact the articles lack:
	// it weighs little.
	var known, nKnown float64
	for i := range q.concepts {
		switch q.concepts[i].origin {
		case unknownName:
			q.concepts[i].weight /= 2
		case unknownWord:
		default:
			known += q.concepts[i].weight
			nKnown++
		}
	}
	for i := range q.concepts {
		if c := &q.concepts[i]; c.origin == unknownWord {
			c.weight *= unknownWordShare
			if nKnown > 0 {
				c.weight = min(c.weight, known/nKnown/2)
			}
		}
	}
	// The focus of the question names the kind of thing asked for: a
	// sentence that names one ("policy of duty to warn") is worth more;
	// when the articles never use the word ("which platform"), the answer
	// names an instance of it instead ("Telegram"), so it weighs little.
	for i := range q.concepts {
		c := &q.concepts[i]
		if q.focus == "" || len(c.alts[0]) != 1 || c.alts[0][0] != q.focus {
			continue
		}
		c.typed = q.kind != qWhat
		switch {
		case b.stats.df[q.focus] == 0:
			c.weight *= 0.25
		case !c.typed:
			c.weight *= 1.5
		}
	}
	for i := range q.concepts {
		c := &q.concepts[i]
		if len(c.alts[0]) == 1 && b.vocabulary.instance[q.kind][c.alts[0][0]] {
			c.typed = true
		}
	}
	if q.kind == qWhat && b.asksForWords(q.concepts) {
		q.kind = qQuote
	}
	// Repeated concepts count once.
	seen := map[string]bool{}
	out := q.concepts[:0]
	for _, c := range q.concepts {
		k := strings.Join(c.alts[0], " ")
		if !seen[k] {
			seen[k] = true
			out = append(out, c)
		}
	}
	q.concepts = out
}

// frameGroup reports whether a synonym group only frames a question: one
// of its members is a frame word.
func (b *Base) frameGroup(g int) bool {
	for _, seq := range b.groups[g] {
		if len(seq) == 1 && b.vocabulary.frame[seq[0]] {
			return true
		}
	}
	return false
}

// asksForWords reports whether a concept is a verb of speech.
func (b *Base) asksForWords(cs []concept) bool {
	for _, c := range cs {
		for _, alt := range c.alts {
			if len(alt) == 1 && b.vocabulary.speech[alt[0]] {
				return true
			}
		}
	}
	return false
}

func joinTerms(ts []token) string {
	var sb strings.Builder
	for i, t := range ts {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(t.term)
	}
	return sb.String()
}

func anyUsed(u []bool) bool {
	for _, x := range u {
		if x {
			return true
		}
	}
	return false
}

// newConcept weighs a concept by the commonest of its alternatives that
// the articles have: a concept the articles never state weighs most, so
// that a question about it finds no answer.
func (b *Base) newConcept(alts [][]string) concept {
	c := concept{alts: alts, weight: -1}
	for _, alt := range alts {
		if w, ok := b.seqWeight(alt); ok && (c.weight < 0 || w < c.weight) {
			c.weight = w
		}
	}
	if c.weight < 0 {
		c.weight = b.stats.unseenIDF()
		c.unseen = true
	}
	return c
}

// seqWeight is the idf of the rarest term of seq, if the articles have
// every term of it.
func (b *Base) seqWeight(seq []string) (float64, bool) {
	var w float64
	for _, t := range seq {
		if b.stats.df[t] == 0 {
			return 0, false
		}
		w = max(w, b.stats.idf(t))
	}
	return w, len(seq) > 0
}

// spell returns the terms of a question word, spelt as the articles spell
// it when they don't have it as written ("Krasnagorsk", "clamed").
func (b *Base) spell(w string) []string {
	ts := b.terms(w)
	if len(ts) != 1 || b.stats.df[ts[0]] > 0 || b.vocabulary.frame[ts[0]] || !b.enabled(Fuzzy) || isNumber(w) {
		return ts
	}
	// Short words are corrected only when capitalised, as names are
	// ("Sity"): too many common short words are one edit apart ("take",
	// "fake").
	r, _ := utf8.DecodeRuneInString(w)
	lower := strings.ToLower(w)
	switch {
	case b.enabled(Vectors):
		// An English word the articles lack is not a misspelling of
		// one they have ("catch" is not "watch"); a word that is no
		// English word may be, however short ("putn").
		if b.english(lower) {
			return ts
		}
	case utf8.RuneCountInString(w) < 5 && !unicode.IsUpper(r):
		return ts
	}
	if c := b.correct(strings.ToLower(w)); c != "" {
		return b.terms(c)
	}
	return ts
}

// isNumber reports whether a word is a number ("1000", "3,000", "2.5"): a
// number the articles lack is another number, never a misspelling of one
// they have ("1000" is not "3000").
func isNumber(w string) bool {
	return strings.Trim(w, "0123456789.,") == "" && strings.ContainsAny(w, "0123456789")
}

// terms analyses text as the index does: lower case, stems, no stop words.
func (b *Base) terms(text string) []string {
	var out []string
	for _, tok := range b.analyzer.Analyze([]byte(text)) {
		out = append(out, string(tok.Term))
	}
	return out
}

// analyseForeign maps a Russian or Ukrainian question to English concepts
// through the lexicon, and by transliterating names it does not list.
// The two languages share many words, so each word is looked up in the
// question's language first and then in the other.
func (b *Base) analyseForeign(ctx context.Context, q *question) {
	lxs := []*foreignLexicon{b.lexicon.foreign[q.language], b.lexicon.foreign[otherSlavic[q.language]]}
	var english []string // the question's words in English, up to its subject
	var phrase []token
	var unknown []token // lower-case words neither lexicon knows
	kindSet := false
	ws := words(q.text)
	skip := false
	for i, w := range ws {
		if skip {
			skip = false
			continue
		}
		lower := strings.ToLower(w)
		// A question phrase of two words ("как зовут", "what is the
		// name of") before a question word of one.
		if i+1 < len(ws) {
			if en, ok := lookupQuestion(lxs, lower+" "+strings.ToLower(ws[i+1])); ok {
				if !kindSet {
					english = append(english, strings.Fields(en)...)
				}
				skip = true
				continue
			}
		}
		if en, ok := lookupQuestion(lxs, lower); ok {
			if en == "yesno" {
				q.kind, kindSet = qYesNo, true
			} else if !kindSet {
				english = append(english, strings.Fields(en)...)
			}
			continue
		}
		if isStop(lxs, lower) || utf8.RuneCountInString(lower) < 2 {
			continue
		}
		if en := lookupStem(lxs, lower); en != nil {
			for _, e := range en {
				q.read = append(q.read, strings.Fields(e)...)
				if !kindSet && len(english) > 0 {
					english = append(english, strings.Fields(e)...)
				}
				for _, t := range b.terms(e) {
					phrase = append(phrase, token{t, plainToken, ""})
				}
			}
			continue
		}
		// A word the hand-written lexicons lack may be in the generated
		// dictionary, by its stem.
		// A stem of three letters has too many senses ("нов"); a
		// Ukrainian word meets it only by a stem of five letters or
		// more: shorter shared roots are false friends too often
		// ("останніми", latest, is not "остаться", remain).
		if stem := slavic.Stem(q.language, lower); b.lexicon.dictionary[stem] != nil && utf8.RuneCountInString(stem) >= minDictionaryStem[q.language] {
			en := b.lexicon.dictionary[stem]
			for _, e := range en {
				for _, t := range b.terms(e) {
					phrase = append(phrase, token{t, plainToken, ""})
				}
			}
			continue
		}
		// A word the lexicon does not know: if a name, its
		// transliteration may be among the articles' terms, as spelt
		// or by its consonant key ("Уотсон": Watson).
		ts := b.spell(slavic.Latin(lower))
		keyed := false // a name of the articles, found by its key alone
		if len(ts) != 1 || b.stats.df[ts[0]] == 0 {
			for _, form := range []string{slavic.Stem(q.language, lower), lower} {
				if w := b.nameByKey(slavic.Key(slavic.Latin(form))); w != "" {
					ts, keyed = b.terms(w), len(slavic.Key(w)) >= 4
					break
				}
			}
		}
		// Only names are capitalised inside a Russian or Ukrainian
		// sentence: an unknown name is a thing the articles lack, an
		// unknown lower-case word more likely a gap in the lexicon (and
		// its transliteration a false friend: "матч", "match").
		r, _ := utf8.DecodeRuneInString(w)
		name := i > 0 && unicode.IsUpper(r)
		switch {
		case (name || keyed) && len(ts) == 1 && b.stats.df[ts[0]] > 0:
			// A lower-case word is taken for a name only by a key long
			// enough to tell it ("крокус": Crocus).
			phrase = append(phrase, token{ts[0], plainToken, ""})
		case name:
			phrase = append(phrase, token{lower, unknownName, ""})
		default:
			unknown = append(unknown, token{lower, unknownWord, ""})
		}
	}
	if !kindSet {
		// "какое агентство" reads as "what agency": a question of who.
		q.kind = b.questionKind(english)
		q.counting = b.counting(english)
	}
	b.addConcepts(ctx, q, append(phrase, unknown...))
}

var otherSlavic = map[string]string{"ru": "uk", "uk": "ru"}

// minDictionaryStem is the shortest stem, in letters, by which a word of
// each language meets the generated dictionary.
var minDictionaryStem = map[string]int{"ru": 4, "uk": 5}

func lookupQuestion(lxs []*foreignLexicon, w string) (string, bool) {
	for _, lx := range lxs {
		if en, ok := lx.question[w]; ok {
			return en, true
		}
	}
	return "", false
}

func isStop(lxs []*foreignLexicon, w string) bool {
	for _, lx := range lxs {
		if lx.stop[w] {
			return true
		}
	}
	return false
}

// lookupStem returns the English words of w's entry in the first lexicon
// that has one; failing that, of its root written in Russian letters
// ("поліція": "полиция"), which the Ukrainian and Russian lexicons share.
func lookupStem(lxs []*foreignLexicon, w string) []string {
	for _, form := range []string{w, slavic.AsRussian(w)} {
		for _, lx := range lxs {
			if en := lx.english(form); en != nil {
				return en
			}
		}
	}
	return nil
}
