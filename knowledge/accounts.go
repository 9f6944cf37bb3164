package knowledge

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"eventbot/corpus"
	"eventbot/knowledge/glance"
)

// accounts composes the answer to a question that asks whom several
// parties hold responsible ("Who do Russia and the US each say is behind
// the attack?"): each party the question names, in its order, with the
// culprit its statements name, the first such statement and its source,
// from the articles' attributed statements (glance's Blame), each
// statement's passage cited once. It reports false unless the question
// asks who is behind the event (lexicon question.txt [blame]) and names
// at least two parties with an account; such a question is answered
// whatever the decision to answer says.
func (b *Base) accounts(q question) (composed, bool) {
	picked := b.namedAccounts(q)
	if len(picked) < 2 {
		return composed{}, false
	}
	var r composed
	var text, lead []string
	room := MaxAnswerLen / len(picked)
	for _, a := range picked {
		culprit := a.Culprit
		if a.Denied {
			culprit = "denies " + culprit
		}
		label := fmt.Sprintf("%s: %s — ", a.Party, culprit)
		source := " (" + a.source + ")"
		left := room - utf8.RuneCountInString(label+source) - 2
		text = append(text, label+truncateRunes(strings.TrimRight(a.Claims[0].Text, "."), max(left, 20))+source)
		lead = append(lead, a.Party+": "+culprit)
		if a.passage >= 0 && !slices.ContainsFunc(r.cites, func(c Citation) bool { return c.Passage == b.passages[a.passage].text }) {
			cite := b.citation(&b.passages[a.passage])
			cite.Mark = a.Claims[0].Text
			r.cites = append(r.cites, cite)
		}
	}
	r.text = truncateRunes(strings.Join(text, "; "), MaxAnswerLen)
	r.lead = strings.Join(lead, "; ")
	return r, len(r.cites) > 0
}

// namedAccounts are the accounts of the parties a question that asks who
// is behind the event names, in the question's order: none unless it asks
// who (not "which broadcaster") and says one of the [blame] words
// (asksBlame).
func (b *Base) namedAccounts(q question) []partyAccount {
	if !b.enabled(Conflicts) || q.kind != qWho || q.focus != "" || !b.asksBlame(q) {
		return nil
	}
	var picked []partyAccount
	for _, c := range q.concepts {
		if len(c.alts) == 0 {
			continue
		}
		for _, a := range b.blame() {
			if slices.ContainsFunc(a.names, func(n []string) bool { return slices.Equal(n, c.alts[0]) }) &&
				!slices.ContainsFunc(picked, func(o partyAccount) bool { return o.Party == a.Party }) {
				picked = append(picked, a)
				break
			}
		}
	}
	return picked
}

// asksBlame reports whether a question says one of the [blame] words
// as written there ("responsible", not "responsibility", which the index
// analyses alike; nor "claim" through a synonym): an English question
// among its words, another among the English words its lexicon reads it
// as ("стоит за": behind).
func (b *Base) asksBlame(q question) bool {
	ws := q.read
	if q.language == "en" {
		ws = words(q.text)
	}
	return slices.ContainsFunc(ws, func(w string) bool { return b.vocabulary.blame[strings.ToLower(w)] })
}

// A partyAccount is an account of who is behind the event, with the
// party's names as the index analyses them ("the US": us), and where its
// first statement stands: its passage (-1 when none holds it) and its
// source.
type partyAccount struct {
	glance.Account
	names   [][]string
	passage int
	source  string
}

// blame is the articles' accounts of who is behind the event, worked out
// once from the passages.
func (b *Base) blame() []partyAccount {
	b.blameOnce.Do(func() {
		for _, a := range glance.Build(b.passageDocuments()).Blame {
			pa := partyAccount{Account: a, passage: b.claimPassage(a.Claims[0])}
			pa.source = a.Claims[0].Source.Date.Human()
			if d := slices.IndexFunc(b.docs, func(d corpus.Document) bool { return d.ID == a.Claims[0].Source.DocID }); d >= 0 {
				pa.source = b.source(d)
			}
			for _, name := range append(glance.Aliases(a.Party), a.Party) {
				if ts := b.terms(name); len(ts) > 0 {
					pa.names = append(pa.names, ts)
				}
			}
			b.blameAccounts = append(b.blameAccounts, pa)
		}
	})
	return b.blameAccounts
}

// passageDocuments are the articles that passages come from, their bodies
// made of their passages (bylines left out): what the index holds of them.
func (b *Base) passageDocuments() []corpus.Document {
	bodies := map[int][]string{}
	var order []int
	for i := range b.passages {
		p := &b.passages[i]
		if by, ok := byline(p.doc, b.docs[p.doc]); ok && by.text == p.text {
			continue
		}
		if _, ok := bodies[p.doc]; !ok {
			order = append(order, p.doc)
		}
		bodies[p.doc] = append(bodies[p.doc], p.text)
	}
	out := make([]corpus.Document, 0, len(order))
	for _, d := range order {
		doc := b.docs[d]
		doc.Body = strings.Join(bodies[d], "\n\n")
		out = append(out, doc)
	}
	return out
}

// claimPassage is the index of the passage that holds a statement, or
// -1.
func (b *Base) claimPassage(c glance.Claim) int {
	return slices.IndexFunc(b.passages, func(p passage) bool {
		return b.docs[p.doc].ID == c.Source.DocID && strings.Contains(p.text, c.Text)
	})
}
