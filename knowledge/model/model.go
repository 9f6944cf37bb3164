// Package model holds the answer engine's fitted numbers and applies them:
// a logistic model that scores each candidate sentence for a question,
// and a second one that decides, from the best candidate and the question
// itself, whether to answer or to abstain.
//
// The weights are data (weights.json), written by cmd/fitanswer from the
// labelled question sets; nothing here is chosen by hand.
package model

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
)

// Logistic is a logistic regression over named features, standardised by
// the means and spreads seen when it was fitted.
type Logistic struct {
	Features []string  `json:"features"`
	Mean     []float64 `json:"mean"`
	Scale    []float64 `json:"scale"`
	Weights  []float64 `json:"weights"`
	Bias     float64   `json:"bias"`
}

// Logit is the model's log-odds for x, whose values are in the order of
// Features.
func (l *Logistic) Logit(x []float64) float64 {
	z := l.Bias
	for i, v := range x {
		if i < len(l.Weights) {
			z += l.Weights[i] * (v - l.Mean[i]) / l.Scale[i]
		}
	}
	return z
}

// Prob is the model's probability for x.
func (l *Logistic) Prob(x []float64) float64 { return sigmoid(l.Logit(x)) }

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// Model is the pair of fitted models the answer engine uses.
type Model struct {
	// Candidate scores a sentence as the answer to a question.
	Candidate Logistic `json:"candidate"`
	// Answer scores whether the best candidate should be given at all;
	// the engine abstains below Threshold.
	Answer    Logistic `json:"answer"`
	Threshold float64  `json:"threshold"`
	// Companion is how far, in log-odds, the next best sentence may score
	// below the best and still be given beside it, shortened, when the
	// ranker is unsure between them.
	Companion float64 `json:"companion"`
	// Report is the same margin for another article's other short
	// answer (a name, number, date or place), given as its report.
	Report float64 `json:"report"`
	// Boost corrects Candidate's scores with trees, where features
	// matter together.
	Boost Boost `json:"boost"`
	// AnswerBoost corrects Answer's log-odds the same way ("a word the
	// articles lack, when the best sentence states all the rest").
	AnswerBoost Boost `json:"answer_boost"`
}

// AnswerProb is the chance that giving the best candidate, whose
// decision features are x, is right rather than refusing.
func (m *Model) AnswerProb(x []float64) float64 {
	return sigmoid(m.Answer.Logit(x) + m.AnswerBoost.Score(x))
}

// CandidateLogit is the log-odds that a candidate with features x
// answers its question, against the other candidates for it.
func (m *Model) CandidateLogit(x []float64) float64 {
	return m.Candidate.Logit(x) + m.Boost.Score(x)
}

//go:embed weights.json
var fitted []byte

// Fitted returns the model fitted by cmd/fitanswer and embedded in the
// binary.
func Fitted() (*Model, error) {
	var m Model
	if err := json.Unmarshal(fitted, &m); err != nil {
		return nil, fmt.Errorf("read fitted model: %w", err)
	}
	if err := m.check(); err != nil {
		return nil, fmt.Errorf("read fitted model: %w", err)
	}
	return &m, nil
}

func (m *Model) check() error {
	for _, l := range []*Logistic{&m.Candidate, &m.Answer} {
		n := len(l.Features)
		if len(l.Mean) != n || len(l.Scale) != n || len(l.Weights) != n {
			return fmt.Errorf("%d features but %d means, %d scales, %d weights", n, len(l.Mean), len(l.Scale), len(l.Weights))
		}
	}
	for _, b := range []struct {
		name     string
		boost    *Boost
		features int
	}{{"candidate", &m.Boost, len(m.Candidate.Features)}, {"answer", &m.AnswerBoost, len(m.Answer.Features)}} {
		for i, t := range b.boost.Trees {
			if len(t.Nodes) == 0 {
				return fmt.Errorf("%s tree %d has no nodes", b.name, i)
			}
			for j, n := range t.Nodes {
				// Children come after their parent, so that a walk ends.
				if n.Left != 0 && (n.Feature < 0 || n.Feature >= b.features || n.Left <= j || n.Right <= j || n.Left >= len(t.Nodes) || n.Right >= len(t.Nodes)) {
					return fmt.Errorf("%s tree %d node %d: splits on feature %d or leads outside the tree", b.name, i, j, n.Feature)
				}
			}
		}
	}
	return nil
}

// Check reports an error when the model's features are not the ones
// named, in order: the engine and its weights must agree. A Logistic not
// fitted (no features) agrees with any: it keeps the retrieval order and answers
// every question, which is where fitting starts.
func (m *Model) Check(candidate, answer []string) error {
	for _, c := range []struct {
		have *Logistic
		want []string
	}{{&m.Candidate, candidate}, {&m.Answer, answer}} {
		if len(c.have.Features) == 0 {
			continue // not fitted: every candidate scores alike, none is refused
		}
		if len(c.have.Features) != len(c.want) {
			return fmt.Errorf("model has features %v, the engine %v: run go generate ./knowledge/model", c.have.Features, c.want)
		}
		for i := range c.want {
			if c.have.Features[i] != c.want[i] {
				return fmt.Errorf("model has features %v, the engine %v: run go generate ./knowledge/model", c.have.Features, c.want)
			}
		}
	}
	return nil
}

//go:generate sh -c "cd ../.. && go run ./cmd/fitanswer -out knowledge/model/weights.json"
