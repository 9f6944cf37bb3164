package knowledge

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

const (
	// maxQuestionLen caps the runes of a question that are analysed.
	maxQuestionLen = 500
	// candidates is how many passages are retrieved per question.
	candidates = 30
	// minCoverage is the share of the question's weight that the best
	// sentence, with its passage, must carry for an answer to be given.
	minCoverage = 0.55
	// contextShare is how much a concept counts when the passage around a
	// sentence carries it but the sentence does not.
	contextShare = 0.4
	// instanceShare is how much a concept naming the kind of the answer
	// ("which network") counts when the sentence names an instance of
	// that kind ("CBS News") rather than the word itself.
	instanceShare = 1.0
	// conflictMargin is how far below the best sentence's score another
	// article's count may be and still be reported: a later article may
	// not repeat the question's context ("in the Crocus attack").
	conflictMargin = 0.5
	// conflictCoverage is the least coverage of a sentence that counts
	// the same thing as the best answer, for it to be reported.
	conflictCoverage = 0.3
)

// termStats holds passage frequencies of analysed terms, for idf weights.
type termStats struct {
	df map[string]int
	n  int
}

func (s termStats) idf(term string) float64 {
	df := float64(s.df[term])
	return math.Log(1 + (float64(s.n)-df+0.5)/(df+0.5))
}

// unseenIDF is the idf of a term no passage has: the most any term weighs.
func (s termStats) unseenIDF() float64 {
	return math.Log(1 + (float64(s.n)+0.5)/0.5)
}

// sentenceInfo is what ranking needs of a sentence, worked out once when
// the index is built.
type sentenceInfo struct {
	terms   map[string][]int // term → byte offsets in the sentence
	numbers []numberAt
	date    bool
	exact   bool            // a day of a month
	names   map[string]bool // terms of capitalised words past the first
	places  map[string]bool // terms of capitalised words after in, at, near...
	reason  bool
	manner  bool
	stance  bool // affirms or denies: "denied", "confirmed"
	quoted  int  // runes of the longest quotation
	speech  bool // reported speech: "said that", "told"
}

type numberAt struct {
	start, end int
	text       string // with its qualifier: "at least 40"
	value      string // "40"
}

var (
	numberRE = regexp.MustCompile(`(?i)\b(?:(at least|more than|over|about|around|nearly|almost|some|up to|roughly|approximately)\s+)?(\d[\d,.]*(?:-\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|dozens?|hundreds|thousands|decades?)\b`)
	// exactDateRE finds a day of a month ("March 7", "22 March");
	// dateRE any mention of a time.
	months      = `(?:january|february|march|april|may|june|july|august|september|october|november|december)`
	exactDateRE = regexp.MustCompile(`(?i)\b(?:` + months + `\s+\d{1,2}|\d{1,2}\s+` + months + `)\b`)
	dateRE      = regexp.MustCompile(`(?i)\b(?:` + months + `|monday|tuesday|wednesday|thursday|friday|saturday|sunday|tonight|yesterday|earlier this month|this month|last week|days? (?:ago|after|before|later)|(?:19|20)\d\d)\b`)
	placeRE     = regexp.MustCompile(`\b(?:in|at|near|from|outside|to|on|of|into|across)\s+(?:the\s+)?(\p{Lu}[\p{L}-]+(?:\s+\p{Lu}[\p{L}-]+)?)`)
	reasonRE    = regexp.MustCompile(`(?i)\b(?:because|since|due to|as a result|reasons?|suggests?|therefore|in order to|so that|evidence|after|so as)\b`)
	// mannerRE finds a means: "with gasoline", "threw a grenade".
	mannerRE = regexp.MustCompile(`(?i)\b(?:with|using|used|threw|throwing|by means of|via)\b`)
	stanceRE = regexp.MustCompile(`(?i)\b(?:denied|denies|deny|rejected|rejects|refuted|dismissed|confirmed|confirms|admitted)\b`)
	quoteRE  = regexp.MustCompile(`“[^”]*”|"[^"]*"|«[^»]*»`)
	speechRE = regexp.MustCompile(`(?i)\b(?:said|says|say|told|telling|stated|warned|urged|advised|called on|asked)\b`)
	// demonymRE matches adjectives of nationality, which name no place
	// ("in Russian custody").
	demonymRE = regexp.MustCompile(`(?:ian|ean|ese|ish|ic|i)$`)
	// countNouns are too general to tell what a number counts.
	countNouns = map[string]bool{"peopl": true, "person": true, "other": true, "individu": true}
)

