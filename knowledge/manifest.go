package knowledge

import (
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"

	"eventbot/corpus"
)

// A catalog is the bleve index that a Live's generations share, and what
// each article put in it. In a directory (INDEX_DIR) it persists with
// its manifest, so that a start over an unchanged corpus indexes nothing
// and a changed one only the articles added, changed or removed.
type catalog struct {
	logger   *slog.Logger
	dir      string // "" for an index in memory
	index    bleve.Index
	engine   string
	manifest manifest
	totals   *totals // of the articles the manifest lists
	texts    *textStore
	// passages are the indexed articles' passages, by document id, as
	// last applied: those split since the catalog was opened (the others
	// are split again from their texts when needed).
	passages map[string][]passage
}

// A manifest lists what the index holds: the engine that made it and
// each article's content hash, stamp and byline. It is stored in the
// index itself (bleve's internal data), written in the same batch as the
// passages, so the two never disagree; so are the term totals. With the
// indexed articles' texts (textStore), a start over an unchanged corpus
// reads no article file and analyses no text.
type manifest struct {
	Engine   string
	Articles map[string]manifestEntry
}

// A manifestEntry is one article of the manifest: its content hash,
// whether it is about the event, its passage count, the stamp of the file
// it was read from (zero if none, or too recent to tell, see
// corpus.Stamp), and the fields that a generation serves of it.
type manifestEntry struct {
	Hash                                          string
	Event                                         bool
	Passages                                      int
	Stamp                                         corpus.Stamp
	Title, Publisher, Author, Date, Language, URL string
}

// Internal keys of the index: the manifest and the totals.
var (
	manifestKey = []byte("eventbot-manifest")
	totalsKey   = []byte("eventbot-totals")
)

// bleveDir is the index's directory inside INDEX_DIR.
const bleveDir = "bleve"

// lockTimeout is how long an open waits for another process holding the
// index: a second bot on the same INDEX_DIR fails at once.
const lockTimeout = "1s"

// ErrIndexInUse means another process holds the INDEX_DIR.
var ErrIndexInUse = errors.New("the index directory is in use by another process")

