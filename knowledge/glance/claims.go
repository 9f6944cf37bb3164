package glance

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Claim is one statement attributed to a party.
type Claim struct {
	Party string
	// Speaker is how the text names who made it ("National Security
	// Council spokesperson Adrienne Watson", "she").
	Speaker string
	// Verb is the attribution: "said", "denied", "according to"…
	Verb   string
	Text   string // the sentence
	Source Source

	doc, pos int
	at       int // byte offset of the speech verb in Text, or -1 for "according to" and the like
	// until ends the part of Text that is the claim's own: the next
	// speaker's verb, or, for a source named by "according to" when the
	// sentence also has a speaker, nothing at all.
	until int
}

// speechVerbs introduce what a subject says.
var speechVerbs = regexp.MustCompile(`\b(said|says|say|saying|told|tells|stated|states|claimed|claims|denied|denies|deny|confirmed|confirms|confirm|reported|reports|reporting|warned|warns|added|adds|indicated|suggested|suggests|suggest|called|calls|rejected|rejects|refuted|refutes|described|describes|blamed|blames|accused|accuses|accusing|threatens|threatened|maintained|maintains|writes|wrote|clarified|emphasized|emphasised|announced|announces|insisted|insists|demanded|demands|questioned|revealed|issued|admitted|alleged|alleges|argued|noted|acknowledged|urged)\b`)

// sourcePhrases name a source after the words: "according to CNN", "as
// per Reuters", "as cited in Reuters", ", reported The Associated Press".
var sourcePhrases = regexp.MustCompile(`(?:\b(according to|as per|as cited (?:in|by))|, (said|reported|writes|wrote|says)) `)

// asides are removed before subjects are looked for: parentheses and
// participle or prepositional phrases between commas.
var asides = regexp.MustCompile(`\([^)]*\)|, (?:citing|speaking|quoting|in an interview|in a statement|on condition)[^,]*,`)

// auxiliaries and adverbs between a subject and its verb.
var auxiliaries = map[string]bool{
	"has": true, "have": true, "had": true, "is": true, "are": true, "also": true, "too": true,
	"already": true, "then": true, "later": true, "now": true, "still": true, "earlier": true,
	"started": true, "began": true, "once": true, "again": true, "further": true,
	"today": true, "yesterday": true, "tonight": true,
}

var passive = map[string]bool{"was": true, "were": true, "been": true, "be": true, "being": true}

// boundaries end a subject on its left.
var boundaries = map[string]bool{
	"that": true, "while": true, "while,": true, "which": true, "who": true, "when": true, "as": true,
	"but": true, "and": true, "because": true, "if": true, "after": true, "before": true,
	"however": true, "whereas": true, "since": true, "so": true, "then": true, "where": true,
}

// nounWords are the lower-case words a speaker's name may hold besides
// capitalised ones ("the terror organisation ISIS-K", "US State Department
// spokesperson Mathew Miller").
var nounWords = map[string]bool{
	"the": true, "of": true, "and": true, "for": true, "a": true, "an": true, "as": true, "well": true,
	"official": true, "officials": true, "spokesperson": true, "spokeswoman": true, "spokesman": true,
	"president": true, "minister": true, "ministry": true, "agency": true, "agencies": true, "news": true,
	"media": true, "state": true, "group": true, "government": true, "intelligence": true, "office": true,
	"press": true, "service": true, "services": true, "council": true, "department": true, "authorities": true,
	"branch": true, "chief": true, "head": true, "leader": true, "correspondent": true, "regional": true,
	"terror": true, "terrorist": true, "organisation": true, "organization": true, "channel": true,
	"channels": true, "reports": true, "sources": true, "counterterrorism": true, "deputy": true,
	"chairman": true, "former": true, "foreign": true, "security": true, "senior": true, "top": true,
	"local": true, "unnamed": true, "anonymous": true, "insider": true, "statement": true, "administration": true,
	"embassy": true, "police": true, "investigators": true, "witnesses": true, "prosecutors": true,
	"army": true, "military": true, "defence": true, "defense": true, "committee": true, "party": true,
}

var determiners = map[string]bool{"the": true, "a": true, "an": true, "some": true, "one": true, "many": true, "several": true, "both": true, "another": true}

var pronouns = map[string]bool{"he": true, "she": true, "they": true, "their": true, "his": true, "her": true}

