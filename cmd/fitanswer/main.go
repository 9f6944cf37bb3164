// Command fitanswer fits the answer engine's model (knowledge/model) on
// the labelled question sets and reports how it does, by set and kind:
// fitted (trained on every question) next to k-fold cross-validated
// (each question scored by a model trained without it). It writes the
// weights fitted on every question.
//
// From the repository root, next to ../shared:
//
//	go run ./cmd/fitanswer -out knowledge/model/weights.json
//
// (go generate ./knowledge runs the same.)
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"eventbot/corpus"
	"eventbot/knowledge"
	"eventbot/knowledge/evalset"
	"eventbot/knowledge/model"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "fitanswer:", err)
		os.Exit(1)
	}
}

// A labelled question, with the set it comes from.
type labelled struct {
	set string
	evalset.Question
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fl := flag.NewFlagSet("fitanswer", flag.ContinueOnError)
	dest := fl.String("out", "", "write the fitted weights to this file")
	folds := fl.Int("folds", 5, "folds of the cross-validation (0: none)")
	disable := fl.String("disable", "", "techniques to switch off, comma-separated ("+strings.Join(techniqueNames(), ", ")+"), for ablation")
	drop := fl.String("drop", "", "features to leave out of both models, comma-separated, for ablation")
	sets := fl.String("sets", "../shared/eval/dev.jsonl,../shared/eval/chat.jsonl,knowledge/testdata/hard.jsonl,knowledge/testdata/variants.jsonl,knowledge/testdata/probe.jsonl,knowledge/testdata/probe2.jsonl,knowledge/testdata/blind.jsonl,knowledge/testdata/own.jsonl,knowledge/testdata/train2.jsonl,knowledge/testdata/blind[2-7].jsonl,knowledge/testdata/train[34].jsonl", "labelled question sets, comma-separated globs")
	rounds := fl.Int("rounds", 100, "trees boosting the candidate model (0: none)")
	depth := fl.Int("depth", 4, "levels of each tree")
	answerRounds := fl.Int("answer-rounds", 50, "trees boosting the decision to answer (0: none)")
	answerDepth := fl.Int("answer-depth", 2, "levels of each tree of the decision")
	split := fl.String("split", "", "salt of the inner split, to measure the spread of the figures it causes (the committed weights use none)")
	misses := fl.Bool("misses", false, "list the questions the cross-validated models get wrong, after the figures")
	leave := fl.String("leave", "", "salt of a tenth of the questions the rankers are fitted without, to measure the spread a change to what they are fitted on causes (the committed weights use none)")
	bags := fl.Int("bags", defaultBags, "rankers averaged, each fitted without a different 1/bags of the questions (1: one ranker, fitted on all)")
	if err := fl.Parse(args); err != nil {
		return err
	}
	qs, err := readSets(*sets)
	if err != nil {
		return err
	}
	docs, err := corpus.Load(corpus.Bundled())
	if err != nil {
		return err
	}
	f := fitter{bags: *bags, leave: *leave, docs: docs, drop: map[string]bool{}, split: *split, boost: model.BoostOptions{Rounds: *rounds, Depth: *depth, Rate: 0.1, Lambda: 1, MinHessian: 1},
		// A leaf of the decision holds at least about a dozen questions
		// (each weighs at most 1/4 in curvature).
		answerBoost: model.BoostOptions{Rounds: *answerRounds, Depth: *answerDepth, Rate: 0.1, Lambda: 1, MinHessian: 3}}
	for _, name := range strings.Split(*disable, ",") {
		if name = strings.TrimSpace(name); name == "" {
			continue
		}
		t, ok := knowledge.TechniqueNamed(name)
		if !ok {
			return fmt.Errorf("no technique %q (have %s)", name, strings.Join(techniqueNames(), ", "))
		}
		f.disable |= t
	}
	for _, name := range strings.Split(*drop, ",") {
		if name = strings.TrimSpace(name); name != "" {
			f.drop[name] = true
		}
	}
	m, err := f.fit(ctx, qs)
	if err != nil {
		return err
	}
	fitted, err := f.evaluate(ctx, m, qs)
	if err != nil {
		return err
	}
	var cv map[string]bool
	if *folds > 1 {
		cv = map[string]bool{}
		for k := 0; k < *folds; k++ {
			var train, test []labelled
			for _, q := range qs {
				if fold(q.ID, *folds) == k {
					test = append(test, q)
				} else {
					train = append(train, q)
				}
			}
			mk, err := f.fit(ctx, train)
			if err != nil {
				return err
			}
			r, err := f.evaluate(ctx, mk, test)
			if err != nil {
				return err
			}
			for id, ok := range r {
				cv[id] = ok
			}
		}
	}
	report(out, qs, fitted, cv)
	if *misses && cv != nil {
		listMisses(out, qs, cv)
	}
	if *dest != "" {
		data, err := json.MarshalIndent(m, "", " ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(*dest, append(data, '\n'), 0o644); err != nil {
			return fmt.Errorf("write weights: %w", err)
		}
	}
	return nil
}

