package knowledge

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// compose writes the answer from the scored sentences, best first: for a
// count that the articles report differently, every report with its date;
// for a message that says the reports differ, each side; otherwise the
// best sentence, and beside it the next best when it scores within the
// margin of it (see companion), with the passages of other articles that
// say the same as further citations.
func (b *Base) compose(q question, cands []candidate, a Answer, m margins) Answer {
	a.Found = true
	if q.counting && b.enabled(Conflicts) {
		if text, lead, cites, ok := b.conflict(q, cands); ok {
			a.Text, a.Lead, a.Citations = text, lead, cites
			return a
		}
	}
	if r, ok := b.accounts(q); ok {
		a.Text, a.Lead, a.Citations = r.text, r.lead, r.cites
		return a
	}
	if q.conflicting && b.enabled(Conflicts) {
		if r, ok := b.reports(q, cands); ok {
			a.Text, a.Lead, a.Citations = r.text, r.lead, r.cites
			return a
		}
	}
	cands = b.commonSpelling(q, cands)
	best := cands[0]
	best.number = b.checkedCount(q, best)
	p := &b.passages[best.passage]
	a.Text = answerText(q, p, best.sentence)
	a.Lead = leadPhrase(q, p.sentence(best.sentence), &p.info[best.sentence], best.number)
	first := b.citation(p)
	first.Mark = a.Lead
	if first.Mark == "" {
		first.Mark = p.sentence(best.sentence)
	}
	a.Citations = append(a.Citations, first)
	seen := map[int]bool{p.doc: true}
	if c, gap, ok := b.companion(q, cands, a.Text, a.Lead); ok && b.enabled(Companions) {
		report := b.isReport(q, best, c)
		if (!report || b.enabled(Conflicts)) && gap <= m.of(report) {
			if paired, ok := b.pair(q, a, best, c); ok {
				a = paired
				seen[b.passages[c.passage].doc] = true
			}
		}
	}
	// Other strong passages from other articles, for the reader.
	for _, c := range cands[1:] {
		op := &b.passages[c.passage]
		if len(a.Citations) >= 3 || c.coverage < minCoverage || c.prior < best.prior*0.8 {
			break
		}
		if !seen[op.doc] {
			seen[op.doc] = true
			cite := b.citation(op)
			if a.Lead != "" && strings.Contains(cite.Passage, a.Lead) {
				cite.Mark = a.Lead
			}
			a.Citations = append(a.Citations, cite)
		}
	}
	return a
}

// maxReports is how many articles' reports a conflicting answer gives:
// two sides, each room enough for its sentence.
const maxReports = 2

type composed struct {
	text, lead string
	cites      []Citation
}

