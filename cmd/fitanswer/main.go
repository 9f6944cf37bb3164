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
	sets := fl.String("sets", "../shared/eval/dev.jsonl,../shared/eval/chat.jsonl,knowledge/testdata/hard.jsonl,knowledge/testdata/variants.jsonl,knowledge/testdata/probe.jsonl,knowledge/testdata/probe2.jsonl", "labelled question sets, comma-separated globs")
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
	f := fitter{docs: docs, drop: map[string]bool{}}
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
	var cv map[string]result
	if *folds > 1 {
		cv = map[string]result{}
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
			for id, res := range r {
				cv[id] = res
			}
		}
	}
	report(out, qs, fitted, cv)
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

// fit fits the candidate model on the candidates of the answerable
// questions (which give an answer that is right and supported?), then
// the decision to answer on every question's best candidate under it
// (an answerable question answered right by it alone, against an
// unanswerable one), the threshold that makes the most right decisions,
// and the margins within which a companion sentence, or another
// article's report, is given beside the best (bestCompanion).
func (f *fitter) fit(ctx context.Context, qs []labelled) (*model.Model, error) {
	candNames, answerNames := knowledge.FeatureNames()
	b, err := f.base(ctx, &model.Model{})
	if err != nil {
		return nil, err
	}
	var groups [][]model.Example
	for _, q := range qs {
		if !q.Answerable {
			continue
		}
		t, err := b.Trace(ctx, q.Question.Question)
		if err != nil {
			b.Close()
			return nil, err
		}
		var g []model.Example
		for _, c := range t.Candidates {
			hit := q.Hit(c.Text)
			g = append(g, model.Example{X: f.without(candNames, c.Features), Y: hit != "" && evalset.Contains(c.Passage, hit)})
		}
		groups = append(groups, g)
	}
	b.Close()
	m := &model.Model{Candidate: model.FitRanking(candNames, groups, l2)}
	b, err = f.base(ctx, m)
	if err != nil {
		return nil, err
	}
	defer b.Close()
	pairs := map[bool][]pairing{} // by whether the companion is another article's report
	var examples []model.Example
	for _, q := range qs {
		t, err := b.Trace(ctx, q.Question.Question)
		if err != nil {
			return nil, err
		}
		// The decision rests on the best candidate: whether it answers
		// alone, not helped by the companion, which is fitted apart.
		_, alone := q.Grade(true, t.Alone.Text, passages(t.Alone))
		if q.Answerable {
			_, paired := q.Grade(true, t.Paired.Text, passages(t.Paired))
			pairs[t.Report] = append(pairs[t.Report], pairing{t.Gap, alone, paired})
		}
		if t.AnswerFeatures == nil {
			continue // nothing found to answer with
		}
		if q.Answerable && !alone {
			// A wrong answer scores as a refusal does: nothing to
			// learn about when to refuse.
			continue
		}
		examples = append(examples, model.Example{X: f.without(answerNames, t.AnswerFeatures), Y: q.Answerable})
	}
	m.Companion, m.Report = bestCompanion(pairs[false]), bestCompanion(pairs[true])
	m.Answer = model.Fit(answerNames, examples, l2)
	m.Threshold = bestThreshold(m.Answer, examples)
	return m, nil
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

// bestThreshold is the probability above which answering makes the most
// right decisions on examples: midway between two neighbouring scores.
func bestThreshold(l model.Logistic, examples []model.Example) float64 {
	type scored struct {
		p  float64
		ok bool
	}
	s := make([]scored, len(examples))
	right := 0 // decisions right when every question is refused
	for i, e := range examples {
		s[i] = scored{l.Prob(e.X), e.Y}
		if !e.Y {
			right++
		}
	}
	sort.Slice(s, func(i, j int) bool { return s[i].p > s[j].p })
	best, bestRight := 1.0, right
	for i, e := range s {
		// Answer the first i+1.
		if e.ok {
			right++
		} else {
			right--
		}
		if right > bestRight {
			bestRight = right
			best = e.p
			if i+1 < len(s) {
				best = (e.p + s[i+1].p) / 2
			}
		}
	}
	return best
}

func passages(a knowledge.Answer) []string {
	var out []string
	for _, c := range a.Citations {
		out = append(out, c.Passage)
	}
	return out
}

// A result is how one question fares: right and supported (or rightly
// refused), and, for an answerable one, whether the answer composed from
// the best candidate is right and supported whatever the decision to
// answer says — what composing does, apart from the gate.
type result struct{ ok, composed bool }

// evaluate answers qs with m and reports how each fares.
func (f *fitter) evaluate(ctx context.Context, m *model.Model, qs []labelled) (map[string]result, error) {
	b, err := f.base(ctx, m)
	if err != nil {
		return nil, err
	}
	defer b.Close()
	out := map[string]result{}
	for _, q := range qs {
		t, err := b.Trace(ctx, q.Question.Question)
		if err != nil {
			return nil, err
		}
		a := t.Answer
		a.Found = a.Found && !t.Abstain
		_, sup := q.Grade(a.Found, a.Text, passages(a))
		_, composed := q.Grade(t.Answer.Found, t.Answer.Text, passages(t.Answer))
		out[q.ID] = result{sup, composed && q.Answerable}
	}
	return out, nil
}

// report prints, by set and kind, the questions answered (right and
// supported) or rightly refused, fitted and cross-validated.
func report(w io.Writer, qs []labelled, fitted, cv map[string]result) {
	type row struct{ n, fit, cv int }
	rows := map[[2]string]*row{}
	var keys [][2]string
	add := func(k [2]string, q labelled, ok func(result) bool) {
		r := rows[k]
		if r == nil {
			r = &row{}
			rows[k] = r
			keys = append(keys, k)
		}
		r.n++
		if ok(fitted[q.ID]) {
			r.fit++
		}
		if ok(cv[q.ID]) {
			r.cv++
		}
	}
	right := func(r result) bool { return r.ok }
	for _, q := range qs {
		add([2]string{q.set, q.Kind}, q, right)
		total := "answered"
		if !q.Answerable {
			total = "abstained"
		}
		add([2]string{q.set, "**" + total + "**"}, q, right)
		if q.Answerable {
			add([2]string{q.set, "composed, gate open"}, q, func(r result) bool { return r.composed })
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
