package knowledge

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// retrieve finds the passages of articles about the event that best
// match the question's concepts, each alternative a query of its own.
//
// bleve scores every passage that matches any clause, so a question
// whose clauses match many passages (common words of a large corpus)
// costs in proportion to them. When the clauses' matches add up to more
// than twoStageAbove, retrieval goes in two stages: the rarest clauses,
// up to maxScored matches, find a pool of rerankPool passages, and the
// whole query ranks that pool alone, with the scores it gives them over
// the whole index. The clauses left out of the first stage are the
// common ones, which weigh little in bleve's score and are weighed again
// in the scoring stage. Below twoStageAbove (every corpus the labelled
// sets are asked over) retrieval is one query, as it was.
func (b *Base) retrieve(ctx context.Context, q question) ([]int, error) {
	return b.retrieveScoring(ctx, q, twoStageAbove, maxScored)
}

// retrieveScoring is retrieve in two stages above the given matches,
// with a first stage of at most most matches.
func (b *Base) retrieveScoring(ctx context.Context, q question, above, most int) ([]int, error) {
	var cs clauses
	for _, c := range q.concepts {
		b.appendConcept(&cs, c, c.weight)
		if len(c.near) > 0 {
			b.appendConcept(&cs, concept{alts: [][]string{c.near}}, c.weight*c.nearSim)
		}
	}
	for _, c := range q.context {
		b.appendConcept(&cs, c, c.weight*contextShare)
	}
	should := cs.built()
	if len(should) == 0 {
		return nil, nil
	}
	// Only the event's articles are indexed while the event filter is
	// on, so the query needs no filter of its own.
	matches := 0
	for _, c := range should {
		matches += c.matches
	}
	var qry query.Query = anyOf(should)
	if matches > above {
		pool, err := b.pool(ctx, q, should, most)
		if err != nil {
			return nil, err
		}
		if len(pool) > 0 {
			qry = bleve.NewConjunctionQuery(bleve.NewDocIDQuery(pool), qry)
		}
	}
	// A few more than are kept, so that passages scoring the same as the
	// last kept one are all seen before the order below decides.
	res, err := b.search(ctx, q, qry, candidates+candidates/2)
	if err != nil {
		return nil, err
	}
	out := make([]int, 0, len(res.Hits))
	score := map[int]float64{}
	for _, h := range res.Hits {
		i, ok := b.byID[h.ID]
		if !ok {
			return nil, fmt.Errorf("search %q: bad hit id %q", q.text, h.ID)
		}
		out = append(out, i)
		// Rounded: the index sums a passage's clauses in no fixed
		// order, and the last bits of equal scores differ.
		score[i] = math.Round(h.Score*1e9) / 1e9
	}
	// Equal scores in the order of the passages, whatever order the
	// index's segments give them in: answers, and the fitted model, do
	// not change from one build to the next.
	slices.SortStableFunc(out, func(x, y int) int {
		if c := cmp.Compare(score[y], score[x]); c != 0 {
			return c
		}
		return cmp.Compare(x, y)
	})
	return out[:min(len(out), candidates)], nil
}

const (
	// twoStageAbove is how many matches (passages, counted once per
	// clause) a question's query may have before retrieval goes in two
	// stages, and maxScored how many the first stage may score. The
	// bundled articles have a few hundred passages and the 10,000
	// articles of BenchmarkScale's corpus 5,561 of the event's: no
	// question over them comes near twoStageAbove. Measured over the 753
	// questions of knowledge/testdata and shared/eval among 50,000
	// synthetic articles (BenchmarkScale's corpus, 28,796 passages), one
	// stage grades 529 right, with Answer's p99 over the dev set at 23
	// ms; two stages above 60,000, a first stage of 15,000, grade 528,
	// with p99 at 18 ms. (With the index expanding each synonym to its
	// group, one stage took 45-53 ms.)
	twoStageAbove = 60000
	maxScored     = 15000
	// rerankPool is how many passages the rarest clauses find for the
	// whole query to rank.
	rerankPool = 10 * candidates
)

// A clause is one alternative of a concept in the query, with how many
// passages it may match (those of its rarest term: termMatches), or the
// one-term alternatives of a synonym group folded into one (clauses).
type clause struct {
	query   query.Query
	matches int
	// count is how many alternatives the clause stands for.
	count int
	// terms and boosts are a folded clause's terms, a term of the group
	// and the synonyms the lexicon gives for it, and their boosts.
	terms  []string
	boosts []float64
}

// anyOf is the query matching any of cs.
func anyOf(cs []clause) query.Query {
	q := &weightedOr{clauses: make([]query.Query, len(cs)), weights: make([]int, len(cs))}
	for i, c := range cs {
		q.clauses[i], q.weights[i] = c.query, c.count
	}
	return q
}

// pool returns the ids of the rerankPool passages that best match the
// rarest of the clauses, as many as keep their matches within most (at
// least one).
func (b *Base) pool(ctx context.Context, q question, should []clause, most int) ([]string, error) {
	rare := slices.SortedStableFunc(slices.Values(should), func(x, y clause) int { return cmp.Compare(x.matches, y.matches) })
	var first []clause
	matches := 0
	for _, c := range rare {
		if len(first) > 0 && matches+c.matches > most {
			break
		}
		first = append(first, c)
		matches += c.matches
	}
	res, err := b.search(ctx, q, anyOf(first), rerankPool)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids, nil
}

