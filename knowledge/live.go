package knowledge

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"sync"
	"sync/atomic"
	"time"

	"eventbot/corpus"
	"eventbot/knowledge/glance"
)

// Live is a knowledge base that can be rebuilt from its store while it
// answers: Reload builds a new index beside the serving one and swaps it
// in atomically; the old one is closed once the searches in flight on it
// end. Questions asked during a reload are answered by the old index
// until the swap and by the new one after.
type Live struct {
	logger *slog.Logger
	store  corpus.Store
	opts   Options

	reload sync.Mutex // one reload at a time
	cur    atomic.Pointer[generation]
}

// A generation is one built index, the documents it holds and their
// digest.
type generation struct {
	base   *Base
	docs   []corpus.Document
	digest *glance.Digest
	stats  Stats // fixed when built

	mu     sync.RWMutex // read-held by each search; written to close
	closed bool
}

// Stats describes what a knowledge base holds.
type Stats struct {
	Documents int
	Passages  int
	TextBytes int // bytes of indexed text
}

// Change reports what a reload changed.
type Change struct {
	Before, After           Stats
	Added, Removed, Changed []string // document ids
	Took                    time.Duration
}

// OpenLive loads the store's articles and indexes them. Bad article files
// are logged and left out, so that the bot starts with what can be
// served; a store with no good article is an error. Reload, by contrast,
// refuses a store with any bad file.
func OpenLive(ctx context.Context, logger *slog.Logger, store corpus.Store, opts Options) (*Live, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	docs, err := store.Load()
	if err != nil {
		for _, fe := range corpus.FileErrors(err) {
			logger.Error("article left out", "file", fe.File, "reason", fe.Err)
		}
		if len(docs) == 0 {
			return nil, fmt.Errorf("load corpus: %w", err)
		}
	}
	l := &Live{logger: logger, store: store, opts: opts}
	g, err := l.build(ctx, docs)
	if err != nil {
		return nil, err
	}
	l.cur.Store(g)
	return l, nil
}

func (l *Live) build(ctx context.Context, docs []corpus.Document) (*generation, error) {
	// The digest takes about as long as the index: build both at once.
	var digest *glance.Digest
	digested := make(chan struct{})
	go func() {
		defer close(digested)
		digest = glance.Build(docs)
	}()
	b, err := New(ctx, l.logger, docs, l.opts)
	<-digested
	if err != nil {
		return nil, fmt.Errorf("index corpus: %w", err)
	}
	st := Stats{Documents: len(docs), Passages: len(b.passages)}
	for i := range b.passages {
		st.TextBytes += len(b.passages[i].text)
	}
	return &generation{base: b, docs: docs, digest: digest, stats: st}, nil
}

// errClosed is returned by a Live that has been closed.
var errClosed = errors.New("knowledge base closed")

// acquire returns the serving generation, read-locked against closing,
// or nil once l is closed.
func (l *Live) acquire() *generation {
	for {
		g := l.cur.Load()
		g.mu.RLock()
		if !g.closed {
			return g
		}
		g.mu.RUnlock()
		if l.cur.Load() == g {
			return nil // closed for good
		}
		// Swapped out and closed meanwhile: take the new one.
	}
}

// Answer answers question from the serving index.
func (l *Live) Answer(ctx context.Context, question string) (Answer, error) {
	g := l.acquire()
	if g == nil {
		return Answer{}, errClosed
	}
	defer g.mu.RUnlock()
	return g.base.Answer(ctx, question)
}

// Sources lists the serving documents, oldest first.
func (l *Live) Sources() []Source {
	g := l.acquire()
	if g == nil {
		return nil
	}
	defer g.mu.RUnlock()
	return g.base.Sources()
}

// Digest returns the event at a glance of the serving documents: built
// with them, so a reload or an added article changes it too. It is nil
// once l is closed.
func (l *Live) Digest() *glance.Digest {
	g := l.acquire()
	if g == nil {
		return nil
	}
	defer g.mu.RUnlock()
	return g.digest
}

// Stats describes the serving index.
func (l *Live) Stats() Stats {
	g := l.acquire()
	if g == nil {
		return Stats{}
	}
	defer g.mu.RUnlock()
	return g.stats
}

// Reload reads the store again and, if every article file in it is good,
// swaps in an index of them. Otherwise it keeps serving the current index
// and returns an error from which corpus.FileErrors lists each bad file.
func (l *Live) Reload(ctx context.Context) (Change, error) {
	l.reload.Lock()
	defer l.reload.Unlock()
	start := time.Now()
	if l.cur.Load().closed {
		return Change{}, errClosed
	}
	docs, err := l.store.Load()
	if err != nil {
		return Change{}, fmt.Errorf("reload: %w", err)
	}
	next, err := l.build(ctx, docs)
	if err != nil {
		return Change{}, fmt.Errorf("reload: %w", err)
	}
	prev := l.cur.Swap(next)
	ch := diff(prev.docs, docs)
	ch.Before, ch.After = prev.stats, next.stats
	// Wait for the searches in flight on the old index, then close it.
	prev.mu.Lock()
	prev.closed = true
	cerr := prev.base.Close()
	prev.mu.Unlock()
	if cerr != nil {
		l.logger.Warn("close the old index", "err", cerr)
	}
	ch.Took = time.Since(start)
	return ch, nil
}

// Add validates an article file, keeps it in the store and reloads. The
// article is kept even when the reload then fails for another file.
func (l *Live) Add(ctx context.Context, data []byte, replace bool) (corpus.Document, Change, error) {
	doc, err := l.store.Add(data, replace)
	if err != nil {
		return corpus.Document{}, Change{}, err
	}
	ch, err := l.Reload(ctx)
	return doc, ch, err
}

// Close closes the serving index.
func (l *Live) Close() error {
	l.reload.Lock()
	defer l.reload.Unlock()
	g := l.cur.Load()
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return errClosed
	}
	g.closed = true
	return g.base.Close()
}

// diff lists the documents added, removed and changed from before to after.
func diff(before, after []corpus.Document) Change {
	old := make(map[string]corpus.Document, len(before))
	for _, d := range before {
		old[d.ID] = d
	}
	var ch Change
	for _, d := range after {
		o, ok := old[d.ID]
		switch {
		case !ok:
			ch.Added = append(ch.Added, d.ID)
		case !reflect.DeepEqual(o, d):
			ch.Changed = append(ch.Changed, d.ID)
		}
		delete(old, d.ID)
	}
	for _, d := range before {
		if _, ok := old[d.ID]; ok {
			ch.Removed = append(ch.Removed, d.ID)
		}
	}
	return ch
}