func (b *Base) sentenceInfo(s string) sentenceInfo {
	info := sentenceInfo{terms: map[string][]int{}, names: map[string]bool{}, places: map[string]bool{}}
	for _, tok := range b.analyzer.Analyze([]byte(s)) {
		t := string(tok.Term)
		info.terms[t] = append(info.terms[t], tok.Start)
	}
	dates := exactDateRE.FindAllStringIndex(s, -1)
	for _, m := range numberRE.FindAllStringSubmatchIndex(s, -1) {
		if inSpans(m[4], dates) {
			continue // the day of a date ("March 22") counts nothing
		}
		info.numbers = append(info.numbers, numberAt{start: m[4], end: m[5], text: s[m[0]:m[1]], value: s[m[4]:m[5]]})
	}
	info.date = dateRE.MatchString(s)
	info.exact = exactDateRE.MatchString(s)
	for i, w := range words(s) {
		if r, _ := utf8.DecodeRuneInString(w); i > 0 && unicode.IsUpper(r) {
			for _, t := range b.terms(w) {
				info.names[t] = true
			}
		}
	}
	for _, m := range placeRE.FindAllStringSubmatch(s, -1) {
		if demonymRE.MatchString(strings.Fields(m[1])[0]) {
			continue
		}
		for _, t := range b.terms(m[1]) {
			info.places[t] = true
		}
	}
	for _, m := range quoteRE.FindAllString(s, -1) {
		info.quoted = max(info.quoted, utf8.RuneCountInString(m)-2)
	}
	info.speech = speechRE.MatchString(s)
	info.reason = reasonRE.MatchString(s)
	info.stance = stanceRE.MatchString(s)
	info.manner = mannerRE.MatchString(s)
	return info
}

func inSpans(i int, spans [][]int) bool {
	for _, sp := range spans {
		if sp[0] <= i && i < sp[1] {
			return true
		}
	}
	return false
}

// carries reports whether the term offsets hold alt, and where.
func carries(terms map[string][]int, alt []string) (int, bool) {
	if len(alt) == 0 {
		return 0, false
	}
	pos := -1
	for _, t := range alt {
		offs, ok := terms[t]
		if !ok {
			return 0, false
		}
		if pos < 0 {
			pos = offs[0]
		}
	}
	return pos, true
}

// candidate is a sentence scored for a question.
type candidate struct {
	passage  int
	sentence int
	coverage float64 // share of the question's weight carried
	score    float64 // coverage plus answer-kind evidence
	number   *numberAt
	counts   int // the concept number counts, for a how-many question
}

// A unit is where a sentence carries one of the question's concepts: a
// number next to it counts it.
type unit struct {
	pos     int // byte offset in the sentence
	concept int // index into question.concepts
}

// Answer answers question from the corpus. User text is never parsed as
// query syntax: it is analysed into terms like the indexed text.
func (b *Base) Answer(ctx context.Context, text string) (Answer, error) {
	a := Answer{Question: text, Language: "en", Citations: []Citation{}}
	q := b.analyse(truncateRunes(strings.TrimSpace(text), maxQuestionLen))
	a.Language = q.language
	if len(q.concepts) == 0 {
		return a, nil
	}
	hits, err := b.retrieve(ctx, q)
	if err != nil {
		return Answer{}, err
	}
	cands := b.rank(q, hits)
	if len(cands) == 0 || cands[0].coverage < minCoverage || !b.holdsKind(q, cands[0]) {
		return a, nil
	}
	a.Found = true
	if q.counting && b.enabled(Conflicts) {
		if text, cites, ok := b.conflict(q, cands); ok {
			a.Text, a.Citations = text, cites
			return a, nil
		}
	}
	best := cands[0]
	p := &b.passages[best.passage]
	a.Text = answerText(q, p, best.sentence)
	a.Citations = append(a.Citations, b.citation(p))
	// Other strong passages from other articles, for the reader.
	seen := map[int]bool{p.doc: true}
	for _, c := range cands[1:] {
		op := &b.passages[c.passage]
		if len(a.Citations) >= 3 || c.coverage < minCoverage || c.score < best.score*0.8 {
			break
		}
		if !seen[op.doc] {
			seen[op.doc] = true
			a.Citations = append(a.Citations, b.citation(op))
		}
	}
	return a, nil
}

