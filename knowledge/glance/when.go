package glance

import (
	"fmt"
	"time"
)

// Precision says how much the text tells about a date.
type Precision int

const (
	// Day: the text gives the day ("on Friday", "March 7").
	Day Precision = iota
	// Month: the text gives the month only ("in March").
	Month
	// Year: the text gives the year only ("in 1999").
	Year
	// Bounded: the text only bounds the date, between From and To ("earlier
	// this month", "following the attack"), or only before To when From is
	// zero ("days ago").
	Bounded
)

// When is the date the text supports for a statement.
type When struct {
	// From and To are the first and last days the text allows (midnight
	// UTC); From is zero when the text gives no lower bound.
	From, To  time.Time
	Precision Precision
	// Clock is the time of day as the text gives it ("19:50 ET",
	// "evening"), or empty.
	Clock string
	// order is minutes after midnight UTC of From, to order statements
	// within a day; those without a clock come after the others.
	order int
}

const noClock = 48 * 60

func onDay(t time.Time) When { return When{From: t, To: t, Precision: Day, order: noClock} }

func between(from, to time.Time) When {
	if !from.IsZero() && !from.Before(to) {
		return onDay(to)
	}
	return When{From: from, To: to, Precision: Bounded, order: noClock}
}

func (w When) withClock(c clock) When {
	if c.known() && w.Precision == Day {
		w.Clock, w.order = c.label, c.minute
	}
	return w
}

// sortDay is the day a statement is placed at in the timeline: its first
// possible day, or its last when the text gives only an upper bound.
func (w When) sortDay() time.Time {
	if w.From.IsZero() {
		return w.To
	}
	return w.From
}

// Compare orders dates for the timeline.
func (w When) Compare(v When) int {
	if c := w.sortDay().Compare(v.sortDay()); c != 0 {
		return c
	}
	if w.Precision != v.Precision {
		return int(v.Precision) - int(w.Precision) // the vaguer first
	}
	if c := w.To.Compare(v.To); c != 0 {
		return c
	}
	return w.order - v.order
}

func (w When) same(v When) bool {
	return w.From.Equal(v.From) && w.To.Equal(v.To) && w.Precision == v.Precision
}

// String renders w for people: "22 March 2024, evening", "March 2024",
// "between 1 and 24 March 2024", "by 21 March 2024".
func (w When) String() string {
	var s string
	switch w.Precision {
	case Day:
		s = w.From.Format("2 January 2006")
		if w.Clock != "" {
			s += ", " + w.Clock
		}
	case Month:
		s = w.From.Format("January 2006")
	case Year:
		s = w.From.Format("2006")
	case Bounded:
		switch {
		case w.From.IsZero():
			s = "by " + w.To.Format("2 January 2006")
		case w.From.Year() != w.To.Year():
			s = fmt.Sprintf("between %s and %s", w.From.Format("2 January 2006"), w.To.Format("2 January 2006"))
		case w.From.Month() != w.To.Month():
			s = fmt.Sprintf("between %s and %s", w.From.Format("2 January"), w.To.Format("2 January 2006"))
		default:
			s = fmt.Sprintf("between %d and %s", w.From.Day(), w.To.Format("2 January 2006"))
		}
	}
	return s
}

// dayOrder is order with a statement of unknown time at midday, to place
// it on a time axis.
func (w When) dayOrder() int {
	if w.order == noClock {
		return 12 * 60
	}
	return w.order
}
