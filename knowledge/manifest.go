package knowledge

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
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
	articles map[string]*article // by document id, as last applied
}

// A manifest lists what the index holds: the engine that made it and
// each article's content hash. It is stored in the index itself (bleve's
// internal data), written in the same batch as the passages, so the two
// never disagree.
type manifest struct {
	Engine   string                   `json:"engine"`
	Articles map[string]manifestEntry `json:"articles"`
}

type manifestEntry struct {
	Hash     string `json:"hash"`
	Event    bool   `json:"event"`
	Passages int    `json:"passages"`
}

// manifestKey is the bleve internal key of the manifest.
var manifestKey = []byte("eventbot-manifest")

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
	c := &catalog{logger: logger, dir: dir, engine: fp, articles: map[string]*article{},
		manifest: manifest{Engine: fp, Articles: map[string]manifestEntry{}}}
	if dir == "" {
		c.index, err = bleve.NewUsing("", eng.mapping, scorch.Name, scorch.Name, nil)
		if err != nil {
			return nil, fmt.Errorf("make index: %w", err)
		}
		return c, nil
	}
	path := filepath.Join(dir, bleveDir)
	config := map[string]any{"bolt_timeout": lockTimeout}
	if _, err := os.Stat(path); err == nil {
		idx, err := bleve.OpenUsing(path, config)
		if err == nil {
			if m, reason := readManifest(idx, fp, len(eng.synonymDefinitions())); reason == "" {
				c.index, c.manifest = idx, m
				return c, nil
			} else {
				idx.Close()
				logger.Warn("index rebuilt", "dir", dir, "reason", reason)
			}
		} else if isLockTimeout(err) {
			return nil, fmt.Errorf("open index %s: %w", dir, ErrIndexInUse)
		} else {
			logger.Warn("index rebuilt", "dir", dir, "reason", "unreadable", "err", err)
		}
		if err := os.RemoveAll(path); err != nil {
			return nil, fmt.Errorf("remove the old index: %w", err)
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

// readManifest reads the index's manifest, or says why it will not do:
// missing, of another engine, or listing other than the index's
// documents (its passages and synonyms synonym definitions).
func readManifest(idx bleve.Index, engine string, synonyms int) (manifest, string) {
	data, err := idx.GetInternal(manifestKey)
	if err != nil || len(data) == 0 {
		return manifest{}, "no manifest"
	}
	var m manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return manifest{}, "corrupt manifest"
	}
	if m.Engine != engine {
		return manifest{}, "made by another engine: " + m.Engine
	}
	if m.Articles == nil {
		m.Articles = map[string]manifestEntry{}
	}
	want := uint64(synonyms)
	for _, e := range m.Articles {
		want += uint64(e.Passages)
	}
	if n, err := idx.DocCount(); err != nil || n != want {
		return manifest{}, fmt.Sprintf("corrupt: %d documents, the manifest lists %d", n, want)
	}
	return m, ""
}

func (c *catalog) close() error { return c.index.Close() }

// A change is a generation ready to serve and the batch that brings the
// index to it.
type change struct {
	base     *Base
	batch    *bleve.Batch
	articles map[string]*article
	manifest manifest
	indexed  int // articles whose passages the batch adds
}

// prepare works out a generation of docs from eng and what the index
// holds, touching nothing that serves: articles whose content is known
// are reused, the others analysed; the batch deletes the passages of
// articles changed or gone and adds the new ones.
func (c *catalog) prepare(ctx context.Context, eng *Base, docs []corpus.Document, prog *progress) (*change, error) {
	docs = corpus.Sorted(docs)
	ch := &change{batch: c.index.NewBatch(), articles: make(map[string]*article, len(docs)),
		manifest: manifest{Engine: c.engine, Articles: make(map[string]manifestEntry, len(docs))}}
	b := eng.fork()
	b.index = c.index
	arts, fresh, err := c.analyse(ctx, b, docs, prog)
	if err != nil {
		return nil, err
	}
	for i := range docs {
		doc, a := &docs[i], arts[i]
		if fresh[i] {
			c.deletePassages(ch.batch, doc.ID)
			event := "no"
			if a.event {
				event = onEvent
			}
			for n, p := range a.passages {
				err := ch.batch.Index(passageID(doc.ID, n), map[string]any{fieldText: p.text, fieldDoc: doc.ID, fieldEvent: event})
				if err != nil {
					return nil, fmt.Errorf("index %s: %w", doc.ID, err)
				}
			}
			ch.indexed++
		}
		// What is served of a document beyond its passages is its byline
		// and date: the body, most of a large corpus, is not kept, nor
		// the file's text that its fields would otherwise hold on to.
		*doc = corpus.Document{ID: strings.Clone(doc.ID), Title: strings.Clone(doc.Title), Publisher: strings.Clone(doc.Publisher),
			Author: strings.Clone(doc.Author), Date: doc.Date, Language: strings.Clone(doc.Language), URL: strings.Clone(doc.URL)}
		ch.articles[doc.ID] = a
		ch.manifest.Articles[doc.ID] = manifestEntry{Hash: a.hash, Event: a.event, Passages: len(a.passages)}
	}
	for id := range c.manifest.Articles {
		if _, ok := ch.manifest.Articles[id]; !ok {
			c.deletePassages(ch.batch, id)
		}
	}
	if len(c.manifest.Articles) == 0 {
		if err := b.indexSynonyms(ch.batch); err != nil {
			return nil, err
		}
	}
	data, err := json.Marshal(ch.manifest)
	if err != nil {
		return nil, fmt.Errorf("write manifest: %w", err)
	}
	ch.batch.SetInternal(manifestKey, data)
	b.assemble(docs, ch.articles)
	ch.base = b
	return ch, nil
}

// analyse returns the article of each of docs: the one the catalog
// holds when its content is unchanged (fresh false), otherwise a new
// analysis (fresh true), on as many goroutines as there are processors.
func (c *catalog) analyse(ctx context.Context, b *Base, docs []corpus.Document, prog *progress) ([]*article, []bool, error) {
	arts, fresh := make([]*article, len(docs)), make([]bool, len(docs))
	var next, done atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= len(docs) {
					return
				}
				doc := &docs[i]
				h := contentHash(doc)
				a, old := c.articles[doc.ID], c.manifest.Articles[doc.ID]
				switch {
				case a != nil && a.hash == h:
				case old.Hash == h:
					// Indexed by an earlier process: its passages are
					// in the index.
					a = b.articleFrom(doc, h, old.Event)
				default:
					a, fresh[i] = b.analyseArticle(doc, h), true
				}
				arts[i] = a
				prog.step(int(done.Add(1)))
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return arts, fresh, nil
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
	if err := c.index.Batch(ch.batch); err != nil {
		return fmt.Errorf("index batch: %w", err)
	}
	c.articles, c.manifest = ch.articles, ch.manifest
	return nil
}

// update prepares and applies docs, for a Base that does not serve yet.
func (c *catalog) update(ctx context.Context, eng *Base, docs []corpus.Document, prog *progress) (*Base, error) {
	ch, err := c.prepare(ctx, eng, docs, prog)
	if err != nil {
		return nil, err
	}
	if err := c.apply(ch); err != nil {
		return nil, err
	}
	return ch.base, nil
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
