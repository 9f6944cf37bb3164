package main

import (
	"testing"

	"eventbot/knowledge/model"
)

func TestFold(t *testing.T) {
	counts := make([]int, 5)
	for i := range 500 {
		id := "set:q-" + string(rune('a'+i%26)) + string(rune('a'+i/26))
		k := fold(id, 5)
		if k != fold(id, 5) {
			t.Fatalf("fold(%q) differs from run to run", id)
		}
		counts[k]++
	}
	for k, n := range counts {
		if n < 60 {
			t.Errorf("fold %d holds %d of 500 questions, want about 100", k, n)
		}
	}
}

// TestBestThreshold checks that the threshold answers the examples the
// model rates likely and refuses the rest, where that is most right.
func TestBestThreshold(t *testing.T) {
	l := model.Logistic{Features: []string{"x"}, Mean: []float64{0}, Scale: []float64{1}, Weights: []float64{1}}
	var ex []model.Example
	for _, x := range []float64{-3, -2, -1} {
		ex = append(ex, model.Example{X: []float64{x}, Y: false})
	}
	for _, x := range []float64{1, 2, 3} {
		ex = append(ex, model.Example{X: []float64{x}, Y: true})
	}
	th := bestThreshold(l, ex)
	for _, e := range ex {
		if answered := l.Prob(e.X) >= th; answered != e.Y {
			t.Errorf("x=%v: answered %v at threshold %.2f, want %v", e.X[0], answered, th, e.Y)
		}
	}
}
