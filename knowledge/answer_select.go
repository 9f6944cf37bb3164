package knowledge

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
)

const (
	// maxQuestionLen caps the runes of a question that are analysed.
	maxQuestionLen = 500
	// candidates is how many passages are retrieved per question.
	candidates = 8
	// minCoverage is the share of the question's term weight (idf) that the
	// best sentence, with its passage, must carry for an answer to be given.
	minCoverage = 0.5
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

func (b *Base) countTerms() termStats {
	s := termStats{df: map[string]int{}, n: len(b.passages)}
	for i := range b.passages {
		for t := range b.termSet(b.passages[i].text) {
			s.df[t]++
		}
	}
	return s
}

// termSet returns the analysed terms of text (lower-cased, stemmed, without
// stop words), as the index sees them.
func (b *Base) termSet(text string) map[string]bool {
	set := map[string]bool{}
	for _, tok := range b.analyzer.Analyze([]byte(text)) {
		set[string(tok.Term)] = true
	}
	return set
}

// Answer answers question from the corpus. User text is never parsed as
// query syntax: it is analysed into terms like the indexed text.
func (b *Base) Answer(ctx context.Context, question string) (Answer, error) {
	a := Answer{Question: question, Language: "en", Citations: []Citation{}}
	q := truncateRunes(strings.TrimSpace(question), maxQuestionLen)
	terms := b.termSet(q)
	if len(terms) == 0 {
		return a, nil
	}
	mq := bleve.NewMatchQuery(q)
	mq.SetField(fieldText)
	req := bleve.NewSearchRequestOptions(mq, candidates, 0, false)
	res, err := b.index.SearchInContext(ctx, req)
	if err != nil {
		return Answer{}, fmt.Errorf("search %q: %w", q, err)
	}
	var total float64
	for t := range terms {
		total += b.stats.idf(t)
	}
	type pick struct {
		p        *passage
		sentence int
		score    float64
	}
	var best pick
	for rank, hit := range res.Hits {
		i, err := strconv.Atoi(hit.ID)
		if err != nil || i < 0 || i >= len(b.passages) {
			return Answer{}, fmt.Errorf("search %q: bad hit id %q", q, hit.ID)
		}
		p := &b.passages[i]
		for s := range p.sentences {
			var carried float64
			sentenceTerms := b.termSet(p.sentence(s))
			for t := range terms {
				if sentenceTerms[t] {
					carried += b.stats.idf(t)
				}
			}
			// Prefer sentences that carry the question's rare terms, then
			// passages that rank higher.
			score := carried/total - 0.01*float64(rank)
			if best.p == nil || score > best.score {
				best = pick{p, s, score}
			}
		}
	}
	if best.p == nil || best.score < minCoverage {
		return a, nil
	}
	a.Found = true
	a.Text = truncateRunes(best.p.sentence(best.sentence), MaxAnswerLen)
	a.Citations = append(a.Citations, b.citation(best.p))
	return a, nil
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
