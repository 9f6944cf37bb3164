package knowledge

import (
	"strings"
	"unicode/utf8"
)

// The companion of an answer is the sentence given beside the best one
// when the ranker is unsure between them: the right sentence is often
// second or third. How close it must score is the model's Companion
// margin, fitted by cmd/fitanswer on the labelled questions.

// margins are how far, in log-odds, a companion may score below the best
// candidate and still be given: any sentence, and another article's
// other short answer, its report.
type margins struct{ companion, report float64 }

func (m margins) of(report bool) float64 {
	if report {
		return m.report
	}
	return m.companion
}

// isReport reports whether c, the companion of best, is another article's
// report: it gives a short answer, and its article is not best's.
func (b *Base) isReport(q question, best, c candidate) bool {
	p := &b.passages[c.passage]
	return p.doc != b.passages[best.passage].doc && leadPhrase(q, p.sentence(c.sentence), &p.info[c.sentence], c.number) != ""
}

// alsoReported opens, in an answer's text, another article's report that
// answers differently.
const alsoReported = " Also reported ("

// companion finds the sentence that may be given beside the best
// candidate, and how far below it it scores: the best-scoring candidate
// that is another sentence, not already in text, holding the kind of
// answer asked for and, where the kind has a short answer (lead), giving
// another one — not the same name in another spelling.
func (b *Base) companion(q question, cands []candidate, text, lead string) (candidate, float64, bool) {
	if len(cands) < 2 {
		return candidate{}, 0, false
	}
	best := cands[0]
	said := normalSentence(b.passages[best.passage].sentence(best.sentence))
	for _, c := range cands[1:] {
		c.number = b.checkedCount(q, c)
		p := &b.passages[c.passage]
		s := p.sentence(c.sentence)
		if normalSentence(s) == said || strings.Contains(text, s) || !b.holdsKind(q, &c) {
			continue
		}
		if lead != "" {
			if l := leadPhrase(q, s, &p.info[c.sentence], c.number); l == "" || sameAnswer(lead, l) {
				continue
			}
		}
		return c, best.score - c.score, true
	}
	return candidate{}, 0, false
}

// minCompanion is the least room, in runes, a companion is given in: a
// quarter of the answer, room for a clause around its answer; or, when it
// has a short answer, that and minContext runes around it. The best
// sentence is never cut for it.
const (
	minCompanion = MaxAnswerLen / 4
	minContext   = 20
)

// pair adds the companion c to the answer a, after the best sentence,
// shortened around its answer (its lead phrase, else the question's
// concepts) to the room left; it reports false when too little is left.
// A companion from another article with another short answer is given as
// that article's report, with its source and date. Its passage is cited.
func (b *Base) pair(q question, a Answer, best, c candidate) (Answer, bool) {
	op := &b.passages[c.passage]
	s, info := op.sentence(c.sentence), &op.info[c.sentence]
	ol := leadPhrase(q, s, info, c.number)
	other := b.isReport(q, best, c)
	sep := " "
	if !strings.ContainsAny(lastRune(a.Text), `.!?…"”»):;`) {
		sep = ". " // the best sentence was a heading
	}
	if other {
		sep = alsoReported + b.source(op.doc) + "): "
	}
	room := MaxAnswerLen - utf8.RuneCountInString(a.Text) - utf8.RuneCountInString(sep)
	if room < minCompanion && (ol == "" || room < utf8.RuneCountInString(ol)+minContext) {
		return a, false
	}
	said := excerpt(q, s, info, ol, room)
	a.Text += sep + said
	if other && a.Lead != "" {
		a.Lead += "; also reported: " + ol + " (" + b.docs[op.doc].Date.Human() + ")"
	}
	cite := b.citation(op)
	cite.Mark = ol
	if ol == "" {
		cite.Mark = strings.Trim(said, "…")
	}
	if cite.Passage != a.Citations[0].Passage {
		a.Citations = append(a.Citations, cite)
	}
	return a, true
}

// lastRune is the last character of s, "" for an empty s.
func lastRune(s string) string {
	r, n := utf8.DecodeLastRuneInString(s)
	if n == 0 {
		return ""
	}
	return string(r)
}

// sameAnswer reports whether two short answers are the same: one holds
// the other, or they, or their last words (the name a phrase ends with:
// "ISIS-affiliated Amaq"), differ only by a misspelling ("Aamaq"); numbers
// and dates differ by a digit.
func sameAnswer(a, b string) bool {
	a, b = strings.ToLower(a), strings.ToLower(b)
	if strings.Contains(a, b) || strings.Contains(b, a) {
		return true
	}
	wa, wb := strings.Fields(a), strings.Fields(b)
	return misspelling(a, b) || len(wa) > 0 && len(wb) > 0 && misspelling(wa[len(wa)-1], wb[len(wb)-1])
}

// misspelling reports whether two words or phrases differ only by a
// misspelling: within the spelling tolerance, and without digits ("March
// 22", "March 23" are two answers).
func misspelling(a, b string) bool {
	if a == b || hasDigit(a) || hasDigit(b) {
		return false
	}
	tol := spellingTolerance(min(utf8.RuneCountInString(a), utf8.RuneCountInString(b)))
	return tol > 0 && editDistance(a, b, tol) <= tol
}

// normalSentence is a sentence compared with another: lower case, its
// quotation marks and spaces folded.
func normalSentence(s string) string {
	s = strings.NewReplacer("“", `"`, "”", `"`, "’", "'", "‘", "'").Replace(strings.ToLower(s))
	return strings.Trim(strings.Join(strings.Fields(s), " "), `".`)
}
