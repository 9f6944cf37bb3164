package knowledge

import (
	"fmt"
	"regexp"
	"strings"
)

// A kindSpec is how an answer of one kind is found and cut. How a question
// of the kind is asked is data (lexicon/question.txt, and the [question]
// sections of the other languages' lexicons); how a sentence's evidence of
// it weighs is fitted (score.go's kind features).
type kindSpec struct {
	// name is the kind's name in the lexicon's data.
	name string
	// evidence finds where an answer of the kind stands in a sentence,
	// for excerpts.
	evidence *regexp.Regexp
	// demands reports whether a sentence holds an answer of the kind,
	// for kinds that have no answer without one; nil: any sentence may.
	demands func(info *sentenceInfo, counted *numberAt, foreign bool) bool
	// instance reports whether a sentence names a thing of the kind that
	// the question does not: it then carries a noun that names the kind
	// ("which day": "Friday").
	instance func(info *sentenceInfo, questionTerms map[string]bool) bool
	// lead cuts the answer itself from the sentence; nil: no short form.
	lead func(q question, sentence string, info *sentenceInfo, counted *numberAt) string
}

// kindTable is every kind of answer: a new kind is one entry (and its
// question words in the lexicons).
var kindTable = map[qtype]kindSpec{
	qWhat: {name: "what", instance: newName},
	qWho:  {name: "who", evidence: nameRE, instance: newName, lead: leadName},
	qWhen: {name: "when", evidence: dateRE, lead: leadDate,
		// A when answer needs a time.
		demands:  func(info *sentenceInfo, _ *numberAt, _ bool) bool { return info.date },
		instance: func(info *sentenceInfo, _ map[string]bool) bool { return info.date }},
	qWhere: {name: "where", evidence: placeRE, instance: newPlace, lead: leadPlace},
	qHowMany: {name: "howmany", evidence: numberRE, instance: newName, lead: leadCount,
		// A how-many answer needs a number that counts what was asked
		// (in Russian or Ukrainian, any number: what it counts is said
		// in English words the question lacks).
		demands: func(info *sentenceInfo, counted *numberAt, foreign bool) bool {
			return counted != nil || foreign && len(info.numbers) > 0
		}},
	qWhy:   {name: "why", evidence: reasonRE, instance: newName},
	qHow:   {name: "how", evidence: mannerRE, instance: newName},
	qYesNo: {name: "yesno", evidence: stanceRE, instance: newName},
	qQuote: {name: "quote", evidence: quoteRE, instance: newName, lead: leadQuote},
}

func newName(info *sentenceInfo, questionTerms map[string]bool) bool {
	return hasNew(info.names, questionTerms)
}

func newPlace(info *sentenceInfo, questionTerms map[string]bool) bool {
	return hasNew(info.places, questionTerms)
}

// kindNamed returns the kind of a name in the lexicon's data.
func kindNamed(name string) (qtype, bool) {
	for k, spec := range kindTable {
		if spec.name == name {
			return k, true
		}
	}
	return 0, false
}

// vocabulary is the English question vocabulary of lexicon/question.txt:
// surface words as written there and, where the engine compares terms,
// their terms as the index analyses them.
type vocabulary struct {
	frame     map[string]bool // words and terms that frame a question
	speech    map[string]bool // terms of verbs of speech
	auxiliary map[string]bool // words that open a yes/no question
	count     map[string]bool // terms of nouns too general to be counted
	clause    map[string]bool // words that join clauses
	counting  map[string]bool // words that ask for a count
	blame     map[string]bool // words that ask who is behind the event, as written
	howMuch   map[string]bool // words after "how" that ask for a number
	kindNouns map[string]qtype
	instance  map[qtype]map[string]bool // terms of nouns an instance carries
	bare      map[string]qtype          // words that give a kind alone
	opens     map[string]qtype          // question words: "who", "when"...
}

// readVocabulary reads the [section] lines of lexicon/question.txt.
func readVocabulary(lines map[string][]string) (*vocabulary, error) {
	v := &vocabulary{kindNouns: map[string]qtype{}, instance: map[qtype]map[string]bool{}, bare: map[string]qtype{}, opens: map[string]qtype{}}
	set := func(name string) map[string]bool {
		m := map[string]bool{}
		for _, w := range lines[name] {
			m[w] = true
		}
		return m
	}
	v.frame, v.speech, v.auxiliary = set("frame"), set("speech"), set("auxiliary")
	v.count, v.counting, v.howMuch = set("count"), set("counting"), set("how much")
	v.clause, v.blame = set("clause"), set("blame")
	for section, ws := range lines {
		what, name, ok := strings.Cut(section, " ")
		if !ok || (what != "kind" && what != "instance" && what != "bare" && what != "opens") {
			continue
		}
		k, ok := kindNamed(name)
		if !ok {
			return nil, fmt.Errorf("lexicon question.txt: no answer kind %q", name)
		}
		for _, w := range ws {
			switch what {
			case "kind":
				v.kindNouns[w] = k
			case "instance":
				if v.instance[k] == nil {
					v.instance[k] = map[string]bool{}
				}
				v.instance[k][w] = true
			case "bare":
				v.bare[w] = k
			case "opens":
				v.opens[w] = k
			}
		}
	}
	return v, nil
}

// analyseVocabulary adds to the sets the engine compares with terms the
// terms of their words.
func (b *Base) analyseVocabulary(v *vocabulary) {
	for _, m := range []map[string]bool{v.frame, v.speech, v.count} {
		for w := range m {
			for _, t := range b.terms(w) {
				m[t] = true
			}
		}
	}
	for k, m := range v.instance {
		terms := map[string]bool{}
		for w := range m {
			for _, t := range b.terms(w) {
				terms[t] = true
			}
		}
		v.instance[k] = terms
	}
}
