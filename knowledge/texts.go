package knowledge

import (
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// A textStore keeps the text of each indexed article, by id and content
// hash, for a start that reads no file (the article is split into
// passages again from it) and for the digest: in INDEX_DIR, a bbolt file
// beside the index; in memory otherwise. It is not in the index's
// internal data, which scorch writes whole at every batch: a one-article
// reload at 50k articles would rewrite the 11 MB of the event's texts.
//
// Keyed by content hash, it never disagrees with the index: a change's
// new texts are written before its batch, and the texts it replaces
// removed after it, so whatever hash the index's manifest lists has its
// text even after a crash (at worst, texts no manifest lists are left).
type textStore struct {
	db  *bolt.DB // nil: in memory
	mu  sync.RWMutex
	mem map[string]string
}

// textsFile is the store's file inside INDEX_DIR.
const textsFile = "texts.db"

var textsBucket = []byte("texts")

// openTexts opens the store in dir, or one in memory if dir is "".
func openTexts(dir string) (*textStore, error) {
	if dir == "" {
		return &textStore{mem: map[string]string{}}, nil
	}
	db, err := bolt.Open(filepath.Join(dir, textsFile), 0o644, &bolt.Options{Timeout: time.Second})
	if err != nil {
		if errors.Is(err, bolt.ErrTimeout) {
			return nil, fmt.Errorf("open article texts: %w", ErrIndexInUse)
		}
		return nil, fmt.Errorf("open article texts: %w", err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(textsBucket)
		return err
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open article texts: %w", err)
	}
	return &textStore{db: db}, nil
}

func textKey(id, hash string) string { return id + "\x00" + hash }

// get returns the text of the article id with the content hash, or false.
func (s *textStore) get(id, hash string) (string, bool) {
	key := textKey(id, hash)
	if s.db == nil {
		s.mu.RLock()
		defer s.mu.RUnlock()
		text, ok := s.mem[key]
		return text, ok
	}
	var text string
	var ok bool
	_ = s.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(textsBucket).Get([]byte(key)); v != nil {
			text, ok = string(v), true
		}
		return nil
	})
	return text, ok
}

// missing returns the first of keys (textKey) the store lacks, or "".
func (s *textStore) missing(keys []string) string {
	if s.db == nil {
		s.mu.RLock()
		defer s.mu.RUnlock()
		for _, k := range keys {
			if _, ok := s.mem[k]; !ok {
				return k
			}
		}
		return ""
	}
	var lacking string
	_ = s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(textsBucket)
		for _, k := range keys {
			if b.Get([]byte(k)) == nil {
				lacking = k
				return nil
			}
		}
		return nil
	})
	return lacking
}

// put adds texts by key (textKey), in one transaction.
func (s *textStore) put(texts map[string]string) error {
	if len(texts) == 0 {
		return nil
	}
	if s.db == nil {
		s.mu.Lock()
		defer s.mu.Unlock()
		for k, v := range texts {
			s.mem[k] = v
		}
		return nil
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(textsBucket)
		for k, v := range texts {
			if err := b.Put([]byte(k), []byte(v)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("write article texts: %w", err)
	}
	return nil
}

// remove deletes texts by key (textKey), in one transaction.
func (s *textStore) remove(keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	if s.db == nil {
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, k := range keys {
			delete(s.mem, k)
		}
		return nil
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(textsBucket)
		for _, k := range keys {
			if err := b.Delete([]byte(k)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("remove article texts: %w", err)
	}
	return nil
}

func (s *textStore) close() error {
	if s.db == nil {
		return nil
	}
	return s.db.Close()
}
