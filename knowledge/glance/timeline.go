package glance

import (
	"slices"
	"strconv"
	"strings"
)

// Entry is one dated statement of the timeline.
type Entry struct {
	When When
	// Text is the statement: its sentence, or, when the sentence dates
	// several things, its subject and the clause about this date.
	Text string
	// Cue is the words that date it: the date expression ("on Friday",
	// "earlier this month"), the live-blog update ("update 19:50 ET"), or
	// "reported" for a figure dated by the article that reports it.
	Cue string
	// Sources are the articles that make the statement, the one Text is
	// from first.
	Sources []Source

	doc, pos int
	figures  string // the toll figures the sentence reports, to merge repeats
}

// CueReported is the Cue of a toll figure dated by its report.
const CueReported = "reported"

// timeline turns the dated sentences into entries, oldest first, merging
// the same statement made on the same date by several articles.
func timeline(sents []sentence, mentions []mention, reports []report) []Entry {
	bySent := map[int][]mention{}
	for _, m := range mentions {
		bySent[m.sent] = append(bySent[m.sent], m)
	}
	figures := map[int][]string{}
	for _, r := range reports {
		figures[r.sent] = append(figures[r.sent], string(r.kind)+" "+strconv.Itoa(r.value))
	}
	var out []Entry
	for i, s := range sents {
		ds := sentenceDates(s, bySent[i], len(figures[i]) > 0)
		for _, d := range ds {
			text := s.text
			if len(ds) > 1 && d.start >= 0 {
				text = focus(s.text, d.start)
			}
			out = append(out, Entry{When: d.when, Text: text, Cue: d.cue, Sources: []Source{s.src},
				doc: s.doc, pos: s.pos, figures: strings.Join(figures[i], ";")})
		}
	}
	slices.SortStableFunc(out, func(a, b Entry) int {
		if c := a.When.Compare(b.When); c != 0 {
			return c
		}
		if a.doc != b.doc {
			return a.doc - b.doc
		}
		return a.pos - b.pos
	})
	return mergeRepeats(out)
}

// dated is one date a sentence gives, with the expression that gives it
// (start is its byte offset, or -1 when no expression does).
type dated struct {
	when  When
	cue   string
	start int
}

// sentenceDates returns the distinct dates of a sentence. A sentence
// reporting toll figures is dated by its report, whatever else it dates;
// one opening a live-blog update also by the update's time.
func sentenceDates(s sentence, mentions []mention, reportsFigures bool) []dated {
	if reportsFigures {
		d := dated{when: reportWhen(s), cue: CueReported, start: -1}
		if s.stamp.known() {
			d.cue = "update " + s.stamp.label
		}
		for _, m := range mentions {
			if m.when.same(d.when) {
				d.cue = m.cue
				if d.when.Clock == "" && m.when.Clock != "" {
					d.when = m.when
				}
			}
		}
		return []dated{d}
	}
	var ds []dated
	for _, m := range mentions {
		j := slices.IndexFunc(ds, func(d dated) bool { return d.when.same(m.when) })
		if j < 0 {
			ds = append(ds, dated{when: m.when, cue: m.cue, start: m.start})
		} else if ds[j].when.Clock == "" && m.when.Clock != "" {
			ds[j].when = m.when
		}
	}
	if s.stampLead {
		stamped := onDay(s.day).withClock(s.stamp)
		j := slices.IndexFunc(ds, func(d dated) bool { return d.when.same(stamped) })
		if j < 0 {
			ds = append(ds, dated{when: stamped, cue: "update " + s.stamp.label, start: -1})
		} else if ds[j].when.Clock == "" {
			ds[j].when = stamped
		}
	}
	return ds
}

// focus shortens a sentence that dates several things to its subject
// (up to the first comma) and the clause holding the date at byte at.
func focus(text string, at int) string {
	head := text
	if i := strings.Index(text, ", "); i >= 0 {
		head = text[:i]
	}
	start := strings.LastIndex(text[:at], ", ")
	if start < 0 {
		return text
	}
	start += 2
	end := len(text)
	if i := strings.Index(text[at:], ", "); i >= 0 {
		end = at + i
	}
	if start <= len(head) {
		return text[:end]
	}
	return head + " … " + text[start:end]
}

// mergeRepeats merges an entry into an earlier one on the same date when
// they say the same: the same toll figures, or mostly the same words.
func mergeRepeats(entries []Entry) []Entry {
	var out []Entry
	for _, e := range entries {
		i := slices.IndexFunc(out, func(o Entry) bool {
			if !o.When.same(e.When) {
				return false
			}
			if o.figures != "" || e.figures != "" {
				return o.figures == e.figures
			}
			return similar(o.Text, e.Text)
		})
		if i < 0 {
			out = append(out, e)
			continue
		}
		if !slices.ContainsFunc(out[i].Sources, func(s Source) bool { return s.DocID == e.Sources[0].DocID }) {
			out[i].Sources = append(out[i].Sources, e.Sources[0])
		}
	}
	return out
}

// similar reports whether two statements share most of their content
// words (Jaccard index of words of four letters or more ≥ 0.5).
func similar(a, b string) bool {
	wa, wb := contentWords(a), contentWords(b)
	if len(wa) == 0 || len(wb) == 0 {
		return false
	}
	common := 0
	for w := range wa {
		if wb[w] {
			common++
		}
	}
	return 2*common >= len(wa)+len(wb)-common
}

func contentWords(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127)
	}) {
		if len(w) >= 4 {
			out[w] = true
		}
	}
	return out
}
