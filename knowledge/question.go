package knowledge

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
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
)

// A concept is one thing a question asks about, with the ways the
// articles may say it: term sequences as the index analyses them.
type concept struct {
	alts   [][]string // alternatives; any one carries the concept
	weight float64
}

// question is the analysis of a question.
type question struct {
	text     string
	language string
	kind     qtype
	focus    string // the noun of "what X", "which X": the answer names one
	concepts []concept
}

// Words that frame a question rather than say what it is about.
var frameWords = map[string]bool{
	"mani": true, "many": true, "much": true, "happen": true, "tell": true, "know": true,
	"pleas": true, "exactli": true, "also": true, "far": true, "larg": true, "big": true,
	"long": true, "old": true, "tall": true, "did": true, "doe": true, "get": true, "number": true,
}

var (
	cyrillic    = regexp.MustCompile(`\p{Cyrillic}`)
	ukrainian   = regexp.MustCompile(`[іїєґІЇЄҐ]`)
	acronym     = regexp.MustCompile(`^\p{Lu}[\p{Lu}.\-]+$`)
	auxiliaries = map[string]bool{"did": true, "does": true, "do": true, "is": true, "are": true, "was": true,
		"were": true, "has": true, "have": true, "had": true, "can": true, "could": true, "will": true, "would": true, "should": true}
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
func (b *Base) analyse(text string) question {
	q := question{text: text, language: "en"}
	if cyrillic.MatchString(text) && b.enabled(Translation) {
		q.language = "ru"
		if ukrainian.MatchString(text) {
			q.language = "uk"
		}
		b.analyseForeign(&q)
	} else {
		if cyrillic.MatchString(text) {
			q.language = "ru"
		}
		b.analyseEnglish(&q)
	}
	return q
}

func (b *Base) analyseEnglish(q *question) {
	ws := words(q.text)
	q.kind = questionKind(ws)
	q.focus = focusTerm(ws, b.terms)
	var phrase []string // the question's terms, in order
	for _, w := range ws {
		if acronym.MatchString(w) && b.enabled(Synonyms) {
			// US, IS: acronyms that would otherwise be stop words.
			if g := b.groupOf(strings.ToLower(w)); g >= 0 {
				phrase = append(phrase, "\x00"+strings.ToLower(w))
				continue
			}
		}
		phrase = append(phrase, b.terms(w)...)
	}
	b.addConcepts(q, phrase)
}

// focusTerm returns the term of the noun after "what" or "which", if any:
// "under what policy" asks for a policy, so a sentence naming one is
// worth more than one that merely shares other words.
func focusTerm(ws []string, terms func(string) []string) string {
	for i := 0; i+1 < len(ws) && i < 4; i++ {
		switch strings.ToLower(ws[i]) {
		case "what", "which":
			if ts := terms(ws[i+1]); len(ts) == 1 && !frameWords[ts[0]] {
				return ts[0]
			}
			return ""
		}
	}
	return ""
}

// questionKind reads the kind of question from its first words.
func questionKind(ws []string) qtype {
	for i, w := range ws {
		w = strings.ToLower(w)
		next := ""
		if i+1 < len(ws) {
			next = strings.ToLower(ws[i+1])
		}
		switch w {
		case "who", "whom", "whose":
			return qWho
		case "when":
			return qWhen
		case "where":
			return qWhere
		case "why":
			return qWhy
		case "how":
			switch next {
			case "many", "much", "far", "large", "big", "long", "old", "high", "tall", "often":
				return qHowMany
			}
			return qHow
		case "what", "which":
			switch next {
			case "date", "day", "time", "year", "month":
				return qWhen
			case "city", "country", "region", "place", "platform", "town":
				return qWhere
			case "agency", "group", "organisation", "organization", "branch", "person", "official", "spokesperson", "spokeswoman":
				return qWho
			case "number":
				return qHowMany
			}
			return qWhat
		}
		if i == 0 && auxiliaries[w] {
			return qYesNo
		}
		if i > 2 {
			break
		}
	}
	return qWhat
}

// addConcepts turns the question's terms into concepts: lexicon phrases
// first (longest match), then single terms, spell-corrected when the
// articles don't have them.
func (b *Base) addConcepts(q *question, phrase []string) {
	used := make([]bool, len(phrase))
	if b.enabled(Synonyms) {
		for n := 4; n >= 1; n-- {
			for i := 0; i+n <= len(phrase); i++ {
				if anyUsed(used[i : i+n]) {
					continue
				}
				key := strings.Join(phrase[i:i+n], " ")
				key = strings.TrimPrefix(key, "\x00")
				g := b.groupOf(key)
				if g < 0 {
					continue
				}
				for j := i; j < i+n; j++ {
					used[j] = true
				}
				q.concepts = append(q.concepts, b.newConcept(b.groups[g]))
			}
		}
	}
	for i, t := range phrase {
		if used[i] || strings.HasPrefix(t, "\x00") || frameWords[t] {
			continue
		}
		used[i] = true
		alts := [][]string{{t}}
		if b.stats.df[t] == 0 && b.enabled(Fuzzy) {
			if c := b.correct(t); c != "" {
				alts = append(alts, []string{c})
				if g := b.groupOf(c); g >= 0 && b.enabled(Synonyms) {
					alts = append(alts, b.groups[g]...)
				}
			}
		}
		q.concepts = append(q.concepts, b.newConcept(alts))
	}
	// A foreign word the lexicon does not know may be a filler it lacks
	// rather than a fact the articles lack: it weighs half.
	for i := range q.concepts {
		if strings.HasPrefix(q.concepts[i].alts[0][0], "\x01") {
			q.concepts[i].weight /= 2
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
		if b.stats.df[q.focus] > 0 {
			c.weight *= 1.5
		} else {
			c.weight *= 0.25
		}
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
func (b *Base) analyseForeign(q *question) {
	lx := b.lexicon.foreign[q.language]
	// Russian and Ukrainian share many stems: try the other's lexicon next.
	other := b.lexicon.foreign["ru"]
	if q.language == "ru" {
		other = b.lexicon.foreign["uk"]
	}
	var english []string
	var phrase []string
	kindSet := false
	for _, w := range words(strings.ToLower(q.text)) {
		if en, ok := lx.question[w]; ok {
			if !kindSet {
				english = append(english, en)
			}
			if en == "yesno" {
				q.kind, kindSet = qYesNo, true
			} else if !kindSet {
				q.kind, kindSet = questionKind(strings.Fields(en)), true
			}
			continue
		}
		if lx.stop[w] || utf8.RuneCountInString(w) < 2 {
			continue
		}
		en := lx.english(w)
		if en == nil {
			en = other.english(w)
		}
		if en != nil {
			for _, e := range en {
				phrase = append(phrase, b.terms(e)...)
			}
			continue
		}
		// A name the lexicon does not know: transliterate it and look
		// for it among the articles' terms.
		latin := transliterate(w)
		ts := b.terms(latin)
		if len(ts) == 1 && b.stats.df[ts[0]] == 0 {
			if c := b.correct(ts[0]); c != "" {
				ts = []string{c}
			}
		}
		if len(ts) == 0 {
			ts = []string{"\x01" + w} // unknown: a concept no article states
		}
		phrase = append(phrase, ts...)
	}
	b.addConcepts(q, phrase)
}

var translit = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e", 'ж': "zh", 'з': "z",
	'и': "i", 'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r",
	'с': "s", 'т': "t", 'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch",
	'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "yu", 'я': "ya", 'і': "i", 'ї': "yi", 'є': "ye", 'ґ': "g",
}

// transliterate writes a Russian or Ukrainian word in Latin letters.
func transliterate(w string) string {
	var sb strings.Builder
	for _, r := range w {
		if s, ok := translit[r]; ok {
			sb.WriteString(s)
		} else {
			sb.WriteRune(r)
		}
	}
	return sb.String()
}
