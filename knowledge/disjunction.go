package knowledge

import (
	"context"
	"math"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/scorer"
	index "github.com/blevesearch/bleve_index_api"
)

// weightedOr matches the passages any of its clauses matches, and scores
// them as bleve's disjunction does (the sum of the clauses' scores times
// the share of the clauses matched), except that the share counts each
// clause by its weight: a clause standing for several of the question's
// clauses that always match together (the one-term clauses of a synonym
// group, folded into one) counts as those clauses would.
type weightedOr struct {
	clauses []query.Query
	weights []int
}

// Searcher implements query.Query.
func (q *weightedOr) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	s := &weightedOrSearcher{weights: q.weights, scorer: scorer.NewDisjunctionQueryScorer(opts)}
	for i, c := range q.clauses {
		cs, err := c.Searcher(ctx, r, m, opts)
		if err != nil {
			_ = s.Close()
			return nil, err
		}
		s.searchers = append(s.searchers, cs)
		s.total += q.weights[i]
	}
	s.currs = make([]*search.DocumentMatch, len(s.searchers))
	// As bleve's disjunction: the norm of the query is set here and
	// overridden by any query this one sits in.
	s.SetQueryNorm(1 / math.Sqrt(s.Weight()))
	return s, nil
}

// weightedOrSearcher is weightedOr's searcher: each clause's searcher
// stands at its next match (currs), and the lowest of them are the next
// passage's.
type weightedOrSearcher struct {
	searchers []search.Searcher
	weights   []int
	total     int
	scorer    *scorer.DisjunctionQueryScorer

	started  bool
	currs    []*search.DocumentMatch
	matching []*search.DocumentMatch
	at       []int // the clauses of matching
}

// start moves every clause to its first match.
func (s *weightedOrSearcher) start(ctx *search.SearchContext) error {
	s.started = true
	for i, cs := range s.searchers {
		m, err := cs.Next(ctx)
		if err != nil {
			return err
		}
		s.currs[i] = m
	}
	return nil
}

// Next returns the next passage any clause matches, scored.
func (s *weightedOrSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	if !s.started {
		if err := s.start(ctx); err != nil {
			return nil, err
		}
	}
	s.matching, s.at = s.matching[:0], s.at[:0]
	weight := 0
	for i, m := range s.currs {
		if m == nil {
			continue
		}
		if len(s.matching) > 0 {
			c := m.IndexInternalID.Compare(s.matching[0].IndexInternalID)
			if c > 0 {
				continue
			}
			if c < 0 {
				s.matching, s.at, weight = s.matching[:0], s.at[:0], 0
			}
		}
		s.matching = append(s.matching, m)
		s.at = append(s.at, i)
		weight += s.weights[i]
	}
	if len(s.matching) == 0 {
		return nil, nil
	}
	rv := s.scorer.Score(ctx, s.matching, weight, s.total)
	// The clauses are summed in no fixed order, and the last bits of
	// equal sums differ: rounded, they are equal when the index keeps
	// the best.
	rv.Score = math.Round(rv.Score*1e9) / 1e9
	for _, i := range s.at {
		if s.currs[i] != rv {
			ctx.DocumentMatchPool.Put(s.currs[i])
		}
		m, err := s.searchers[i].Next(ctx)
		if err != nil {
			return nil, err
		}
		s.currs[i] = m
	}
	return rv, nil
}

// Advance returns the first passage at or after id that any clause
// matches, scored.
func (s *weightedOrSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	if !s.started {
		if err := s.start(ctx); err != nil {
			return nil, err
		}
	}
	for i, cs := range s.searchers {
		if s.currs[i] != nil {
			if s.currs[i].IndexInternalID.Compare(id) >= 0 {
				continue
			}
			ctx.DocumentMatchPool.Put(s.currs[i])
		}
		m, err := cs.Advance(ctx, id)
		if err != nil {
			return nil, err
		}
		s.currs[i] = m
	}
	return s.Next(ctx)
}

// Close closes every clause's searcher.
func (s *weightedOrSearcher) Close() error {
	var first error
	for _, cs := range s.searchers {
		if err := cs.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Weight is the sum of the clauses' squared weights, as bleve's.
func (s *weightedOrSearcher) Weight() float64 {
	var w float64
	for _, cs := range s.searchers {
		w += cs.Weight()
	}
	return w
}

// SetQueryNorm passes the query's norm to every clause.
func (s *weightedOrSearcher) SetQueryNorm(norm float64) {
	for _, cs := range s.searchers {
		cs.SetQueryNorm(norm)
	}
}

// Count is at most the sum of the clauses' counts.
func (s *weightedOrSearcher) Count() uint64 {
	var n uint64
	for _, cs := range s.searchers {
		n += cs.Count()
	}
	return n
}

// Min is 0: one clause is enough.
func (s *weightedOrSearcher) Min() int { return 0 }

// Size estimates the searcher's memory in bytes.
func (s *weightedOrSearcher) Size() int {
	n := 64 + 8*(len(s.weights)+len(s.at)) + 16*len(s.currs)
	for _, cs := range s.searchers {
		n += cs.Size()
	}
	return n
}

// DocumentMatchPoolSize is how many matches the searcher holds at once.
func (s *weightedOrSearcher) DocumentMatchPoolSize() int {
	n := len(s.currs)
	for _, cs := range s.searchers {
		n += cs.DocumentMatchPoolSize()
	}
	return n
}
