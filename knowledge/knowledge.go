// Package knowledge answers questions about the event from the corpus.
//
// New splits each article about the event into paragraph-sized passages
// with known sentence boundaries and indexes them in an in-memory bleve
// index (scorch, BM25, bleve's English analyzer with a few words
// kept from the stemmer: analyzerName); Open serves a store of articles
// whose index, in memory or on disk with a manifest of the articles it
// holds, follows the store's changes article by article (index.go,
// manifest.go, live.go). Answer runs a question through
// the stages normalise → analyse → retrieve → score → compose (see
// answer.go): it picks the sentence that best answers, by a model fitted on
// labelled questions (package model), leads with the answer itself, and
// cites the passages that support it, or reports that the corpus does not
// hold an answer.
//
// The package knows nothing of Telegram; it reads documents from package
// corpus.
package knowledge

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/keyword"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/analysis/tokenmap"
	"github.com/blevesearch/bleve/v2/mapping"

	"eventbot/corpus"
	"eventbot/knowledge/meaning"
	"eventbot/knowledge/model"
)

// Base is a searchable knowledge base built from a set of documents. It is
// safe for concurrent use; once built, it changes only its memo of
// WordNet lookups and the analysis of the passages it has retrieved.
type Base struct {
	logger   *slog.Logger
	docs     []corpus.Document
	passages []passage
	byID     map[string]int // passage index by bleve id
	index    bleve.Index
	owner    *catalog // the index of a Base made by New, closed with it
	mapping  *mapping.IndexMappingImpl
	analyzer analysis.Analyzer
	stats    termStats
	spelling map[string]int // the articles' words, lower-cased, and their counts
	// nameKeys finds the articles' capitalised words by their consonant
	// key (slavic.Key), for names asked in Cyrillic.
	nameKeys map[string]map[string]int
	lexicon  *lexicon
	// groups are the lexicon's synonym groups as analysed term sequences;
	// groupIndex finds a member's group by its text or its terms.
	groups     [][][]string
	groupIndex map[string]int
	// synonyms are the terms a query term stands for with it (synonymsOf).
	synonyms  map[string][]string
	disabled  Techniques
	model     *model.Model
	relations relations
	vectors   vectors
	// space are the vectors of the event's articles' words.
	space space
	// remembered are WordNet's relations of the words asked about.
	remembered memo[[]meaning.Relation]
	// held remembers whether some passage holds every term of a phrase.
	held memo[bool]
	// vocabulary is the English question vocabulary, analysed.
	vocabulary *vocabulary
	// blameAccounts are the articles' accounts of who is behind the
	// event (blame), worked out when first asked for.
	blameOnce     sync.Once
	blameAccounts []partyAccount
}

// Techniques names the answering techniques beyond plain retrieval, so
// that each can be switched off to measure what it brings.
type Techniques uint

const (
	// Synonyms expands questions with the lexicon's synonym groups, in
	// the query (bleve's synonym index) and when ranking sentences.
	Synonyms Techniques = 1 << iota
	// Fuzzy corrects question terms the articles don't have to the
	// closest term they do.
	Fuzzy
	// AnswerTypes ranks sentences by whether they hold the kind of answer
	// the question asks for (a date, a number, a place...).
	AnswerTypes
	// Conflicts reports counts that articles give differently, latest
	// first, with dates.
	Conflicts
	// Translation maps Russian and Ukrainian questions to English.
	Translation
	// EventFilter answers only from articles about the event.
	EventFilter
	// WordNet lets a question word stand for its WordNet synonyms and
	// derivations ("died" for "death"), and tells English words from
	// misspellings.
	WordNet
	// Vectors scores how near in meaning a sentence's words are to the
	// question's words it lacks, and tells English words from
	// misspellings.
	Vectors
	// Companions gives the next best sentence beside the best when it
	// scores within the fitted margin of it, and, with Conflicts, another
	// article's other short answer as its report.
	Companions
)

var techniqueNames = map[Techniques]string{
	Synonyms: "synonyms", Fuzzy: "fuzzy", AnswerTypes: "answertypes", Conflicts: "conflicts",
	Translation: "translation", EventFilter: "eventfilter", WordNet: "wordnet", Vectors: "vectors",
	Companions: "companions",
}

