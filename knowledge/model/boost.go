package model

import (
	"math"
	"sort"
)

// Boost is a sum of small regression trees that corrects a linear
// ranker's scores: where features matter together ("a number, when the
// question counts") the trees learn what one weight per feature cannot.
type Boost struct {
	Trees []Tree  `json:"trees,omitempty"`
	Rate  float64 `json:"rate,omitempty"`
}

// Score is the trees' correction to a candidate's log-odds.
func (bo *Boost) Score(x []float64) float64 {
	var s float64
	for i := range bo.Trees {
		s += bo.Trees[i].value(x)
	}
	return bo.Rate * s
}

// A Tree is a binary regression tree: node 0 is the root; an inner node
// sends x to Left when x[Feature] < Threshold, else to Right.
type Tree struct {
	Nodes []Node `json:"nodes"`
}

// Node is one node of a Tree; a leaf has Left == 0 and gives Value.
type Node struct {
	Feature   int     `json:"f,omitempty"`
	Threshold float64 `json:"t,omitempty"`
	Left      int     `json:"l,omitempty"`
	Right     int     `json:"r,omitempty"`
	Value     float64 `json:"v,omitempty"`
}

func (t *Tree) value(x []float64) float64 {
	n := &t.Nodes[0]
	for n.Left != 0 {
		if n.Feature < len(x) && x[n.Feature] < n.Threshold {
			n = &t.Nodes[n.Left]
		} else {
			n = &t.Nodes[n.Right]
		}
	}
	return n.Value
}

// BoostOptions are the settings of FitBoost.
type BoostOptions struct {
	Rounds int     // trees
	Depth  int     // levels of splits per tree
	Rate   float64 // shrinkage of each tree
	Lambda float64 // L2 penalty on leaf values
	// MinHessian is the least curvature (about: candidates with some
	// chance) a leaf must hold, so that no leaf fits one question.
	MinHessian float64
}

// bins is how many quantile cut points a feature's splits choose from.
const bins = 32

// FitBoost fits trees, by Newton boosting of the conditional logit that
// FitRanking fits, to correct the scores base gives each candidate of a
// group (the sentences scored for one question). Groups without a right
// candidate teach nothing and are skipped. The order of a group's
// examples does not matter.
func FitBoost(groups [][]Example, base func(x []float64) float64, o BoostOptions) Boost {
	bo := Boost{Rate: o.Rate}
	groups = canonical(groups)
	type row struct {
		x   []float64
		pos bool
	}
	var gs [][]row
	var n int
	for _, g := range groups {
		var rows []row
		any := false
		for _, e := range g {
			rows = append(rows, row{e.X, e.Y})
			any = any || e.Y
		}
		if any && len(rows) > 1 {
			gs = append(gs, rows)
			n += len(rows)
		}
	}
	if n == 0 || o.Rounds == 0 {
		return bo
	}
	var xs [][]float64
	for _, g := range gs {
		for _, r := range g {
			xs = append(xs, r.x)
		}
	}
	cuts, binOf := binned(xs)
	// Each row's score so far, gradient and hessian.
	score := make([]float64, 0, n)
	start := make([]int, len(gs)+1)
	for gi, g := range gs {
		start[gi] = len(score)
		for _, r := range g {
			score = append(score, base(r.x))
		}
	}
	start[len(gs)] = len(score)
	grad, hess := make([]float64, n), make([]float64, n)
	node := make([]int, n)
	for round := 0; round < o.Rounds; round++ {
		for gi, g := range gs {
			lo := start[gi]
			top := math.Inf(-1)
			for k := range g {
				top = max(top, score[lo+k])
			}
			var all, pos float64
			p := make([]float64, len(g))
			for k, r := range g {
				p[k] = math.Exp(score[lo+k] - top)
				all += p[k]
				if r.pos {
					pos += p[k]
				}
			}
			for k, r := range g {
				q := p[k] / all
				grad[lo+k], hess[lo+k] = q, q*(1-q)
				if r.pos {
					qp := p[k] / pos
					grad[lo+k] -= qp
					hess[lo+k] = max(hess[lo+k]-qp*(1-qp), 0) + 1e-6
				}
				hess[lo+k] = max(hess[lo+k], 1e-6)
			}
		}
		t := growTree(binOf, cuts, grad, hess, node, o)
		for i := range score {
			score[i] += o.Rate * t.Nodes[node[i]].Value
		}
		bo.Trees = append(bo.Trees, t)
	}
	return bo
}

