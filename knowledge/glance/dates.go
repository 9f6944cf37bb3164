package glance

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// A mention is a date expression found in a sentence, resolved.
type mention struct {
	sent       int // index into the sentences
	start, end int // byte span of the expression in the sentence
	cue        string
	when       When
}

// reference is what relative expressions are resolved against.
type reference struct {
	day   time.Time // the sentence's day (its article's date, or its update's); zero when unknown
	event time.Time // the event's day; zero while unknown
}

// A dateRule finds one kind of date expression and resolves it.
type dateRule struct {
	re      *regexp.Regexp
	resolve func(m []string, ref reference) (When, bool)
}

const months = `(January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)`

const dayPart = `(morning|afternoon|evening|night)`

// partOfDay gives a nominal time for words that place a statement within
// its day, only to order statements of the same day.
var partOfDay = map[string]int{"morning": 9 * 60, "afternoon": 15 * 60, "evening": 19 * 60, "night": 22 * 60}

// eventNouns marks sentences about the event itself.
var eventNouns = regexp.MustCompile(`(?i)\b(attack|shooting|assault|massacre|bombing|explosion|blast|terrorist act|incident)\b`)

// dateRules are tried on every sentence; where two expressions overlap,
// the longer wins, then the earlier rule.
var dateRules = []dateRule{
	{regexp.MustCompile(`\b(?:(?:[Tt]he )?` + dayPart + ` of )?` + months + `\.? (\d{1,2})(?:st|nd|rd|th)?\b(?:,? (\d{4})\b)?`),
		func(m []string, ref reference) (When, bool) { return calendarDay(m[3], m[2], m[4], m[1], ref) }},
	{regexp.MustCompile(`\b(?:(?:[Tt]he )?` + dayPart + ` of )?(\d{1,2})(?:st|nd|rd|th)? (?:of )?` + months + `\b\.?(?:,? (\d{4})\b)?`),
		func(m []string, ref reference) (When, bool) { return calendarDay(m[2], m[3], m[4], m[1], ref) }},
	{regexp.MustCompile(`\b([Ee]arly|[Mm]id|[Ll]ate)[- ]` + months + `\b(?:,? (\d{4})\b)?`),
		func(m []string, ref reference) (When, bool) { return partOfMonth(m[1], m[2], m[3], ref) }},
	{regexp.MustCompile(`\b(?:([Ll]ast|[Nn]ext|[Tt]his) )?(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?:['’]s)?(?: ` + dayPart + `)?\b`),
		weekday},
	{regexp.MustCompile(`\b(?:[Ii]n|[Ss]ince|[Dd]uring|[Tt]hroughout|[Ee]arlier in|[Ll]ater in) ` + months + `\b(?:,? (\d{4})\b)?`),
		func(m []string, ref reference) (When, bool) { return wholeMonth(m[1], m[2], ref) }},
	{regexp.MustCompile(`(?i)\b(?:(earlier|later|early|late) )?(this|last) month\b`), relativeMonth},
	{regexp.MustCompile(`(?i)\b(yesterday|today|tonight|last night|this (?:morning|afternoon|evening)|(?:earlier|later|late) in the day|earlier today)\b`), relativeDay},
	{regexp.MustCompile(`(?i)\b(?:(a few|a couple of|several|a mere|mere|just|a|one|two|three|four|five|six|seven|\d+) )?(hours?|days?|weeks?) ago\b`), ago},
	{regexp.MustCompile(`(?i)\b(?:(?:just |only |a few |several )?(hours|days|a day|a week|weeks|shortly|soon|moments|minutes) )?(?:after|following) the (?:[\w-]+ ){0,3}?(?:attack|shooting|assault|massacre|bombing|incident|tragedy)\b`),
		afterEvent},
	{regexp.MustCompile(`\b(?:[Ii]n|[Ff]rom|[Ss]ince|[Bb]y) ((?:1[89]|20)\d\d)\b`),
		func(m []string, _ reference) (When, bool) {
			y, _ := strconv.Atoi(m[1])
			t := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
			return When{From: t, To: t.AddDate(1, 0, -1), Precision: Year, order: noClock}, true
		}},
}

func monthNumber(name string) time.Month {
	for m := time.January; m <= time.December; m++ {
		if strings.HasPrefix(m.String(), name[:3]) {
			return m
		}
	}
	return 0
}