// AllTechniques lists the techniques, in order.
func AllTechniques() []Techniques {
	var out []Techniques
	for t := Synonyms; t <= Companions; t <<= 1 {
		out = append(out, t)
	}
	return out
}

// String names a technique ("wordnet").
func (t Techniques) String() string {
	if n, ok := techniqueNames[t]; ok {
		return n
	}
	return "Techniques(" + strconv.Itoa(int(t)) + ")"
}

// TechniqueNamed returns the technique of a name given by String.
func TechniqueNamed(name string) (Techniques, bool) {
	for t, n := range techniqueNames {
		if n == name {
			return t, true
		}
	}
	return 0, false
}

// Options tunes a Base. The zero value uses every technique.
type Options struct {
	// Disable switches techniques off, for ablation studies.
	Disable Techniques
	// Model is the fitted model that scores sentences and decides when to
	// abstain; nil means the one embedded in the binary (model.Fitted).
	// cmd/fitanswer sets it to measure models fitted without the
	// questions it scores.
	Model *model.Model
}

func (b *Base) enabled(t Techniques) bool { return b.disabled&t == 0 }

const (
	fieldText  = "text"
	synonymSrc = "lexicon"
)

// New indexes docs in memory. The caller must Close the Base when done
// with it.
func New(ctx context.Context, logger *slog.Logger, docs []corpus.Document, opts Options) (*Base, error) {
	eng, err := newEngine(logger, opts)
	if err != nil {
		return nil, err
	}
	cat, err := openCatalog(logger, eng, "")
	if err != nil {
		return nil, err
	}
	b, err := cat.update(ctx, eng, docs, nil)
	if err != nil {
		cat.close()
		return nil, err
	}
	b.owner = cat
	logger.Debug("knowledge base built", "documents", len(b.docs), "passages", len(b.passages))
	return b, nil
}

// newEngine makes a Base with no corpus: the lexicons, the model, the
// word vectors and WordNet, the analyzer. Each generation of a corpus is a
// fork of it.
func newEngine(logger *slog.Logger, opts Options) (*Base, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	lx, err := loadLexicon(lexiconFiles)
	if err != nil {
		return nil, err
	}
	m := opts.Model
	if m == nil {
		if m, err = model.Fitted(); err != nil {
			return nil, err
		}
	}
	if err := m.Check(candidateFeatures, answerFeatureNames); err != nil {
		return nil, err
	}
	b := &Base{logger: logger, lexicon: lx, disabled: opts.Disable, model: m}
	mapping, err := b.newMapping()
	if err != nil {
		return nil, fmt.Errorf("build index: %w", err)
	}
	b.mapping = mapping
	b.analyzer = mapping.AnalyzerNamed(analyzerName)
	if b.analyzer == nil {
		return nil, fmt.Errorf("build index: no %q analyzer", analyzerName)
	}
	if err := b.loadMeaning(); err != nil {
		return nil, err
	}
	b.vocabulary = b.lexicon.question
	b.analyseVocabulary(b.vocabulary)
	b.groups, b.groupIndex = b.analyseGroups()
	b.synonyms = b.synonymsOf()
	return b, nil
}

// fork returns a Base sharing b's engine, with no corpus or index.
func (b *Base) fork() *Base {
	return &Base{
		logger: b.logger, mapping: b.mapping, analyzer: b.analyzer, lexicon: b.lexicon,
		groups: b.groups, groupIndex: b.groupIndex, synonyms: b.synonyms, disabled: b.disabled, model: b.model,
		relations: b.relations, vectors: b.vectors, vocabulary: b.vocabulary,
	}
}

// analyzerName names the analyzer of the text and of the questions: bleve's
// English one ("en": possessives dropped, lower case, English stop words
// dropped, Porter stems), but with the lexicon's unstemmed words kept as
// written.
const analyzerName = "eventbot-en"