func readSets(globs string) ([]labelled, error) {
	var out []labelled
	for _, g := range strings.Split(globs, ",") {
		paths, err := filepath.Glob(strings.TrimSpace(g))
		if err != nil {
			return nil, err
		}
		if len(paths) == 0 {
			return nil, fmt.Errorf("no question set matches %q", g)
		}
		for _, p := range paths {
			qs, err := evalset.Read(p)
			if err != nil {
				return nil, err
			}
			set := strings.TrimSuffix(filepath.Base(p), ".jsonl")
			if strings.Contains(p, "testdata") {
				set = "testdata/" + set
			}
			for _, q := range qs {
				q.ID = set + ":" + q.ID
				out = append(out, labelled{set, q})
			}
		}
	}
	return out, nil
}

// fold assigns a question to one of k folds by a hash of its id, so that
// the folds are the same from run to run.
func fold(id string, k int) int {
	h := fnv.New32a()
	h.Write([]byte(id))
	return int(h.Sum32() % uint32(k))
}

type fitter struct {
	docs    []corpus.Document
	disable knowledge.Techniques
	drop    map[string]bool // features left out
	boost   model.BoostOptions
	// answerBoost are the settings of the trees of the decision.
	answerBoost model.BoostOptions
	split       string // salts the inner split
	leave       string // salts the tenth of the questions the rankers leave out
	bags        int    // rankers averaged, each fitted without a different part of the questions
	// traced remembers the labelled candidates of each question by id.
	traced map[string][]model.Example
}

func (f *fitter) base(ctx context.Context, m *model.Model) (*knowledge.Base, error) {
	return knowledge.New(ctx, slog.New(slog.DiscardHandler), f.docs, knowledge.Options{Model: m, Disable: f.disable})
}

// without returns x with the dropped features zeroed: a constant feature
// gets no weight.
func (f *fitter) without(names []string, x []float64) []float64 {
	if len(f.drop) == 0 {
		return x
	}
	out := slices.Clone(x)
	for i, n := range names {
		if f.drop[n] {
			out[i] = 0
		}
	}
	return out
}

func techniqueNames() []string {
	var out []string
	for _, t := range knowledge.AllTechniques() {
		out = append(out, t.String())
	}
	return out
}

// l2 is the penalty on the weights of both models.
const l2 = 1e-3

// innerFolds is how many parts fit splits its questions into, so that
// the decision to answer learns from rankings of questions the ranker was
// not fitted on: a ranker is surer of the questions it has seen, and the
// decision must be made on questions it has not.
const innerFolds = 3

// innerSplits is how many ways fit splits its questions into innerFolds
// parts: each question is ranked unseen once per split, by rankers fitted
// on other questions each time, and the decision to answer and the margins
// learn from all those rankings, so that which questions fall together in
// one split moves them less.
const innerSplits = 3

// A part is one inner fold: the questions a ranker is fitted on, and the
// questions it ranks unseen.
type part struct{ train, test []labelled }

// innerParts are the innerFolds parts of each of the innerSplits splits
// of qs, salted by split: each question is in the test of one part of
// each split.
func innerParts(qs []labelled, split string) []part {
	var out []part
	for r := 0; r < innerSplits; r++ {
		salt := split
		if r > 0 {
			salt += "#" + strconv.Itoa(r)
		}
		for k := 0; k < innerFolds; k++ {
			var p part
			for _, q := range qs {
				if fold(q.ID+"#inner"+salt, innerFolds) == k {
					p.test = append(p.test, q)
				} else {
					p.train = append(p.train, q)
				}
			}
			out = append(out, p)
		}
	}
	return out
}

// fit fits the candidate model on the candidates of the answerable
// questions (which give an answer that is right and supported?), then,
// under candidate models fitted without them, the decision to answer and
// the margins within which a companion sentence, or another article's
// report, is given beside the best (bestCompanion). The decision learns
// from the questions where it decides something (decisions), so it
// answers above an even chance (evenThreshold) and no threshold is
// searched for: a searched one jumped between near-equal peaks when one
// question changed (knowledge/README.md, "the decision learns where it
// decides").
func (f *fitter) fit(ctx context.Context, qs []labelled) (*model.Model, error) {
	_, answerNames := knowledge.FeatureNames()
	groups, err := f.groups(ctx, qs)
	if err != nil {
		return nil, err
	}
	var decisive []model.Example
	pairs := map[bool][]pairing{} // by whether the companion is another article's report
	for _, p := range innerParts(qs, f.split) {
		d, err := f.decisions(ctx, f.ranker(p.train, groups), p.test, pairs)
		if err != nil {
			return nil, err
		}
		decisive = append(decisive, d...)
	}
	m := f.ranker(qs, groups)
	m.Companion, m.Report = bestCompanion(pairs[false]), bestCompanion(pairs[true])
	m.Answer = model.Fit(answerNames, decisive, l2)
	m.AnswerBoost = model.FitBoostBinary(decisive, m.Answer.Logit, f.answerBoost)
	m.Threshold = evenThreshold
	return m, nil
}