// reports composes an answer for a message that says the reports differ:
// the best sentence, and the best of another article that gives another
// answer — another name, number, date or place where the kind has one
// (not the same in another spelling, nor one the first side's sentence
// states: "Islamic State" beside "Islamic State – Caucasus Province"),
// else another sentence holding the kind of answer asked for — latest
// article first, each with its source and date and its passage cited. It
// reports false when no other article answers otherwise. For a "which
// X" question each side must name an instance of X (focusInstances), when
// the sentences name any.
func (b *Base) reports(q question, cands []candidate) (composed, bool) {
	var picked []candidate
	var leads []string
	instances := b.focusInstances(q, cands)
	seenDoc := map[int]bool{}
	seenText := map[string]bool{}
	var firstSide string // the first side's sentence, compared
	for i, c := range cands {
		if len(picked) == maxReports || i >= 3*candidates {
			break
		}
		p := &b.passages[c.passage]
		s := p.sentence(c.sentence)
		c.number = b.checkedCount(q, c)
		if seenDoc[p.doc] || seenText[normalSentence(s)] || q.counting && c.number == nil || len(picked) > 0 && (!b.holdsKind(q, &c) || c.coverage < minCoverage) {
			continue
		}
		l := leadPhrase(q, s, &p.info[c.sentence], c.number)
		if len(instances) > 0 && !slices.ContainsFunc(instances, func(n string) bool { return l != "" && sameAnswer(n, l) }) {
			continue // not one of the things asked for: "the Kremlin" for "which branch"
		}
		if len(picked) > 0 && leads[0] != "" && (l == "" || slices.ContainsFunc(leads, func(o string) bool { return sameAnswer(o, l) }) || strings.Contains(firstSide, normalSentence(l))) {
			continue // the same answer again, or one the first side states
		}
		if len(picked) == 0 {
			firstSide = normalSentence(s)
		}
		seenDoc[p.doc], seenText[normalSentence(s)] = true, true
		picked, leads = append(picked, c), append(leads, l)
	}
	if len(picked) < 2 {
		return composed{}, false
	}
	sort.SliceStable(picked, func(i, j int) bool {
		return b.passages[picked[i].passage].doc > b.passages[picked[j].passage].doc
	})
	rooms := b.sideRooms(picked)
	var r composed
	var text, lead []string
	for i, c := range picked {
		p := &b.passages[c.passage]
		s := p.sentence(c.sentence)
		date := b.docs[p.doc].Date.Human()
		l := leadPhrase(q, s, &p.info[c.sentence], c.number)
		text = append(text, fmt.Sprintf("%s (%s)", strings.TrimRight(excerpt(q, s, &p.info[c.sentence], l, rooms[i]), "."), b.source(p.doc)))
		cite := b.citation(p)
		cite.Mark = l
		if l == "" {
			cite.Mark = s
		} else {
			lead = append(lead, l+", "+date)
		}
		r.cites = append(r.cites, cite)
	}
	r.text = truncateRunes(strings.Join(text, "; "), MaxAnswerLen)
	r.lead = strings.Join(lead, "; ")
	return r, true
}

// instanceWindow is how many words may stand between a name and the noun
// it is an instance of: "ISIS-K, the branch", "a branch of the Islamic
// State".
const instanceWindow = 3

// focusInstances is the names that the candidates' sentences set beside
// the noun a "which X" question asks for ("Caucasus Province branch",
// "ISIS-K, the branch of the group"): the answers such a question can
// have. It is nil when the question asks for no noun or no sentence sets
// a name beside it.
func (b *Base) focusInstances(q question, cands []candidate) []string {
	if q.focus == "" {
		return nil
	}
	var names []string
	for i, c := range cands {
		if i >= 3*candidates {
			break
		}
		p := &b.passages[c.passage]
		at := p.info[c.sentence].terms[q.focus]
		if len(at) == 0 {
			continue
		}
		s := p.sentence(c.sentence)
		for _, loc := range nameRE.FindAllStringIndex(s, -1) {
			if wordsApart(s, loc, at) <= instanceWindow {
				names = append(names, s[loc[0]:loc[1]])
			}
		}
	}
	return names
}

// wordsApart is how many words of s stand between the span loc and the
// nearest word starting at one of offsets.
func wordsApart(s string, loc []int, offsets []int) int {
	n := math.MaxInt
	for _, o := range offsets {
		switch {
		case o >= loc[1]:
			n = min(n, len(strings.Fields(s[loc[1]:o])))
		case o < loc[0]:
			n = min(n, len(strings.Fields(s[o:loc[0]]))-1) // less the word at o
		default:
			n = 0
		}
	}
	return n
}

// sideRooms shares among the sides of a conflicting answer the runes
// their sources' labels and the "; " between them leave: a side whose
// sentence is shorter than an equal share keeps it whole and leaves the
// rest to the others.
func (b *Base) sideRooms(sides []candidate) []int {
	left := MaxAnswerLen - 2*(len(sides)-1)
	need := make([]int, len(sides))
	for i, c := range sides {
		p := &b.passages[c.passage]
		left -= utf8.RuneCountInString(b.source(p.doc)) + 3
		need[i] = utf8.RuneCountInString(p.sentence(c.sentence))
	}
	order := make([]int, len(sides))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(x, y int) int { return need[x] - need[y] })
	rooms := make([]int, len(sides))
	for k, i := range order {
		rooms[i] = min(need[i], left/(len(sides)-k))
		left -= rooms[i]
	}
	return rooms
}

