package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
)

// stores returns each implementation, and a function that reopens it as
// a restart would.
func stores(t *testing.T) map[string]func() Store {
	mem := NewMemory()
	mem.keep = testKeep
	path := filepath.Join(t.TempDir(), "state.db")
	var open *Bolt
	t.Cleanup(func() {
		if open != nil {
			open.Close()
		}
	})
	return map[string]func() Store{
		"memory": func() Store { return mem },
		"bolt": func() Store {
			if open != nil {
				open.Close()
			}
			var err error
			open, err = Open(path)
			if err != nil {
				t.Fatal(err)
			}
			open.keep = testKeep
			return open
		},
	}
}

// testKeep replaces maxJournal in tests, so that they are quick.
const testKeep = 50

func ids(us []Update) []int {
	var out []int
	for _, u := range us {
		out = append(out, u.ID)
	}
	return out
}

// TestContract checks the contract of Store on each implementation,
// across a restart.
func TestContract(t *testing.T) {
	ctx := context.Background()
	for name, reopen := range stores(t) {
		t.Run(name, func(t *testing.T) {
			s := reopen()
			if off, err := s.Offset(ctx); err != nil || off != 0 {
				t.Fatalf("Offset of a new store = %d, %v; want 0", off, err)
			}
			batch := []Update{{10, []byte(`{"update_id":10}`)}, {11, []byte(`{"update_id":11}`)}, {12, []byte(`{"update_id":12}`)}}
			fresh, err := s.Journal(ctx, batch, 13)
			if err != nil || !slices.Equal(ids(fresh), []int{10, 11, 12}) {
				t.Fatalf("Journal = %v, %v; want all three new", ids(fresh), err)
			}
			// Delivered again: nothing new.
			if fresh, _ := s.Journal(ctx, batch[1:], 13); len(fresh) != 0 {
				t.Errorf("Journal of a delivery again = %v, want none new", ids(fresh))
			}
			replies, err := s.Handled(ctx, 11, []Reply{
				{Update: 11, ChatID: 5, Method: "sendMessage", Params: map[string]string{"text": "a"}},
				{Update: 11, ChatID: 5, Method: "sendMessage", Params: map[string]string{"text": "b"}},
			})
			if err != nil || len(replies) != 2 || replies[0].Seq == 0 || replies[1].Seq <= replies[0].Seq {
				t.Fatalf("Handled = %+v, %v; want two replies with increasing Seq", replies, err)
			}
			if again, _ := s.Handled(ctx, 11, []Reply{{Update: 11}}); again != nil {
				t.Errorf("Handled twice queued %v, want nothing", again)
			}
			if err := s.Sent(ctx, replies[0].Seq); err != nil {
				t.Fatal(err)
			}

			s = reopen() // restart
			if off, _ := s.Offset(ctx); off != 13 {
				t.Errorf("Offset after restart = %d, want 13", off)
			}
			pending, err := s.Pending(ctx)
			if err != nil || !slices.Equal(ids(pending), []int{10, 12}) {
				t.Errorf("Pending after restart = %v, %v; want [10 12]", ids(pending), err)
			}
			if len(pending) == 2 && string(pending[1].Raw) != `{"update_id":12}` {
				t.Errorf("Pending raw = %s", pending[1].Raw)
			}
			unsent, err := s.Unsent(ctx)
			if err != nil || len(unsent) != 1 || unsent[0].Params["text"] != "b" || unsent[0].ChatID != 5 {
				t.Errorf("Unsent after restart = %+v, %v; want reply b", unsent, err)
			}
			// Handled already and delivered again: still nothing new.
			if fresh, _ := s.Journal(ctx, batch[1:2], 13); len(fresh) != 0 {
				t.Errorf("Journal of a handled update again = %v, want none new", ids(fresh))
			}
			// The same id with other content: Telegram restarted its ids.
			reused := Update{11, []byte(`{"update_id":11,"message":{}}`)}
			if fresh, _ := s.Journal(ctx, []Update{reused}, 12); !slices.Equal(ids(fresh), []int{11}) {
				t.Errorf("Journal of a reused id = %v, want it new", ids(fresh))
			}
			if off, _ := s.Offset(ctx); off != 12 {
				t.Errorf("Offset = %d, want 12 as journaled", off)
			}
			// From a webhook: no offset.
			if fresh, _ := s.Journal(ctx, []Update{{20, []byte(`{"update_id":20}`)}}, -1); !slices.Equal(ids(fresh), []int{20}) {
				t.Errorf("Journal from a webhook = %v, want it new", ids(fresh))
			}
			if off, _ := s.Offset(ctx); off != 12 {
				t.Errorf("Offset after a webhook update = %d, want 12 still", off)
			}
		})
	}
}

