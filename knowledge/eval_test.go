package knowledge

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"eventbot/corpus"
)

// evalQuestion is one line of an evaluation set (the format of
// ../shared/eval/dev.jsonl).
type evalQuestion struct {
	ID         string     `json:"id"`
	Question   string     `json:"question"`
	Kind       string     `json:"kind"`
	Answerable bool       `json:"answerable"`
	AnswerAny  []string   `json:"answer_any"`
	AnswerEach [][]string `json:"answer_each"`
	Distinct   bool       `json:"distinct"`
}

func readEval(t testing.TB, path string) []evalQuestion {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var qs []evalQuestion
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var q evalQuestion
		if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		qs = append(qs, q)
	}
	return qs
}

var quoteFold = strings.NewReplacer("\u2018", "'", "\u2019", "'", "\u201c", `"`, "\u201d", `"`,
	"\u2013", "-", "\u2014", "-", "\u00a0", " ")

// normText mirrors grade.py's norm: NFKC, quote folding, space folding,
// case folding.
func normText(s string) string {
	s = quoteFold.Replace(norm.NFKC.String(s))
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// containsPhrase mirrors grade.py's contains: phrase as a whole word or
// phrase, case-insensitive.
func containsPhrase(text, phrase string) bool {
	re := regexp.MustCompile(`(?:^|[^\pL\pN_])` + regexp.QuoteMeta(normText(phrase)) + `(?:$|[^\pL\pN_])`)
	return re.MatchString(normText(text))
}

// grade scores one answer as grade.py does: correct, and supported by a
// cited passage.
func grade(q evalQuestion, a Answer) (correct, supported bool) {
	if !q.Answerable {
		return !a.Found, !a.Found
	}
	if !a.Found || len([]rune(a.Text)) > MaxAnswerLen {
		return false, false
	}
	hit := ""
	for _, p := range q.AnswerAny {
		if containsPhrase(a.Text, p) {
			hit = p
			break
		}
	}
	if hit == "" {
		return false, false
	}
	used := map[string]bool{}
	for _, group := range q.AnswerEach {
		ok := false
		for _, p := range group {
			if containsPhrase(a.Text, p) && !(q.Distinct && used[normText(p)]) {
				used[normText(p)] = true
				ok = true
				break
			}
		}
		if !ok {
			return false, false
		}
	}
	for _, c := range a.Citations {
		if containsPhrase(c.Passage, hit) {
			return true, true
		}
	}
	return true, false
}

type score struct {
	answered, supported, answerable, abstained, unanswerable int
	byKind                                                   map[string][2]int
}

func (s score) String() string {
	var kinds []string
	for k, v := range s.byKind {
		kinds = append(kinds, fmt.Sprintf("%s %d/%d", k, v[0], v[1]))
	}
	sort.Strings(kinds)
	return fmt.Sprintf("answered %d/%d supported %d/%d abstained %d/%d (%s)",
		s.answered, s.answerable, s.supported, s.answerable, s.abstained, s.unanswerable, strings.Join(kinds, ", "))
}

func evaluate(t testing.TB, b *Base, qs []evalQuestion, verbose io.Writer) score {
	t.Helper()
	s := score{byKind: map[string][2]int{}}
	for _, q := range qs {
		a, err := b.Answer(context.Background(), q.Question)
		if err != nil {
			t.Fatalf("Answer(%q): %v", q.Question, err)
		}
		ok, sup := grade(q, a)
		k := s.byKind[q.Kind]
		k[1]++
		if ok {
			k[0]++
		}
		s.byKind[q.Kind] = k
		if q.Answerable {
			s.answerable++
			if ok {
				s.answered++
			}
			if sup {
				s.supported++
			}
		} else {
			s.unanswerable++
			if ok {
				s.abstained++
			}
		}
		if !sup && verbose != nil {
			fmt.Fprintf(verbose, "MISS %s %q -> found=%v %q\n", q.ID, q.Question, a.Found, a.Text)
		}
	}
	return s
}

func bundledBase(t testing.TB) *Base {
	return bundledBaseWith(t, Options{})
}

func bundledBaseWith(t testing.TB, opts Options) *Base {
	t.Helper()
	docs, err := corpus.Load(corpus.Bundled())
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(context.Background(), slog.New(slog.DiscardHandler), docs, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// TestDevSet scores the development question set and fails below the
// floor measured for the current method.
func TestDevSet(t *testing.T) {
	b := bundledBase(t)
	for _, set := range []struct {
		name                 string
		supported, abstained int // floors
	}{
		{"dev", 31, 3},
		{"hard", 34, 13},
		{"variants", 45, 7},
		{"probe", 21, 11},
		{"probe2", 32, 5},
	} {
		var misses strings.Builder
		got := evaluate(t, b, readEval(t, "testdata/"+set.name+".jsonl"), &misses)
		t.Logf("%s set: %v", set.name, got)
		t.Logf("%s misses:\n%s", set.name, misses.String())
		if got.supported < set.supported || got.abstained < set.abstained {
			t.Errorf("%s set: supported %d, abstained %d; want at least %d and %d", set.name, got.supported, got.abstained, set.supported, set.abstained)
		}
	}
}