// openCatalog opens the index in dir, or makes a new one; dir "" is an
// index in memory. An index made by another engine, or one that cannot be
// read, is rebuilt, with a log line.
func openCatalog(logger *slog.Logger, eng *Base, dir string) (*catalog, error) {
	fp, err := eng.fingerprint()
	if err != nil {
		return nil, fmt.Errorf("open index: %w", err)
	}
	c := &catalog{logger: logger, dir: dir, engine: fp, passages: map[string][]passage{}, totals: newTotals(),
		manifest: manifest{Engine: fp, Articles: map[string]manifestEntry{}}}
	if dir == "" {
		c.index, err = bleve.NewUsing("", eng.mapping, scorch.Name, scorch.Name, nil)
		if err != nil {
			return nil, fmt.Errorf("make index: %w", err)
		}
		c.texts, _ = openTexts("")
		return c, nil
	}
	path := filepath.Join(dir, bleveDir)
	config := map[string]any{"bolt_timeout": lockTimeout}
	if _, err := os.Stat(path); err == nil {
		idx, err := bleve.OpenUsing(path, config)
		if err == nil {
			texts, err := openTexts(dir)
			if err != nil {
				idx.Close()
				return nil, err
			}
			if m, t, reason := readManifest(idx, texts, eng, fp); reason == "" {
				c.index, c.manifest, c.totals, c.texts = idx, m, t, texts
				return c, nil
			} else {
				idx.Close()
				texts.close()
				logger.Warn("index rebuilt", "dir", dir, "reason", reason)
			}
		} else if isLockTimeout(err) {
			return nil, fmt.Errorf("open index %s: %w", dir, ErrIndexInUse)
		} else {
			logger.Warn("index rebuilt", "dir", dir, "reason", "unreadable", "err", err)
		}
		for _, old := range []string{path, filepath.Join(dir, textsFile)} {
			if err := os.RemoveAll(old); err != nil {
				return nil, fmt.Errorf("remove the old index: %w", err)
			}
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("make index: %w", err)
	}
	c.index, err = bleve.NewUsing(path, eng.mapping, scorch.Name, scorch.Name, config)
	if err != nil {
		if isLockTimeout(err) {
			return nil, fmt.Errorf("make index %s: %w", dir, ErrIndexInUse)
		}
		return nil, fmt.Errorf("make index: %w", err)
	}
	if c.texts, err = openTexts(dir); err != nil {
		c.index.Close()
		return nil, err
	}
	return c, nil
}

// isLockTimeout reports whether an open failed on bolt's lock timeout.
func isLockTimeout(err error) bool {
	for e := err; e != nil; e = errors.Unwrap(e) {
		if e.Error() == "timeout" {
			return true
		}
	}
	return false
}

// readManifest reads the index's manifest and totals, or says why they
// will not do: missing, of another engine, or listing other than the
// index's documents (its passages and synonyms synonym definitions) and
// texts.
func readManifest(idx bleve.Index, texts *textStore, eng *Base, engine string) (manifest, *totals, string) {
	data, err := idx.GetInternal(manifestKey)
	if err != nil || len(data) == 0 {
		return manifest{}, nil, "no manifest"
	}
	var m manifest
	if err := decode(data, &m); err != nil {
		return manifest{}, nil, "corrupt manifest"
	}
	if m.Engine != engine {
		return manifest{}, nil, "made by another engine: " + m.Engine
	}
	if m.Articles == nil {
		m.Articles = map[string]manifestEntry{}
	}
	t := newTotals()
	if data, err := idx.GetInternal(totalsKey); err != nil || decode(data, t) != nil {
		return manifest{}, nil, "corrupt: no term totals"
	}
	want := uint64(len(eng.synonymDefinitions()))
	var keys []string
	for id, e := range m.Articles {
		want += uint64(e.Passages)
		if eng.indexes(e) {
			keys = append(keys, textKey(id, e.Hash))
		}
	}
	if k := texts.missing(keys); k != "" {
		return manifest{}, nil, "corrupt: no text of " + strings.Split(k, "\x00")[0]
	}
	if n, err := idx.DocCount(); err != nil || n != want {
		return manifest{}, nil, fmt.Sprintf("corrupt: %d documents, the manifest lists %d", n, want)
	}
	return m, t, ""
}

// encode and decode are the manifest's and the totals' encoding (gob:
// several times faster to read than JSON at 50,000 articles).
func encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func decode(data []byte, v any) error {
	return gob.NewDecoder(bytes.NewReader(data)).Decode(v)
}

func (c *catalog) close() error { return errors.Join(c.index.Close(), c.texts.close()) }

// A listed article is one article of the store: its id, its file's name
// and stamp, and the document itself when the store has loaded it
// already (otherwise it is read when its stamp is not the manifest's).
type listed struct {
	id, name string
	stamp    corpus.Stamp
	doc      *corpus.Document
}

// A change is a generation ready to serve and the batch that brings the
// index to it.
type change struct {
	base     *Base
	batch    *bleve.Batch
	manifest manifest
	totals   *totals // the catalog's own until a count changes (own)
	owned    bool
	passages map[string][]passage
	texts    map[string]string // the new texts to keep, by textKey
	stale    []string          // the textKeys of the texts they replace
	indexed  int               // articles whose passages the batch adds
	bad      error             // the files that could not be read, left out (corpus.FileErrors)
}

// A prepared article is what prepare knows of one listed article.
type prepared struct {
	doc      corpus.Document // its byline and date, without its body
	entry    manifestEntry
	passages []passage
	body     string // the text to keep (textStore), when fresh and indexed
	fresh    bool   // read and analysed: its passages go into the batch
	err      error
}

// prepare works out a generation of the listed articles from eng and
// what the index holds, touching nothing that serves: an article whose
// file's stamp is the manifest's is not read, one whose content hash is
// the manifest's is reused, the others are analysed; the batch deletes
// the passages of articles changed or gone and adds the new ones, and the
// term totals are those of the manifest less the articles changed or
// gone, plus the new ones. Files that cannot be read are left out and
// reported in the change's bad.
func (c *catalog) prepare(ctx context.Context, eng *Base, files []listed, read func(name string) (corpus.Document, error), prog *progress) (*change, error) {
	ch := &change{batch: c.index.NewBatch(), totals: c.totals, passages: map[string][]passage{}, texts: map[string]string{},
		manifest: manifest{Engine: c.engine, Articles: make(map[string]manifestEntry, len(files))}}
	b := eng.fork()
	b.index = c.index
	arts, err := c.analyse(ctx, b, files, read, ch, prog)
	if err != nil {
		return nil, err
	}
	var docs []corpus.Document
	var bad []error
	restamped := false
	for i, a := range arts {
		id := files[i].id
		if a.err != nil {
			bad = append(bad, a.err)
			continue
		}
		if a.fresh {
			c.deletePassages(ch.batch, id)
			for n, p := range a.passages {
				err := ch.batch.Index(passageID(id, n), map[string]any{fieldText: p.text})
				if err != nil {
					return nil, fmt.Errorf("index %s: %w", id, err)
				}
			}
			if b.indexes(a.entry) {
				ch.texts[textKey(id, a.entry.Hash)] = a.body
			}
			if old, ok := c.manifest.Articles[id]; ok && b.indexes(old) {
				ch.stale = append(ch.stale, textKey(id, old.Hash))
			}
			ch.indexed++
		}
		docs = append(docs, a.doc)
		ch.manifest.Articles[id] = a.entry
		restamped = restamped || a.entry.Stamp != c.manifest.Articles[id].Stamp
		if a.passages != nil {
			ch.passages[id] = a.passages
		}
	}
	ch.bad = errors.Join(bad...)
	removed := 0
	for id, old := range c.manifest.Articles {
		if _, ok := ch.manifest.Articles[id]; ok {
			continue
		}
		removed++
		if b.indexes(old) {
			ps, err := c.passagesOf(b, id, old, nil)
			if err != nil {
				return nil, err
			}
			ch.own().add(b.counts(ps), -1)
			ch.stale = append(ch.stale, textKey(id, old.Hash))
		}
		c.deletePassages(ch.batch, id)
	}
	if len(c.manifest.Articles) == 0 {
		if err := b.indexSynonyms(ch.batch); err != nil {
			return nil, err
		}
	}
	// The manifest is written when an article or a stamp changed, the
	// totals when an article did: a start or reload that finds the
	// corpus as it was writes nothing.
	write := []struct {
		key []byte
		v   any
	}{{manifestKey, ch.manifest}, {totalsKey, ch.totals}}
	switch {
	case ch.indexed > 0 || removed > 0 || len(c.manifest.Articles) == 0:
	case restamped:
		write = write[:1]
	default:
		write = nil
	}
	for _, kv := range write {
		data, err := encode(kv.v)
		if err != nil {
			return nil, fmt.Errorf("write manifest: %w", err)
		}
		ch.batch.SetInternal(kv.key, data)
	}
	b.assemble(corpus.Sorted(docs), ch.passages, ch.totals)
	ch.base = b
	return ch, nil
}

// analyse prepares each of the listed articles, on as many goroutines as
// there are processors: one whose stamp or content the manifest holds is
// reused, the others read and analysed, their terms counted into the
// change's totals (and those of the version they replace taken out).
func (c *catalog) analyse(ctx context.Context, b *Base, files []listed, read func(string) (corpus.Document, error), ch *change, prog *progress) ([]prepared, error) {
	arts := make([]prepared, len(files))
	var next, done atomic.Int64
	var mu sync.Mutex // guards ch.totals
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= len(files) {
					return
				}
				arts[i] = c.prepareOne(b, &files[i], read, func(add, sub counts) {
					mu.Lock()
					defer mu.Unlock()
					t := ch.own()
					t.add(sub, -1)
					t.add(add, 1)
				})
				prog.step(int(done.Add(1)))
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return arts, nil
}

// prepareOne prepares one listed article; count takes the term counts of
// a fresh article and of the version it replaces.
func (c *catalog) prepareOne(b *Base, f *listed, read func(string) (corpus.Document, error), count func(add, sub counts)) prepared {
	old, known := c.manifest.Articles[f.id]
	if f.doc == nil && known && f.stamp != (corpus.Stamp{}) && f.stamp == old.Stamp {
		// The file is as it was read: not read again.
		ps, err := c.passagesOf(b, f.id, old, nil)
		return prepared{doc: old.document(f.id), entry: old, passages: ps, err: err}
	}
	doc := f.doc
	if doc == nil {
		d, err := read(f.name)
		if err != nil {
			return prepared{err: err}
		}
		doc = &d
	}
	h := contentHash(doc)
	if known && old.Hash == h {
		ps, err := c.passagesOf(b, f.id, old, doc)
		old.Stamp = f.stamp
		return prepared{doc: old.document(f.id), entry: old, passages: ps, err: err}
	}
	a := prepared{fresh: true, entry: manifestEntry{Hash: h, Event: b.aboutEvent(doc), Stamp: f.stamp,
		Title: doc.Title, Publisher: doc.Publisher, Author: doc.Author, Date: doc.Date.String(), Language: doc.Language, URL: doc.URL}}
	a.entry.clone()
	a.doc = a.entry.document(f.id)
	if a.passages = b.passagesFrom(doc, a.entry.Event); b.indexes(a.entry) {
		a.entry.Passages = len(a.passages)
		a.body = strings.Clone(doc.Body)
	}
	var sub counts
	if known && b.indexes(old) {
		ps, err := c.passagesOf(b, f.id, old, nil)
		if err != nil {
			return prepared{err: err}
		}
		sub = b.counts(ps)
	}
	count(b.counts(a.passages), sub)
	return a
}

// passagesOf returns the passages of an article the manifest lists as
// entry: those split since the catalog was opened, or split again from
// doc, or from its text in the textStore.
func (c *catalog) passagesOf(b *Base, id string, entry manifestEntry, doc *corpus.Document) ([]passage, error) {
	if !b.indexes(entry) {
		return nil, nil
	}
	if ps, ok := c.passages[id]; ok {
		return ps, nil
	}
	if doc == nil {
		body, ok := c.texts.get(id, entry.Hash)
		if !ok {
			return nil, fmt.Errorf("index: no text of %s", id)
		}
		d := entry.document(id)
		d.Body = body
		doc = &d
	}
	return b.passagesFrom(doc, true), nil
}

// indexes reports whether the article e describes has its passages, and
// its text, in the index.
func (b *Base) indexes(e manifestEntry) bool { return e.Event || !b.enabled(EventFilter) }

// document is the served fields of the article id that e describes.
func (e manifestEntry) document(id string) corpus.Document {
	date, _ := corpus.ParseDate(e.Date)
	return corpus.Document{ID: id, Title: e.Title, Publisher: e.Publisher, Author: e.Author,
		Date: date, Language: e.Language, URL: e.URL}
}

// clone makes e's fields strings of their own, so that an entry does not
// keep the file's whole text that it was cut from.
func (e *manifestEntry) clone() {
	for _, s := range []*string{&e.Title, &e.Publisher, &e.Author, &e.Language, &e.URL} {
		*s = strings.Clone(*s)
	}
}

// own returns the change's totals to change, copied from the catalog's
// the first time.
func (ch *change) own() *totals {
	if !ch.owned {
		ch.totals, ch.owned = ch.totals.clone(), true
	}
	return ch.totals
}

// deletePassages adds to batch the deletion of an article's passages.
func (c *catalog) deletePassages(batch *bleve.Batch, id string) {
	for n := range c.manifest.Articles[id].Passages {
		batch.Delete(passageID(id, n))
	}
}

// apply writes a prepared change to the index, atomically: a search sees
// the index before or after it.
func (c *catalog) apply(ch *change) error {
	if err := c.texts.put(ch.texts); err != nil {
		return err
	}
	if ch.batch.Size() > 0 {
		if err := c.index.Batch(ch.batch); err != nil {
			return fmt.Errorf("index batch: %w", err)
		}
	}
	// The index no longer lists them: a failure leaves texts unused,
	// nothing wrong.
	if err := c.texts.remove(ch.stale); err != nil {
		c.logger.Warn("old article texts kept", "err", err)
	}
	c.manifest, c.totals, c.passages = ch.manifest, ch.totals, ch.passages
	return nil
}

// update prepares and applies docs, for a Base that does not serve yet.
func (c *catalog) update(ctx context.Context, eng *Base, docs []corpus.Document, prog *progress) (*Base, error) {
	ch, err := c.prepare(ctx, eng, loaded(docs), nil, prog)
	if err != nil {
		return nil, err
	}
	if err := c.apply(ch); err != nil {
		return nil, err
	}
	return ch.base, nil
}

// loaded lists documents already loaded.
func loaded(docs []corpus.Document) []listed {
	out := make([]listed, len(docs))
	for i := range docs {
		out[i] = listed{id: strings.Clone(docs[i].ID), name: docs[i].ID + corpus.Ext, doc: &docs[i]}
	}
	return out
}

// indexSynonyms adds the lexicon's one-word synonym groups to batch.
func (b *Base) indexSynonyms(batch *bleve.Batch) error {
	for id, def := range b.synonymDefinitions() {
		if err := batch.IndexSynonym(id, synonymSrc, def); err != nil {
			return fmt.Errorf("index synonyms: %w", err)
		}
	}
	return nil
}

// synonymsOf maps each term of the lexicon's one-word synonym groups to
// the others of its groups, as bleve's synonym collection gives them:
// each member analysed again, as the collection's analyzer does.
func (b *Base) synonymsOf() map[string][]string {
	out := map[string][]string{}
	for _, def := range b.synonymDefinitions() {
		var terms []string
		for _, s := range def.Synonyms {
			if tokens := b.analyzer.Analyze([]byte(s)); len(tokens) == 1 {
				terms = append(terms, string(tokens[0].Term))
			}
		}
		for i, t := range terms {
			for j, other := range terms {
				if i != j && !slices.Contains(out[t], other) {
					out[t] = append(out[t], other)
				}
			}
		}
	}
	for _, terms := range out {
		slices.Sort(terms)
	}
	return out
}

// synonymDefinitions are the lexicon's groups of two or more one-word
// members, by their id in the index; none when synonyms are off.
func (b *Base) synonymDefinitions() map[string]*bleve.SynonymDefinition {
	defs := map[string]*bleve.SynonymDefinition{}
	if !b.enabled(Synonyms) {
		return defs
	}
	for gi, g := range b.groups {
		var single []string
		for _, seq := range g {
			if len(seq) == 1 {
				single = append(single, seq[0])
			}
		}
		if len(single) >= 2 {
			defs["synonyms-"+strconv.Itoa(gi)] = &bleve.SynonymDefinition{Synonyms: single}
		}
	}
	return defs
}
