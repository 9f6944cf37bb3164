package model

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// TestFit checks that a fitted logistic model tells apart examples whose
// label depends on one feature and not on the other.
func TestFit(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var ex []Example
	for range 400 {
		x := []float64{r.Float64(), r.Float64() * 10}
		ex = append(ex, Example{X: x, Y: x[0] > 0.5})
	}
	l := Fit([]string{"signal", "noise"}, ex, 1e-4)
	if l.Weights[0] <= 0 || l.Weights[0] < 5*abs(l.Weights[1]) {
		t.Fatalf("weights %v: want the signal to outweigh the noise", l.Weights)
	}
	if p := l.Prob([]float64{0.9, 5}); p < 0.9 {
		t.Errorf("Prob(signal 0.9) = %.2f, want > 0.9", p)
	}
	if p := l.Prob([]float64{0.1, 5}); p > 0.1 {
		t.Errorf("Prob(signal 0.1) = %.2f, want < 0.1", p)
	}
}

// TestFitRanking checks that the ranking fit puts the right candidate of
// each group first.
func TestFitRanking(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var groups [][]Example
	for range 50 {
		var g []Example
		right := r.IntN(5)
		for i := range 5 {
			x := []float64{r.Float64(), r.Float64()}
			if i == right {
				x[1] += 1
			}
			g = append(g, Example{X: x, Y: i == right})
		}
		groups = append(groups, g)
	}
	l := FitRanking([]string{"noise", "signal"}, groups, 1e-4)
	firsts := 0
	for _, g := range groups {
		best := 0
		for i := range g {
			if l.Logit(g[i].X) > l.Logit(g[best].X) {
				best = i
			}
		}
		if g[best].Y {
			firsts++
		}
	}
	if firsts < 45 {
		t.Errorf("right candidate first in %d of 50 groups, want at least 45", firsts)
	}
}

// TestFittedAgrees checks that the embedded weights load and name the
// features in a consistent way.
func TestFittedAgrees(t *testing.T) {
	m, err := Fitted()
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Check(m.Candidate.Features, m.Answer.Features); err != nil {
		t.Fatal(err)
	}
	if err := m.Check([]string{"other"}, m.Answer.Features); err == nil {
		t.Error("Check accepted features the model was not fitted on")
	}
}

func abs(x float64) float64 { return max(x, -x) }

// TestFitBoost checks that the trees learn what one weight per feature
// cannot: the right candidate of each group is the one whose two features
// agree (both high or both low), which no linear ranker tells apart.
func TestFitBoost(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	groups := func(n int) [][]Example {
		var gs [][]Example
		for range n {
			var g []Example
			right := r.IntN(6)
			for i := range 6 {
				a := r.Float64()
				b := 1 - a // disagree: one high, one low
				if i == right {
					b = a
				}
				g = append(g, Example{X: []float64{a, b}, Y: i == right})
			}
			gs = append(gs, g)
		}
		return gs
	}
	train, test := groups(300), groups(100)
	names := []string{"a", "b"}
	lin := FitRanking(names, train, 1e-3)
	m := Model{Candidate: lin}
	m.Boost = FitBoost(train, lin.Logit, BoostOptions{Rounds: 100, Depth: 3, Rate: 0.1, Lambda: 1, MinHessian: 1})
	first := func(score func([]float64) float64) int {
		right := 0
		for _, g := range test {
			best := 0
			for i := range g {
				if score(g[i].X) > score(g[best].X) {
					best = i
				}
			}
			if g[best].Y {
				right++
			}
		}
		return right
	}
	linear, boosted := first(lin.Logit), first(m.CandidateLogit)
	t.Logf("right first: linear %d, boosted %d of 100", linear, boosted)
	if boosted < 80 || boosted < linear+30 {
		t.Errorf("right first in %d of 100 groups boosted, %d linear; want at least 80 and 30 more", boosted, linear)
	}
	if len(m.Boost.Trees) != 100 {
		t.Errorf("%d trees, want 100", len(m.Boost.Trees))
	}
}

// TestFitBoostBinary checks that the trees of a yes-or-no decision learn
// what one weight per feature cannot: the answer is yes when two features
// agree, and the model's AnswerProb gives their correction.
func TestFitBoostBinary(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	examples := func(n int) []Example {
		var es []Example
		for range n {
			a, b := r.Float64(), r.Float64()
			es = append(es, Example{X: []float64{a, b}, Y: (a > 0.5) == (b > 0.5)})
		}
		return es
	}
	train, test := examples(800), examples(400)
	lin := Fit([]string{"a", "b"}, train, 1e-3)
	m := Model{Answer: lin}
	m.AnswerBoost = FitBoostBinary(train, lin.Logit, BoostOptions{Rounds: 50, Depth: 2, Rate: 0.3, Lambda: 1, MinHessian: 3})
	right := func(prob func([]float64) float64) int {
		n := 0
		for _, e := range test {
			if (prob(e.X) >= 0.5) == e.Y {
				n++
			}
		}
		return n
	}
	linear, boosted := right(lin.Prob), right(m.AnswerProb)
	t.Logf("right: linear %d, boosted %d of 400", linear, boosted)
	if boosted < 360 || boosted < linear+100 {
		t.Errorf("right in %d of 400 boosted, %d linear; want at least 360 and 100 more", boosted, linear)
	}
	if err := m.check(); err != nil {
		t.Errorf("check: %v", err)
	}
}

// TestFitIgnoresOrder checks that the order of a group's examples does
// not change the fitted models, to the last bit: the engine may rank its
// candidates otherwise without the fit changing.
func TestFitIgnoresOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	var groups, reversed [][]Example
	for range 50 {
		var g []Example
		for i := range 8 {
			g = append(g, Example{X: []float64{r.Float64() * 1e3, r.NormFloat64() / 7, r.Float64()}, Y: i == 3})
		}
		rg := slices.Clone(g)
		slices.Reverse(rg)
		groups, reversed = append(groups, g), append(reversed, rg)
	}
	names := []string{"a", "b", "c"}
	opts := BoostOptions{Rounds: 20, Depth: 3, Rate: 0.1, Lambda: 1, MinHessian: 1}
	l1, l2 := FitRanking(names, groups, 1e-3), FitRanking(names, reversed, 1e-3)
	if !reflect.DeepEqual(l1, l2) {
		t.Errorf("FitRanking depends on the order of examples:\n%+v\n%+v", l1, l2)
	}
	if b1, b2 := FitBoost(groups, l1.Logit, opts), FitBoost(reversed, l1.Logit, opts); !reflect.DeepEqual(b1, b2) {
		t.Error("FitBoost depends on the order of examples")
	}
}
