package bot

import (
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"eventbot/bot/telegram"
	"eventbot/knowledge/glance"
)

// The layouts of the views of the event at a glance (views.go): the
// timeline and the claims as pages of whole units (an entry, a party
// with its statements) that each fit one message, and the toll as a
// caption or a table.

const (
	// maxEntryText and maxClaimText bound the statement a line quotes;
	// maxAccountText the quote of an account of who is behind it.
	maxEntryText   = 400
	maxClaimText   = 280
	maxAccountText = 180
	// maxSourceName bounds an article's title in a source reference.
	maxSourceName = 60
	// entriesPerPage and partiesPerPage bound a page of the timeline
	// and of the claims, so that a page reads at a glance.
	entriesPerPage = 8
	partiesPerPage = 4
	// shortEntries is how many entries a group's short timeline shows.
	shortEntries = 3
	// pageHeaderRoom is kept free on each page for its header.
	pageHeaderRoom = 120
)

// A unit is the blocks that stay on one page.
type unit []block

func (u unit) len() int { return doc(u).len() }

// paged lays out units on pages of at most perPage units and
// maxMessageLen characters, each under the header head(i, n) gives page
// i of n, with the blocks of intro on the first page; at least one page.
func paged(head func(i, n int) block, intro []block, units []unit, perPage int) []doc {
	budget := maxMessageLen - pageHeaderRoom
	var groups [][]unit
	var cur []unit
	n := doc(intro).len()
	for _, u := range units {
		add := u.len() + len("\n\n")
		if len(cur) > 0 && (len(cur) == perPage || n+add > budget) {
			groups = append(groups, cur)
			cur, n = nil, 0
		}
		cur = append(cur, u)
		n += add
	}
	if len(cur) > 0 || len(groups) == 0 {
		groups = append(groups, cur)
	}
	pages := make([]doc, len(groups))
	for i, g := range groups {
		d := doc{head(i, len(groups))}
		if i == 0 {
			d = append(d, intro...)
		}
		for _, u := range g {
			d = append(d, u...)
		}
		pages[i] = fit(d, maxMessageLen)
	}
	return pages
}

// pageHeader is the bold title of a view, with "(i/n)" when it has
// more than one page.
func pageHeader(title string, i, n int) block {
	if n > 1 {
		title += fmt.Sprintf(" (%d/%d)", i+1, n)
	}
	return block{spans: []span{{bold, title}}}
}

// sourceRef names where a line comes from: the first article, by its
// publisher or else its title, and its date; "+2" counts the other
// articles that say the same.
func sourceRef(p *phrases, sources []glance.Source) []span {
	if len(sources) == 0 {
		return nil
	}
	s := sources[0]
	name := strings.TrimSpace(s.Publisher)
	if name == "" {
		name = truncate(strings.TrimSpace(s.Title), maxSourceName)
	}
	if name == "" {
		name = s.DocID
	}
	spans := []span{text(" ("), {italic, name}}
	if date := humanDate(p, s.Date.String()); date != "" {
		spans = append(spans, text(", "+date))
	}
	if len(sources) > 1 {
		spans = append(spans, text(fmt.Sprintf("; +%d", len(sources)-1)))
	}
	return append(spans, text(")"))
}

// entryUnit is one line of the timeline: "date — statement (source,
// date)".
func entryUnit(p *phrases, e glance.Entry) unit {
	spans := []span{{bold, e.When.String()}, text(" — " + oneLine(e.Text, maxEntryText))}
	return unit{{spans: append(spans, sourceRef(p, e.Sources)...)}}
}

// timelinePages lays out the timeline on pages.
func timelinePages(vp *viewPhrases, p *phrases, d *glance.Digest) []doc {
	if len(d.Timeline) == 0 {
		return []doc{textDoc(vp.NoTimeline)}
	}
	units := make([]unit, len(d.Timeline))
	for i, e := range d.Timeline {
		units[i] = entryUnit(p, e)
	}
	head := func(i, n int) block { return pageHeader(vp.TimelineTitle, i, n) }
	return paged(head, nil, units, entriesPerPage)
}

// timelineShort is the timeline in a group: its first entries dated to
// the day (those only bounded, or dated to a month or a year, are
// context), and how many more entries there are.
func timelineShort(vp *viewPhrases, p *phrases, d *glance.Digest) doc {
	entries := slices.DeleteFunc(slices.Clone(d.Timeline), func(e glance.Entry) bool { return e.When.Precision != glance.Day })
	if len(entries) == 0 {
		entries = d.Timeline
	}
	entries = entries[:min(len(entries), shortEntries)]
	dd := doc{pageHeader(vp.TimelineTitle, 0, 1)}
	for _, e := range entries {
		dd = append(dd, entryUnit(p, e)...)
	}
	if more := len(d.Timeline) - len(entries); more > 0 {
		dd = append(dd, block{spans: []span{{italic, vp.MoreEntries(more)}}})
	}
	return fit(dd, maxMessageLen)
}