// source names an article in an answer's text: its publisher, else its
// author, if known, and its date.
func (b *Base) source(doc int) string {
	d := &b.docs[doc]
	for _, by := range []string{d.Publisher, d.Author} {
		if by != "" {
			return by + ", " + d.Date.Human()
		}
	}
	return d.Date.Human()
}

// conflict composes an answer for a count that the articles report
// differently: the latest figure first, then the earlier ones with their
// dates, each from a cited passage. It reports false when the articles
// agree or only one gives a figure.
func (b *Base) conflict(q question, cands []candidate) (string, string, []Citation, bool) {
	type report struct {
		c   candidate
		doc int
	}
	var reports []report // one per article: its best sentence with a count
	seenDoc := map[int]bool{}
	top := cands[0].prior
	counts := -1 // what the best count counts, as its sentence says
	for _, c := range cands {
		if n := b.checkedCount(q, c); n != nil && c.coverage >= minCoverage {
			p := &b.passages[c.passage]
			counts = b.countedConcept(q, p.sentence(c.sentence), n)
			break
		}
	}
	if counts < 0 {
		return "", "", nil, false
	}
	for _, c := range cands {
		strong := c.coverage >= minCoverage && c.prior >= top-conflictMargin
		// A later article may count the same thing without repeating
		// the question's context ("in the Crocus City Hall attack").
		same := c.coverage >= conflictCoverage
		if c.number = b.countOf(q, c, counts); c.number == nil || !(strong || same) {
			continue
		}
		d := b.passages[c.passage].doc
		if !seenDoc[d] {
			seenDoc[d] = true
			reports = append(reports, report{c, d})
		}
	}
	if len(reports) < 2 {
		return "", "", nil, false
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
			if d, ed := hasDigit(r.c.number.value), hasDigit(e.c.number.value); d && !ed || d == ed && r.c.prior > e.c.prior {
				earlier[i] = r
			}
			continue
		}
		values[v] = true
		byDate[date] = len(earlier)
		earlier = append(earlier, r)
	}
	if len(earlier) == 0 {
		return "", "", nil, false
	}
	lp := &b.passages[latest.c.passage]
	var tail strings.Builder
	tail.WriteString(" Earlier reports: ")
	cites := []Citation{b.citation(lp)}
	cites[0].Mark = latest.c.number.text
	lead := fmt.Sprintf("%s, %s; earlier ", latest.c.number.text, b.docs[lp.doc].Date.Human())
	for i, r := range earlier {
		if i > 0 {
			tail.WriteString("; ")
		}
		fmt.Fprintf(&tail, "%s (%s)", strings.ToLower(r.c.number.text), b.docs[r.doc].Date.Human())
		c := b.citation(&b.passages[r.c.passage])
		c.Mark = r.c.number.text
		cites = append(cites, c)
		if i > 0 {
			lead += ", "
		}
		lead += fmt.Sprintf("%s (%s)", r.c.number.text, b.docs[r.doc].Date.Human())
	}
	tail.WriteString(".")
	head := fmt.Sprintf(" (%s, the latest report).", b.docs[lp.doc].Date.Human())
	room := MaxAnswerLen - utf8.RuneCountInString(head) - utf8.RuneCountInString(tail.String())
	if room < 60 {
		return "", "", nil, false
	}
	s := strings.TrimRight(lp.sentence(latest.c.sentence), ".")
	return truncateRunes(s, room) + head + tail.String(), lead, cites, true
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

// leadPhrase is the answer itself, cut from the best sentence by the kind
// of question (see kindTable): the number that counts what was asked, the
// date, the place or name the question does not hold, the words quoted;
// "" when the kind has no short form (why, how, yes/no) or the sentence
// none.
func leadPhrase(q question, sentence string, info *sentenceInfo, counted *numberAt) string {
	if cut := kindTable[q.kind].lead; cut != nil {
		return cut(q, sentence, info, counted)
	}
	return ""
}

// leadCount is the number that counts what was asked.
func leadCount(_ question, _ string, _ *sentenceInfo, counted *numberAt) string {
	if counted != nil {
		return counted.text
	}
	return ""
}

