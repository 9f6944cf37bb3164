package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Bolt is a Store in one bbolt file. bbolt (which bleve brings already)
// commits each transaction with fsync, so what a method returned survives
// a crash of the process or the machine.
type Bolt struct {
	db *bolt.DB
	// keep is how many handled updates the journal remembers.
	keep uint64
}

var _ Store = (*Bolt)(nil)

// Buckets and keys of the file.
var (
	bucketMeta    = []byte("meta")
	bucketUpdates = []byte("updates") // id → state byte, sha256, raw (while pending)
	bucketReplies = []byte("replies") // seq → Reply as JSON
	bucketHandled = []byte("handled") // order → id, oldest first, for forgetting

	bucketCounts     = []byte("counts")     // "answered/<where>", "not_found" → count
	bucketUnanswered = []byte("unanswered") // sequence → question text
	bucketAnswers    = []byte("answers")    // answer id → AnswerRecord as JSON
	bucketVotes      = []byte("votes")      // answer id, user id → 1 up, 0 down

	keyOffset   = []byte("offset")
	keyNotFound = []byte("not_found")
)

const (
	statePending byte = 0
	stateHandled byte = 1
)

// Open opens the store at path, creating it if need be. Another process
// holding it makes Open fail after a few seconds rather than wait.
func Open(path string) (*Bolt, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 3 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("open state database %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketMeta, bucketUpdates, bucketReplies, bucketHandled, bucketCounts, bucketUnanswered, bucketAnswers, bucketVotes} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open state database %s: %w", path, err)
	}
	return &Bolt{db: db, keep: maxJournal}, nil
}

// Close closes the file.
func (s *Bolt) Close() error { return s.db.Close() }

func u64(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

func (s *Bolt) Offset(ctx context.Context) (int, error) {
	var off int
	err := s.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketMeta).Get(keyOffset); len(v) == 8 {
			off = int(int64(binary.BigEndian.Uint64(v)))
		}
		return nil
	})
	return off, err
}

func (s *Bolt) Journal(ctx context.Context, updates []Update, offset int) ([]Update, error) {
	var fresh []Update
	err := s.db.Update(func(tx *bolt.Tx) error {
		fresh = fresh[:0]
		b := tx.Bucket(bucketUpdates)
		for _, u := range updates {
			key := u64(uint64(int64(u.ID)))
			sum := digest(u.Raw)
			if old := b.Get(key); len(old) >= 1+len(sum) && bytes.Equal(old[1:1+len(sum)], sum[:]) {
				continue
			}
			v := append(append([]byte{statePending}, sum[:]...), u.Raw...)
			if err := b.Put(key, v); err != nil {
				return err
			}
			fresh = append(fresh, u)
		}
		if offset < 0 {
			return nil
		}
		return tx.Bucket(bucketMeta).Put(keyOffset, u64(uint64(int64(offset))))
	})
	if err != nil {
		return nil, fmt.Errorf("journal updates: %w", err)
	}
	return fresh, nil
}

func (s *Bolt) Pending(ctx context.Context) ([]Update, error) {
	var out []Update
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketUpdates).ForEach(func(k, v []byte) error {
			if len(v) > 0 && v[0] == statePending {
				out = append(out, Update{ID: int(int64(binary.BigEndian.Uint64(k))), Raw: bytes.Clone(v[33:])})
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("pending updates: %w", err)
	}
	return out, nil
}

func (s *Bolt) Handled(ctx context.Context, id int, replies []Reply) ([]Reply, error) {
	var out []Reply
	err := s.db.Update(func(tx *bolt.Tx) error {
		out = nil
		b := tx.Bucket(bucketUpdates)
		key := u64(uint64(int64(id)))
		v := b.Get(key)
		if len(v) < 33 || v[0] != statePending {
			return nil
		}
		if err := b.Put(key, append([]byte{stateHandled}, v[1:33]...)); err != nil {
			return err
		}
		if err := s.forget(tx, key); err != nil {
			return err
		}
		rb := tx.Bucket(bucketReplies)
		for _, r := range replies {
			seq, err := rb.NextSequence()
			if err != nil {
				return err
			}
			r.Seq = seq
			data, err := json.Marshal(r)
			if err != nil {
				return err
			}
			if err := rb.Put(u64(seq), data); err != nil {
				return err
			}
			out = append(out, r)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("mark update %d handled: %w", id, err)
	}
	return out, nil
}

// forget notes key as handled last, and forgets the oldest handled
// updates beyond maxJournal.
func (s *Bolt) forget(tx *bolt.Tx, key []byte) error {
	h := tx.Bucket(bucketHandled)
	n, err := h.NextSequence()
	if err != nil {
		return err
	}
	if err := h.Put(u64(n), key); err != nil {
		return err
	}
	if n <= s.keep {
		return nil
	}
	old := u64(n - s.keep)
	if id := h.Get(old); id != nil {
		ub := tx.Bucket(bucketUpdates)
		if v := ub.Get(id); len(v) > 0 && v[0] == stateHandled {
			if err := ub.Delete(id); err != nil {
				return err
			}
		}
		return h.Delete(old)
	}
	return nil
}

func (s *Bolt) Unsent(ctx context.Context) ([]Reply, error) {
	var out []Reply
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketReplies).ForEach(func(k, v []byte) error {
			var r Reply
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("reply %d: %w", binary.BigEndian.Uint64(k), err)
			}
			out = append(out, r)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("unsent replies: %w", err)
	}
	return out, nil
}

func (s *Bolt) Sent(ctx context.Context, seq uint64) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketReplies).Delete(u64(seq))
	})
	if err != nil {
		return fmt.Errorf("mark reply %d sent: %w", seq, err)
	}
	return nil
}