// timelineDoc is the whole timeline on one doc, for a terminal.
func timelineDoc(vp *viewPhrases, p *phrases, d *glance.Digest) doc {
	if len(d.Timeline) == 0 {
		return textDoc(vp.NoTimeline)
	}
	dd := doc{pageHeader(vp.TimelineTitle, 0, 1)}
	for _, e := range d.Timeline {
		dd = append(dd, entryUnit(p, e)...)
	}
	return dd
}

// claimsQuery normalises the party a user asks /claims for: lower
// case, single spaces, short enough to ride in a button's callback data
// (viewRef), so that the pages a button turns to are those first shown.
func claimsQuery(args string) string {
	q := strings.ToLower(strings.Join(strings.Fields(args), " "))
	if len(q) > maxQueryBytes {
		q = strings.TrimSpace(q[:prefixBytes(q, maxQueryBytes)])
	}
	return q
}

// prefixBytes returns the length of the longest prefix of s of at most
// max bytes that does not cut a character.
func prefixBytes(s string, max int) int {
	if len(s) <= max {
		return len(s)
	}
	for max > 0 && !utf8.RuneStart(s[max]) {
		max--
	}
	return max
}

// blameUnit lays out the accounts of who is behind the attack, those
// naming the same culprit next to each other: "Kremlin and Putin →
// Ukraine's officials and intelligence: “…” (source)". With keep set,
// only the accounts given by, or naming, a party keep holds.
func blameUnit(vp *viewPhrases, p *phrases, accounts []glance.Account, keep map[string]bool) unit {
	u := unit{{spans: []span{{bold, vp.BlameTitle}}}}
	for _, a := range accounts {
		if keep != nil && !keep[a.Party] && !keep[a.Culprit] {
			continue
		}
		format := vp.Blames
		if a.Denied {
			format = vp.Denies
		}
		spans := expand(format, map[string]span{"party": {bold, a.Party}, "culprit": {bold, a.Culprit}})
		if len(a.Claims) > 0 {
			c := a.Claims[0]
			spans = append(spans, text(": “"+oneLine(c.Text, maxAccountText)+"”"))
			spans = append(spans, sourceRef(p, []glance.Source{c.Source})...)
		}
		u = append(u, block{spans: append([]span{text("▸ ")}, spans...), tight: true})
	}
	if len(u) == 1 {
		return nil
	}
	return u
}

// partyUnit lays out what one party said: its name, how many
// statements the articles attribute to it, and up to three of them.
func partyUnit(vp *viewPhrases, p *phrases, party glance.Party) unit {
	u := unit{{spans: []span{{bold, party.Name}, text(" · " + vp.Statements(party.Total))}}}
	for _, c := range party.Claims {
		spans := []span{text("• “" + oneLine(c.Text, maxClaimText) + "”")}
		u = append(u, block{spans: append(spans, sourceRef(p, []glance.Source{c.Source})...), tight: true})
	}
	return u
}

// claimsLayout is who says what before it is paged: the accounts of
// who is behind the attack, then each party; or, when there is nothing
// to show, what to say instead.
type claimsLayout struct {
	title    string
	accounts unit
	parties  []unit
	empty    doc
}

// layoutClaims lays out who says what. A query narrows it to the
// parties it matches (glance.Digest.Claims) and the accounts they give
// or are named in; one that matches none says so and lists the parties.
func layoutClaims(vp *viewPhrases, p *phrases, d *glance.Digest, query string) claimsLayout {
	if len(d.Parties) == 0 {
		return claimsLayout{empty: textDoc(vp.NoClaims)}
	}
	l := claimsLayout{title: vp.ClaimsTitle}
	parties := d.Parties
	var keep map[string]bool
	if query != "" {
		parties = d.Claims(query)
		if len(parties) == 0 {
			return claimsLayout{empty: noPartyDoc(vp, d, query)}
		}
		l.title += ": " + query
		keep = make(map[string]bool)
		for _, party := range parties {
			keep[party.Name] = true
		}
	}
	l.accounts = blameUnit(vp, p, d.Blame, keep)
	for _, party := range parties {
		l.parties = append(l.parties, partyUnit(vp, p, party))
	}
	return l
}

// claimsPages lays out who says what on pages.
func claimsPages(vp *viewPhrases, p *phrases, d *glance.Digest, query string) []doc {
	l := layoutClaims(vp, p, d, query)
	if l.empty != nil {
		return []doc{l.empty}
	}
	head := func(i, n int) block { return pageHeader(l.title, i, n) }
	return paged(head, l.accounts, l.parties, partiesPerPage)
}