// FitBoostBinary fits trees, by Newton boosting of the log loss, to
// correct the log-odds base gives each example that its label is true:
// what FitBoost does for a ranking, for a yes-or-no decision.
func FitBoostBinary(examples []Example, base func(x []float64) float64, o BoostOptions) Boost {
	bo := Boost{Rate: o.Rate}
	if len(examples) == 0 || o.Rounds == 0 {
		return bo
	}
	xs := make([][]float64, len(examples))
	score := make([]float64, len(examples))
	for i, e := range examples {
		xs[i], score[i] = e.X, base(e.X)
	}
	cuts, binOf := binned(xs)
	grad, hess := make([]float64, len(xs)), make([]float64, len(xs))
	node := make([]int, len(xs))
	for round := 0; round < o.Rounds; round++ {
		for i, e := range examples {
			p := sigmoid(score[i])
			y := 0.0
			if e.Y {
				y = 1
			}
			w := weightOf(e)
			grad[i], hess[i] = w*(p-y), max(w*p*(1-p), 1e-6)
		}
		t := growTree(binOf, cuts, grad, hess, node, o)
		for i := range score {
			score[i] += o.Rate * t.Nodes[node[i]].Value
		}
		bo.Trees = append(bo.Trees, t)
	}
	return bo
}

// binned returns each feature's cut points over the rows xs, and each
// row's bin per feature: the number of its feature's cuts at or below
// its value.
func binned(xs [][]float64) ([][]float64, [][]uint8) {
	nf := len(xs[0])
	cuts := make([][]float64, nf)
	for f := range cuts {
		vals := make([]float64, 0, len(xs))
		for _, x := range xs {
			vals = append(vals, x[f])
		}
		cuts[f] = cutPoints(vals)
	}
	binOf := make([][]uint8, len(xs))
	for i, x := range xs {
		b := make([]uint8, nf)
		for f := range b {
			b[f] = uint8(sort.SearchFloat64s(cuts[f], x[f]+1e-12))
		}
		binOf[i] = b
	}
	return cuts, binOf
}

// cutPoints are up to bins quantiles of vals, distinct and ascending.
func cutPoints(vals []float64) []float64 {
	sort.Float64s(vals)
	var out []float64
	for i := 1; i <= bins; i++ {
		v := vals[min(len(vals)-1, i*len(vals)/(bins+1))]
		if len(out) == 0 || v > out[len(out)-1] {
			out = append(out, v)
		}
	}
	return out
}

// growTree grows one tree level by level on the rows' gradients, each
// split the one that lowers the second-order loss most, and leaves in
// node the leaf of each row.
func growTree(binOf [][]uint8, cuts [][]float64, grad, hess []float64, node []int, o BoostOptions) Tree {
	t := Tree{Nodes: []Node{{}}}
	clear(node)
	frontier := []int{0}
	for level := 0; level < o.Depth && len(frontier) > 0; level++ {
		type hist struct{ g, h [bins + 1]float64 }
		hs := map[int][]hist{}
		for _, id := range frontier {
			hs[id] = make([]hist, len(cuts))
		}
		for i, b := range binOf {
			h, ok := hs[node[i]]
			if !ok {
				continue
			}
			for f, bin := range b {
				h[f].g[bin] += grad[i]
				h[f].h[bin] += hess[i]
			}
		}
		var next []int
		for _, id := range frontier {
			h := hs[id]
			var G, H float64
			for bin := range h[0].g {
				G += h[0].g[bin]
				H += h[0].h[bin]
			}
			parent := G * G / (H + o.Lambda)
			bestGain, bestF, bestBin := 0.0, -1, 0
			for f := range h {
				var gl, hl float64
				for bin := 0; bin < len(cuts[f]); bin++ {
					gl += h[f].g[bin]
					hl += h[f].h[bin]
					gr, hr := G-gl, H-hl
					if hl < o.MinHessian || hr < o.MinHessian {
						continue
					}
					if gain := gl*gl/(hl+o.Lambda) + gr*gr/(hr+o.Lambda) - parent; gain > bestGain {
						bestGain, bestF, bestBin = gain, f, bin
					}
				}
			}
			if bestF < 0 {
				t.Nodes[id].Value = -G / (H + o.Lambda)
				continue
			}
			l, r := len(t.Nodes), len(t.Nodes)+1
			t.Nodes = append(t.Nodes, Node{}, Node{})
			// A row's bin is the number of cuts at or below its value:
			// the rows of bins up to bestBin are those below its cut.
			t.Nodes[id] = Node{Feature: bestF, Threshold: cuts[bestF][bestBin], Left: l, Right: r}
			for i, b := range binOf {
				if node[i] == id {
					if int(b[bestF]) <= bestBin {
						node[i] = l
					} else {
						node[i] = r
					}
				}
			}
			next = append(next, l, r)
		}
		frontier = next
	}
	// Leaves left at the last level get their values.
	for _, id := range frontier {
		var G, H float64
		for i := range binOf {
			if node[i] == id {
				G += grad[i]
				H += hess[i]
			}
		}
		t.Nodes[id].Value = -G / (H + o.Lambda)
	}
	return t
}