// leadDate is the day of a month, else any time, the sentence names:
// not the verb "may", which the date patterns, matching any case, take
// for the month.
func leadDate(_ question, sentence string, _ *sentenceInfo, _ *numberAt) string {
	for _, re := range []*regexp.Regexp{exactDateRE, dateRE} {
		for _, m := range re.FindAllString(sentence, -1) {
			if !strings.HasPrefix(m, "may") {
				return m
			}
		}
	}
	return ""
}

// leadPlace is the first place the sentence names that the question does
// not, in none of its words (and no nationality: "in Russian custody"; no
// time: "in the evening of March 22"; no part of a name: "Islamic State
// of Iraq"; no news outlet: "a summary in RT").
func leadPlace(q question, sentence string, info *sentenceInfo, _ *numberAt) string {
	questionWords := words(strings.ToLower(q.text))
	for _, m := range info.placeAt {
		place := sentence[m[2]:m[3]]
		placeWords := strings.Fields(place)
		if demonymRE.MatchString(placeWords[0]) || continuesName(sentence[:m[0]], sentence[m[0]:m[2]]) ||
			slices.ContainsFunc(placeWords, func(w string) bool { return slices.Contains(questionWords, strings.ToLower(w)) }) {
			continue
		}
		return place
	}
	return ""
}

// continuesName reports whether a place after the preposition prep,
// which follows before, is part of a name: "of" after a capitalised word
// ("State of Iraq").
func continuesName(before, prep string) bool {
	if !strings.HasPrefix(strings.ToLower(prep), "of") {
		return false
	}
	ws := strings.Fields(before)
	if len(ws) == 0 {
		return false
	}
	r, _ := utf8.DecodeRuneInString(ws[len(ws)-1])
	return unicode.IsUpper(r)
}

// leadName is the first name the sentence gives that the question does
// not.
func leadName(q question, sentence string, info *sentenceInfo, _ *numberAt) string {
	locs := nameRE.FindAllStringIndex(sentence, -1)
	// "Which branch": the name next to the noun asked for first.
	if at := info.terms[q.focus]; q.focus != "" && len(at) > 0 {
		slices.SortStableFunc(locs, func(x, y []int) int { return nameDistance(x, at) - nameDistance(y, at) })
	}
	var places [][]int // a who answer is no place
	if q.kind == qWho {
		places = info.placeAt
	}
	for _, loc := range locs {
		m := sentence[loc[0]:loc[1]]
		for _, article := range []string{"The ", "A ", "An "} {
			m = strings.TrimPrefix(m, article)
		}
		// A sentence's first word is capitalised whatever it is.
		if loc[0] == 0 && !strings.Contains(m, " ") {
			continue
		}
		if dateRE.FindString(m) == m {
			continue // a time is no name ("Friday")
		}
		if !strings.Contains(strings.ToLower(q.text), strings.ToLower(m)) && !namesEvent(q, info, loc[0], loc[1]) && !overlaps(places, loc) {
			return m
		}
	}
	return ""
}

// overlaps reports whether the name at loc starts within one of places,
// placeRE's submatch indexes ("at the Crocus City Hall"). A place inside
// the name is part of it: "Islamic State of Iraq" is no place.
func overlaps(places [][]int, loc []int) bool {
	return slices.ContainsFunc(places, func(m []int) bool { return m[2] <= loc[0] && loc[0] < m[3] })
}

// namesEvent reports whether a word of the sentence between byte offsets start
// and end names the event the question's pronoun stands for ("Crocus
// City Hall" for "who did it?").
func namesEvent(q question, info *sentenceInfo, start, end int) bool {
	for _, c := range q.concepts {
		if !c.event {
			continue
		}
		for _, alt := range c.alts {
			if len(alt) != 1 {
				continue
			}
			if slices.ContainsFunc(info.terms[alt[0]], func(at int) bool { return at >= start && at < end }) {
				return true
			}
		}
	}
	return false
}

