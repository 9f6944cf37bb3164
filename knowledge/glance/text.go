package glance

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"eventbot/corpus"
)

// A sentence is one sentence of an article, with what its place in the
// article tells about its date.
type sentence struct {
	src Source
	doc int       // the article's rank in date order
	pos int       // the sentence's rank in its article
	day time.Time // the date the article (or its update section) gives it; zero when not known to the day
	// stamp is the time of day of the live-blog update the sentence
	// belongs to, if any; stampLead marks the update's first sentence.
	stamp     clock
	stampLead bool
	text      string
	// quoteOf is the index of the sentence that introduces this one when
	// it opens a quoted paragraph after a paragraph ending with a colon,
	// or -1.
	quoteOf int
}

// clock is a time of day: as the text gives it, and as minutes after
// midnight UTC of its day, to order statements within a day.
type clock struct {
	label  string
	minute int
}

func (c clock) known() bool { return c.label != "" }

// updateStamp finds a live-blog update stamp such as "Update(1950ET):".
var updateStamp = regexp.MustCompile(`(?i)^\s*update\s*\(\s*(\d{1,2}):?(\d{2})\s*([a-z]{1,4})?\s*\)\s*:?\s*`)

// sectionBreak is a paragraph such as "* * *" that ends an update section.
var sectionBreak = regexp.MustCompile(`^[\s*_\-–—=~]+$`)

// zones names the time zones update stamps use.
var zones = map[string]struct {
	location string
	offset   int // standard offset in hours, when the zone database is missing
}{
	"ET": {"America/New_York", -5}, "EST": {"America/New_York", -5}, "EDT": {"America/New_York", -4},
	"CT": {"America/Chicago", -6}, "PT": {"America/Los_Angeles", -8},
	"GMT": {"UTC", 0}, "UTC": {"UTC", 0}, "BST": {"Europe/London", 0},
	"CET": {"Europe/Paris", 1}, "MSK": {"Europe/Moscow", 3}, "EET": {"Europe/Kyiv", 2},
}

// stampClock reads the hour, minute and zone of an update stamp on day.
func stampClock(day time.Time, hh, mm, zone string) (clock, bool) {
	h, _ := strconv.Atoi(hh)
	m, _ := strconv.Atoi(mm)
	if h > 23 || m > 59 {
		return clock{}, false
	}
	zone = strings.ToUpper(zone)
	c := clock{label: fmt.Sprintf("%02d:%02d", h, m), minute: h*60 + m}
	if zone == "" {
		return c, true
	}
	c.label += " " + zone
	z, ok := zones[zone]
	if !ok {
		return c, true
	}
	loc, err := time.LoadLocation(z.location)
	if err != nil {
		loc = time.FixedZone(zone, z.offset*3600)
	}
	local := time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, loc)
	c.minute = int(local.UTC().Sub(day).Minutes())
	return c, true
}

// sentences splits the articles, given in date order, into sentences.
func sentences(docs []corpus.Document) []sentence {
	var out []sentence
	for di, doc := range docs {
		src := Source{DocID: doc.ID, Title: doc.Title, Publisher: doc.Publisher, Date: doc.Date}
		day, known := docDay(doc.Date)
		if !known {
			day = time.Time{}
		}
		var stamp clock
		pos := 0
		introducer := -1
		for _, para := range strings.Split(doc.Body, "\n\n") {
			para = strings.Join(strings.Fields(para), " ")
			if para == "" {
				continue
			}
			if sectionBreak.MatchString(para) {
				stamp = clock{}
				introducer = -1
				continue
			}
			lead := false
			if m := updateStamp.FindStringSubmatch(para); m != nil && !day.IsZero() {
				if c, ok := stampClock(day, m[1], m[2], m[3]); ok {
					stamp, lead = c, true
					para = para[len(m[0]):]
				}
			}
			quoteOf := -1
			if introducer >= 0 && strings.ContainsAny(firstRune(para), `"“‘'`) {
				quoteOf = introducer
			}
			introducer = -1
			for si, text := range splitSentences(para) {
				s := sentence{src: src, doc: di, pos: pos, day: day, stamp: stamp,
					stampLead: lead && si == 0, text: text, quoteOf: -1}
				if si == 0 {
					s.quoteOf = quoteOf
				}
				out = append(out, s)
				pos++
			}
			if strings.HasSuffix(para, ":") {
				introducer = len(out) - 1
			}
		}
	}
	return out
}

func firstRune(s string) string {
	r, _ := utf8.DecodeRuneInString(s)
	return string(r)
}

// splitSentences splits a paragraph at sentence ends: . ! or ? (and any
// closing quotes) followed by a space and a capital, a digit or an
// opening quote, unless the period ends an abbreviation ("U.S.", "Mr.").
func splitSentences(p string) []string {
	var out []string
	start := 0
	runes := []rune(p)
	for i := 0; i < len(runes); i++ {
		r := runes[i]
		if r != '.' && r != '!' && r != '?' {
			continue
		}
		end := i + 1
		for end < len(runes) && strings.ContainsRune(`"”’')»`, runes[end]) {
			end++
		}
		if end >= len(runes) || runes[end] != ' ' || end+1 >= len(runes) {
			continue
		}
		next := runes[end+1]
		if !unicode.IsUpper(next) && !unicode.IsDigit(next) && !strings.ContainsRune(`"“‘'«`, next) {
			continue
		}
		if r == '.' && abbreviation(runes[start:i]) {
			continue
		}
		out = append(out, strings.TrimSpace(string(runes[start:end])))
		start = end + 1
		i = end
	}
	if rest := strings.TrimSpace(string(runes[start:])); rest != "" {
		out = append(out, rest)
	}
	return out
}

// abbreviation reports whether the word that ends text (just before a
// period) is an abbreviation: one letter, dotted ("U.S"), or a title.
func abbreviation(text []rune) bool {
	j := len(text)
	for j > 0 && !unicode.IsSpace(text[j-1]) {
		j--
	}
	w := string(text[j:])
	if utf8.RuneCountInString(w) == 1 || strings.Contains(w, ".") {
		return true
	}
	switch w {
	case "Mr", "Mrs", "Ms", "Dr", "St", "Gen", "Col", "Lt", "Sgt", "Sen", "Rep", "Gov", "Prof", "Jr", "Sr", "No", "vs",
		"Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec":
		return true
	}
	return false
}