// add adds n to the count at key of b.
func add(b *bolt.Bucket, key []byte, n uint64) error {
	var c uint64
	if v := b.Get(key); len(v) == 8 {
		c = binary.BigEndian.Uint64(v)
	}
	return b.Put(key, u64(c+n))
}

func (s *Bolt) RecordQuestion(ctx context.Context, where string, found bool, unanswered string) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		counts := tx.Bucket(bucketCounts)
		if err := add(counts, []byte("answered/"+where), 1); err != nil {
			return err
		}
		if found {
			return nil
		}
		if err := add(counts, keyNotFound, 1); err != nil {
			return err
		}
		if unanswered == "" {
			return nil
		}
		u := tx.Bucket(bucketUnanswered)
		n, err := u.NextSequence()
		if err != nil {
			return err
		}
		if err := u.Put(u64(n), []byte(unanswered)); err != nil {
			return err
		}
		if n > MaxUnanswered {
			return u.Delete(u64(n - MaxUnanswered))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record question: %w", err)
	}
	return nil
}

func (s *Bolt) Questions(ctx context.Context) (QuestionCounts, error) {
	q := QuestionCounts{Answered: make(map[string]int)}
	err := s.db.View(func(tx *bolt.Tx) error {
		err := tx.Bucket(bucketCounts).ForEach(func(k, v []byte) error {
			if len(v) != 8 {
				return nil
			}
			n := int(binary.BigEndian.Uint64(v))
			if where, ok := bytes.CutPrefix(k, []byte("answered/")); ok {
				q.Answered[string(where)] = n
			} else if bytes.Equal(k, keyNotFound) {
				q.NotFound = n
			}
			return nil
		})
		if err != nil {
			return err
		}
		return tx.Bucket(bucketUnanswered).ForEach(func(k, v []byte) error {
			q.Unanswered = append(q.Unanswered, string(v))
			return nil
		})
	})
	if err != nil {
		return QuestionCounts{}, fmt.Errorf("read question counts: %w", err)
	}
	return q, nil
}

func (s *Bolt) SaveAnswer(ctx context.Context, a AnswerRecord) error {
	data, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("save answer: %w", err)
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketAnswers).Put(u64(uint64(a.ID)), data)
	})
	if err != nil {
		return fmt.Errorf("save answer: %w", err)
	}
	return nil
}

func (s *Bolt) Vote(ctx context.Context, id, user int64, up bool) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketAnswers).Get(u64(uint64(id))) == nil {
			return ErrUnknownAnswer
		}
		v := byte(0)
		if up {
			v = 1
		}
		return tx.Bucket(bucketVotes).Put(append(u64(uint64(id)), u64(uint64(user))...), []byte{v})
	})
	if err != nil {
		return fmt.Errorf("vote: %w", err)
	}
	return nil
}

func (s *Bolt) Votes(ctx context.Context) ([]AnswerVotes, error) {
	var out []AnswerVotes
	err := s.db.View(func(tx *bolt.Tx) error {
		answers := tx.Bucket(bucketAnswers)
		// Keys sort by answer id, then user: each answer's votes are
		// together.
		return tx.Bucket(bucketVotes).ForEach(func(k, v []byte) error {
			if len(k) != 16 || len(v) != 1 {
				return nil
			}
			if n := len(out); n == 0 || out[n-1].ID != int64(binary.BigEndian.Uint64(k[:8])) {
				var rec AnswerRecord
				if err := json.Unmarshal(answers.Get(k[:8]), &rec); err != nil {
					return fmt.Errorf("answer %d: %w", binary.BigEndian.Uint64(k[:8]), err)
				}
				out = append(out, AnswerVotes{AnswerRecord: rec})
			}
			if v[0] == 1 {
				out[len(out)-1].Up++
			} else {
				out[len(out)-1].Down++
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read votes: %w", err)
	}
	return out, nil
}
