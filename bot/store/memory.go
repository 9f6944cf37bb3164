package store

import (
	"context"
	"crypto/sha256"
	"maps"
	"slices"
	"sync"
)

// Memory is a Store held in memory, for tests: it keeps its contents
// across Close, so a test can "restart" on the same Memory.
type Memory struct {
	mu      sync.Mutex
	offset  int
	updates map[int]*memUpdate
	handled []int // ids handled, oldest first, for forgetting
	replies map[uint64]Reply
	seq     uint64
	keep    int // how many handled updates to remember

	answered   map[string]int
	notFound   int
	unanswered []string
	answers    map[int64]AnswerRecord
	votes      map[[2]int64]bool // answer, user → up
}

type memUpdate struct {
	sum     [sha256.Size]byte
	raw     []byte
	handled bool
}

// NewMemory returns an empty Memory.
func NewMemory() *Memory {
	return &Memory{
		updates: make(map[int]*memUpdate), replies: make(map[uint64]Reply), keep: maxJournal,
		answered: make(map[string]int), answers: make(map[int64]AnswerRecord), votes: make(map[[2]int64]bool),
	}
}

var _ Store = (*Memory)(nil)

func (m *Memory) Offset(ctx context.Context) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.offset, nil
}

func (m *Memory) Journal(ctx context.Context, updates []Update, offset int) ([]Update, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var fresh []Update
	for _, u := range updates {
		sum := digest(u.Raw)
		if old, ok := m.updates[u.ID]; ok && old.sum == sum {
			continue
		}
		m.updates[u.ID] = &memUpdate{sum: sum, raw: slices.Clone(u.Raw)}
		fresh = append(fresh, Update{ID: u.ID, Raw: slices.Clone(u.Raw)})
	}
	if offset >= 0 {
		m.offset = offset
	}
	return fresh, nil
}

func (m *Memory) Pending(ctx context.Context) ([]Update, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Update
	for _, id := range slices.Sorted(maps.Keys(m.updates)) {
		if u := m.updates[id]; !u.handled {
			out = append(out, Update{ID: id, Raw: slices.Clone(u.raw)})
		}
	}
	return out, nil
}

func (m *Memory) Handled(ctx context.Context, id int, replies []Reply) ([]Reply, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	u, ok := m.updates[id]
	if !ok || u.handled {
		return nil, nil
	}
	u.handled, u.raw = true, nil
	m.handled = append(m.handled, id)
	for len(m.handled) > m.keep {
		if old := m.updates[m.handled[0]]; old != nil && old.handled {
			delete(m.updates, m.handled[0])
		}
		m.handled = m.handled[1:]
	}
	out := make([]Reply, len(replies))
	for i, r := range replies {
		m.seq++
		r.Seq = m.seq
		r.Params = maps.Clone(r.Params)
		m.replies[r.Seq] = r
		out[i] = r
	}
	return out, nil
}

func (m *Memory) Unsent(ctx context.Context) ([]Reply, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Reply
	for _, seq := range slices.Sorted(maps.Keys(m.replies)) {
		r := m.replies[seq]
		r.Params = maps.Clone(r.Params)
		out = append(out, r)
	}
	return out, nil
}

func (m *Memory) Sent(ctx context.Context, seq uint64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.replies, seq)
	return nil
}

// Close does nothing: a Memory keeps its contents.
func (m *Memory) Close() error { return nil }

func (m *Memory) RecordQuestion(ctx context.Context, where string, found bool, unanswered string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.answered[where]++
	if found {
		return nil
	}
	m.notFound++
	if unanswered != "" {
		m.unanswered = append(m.unanswered, unanswered)
		if len(m.unanswered) > MaxUnanswered {
			m.unanswered = slices.Delete(m.unanswered, 0, len(m.unanswered)-MaxUnanswered)
		}
	}
	return nil
}

func (m *Memory) Questions(ctx context.Context) (QuestionCounts, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return QuestionCounts{Answered: maps.Clone(m.answered), NotFound: m.notFound, Unanswered: slices.Clone(m.unanswered)}, nil
}

func (m *Memory) SaveAnswer(ctx context.Context, a AnswerRecord) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	a.Sources = slices.Clone(a.Sources)
	m.answers[a.ID] = a
	return nil
}

func (m *Memory) Vote(ctx context.Context, id, user int64, up bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.answers[id]; !ok {
		return ErrUnknownAnswer
	}
	m.votes[[2]int64{id, user}] = up
	return nil
}

func (m *Memory) Votes(ctx context.Context) ([]AnswerVotes, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	byID := make(map[int64]*AnswerVotes)
	for k, up := range m.votes {
		v := byID[k[0]]
		if v == nil {
			v = &AnswerVotes{AnswerRecord: m.answers[k[0]]}
			byID[k[0]] = v
		}
		if up {
			v.Up++
		} else {
			v.Down++
		}
	}
	var out []AnswerVotes
	for _, id := range slices.Sorted(maps.Keys(byID)) {
		out = append(out, *byID[id])
	}
	return out, nil
}
