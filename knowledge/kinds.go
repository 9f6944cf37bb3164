package knowledge

import (
	"fmt"
	"strings"
)

// kindNames names the answer kinds as the lexicon's data does.
var kindNames = map[string]qtype{
	"what": qWhat, "who": qWho, "when": qWhen, "where": qWhere, "howmany": qHowMany,
	"why": qWhy, "how": qHow, "yesno": qYesNo, "quote": qQuote,
}

// vocabulary is the English question vocabulary of lexicon/question.txt:
// surface words as written there and, where the engine compares terms,
// their terms as the index analyses them.
type vocabulary struct {
	frame     map[string]bool // words and terms that frame a question
	speech    map[string]bool // terms of verbs of speech
	auxiliary map[string]bool // words that open a yes/no question
	count     map[string]bool // terms of nouns too general to be counted
	counting  map[string]bool // words that ask for a count
	howMuch   map[string]bool // words after "how" that ask for a number
	kindNouns map[string]qtype
	instance  map[qtype]map[string]bool // terms of nouns an instance carries
	bare      map[string]qtype          // words that give a kind alone
}

// readVocabulary reads the [section] lines of lexicon/question.txt.
func readVocabulary(lines map[string][]string) (*vocabulary, error) {
	v := &vocabulary{kindNouns: map[string]qtype{}, instance: map[qtype]map[string]bool{}, bare: map[string]qtype{}}
	set := func(name string) map[string]bool {
		m := map[string]bool{}
		for _, w := range lines[name] {
			m[w] = true
		}
		return m
	}
	v.frame, v.speech, v.auxiliary = set("frame"), set("speech"), set("auxiliary")
	v.count, v.counting, v.howMuch = set("count"), set("counting"), set("how much")
	for section, ws := range lines {
		what, name, ok := strings.Cut(section, " ")
		if !ok || (what != "kind" && what != "instance" && what != "bare") {
			continue
		}
		k, ok := kindNames[name]
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
