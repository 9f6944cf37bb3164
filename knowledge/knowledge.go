// Package knowledge answers questions about the event from the corpus.
//
// New splits each article into paragraph-sized passages with known sentence
// boundaries and indexes them in an in-memory bleve index (scorch, English
// analyzer, BM25). Answer retrieves the best passages for a question and
// picks the sentence that best answers it, with the passages that support it
// as citations, or reports that the corpus does not hold an answer.
//
// The package knows nothing of Telegram; it reads documents from package
// corpus.
package knowledge

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"

	"eventbot/corpus"
)

// Base is a searchable knowledge base built from a set of documents. It is
// safe for concurrent use; it does not change once built.
type Base struct {
	logger   *slog.Logger
	docs     []corpus.Document
	passages []passage
	index    bleve.Index
	analyzer analysis.Analyzer
	stats    termStats
}

const (
	fieldText = "text"
	fieldDoc  = "doc"
)

// New indexes docs. The caller must Close the Base when done with it.
func New(ctx context.Context, logger *slog.Logger, docs []corpus.Document) (*Base, error) {
	m := newMapping()
	analyzer := m.AnalyzerNamed(en.AnalyzerName)
	if analyzer == nil {
		return nil, fmt.Errorf("build index: no %q analyzer", en.AnalyzerName)
	}
	idx, err := bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("build index: %w", err)
	}
	b := &Base{logger: logger, docs: corpus.Sorted(docs), index: idx, analyzer: analyzer}
	if err := b.build(ctx); err != nil {
		idx.Close()
		return nil, err
	}
	logger.Debug("knowledge base built", "documents", len(b.docs), "passages", len(b.passages))
	return b, nil
}

func newMapping() *mapping.IndexMappingImpl {
	m := bleve.NewIndexMapping()
	m.ScoringModel = "bm25"
	m.DefaultAnalyzer = en.AnalyzerName
	text := bleve.NewTextFieldMapping()
	text.Analyzer = en.AnalyzerName
	text.Store = false
	text.IncludeTermVectors = false
	doc := bleve.NewKeywordFieldMapping()
	doc.Store = false
	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt(fieldText, text)
	dm.AddFieldMappingsAt(fieldDoc, doc)
	m.DefaultMapping = dm
	return m
}

func (b *Base) build(ctx context.Context) error {
	batch := b.index.NewBatch()
	for i, doc := range b.docs {
		for _, p := range splitPassages(i, doc) {
			if err := ctx.Err(); err != nil {
				return err
			}
			id := strconv.Itoa(len(b.passages))
			b.passages = append(b.passages, p)
			if err := batch.Index(id, map[string]any{fieldText: p.text, fieldDoc: doc.ID}); err != nil {
				return fmt.Errorf("index %s: %w", doc.ID, err)
			}
			if batch.Size() >= 1000 {
				if err := b.index.Batch(batch); err != nil {
					return fmt.Errorf("index batch: %w", err)
				}
				batch.Reset()
			}
		}
	}
	if err := b.index.Batch(batch); err != nil {
		return fmt.Errorf("index batch: %w", err)
	}
	b.stats = b.countTerms()
	return nil
}

// Close releases the index.
func (b *Base) Close() error { return b.index.Close() }

// Sources lists the documents, oldest first.
func (b *Base) Sources() []Source {
	out := make([]Source, len(b.docs))
	for i, d := range b.docs {
		out[i] = Source{Doc: d.ID, Title: d.Title, Publisher: d.Publisher, Date: d.Date.String(), Language: d.Language}
	}
	return out
}

// Passages reports how many passages are indexed.
func (b *Base) Passages() int { return len(b.passages) }

func (b *Base) citation(p *passage) Citation {
	d := &b.docs[p.doc]
	return Citation{Doc: d.ID, Title: d.Title, Publisher: d.Publisher, Date: d.Date.String(), Passage: p.text}
}
