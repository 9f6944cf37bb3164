package knowledge

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// retrieve finds the passages of articles about the event that best
// match the question's concepts, each alternative a query of its own.
func (b *Base) retrieve(ctx context.Context, q question) ([]int, error) {
	var should []query.Query
	for _, c := range q.concepts {
		should = appendConcept(should, c, c.weight)
		if len(c.near) > 0 {
			should = appendConcept(should, concept{alts: [][]string{c.near}}, c.weight*c.nearSim)
		}
	}
	for _, c := range q.context {
		should = appendConcept(should, c, c.weight*contextShare)
	}
	if len(should) == 0 {
		return nil, nil
	}
	// Only the event's articles are indexed while the event filter is
	// on, so the query needs no filter of its own.
	qry := bleve.NewDisjunctionQuery(should...)
	// A few more than are kept, so that passages scoring the same as the
	// last kept one are all seen before the order below decides.
	req := bleve.NewSearchRequestOptions(qry, candidates+candidates/2, 0, false)
	res, err := b.index.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", q.text, err)
	}
	out := make([]int, 0, len(res.Hits))
	score := map[int]float64{}
	for _, h := range res.Hits {
		i, ok := b.byID[h.ID]
		if !ok {
			return nil, fmt.Errorf("search %q: bad hit id %q", q.text, h.ID)
		}
		out = append(out, i)
		score[i] = h.Score
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

// appendConcept adds a query for each alternative of c, and the words
// WordNet gives for it, boosted.
func appendConcept(should []query.Query, c concept, boost float64) []query.Query {
	for _, alt := range slices.Concat(c.alts, c.soft) {
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
			bq.SetBoost(boost)
		}
		should = append(should, one)
	}
	return should
}
