package meaning_test

import (
	"fmt"

	"eventbot/knowledge/meaning"
)

// A question says "hurt"; may a sentence's "wounded" or "killed" answer it?
// The vectors find both near. WordNet makes "wounded" a synonym and "killed"
// only a narrower term in a rare sense of "hurt" (13th): not a count of the
// hurt.
func Example() {
	vec, err := meaning.LoadVectors()
	if err != nil {
		panic(err)
	}
	wn, err := meaning.LoadWordNet()
	if err != nil {
		panic(err)
	}
	for _, word := range []string{"wounded", "killed"} {
		link := wn.Link("hurt", word)
		fmt.Printf("hurt/%s: similarity %.2f, %v (sense %d)\n", word, vec.Similarity("hurt", word), link.Kind, link.Sense)
	}
	// Output:
	// hurt/wounded: similarity 0.51, synonym (sense 6)
	// hurt/killed: similarity 0.47, hyponym (sense 13)
}

func ExampleWordNet_Base() {
	wn, err := meaning.LoadWordNet()
	if err != nil {
		panic(err)
	}
	for _, w := range []string{"caught", "fled", "shooters", "died", "news"} {
		fmt.Print(wn.Base(w), " ")
	}
	fmt.Println()
	// Output: catch flee shooter die news
}

func ExampleWordNet_Link() {
	wn, err := meaning.LoadWordNet()
	if err != nil {
		panic(err)
	}
	for _, p := range [][2]string{{"die", "death"}, {"gasoline", "fuel"}, {"fuel", "gasoline"}, {"caught", "arrested"}} {
		r := wn.Link(p[0], p[1])
		fmt.Printf("%s → %s: %v, sense %d\n", p[0], p[1], r.Kind, r.Sense)
	}
	// Output:
	// die → death: derivation, sense 1
	// gasoline → fuel: hypernym, sense 1
	// fuel → gasoline: hyponym, sense 1
	// caught → arrested: synonym, sense 7
}
