// Package evalset reads labelled question sets (the format of
// ../shared/eval/*.jsonl) and grades answers as ../shared/eval/grade.py
// does, for the engine's tests and for fitting its model.
package evalset

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MaxAnswer is the most characters an answer may have to be right.
const MaxAnswer = 320

// A Question is one line of a question set.
type Question struct {
	ID         string     `json:"id"`
	Question   string     `json:"question"`
	Kind       string     `json:"kind"`
	Answerable bool       `json:"answerable"`
	AnswerAny  []string   `json:"answer_any"`
	AnswerEach [][]string `json:"answer_each"`
	Distinct   bool       `json:"distinct"`
}

// Read reads a question set, one JSON object a line.
func Read(path string) ([]Question, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read question set: %w", err)
	}
	defer f.Close()
	var qs []Question
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var q Question
		if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
			return nil, fmt.Errorf("read question set %s:%d: %w", path, n, err)
		}
		qs = append(qs, q)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read question set %s: %w", path, err)
	}
	return qs, nil
}

var quoteFold = strings.NewReplacer("\u2018", "'", "\u2019", "'", "\u201c", `"`, "\u201d", `"`,
	"\u2013", "-", "\u2014", "-", "\u00a0", " ")

// Normal mirrors grade.py's norm: NFKC, quote folding, space folding,
// case folding.
func Normal(s string) string {
	s = quoteFold.Replace(norm.NFKC.String(s))
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// Contains mirrors grade.py's contains: phrase as a whole word or phrase,
// case-insensitive.
func Contains(text, phrase string) bool {
	re := regexp.MustCompile(`(?:^|[^\pL\pN_])` + regexp.QuoteMeta(Normal(phrase)) + `(?:$|[^\pL\pN_])`)
	return re.MatchString(Normal(text))
}

// Hit returns the first phrase of q.AnswerAny that text holds, or "".
func (q *Question) Hit(text string) string {
	for _, p := range q.AnswerAny {
		if Contains(text, p) {
			return p
		}
	}
	return ""
}

// Grade scores one answer as grade.py does: whether it is right, and
// whether a cited passage supports it too.
func (q *Question) Grade(found bool, text string, passages []string) (correct, supported bool) {
	if !q.Answerable {
		return !found, !found
	}
	if !found || utf8.RuneCountInString(text) > MaxAnswer {
		return false, false
	}
	hit := q.Hit(text)
	if hit == "" {
		return false, false
	}
	used := map[string]bool{}
	for _, group := range q.AnswerEach {
		ok := false
		for _, p := range group {
			if Contains(text, p) && !(q.Distinct && used[Normal(p)]) {
				used[Normal(p)] = true
				ok = true
				break
			}
		}
		if !ok {
			return false, false
		}
	}
	for _, p := range passages {
		if Contains(p, hit) {
			return true, true
		}
	}
	return true, false
}
