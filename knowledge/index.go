package knowledge

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"maps"
	"strconv"
	"sync"

	"eventbot/corpus"
)

// contentHash identifies a document's content: any change to the file's
// fields changes it.
func contentHash(doc *corpus.Document) string {
	h := sha256.New()
	for _, f := range []string{doc.ID, doc.Title, doc.Publisher, doc.Author, doc.Date.String(),
		doc.Language, doc.URL, doc.Origin, doc.Note, doc.Body} {
		io.WriteString(h, strconv.Itoa(len(f))+":")
		io.WriteString(h, f)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// passageID is a passage's id in the bleve index: stable across
// generations, so that a reload deletes and adds only its articles'.
func passageID(doc string, n int) string { return doc + "/" + strconv.Itoa(n) }

// passagesFrom returns the passages that a document about the event or
// not puts in the index, byline last: none (nil) for other news while
// the event filter is on. They carry no document index (a generation
// numbers its documents) and no sentence analysis (done when a passage
// is first retrieved, see analysePassages).
func (b *Base) passagesFrom(doc *corpus.Document, event bool) []passage {
	if !event && b.enabled(EventFilter) {
		// Other news is not indexed: it would never be cited, and its
		// words would change the weights of the event's passages.
		return nil
	}
	ps := splitPassages(0, *doc)
	if p, ok := byline(0, *doc); ok {
		ps = append(ps, p)
	}
	if ps == nil {
		ps = []passage{}
	}
	return ps
}

// totals are the sums over a generation's indexed passages that
// answering reads: the passages, the passages holding each term, the
// words of four letters or more, and the capitalised words by their
// consonant key. A reload takes out those of the articles changed or
// gone and adds the new ones', so that the sums are kept in one place,
// not per article.
type totals struct {
	N        int
	DF       map[string]int
	Spelling map[string]int
	Names    map[string]map[string]int
}

// counts are one article's share of the totals.
type counts = totals

func newTotals() *totals {
	return &totals{DF: map[string]int{}, Spelling: map[string]int{}, Names: map[string]map[string]int{}}
}

// clone returns a copy of t that can change while t serves.
func (t *totals) clone() *totals {
	out := &totals{N: t.N, DF: maps.Clone(t.DF), Spelling: maps.Clone(t.Spelling), Names: make(map[string]map[string]int, len(t.Names))}
	for k, ws := range t.Names {
		out.Names[k] = maps.Clone(ws)
	}
	return out
}

// add adds c to t, sign times (-1 takes it out); sums that reach zero
// are removed, so that t is the totals of the articles it counts, as if
// counted afresh.
func (t *totals) add(c counts, sign int) {
	t.N += sign * c.N
	addCounts(t.DF, c.DF, sign)
	addCounts(t.Spelling, c.Spelling, sign)
	for k, ws := range c.Names {
		if t.Names[k] == nil {
			t.Names[k] = map[string]int{}
		}
		addCounts(t.Names[k], ws, sign)
		if len(t.Names[k]) == 0 {
			delete(t.Names, k)
		}
	}
}

func addCounts(sum, c map[string]int, sign int) {
	for w, n := range c {
		if sum[w] += sign * n; sum[w] == 0 {
			delete(sum, w)
		}
	}
}

// counts returns the share of the totals of an article's passages.
func (b *Base) counts(ps []passage) counts {
	c := counts{N: len(ps), DF: map[string]int{}, Spelling: map[string]int{}, Names: map[string]map[string]int{}}
	seen := map[string]bool{}
	for i := range ps {
		clear(seen)
		for si := range ps[i].sentences {
			for _, tok := range b.analyzer.Analyze([]byte(ps[i].sentence(si))) {
				if t := string(tok.Term); !seen[t] {
					seen[t] = true
					c.DF[t]++
				}
			}
		}
		countSpelling(c.Spelling, c.Names, ps[i].text)
	}
	return c
}

// analysePassages works out, once per generation, the per-sentence data
// that ranking needs of the passages retrieved: most passages of a large
// corpus are never retrieved, and never pay for it.
func (b *Base) analysePassages(hits []int) {
	for _, pi := range hits {
		p := &b.passages[pi]
		p.analysed.Do(func() {
			p.terms = map[string][]int{}
			p.info = make([]sentenceInfo, len(p.sentences))
			var rows []int
			for si := range p.sentences {
				info := b.sentenceInfo(p.sentence(si))
				for t, offs := range info.terms {
					p.terms[t] = append(p.terms[t], offs...)
				}
				for _, w := range info.words {
					if r, ok := b.space.index[w]; ok {
						info.rows = append(info.rows, r)
					}
				}
				info.centroid = b.space.centroid(info.rows)
				rows = append(rows, info.rows...)
				p.info[si] = info
			}
			p.centroid = b.space.centroid(rows)
		})
	}
}

// assemble makes b serve docs (sorted) from the passages of those
// indexed, by id, and their totals: numbers the passages in document
// order.
func (b *Base) assemble(docs []corpus.Document, passages map[string][]passage, t *totals) {
	b.docs = docs
	b.passages, b.byID = nil, map[string]int{}
	for i := range docs {
		for n, p := range passages[docs[i].ID] {
			b.byID[passageID(docs[i].ID, n)] = len(b.passages)
			b.passages = append(b.passages, passage{doc: i, text: p.text, sentences: p.sentences, analysed: new(sync.Once)})
		}
	}
	b.stats = termStats{df: t.DF, n: t.N}
	b.spelling, b.nameKeys = t.Spelling, t.Names
	b.space = b.articleSpace()
}

// engineVersion names the way articles are analysed and indexed; a
// persistent index made by another version is rebuilt. Bump it when
// splitting, the index mapping or what an article keeps changes.
const engineVersion = "eventbot-index-7"

// fingerprint identifies the engine that makes an index: its version,
// the techniques switched off and the lexicons (the event's words and the
// synonyms shape what is indexed).
func (b *Base) fingerprint() (string, error) {
	h := sha256.New()
	h.Write([]byte(engineVersion + "\x00" + strconv.Itoa(int(b.disabled)) + "\x00"))
	err := fs.WalkDir(lexiconFiles, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(lexiconFiles, path)
		if err != nil {
			return err
		}
		h.Write([]byte(path + "\x00"))
		h.Write(data)
		return nil
	})
	if err != nil {
		return "", err
	}
	return engineVersion + "-" + hex.EncodeToString(h.Sum(nil)[:8]), nil
}
