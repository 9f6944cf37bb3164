package knowledge

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"strconv"
	"sync"

	"eventbot/corpus"
)

// An article is what indexing one document yields, kept between
// generations so that a reload works only on the articles that changed.
// Its passages carry no document index (a generation numbers its
// documents) and no sentence analysis (done when a passage is first
// retrieved, see analysePassages).
type article struct {
	hash     string
	event    bool      // about the event: indexed
	passages []passage // the indexed passages, byline last; nil unless indexed
	// df counts the passages holding each term; spelling the article's
	// words of four letters or more, and names its capitalised words by
	// their consonant key, for the generation's sums.
	df       map[string]int
	spelling map[string]int
	names    map[string]map[string]int
}

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

// analyseArticle indexes one document's text: whether it is about the
// event and, if it is indexed, its passages with their terms.
func (b *Base) analyseArticle(doc *corpus.Document, hash string) *article {
	return b.articleFrom(doc, hash, b.aboutEvent(doc))
}

// articleFrom indexes one document's text, known to be about the event
// or not.
func (b *Base) articleFrom(doc *corpus.Document, hash string, event bool) *article {
	a := &article{hash: hash, event: event}
	if !a.event && b.enabled(EventFilter) {
		// Other news is not indexed: it would never be cited, and its
		// words would change the weights of the event's passages.
		return a
	}
	ps := splitPassages(0, *doc)
	if p, ok := byline(0, *doc); ok {
		ps = append(ps, p)
	}
	a.passages = ps
	a.df, a.spelling, a.names = map[string]int{}, map[string]int{}, map[string]map[string]int{}
	seen := map[string]bool{}
	for i := range ps {
		clear(seen)
		for si := range ps[i].sentences {
			for _, tok := range b.analyzer.Analyze([]byte(ps[i].sentence(si))) {
				if t := string(tok.Term); !seen[t] {
					seen[t] = true
					a.df[t]++
				}
			}
		}
		countSpelling(a.spelling, a.names, ps[i].text)
	}
	return a
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
				p.info[si] = info
			}
		})
	}
}

// assemble makes b serve docs (sorted) from their articles: numbers the
// passages in document order and sums the term statistics, spelling and
// name keys.
func (b *Base) assemble(docs []corpus.Document, arts map[string]*article) {
	b.docs = docs
	b.passages, b.byID = nil, map[string]int{}
	b.stats = termStats{df: map[string]int{}}
	b.spelling, b.nameKeys = map[string]int{}, map[string]map[string]int{}
	for i := range docs {
		a := arts[docs[i].ID]
		for n := range a.passages {
			p := passage{doc: i, text: a.passages[n].text, sentences: a.passages[n].sentences, analysed: new(sync.Once)}
			b.byID[passageID(docs[i].ID, n)] = len(b.passages)
			b.passages = append(b.passages, p)
		}
		b.stats.n += len(a.passages)
		for t, n := range a.df {
			b.stats.df[t] += n
		}
		for w, n := range a.spelling {
			b.spelling[w] += n
		}
		for k, ws := range a.names {
			if b.nameKeys[k] == nil {
				b.nameKeys[k] = map[string]int{}
			}
			for w, n := range ws {
				b.nameKeys[k][w] += n
			}
		}
	}
	b.space = b.articleSpace()
}

// engineVersion names the way articles are analysed and indexed; a
// persistent index made by another version is rebuilt. Bump it when
// splitting, the index mapping or what an article keeps changes.
const engineVersion = "eventbot-index-2"

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
