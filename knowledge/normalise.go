package knowledge

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A message is chat text made into a question: the sentence that asks,
// cleaned of greetings, filler, emoji and chat spelling, and the words of
// the other sentences, which tell what the question is about but not what
// it asks ("My cousin says Ukraine did it. What did Putin say?").
type message struct {
	question string
	context  string
	// conflicting is set when the message says the reports differ or
	// changed ("the articles dont agree").
	conflicting bool
	// refers is set when the question points back at its context with a
	// pronoun ("What was used to fight it?"): the context then says what
	// it asks about.
	refers bool
}

var (
	// repeatedPunct is a run of question or exclamation marks, dots or
	// commas ("??", "?!", "...").
	repeatedPunct = regexp.MustCompile(`([?!.,])[?!.,]+`)
	// sentenceEnd ends a sentence of a chat message: a question mark or
	// exclamation mark anywhere, a full stop before a capital or a space,
	// a dash between words.
	sentenceEnd = regexp.MustCompile(`[?!]+\s*|\.\s+|\s+[—–-]\s+`)
)

// normalise turns chat text into a message: emoji and repeated
// punctuation dropped, a message in capitals put in lower case, chat
// abbreviations written out, greetings and filler dropped, and of several
// sentences the one that asks made the question, the others its context.
func (b *Base) normalise(text string) message {
	text = stripSymbols(text)
	text = repeatedPunct.ReplaceAllString(text, "$1")
	if shouting(text) {
		text = strings.ToLower(text)
	}
	var parts []string
	for _, s := range splitChat(text) {
		if s = b.lexicon.chat.clean(s); s != "" {
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 {
		return message{}
	}
	ask := askingSentence(parts, b.lexicon.chat)
	m := message{question: parts[ask], refers: len(parts) > 1 && b.lexicon.chat.refersBack(parts[ask])}
	for _, p := range parts {
		m.conflicting = m.conflicting || b.lexicon.chat.conflicting(p)
	}
	if m.conflicting {
		stated := func(phrase string) bool { _, ok := b.seqWeight(b.terms(phrase)); return ok }
		if q := b.lexicon.chat.withoutCues(m.question, stated); len(b.terms(q)) > 0 {
			m.question = q
		}
	}
	for i, p := range parts {
		if i != ask {
			m.context += p + " "
		}
	}
	m.context = strings.TrimSpace(m.context)
	return m
}

// stripSymbols drops emoji and other pictographs, and the joiners and
// variation selectors that build them.
func stripSymbols(text string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.Is(unicode.So, r), unicode.Is(unicode.Sk, r), unicode.Is(unicode.Cs, r),
			unicode.Is(unicode.Variation_Selector, r), r == '\u200d':
			return ' '
		}
		return r
	}, text)
}

// shouting reports whether a message is written in capitals: at least
// three words, and most of its letters upper case.
func shouting(text string) bool {
	var upper, letters int
	for _, r := range text {
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsUpper(r) {
				upper++
			}
		}
	}
	return len(strings.Fields(text)) >= 3 && upper*10 >= letters*7
}

// splitChat cuts a message into its sentences, each with the mark that
// ends it ("?").
func splitChat(text string) []string {
	var out []string
	last := 0
	for _, m := range sentenceEnd.FindAllStringIndex(text, -1) {
		s := strings.TrimSpace(text[last:m[1]])
		last = m[1]
		if s != "" {
			out = append(out, s)
		}
	}
	if s := strings.TrimSpace(text[last:]); s != "" {
		out = append(out, s)
	}
	return out
}

// askingSentence picks the sentence of a message that asks: the first
// that ends with a question mark and opens with a question word, else the
// first that ends with a question mark, else the first that opens with
// a question word, else the first. A sentence that only says the reports
// differ ("did that number change?") asks about another one.
func askingSentence(parts []string, chat *chatLexicon) int {
	opens := func(s string) bool {
		ws := words(s)
		return len(ws) > 0 && chat.asks(strings.ToLower(ws[0]))
	}
	best, bestRank := 0, -100
	for i, s := range parts {
		rank := 0
		if strings.HasSuffix(s, "?") {
			rank += 2
		}
		if opens(s) {
			rank++
		}
		if len(parts) > 1 && chat.conflicting(s) {
			rank -= 2
		}
		if rank > bestRank {
			best, bestRank = i, rank
		}
	}
	return best
}

// chatLexicon is the data of lexicon/chat.txt, and the question words of
// every language, which tell the sentence that asks.
type chatLexicon struct {
	drop     map[string]bool     // phrases, lower case
	expand   map[string][]string // lower-case phrase → its words written out
	longest  int                 // words in the longest phrase
	question map[string]bool     // words that open a question, any language
	conflict map[string]bool     // phrases that say reports differ
	refers   map[string]bool     // pronouns that point back
}

// conflicting reports whether a sentence says that reports differ.
func (c *chatLexicon) conflicting(s string) bool {
	ws := words(s)
	for i := range ws {
		if c.cueAt(ws, i, func(string) bool { return true }) > 0 {
			return true
		}
	}
	return false
}

// cueAt is how many words of ws from i on make a [conflict] phrase that
// take accepts, the longer first; 0 for none.
func (c *chatLexicon) cueAt(ws []string, i int, take func(phrase string) bool) int {
	for n := min(2, len(ws)-i); n >= 1; n-- {
		if p := strings.ToLower(strings.Join(ws[i:i+n], " ")); c.conflict[p] && take(p) {
			return n
		}
	}
	return 0
}

// withoutCues drops from a sentence the phrases that say reports differ
// and that no article states ("the articles dont agree"): they tell how to
// answer, not what about, and would count as what the articles lack. A cue
// the articles state stays ("conflicting reports").
func (c *chatLexicon) withoutCues(s string, stated func(phrase string) bool) string {
	ws := words(s)
	var out []string
	for i := 0; i < len(ws); {
		n := c.cueAt(ws, i, func(p string) bool { return !stated(p) })
		if n == 0 {
			out = append(out, ws[i])
			n = 1
		}
		i += n
	}
	if len(out) == len(ws) {
		return s
	}
	end := ""
	if strings.HasSuffix(s, "?") {
		end = "?"
	}
	return strings.Join(out, " ") + end
}

func (c *chatLexicon) asks(w string) bool { return c.question[w] }

// refersBack reports whether a sentence holds a pronoun that points back
// at what came before it.
func (c *chatLexicon) refersBack(s string) bool {
	for _, w := range words(strings.ToLower(s)) {
		if c.refers[w] {
			return true
		}
	}
	return false
}

// clean writes out the abbreviations of a sentence and drops its filler,
// matching the longest phrase first. The sentence's own punctuation,
// other than the mark that ends it, is dropped too.
func (c *chatLexicon) clean(s string) string {
	ws := words(s)
	var out []string
	for i := 0; i < len(ws); {
		n := min(c.longest, len(ws)-i)
		for ; n >= 1; n-- {
			key := strings.ToLower(strings.Join(ws[i:i+n], " "))
			if c.drop[key] {
				break
			}
			if e, ok := c.expand[key]; ok {
				out = append(out, e...)
				break
			}
		}
		if n == 0 {
			out = append(out, ws[i])
			n = 1
		}
		i += n
	}
	if len(out) == 0 {
		return ""
	}
	end := ""
	if r, _ := utf8.DecodeLastRuneInString(strings.TrimSpace(s)); r == '?' {
		end = "?"
	}
	return strings.Join(out, " ") + end
}