// retrieve finds the passages of articles about the event that best
// match the question's concepts, each alternative a query of its own.
func (b *Base) retrieve(ctx context.Context, q question) ([]int, error) {
	var should []query.Query
	for _, c := range q.concepts {
		for _, alt := range c.alts {
			var qs []query.Query
			for _, t := range alt {
				tq := bleve.NewTermQuery(t)
				tq.SetField(fieldText)
				qs = append(qs, tq)
			}
			if len(qs) == 0 {
				continue
			}
			var one query.Query = qs[0]
			if len(qs) > 1 {
				one = bleve.NewConjunctionQuery(qs...)
			}
			if bq, ok := one.(query.BoostableQuery); ok {
				bq.SetBoost(c.weight)
			}
			should = append(should, one)
		}
	}
	if len(should) == 0 {
		return nil, nil
	}
	var qry query.Query = bleve.NewDisjunctionQuery(should...)
	if b.enabled(EventFilter) {
		on := bleve.NewTermQuery(onEvent)
		on.SetField(fieldEvent)
		on.SetBoost(0)
		qry = bleve.NewConjunctionQuery(qry, on)
	}
	req := bleve.NewSearchRequestOptions(qry, candidates, 0, false)
	res, err := b.index.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", q.text, err)
	}
	out := make([]int, 0, len(res.Hits))
	for _, h := range res.Hits {
		i, err := strconv.Atoi(h.ID)
		if err != nil || i < 0 || i >= len(b.passages) {
			return nil, fmt.Errorf("search %q: bad hit id %q", q.text, h.ID)
		}
		out = append(out, i)
	}
	return out, nil
}

// rank scores every sentence of the retrieved passages, best first.
func (b *Base) rank(q question, hits []int) []candidate {
	var total float64
	for _, c := range q.concepts {
		total += c.weight
	}
	questionTerms := map[string]bool{}
	for _, c := range q.concepts {
		for _, alt := range c.alts {
			for _, t := range alt {
				questionTerms[t] = true
			}
		}
	}
	var out []candidate
	for rank, pi := range hits {
		p := &b.passages[pi]
		for si := range p.sentences {
			info := &p.info[si]
			instance := namesInstance(q.kind, info, questionTerms)
			var carried float64
			var units []unit
			for ci, c := range q.concepts {
				found := false
				for _, alt := range c.alts {
					if pos, ok := carries(info.terms, alt); ok {
						found = true
						if !(len(alt) == 1 && countNouns[alt[0]]) {
							units = append(units, unit{pos, ci})
						}
						break
					}
				}
				switch {
				case found:
					carried += c.weight
				case c.typed && instance:
					carried += instanceShare * c.weight
				case b.passageCarries(p, c):
					carried += contextShare * c.weight
				}
			}
			cand := candidate{passage: pi, sentence: si, coverage: carried / total}
			cand.score = cand.coverage + 0.02/float64(rank+1)
			if b.enabled(AnswerTypes) {
				bonus, num, counts := kindEvidence(q, info, questionTerms, units)
				cand.score += bonus
				cand.number, cand.counts = num, counts
			}
			out = append(out, cand)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].score > out[j].score })
	return out
}

func (b *Base) passageCarries(p *passage, c concept) bool {
	for _, alt := range c.alts {
		if _, ok := carries(p.terms, alt); ok {
			return true
		}
	}
	return false
}