// TestForget checks that the journal forgets the oldest handled updates
// beyond what they keep, and only handled ones.
func TestForget(t *testing.T) {
	ctx := context.Background()
	for name, reopen := range stores(t) {
		t.Run(name, func(t *testing.T) {
			s := reopen()
			var batch []Update
			for id := 1; id <= testKeep+5; id++ {
				batch = append(batch, Update{id, []byte{byte(id)}})
			}
			if _, err := s.Journal(ctx, batch, testKeep+6); err != nil {
				t.Fatal(err)
			}
			for id := 1; id <= testKeep+5; id++ {
				if id == 2 {
					continue // left pending
				}
				if _, err := s.Handled(ctx, id, nil); err != nil {
					t.Fatal(err)
				}
			}
			// The oldest handled were forgotten: delivered again, they
			// are new; the most recent are not.
			fresh, _ := s.Journal(ctx, []Update{batch[0], batch[len(batch)-1]}, testKeep+6)
			if !slices.Equal(ids(fresh), []int{1}) {
				t.Errorf("Journal after forgetting = %v, want [1]", ids(fresh))
			}
			if p, _ := s.Pending(ctx); !slices.Equal(ids(p), []int{1, 2}) {
				t.Errorf("Pending = %v, want [1 2]", ids(p))
			}
		})
	}
}

// TestStatsAndVotes checks the question counts and the votes, across a
// restart: one vote per user and answer, the second replacing the
// first.
func TestStatsAndVotes(t *testing.T) {
	ctx := context.Background()
	for name, reopen := range stores(t) {
		t.Run(name, func(t *testing.T) {
			s := reopen()
			s.RecordQuestion(ctx, "private", true, "")
			s.RecordQuestion(ctx, "group", false, "who is zorvan")
			for i := range MaxUnanswered + 3 {
				s.RecordQuestion(ctx, "inline", false, fmt.Sprint("q", i))
			}
			if err := s.Vote(ctx, 7, 1, true); !errors.Is(err, ErrUnknownAnswer) {
				t.Errorf("vote on an unknown answer: %v, want ErrUnknownAnswer", err)
			}
			s.SaveAnswer(ctx, AnswerRecord{ID: 7, Question: "how many died", Found: true, Sources: []string{"a", "b"}})
			s.SaveAnswer(ctx, AnswerRecord{ID: 9, Question: "who did it", Found: true, Sources: []string{"c"}})
			s.Vote(ctx, 7, 1, true)
			s.Vote(ctx, 7, 2, false)
			s.Vote(ctx, 7, 1, false) // changed
			s.Vote(ctx, 9, 1, true)

			s = reopen()
			q, err := s.Questions(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if q.Answered["private"] != 1 || q.Answered["group"] != 1 || q.Answered["inline"] != MaxUnanswered+3 || q.NotFound != MaxUnanswered+4 {
				t.Errorf("counts %+v", q)
			}
			if len(q.Unanswered) != MaxUnanswered || q.Unanswered[0] != "q3" || q.Unanswered[MaxUnanswered-1] != fmt.Sprint("q", MaxUnanswered+2) {
				t.Errorf("unanswered kept: %d, from %q", len(q.Unanswered), q.Unanswered[0])
			}
			votes, err := s.Votes(ctx)
			if err != nil || len(votes) != 2 {
				t.Fatalf("Votes = %+v, %v", votes, err)
			}
			if v := votes[0]; v.ID != 7 || v.Up != 0 || v.Down != 2 || v.Question != "how many died" || !slices.Equal(v.Sources, []string{"a", "b"}) {
				t.Errorf("votes on answer 7: %+v, want 0 up, 2 down, with the question and sources", v)
			}
			if v := votes[1]; v.ID != 9 || v.Up != 1 || v.Down != 0 {
				t.Errorf("votes on answer 9: %+v", v)
			}
		})
	}
}

// BenchmarkBoltTurn measures one update's way through the bbolt store:
// journaled, handled with one reply, the reply marked sent (three
// transactions, each synced to disk).
func BenchmarkBoltTurn(b *testing.B) {
	s, err := Open(filepath.Join(b.TempDir(), "state.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	raw := []byte(`{"update_id":1,"message":{"text":"how many ppl died??"}}`)
	for i := 0; i < b.N; i++ {
		id := i + 1
		if _, err := s.Journal(ctx, []Update{{id, raw}}, id+1); err != nil {
			b.Fatal(err)
		}
		replies, err := s.Handled(ctx, id, []Reply{{Update: id, ChatID: 1, Method: "sendMessage", Params: map[string]string{"text": "139"}}})
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Sent(ctx, replies[0].Seq); err != nil {
			b.Fatal(err)
		}
	}
}