// yearFor returns the year of a month and day written without one: the
// reference's year, or the year before when that would put the date more
// than a month after the reference.
func yearFor(month time.Month, day int, year string, ref reference) (int, bool) {
	if year != "" {
		y, _ := strconv.Atoi(year)
		return y, true
	}
	if ref.day.IsZero() {
		return 0, false
	}
	y := ref.day.Year()
	if time.Date(y, month, day, 0, 0, 0, 0, time.UTC).After(ref.day.AddDate(0, 1, 0)) {
		y--
	}
	return y, true
}

func calendarDay(dd, month, year, part string, ref reference) (When, bool) {
	d, _ := strconv.Atoi(dd)
	mo := monthNumber(month)
	y, ok := yearFor(mo, d, year, ref)
	if !ok || d < 1 || d > 31 {
		return When{}, false
	}
	t := time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return When{}, false
	}
	return onDay(t).withClock(dayPartClock(part)), true
}

func dayPartClock(part string) clock {
	if m, ok := partOfDay[strings.ToLower(part)]; ok {
		return clock{label: strings.ToLower(part), minute: m}
	}
	return clock{}
}

func partOfMonth(part, month, year string, ref reference) (When, bool) {
	mo := monthNumber(month)
	y, ok := yearFor(mo, 1, year, ref)
	if !ok {
		return When{}, false
	}
	first := time.Date(y, mo, 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1)
	from, to := first, first.AddDate(0, 0, 9)
	switch strings.ToLower(part) {
	case "mid":
		from, to = first.AddDate(0, 0, 10), first.AddDate(0, 0, 19)
	case "late":
		from, to = first.AddDate(0, 0, 20), last
	}
	return between(from, capAt(to, ref)), true
}

// capAt bounds a date the text gives as past by the reference day.
func capAt(t time.Time, ref reference) time.Time {
	if !ref.day.IsZero() && t.After(ref.day) {
		return ref.day
	}
	return t
}

func wholeMonth(month, year string, ref reference) (When, bool) {
	mo := monthNumber(month)
	y, ok := yearFor(mo, 1, year, ref)
	if !ok {
		return When{}, false
	}
	first := time.Date(y, mo, 1, 0, 0, 0, 0, time.UTC)
	return When{From: first, To: first.AddDate(0, 1, -1), Precision: Month, order: noClock}, true
}

var weekdays = map[string]time.Weekday{
	"Sunday": time.Sunday, "Monday": time.Monday, "Tuesday": time.Tuesday, "Wednesday": time.Wednesday,
	"Thursday": time.Thursday, "Friday": time.Friday, "Saturday": time.Saturday,
}

// weekday resolves "Friday", "on Monday", "last Sunday", "next Tuesday"
// against the reference day: the latest such day on or before it (news
// reports what happened), strictly before it for "last", after it for
// "next".
func weekday(m []string, ref reference) (When, bool) {
	if ref.day.IsZero() {
		return When{}, false
	}
	want := weekdays[m[2]]
	back := (int(ref.day.Weekday()) - int(want) + 7) % 7
	t := ref.day.AddDate(0, 0, -back)
	switch strings.ToLower(m[1]) {
	case "last":
		if back == 0 {
			t = t.AddDate(0, 0, -7)
		}
	case "next":
		t = t.AddDate(0, 0, 7)
	}
	return onDay(t).withClock(dayPartClock(m[3])), true
}

func relativeMonth(m []string, ref reference) (When, bool) {
	if ref.day.IsZero() {
		return When{}, false
	}
	first := time.Date(ref.day.Year(), ref.day.Month(), 1, 0, 0, 0, 0, time.UTC)
	if strings.EqualFold(m[2], "last") {
		first = first.AddDate(0, -1, 0)
	}
	last := first.AddDate(0, 1, -1)
	switch strings.ToLower(m[1]) {
	case "earlier":
		if first.Equal(ref.day) {
			return When{}, false
		}
		return between(first, capAt(last, ref).AddDate(0, 0, -1)), true
	case "later":
		return between(ref.day.AddDate(0, 0, 1), last), true
	case "early":
		return between(first, capAt(first.AddDate(0, 0, 9), ref)), true
	case "late":
		return between(first.AddDate(0, 0, 20), capAt(last, ref)), true
	}
	return When{From: first, To: last, Precision: Month, order: noClock}, true
}

func relativeDay(m []string, ref reference) (When, bool) {
	if ref.day.IsZero() {
		return When{}, false
	}
	w := strings.ToLower(m[1])
	t := ref.day
	if w == "yesterday" || w == "last night" {
		t = t.AddDate(0, 0, -1)
	}
	when := onDay(t)
	for part := range partOfDay {
		if strings.Contains(w, part) || (part == "night" && strings.Contains(w, "tonight")) {
			when = when.withClock(dayPartClock(part))
		}
	}
	return when, true
}

