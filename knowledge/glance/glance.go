// Package glance derives the event at a glance from the articles: a
// timeline of dated statements, the claims grouped by who made them, and
// the reported toll over time, with a chart of it.
//
// Build is the spine: it splits the articles into sentences, then runs the
// stages in order, each in its own file: the toll (toll.go), the dates and
// the timeline (dates.go, timeline.go), the attributions and the parties
// (claims.go, parties.go), the accounts of who is behind the event
// (blame.go). The chart is drawn on demand (chart.go).
//
// Everything comes from general extraction (date expressions resolved
// against each article's own date, speech verbs and their subjects, counts
// next to casualty words), plus one vocabulary: the aliases of well-known
// parties (parties.txt). A Digest is immutable; a new corpus means a new
// Build. The package knows nothing of search or Telegram.
package glance

import (
	"time"

	"eventbot/corpus"
)

// Digest is the event at a glance, built from one set of articles.
type Digest struct {
	// Timeline holds the dated statements, oldest first.
	Timeline []Entry
	// Parties holds who said what, the most quoted first.
	Parties []Party
	// Blame holds each party's account of who is behind the event, the
	// parties that name the same culprit next to each other.
	Blame []Account
	// Toll holds the reported figures, killed then wounded, each in the
	// order they were reported.
	Toll []Point
}

// Source names the article a line comes from.
type Source struct {
	DocID     string
	Title     string
	Publisher string      // empty when the article names none
	Date      corpus.Date // the article's publication date
}

// Build derives the digest of docs. It never fails: text it cannot read
// simply yields nothing.
func Build(docs []corpus.Document) *Digest {
	sents := sentences(corpus.Sorted(docs))
	toll := tollReports(sents)
	dated := dateMentions(sents)
	claims := attributions(sents)
	return &Digest{
		Timeline: timeline(sents, dated, toll),
		Parties:  parties(claims),
		Blame:    accounts(claims),
		Toll:     tollSeries(toll),
	}
}

// docDay returns the article's date as a time and whether it is known to
// the day.
func docDay(d corpus.Date) (time.Time, bool) {
	t, err := time.Parse("2006-01-02", d.String())
	if err == nil {
		return t, true
	}
	for _, layout := range []string{"2006-01", "2006"} {
		if t, err := time.Parse(layout, d.String()); err == nil {
			return t, false
		}
	}
	return time.Time{}, false
}
