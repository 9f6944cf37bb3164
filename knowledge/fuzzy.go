package knowledge

import "unicode/utf8"

// correct returns the term of the articles closest in spelling to term,
// a term they don't have, or "" when none is close enough. Short terms
// are not corrected (too many near neighbours); longer ones allow one edit
// per five letters, two at most, and a transposition counts as one edit.
// Among equally close terms, the commonest wins.
func (b *Base) correct(term string) string {
	n := utf8.RuneCountInString(term)
	if n < 4 {
		return ""
	}
	maxDist := min(1+(n-4)/4, 2)
	best, bestDist, bestDF := "", maxDist+1, 0
	for cand, df := range b.stats.df {
		m := utf8.RuneCountInString(cand)
		if m < n-maxDist || m > n+maxDist || m < 4 {
			continue
		}
		d := editDistance(term, cand, maxDist)
		if d < bestDist || (d == bestDist && (df > bestDF || (df == bestDF && cand < best))) {
			best, bestDist, bestDF = cand, d, df
		}
	}
	if bestDist > maxDist {
		return ""
	}
	return best
}

// editDistance is the optimal-string-alignment distance between a and b
// (insertions, deletions, substitutions and adjacent transpositions),
// or limit+1 once it is known to exceed limit.
func editDistance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
