package corpus

import (
	"fmt"
	"time"
)

// Date is a calendar date known to the day, the month or the year.
type Date struct {
	t         time.Time
	precision precision
}

type precision uint8

const (
	none precision = iota
	year
	month
	day
)

var layouts = []struct {
	layout string
	p      precision
}{{"2006-01-02", day}, {"2006-01", month}, {"2006", year}}

// ParseDate reads "2024-03-23", "2024-03" or "2024".
func ParseDate(s string) (Date, error) {
	for _, l := range layouts {
		if len(s) != len(l.layout) {
			continue
		}
		if t, err := time.Parse(l.layout, s); err == nil {
			return Date{t: t, precision: l.p}, nil
		}
	}
	return Date{}, fmt.Errorf("bad date %q: want YYYY-MM-DD, YYYY-MM or YYYY", s)
}

// IsZero reports whether d is unset.
func (d Date) IsZero() bool { return d.precision == none }

// String returns d in ISO form at its precision ("2024-03-23", "2024-03").
func (d Date) String() string {
	for _, l := range layouts {
		if l.p == d.precision {
			return d.t.Format(l.layout)
		}
	}
	return ""
}

// Human returns d for people: "23 March 2024", "March 2024", "2024".
func (d Date) Human() string {
	switch d.precision {
	case day:
		return d.t.Format("2 January 2006")
	case month:
		return d.t.Format("January 2006")
	case year:
		return d.t.Format("2006")
	}
	return ""
}

// Compare orders dates by their first day; a less precise date sorts before
// a more precise one that starts on the same day.
func (d Date) Compare(e Date) int {
	if c := d.t.Compare(e.t); c != 0 {
		return c
	}
	return int(d.precision) - int(e.precision)
}

// MarshalText implements encoding.TextMarshaler with String's form.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }
