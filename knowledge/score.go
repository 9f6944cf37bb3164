package knowledge

import (
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

const (
	// maxQuestionLen caps the runes of a question that are analysed.
	maxQuestionLen = 500
	// candidates is how many passages are retrieved per question.
	candidates = 30
	// minCoverage is the share of the question's weight that another
	// sentence, with its passage, must carry to be cited beside the
	// answer or reported as an earlier count. (Whether to answer at all
	// is the fitted model's decision.)
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
// its passage is first retrieved (analysePassages).
type sentenceInfo struct {
	terms   map[string][]int // term → byte offsets in the sentence
	numbers []numberAt
	date    bool
	exact   bool            // a day of a month
	names   map[string]bool // terms of capitalised words past the first
	places  map[string]bool // terms of capitalised words after in, at, near...
	// placeAt are placeRE's submatch indexes of the places it names: no
	// news outlet ("a summary in RT", "according to CNN"), no time ("on
	// Friday").
	placeAt [][]int
	reason  bool
	manner  bool
	stance  bool     // affirms or denies: "denied", "confirmed"
	quoted  int      // runes of the longest quotation
	speech  bool     // reported speech: "said that", "told"
	words   []string // its words, lower case, once each
	rows    []int    // the rows of its words in the articles' vector space
	// centroid is where its words sit in meaning (space.centroid).
	centroid []float32
}

type numberAt struct {
	start, end int
	text       string // with its qualifier: "at least 40"
	value      string // "40"
}

var (
	numberRE = regexp.MustCompile(`(?i)\b(?:(at least|more than|over|about|around|nearly|almost|some|up to|roughly|approximately)\s+)?(\d[\d,.]*(?:-\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|dozens?|hundreds|thousands|decades?)\b`)
	// exactDateRE finds a day of a month ("March 7", "22 March");
	// dateRE any mention of a time that dates, which one reckoned from
	// another event ("days after the attack") does not.
	months      = `(?:january|february|march|april|may|june|july|august|september|october|november|december)`
	exactDateRE = regexp.MustCompile(`(?i)\b(?:` + months + `\s+\d{1,2}|\d{1,2}\s+` + months + `)\b`)
	dateRE      = regexp.MustCompile(`(?i)\b(?:` + months + `|monday|tuesday|wednesday|thursday|friday|saturday|sunday|tonight|yesterday|earlier this month|this month|last week|days? ago|(?:19|20)\d\d)\b`)
	placeRE     = regexp.MustCompile(`\b(?:in|at|near|from|outside|to|on|of|into|across)\s+(?:the\s+)?(\p{Lu}[\p{L}-]+(?:\s+\p{Lu}[\p{L}-]+){0,2})`)
	reasonRE    = regexp.MustCompile(`(?i)\b(?:because|since|due to|as a result|reasons?|suggests?|therefore|in order to|so that|evidence|after|so as)\b`)
	// mannerRE finds a means: "with gasoline", "threw a grenade".
	mannerRE = regexp.MustCompile(`(?i)\b(?:with|using|used|threw|throwing|by means of|via)\b`)
	stanceRE = regexp.MustCompile(`(?i)\b(?:denied|denies|deny|rejected|rejects|refuted|dismissed|confirmed|confirms|admitted)\b`)
	quoteRE  = regexp.MustCompile(`“[^”]*”|"[^"]*"|«[^»]*»`)
	speechRE = regexp.MustCompile(`(?i)\b(?:said|says|say|told|telling|stated|warned|urged|advised|called on|asked)\b`)
	// demonymRE matches adjectives of nationality, which name no place
	// ("in Russian custody").
	demonymRE = regexp.MustCompile(`(?:ian|ean|ese|ish|ic|i)$`)
)

func (b *Base) sentenceInfo(s string) sentenceInfo {
	info := sentenceInfo{terms: map[string][]int{}, names: map[string]bool{}, places: map[string]bool{}}
	seen := map[string]bool{}
	for _, w := range words(strings.ToLower(s)) {
		if !seen[w] {
			seen[w] = true
			info.words = append(info.words, w)
		}
	}
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
	for _, m := range placeRE.FindAllStringSubmatchIndex(s, -1) {
		place := s[m[2]:m[3]]
		first := strings.Fields(place)[0]
		if b.lexicon.outlets[strings.ToLower(place)] || b.lexicon.outlets[strings.ToLower(first)] || dateRE.MatchString(first) {
			continue
		}
		info.placeAt = append(info.placeAt, m)
		if demonymRE.MatchString(first) {
			continue
		}
		for _, t := range b.terms(place) {
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
	prior    float64 // coverage plus answer-kind evidence: the retrieval order
	score    float64 // the fitted model's log-odds that it answers
	features []float64
	// Shares of the question's weight carried by known concepts, through
	// WordNet, through vectors; and whether it holds the kind's answer.
	known, wordnet, vectors, held float64
	similarity                    float64 // its cosine with the question in meaning
	// conceptShare is the share of the question's concepts, counted
	// alike whatever their weight, that the sentence states.
	conceptShare float64
	number       *numberAt
}

// score scores every sentence of the retrieved passages, best first.
func (b *Base) score(q question, hits []int) []candidate {
	var total, knownTotal float64
	for _, c := range q.concepts {
		total += c.weight
		if c.origin == plainToken {
			knownTotal += c.weight
		}
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
	vecs := map[string][]float32{}
	b.analysePassages(hits)
	plain, avgLen := plainTerms(q), b.averageLength(hits)
	for rank, pi := range hits {
		p := &b.passages[pi]
		for si := range p.sentences {
			info := &p.info[si]
			instance := namesInstance(q.kind, info, questionTerms)
			var carried, known, own, soft, near float64
			// aligned and worded are the weight of the concepts of one
			// word, and its share carried by the sentence word nearest
			// in meaning to each (the alignment feature).
			var aligned, worded float64
			// paraphrased and lacked are the same for the words the
			// articles and the lexicons lack, unweighted: how near the
			// sentence comes to them is for the model to weigh, not
			// their hand-set share of the question's weight.
			var paraphrased, lacked float64
			// where the sentence carries the question's concepts (byte
			// offsets): a number next to one counts it
			var units []int
			stated := 0
			for _, c := range q.concepts {
				var nearness float64
				if c.word != "" {
					nearness = float64(max(b.nearest(vecs, c.word, info.rows), 0))
					aligned += c.weight * nearness
					worded += c.weight
					if c.origin == unknownWord {
						paraphrased += nearness
						lacked++
					}
				}
				found := false
				for _, alt := range c.alts {
					if pos, ok := carries(info.terms, alt); ok {
						found = true
						if !(len(alt) == 1 && b.vocabulary.count[alt[0]]) {
							units = append(units, pos)
						}
						break
					}
				}
				share := 0.0
				switch {
				case found:
					share = 1
					own += c.weight
					stated++
				case c.typed && instance:
					share = instanceShare
				case b.softCarries(info, c, &units):
					share = contextShare
					soft += c.weight
				case carriesAny(p.terms, c.alts):
					share = contextShare
				default:
					near += c.weight * nearness
				}
				carried += share * c.weight
				if c.origin == plainToken {
					known += share * c.weight
				}
			}
			cand := candidate{passage: pi, sentence: si, coverage: carried / total, conceptShare: float64(stated) / float64(len(q.concepts))}
			cand.prior = cand.coverage + 0.02/float64(rank+1)
			var bonus float64
			if b.enabled(AnswerTypes) {
				bonus, cand.number = kindEvidence(q, info, questionTerms, units)
				cand.prior += bonus
			}
			held := 0.0
			if b.holdsKind(q, &cand) {
				held = 1
			}
			cand.known, cand.wordnet, cand.vectors, cand.held = safeDiv(known, knownTotal), safeDiv(soft, total), safeDiv(near, total), held
			cand.similarity = similarity(q.meaning, info.centroid)
			cand.features = []float64{
				cand.coverage,
				cand.known,
				safeDiv(own, total),
				bonus,
				held,
				boolValue(instance),
				1 / float64(rank+1),
				float64(utf8.RuneCountInString(p.sentence(si))) / 100,
				cand.prior,
				b.contextCoverage(q, p, info),
				cand.wordnet,
				cand.vectors,
				boolValue(strings.HasSuffix(strings.TrimSpace(p.sentence(si)), "?")),
				proximity(units, len(p.sentence(si))),
				boolValue(si == 0),
				safeDiv(float64(len(units)), float64(len(q.concepts))),
				novelty(info, questionTerms),
				cand.similarity,
				similarity(q.meaning, p.centroid),
				b.bm25(plain, info, avgLen),
				safeDiv(aligned, worded),
				safeDiv(paraphrased, lacked),
			}
			if b.enabled(AnswerTypes) {
				cand.features = append(cand.features, kindFeatures(q, info, questionTerms, cand.number)...)
				cand.features = append(cand.features, b.rarity(q, info, questionTerms))
			} else {
				cand.features = append(cand.features, make([]float64, len(candidateFeatures)-len(cand.features))...)
			}
			cand.score = b.model.CandidateLogit(cand.features)
			out = append(out, cand)
		}
	}
	// A sentence without the kind of answer a kind demands (a count, a
	// time) cannot answer: the best that holds one goes first.
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].held != out[j].held {
			return out[i].held > out[j].held
		}
		return out[i].score > out[j].score
	})
	return out
}

// candidateFeatures names the features of a candidate sentence, in the
// order score gives them to the fitted model.
var candidateFeatures = []string{
	"coverage",        // share of the question's weight the sentence (or, less, its passage) carries
	"known_coverage",  // the same, of the concepts the articles or the lexicon know
	"own_coverage",    // share carried by the sentence itself
	"kind_evidence",   // evidence of the kind of answer asked for
	"kind_held",       // holds an answer of the kind a kind demands
	"instance",        // names a thing of the kind asked for
	"passage_rank",    // 1/(rank of its passage in retrieval)
	"length",          // hundreds of characters
	"prior",           // the retrieval order: coverage plus kind evidence
	"context",         // share of the message's other sentences' weight carried
	"wordnet",         // share carried only by words WordNet gives for the question's
	"vectors",         // share of the concepts it lacks, times the similarity of its nearest word
	"interrogative",   // the sentence is itself a question (a heading: "What did Putin say?")
	"proximity",       // how close together the question's concepts are in it
	"first",           // the first sentence of its passage
	"concept_share",   // share of the question's concepts it carries, unweighted
	"novelty",         // share of its terms the question lacks: what it adds
	"similarity",      // cosine of the question's and the sentence's centroids in meaning
	"passage_meaning", // the same, of its passage
	"bm25",            // Okapi BM25 of the sentence for the question's own terms, over the most it can be
	"alignment",       // mean over the question's concepts of the cosine of the sentence word nearest each
	"paraphrase",      // the same, unweighted, over the words the articles and the lexicons lack
	// Evidence of each kind of answer, where the question asks for it.
	"counted_number", // how many: a number next to what is counted
	"number",         // how many: any number
	"exact_date",     // when: a day of a month
	"date",           // when: any time
	"new_place",      // where: a place the question does not name
	"new_name",       // who, what: a name the question does not name
	"reason",         // why: a cause
	"means",          // how: a means
	"stance",         // yes/no: a denial or confirmation
	"quotation",      // what did X say: quoted words
	"speech",         // what did X say: reported speech
	"rarity",         // where, who: how rare in the articles the place or name it adds is
}

// rarity is, for a where or who question, the idf of the rarest place or
// name a sentence adds to the question, over the most an idf can be: a
// specific answer ("Krasnogorsk") over a general one ("Moscow").
func (b *Base) rarity(q question, info *sentenceInfo, questionTerms map[string]bool) float64 {
	var set map[string]bool
	switch q.kind {
	case qWhere:
		set = info.places
	case qWho:
		set = info.names
	default:
		return 0
	}
	var most float64
	for t := range set {
		if !questionTerms[t] && b.stats.df[t] > 0 {
			most = max(most, b.stats.idf(t))
		}
	}
	return most / b.stats.unseenIDF()
}

// contextCoverage is the share of the weight of the message's context
// concepts that a sentence, or less its passage, carries.
func (b *Base) contextCoverage(q question, p *passage, info *sentenceInfo) float64 {
	var carried, total float64
	for _, c := range q.context {
		total += c.weight
		switch {
		case carriesAny(info.terms, c.alts):
			carried += c.weight
		case carriesAny(p.terms, c.alts):
			carried += contextShare * c.weight
		}
	}
	return safeDiv(carried, total)
}

// kindFeatures are the evidence of each kind of answer a sentence holds,
// each counted only for questions of its kind.
func kindFeatures(q question, info *sentenceInfo, questionTerms map[string]bool, counted *numberAt) []float64 {
	is := func(kinds ...qtype) bool {
		for _, k := range kinds {
			if q.kind == k {
				return true
			}
		}
		return false
	}
	f := func(kind bool, evidence bool) float64 { return boolValue(kind && evidence) }
	return []float64{
		f(is(qHowMany), counted != nil),
		f(is(qHowMany), len(info.numbers) > 0),
		f(is(qWhen), info.exact),
		f(is(qWhen), info.date),
		f(is(qWhere), hasNew(info.places, questionTerms)),
		f(is(qWho, qWhat), hasNew(info.names, questionTerms)),
		f(is(qWhy), info.reason),
		f(is(qHow), info.manner),
		f(is(qYesNo), info.stance),
		f(is(qQuote), info.quoted >= 30),
		f(is(qQuote), info.speech),
	}
}

// proximity is 1 less the share of the sentence that the question's
// concepts it carries span: 1 when they stand together, 0 for one alone.
func proximity(units []int, length int) float64 {
	if len(units) < 2 || length == 0 {
		return 0
	}
	lo, hi := slices.Min(units), slices.Max(units)
	return 1 - float64(hi-lo)/float64(length)
}

// novelty is the share of a sentence's terms that the question lacks.
func novelty(info *sentenceInfo, questionTerms map[string]bool) float64 {
	n := 0
	for t := range info.terms {
		if !questionTerms[t] {
			n++
		}
	}
	return safeDiv(float64(n), float64(len(info.terms)))
}

func safeDiv(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func boolValue(v bool) float64 {
	if v {
		return 1
	}
	return 0
}

// softCarries reports whether a sentence carries a word WordNet gives
// for the concept's word, and notes where, for a number next to it.
func (b *Base) softCarries(info *sentenceInfo, c concept, units *[]int) bool {
	for _, alt := range c.soft {
		if pos, ok := carries(info.terms, alt); ok {
			*units = append(*units, pos)
			return true
		}
	}
	return false
}

// questionCentroid is where the question's concepts sit in meaning: the
// unit vector of their weighted sum, the message's other sentences
// counting less. A concept without a word of its own (asked in Russian)
// stands for the commonest article word of its first term. Nil when none
// has a vector.
func (b *Base) questionCentroid(q question, vecs map[string][]float32) []float32 {
	if !b.enabled(Vectors) {
		return nil
	}
	var sum []float32
	add := func(c concept, share float64) {
		v := b.wordVector(vecs, c.word)
		if v == nil && len(c.alts) > 0 && len(c.alts[0]) == 1 {
			if r, ok := b.space.byTerm[c.alts[0][0]]; ok {
				v = b.space.rows[r]
			}
		}
		if v == nil {
			return
		}
		if sum == nil {
			sum = make([]float32, len(v))
		}
		for i, x := range v {
			sum[i] += float32(share*c.weight) * x
		}
	}
	for _, c := range q.concepts {
		add(c, 1)
	}
	for _, c := range q.context {
		add(c, contextShare)
	}
	return unitVector(sum)
}

// Okapi BM25's textbook constants: how soon a term's repeats stop
// counting, and how much a sentence's length does.
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// plainTerms are the question's own terms, each concept's first
// alternative once: what plain retrieval would search for.
func plainTerms(q question) []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range q.concepts {
		if len(c.alts) == 0 {
			continue
		}
		for _, t := range c.alts[0] {
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	return out
}

// averageLength is the mean number of terms of the retrieved passages'
// sentences.
func (b *Base) averageLength(hits []int) float64 {
	var terms, n float64
	for _, pi := range hits {
		for i := range b.passages[pi].info {
			terms += float64(len(b.passages[pi].info[i].terms))
			n++
		}
	}
	return safeDiv(terms, n)
}

// bm25 is the Okapi BM25 score of a sentence for terms, over the score
// of a sentence holding each of them as often as can count: a plain
// retrieval score, beside the concept coverage.
func (b *Base) bm25(terms []string, info *sentenceInfo, avgLen float64) float64 {
	var score, most float64
	norm := bm25K1 * (1 - bm25B + bm25B*safeDiv(float64(len(info.terms)), avgLen))
	for _, t := range terms {
		idf := b.stats.idf(t)
		most += idf * (bm25K1 + 1)
		if tf := float64(len(info.terms[t])); tf > 0 {
			score += idf * tf * (bm25K1 + 1) / (tf + norm)
		}
	}
	return safeDiv(score, most)
}

// similarity is the cosine of two unit vectors, 0 when either is missing.
func similarity(a, b []float32) float64 {
	if a == nil || b == nil {
		return 0
	}
	return float64(dot(a, b))
}

// nearest is the similarity of the sentence word nearest in meaning to
// word.
func (b *Base) nearest(vecs map[string][]float32, word string, rows []int) float32 {
	v := b.wordVector(vecs, word)
	if v == nil {
		return 0
	}
	var best float32
	for _, r := range rows {
		best = max(best, dot(v, b.space.rows[r]))
	}
	return best
}

// carriesAny reports whether terms (a sentence's or a passage's) carry
// one of alts.
func carriesAny(terms map[string][]int, alts [][]string) bool {
	return slices.ContainsFunc(alts, func(alt []string) bool {
		_, ok := carries(terms, alt)
		return ok
	})
}

// answerable reports whether the question is answered: from the parties'
// accounts when it asks whom two or more of them blame (accounts.go), else
// when the best candidate holds an answer of the kind asked for, where a
// kind demands one, and the fitted model finds it likely enough to be
// right.
func (b *Base) answerable(q question, cands []candidate) bool {
	if _, ok := b.accounts(q); ok && len(cands) > 0 {
		return true
	}
	return len(cands) > 0 && b.holdsKind(q, &cands[0]) && b.model.AnswerProb(b.answerFeatures(q, cands)) >= b.model.Threshold
}

// answerFeatures names the features of the decision to answer, in the
// order answerFeatures gives them to the fitted model.
var answerFeatureNames = []string{
	"top_score",       // the best candidate's log-odds
	"margin",          // how far it is ahead of the next
	"top_coverage",    // its coverage
	"top_known",       // its coverage of known concepts
	"top_kind_held",   // whether it holds an answer of the kind asked for
	"unknown_english", // share of the question's concepts that are English words the articles lack
	"unknown_other",   // share that are lower-case words neither the articles nor English know
	"top_wordnet",     // the best candidate's share carried through WordNet
	"top_vectors",     // its share carried through word vectors
	"stranger",        // how far in meaning the English word the articles lack most is from any word they use
	"unknown_names",   // share that are names the articles lack
	"unseen_weight",   // share of the question's weight the articles never state
	"concepts",        // 1/number of concepts
	"foreign",         // asked in Russian or Ukrainian
	"topicality",      // cosine of the question's centroid in meaning and the event's articles'
	"top_similarity",  // the best candidate's cosine with the question in meaning
	"top_asked",       // how surely the best candidate states what the question asks about
	"full_articles",   // log(1 + articles with a sentence carrying the whole question)
	"top_concepts",    // share of the question's concepts, counted alike, the best candidate states
	"unseen_concepts", // how many of the question's concepts, names or English words, the articles never state
}

// answerFeatures are what the decision to answer rests on: how good the
// best candidate is, and what of the question the articles never state.
func (b *Base) answerFeatures(q question, cands []candidate) []float64 {
	top := cands[0]
	margin := 0.0
	if len(cands) > 1 {
		margin = top.score - cands[1].score
	}
	var english, other, names, unseen, unseenCount, total, stranger float64
	for _, c := range q.concepts {
		total += c.weight
		switch c.origin {
		case unknownWord:
			if b.english(c.word) {
				english++
				stranger = max(stranger, 1-c.nearSim)
			} else {
				other++
			}
		case unknownName:
			names++
		}
		if c.unseen {
			unseen += c.weight
			if c.origin != unknownWord || b.english(c.word) {
				unseenCount++ // a concept the articles never state, not a word not understood
			}
		}
	}
	n := float64(len(q.concepts))
	return []float64{
		top.score, margin, top.coverage, top.known, top.held,
		english / n, other / n, top.wordnet, top.vectors, stranger, names / n, safeDiv(unseen, total), 1 / n, boolValue(q.language != "en"),
		similarity(q.meaning, b.space.all), top.similarity, b.statesAsked(q, top), math.Log1p(float64(b.fullArticles(cands))), top.conceptShare, unseenCount,
	}
}

// fullArticles counts the articles with a candidate sentence that carries
// all of the question: many for what the event's reports all tell ("who
// claimed responsibility?"), none for what they never mention.
func (b *Base) fullArticles(cands []candidate) int {
	docs := map[int]bool{}
	for _, c := range cands {
		if c.coverage >= 1-1e-9 { // all of it, up to rounding
			docs[b.passages[c.passage].doc] = true
		}
	}
	return len(docs)
}

// statesAsked is how surely a candidate states what the question asks
// about (question.asked: "what nationality", "how much money"): the share
// of those concepts its sentence carries, in the articles' words or in
// WordNet's, a concept only its passage carries counting half. 1 when
// the question's words don't say what it asks about.
func (b *Base) statesAsked(q question, c candidate) float64 {
	p := &b.passages[c.passage]
	info := &p.info[c.sentence]
	var n, carried float64
	for _, con := range q.concepts {
		if !slices.ContainsFunc(con.alts[0], func(t string) bool { return slices.Contains(q.asked, t) }) {
			continue
		}
		n++
		switch {
		case carriesAny(info.terms, con.alts) || carriesAny(info.terms, con.soft):
			carried++
		case carriesAny(p.terms, con.alts):
			carried += 0.5
		}
	}
	if n == 0 {
		return 1
	}
	return carried / n
}

// holdsKind reports whether the best sentence holds an answer of the kind
// asked for, where a kind demands one: a how-many answer needs a number
// that counts what was asked, a when answer a time. A sentence that only
// shares the question's words ("crawl towards the exits" for "how many
// exits") is no answer.
func (b *Base) holdsKind(q question, best *candidate) bool {
	demands := kindTable[q.kind].demands
	if !b.enabled(AnswerTypes) || demands == nil {
		return true
	}
	return demands(&b.passages[best.passage].info[best.sentence], best.number, q.language != "en")
}

// namesInstance reports whether a sentence names a thing of the kind the
// question asks for that the question does not name itself: a date, a
// place, or else a name.
func namesInstance(kind qtype, info *sentenceInfo, questionTerms map[string]bool) bool {
	return kindTable[kind].instance(info, questionTerms)
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
func kindEvidence(q question, info *sentenceInfo, questionTerms map[string]bool, units []int) (float64, *numberAt) {
	switch q.kind {
	case qHowMany:
		if n := countedNumber(info.numbers, units); n != nil {
			return 0.3, n
		}
		if len(info.numbers) > 0 {
			return 0.1, nil
		}
		return -0.1, nil
	case qWhen:
		if info.exact {
			return 0.35, nil
		}
		if info.date {
			return 0.15, nil
		}
		return -0.1, nil
	case qWhere:
		if hasNew(info.places, questionTerms) {
			return 0.25, nil
		}
	case qWho:
		if hasNew(info.names, questionTerms) {
			return 0.15, nil
		}
	case qWhy:
		if info.reason {
			return 0.2, nil
		}
	case qHow:
		if info.manner {
			return 0.1, nil
		}
	case qYesNo:
		if info.stance {
			return 0.1, nil
		}
	case qQuote:
		switch {
		case info.quoted >= 30:
			return 0.15, nil
		case info.speech:
			return 0.05, nil
		}
	}
	return 0, nil
}

// countedNumber finds the number that counts the thing at one of the
// byte offsets units: just before it ("139 people were killed"), or else
// just after it ("killing at least 40 people").
func countedNumber(nums []numberAt, units []int) *numberAt {
	var best *numberAt
	bestDist := math.MaxInt
	for _, u := range units {
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
				best, bestDist = n, d
			}
		}
	}
	return best
}
