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
	var should []clause
	for _, c := range q.concepts {
		should = b.appendConcept(should, c, c.weight)
		if len(c.near) > 0 {
			should = b.appendConcept(should, concept{alts: [][]string{c.near}}, c.weight*c.nearSim)
		}
	}
	for _, c := range q.context {
		should = b.appendConcept(should, c, c.weight*contextShare)
	}
	if len(should) == 0 {
		return nil, nil
	}
	// Only the event's articles are indexed while the event filter is
	// on, so the query needs no filter of its own.
	all := make([]query.Query, len(should))
	matches := 0
	for i, c := range should {
		all[i] = c.query
		matches += c.matches
	}
	var qry query.Query = bleve.NewDisjunctionQuery(all...)
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
	// question over them comes near twoStageAbove. Measured over the 442
	// labelled questions (knowledge/testdata and shared/eval) among
	// 50,000 synthetic articles (BenchmarkScale's corpus, 28,796
	// passages), one stage grades 317 right, with Answer's p99 at 45-53
	// ms; two stages above 60,000 grade 310, 313 and 310 for a first
	// stage of 10,000, 15,000 and 25,000 matches, with p99 at 21, 21 and
	// 25 ms; below 60,000, two stages are slower than one.
	twoStageAbove = 60000
	maxScored     = 15000
	// rerankPool is how many passages the rarest clauses find for the
	// whole query to rank.
	rerankPool = 10 * candidates
)

// A clause is one alternative of a concept in the query, with how many
// passages it may match: those of its rarest term (termMatches).
type clause struct {
	query   query.Query
	matches int
}

// pool returns the ids of the rerankPool passages that best match the
// rarest of the clauses, as many as keep their matches within most (at
// least one).
func (b *Base) pool(ctx context.Context, q question, should []clause, most int) ([]string, error) {
	rare := slices.SortedStableFunc(slices.Values(should), func(x, y clause) int { return cmp.Compare(x.matches, y.matches) })
	var qs []query.Query
	matches := 0
	for _, c := range rare {
		if len(qs) > 0 && matches+c.matches > most {
			break
		}
		qs = append(qs, c.query)
		matches += c.matches
	}
	res, err := b.search(ctx, q, bleve.NewDisjunctionQuery(qs...), rerankPool)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids, nil
}

// termMatches is how many passages a term query for t matches: those
// holding t or, with synonyms on, one of the one-word synonyms that the
// index expands t to (synonymDefinitions).
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
		tq := bleve.NewTermQuery(t)
		tq.SetField(fieldText)
		qs[i] = tq
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
func (b *Base) appendConcept(should []clause, c concept, boost float64) []clause {
	for _, alt := range slices.Concat(c.alts, c.soft) {
		var qs []query.Query
		matches := -1
		for _, t := range alt {
			tq := bleve.NewTermQuery(t)
			tq.SetField(fieldText)
			qs = append(qs, tq)
			if n := b.termMatches(t); matches < 0 || n < matches {
				matches = n
			}
		}
		if len(qs) == 0 {
			continue
		}
		var one query.Query = qs[0]
		if len(qs) > 1 {
			one = bleve.NewConjunctionQuery(qs...)
		}
		if bq, ok := one.(query.BoostableQuery); ok {
			bq.SetBoost(boost)
		}
		should = append(should, clause{query: one, matches: matches})
	}
	return should
}
