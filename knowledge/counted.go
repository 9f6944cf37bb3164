package knowledge

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// countToken is a word or a mark that ends a clause, for countedConcept.
var countToken = regexp.MustCompile(`[\p{L}\p{N}][\p{L}\p{N}'’.-]*|[,;:()"“”«»—–!?]|\.(?:\s|$)`)

// countedConcept is the question's concept that number n of sentence s
// counts, or -1: the concept carried by the first word after n that is
// neither a function word nor a noun too general to tell ("people",
// "others"); or, when a clause ends before any such word, by the word
// before n and its qualifier. Score's countedNumber reads a number as
// counting the nearest of the question's concepts; this reads what the
// sentence says it counts, so that a count of the injured is not given as
// one of the gunmen ("at least 100 injured in the terrorist attack").
func (b *Base) countedConcept(q question, s string, n *numberAt) int {
	next := ""
	for _, w := range countToken.FindAllString(s[n.end:], -1) {
		if b.endsClause(w) {
			break
		}
		if ts := b.terms(w); len(ts) > 0 && !b.vocabulary.count[ts[0]] {
			next = w
			break
		}
	}
	if next == "" {
		before := countToken.FindAllString(s[:max(0, n.end-len(n.text))], -1)
		for i := len(before) - 1; i >= 0 && !b.endsClause(before[i]); i-- {
			if len(b.terms(before[i])) > 0 {
				next = before[i]
				break
			}
		}
	}
	if next == "" {
		return -1
	}
	ts := b.terms(next)
	for ci, c := range q.concepts {
		for _, alt := range slices.Concat(c.alts, c.soft) {
			if slices.ContainsFunc(alt, func(t string) bool { return slices.Contains(ts, t) }) {
				return ci
			}
		}
	}
	return -1
}

// endsClause reports whether a token ends a clause: a mark, or a word
// that joins clauses.
func (b *Base) endsClause(tok string) bool {
	r, _ := utf8.DecodeRuneInString(tok)
	return !unicode.IsLetter(r) && !unicode.IsDigit(r) || b.vocabulary.clause[strings.ToLower(tok)]
}

// countOf is the number of c's sentence that counts the question's
// concept ci, its own count first; nil when none does.
func (b *Base) countOf(q question, c candidate, ci int) *numberAt {
	p := &b.passages[c.passage]
	s, info := p.sentence(c.sentence), &p.info[c.sentence]
	if c.number != nil && b.countedConcept(q, s, c.number) == ci {
		return c.number
	}
	for i := range info.numbers {
		if b.countedConcept(q, s, &info.numbers[i]) == ci {
			return &info.numbers[i]
		}
	}
	return nil
}

// checkedCount is, for a question that asks for a count, the number of c's sentence
// that counts one of the question's concepts as the sentence says (see
// countedConcept), its own count first: nil when none does, so that no
// count of another thing is given as the answer. A question in Russian or
// Ukrainian keeps its count when none is read so: its concepts are
// English words the sentence may say otherwise.
func (b *Base) checkedCount(q question, c candidate) *numberAt {
	if !q.counting || c.number == nil {
		return c.number
	}
	p := &b.passages[c.passage]
	s, info := p.sentence(c.sentence), &p.info[c.sentence]
	if b.countedConcept(q, s, c.number) >= 0 {
		return c.number
	}
	for i := range info.numbers {
		if b.countedConcept(q, s, &info.numbers[i]) >= 0 {
			return &info.numbers[i]
		}
	}
	if q.language != "en" {
		return c.number
	}
	return nil
}