// evenThreshold is the probability above which the engine answers: the
// decision's probability is that answering is right against refusing, and
// a wrong answer and a wrong refusal count alike, as grade.py counts them.
const evenThreshold = 0.5

// groups returns the scored candidates of each answerable question, by
// id, labelled right when they give an answer that is right and
// supported. A candidate's features do not depend on the model, so they
// are worked out once.
func (f *fitter) groups(ctx context.Context, qs []labelled) (map[string][]model.Example, error) {
	candNames, _ := knowledge.FeatureNames()
	b, err := f.base(ctx, &model.Model{})
	if err != nil {
		return nil, err
	}
	defer b.Close()
	if f.traced == nil {
		f.traced = map[string][]model.Example{}
	}
	out := map[string][]model.Example{}
	for _, q := range qs {
		if !q.Answerable {
			continue
		}
		if g, ok := f.traced[q.ID]; ok {
			out[q.ID] = g
			continue
		}
		t, err := b.Trace(ctx, q.Question.Question)
		if err != nil {
			return nil, err
		}
		var g []model.Example
		for _, c := range t.Candidates {
			hit := q.Hit(c.Text)
			g = append(g, model.Example{X: f.without(candNames, c.Features), Y: hit != "" && evalset.Contains(c.Passage, hit)})
		}
		f.traced[q.ID], out[q.ID] = g, g
	}
	return out, nil
}

// defaultBags is how many rankers fit averages (see ranker): four, each
// fitted without a different quarter of the questions, narrowed how far
// the held-out figures move between refits (3 and 9 of 520 in two sets
// of six refits, against 7 to 13 for one ranker fitted on all of them),
// at the same level (knowledge/README.md, "four rankers averaged").
const defaultBags = 4

// ranker fits the candidate model, a conditional logit boosted by trees,
// on the candidates of the answerable questions of qs: f.bags of them,
// each without a different part of qs, averaged (subagging), so that
// which questions it is fitted on moves the ranking less.
func (f *fitter) ranker(qs []labelled, groups map[string][]model.Example) *model.Model {
	candNames, _ := knowledge.FeatureNames()
	var bagged []*model.Model
	bags := max(f.bags, 1)
	for k := range bags {
		var gs [][]model.Example
		for _, q := range qs {
			if f.leave != "" && fold(q.ID+"#leave"+f.leave, 10) == 0 {
				continue
			}
			if bags > 1 && fold(q.ID+"#bag", bags) == k {
				continue
			}
			if g, ok := groups[q.ID]; ok {
				gs = append(gs, g)
			}
		}
		m := &model.Model{Candidate: model.FitRanking(candNames, gs, l2)}
		m.Boost = model.FitBoost(gs, m.Candidate.Logit, f.boost)
		bagged = append(bagged, m)
	}
	return model.Average(bagged)
}

// decisions are the examples for the decision to answer of qs under the
// candidate model m: each question whose best candidate answers right
// (with the companion or alone), to answer, and each the articles do not
// answer, to refuse. A question answered wrongly is no example: refused
// or answered, it scores the same. It adds to pairs what giving the
// companion does for each answerable question.
func (f *fitter) decisions(ctx context.Context, m *model.Model, qs []labelled, pairs map[bool][]pairing) ([]model.Example, error) {
	_, answerNames := knowledge.FeatureNames()
	b, err := f.base(ctx, m)
	if err != nil {
		return nil, err
	}
	defer b.Close()
	var out []model.Example
	for _, q := range qs {
		t, err := b.Trace(ctx, q.Question.Question)
		if err != nil {
			return nil, err
		}
		_, ok := q.Grade(true, t.Alone.Text, passages(t.Alone))
		if q.Answerable {
			_, paired := q.Grade(true, t.Paired.Text, passages(t.Paired))
			pairs[t.Report] = append(pairs[t.Report], pairing{t.Gap, ok, paired})
			ok = ok || paired
		}
		if t.AnswerFeatures == nil || q.Answerable && !ok {
			continue // nothing to answer with, or answered wrongly
		}
		out = append(out, model.Example{X: f.without(answerNames, t.AnswerFeatures), Y: q.Answerable})
	}
	return out, nil
}

// A pairing is what giving the companion sentence beside the best does
// for one answerable question: how far below the best it scores, and
// whether the answer is right (and supported) without it and with it.
type pairing struct {
	gap           float64
	alone, paired bool
}

