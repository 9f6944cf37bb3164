package knowledge

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"eventbot/corpus"
	"eventbot/knowledge/glance"
)

// Live is a knowledge base that can be rebuilt from its store while it
// answers. Its generations share one index (in memory, or in
// LiveOptions.IndexDir); Reload works out the next generation from the
// articles added, changed or removed alone, then, once the searches in
// flight on the serving generation end, applies them to the index in one
// batch and swaps the new generation in. A question sees one generation
// and the index as it was for it, before the swap or after; one asked
// while the batch is applied waits for it (milliseconds for a few
// articles).
type Live struct {
	logger *slog.Logger
	store  corpus.Store
	opts   LiveOptions
	engine *Base // the lexicons, model, vectors: shared by generations

	reload  sync.Mutex // one reload at a time
	catalog *catalog   // written under reload
	cur     atomic.Pointer[generation]
}

// A generation is one corpus the index serves, its manifest's entries,
// by id, and the digest of the articles it can cite, made when first
// asked for (glance.Build costs milliseconds an article: a reload of one
// article among thousands should not pay it again and again) from their
// texts in the index.
type generation struct {
	base       *Base
	articles   map[string]manifestEntry
	texts      *textStore // of the articles it can cite
	digestOnce sync.Once
	digest     *glance.Digest
	stats      Stats // fixed when built

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

// LiveOptions tunes a Live.
type LiveOptions struct {
	Options
	// IndexDir, if set, keeps the index on disk (INDEX_DIR) with a
	// manifest of the articles in it: a start over an unchanged corpus
	// then indexes nothing, a changed one only the articles that
	// changed. A directory another process holds is an error
	// (ErrIndexInUse); one made by another engine version, or that
	// cannot be read, is rebuilt. Empty: the index is in memory.
	IndexDir string
	// Progress, if set, is called as a build or reload goes through the
	// corpus's articles (at most every 100 ms, never going back, and
	// once at the end): done of total. It runs on the reloading
	// goroutine and must return quickly. WithProgress sets one for a
	// single Reload or Add.
	Progress func(done, total int)
}

// OpenLive loads the store's articles and indexes them. Bad article files
// are logged and left out, so that the bot starts with what can be
// served; a store with no good article is an error. Reload, by contrast,
// refuses a store with any bad file.
func OpenLive(ctx context.Context, logger *slog.Logger, store corpus.Store, opts Options) (*Live, error) {
	return Open(ctx, logger, store, LiveOptions{Options: opts})
}

// Open is OpenLive with the options of a Live: a persistent index,
// progress reports.
func Open(ctx context.Context, logger *slog.Logger, store corpus.Store, opts LiveOptions) (*Live, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	// The store is listed (at 50k articles, 50,000 stats) while the
	// engine loads and the index opens.
	var (
		files   []listed
		read    func(string) (corpus.Document, error)
		loadErr error
		listing sync.WaitGroup
	)
	listing.Go(func() { files, read, loadErr = list(store) })
	eng, err := newEngine(logger, opts.Options)
	var cat *catalog
	if err == nil {
		cat, err = openCatalog(logger, eng, opts.IndexDir)
	}
	listing.Wait()
	switch {
	case len(files) == 0:
		if cat != nil {
			cat.close()
		}
		return nil, fmt.Errorf("load corpus: %w", loadErr)
	case eng == nil:
		return nil, fmt.Errorf("index corpus: %w", err)
	case err != nil:
		return nil, err
	}
	l := &Live{logger: logger, store: store, opts: opts, engine: eng, catalog: cat}
	start := time.Now()
	ch, err := cat.prepare(ctx, eng, files, read, newProgress(logger, "build", len(files), progressReport(ctx, opts.Progress)))
	if err == nil {
		for _, fe := range corpus.FileErrors(errors.Join(loadErr, ch.bad)) {
			logger.Error("article left out", "file", fe.File, "reason", fe.Err)
		}
		if len(ch.base.docs) == 0 {
			err = fmt.Errorf("load corpus: %w", errors.Join(loadErr, ch.bad))
		}
	}
	if err == nil {
		err = cat.apply(ch)
	}
	if err != nil {
		cat.close()
		return nil, fmt.Errorf("index corpus: %w", err)
	}
	l.cur.Store(newGeneration(cat, ch))
	logger.Info("knowledge base ready", "documents", len(ch.base.docs), "passages", len(ch.base.passages),
		"indexed", ch.indexed, "took", time.Since(start).Round(time.Millisecond))
	return l, nil
}

// A fileStore is a store that lists its article files with their stamps
// and reads one of them (corpus.Dir): a reload then reads only the files
// whose stamp is not the manifest's.
type fileStore interface {
	Files() ([]corpus.File, error)
	Read(name string) (corpus.Document, error)
}

// list lists the store's articles, and how to read one: a fileStore's
// files, or the documents of any other store, loaded. The error lists
// the files that could not be loaded (corpus.FileErrors), or says why
// none could.
func list(store corpus.Store) ([]listed, func(string) (corpus.Document, error), error) {
	if fstore, ok := store.(fileStore); ok {
		files, err := fstore.Files()
		if err != nil {
			return nil, nil, err
		}
		out := make([]listed, len(files))
		for i, f := range files {
			out[i] = listed{id: f.ID, name: f.Name, stamp: f.Stamp}
		}
		return out, fstore.Read, nil
	}
	docs, err := store.Load()
	return loaded(docs), nil, err
}

// newGeneration makes the generation of a change prepared by cat.
func newGeneration(cat *catalog, ch *change) *generation {
	b := ch.base
	st := Stats{Documents: len(b.docs), Passages: len(b.passages)}
	for i := range b.passages {
		st.TextBytes += len(b.passages[i].text)
	}
	return &generation{base: b, articles: ch.manifest.Articles, texts: cat.texts, stats: st}
}

// cited returns the generation's articles that it can cite, with their
// texts; g must be read-locked (a reload then waits to remove the texts
// it replaces).
func (g *generation) cited() []corpus.Document {
	var out []corpus.Document
	for _, d := range g.base.docs {
		if !g.base.indexes(g.articles[d.ID]) {
			continue
		}
		body, ok := g.texts.get(d.ID, g.articles[d.ID].Hash)
		if !ok {
			g.base.logger.Error("digest: article text missing", "doc", d.ID)
			continue
		}
		d.Body = body
		out = append(out, d)
	}
	return out
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

// Digest returns the event at a glance of the serving articles that can
// be cited (those about the event): made from them, so a reload or an
// added article changes it too. It is built when first asked for, once
// per generation, outside the generation's lock. It is nil once l is
// closed.
func (l *Live) Digest() *glance.Digest {
	g := l.acquire()
	if g == nil {
		return nil
	}
	locked := true
	g.digestOnce.Do(func() {
		docs := g.cited()
		// Built outside the generation's lock: a reload need not wait
		// for it.
		g.mu.RUnlock()
		locked = false
		g.digest = glance.Build(docs)
	})
	if locked {
		g.mu.RUnlock()
	}
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

// Reload reads the store again (of a corpus.Dir, only the files whose
// stamp is not the one last read: see corpus.Stamp) and, if every article
// file read is good, indexes the articles added or changed, drops those
// removed and swaps the result in. Otherwise it keeps serving the current corpus and
// returns an error from which corpus.FileErrors lists each bad file.
func (l *Live) Reload(ctx context.Context) (Change, error) {
	l.reload.Lock()
	defer l.reload.Unlock()
	start := time.Now()
	if l.cur.Load().closed {
		return Change{}, errClosed
	}
	files, read, err := list(l.store)
	if err != nil {
		return Change{}, fmt.Errorf("reload: %w", err)
	}
	pending, err := l.catalog.prepare(ctx, l.engine, files, read, newProgress(l.logger, "reload", len(files), progressReport(ctx, l.opts.Progress)))
	if err == nil && pending.bad != nil {
		err = pending.bad
	}
	if err != nil {
		return Change{}, fmt.Errorf("reload: %w", err)
	}
	next := newGeneration(l.catalog, pending)
	// Wait for the searches in flight on the serving generation, then
	// change the index and swap: no search sees the index of one
	// generation with the passages of another.
	prev := l.cur.Load()
	prev.mu.Lock()
	if err := l.catalog.apply(pending); err != nil {
		prev.mu.Unlock()
		return Change{}, fmt.Errorf("reload: %w", err)
	}
	l.cur.Store(next)
	prev.closed = true
	prev.mu.Unlock()
	ch := diff(prev.articles, next.articles)
	ch.Before, ch.After = prev.stats, next.stats
	ch.Took = time.Since(start)
	l.logger.Info("reloaded", "documents", len(next.base.docs), "indexed", pending.indexed, "took", ch.Took.Round(time.Millisecond))
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
	return l.catalog.close()
}

// diff lists the documents added, removed and changed from before to
// after, each a manifest's entries by id; the lists are sorted.
func diff(before, after map[string]manifestEntry) Change {
	var ch Change
	for id, e := range after {
		switch old, ok := before[id]; {
		case !ok:
			ch.Added = append(ch.Added, id)
		case old.Hash != e.Hash:
			ch.Changed = append(ch.Changed, id)
		}
	}
	for id := range before {
		if _, ok := after[id]; !ok {
			ch.Removed = append(ch.Removed, id)
		}
	}
	slices.Sort(ch.Added)
	slices.Sort(ch.Changed)
	slices.Sort(ch.Removed)
	return ch
}
