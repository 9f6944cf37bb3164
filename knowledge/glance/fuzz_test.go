package glance

import (
	"testing"

	"eventbot/corpus"
)

// FuzzBuild checks that no article text makes Build or the caption fail.
// (The chart depends only on the points; TestTollChart draws it.)
func FuzzBuild(f *testing.F) {
	for _, doc := range corpus.Sorted(mustBundled(f)) {
		f.Add(doc.Body, doc.Date.String())
	}
	f.Add(`Update(2599XX): "He said," she said: 12 killed on Sunday, March 40.`, "2024-03")
	f.Add("According to , . Putin said that (", "2024")
	f.Add("In the day said that. The Kremlin had late in the day demanded answers.", "2024-03-22")
	f.Fuzz(func(t *testing.T, body, date string) {
		d, err := corpus.ParseDate(date)
		if err != nil {
			return
		}
		digest := Build([]corpus.Document{{ID: "fuzz", Title: "t", Date: d, Language: "en", Body: body}})
		if n := len([]rune(digest.TollCaption())); n > MaxCaption {
			t.Errorf("caption of %d characters", n)
		}
		for _, p := range digest.Parties {
			if p.Name == "" || len(p.Claims) == 0 {
				t.Errorf("party %+v", p)
			}
		}
	})
}

func mustBundled(f *testing.F) []corpus.Document {
	docs, err := corpus.Load(corpus.Bundled())
	if err != nil {
		f.Fatal(err)
	}
	return docs
}
