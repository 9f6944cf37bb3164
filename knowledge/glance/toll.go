package glance

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Kind is what a reported figure counts.
type Kind string

// The kinds of figures.
const (
	Killed  Kind = "killed"
	Wounded Kind = "wounded"
)

// Point is one reported figure: a value as reported on a date, with the
// articles that report it.
type Point struct {
	Kind  Kind
	Value int
	// Qualifier is how most reports hedge the value: "at least", "more
	// than", "about"…, or empty; Qualifiers are all the reports' wordings.
	Qualifier  string
	Qualifiers []string
	// When is when it was reported: the article's date, or its update's.
	When When
	// Sources are the articles that report the value that day, the first
	// report first; Text is that report's sentence.
	Sources []Source
	Text    string
}

// Label is the value with its qualifier in short: "40+", "~100", "145".
func (p Point) Label() string {
	v := strconv.Itoa(p.Value)
	switch p.Qualifier {
	case "at least", "more than", "over", "as many as":
		return v + "+"
	case "about", "around", "nearly", "almost", "some", "roughly", "approximately":
		return "~" + v
	case "up to", "at most", "fewer than", "less than":
		return "≤" + v
	}
	return v
}

// report is one figure found in one sentence.
type report struct {
	sent      int
	src       Source
	text      string
	kind      Kind
	value     int
	qualifier string
	when      When
}

// casualtyWords tells the kind of figure from the word next to it.
var casualtyWords = map[string]Kind{
	"killed": Killed, "dead": Killed, "died": Killed, "deaths": Killed, "fatalities": Killed,
	"perished": Killed, "killing": Killed, "kills": Killed,
	"wounded": Wounded, "injured": Wounded, "hurt": Wounded, "hospitalized": Wounded,
	"hospitalised": Wounded, "injuring": Wounded, "wounding": Wounded, "injuries": Wounded,
}

var numberWords = map[string]int{
	"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
	"nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
	"forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "a hundred": 100,
}

const (
	qualifierRE = `(?P<q>at least|more than|over|about|around|nearly|almost|up to|some|roughly|approximately|as many as|at most|fewer than|less than) `
	numberRE    = `(?P<n>\d{1,3}(?:,\d{3})+|\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|a hundred)`
	peopleRE    = `(?: (?:people|persons|others|victims|individuals|civilians|other people))?`
)

// tollPatterns find a count next to a casualty word: "40 people were
// killed", "145 people who have been hospitalized", "killing at least 40
// people", "the death toll rose to 139".
var tollPatterns = []*regexp.Regexp{
	regexp.MustCompile(`(?i)\b(?:` + qualifierRE + `)?` + numberRE + peopleRE +
		`(?: (?:who|have|has|had|been|were|was|are|is|reportedly|now|already|being)){0,3} (?P<k>killed|dead|died|deaths|fatalities|perished|wounded|injured|hurt|hospitali[sz]ed)\b`),
	regexp.MustCompile(`(?i)\b(?P<k>killing|killed|kills|injuring|injured|wounding|wounded) (?:` + qualifierRE + `)?` + numberRE + peopleRE + `\b`),
	regexp.MustCompile(`(?i)\bdeath toll (?:has )?(?:rose|risen|climbed|reached|stands at|stood at|is|was|of)(?: to| at)? (?:` + qualifierRE + `)?` + numberRE + `\b`),
}

// tollReports finds the figures every sentence reports.
func tollReports(sents []sentence) []report {
	var out []report
	for i, s := range sents {
		var found []report
		for _, re := range tollPatterns {
			for _, m := range re.FindAllStringSubmatch(s.text, -1) {
				r := report{sent: i, src: s.src, text: s.text, kind: Killed, when: reportWhen(s)}
				for gi, name := range re.SubexpNames() {
					switch name {
					case "q":
						r.qualifier = strings.ToLower(m[gi])
					case "n":
						r.value = parseCount(m[gi])
					case "k":
						r.kind = casualtyWords[strings.ToLower(m[gi])]
					}
				}
				if r.value <= 0 || r.when.To.IsZero() {
					continue
				}
				if !slices.ContainsFunc(found, func(f report) bool { return f.kind == r.kind && f.value == r.value }) {
					found = append(found, r)
				}
			}
		}
		out = append(out, found...)
	}
	return out
}

func parseCount(s string) int {
	if n, ok := numberWords[strings.ToLower(s)]; ok {
		return n
	}
	n, _ := strconv.Atoi(strings.ReplaceAll(s, ",", ""))
	return n
}

// reportWhen is when a sentence was published: its article's day (and
// update time), or as much of the article's date as is known.
func reportWhen(s sentence) When {
	if !s.day.IsZero() {
		return onDay(s.day).withClock(s.stamp)
	}
	t, _ := docDay(s.src.Date)
	if t.IsZero() {
		return When{}
	}
	if len(s.src.Date.String()) == len("2006-01") {
		return When{From: t, To: t.AddDate(0, 1, -1), Precision: Month, order: noClock}
	}
	return When{From: t, To: t.AddDate(1, 0, -1), Precision: Year, order: noClock}
}

// tollSeries merges the reports of the same value on the same day into
// one point, and orders the points by kind, then by report time.
func tollSeries(reports []report) []Point {
	var out []Point
	var counts []map[string]int // per point, how many reports use each qualifier
	for _, r := range reports {
		i := slices.IndexFunc(out, func(p Point) bool {
			return p.Kind == r.kind && p.Value == r.value && p.When.same(r.when)
		})
		if i < 0 {
			out = append(out, Point{Kind: r.kind, Value: r.value, When: r.when, Sources: []Source{r.src}, Text: r.text})
			counts = append(counts, map[string]int{})
			i = len(out) - 1
		}
		p := &out[i]
		counts[i][r.qualifier]++
		if !slices.Contains(p.Qualifiers, r.qualifier) {
			p.Qualifiers = append(p.Qualifiers, r.qualifier)
		}
		if n := counts[i][r.qualifier]; n > counts[i][p.Qualifier] || (n == counts[i][p.Qualifier] && p.Qualifier == "") {
			p.Qualifier = r.qualifier
		}
		if r.when.dayOrder() < p.When.dayOrder() {
			p.When, p.Text = r.when, r.text
		}
		if !slices.ContainsFunc(p.Sources, func(s Source) bool { return s.DocID == r.src.DocID }) {
			p.Sources = append(p.Sources, r.src)
		}
	}
	slices.SortStableFunc(out, func(a, b Point) int {
		if a.Kind != b.Kind {
			return strings.Compare(string(a.Kind), string(b.Kind)) // killed before wounded
		}
		if c := a.pointTime().Compare(b.pointTime()); c != 0 {
			return c
		}
		return a.Value - b.Value
	})
	return out
}

// pointTime places a point on the time axis: its report time, or the
// middle of its day when the text gives no time.
func (p Point) pointTime() time.Time {
	return p.When.From.Add(time.Duration(p.When.dayOrder()) * time.Minute)
}