// attributions finds who says what in every sentence, in article order.
func attributions(sents []sentence) []Claim {
	var out []Claim
	bySent := map[int][]Claim{}
	for i, s := range sents {
		var found []Claim
		add := func(speaker, verb string, at int) {
			for _, party := range resolveSpeaker(speaker, s, out, found) {
				if slices.ContainsFunc(found, func(c Claim) bool { return c.Party == party }) {
					continue
				}
				found = append(found, Claim{Party: party, Speaker: speaker, Verb: verb, Text: s.text,
					Source: s.src, doc: s.doc, pos: s.pos, at: at})
			}
		}
		if s.quoteOf >= 0 {
			for _, c := range bySent[s.quoteOf] {
				add(c.Speaker, c.Verb, -1)
			}
		}
		// Asides become spaces, so that offsets stay those of the sentence.
		clean := asides.ReplaceAllStringFunc(s.text, func(a string) string { return strings.Repeat(" ", len(a)) })
		for _, loc := range speechVerbs.FindAllStringIndex(clean, -1) {
			if who := subjectBefore(clean[:loc[0]]); who != "" {
				add(who, clean[loc[0]:loc[1]], loc[0])
			}
		}
		for _, loc := range sourcePhrases.FindAllStringSubmatchIndex(s.text, -1) {
			var verb string
			if loc[2] >= 0 {
				verb = s.text[loc[2]:loc[3]]
			} else {
				verb = s.text[loc[4]:loc[5]]
			}
			if who := nounPhraseAfter(s.text[loc[1]:], verb == "according to" || strings.HasPrefix(verb, "as ")); who != "" {
				add(who, verb, -1)
			}
		}
		ownParts(found, len(s.text))
		bySent[i] = found
		out = append(out, found...)
	}
	return out
}

// subjectBefore returns the subject of a speech verb: the noun phrase
// right before it (past auxiliaries and adverbs), which must start the
// clause; or "" when there is none or the verb is passive.
func subjectBefore(prefix string) string {
	words := strings.Fields(prefix)
	for len(words) > 0 {
		w := strings.ToLower(words[len(words)-1])
		if passive[w] {
			return ""
		}
		_, weekday := weekdays[words[len(words)-1]]
		if auxiliaries[w] || weekday || (strings.HasSuffix(w, "ly") && w != "only" && isLower(words[len(words)-1])) {
			words = words[:len(words)-1]
			continue
		}
		if n := len(words); n >= 3 && strings.EqualFold(strings.Join(words[n-3:], " "), "in the day") {
			words = words[:max(0, n-4)] // "earlier in the day", "late in the day"
			continue
		}
		break
	}
	// Walk back over the subject's words: a word ending in a comma or a
	// closing quote ends the clause before it; one opening a quote starts
	// the subject.
	i := len(words)
	for i > 0 {
		w := words[i-1]
		if strings.ContainsAny(w[len(w)-1:], ",;:") || strings.HasSuffix(w, "”") || strings.HasSuffix(w, `"`) {
			break
		}
		if !isNounWord(strings.Trim(w, `“"`)) {
			break
		}
		i--
		if opensQuote(w) {
			break
		}
	}
	if i == len(words) {
		return ""
	}
	if i > 0 && !opensQuote(words[i]) {
		before := strings.ToLower(strings.Trim(words[i-1], `“”"`))
		ends := strings.ContainsAny(words[i-1], `,;:“”"`)
		if !ends && !boundaries[before] {
			// The phrase runs on from another clause: keep what follows
			// the last clause word inside it ("… the attack and the West").
			j := len(words) - 1
			for j >= i && !boundaries[strings.ToLower(words[j])] {
				j--
			}
			if j < i {
				return ""
			}
			i = j + 1
		}
	}
	subject := words[i:]
	for len(subject) > 0 && (boundaries[strings.ToLower(subject[0])] || determiners[strings.ToLower(subject[0])]) {
		subject = subject[1:]
	}
	if len(subject) == 0 || len(subject) > 10 {
		return ""
	}
	return strings.Trim(strings.Join(subject, " "), `“”",:;.`)
}

func opensQuote(w string) bool { return strings.HasPrefix(w, "“") || strings.HasPrefix(w, `"`) }

func isNounWord(w string) bool {
	if w == "" {
		return false
	}
	lw := strings.ToLower(w)
	if pronouns[lw] || nounWords[lw] || determiners[lw] {
		return true
	}
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r) || unicode.IsDigit(r)
}

func isLower(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsLower(r)
}