// bestCompanion is the margin in log-odds within which giving the
// companion makes the most right answers: the smallest such, midway
// between two neighbouring gaps, so that answers stay short where the
// companion adds nothing. Below every gap (-1) none is given.
func bestCompanion(pairs []pairing) float64 {
	s := slices.Clone(pairs)
	sort.Slice(s, func(i, j int) bool { return s[i].gap < s[j].gap })
	right := 0 // with no companion
	for _, p := range s {
		if p.alone {
			right++
		}
	}
	best, bestRight := -1.0, right
	for i, p := range s {
		if math.IsInf(p.gap, 1) {
			break
		}
		// Give the first i+1 their companion.
		right += boolInt(p.paired) - boolInt(p.alone)
		if i+1 < len(s) && s[i+1].gap == p.gap {
			continue // ties go together
		}
		if right > bestRight {
			bestRight, best = right, p.gap
			if i+1 < len(s) && !math.IsInf(s[i+1].gap, 1) {
				best = (p.gap + s[i+1].gap) / 2
			}
		}
	}
	return best
}

func boolInt(v bool) int {
	if v {
		return 1
	}
	return 0
}

func passages(a knowledge.Answer) []string {
	var out []string
	for _, c := range a.Citations {
		out = append(out, c.Passage)
	}
	return out
}

// evaluate answers qs with m and reports which are right and supported
// (or rightly refused), and under openKey(id) which answerable ones the
// answer composed from the best candidates answers right, whatever the
// decision to answer says: ranking and composing, apart from the gate.
func (f *fitter) evaluate(ctx context.Context, m *model.Model, qs []labelled) (map[string]bool, error) {
	b, err := f.base(ctx, m)
	if err != nil {
		return nil, err
	}
	defer b.Close()
	out := map[string]bool{}
	for _, q := range qs {
		t, err := b.Trace(ctx, q.Question.Question)
		if err != nil {
			return nil, err
		}
		a := t.Answer
		if q.Answerable && len(t.Candidates) > 0 {
			_, out[openKey(q.ID)] = q.Grade(true, a.Text, passages(a))
		}
		if t.Abstain {
			a = knowledge.Answer{}
		}
		_, out[q.ID] = q.Grade(!t.Abstain, a.Text, passages(a))
	}
	return out, nil
}

// openKey is the key under which evaluate reports whether the answer
// composed for a question, the gate open, is right.
func openKey(id string) string { return id + "#open" }

// listMisses prints the questions cv gets wrong: an answerable one as
// "ranked" when even the answer composed with the gate open is wrong, as
// "refused" when only the decision to answer failed it; one to refuse as
// "answered".
func listMisses(w io.Writer, qs []labelled, cv map[string]bool) {
	for _, q := range qs {
		if cv[q.ID] {
			continue
		}
		why := "answered"
		switch {
		case q.Answerable && cv[openKey(q.ID)]:
			why = "refused"
		case q.Answerable:
			why = "ranked"
		}
		fmt.Fprintf(w, "miss\t%s\t%s\t%s\t%s\t%s\n", why, q.set, q.Kind, q.ID, q.Question.Question)
	}
}

// report prints, by set and kind, the questions answered (right and
// supported) or rightly refused, fitted and cross-validated.
func report(w io.Writer, qs []labelled, fitted, cv map[string]bool) {
	type row struct{ n, fit, cv int }
	rows := map[[2]string]*row{}
	var keys [][2]string
	add := func(k [2]string, id string) {
		r := rows[k]
		if r == nil {
			r = &row{}
			rows[k] = r
			keys = append(keys, k)
		}
		r.n++
		if fitted[id] {
			r.fit++
		}
		if cv[id] {
			r.cv++
		}
	}
	for _, q := range qs {
		add([2]string{q.set, q.Kind}, q.ID)
		total := "answered"
		if !q.Answerable {
			total = "abstained"
		}
		add([2]string{q.set, "**" + total + "**"}, q.ID)
		if q.Answerable {
			add([2]string{q.set, "**gate open**"}, openKey(q.ID))
		}
	}
	sort.SliceStable(keys, func(i, j int) bool {
		if keys[i][0] != keys[j][0] {
			return keys[i][0] < keys[j][0]
		}
		return keys[i][1] < keys[j][1]
	})
	fmt.Fprintln(w, "| set | kind | fitted | cross-validated |")
	fmt.Fprintln(w, "|---|---|---|---|")
	for _, k := range keys {
		r := rows[k]
		cvs := "—"
		if cv != nil {
			cvs = fmt.Sprintf("%d/%d", r.cv, r.n)
		}
		fmt.Fprintf(w, "| %s | %s | %d/%d | %s |\n", k[0], k[1], r.fit, r.n, cvs)
	}
}
