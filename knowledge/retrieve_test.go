package knowledge

import (
	"context"
	"strings"
	"testing"
)

// TestRetrieve checks that retrieval finds the passages that carry a
// question's concepts, ranked first, and none for a question of no
// concept the articles hold.
func TestRetrieve(t *testing.T) {
	b := bundledBase(t)
	for _, tt := range []struct {
		question string
		want     string // in the first passage; "" for no passage
	}{
		{"Where were the suspects detained?", "Bryansk"},
		{"Which news agency published the claim?", "Amaq"},
		{"who wrote the piece saying us intelligence knew", "Tyler Durden"}, // the byline
		{"and the of", ""}, // no concept at all
	} {
		q := b.analyse(b.normalise(tt.question))
		hits, err := b.retrieve(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		if tt.want == "" {
			if len(hits) != 0 {
				t.Errorf("retrieve(%q) = %d passages, want none", tt.question, len(hits))
			}
			continue
		}
		found := false
		for _, h := range hits[:min(3, len(hits))] {
			found = found || strings.Contains(b.passages[h].text, tt.want)
		}
		if !found {
			t.Errorf("retrieve(%q): no passage of the first three holds %q", tt.question, tt.want)
		}
	}
}
