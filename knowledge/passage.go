package knowledge

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"eventbot/corpus"
)

// A passage is a paragraph-sized piece of one document, the unit the index
// retrieves. Its sentences are known so that an answer can be one or two
// sentences rather than the whole passage.
type passage struct {
	doc       int    // index into Base.docs
	text      string // the passage as in the article
	sentences []span // byte ranges of text, in order
	// analysed guards info and terms, worked out when the passage is
	// first retrieved (analysePassages).
	analysed *sync.Once
	info     []sentenceInfo   // per sentence, for ranking
	terms    map[string][]int // the passage's terms (offsets are per sentence)
	centroid []float32        // where its words sit in meaning (space.centroid)
}

type span struct{ start, end int }

func (p *passage) sentence(i int) string {
	return p.text[p.sentences[i].start:p.sentences[i].end]
}

const (
	// minPassageLen is the length under which a paragraph (a heading, a
	// caption) is joined to the one after it.
	minPassageLen = 120
	// maxPassageLen is the length over which a paragraph is split between
	// sentences.
	maxPassageLen = 900
)

// splitPassages cuts a document body into passages: paragraphs, with short
// ones (headings, captions) joined to the next and long ones cut between
// sentences. A paragraph break always ends a sentence.
func splitPassages(docIndex int, doc corpus.Document) []passage {
	var out []passage
	var text string
	var spans []span
	flush := func() {
		start := 0
		for i := range spans {
			if spans[i].end-spans[start].start > maxPassageLen && i > start {
				out = append(out, makePassage(docIndex, text, spans[start:i]))
				start = i
			}
		}
		if start < len(spans) {
			out = append(out, makePassage(docIndex, text, spans[start:]))
		}
		text, spans = "", nil
	}
	for _, para := range strings.Split(doc.Body, "\n\n") {
		para = strings.Join(strings.Fields(para), " ")
		if !hasLetter(para) {
			continue
		}
		if text != "" {
			text += " "
		}
		base := len(text)
		text += para
		for _, s := range splitSentences(para) {
			spans = append(spans, span{base + s.start, base + s.end})
		}
		if utf8.RuneCountInString(text) >= minPassageLen {
			flush()
		}
	}
	if text != "" {
		flush()
	}
	return out
}

// byline is a passage saying who wrote and who published a document, for
// questions about its sources ("who wrote the piece saying..."), or false
// when the document names neither. It reads as a sentence of the article:
// "Tyler Durden wrote “US Intelligence Says...”, published 22 March 2024."
func byline(docIndex int, doc corpus.Document) (passage, bool) {
	var who string
	switch {
	case doc.Author != "" && doc.Publisher != "":
		who = doc.Author + " wrote “" + doc.Title + "”, published by " + doc.Publisher
	case doc.Author != "":
		who = doc.Author + " wrote “" + doc.Title + "”, published"
	case doc.Publisher != "":
		who = doc.Publisher + " published “" + doc.Title + "”"
	default:
		return passage{}, false
	}
	text := who + " " + doc.Date.Human() + "."
	return passage{doc: docIndex, text: text, sentences: []span{{0, len(text)}}}, true
}

func makePassage(doc int, text string, spans []span) passage {
	base := spans[0].start
	p := passage{doc: doc, text: text[base:spans[len(spans)-1].end]}
	for _, s := range spans {
		p.sentences = append(p.sentences, span{s.start - base, s.end - base})
	}
	return p
}

func hasLetter(s string) bool {
	return strings.IndexFunc(s, unicode.IsLetter) >= 0
}

// abbreviations end with a period that does not end a sentence.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "st": true, "gen": true,
	"lt": true, "col": true, "sgt": true, "capt": true, "no": true, "vs": true,
	"etc": true, "jan": true, "feb": true, "mar": true, "apr": true, "aug": true,
	"sept": true, "sep": true, "oct": true, "nov": true, "dec": true, "u.s": true,
	"u.k": true, "u.n": true, "e.g": true, "i.e": true, "approx": true, "inc": true,
}

// splitSentences returns the sentences of a single-line paragraph as byte
// ranges, trimmed of surrounding space.
func splitSentences(text string) []span {
	var out []span
	start := 0
	add := func(end int) {
		s := strings.TrimSpace(text[start:end])
		if s != "" {
			lead := start + strings.Index(text[start:end], s)
			out = append(out, span{lead, lead + len(s)})
		}
		start = end
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		if r != '.' && r != '!' && r != '?' && r != '…' {
			continue
		}
		end := i
		// Keep closing quotes and brackets with the sentence.
		for end < len(text) {
			c, n := utf8.DecodeRuneInString(text[end:])
			if !strings.ContainsRune(`"'”’»)]`, c) {
				break
			}
			end += n
		}
		if end < len(text) && text[end] != ' ' {
			continue // "3.5", "U.S.", "ISIS-K.com"
		}
		next := strings.TrimLeft(text[end:], " ")
		if next == "" {
			break
		}
		first, _ := utf8.DecodeRuneInString(next)
		if !unicode.IsUpper(first) && !unicode.IsDigit(first) && !strings.ContainsRune(`"'“‘«(*`, first) {
			continue
		}
		if r == '.' && isAbbreviation(text[start:i-1]) {
			continue
		}
		add(end)
		i = end
	}
	add(len(text))
	return out
}

// isAbbreviation reports whether the word before a period is an
// abbreviation or an initial.
func isAbbreviation(before string) bool {
	word := before[strings.LastIndexAny(before, " (\"'“")+1:]
	if utf8.RuneCountInString(word) == 1 {
		r, _ := utf8.DecodeRuneInString(word)
		return unicode.IsUpper(r)
	}
	return abbreviations[strings.ToLower(word)]
}
