package model

import (
	"math"
	"testing"
)

// TestAverage checks that the averaged ranker's log-odds are the mean of
// the rankers', standardised as they each were.
func TestAverage(t *testing.T) {
	leaf := func(v float64) Tree { return Tree{Nodes: []Node{{Value: v}}} }
	split := Tree{Nodes: []Node{{Feature: 1, Threshold: 0.5, Left: 1, Right: 2}, {Value: -1}, {Value: 2}}}
	rankers := []*Model{
		{Candidate: Logistic{Features: []string{"a", "b"}, Mean: []float64{1, 2}, Scale: []float64{2, 0.5}, Weights: []float64{0.3, -1}, Bias: 0.2}, Boost: Boost{Trees: []Tree{leaf(1), split}, Rate: 0.1}},
		{Candidate: Logistic{Features: []string{"a", "b"}, Mean: []float64{0, 3}, Scale: []float64{1, 4}, Weights: []float64{2, 0.5}, Bias: -1}, Boost: Boost{Trees: []Tree{leaf(-3)}, Rate: 0.1}},
		{Candidate: Logistic{Features: []string{"a", "b"}, Mean: []float64{-2, 0}, Scale: []float64{3, 1}, Weights: []float64{-0.5, 0}, Bias: 0}, Boost: Boost{Rate: 0.1}},
	}
	avg := Average(rankers)
	if err := avg.check(); err != nil {
		t.Fatal(err)
	}
	for _, x := range [][]float64{{0, 0}, {1, 1}, {-3, 0.2}, {10, -4}} {
		var want float64
		for _, r := range rankers {
			want += r.CandidateLogit(x) / float64(len(rankers))
		}
		if got := avg.CandidateLogit(x); math.Abs(got-want) > 1e-9 {
			t.Errorf("CandidateLogit(%v) = %v, want the mean %v", x, got, want)
		}
	}
	if avg.Candidate.Scale[1] != 0.5 || avg.Candidate.Mean[0] != 1 {
		t.Errorf("standardised by %v, %v; want the first ranker's", avg.Candidate.Mean, avg.Candidate.Scale)
	}
}
