package knowledge

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"eventbot/knowledge/slavic"
)

// correct returns the word of the articles closest in spelling to word,
// a lower-case word whose term they don't have, or "" when none is close
// enough. Words are compared as written, so that "clamed" finds "claimed"
// rather than "flame"; failing that, the word's term is compared with the
// articles' terms ("threten" finds "threaten", the stem of "threatens").
func (b *Base) correct(word string) string {
	if c := closest(word, b.spelling); c != "" {
		return c
	}
	// A stem under five letters has too many neighbours ("pass", "mass").
	if ts := b.terms(word); len(ts) == 1 && utf8.RuneCountInString(ts[0]) >= 5 {
		return closest(ts[0], b.stats.df)
	}
	return ""
}

// closest returns the key of vocab closest in spelling to word, or "" when
// none is close enough. Words under four letters are not corrected (too
// many near neighbours); longer ones allow one edit per five letters, two
// at most, and a transposition counts as one edit. Among equally close keys, the
// commonest wins.
func closest(word string, vocab map[string]int) string {
	n := utf8.RuneCountInString(word)
	maxDist := spellingTolerance(n)
	if maxDist == 0 {
		return ""
	}
	best, bestDist, bestCount := "", maxDist+1, 0
	for cand, count := range vocab {
		m := utf8.RuneCountInString(cand)
		if m < n-maxDist || m > n+maxDist || m < 4 {
			continue
		}
		d := editDistance(word, cand, maxDist)
		if d < bestDist || (d == bestDist && (count > bestCount || (count == bestCount && cand < best))) {
			best, bestDist, bestCount = cand, d, count
		}
	}
	if bestDist > maxDist {
		return ""
	}
	return best
}

// spellingTolerance is how many edits a word of n letters may differ by
// and still be the same word misspelt: none under four letters, then one
// edit per five letters, two at most.
func spellingTolerance(n int) int {
	if n < 4 {
		return 0
	}
	return min(1+(n-4)/4, 2)
}

// countSpelling counts the words of text, lower-cased, for correct, and
// its capitalised Latin words by their consonant key, for nameByKey.
func countSpelling(spelling map[string]int, names map[string]map[string]int, text string) {
	for _, w := range words(text) {
		lower := strings.ToLower(w)
		if utf8.RuneCountInString(w) >= 4 {
			spelling[lower]++
		}
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) || !unicode.Is(unicode.Latin, r) {
			continue
		}
		if k := slavic.Key(lower); len(k) >= 3 {
			if names[k] == nil {
				names[k] = map[string]int{}
			}
			names[k][lower]++
		}
	}
}

// nameByKey returns the articles' capitalised word, commonest first, whose
// consonant key is key, or "" when none is or the key is too short to
// tell names apart.
func (b *Base) nameByKey(key string) string {
	if len(key) < 3 {
		return ""
	}
	best, n := "", 0
	for w, c := range b.nameKeys[key] {
		if c > n || c == n && w < best {
			best, n = w, c
		}
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