// holdsKind reports whether the best sentence holds an answer of the kind
// asked for, where a kind demands one: a how-many answer needs a number
// that counts what was asked, a when answer a time. A sentence that only
// shares the question's words ("crawl towards the exits" for "how many
// exits") is no answer.
func (b *Base) holdsKind(q question, best candidate) bool {
	if !b.enabled(AnswerTypes) {
		return true
	}
	info := &b.passages[best.passage].info[best.sentence]
	switch q.kind {
	case qHowMany:
		return best.number != nil || (len(info.numbers) > 0 && q.language != "en")
	case qWhen:
		return info.date
	}
	return true
}

// namesInstance reports whether a sentence names a thing of the kind the
// question asks for that the question does not name itself: a date, a
// place, or else a name.
func namesInstance(kind qtype, info *sentenceInfo, questionTerms map[string]bool) bool {
	switch kind {
	case qWhen:
		return info.date
	case qWhere:
		return hasNew(info.places, questionTerms)
	}
	return hasNew(info.names, questionTerms)
}

func hasNew(set, known map[string]bool) bool {
	for t := range set {
		if !known[t] {
			return true
		}
	}
	return false
}

// kindEvidence scores how well a sentence holds the kind of answer the
// question wants, beyond the question's own words. For a how-many
// question it also returns the number that counts what was asked.
func kindEvidence(q question, info *sentenceInfo, questionTerms map[string]bool, units []unit) (float64, *numberAt, int) {
	switch q.kind {
	case qHowMany:
		if n, counts := countedNumber(info.numbers, units); n != nil {
			return 0.3, n, counts
		}
		if len(info.numbers) > 0 {
			return 0.1, nil, -1
		}
		return -0.1, nil, -1
	case qWhen:
		if info.exact {
			return 0.35, nil, -1
		}
		if info.date {
			return 0.15, nil, -1
		}
		return -0.1, nil, -1
	case qWhere:
		if hasNew(info.places, questionTerms) {
			return 0.25, nil, -1
		}
	case qWho:
		if hasNew(info.names, questionTerms) {
			return 0.15, nil, -1
		}
	case qWhy:
		if info.reason {
			return 0.2, nil, -1
		}
	case qHow:
		if info.manner {
			return 0.1, nil, -1
		}
	case qYesNo:
		if info.stance {
			return 0.1, nil, -1
		}
	case qQuote:
		switch {
		case info.quoted >= 30:
			return 0.15, nil, -1
		case info.speech:
			return 0.05, nil, -1
		}
	}
	return 0, nil, -1
}

// countedNumber finds the number that counts the thing at one of units,
// and which concept that is: just before it ("139 people were killed"),
// or else just after it ("killing at least 40 people").
func countedNumber(nums []numberAt, units []unit) (*numberAt, int) {
	var best *numberAt
	counts := -1
	bestDist := math.MaxInt
	for _, un := range units {
		u := un.pos
		for i := range nums {
			n := &nums[i]
			var d int
			switch {
			case n.end <= u && u-n.end <= 30:
				d = u - n.end
			case n.start >= u && n.start-u <= 30:
				d = n.start - u + 15 // after the unit: a weaker reading
			default:
				continue
			}
			if d < bestDist {
				best, bestDist, counts = n, d, un.concept
			}
		}
	}
	return best, counts
}