// termMatches is how many passages a query for t matches, at most: those
// holding t or, with synonyms on, one of its group's one-word members,
// which its query names with it (termQuery).
func (b *Base) termMatches(t string) int {
	n := b.stats.df[t]
	g := b.groupOf(t)
	if g < 0 || !b.enabled(Synonyms) {
		return n
	}
	for _, seq := range b.groups[g] {
		if len(seq) == 1 && seq[0] != t {
			n += b.stats.df[seq[0]]
		}
	}
	return n
}

// search runs qry for the top size passages.
func (b *Base) search(ctx context.Context, q question, qry query.Query, size int) (*bleve.SearchResult, error) {
	res, err := b.index.SearchInContext(ctx, bleve.NewSearchRequestOptions(qry, size, 0, false))
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", q.text, err)
	}
	return res, nil
}

// together reports whether some passage holds every one of terms,
// remembered per phrase. An error of the index counts as no, and is not
// remembered.
func (b *Base) together(ctx context.Context, terms []string) bool {
	key := strings.Join(terms, " ")
	if held, ok := b.held.get(key); ok {
		return held
	}
	qs := make([]query.Query, len(terms))
	for i, t := range terms {
		qs[i] = textTerm(t, 1)
	}
	res, err := b.index.SearchInContext(ctx, bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(qs...), 0, 0, false))
	if err != nil {
		return false
	}
	b.held.put(key, res.Total > 0)
	return res.Total > 0
}

// appendConcept adds a clause for each alternative of c, and the words
// WordNet gives for it, boosted.
func (b *Base) appendConcept(cs *clauses, c concept, boost float64) {
	for _, alt := range slices.Concat(c.alts, c.soft) {
		if len(alt) == 0 {
			continue
		}
		matches := -1
		for _, t := range alt {
			if n := b.termMatches(t); matches < 0 || n < matches {
				matches = n
			}
		}
		if len(alt) == 1 {
			if syn := b.synonyms[alt[0]]; len(syn) > 0 {
				cs.fold(alt[0], syn, boost, matches)
				continue
			}
			cs.list = append(cs.list, clause{query: b.termQuery(alt[0], boost), matches: matches, count: 1})
			continue
		}
		// bleve gives a conjunction no boost of its own: its terms
		// weigh as they are.
		qs := make([]query.Query, len(alt))
		for i, t := range alt {
			qs[i] = b.termQuery(t, 1)
		}
		cs.list = append(cs.list, clause{query: bleve.NewConjunctionQuery(qs...), matches: matches, count: 1})
	}
}

// termQuery is the query for term t, boosted, or for t and its synonyms,
// each at half the boost: the query bleve makes of a term with a synonym
// source.
func (b *Base) termQuery(t string, boost float64) query.Query {
	syn := b.synonyms[t]
	if len(syn) == 0 {
		return textTerm(t, boost)
	}
	qs := []query.Query{textTerm(t, boost)}
	for _, s := range syn {
		qs = append(qs, textTerm(s, boost/2))
	}
	return bleve.NewDisjunctionQuery(qs...)
}

// textTerm is the query for term t in a passage's text, boosted.
func textTerm(t string, boost float64) query.Query {
	tq := bleve.NewTermQuery(t)
	tq.SetField(fieldText)
	tq.SetBoost(boost)
	return tq
}

// clauses gathers a question's clauses. A one-term alternative whose term
// has synonyms would be a query for the term and its synonyms (termQuery);
// every such alternative of one group matches the same passages, so they
// are folded into one query for the group's terms, each boosted by the
// sum of what the alternatives give it, which scores as they would
// together at the cost of one (weightedOr counts it as them all).
type clauses struct {
	list   []clause
	folded map[string]int // a folded clause in list by its terms
}

// fold adds the alternative of term t, with synonyms syn, to its group's
// clause.
func (cs *clauses) fold(t string, syn []string, boost float64, matches int) {
	terms := slices.Sorted(slices.Values(append([]string{t}, syn...)))
	key := strings.Join(terms, " ")
	i, ok := cs.folded[key]
	if !ok {
		if cs.folded == nil {
			cs.folded = map[string]int{}
		}
		i = len(cs.list)
		cs.folded[key] = i
		cs.list = append(cs.list, clause{matches: matches, terms: terms, boosts: make([]float64, len(terms))})
	}
	c := &cs.list[i]
	c.count++
	own := slices.Index(terms, t)
	for j := range terms {
		if j == own {
			c.boosts[j] += boost
		} else {
			c.boosts[j] += boost / 2
		}
	}
}

// built returns the clauses, the folded ones made queries.
func (cs *clauses) built() []clause {
	for i := range cs.list {
		c := &cs.list[i]
		if c.query != nil {
			continue
		}
		qs := make([]query.Query, len(c.terms))
		for j, t := range c.terms {
			qs[j] = textTerm(t, c.boosts[j])
		}
		c.query = bleve.NewDisjunctionQuery(qs...)
	}
	return cs.list
}
