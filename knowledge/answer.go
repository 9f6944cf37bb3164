package knowledge

import (
	"context"
	"strings"
)

// Answer is what the knowledge base says about one question.
//
// Its JSON form is the answer contract of the evaluation harness
// (../shared/eval/grade.py): keep the field names stable.
type Answer struct {
	// Question is the question as asked.
	Question string `json:"question"`
	// Found reports whether the corpus holds an answer. When false, Text
	// is empty and the caller should say the sources don't cover it.
	Found bool `json:"found"`
	// Text is the short answer: a sentence or two, at most MaxAnswerLen
	// characters, each part of it contained in a cited passage.
	Text string `json:"answer"`
	// Lead is the answer itself, as short as it can be said: the name,
	// number, date or place asked for, or for changing reports each figure
	// with its date ("139 killed, 25 March; earlier 70 and 40"). Front ends
	// show it first, in bold, then the quote. Empty when no part of Text
	// is shorter and still answers.
	Lead string `json:"lead,omitempty"`
	// Citations are the passages that support Text, best first.
	Citations []Citation `json:"citations"`
	// Language is the language of the question ("en", "ru", "uk"), so that
	// a front end can reply in it.
	Language string `json:"language,omitempty"`
	// Greeting reports that the message held only greetings, thanks or
	// filler ("hi", "thx"): Found is false, but for want of a question,
	// not of an answer.
	Greeting bool `json:"greeting,omitempty"`
}

// MaxAnswerLen is the most characters (runes) an Answer's Text holds.
const MaxAnswerLen = 320

// Citation is a passage of a source article that supports an answer.
type Citation struct {
	Doc       string `json:"doc"`
	Title     string `json:"title"`
	Publisher string `json:"publisher"`
	// Date is the article's publication date in ISO form, as precise as
	// the article allows ("2024-03-23", "2024-03").
	Date    string `json:"date"`
	Passage string `json:"passage"`
	// Mark is the phrase of Passage that answers the question, for a front
	// end to highlight; empty when none stands out.
	Mark string `json:"mark,omitempty"`
}

// Source describes one article of the corpus.
type Source struct {
	Doc       string
	Title     string
	Publisher string
	Date      string // ISO form, as in Citation.Date
	Language  string
}

// Answer answers a question from the corpus. It is the spine of the
// answer engine: each stage is a file of its own.
//
//	normalise (normalise.go)  chat text → a clean question and its context
//	analyse   (analyse.go)    language, kind, concepts and their weights
//	retrieve  (retrieve.go)   the passages of the event's articles that match
//	score     (score.go)      every sentence of those passages, best first
//	compose   (compose.go)    the answer first, then the passages that support it
//
// User text is never parsed as query syntax: it is analysed into terms
// like the indexed text.
func (b *Base) Answer(ctx context.Context, text string) (Answer, error) {
	a := Answer{Question: text, Language: "en", Citations: []Citation{}}
	q, cands, err := b.rank(ctx, text)
	if err != nil {
		return Answer{}, err
	}
	a.Language = q.language
	if q.text == "" && hasLetter(text) {
		a.Greeting = true
		if cyrillic.MatchString(text) {
			a.Language = b.slavic(text)
		}
	}
	if !b.answerable(q, cands) {
		return a, nil
	}
	return b.compose(q, cands, a, margins{b.model.Companion, b.model.Report}), nil
}

// rank runs the stages up to the scored candidates, best first: none when
// the question names no concept.
func (b *Base) rank(ctx context.Context, text string) (question, []candidate, error) {
	msg := b.normalise(truncateRunes(strings.TrimSpace(text), maxQuestionLen))
	q := b.analyse(ctx, msg)
	if len(q.concepts) == 0 {
		return q, nil, nil
	}
	hits, err := b.retrieve(ctx, q)
	if err != nil {
		return q, nil, err
	}
	return q, b.score(q, hits), nil
}
