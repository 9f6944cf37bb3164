package model

import (
	"math"
	"slices"
)

// An Example is one labelled feature vector for fitting.
type Example struct {
	X      []float64
	Y      bool
	Weight float64 // how much it counts; 0 counts as 1
}

// Fit fits a logistic regression to examples by gradient descent on the
// weighted log loss with an L2 penalty, after standardising each feature.
func Fit(features []string, examples []Example, l2 float64) Logistic {
	n := len(features)
	l := Logistic{Features: features, Mean: make([]float64, n), Scale: make([]float64, n), Weights: make([]float64, n)}
	if len(examples) == 0 {
		for i := range l.Scale {
			l.Scale[i] = 1
		}
		return l
	}
	l.Mean, l.Scale = standardise(n, examples)
	xs := make([][]float64, len(examples))
	var total float64
	for k, e := range examples {
		xs[k] = make([]float64, n)
		for i, v := range e.X {
			xs[k][i] = (v - l.Mean[i]) / l.Scale[i]
		}
		total += weightOf(e)
	}
	grad := make([]float64, n)
	rate := 0.5
	for iter := 0; iter < 3000; iter++ {
		clear(grad)
		var gb float64
		for k, e := range examples {
			z := l.Bias
			for i, v := range xs[k] {
				z += l.Weights[i] * v
			}
			y := 0.0
			if e.Y {
				y = 1
			}
			d := (sigmoid(z) - y) * weightOf(e) / total
			for i, v := range xs[k] {
				grad[i] += d * v
			}
			gb += d
		}
		for i := range l.Weights {
			l.Weights[i] -= rate * (grad[i] + l2*l.Weights[i])
		}
		l.Bias -= rate * gb
	}
	return l
}

func weightOf(e Example) float64 {
	if e.Weight == 0 {
		return 1
	}
	return e.Weight
}

// FitRanking fits a conditional logit: for each group of candidates (the
// sentences scored for one question), the softmax of their scores is the
// chance each is the one to answer with, and the fit maximises the chance
// of the group's right ones, with an L2 penalty. Groups without a right
// candidate teach nothing and are skipped. The bias is 0: only
// differences within a group count.
func FitRanking(features []string, groups [][]Example, l2 float64) Logistic {
	groups = canonical(groups)
	var all []Example
	for _, g := range groups {
		all = append(all, g...)
	}
	l := Fit(features, nil, 0)
	l.Mean, l.Scale = standardise(len(features), all)
	n := len(features)
	type group struct {
		xs  [][]float64
		pos []bool
	}
	var gs []group
	for _, g := range groups {
		var gr group
		any := false
		for _, e := range g {
			x := make([]float64, n)
			for i, v := range e.X {
				x[i] = (v - l.Mean[i]) / l.Scale[i]
			}
			gr.xs = append(gr.xs, x)
			gr.pos = append(gr.pos, e.Y)
			any = any || e.Y
		}
		if any {
			gs = append(gs, gr)
		}
	}
	if len(gs) == 0 {
		return l
	}
	grad := make([]float64, n)
	z := []float64{}
	rate := 0.5
	for iter := 0; iter < 1500; iter++ {
		clear(grad)
		for _, g := range gs {
			z = z[:0]
			top := math.Inf(-1)
			for _, x := range g.xs {
				s := 0.0
				for i, v := range x {
					s += l.Weights[i] * v
				}
				z = append(z, s)
				top = max(top, s)
			}
			var all, pos float64
			for k := range z {
				z[k] = math.Exp(z[k] - top)
				all += z[k]
				if g.pos[k] {
					pos += z[k]
				}
			}
			for k, x := range g.xs {
				d := z[k] / all
				if g.pos[k] {
					d -= z[k] / pos
				}
				for i, v := range x {
					grad[i] += d * v / float64(len(gs))
				}
			}
		}
		for i := range l.Weights {
			l.Weights[i] -= rate * (grad[i] + l2*l.Weights[i])
		}
	}
	return l
}

// canonical returns groups with the examples of each in a fixed order, by
// features then label, whatever order they came in: sums of
// floating-point numbers depend on their order in their last bits, and
// boosting amplifies those, so a fit that followed the order in which the
// engine ranks its candidates would change when only that order did.
func canonical(groups [][]Example) [][]Example {
	out := make([][]Example, len(groups))
	for i, g := range groups {
		out[i] = slices.SortedStableFunc(slices.Values(g), func(a, b Example) int {
			if c := slices.Compare(a.X, b.X); c != 0 {
				return c
			}
			switch {
			case a.Y == b.Y:
				return 0
			case b.Y:
				return -1
			}
			return 1
		})
	}
	return out
}

// standardise returns the mean and spread of each feature of examples.
func standardise(n int, examples []Example) (mean, scale []float64) {
	mean, scale = make([]float64, n), make([]float64, n)
	for _, e := range examples {
		for i, v := range e.X {
			mean[i] += v
		}
	}
	for i := range mean {
		mean[i] /= float64(max(len(examples), 1))
	}
	for _, e := range examples {
		for i, v := range e.X {
			d := v - mean[i]
			scale[i] += d * d
		}
	}
	for i := range scale {
		scale[i] = math.Sqrt(scale[i] / float64(max(len(examples), 1)))
		if scale[i] < 1e-9 {
			scale[i] = 1
		}
	}
	return mean, scale
}
