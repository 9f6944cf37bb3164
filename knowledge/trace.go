package knowledge

import (
	"context"
	"math"
)

// A Trace is what the engine worked out for one question, for fitting
// and measuring its model (cmd/fitanswer).
type Trace struct {
	// Answer is the answer the engine composes from its best candidate,
	// given even when the model would abstain; Abstain tells.
	Answer  Answer
	Abstain bool
	// Alone and Paired are the answer composed without and with the
	// companion sentence (see companion), and Gap how far, in log-odds,
	// the companion scores below the best candidate: +Inf when there is
	// none. Report tells that the companion is another article's other
	// short answer. The fitted margins (Companion, Report) choose between
	// them.
	Alone, Paired Answer
	Gap           float64
	Report        bool
	// AnswerFeatures are the features of the decision to answer; nil
	// when the decision is not the model's: the best candidate lacks the
	// kind of answer asked for, which refuses whatever the model says, or
	// the question asks whom parties blame, answered from their accounts.
	AnswerFeatures []float64
	// Candidates are the sentences scored, best first.
	Candidates []TracedCandidate
}

// A TracedCandidate is one scored sentence: its features, and the answer
// text and passage it would give.
type TracedCandidate struct {
	Features []float64
	Text     string
	Passage  string
}

// FeatureNames names the features of a candidate sentence and of the
// decision to answer, in the order Trace gives them.
func FeatureNames() (candidate, answer []string) {
	return append([]string(nil), candidateFeatures...), append([]string(nil), answerFeatureNames...)
}

// Trace runs the spine on text as Answer does, and reports its workings.
func (b *Base) Trace(ctx context.Context, text string) (Trace, error) {
	t := Trace{Answer: Answer{Question: text, Language: "en", Citations: []Citation{}}, Abstain: true, Gap: math.Inf(1)}
	q, cands, err := b.rank(ctx, text)
	if err != nil {
		return Trace{}, err
	}
	t.Answer.Language = q.language
	if len(cands) == 0 {
		return t, nil
	}
	t.Abstain = !b.answerable(q, cands)
	if _, fromAccounts := b.accounts(q); b.holdsKind(q, &cands[0]) && !fromAccounts {
		t.AnswerFeatures = b.answerFeatures(q, cands)
	}
	t.Alone = b.compose(q, cands, t.Answer, margins{math.Inf(-1), math.Inf(-1)})
	t.Paired = b.compose(q, cands, t.Answer, margins{math.Inf(1), math.Inf(1)})
	t.Answer = b.compose(q, cands, t.Answer, margins{b.model.Companion, b.model.Report})
	if c, gap, ok := b.companion(q, cands, t.Alone.Text, t.Alone.Lead); ok {
		t.Gap, t.Report = gap, b.isReport(q, cands[0], c)
	}
	for _, c := range cands {
		p := &b.passages[c.passage]
		t.Candidates = append(t.Candidates, TracedCandidate{Features: c.features, Text: answerText(q, p, c.sentence), Passage: p.text})
	}
	return t, nil
}