// addAnalyzer adds the analyzer analyzerName to m.
func (b *Base) addAnalyzer(m *mapping.IndexMappingImpl) error {
	filters := []any{en.PossessiveName, lowercase.Name, en.StopName}
	if len(b.lexicon.unstemmed) > 0 {
		var words []any
		for _, w := range b.lexicon.unstemmed {
			words = append(words, w)
		}
		const unstemmed = "eventbot-unstemmed" // the token map and its filter
		if err := m.AddCustomTokenMap(unstemmed, map[string]any{"type": tokenmap.Name, "tokens": words}); err != nil {
			return err
		}
		if err := m.AddCustomTokenFilter(unstemmed, map[string]any{"type": keyword.Name, "keywords_token_map": unstemmed}); err != nil {
			return err
		}
		filters = append(filters, unstemmed)
	}
	return m.AddCustomAnalyzer(analyzerName, map[string]any{
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": append(filters, porter.Name),
	})
}

func (b *Base) newMapping() (*mapping.IndexMappingImpl, error) {
	m := bleve.NewIndexMapping()
	m.ScoringModel = "bm25"
	if err := b.addAnalyzer(m); err != nil {
		return nil, err
	}
	m.DefaultAnalyzer = analyzerName
	text := bleve.NewTextFieldMapping()
	text.Analyzer = analyzerName
	text.Store = false
	text.IncludeTermVectors = false
	// Nothing sorts or facets by the text: no doc values to build.
	text.DocValues = false
	// The synonym groups are a collection of the index, but no field
	// names them as its synonym source: bleve would expand each of a
	// group's terms in a query to the whole group, and the query names
	// the group once (retrieve). The collection's definitions count in
	// the index's documents, which BM25's idf and average length use.
	if b.enabled(Synonyms) {
		err := m.AddSynonymSource(synonymSrc, map[string]any{"collection": synonymSrc, "analyzer": analyzerName})
		if err != nil {
			return nil, err
		}
	}
	// A passage is its text alone: no query reads bleve's composite
	// "_all" field (without it, a batch analyses and holds each
	// passage's terms once, not twice), and none needs the passage's
	// article or whether it is about the event (only the event's
	// articles are indexed while the event filter is on; a passage's id
	// names its article).
	dm := bleve.NewDocumentStaticMapping()
	dm.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())
	dm.AddFieldMappingsAt(fieldText, text)
	m.DefaultMapping = dm
	return m, nil
}

// analyseGroups turns the lexicon's synonym groups into term sequences.
func (b *Base) analyseGroups() ([][][]string, map[string]int) {
	var groups [][][]string
	index := map[string]int{}
	for _, g := range b.lexicon.groups {
		var seqs [][]string
		for _, member := range g {
			if _, ok := index[member]; !ok {
				index[member] = len(groups)
			}
			seq := b.terms(member)
			if len(seq) == 0 {
				continue
			}
			seqs = append(seqs, seq)
			if key := strings.Join(seq, " "); !slices.Contains(g, key) {
				if _, ok := index[key]; !ok {
					index[key] = len(groups)
				}
			}
			// The base form of a word ("catch" of "caught") stands for
			// the group too, where the question says it another way.
			for _, base := range b.bases(member) {
				if key := strings.Join(b.terms(base), " "); key != "" {
					if _, ok := index[key]; !ok {
						index[key] = len(groups)
					}
				}
			}
		}
		groups = append(groups, seqs)
	}
	return groups, index
}

// groupOf returns the synonym group of a member's text or terms, or -1.
func (b *Base) groupOf(key string) int {
	if g, ok := b.groupIndex[key]; ok {
		return g
	}
	return -1
}

// aboutEvent reports whether a document is about the event: its text
// holds one of the lexicon's event terms.
func (b *Base) aboutEvent(d *corpus.Document) bool {
	text := strings.ToLower(d.Title + " " + d.Body)
	// Most news names none of the terms anywhere: only text that holds
	// one is split into words to see whether it holds it as a word.
	if !slices.ContainsFunc(b.lexicon.event, func(t string) bool { return strings.Contains(text, t) }) {
		return false
	}
	for _, w := range words(text) {
		if slices.Contains(b.lexicon.event, w) {
			return true
		}
	}
	return false
}

// Close releases the index of a Base made by New. A generation of a
// Live shares the Live's index, which the Live closes.
func (b *Base) Close() error {
	if b.owner == nil {
		return nil
	}
	return b.owner.close()
}

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