// nounPhraseAfter returns the source named after "according to" and the
// like: the words up to a comma, a period or a relative clause. A source
// after an inverted verb (", said Putin") must be capitalised.
func nounPhraseAfter(rest string, any bool) string {
	end := len(rest)
	for i, r := range rest {
		if strings.ContainsRune(",;:!?“”\"(", r) || (r == '.' && (i+1 == len(rest) || rest[i+1] == ' ') && !abbreviation([]rune(rest[:i]))) {
			end = i
			break
		}
	}
	for _, stop := range []string{" who ", " that ", " which ", " on ", " in ", " about "} {
		if i := strings.Index(rest[:end], stop); i >= 0 {
			end = i
		}
	}
	phrase := strings.Trim(rest[:end], " .")
	if strings.Count(phrase, " ") > 8 || phrase == "" {
		return ""
	}
	if !any && !unicode.IsUpper([]rune(phrase)[0]) {
		return ""
	}
	return phrase
}

// resolveSpeaker names the parties a speaker's words refer to: known
// parties by their aliases; a pronoun or a common noun ("the official")
// by the latest speaker of the same article it fits; a name by an earlier
// speaker whose words end with it, or that it ends with ("Watson",
// "spokeswoman Adrian Watson"), or that ends with the same full name
// ("UN Secretary General Kofi Annan"); any other capitalised name as a
// new party.
func resolveSpeaker(speaker string, s sentence, earlier, same []Claim) []string {
	if known := knownParties(speaker); len(known) > 0 {
		return known
	}
	words := strings.Fields(speaker)
	first := strings.ToLower(words[0])
	previous := slices.Concat(earlier, same)
	latest := func(fits func(Claim) bool) []string {
		for i := len(previous) - 1; i >= 0; i-- {
			c := previous[i]
			if c.doc != s.doc {
				break
			}
			if fits(c) {
				return []string{c.Party}
			}
		}
		return nil
	}
	if pronouns[first] {
		// Rather a speaker named as the subject of a verb than a source.
		if p := latest(func(c Claim) bool { return c.pos < s.pos && c.at >= 0 }); p != nil {
			return p
		}
		return latest(func(c Claim) bool { return c.pos < s.pos })
	}
	proper := slices.ContainsFunc(words, func(w string) bool {
		return !isLower(w) && !(strings.HasPrefix(s.text, w) && len(words) == 1) && !nounWords[strings.ToLower(w)]
	})
	if !proper || (strings.HasPrefix(s.text, speaker) && !slices.ContainsFunc(words[1:], func(w string) bool { return !isLower(w) })) {
		// A common noun: the latest speaker named with the same head noun.
		head := strings.ToLower(words[len(words)-1])
		return latest(func(c Claim) bool {
			return !strings.EqualFold(c.Speaker, speaker) && slices.ContainsFunc(strings.Fields(c.Speaker), func(w string) bool {
				return strings.EqualFold(w, head)
			})
		})
	}
	if isLower(words[len(words)-1]) {
		return nil // "the intelligence community's requirement": no name
	}
	// The same name, in full or in part: "Adrian Watson", then "Watson".
	for i := len(previous) - 1; i >= 0; i-- {
		f := strings.Fields(previous[i].Speaker)
		if hasSuffix(f, words) || hasSuffix(words, f) || sameFullName(f, words) {
			return []string{previous[i].Party}
		}
	}
	return []string{speaker}
}

// ownParts sets until on the claims of one sentence.
func ownParts(found []Claim, end int) {
	hasVerb := slices.ContainsFunc(found, func(c Claim) bool { return c.at >= 0 })
	for i := range found {
		c := &found[i]
		c.until = end
		if c.at < 0 && hasVerb {
			c.until = 0
		}
		for _, o := range found {
			if o.at > c.at && c.at >= 0 && o.at < c.until {
				c.until = o.at
			}
		}
	}
}

// hasSuffix reports whether the words of a end with all the words of b.
func hasSuffix(a, b []string) bool {
	return len(b) <= len(a) && slices.Equal(a[len(a)-len(b):], b)
}

// sameFullName reports whether a and b end with the same two capitalised
// words that are no title or office ("Kofi Annan").
func sameFullName(a, b []string) bool {
	if len(a) < 2 || len(b) < 2 || !hasSuffix(a, b[len(b)-2:]) {
		return false
	}
	return !slices.ContainsFunc(b[len(b)-2:], func(w string) bool { return isLower(w) || nounWords[strings.ToLower(w)] })
}