// conflict composes an answer for a count that the articles report
// differently: the latest figure first, then the earlier ones with their
// dates, each from a cited passage. It reports false when the articles
// agree or only one gives a figure.
func (b *Base) conflict(q question, cands []candidate) (string, []Citation, bool) {
	type report struct {
		c   candidate
		doc int
	}
	var reports []report // one per article: its best sentence with a count
	seenDoc := map[int]bool{}
	top := cands[0].score
	counts := -1 // what the best count counts
	for _, c := range cands {
		if c.number != nil && c.coverage >= minCoverage {
			counts = c.counts
			break
		}
	}
	for _, c := range cands {
		strong := c.coverage >= minCoverage && c.score >= top-conflictMargin
		// A later article may count the same thing without repeating
		// the question's context ("in the Crocus City Hall attack").
		same := c.counts == counts && c.coverage >= conflictCoverage
		if c.number == nil || !(strong || same) {
			continue
		}
		d := b.passages[c.passage].doc
		if !seenDoc[d] {
			seenDoc[d] = true
			reports = append(reports, report{c, d})
		}
	}
	if len(reports) < 2 {
		return "", nil, false
	}
	// Latest article first; docs are sorted oldest first.
	sort.SliceStable(reports, func(i, j int) bool { return reports[i].doc > reports[j].doc })
	latest := reports[0]
	var earlier []report
	values := map[string]bool{normalNumber(latest.c.number.value): true}
	byDate := map[string]int{} // date → index in earlier: one report a day
	for _, r := range reports[1:] {
		v := normalNumber(r.c.number.value)
		if values[v] {
			continue
		}
		date := b.docs[r.doc].Date.String()
		if i, ok := byDate[date]; ok {
			// A figure beats a vague "dozens"; then the better sentence.
			e := earlier[i]
			if d, ed := hasDigit(r.c.number.value), hasDigit(e.c.number.value); d && !ed || d == ed && r.c.score > e.c.score {
				earlier[i] = r
			}
			continue
		}
		values[v] = true
		byDate[date] = len(earlier)
		earlier = append(earlier, r)
	}
	if len(earlier) == 0 {
		return "", nil, false
	}
	lp := &b.passages[latest.c.passage]
	var tail strings.Builder
	tail.WriteString(" Earlier reports: ")
	cites := []Citation{b.citation(lp)}
	for i, r := range earlier {
		if i > 0 {
			tail.WriteString("; ")
		}
		fmt.Fprintf(&tail, "%s (%s)", strings.ToLower(r.c.number.text), b.docs[r.doc].Date.Human())
		cites = append(cites, b.citation(&b.passages[r.c.passage]))
	}
	tail.WriteString(".")
	head := fmt.Sprintf(" (%s, the latest report).", b.docs[lp.doc].Date.Human())
	room := MaxAnswerLen - utf8.RuneCountInString(head) - utf8.RuneCountInString(tail.String())
	if room < 60 {
		return "", nil, false
	}
	s := strings.TrimRight(lp.sentence(latest.c.sentence), ".")
	return truncateRunes(s, room) + head + tail.String(), cites, true
}

// leadPronounRE matches a sentence that leans on the one before it for
// what it is about ("They were detained in the Bryansk region").
var leadPronounRE = regexp.MustCompile(`^(?:They|He|She|It|This|These|Those|Their|His|Her|Its)\b`)

// answerText is the answer drawn from sentence si of p: the sentence,
// with the one before when it opens with a pronoun, and for a why
// question the one after, where explanations usually follow. Neighbours
// are added only while the answer stays within MaxAnswerLen.
func answerText(q question, p *passage, si int) string {
	first, last := si, si
	if si > 0 && leadPronounRE.MatchString(p.sentence(si)) {
		first = si - 1
	}
	if q.kind == qWhy && si+1 < len(p.sentences) {
		last = si + 1
	}
	for first <= si && si <= last {
		s := p.text[p.sentences[first].start:p.sentences[last].end]
		if utf8.RuneCountInString(s) <= MaxAnswerLen {
			return s
		}
		// Too long: drop the sentence after first, then the one before.
		if last > si {
			last--
		} else {
			first++
		}
	}
	return truncateRunes(p.sentence(si), MaxAnswerLen)
}

func hasDigit(s string) bool { return strings.ContainsAny(s, "0123456789") }

func normalNumber(s string) string {
	return strings.ToLower(strings.ReplaceAll(s, ",", ""))
}

// truncateRunes shortens s to at most n runes, cutting at a word boundary
// and marking the cut with an ellipsis.
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n-1]
	cut := string(r)
	if i := strings.LastIndexByte(cut, ' '); i > len(cut)/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:") + "…"
}