// noPartyDoc says that no party matches query, and lists the parties.
func noPartyDoc(vp *viewPhrases, d *glance.Digest, query string) doc {
	names := make([]string, len(d.Parties))
	for i, party := range d.Parties {
		names[i] = party.Name
	}
	return fit(doc{
		{spans: expand(vp.NoParty, map[string]span{"query": {bold, query}})},
		{spans: []span{text(strings.Join(names, " · "))}, tight: true},
		{spans: []span{{code, "/claims " + strings.ToLower(strings.Fields(names[0])[0])}}},
	}, maxMessageLen)
}

// claimsDoc is who says what on one doc, for a terminal.
func claimsDoc(vp *viewPhrases, p *phrases, d *glance.Digest, query string) doc {
	l := layoutClaims(vp, p, d, query)
	if l.empty != nil {
		return l.empty
	}
	dd := append(doc{pageHeader(l.title, 0, 1)}, l.accounts...)
	for _, u := range l.parties {
		dd = append(dd, u...)
	}
	return dd
}

// claimsShort is who says what in a group: the accounts of who is
// behind the attack (or, narrowed to parties named in none, the first
// party) and how many parties there are.
func claimsShort(vp *viewPhrases, p *phrases, d *glance.Digest, query string) doc {
	l := layoutClaims(vp, p, d, query)
	if l.empty != nil {
		return l.empty
	}
	dd := doc{pageHeader(l.title, 0, 1)}
	shown := 0
	if l.accounts != nil {
		dd = append(dd, l.accounts...)
	} else {
		dd = append(dd, l.parties[0]...)
		shown = 1
	}
	if more := len(l.parties) - shown; more > 0 {
		dd = append(dd, block{spans: []span{{italic, vp.MoreParties(more)}}})
	}
	return fit(dd, maxMessageLen)
}

// tollCaption is the chart's caption: the view's title in the user's
// language, then the figures and their sources (glance's caption without
// its own heading), at most telegram.MaxCaptionLen characters.
func tollCaption(vp *viewPhrases, d *glance.Digest) doc {
	caption := d.TollCaption()
	if head, rest, ok := strings.Cut(caption, "\n"); ok && !strings.ContainsAny(head, "0123456789") {
		caption = rest
	}
	dd := doc{{spans: []span{{bold, vp.TollTitle}}}, {spans: []span{text(caption)}, tight: true}}
	if dd.len() > telegram.MaxCaptionLen {
		return doc{{spans: []span{text(d.TollCaption())}}}
	}
	return dd
}

// tollTable is the toll as a table for a terminal: each figure, when it
// was reported and the numbers of its sources, then the sources.
func tollTable(vp *viewPhrases, p *phrases, d *glance.Digest) doc {
	var numbers []glance.Source
	number := make(map[string]int)
	var rows strings.Builder
	tw := tabwriter.NewWriter(&rows, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", vp.Figure, vp.Value, vp.Reported, vp.Sources)
	for _, pt := range d.Toll {
		var refs []string
		for _, s := range pt.Sources {
			n, ok := number[s.DocID]
			if !ok {
				numbers = append(numbers, s)
				n = len(numbers)
				number[s.DocID] = n
			}
			refs = append(refs, strconv.Itoa(n))
		}
		kind := vp.Killed
		if pt.Kind == glance.Wounded {
			kind = vp.Wounded
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t[%s]\n", kind, pt.Label(), pt.When.String(), strings.Join(refs, ","))
	}
	tw.Flush()
	dd := doc{{spans: []span{{bold, vp.TollTitle}}}, {spans: []span{text(strings.TrimRight(rows.String(), "\n"))}}}
	for i, s := range numbers {
		line := append([]span{text(fmt.Sprintf("[%d] ", i+1))}, sourceSpans(p, s.DocID, s.Title, s.Publisher, s.Date.String())...)
		dd = append(dd, block{spans: line, tight: i > 0})
	}
	return dd
}

// digestVersion names the content of d in a few characters, so that a
// button made from one digest is not taken for one of another: after a
// reload that changed the articles, the pages have moved.
func digestVersion(d *glance.Digest) string {
	h := fnv.New32a()
	for _, e := range d.Timeline {
		fmt.Fprintf(h, "%s|%s|%d\n", e.When, e.Text, len(e.Sources))
	}
	for _, party := range d.Parties {
		fmt.Fprintf(h, "%s|%d|%d\n", party.Name, party.Total, len(party.Claims))
		for _, c := range party.Claims {
			fmt.Fprintf(h, "%s\n", c.Text)
		}
	}
	for _, a := range d.Blame {
		fmt.Fprintf(h, "%s|%s|%t\n", a.Party, a.Culprit, a.Denied)
	}
	for _, pt := range d.Toll {
		fmt.Fprintf(h, "%s|%s|%s\n", pt.Kind, pt.Label(), pt.When)
	}
	return fmt.Sprintf("%08x", h.Sum32())
}
