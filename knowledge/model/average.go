package model

// Average returns the ranker whose log-odds are the mean of rankers': a
// conditional logit (Candidate) corrected by trees (Boost) each. Averaging
// rankers fitted on different parts of the questions (subagging) makes
// the ranking move less when a few questions change. The result is
// standardised as the first ranker is; rankers must share their features
// and their trees' shrinkage (Boost.Rate), as one fit's do.
func Average(rankers []*Model) *Model {
	if len(rankers) == 1 {
		return rankers[0]
	}
	k := float64(len(rankers))
	first := rankers[0].Candidate
	n := len(first.Features)
	// Each ranker's logit is linear in x: z = Σ a_i x_i + c. Their mean
	// is too, written again in the first ranker's standardisation.
	a := make([]float64, n)
	var c float64
	// The rankers share their shrinkage: the mean of their trees is all
	// of them at a k-th of it.
	boost := Boost{Rate: rankers[0].Boost.Rate / k}
	for _, r := range rankers {
		l := r.Candidate
		c += l.Bias / k
		for i := range n {
			a[i] += l.Weights[i] / l.Scale[i] / k
			c -= l.Weights[i] * l.Mean[i] / l.Scale[i] / k
		}
		boost.Trees = append(boost.Trees, r.Boost.Trees...)
	}
	out := &Model{Candidate: Logistic{
		Features: first.Features,
		Mean:     append([]float64(nil), first.Mean...),
		Scale:    append([]float64(nil), first.Scale...),
		Weights:  make([]float64, n),
		Bias:     c,
	}, Boost: boost}
	for i := range n {
		out.Candidate.Weights[i] = a[i] * first.Scale[i]
		out.Candidate.Bias += a[i] * first.Mean[i]
	}
	return out
}