var smallNumbers = map[string]int{"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}

// ago resolves "hours ago", "two days ago", "days ago": a day when the
// count is given, otherwise only a bound.
func ago(m []string, ref reference) (When, bool) {
	if ref.day.IsZero() {
		return When{}, false
	}
	unit := strings.TrimSuffix(strings.ToLower(m[2]), "s")
	n, counted := smallNumbers[strings.ToLower(m[1])]
	if v, err := strconv.Atoi(m[1]); err == nil {
		n, counted = v, true
	}
	switch {
	case unit == "hour":
		return onDay(ref.day), true
	case counted && unit == "day":
		return onDay(ref.day.AddDate(0, 0, -n)), true
	case counted && unit == "week":
		return between(ref.day.AddDate(0, 0, -7*n-3), ref.day.AddDate(0, 0, -7*n+3)), true
	}
	return between(time.Time{}, ref.day.AddDate(0, 0, -1)), true
}

// afterEvent resolves "following the attack", "days after the shooting",
// "hours after the attack" against the event's day, bounded by the
// reference day.
func afterEvent(m []string, ref reference) (When, bool) {
	if ref.event.IsZero() {
		return When{}, false
	}
	to := ref.day
	if to.IsZero() || to.Before(ref.event) {
		to = ref.event.AddDate(0, 0, 7)
	}
	switch strings.ToLower(m[1]) {
	case "hours", "shortly", "soon", "moments", "minutes":
		return onDay(ref.event), true
	case "a day":
		return onDay(ref.event.AddDate(0, 0, 1)), true
	case "days", "a week", "weeks":
		return between(ref.event.AddDate(0, 0, 1), to), true
	}
	return between(ref.event, to), true
}

// dateMentions finds and resolves the date expressions of every sentence:
// first those that need only the article's date, then, once the event's
// day is known from them, those relative to the event.
func dateMentions(sents []sentence) []mention {
	found := matchDates(sents)
	return resolveDates(sents, found, eventDay(sents, resolveDates(sents, found, time.Time{})))
}

// eventDay is the day most often given to sentences about the event
// (the earliest of equals), or zero.
func eventDay(sents []sentence, found []mention) time.Time {
	count := map[time.Time]int{}
	for _, m := range found {
		if m.when.Precision == Day && eventNouns.MatchString(sents[m.sent].text) {
			count[m.when.From]++
		}
	}
	var best time.Time
	for t, n := range count {
		if n > count[best] || (n == count[best] && t.Before(best)) {
			best = t
		}
	}
	return best
}

// dateMatch is a date expression found by a rule, not yet resolved.
type dateMatch struct {
	rule, start, end int
	groups           []string
}

// matchDates finds every rule's expressions in every sentence, the
// longest first where they overlap.
func matchDates(sents []sentence) [][]dateMatch {
	out := make([][]dateMatch, len(sents))
	for i, s := range sents {
		var ms []dateMatch
		for ri, r := range dateRules {
			for _, loc := range r.re.FindAllStringSubmatchIndex(s.text, -1) {
				groups := make([]string, len(loc)/2)
				for g := range groups {
					if loc[2*g] >= 0 {
						groups[g] = s.text[loc[2*g]:loc[2*g+1]]
					}
				}
				ms = append(ms, dateMatch{ri, loc[0], loc[1], groups})
			}
		}
		slices.SortFunc(ms, func(a, b dateMatch) int {
			if la, lb := a.end-a.start, b.end-b.start; la != lb {
				return lb - la
			}
			return a.rule - b.rule
		})
		out[i] = ms
	}
	return out
}

// resolveDates resolves the matches against each sentence's day and the
// event's (zero while unknown), keeping no two that overlap.
func resolveDates(sents []sentence, matches [][]dateMatch, event time.Time) []mention {
	var out []mention
	for i, s := range sents {
		ref := reference{day: s.day, event: event}
		var kept []mention
		for _, m := range matches[i] {
			if slices.ContainsFunc(kept, func(k mention) bool { return m.start < k.end && k.start < m.end }) {
				continue
			}
			when, ok := dateRules[m.rule].resolve(m.groups, ref)
			if !ok {
				continue
			}
			kept = append(kept, mention{sent: i, start: m.start, end: m.end, cue: m.groups[0], when: when})
		}
		slices.SortFunc(kept, func(a, b mention) int { return a.start - b.start })
		out = append(out, kept...)
	}
	return out
}