// leadQuote is the longest quotation of the sentence, if long enough to
// be what someone said.
func leadQuote(_ question, sentence string, info *sentenceInfo, _ *numberAt) string {
	if info.quoted < 30 {
		return ""
	}
	best := ""
	for _, m := range quoteRE.FindAllString(sentence, -1) {
		if utf8.RuneCountInString(m) > utf8.RuneCountInString(best) {
			best = m
		}
	}
	return strings.Trim(best, "“”\"«»")
}

// nameRE finds a run of capitalised words: a name.
var nameRE = regexp.MustCompile(`\p{Lu}[\p{L}'’-]*(?:\s+(?:of\s+the\s+|of\s+)?\p{Lu}[\p{L}'’-]*)*`)

// nameDistance is how far, in bytes, the span loc is from the nearest of
// offsets: of "ISIS Islamic State – Caucasus Province branch", the name
// of the branch is the nearer.
func nameDistance(loc []int, offsets []int) int {
	d := math.MaxInt
	for _, o := range offsets {
		switch {
		case o >= loc[1]:
			d = min(d, o-loc[1])
		case o < loc[0]:
			d = min(d, loc[0]-o)
		default:
			d = 0
		}
	}
	return d
}

// excerpt cuts a sentence to at most room runes (counted as bytes, which
// is no fewer) around what answers: the lead phrase when there is one,
// else the window holding most of the question's concepts and of the
// evidence of the kind of answer asked for ("using gasoline" for how).
func excerpt(q question, s string, info *sentenceInfo, lead string, room int) string {
	if utf8.RuneCountInString(s) <= room {
		return s
	}
	var anchors []int
	if at := strings.Index(s, lead); lead != "" && at >= 0 {
		anchors = append(anchors, at, at+len(lead)-1)
	} else {
		for _, c := range q.concepts {
			for _, alt := range slices.Concat(c.alts, c.soft) {
				if pos, ok := carries(info.terms, alt); ok {
					anchors = append(anchors, pos)
				}
			}
		}
		if re := kindTable[q.kind].evidence; re != nil {
			for _, m := range re.FindAllStringIndex(s, -1) {
				anchors = append(anchors, m[0], m[1]-1)
			}
		}
	}
	// The window of room-2 bytes (for the ellipses) from an anchor, less
	// a little lead-in, that holds the most anchors.
	width := room - 2
	start, most := 0, -1
	for _, a := range slices.Concat([]int{width / 6}, anchors) {
		from := max(0, a-width/6) // the first: the sentence's start
		n := 0
		for _, b := range anchors {
			if from <= b && b < from+width {
				n++
			}
		}
		if n > most {
			start, most = from, n
		}
	}
	for start > 0 && !utf8.RuneStart(s[start]) {
		start--
	}
	if i := strings.IndexByte(s[start:], ' '); start > 0 && i >= 0 && i < width/6 {
		start += i + 1
	}
	out := truncateRunes(s[start:], width)
	if start > 0 {
		out = "…" + out
	}
	return out
}

// commonSpelling returns cands with the best sentence given way to one
// that gives the same short answer in the spelling the articles use most,
// when it scores within the companion margin of it: an article that
// misspells a name once ("Krasogorsk") does not put the misspelling first.
func (b *Base) commonSpelling(q question, cands []candidate) []candidate {
	best := cands[0]
	p := &b.passages[best.passage]
	lead := leadPhrase(q, p.sentence(best.sentence), &p.info[best.sentence], best.number)
	if lead == "" || hasDigit(lead) {
		return cands
	}
	for i, c := range cands[1:] {
		if best.score-c.score > b.model.Companion {
			break
		}
		op := &b.passages[c.passage]
		other := leadPhrase(q, op.sentence(c.sentence), &op.info[c.sentence], c.number)
		if !misspelling(strings.ToLower(lead), strings.ToLower(other)) || b.spelling[lastWord(other)] <= b.spelling[lastWord(lead)] {
			continue
		}
		out := slices.Clone(cands)
		out[0], out[i+1] = out[i+1], out[0]
		return out
	}
	return cands
}

// lastWord is the last word of a short answer, lower case: the name a
// phrase ends with.
func lastWord(answer string) string {
	ws := strings.Fields(strings.ToLower(answer))
	if len(ws) == 0 {
		return ""
	}
	return ws[len(ws)-1]
}
