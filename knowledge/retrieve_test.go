package knowledge

import (
	"context"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/query"
)

// TestRetrieve checks that retrieval finds the passages that carry a
// question's concepts, ranked first, and none for a question of no
// concept the articles hold.
func TestRetrieve(t *testing.T) {
	b := bundledBase(t)
	for _, tt := range []struct {
		question string
		want     string // in the first passage; "" for no passage
	}{
		{"Where were the suspects detained?", "Bryansk"},
		{"Which news agency published the claim?", "Amaq"},
		{"who wrote the piece saying us intelligence knew", "Tyler Durden"}, // the byline
		{"and the of", ""}, // no concept at all
	} {
		q := b.analyse(context.Background(), b.normalise(tt.question))
		hits, err := b.retrieve(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		if tt.want == "" {
			if len(hits) != 0 {
				t.Errorf("retrieve(%q) = %d passages, want none", tt.question, len(hits))
			}
			continue
		}
		found := false
		for _, h := range hits[:min(3, len(hits))] {
			found = found || strings.Contains(b.passages[h].text, tt.want)
		}
		if !found {
			t.Errorf("retrieve(%q): no passage of the first three holds %q", tt.question, tt.want)
		}
	}
}

// TestRetrieveInTwoStages lets a query score at most a quarter of the
// bundled passages, so that retrieval goes in two stages (the rarest
// clauses find a pool, the whole query ranks it), as in a large corpus: the passages carrying the question's rare
// concepts still come first, and the pool is in the order the whole
// query gives those passages in one stage.
func TestRetrieveInTwoStages(t *testing.T) {
	b := bundledBase(t)
	ctx := context.Background()
	for _, tt := range []struct{ question, want string }{
		{"Where were the suspects detained?", "Bryansk"},
		{"Which news agency published the claim?", "Amaq"},
		{"How many people were hospitalized according to the Health Ministry?", "hospital"},
	} {
		q := b.analyse(context.Background(), b.normalise(tt.question))
		one, err := b.retrieveScoring(ctx, q, math.MaxInt, 0)
		if err != nil {
			t.Fatal(err)
		}
		two, err := b.retrieveScoring(ctx, q, 0, len(b.passages)/4)
		if err != nil {
			t.Fatal(err)
		}
		if len(two) == 0 || slices.Equal(one, two) {
			t.Fatalf("retrieve(%q) in two stages: %d passages, the same as one stage: the first stage left nothing out", tt.question, len(two))
		}
		found := false
		for _, h := range two[:min(3, len(two))] {
			found = found || strings.Contains(b.passages[h].text, tt.want)
		}
		if !found {
			t.Errorf("retrieve(%q) in two stages: no passage of the first three holds %q", tt.question, tt.want)
		}
		rank := map[int]int{}
		for i, h := range one {
			rank[h] = i
		}
		last := -1
		for _, h := range two {
			r, ok := rank[h]
			if !ok {
				continue
			}
			if r < last {
				t.Errorf("retrieve(%q) in two stages: passage %d after one that one stage ranks below it", tt.question, h)
			}
			last = r
		}
	}
}

// TestRetrieveOrderStable checks that two builds of one corpus retrieve
// the same passages in the same order for every question of the chat
// set: the order is a ranking feature, and the fitted model and the
// answers must not change from one build to the next.
func TestRetrieveOrderStable(t *testing.T) {
	path := "../../shared/eval/chat.jsonl"
	if _, err := os.Stat(path); err != nil {
		t.Skipf("%s: %v (the shared evaluation sets sit next to the checkout)", path, err)
	}
	qs := readEval(t, path)
	var orders [2][][]int
	for i := range orders {
		b := bundledBase(t)
		for _, q := range qs {
			hits, err := b.retrieve(context.Background(), b.analyse(context.Background(), b.normalise(q.Question)))
			if err != nil {
				t.Fatal(err)
			}
			orders[i] = append(orders[i], hits)
		}
	}
	for k, q := range qs {
		if !slices.Equal(orders[0][k], orders[1][k]) {
			t.Errorf("%s: passages %v in one build, %v in another", q.ID, orders[0][k], orders[1][k])
		}
	}
}

// TestFoldedSynonymsScoreAsExpanded checks that a question's query, each
// synonym group's one-term alternatives folded into one clause, ranks and
// scores passages as the query of every alternative does when the index
// expands each term to its synonyms, alone and inside a conjunction
// (which advances it to the passages of another clause).
func TestFoldedSynonymsScoreAsExpanded(t *testing.T) {
	m := bleve.NewIndexMapping()
	m.ScoringModel = "bm25"
	if err := m.AddSynonymSource("syn", map[string]any{"collection": "syn", "analyzer": "standard"}); err != nil {
		t.Fatal(err)
	}
	text := bleve.NewTextFieldMapping()
	text.Analyzer = "standard"
	text.SynonymSource = "syn"
	m.DefaultMapping.AddFieldMappingsAt(fieldText, text)
	idx, err := bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	docs := []string{
		"claim responsibility for the attack", "asserted nothing", "assert state claim",
		"the assault and the attack", "video words entirely", "state responsibility",
		"claim claim claim attack", "assault", "nothing here", "responsibility video claim",
	}
	batch := idx.NewBatch()
	for i, d := range docs {
		if err := batch.Index(strconv.Itoa(i), map[string]any{fieldText: d}); err != nil {
			t.Fatal(err)
		}
	}
	groups := [][]string{{"claim", "assert", "state"}, {"attack", "assault"}}
	b := &Base{synonyms: map[string][]string{}}
	for i, g := range groups {
		if err := batch.IndexSynonym("g"+strconv.Itoa(i), "syn", &bleve.SynonymDefinition{Synonyms: g}); err != nil {
			t.Fatal(err)
		}
		for _, t := range g {
			b.synonyms[t] = slices.DeleteFunc(slices.Clone(g), func(s string) bool { return s == t })
		}
	}
	if err := idx.Batch(batch); err != nil {
		t.Fatal(err)
	}
	concepts := []concept{
		{alts: [][]string{{"claim"}, {"assert"}, {"claim", "responsibility"}}, soft: [][]string{{"claim"}}, weight: 1.5},
		{alts: [][]string{{"attack"}}, soft: [][]string{{"assault"}}, weight: 0.5},
		{alts: [][]string{{"video"}}, weight: 2},
	}
	// Every alternative a clause of its own, expanded by the index.
	var expanded []query.Query
	var cs clauses
	for _, c := range concepts {
		b.appendConcept(&cs, c, c.weight)
		for _, alt := range slices.Concat(c.alts, c.soft) {
			var qs []query.Query
			for _, term := range alt {
				tq := bleve.NewTermQuery(term)
				tq.SetField(fieldText)
				if len(alt) == 1 {
					tq.SetBoost(c.weight)
				}
				qs = append(qs, tq)
			}
			expanded = append(expanded, bleve.NewConjunctionQuery(qs...))
		}
	}
	folded := cs.built()
	if len(folded) >= len(expanded) {
		t.Fatalf("%d clauses folded from %d alternatives", len(folded), len(expanded))
	}
	scores := func(q query.Query) map[string]float64 {
		res, err := idx.Search(bleve.NewSearchRequestOptions(q, len(docs), 0, false))
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]float64{}
		for _, h := range res.Hits {
			out[h.ID] = h.Score
		}
		return out
	}
	within := bleve.NewDocIDQuery([]string{"0", "3", "5", "6", "8"})
	for _, tt := range []struct {
		name          string
		want, got     query.Query
		wantMatchesAt int
	}{
		{"alone", bleve.NewDisjunctionQuery(expanded...), anyOf(folded), 8},
		{"in a conjunction", bleve.NewConjunctionQuery(within, bleve.NewDisjunctionQuery(expanded...)), bleve.NewConjunctionQuery(within, anyOf(folded)), 4},
	} {
		want, got := scores(tt.want), scores(tt.got)
		if len(want) != tt.wantMatchesAt || len(got) != len(want) {
			t.Errorf("%s: %d passages match folded, %d expanded; want %d", tt.name, len(got), len(want), tt.wantMatchesAt)
			continue
		}
		// The query's norm differs with its shape: the scores are the
		// same up to one factor.
		var ratio float64
		for id, w := range want {
			if ratio == 0 {
				ratio = got[id] / w
			}
			if math.Abs(got[id]/w-ratio) > 1e-6*ratio {
				t.Errorf("%s: passage %s (%q) scores %g folded, %g expanded: not in the ratio %g", tt.name, id, docs[mustAtoi(t, id)], got[id], w, ratio)
			}
		}
	}
}

func mustAtoi(t *testing.T, s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
