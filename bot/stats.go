package bot

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"unicode"

	"eventbot/bot/store"
	"eventbot/knowledge"
)

// The bot counts the questions it answers, wherever they are asked, and
// keeps the text of the last maxUnanswered that the corpus did not
// answer, normalised and without who asked, so that /stats can show
// admins what the corpus is missing. Nothing of it is logged; all of it
// is kept in the store, and survives restarts.

const (
	// maxUnanswered is how many unanswered questions are kept.
	maxUnanswered = store.MaxUnanswered
	// maxKeptQuestion bounds the characters kept of one question.
	maxKeptQuestion = 200
	// topUnanswered is how many of the most frequent unanswered
	// questions /stats shows.
	topUnanswered = 10
)

// asked says where a question was asked.
type asked uint8

const (
	askedPrivate asked = iota
	askedGroup
	askedInline
	numAsked
)

// questionStats counts the questions answered and keeps the last
// unanswered ones. It is owned by a session and safe for concurrent use.
type questionStats struct {
	limit int

	mu       sync.Mutex
	answered [numAsked]int
	notFound int
	// recent is a ring of the last limit unanswered questions,
	// normalised; next is where the next one goes.
	recent []string
	next   int
}

func newQuestionStats(limit int) *questionStats {
	return &questionStats{limit: limit}
}

// askedNames name the places questions are asked, in the store.
var askedNames = [numAsked]string{askedPrivate: "private", askedGroup: "group", askedInline: "inline"}

// load sets the counts and the unanswered questions to those the store
// kept, oldest first.
func (q *questionStats) load(c store.QuestionCounts) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for where, name := range askedNames {
		q.answered[where] = c.Answered[name]
	}
	q.notFound = c.NotFound
	q.recent, q.next = nil, 0
	for _, question := range c.Unanswered {
		q.addLocked(question)
	}
}

// record counts question, asked where, answered with a. It returns the
// question as kept if unanswered, else "".
func (q *questionStats) record(where asked, question string, a knowledge.Answer) string {
	found := a.Found
	var norm string
	if !found {
		norm = normalizeQuestion(question)
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.answered[where]++
	if found {
		return ""
	}
	q.notFound++
	q.addLocked(norm)
	return norm
}

// addLocked keeps an unanswered question, forgetting the oldest beyond
// the limit. q.mu is held.
func (q *questionStats) addLocked(norm string) {
	if norm == "" || q.limit <= 0 {
		return
	}
	if len(q.recent) < q.limit {
		q.recent = append(q.recent, norm)
		return
	}
	q.recent[q.next] = norm
	q.next = (q.next + 1) % q.limit
}

// normalizeQuestion returns question lower-cased, with its spaces
// collapsed and its trailing punctuation dropped, cut to maxKeptQuestion
// characters, so that the same question asked twice counts twice.
func normalizeQuestion(question string) string {
	s := strings.Join(strings.Fields(strings.ToValidUTF8(question, "")), " ")
	s = strings.TrimRightFunc(strings.ToLower(s), func(r rune) bool {
		return unicode.IsPunct(r) || unicode.IsSpace(r)
	})
	return truncate(s, maxKeptQuestion)
}

// A questionCount is an unanswered question and how often it was asked.
type questionCount struct {
	question string
	count    int
}

// statsSnapshot is what questionStats holds at one moment.
type statsSnapshot struct {
	answered [numAsked]int
	notFound int
	// kept is how many unanswered questions top was counted over.
	kept int
	// top are the most frequent unanswered questions of the last kept,
	// most frequent first, then the most recently asked.
	top []questionCount
}

// total returns how many questions were answered, wherever asked.
func (s statsSnapshot) total() int {
	n := 0
	for _, c := range s.answered {
		n += c
	}
	return n
}

// snapshot returns the counts and the n most frequent unanswered
// questions.
func (q *questionStats) snapshot(n int) statsSnapshot {
	q.mu.Lock()
	s := statsSnapshot{answered: q.answered, notFound: q.notFound, kept: len(q.recent)}
	// Oldest first: the ring from next on, then up to next.
	order := append(slices.Clone(q.recent[q.next:]), q.recent[:q.next]...)
	q.mu.Unlock()

	counts := make(map[string]int)
	last := make(map[string]int) // position of the latest asking
	for i, question := range order {
		counts[question]++
		last[question] = i
	}
	for question, c := range counts {
		s.top = append(s.top, questionCount{question, c})
	}
	slices.SortFunc(s.top, func(a, b questionCount) int {
		if c := cmp.Compare(b.count, a.count); c != 0 {
			return c
		}
		return cmp.Compare(last[b.question], last[a.question])
	})
	if len(s.top) > n {
		s.top = s.top[:n]
	}
	return s
}
