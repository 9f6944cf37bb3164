package glance

import (
	"bytes"
	"errors"
	"image/png"
	"io"
	"slices"
	"strings"
	"testing"

	"eventbot/corpus"
)

func bundled(t *testing.T) []corpus.Document {
	t.Helper()
	docs, err := corpus.Load(corpus.Bundled())
	if err != nil {
		t.Fatalf("Load(Bundled()): %v", err)
	}
	return docs
}

// findEntry returns the index of the timeline entry from doc whose text
// holds text, or -1.
func findEntry(entries []Entry, doc, text string) int {
	return slices.IndexFunc(entries, func(e Entry) bool {
		return strings.Contains(e.Text, text) &&
			slices.ContainsFunc(e.Sources, func(s Source) bool { return s.DocID == doc })
	})
}

// Expectations written from the articles: what each says, dated by what
// its own date allows.
var timelineWant = []struct {
	name, doc, text, when string
}{
	{"US embassy alert", "putin-west-at-odds-over-culprits", "security alert issued on the embassy website on March 7", "7 March 2024"},
	{"warning in early March", "isis-message-might-be-fake", "in early March, the US Embassy in Russia warned", "between 1 and 10 March 2024"},
	{"intelligence shared earlier this month", "putin-west-at-odds-over-culprits", "Adrienne Watson said that earlier this month", "between 1 and 24 March 2024"},
	{"alert days before", "us-knew-isis-k-planning", "A mere days ago the US Embassy", "by 21 March 2024"},
	{"the attack on Friday evening", "isis-message-might-be-fake", "On Friday evening, March 22", "22 March 2024, evening"},
	{"the IS claim that night", "isis-claim-us-confirms", "On the night of March 22, the Islamic State group claimed", "22 March 2024, night"},
	{"Amaq claim in the 17:35 ET update", "us-knew-isis-k-planning", "according to a report by the Amaq news agency", "22 March 2024, 17:35 ET"},
	{"145 hospitalised, 19:50 ET update", "us-knew-isis-k-planning", "145 people who have been hospitalized", "22 March 2024, 19:50 ET"},
	{"first claim on Friday", "putin-west-at-odds-over-culprits", "first on Friday", "22 March 2024"},
	{"footage on Saturday", "putin-west-at-odds-over-culprits", "later on Saturday when they released footage", "23 March 2024"},
	{"toll of 70 a day later", "isis-claim-us-confirms", "at least 70 people have died", "23 March 2024"},
	{"arrests in Putin's address, after the attack", "putin-west-at-odds-over-culprits", "four gunmen were detained", "between 22 and 25 March 2024"},
	{"Monday remarks", "putin-west-at-odds-over-culprits", "routine press conference on Monday", "25 March 2024"},
	{"toll of 139 after the weekend", "putin-west-at-odds-over-culprits", "At least 139 people were killed", "25 March 2024"},
	{"the old video", "isis-claim-us-confirms", "old video from 1999", "1999"},
}

func TestTimeline(t *testing.T) {
	d := Build(bundled(t))
	if n := len(d.Timeline); n < 10 {
		t.Fatalf("timeline has %d entries, want at least 10", n)
	}
	for i := 1; i < len(d.Timeline); i++ {
		if d.Timeline[i-1].When.Compare(d.Timeline[i].When) > 0 {
			t.Errorf("entries %d and %d out of order: %s after %s", i-1, i, d.Timeline[i-1].When, d.Timeline[i].When)
		}
	}
	for _, e := range d.Timeline {
		if len(e.Sources) == 0 || e.Cue == "" || e.Text == "" {
			t.Errorf("entry %+v lacks a source, a cue or a text", e)
		}
	}
	at := map[string]int{}
	for _, tt := range timelineWant {
		i := findEntry(d.Timeline, tt.doc, tt.text)
		at[tt.name] = i
		if i < 0 {
			t.Errorf("%s: no entry from %s holds %q", tt.name, tt.doc, tt.text)
			continue
		}
		if got := d.Timeline[i].When.String(); got != tt.when {
			t.Errorf("%s: dated %q, want %q (%q)", tt.name, got, tt.when, d.Timeline[i].Text)
		}
	}
	order := []string{"US embassy alert", "the attack on Friday evening", "Amaq claim in the 17:35 ET update",
		"the IS claim that night", "footage on Saturday", "Monday remarks"}
	for i := 1; i < len(order); i++ {
		if a, b := at[order[i-1]], at[order[i]]; a >= 0 && b >= 0 && a >= b {
			t.Errorf("%q (entry %d) is not before %q (entry %d)", order[i-1], a, order[i], b)
		}
	}
}

func TestTimelineMergesRepeats(t *testing.T) {
	d := Build(bundled(t))
	// Two articles describe the Friday-evening shooting in nearly the
	// same words: one entry, both sources.
	i := findEntry(d.Timeline, "isis-message-might-be-fake", "On Friday evening, March 22")
	if i < 0 {
		t.Fatal("no entry for the Friday-evening shooting")
	}
	if !slices.ContainsFunc(d.Timeline[i].Sources, func(s Source) bool { return s.DocID == "isis-claim-us-confirms" }) {
		t.Errorf("sources %v, want isis-claim-us-confirms too", d.Timeline[i].Sources)
	}
	if j := findEntry(d.Timeline, "isis-claim-us-confirms", "In the evening of March 22"); j >= 0 && j != i {
		t.Errorf("the same statement is entries %d and %d", i, j)
	}
}

func TestToll(t *testing.T) {
	d := Build(bundled(t))
	want := []struct {
		kind   Kind
		value  int
		label  string
		date   string
		source string
	}{
		{Killed, 40, "40+", "22 March 2024", "shafaq-us-warned-moscow"},
		{Killed, 70, "70+", "23 March 2024", "isis-claim-us-confirms"},
		{Killed, 139, "139+", "25 March 2024", "putin-west-at-odds-over-culprits"},
		{Wounded, 100, "100+", "22 March 2024", "isis-message-might-be-fake"},
		{Wounded, 145, "145", "22 March 2024, 19:50 ET", "us-knew-isis-k-planning"},
		{Wounded, 180, "180", "25 March 2024", "putin-west-at-odds-over-culprits"},
	}
	if len(d.Toll) != len(want) {
		t.Errorf("toll has %d points, want %d: %+v", len(d.Toll), len(want), d.Toll)
	}
	for i, w := range want {
		if i >= len(d.Toll) {
			break
		}
		p := d.Toll[i]
		if p.Kind != w.kind || p.Value != w.value || p.Label() != w.label || p.When.String() != w.date {
			t.Errorf("point %d = %s %s on %s, want %s %s on %s", i, p.Kind, p.Label(), p.When, w.kind, w.label, w.date)
		}
		if !slices.ContainsFunc(p.Sources, func(s Source) bool { return s.DocID == w.source }) {
			t.Errorf("point %d (%s %d): sources %v, want %s among them", i, p.Kind, p.Value, p.Sources, w.source)
		}
	}
	// The 100 wounded are worded "more than", "at least", "about" and "over".
	for _, p := range d.Toll {
		if p.Value == 100 && (!slices.Contains(p.Qualifiers, "more than") || !slices.Contains(p.Qualifiers, "about")) {
			t.Errorf("100 wounded: qualifiers %q, want more than and about among them", p.Qualifiers)
		}
	}
}

// partyWant: parties the articles quote, and words of a statement each
// makes in the article named.
var partyWant = []struct {
	party, doc, text string
}{
	{"Islamic State", "isis-message-might-be-fake", "claimed responsibility"},
	{"US officials", "isis-message-might-be-fake", "American official"},
	{"Kremlin and Putin", "putin-west-at-odds-over-culprits", "he suspects Ukraine"},
	{"Russia's foreign ministry", "shafaq-us-warned-moscow", "bloody terrorist attack"},
	{"Medvedev", "us-knew-isis-k-planning", "destroyed mercilessly"},
	{"Ukraine's officials and intelligence", "isis-message-might-be-fake", "Kyiv has denied involvement"},
	{"Macron", "putin-west-at-odds-over-culprits", "an IS entity"},
	{"Russian media", "isis-message-might-be-fake", "Russian media suggest"},
	{"Western media", "isis-message-might-be-fake", "Washington Post reports"},
}

func TestClaims(t *testing.T) {
	docs := bundled(t)
	bodies := map[string]string{}
	for _, d := range docs {
		bodies[d.ID] = d.Body
	}
	d := Build(docs)
	if n := len(d.Parties); n < 7 {
		t.Errorf("%d parties, want at least 7", n)
	}
	for _, p := range d.Parties {
		if len(p.Claims) == 0 || len(p.Claims) > maxClaims || p.Total < len(p.Claims) {
			t.Errorf("party %s: %d claims of %d, want 1 to %d", p.Name, len(p.Claims), p.Total, maxClaims)
		}
		for _, c := range p.Claims {
			if c.Party != p.Name || !strings.Contains(strings.Join(strings.Fields(bodies[c.Source.DocID]), " "), c.Text) {
				t.Errorf("party %s: claim %q is not from its source %s", p.Name, c.Text, c.Source.DocID)
			}
		}
	}
	for _, tt := range partyWant {
		ps := d.Claims(tt.party)
		i := slices.IndexFunc(ps, func(p Party) bool { return p.Name == tt.party })
		if i < 0 {
			t.Errorf("no party %q", tt.party)
			continue
		}
		if !slices.ContainsFunc(ps[i].Claims, func(c Claim) bool {
			return c.Source.DocID == tt.doc && strings.Contains(c.Text, tt.text)
		}) {
			t.Errorf("party %q: no claim from %s holding %q in %v", tt.party, tt.doc, tt.text, ps[i].Claims)
		}
	}
}

func TestClaimsFilter(t *testing.T) {
	d := Build(bundled(t))
	tests := []struct{ query, want string }{
		{"ukraine", "Ukraine's officials and intelligence"},
		{"Putin", "Kremlin and Putin"},
		{"kremlin", "Kremlin and Putin"},
		{"amaq", "Islamic State"},
		{"medvedev", "Medvedev"},
		{"washington", "US officials"},
		{"foreign ministry", "Russia's foreign ministry"},
	}
	for _, tt := range tests {
		got := d.Claims(tt.query)
		if !slices.ContainsFunc(got, func(p Party) bool { return p.Name == tt.want }) {
			t.Errorf("Claims(%q) = %v, want %q among them", tt.query, names(got), tt.want)
		}
		if len(got) > 2 {
			t.Errorf("Claims(%q) = %v: too many", tt.query, names(got))
		}
	}
	if got := d.Claims(" "); len(got) != len(d.Parties) {
		t.Errorf("Claims(blank) = %d parties, want all %d", len(got), len(d.Parties))
	}
	if got := d.Claims("zzz"); len(got) != 0 {
		t.Errorf("Claims(zzz) = %v, want none", names(got))
	}
}

func names(ps []Party) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Name)
	}
	return out
}

func TestBlame(t *testing.T) {
	d := Build(bundled(t))
	want := map[string]string{
		"Kremlin and Putin":                    "Ukraine's officials and intelligence",
		"Russian authorities":                  "Ukraine's officials and intelligence",
		"Islamic State":                        "Islamic State",
		"US officials":                         "Islamic State",
		"Macron":                               "Islamic State",
		"Ukraine's officials and intelligence": "Russian special services",
	}
	for party, culprit := range want {
		i := slices.IndexFunc(d.Blame, func(a Account) bool { return a.Party == party })
		if i < 0 {
			t.Errorf("no account from %s", party)
			continue
		}
		a := d.Blame[i]
		if a.Culprit != culprit || a.Denied || len(a.Claims) == 0 {
			t.Errorf("%s blames %q (denied %v, %d claims), want %q", party, a.Culprit, a.Denied, len(a.Claims), culprit)
		}
	}
	// Accounts that name the same culprit sit side by side.
	seen := map[string]bool{}
	for i, a := range d.Blame {
		if seen[a.Culprit] && d.Blame[i-1].Culprit != a.Culprit {
			t.Errorf("accounts blaming %q are not together", a.Culprit)
		}
		seen[a.Culprit] = true
	}
}

// TestAliases checks that a known party's names are its aliases, longest
// first, and that a party of no entry has none.
func TestAliases(t *testing.T) {
	got := Aliases("US officials")
	if !slices.Contains(got, "Washington") || !slices.Contains(got, "US") {
		t.Errorf("Aliases(US officials) = %q, want Washington and US among them", got)
	}
	for i := 1; i < len(got); i++ {
		if len(got[i]) > len(got[i-1]) {
			t.Errorf("Aliases(US officials): %q before the longer %q", got[i-1], got[i])
		}
	}
	if got := Aliases("The Moscow Times"); len(got) != 0 {
		t.Errorf("Aliases(The Moscow Times) = %q, want none", got)
	}
}

func TestTollChart(t *testing.T) {
	d := Build(bundled(t))
	var buf bytes.Buffer
	if err := d.TollChart(&buf); err != nil {
		t.Fatalf("TollChart: %v", err)
	}
	if n := buf.Len(); n > 200<<10 {
		t.Errorf("chart is %d bytes, want at most 200 KB", n)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		t.Fatalf("chart is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() < 600 || b.Dy() < 300 {
		t.Errorf("chart is %v, want at least 600×300", b)
	}
	caption := d.TollCaption()
	if n := len([]rune(caption)); n > MaxCaption {
		t.Errorf("caption is %d characters, want at most %d", n, MaxCaption)
	}
	for _, want := range []string{"40+ (22 Mar)", "139+ (25 Mar)", "145 (22 Mar)", "180 (25 Mar)", "Shafaq News"} {
		if !strings.Contains(caption, want) {
			t.Errorf("caption lacks %q:\n%s", want, caption)
		}
	}
	for _, doc := range bundled(t) {
		if !strings.Contains(caption, doc.Title) {
			t.Errorf("caption does not cite %q:\n%s", doc.Title, caption)
		}
	}
	if err := Build(nil).TollChart(&bytes.Buffer{}); !errors.Is(err, ErrNoToll) {
		t.Errorf("TollChart with no figures = %v, want ErrNoToll", err)
	}
}

// invented is an article written for the test: new dates, a new speaker
// and a new toll, on a Wednesday.
const invented = `---
id: invented-follow-up
title: Finland closes its border after the attack
publisher: Example Wire
date: 2024-04-03
language: en
---

On Sunday, Finnish Interior Minister Aino Virtanen said that the eastern border would stay closed until further notice.

Virtanen told reporters on Monday evening that the decision was final.

The death toll rose to 145, regional health officials said, and 551 people were wounded.

The border guard had raised its alert level on March 29.
`

func TestInventedArticle(t *testing.T) {
	doc, err := corpus.Parse([]byte(invented))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	before := Build(bundled(t))
	d := Build(append(bundled(t), doc))

	for _, tt := range []struct{ text, when string }{
		{"Aino Virtanen said that the eastern border", "31 March 2024"},
		{"Virtanen told reporters on Monday evening", "1 April 2024, evening"},
		{"The death toll rose to 145", "3 April 2024"},
		{"alert level on March 29", "29 March 2024"},
	} {
		i := findEntry(d.Timeline, "invented-follow-up", tt.text)
		if i < 0 {
			t.Errorf("no timeline entry holds %q", tt.text)
			continue
		}
		if got := d.Timeline[i].When.String(); got != tt.when {
			t.Errorf("%q dated %q, want %q", tt.text, got, tt.when)
		}
	}
	if got, was := len(d.Timeline), len(before.Timeline); got < was+4 {
		t.Errorf("timeline grew from %d to %d entries, want at least 4 more", was, got)
	}
	if d.Timeline[len(d.Timeline)-1].Sources[0].DocID != "invented-follow-up" {
		t.Errorf("the latest entry is %+v, want one from the invented article", d.Timeline[len(d.Timeline)-1])
	}

	ps := d.Claims("virtanen")
	if len(ps) != 1 || ps[0].Total != 2 || ps[0].Claims[0].Source.DocID != "invented-follow-up" {
		t.Fatalf("Claims(virtanen) = %+v, want one new party with both statements", ps)
	}
	if len(before.Claims("virtanen")) != 0 {
		t.Errorf("the bundled corpus already has Virtanen")
	}

	for _, w := range []struct {
		kind  Kind
		value int
	}{{Killed, 145}, {Wounded, 551}} {
		if !slices.ContainsFunc(d.Toll, func(p Point) bool {
			return p.Kind == w.kind && p.Value == w.value && p.When.String() == "3 April 2024" &&
				p.Sources[0].DocID == "invented-follow-up"
		}) {
			t.Errorf("no toll point %s %d on 3 April 2024 from the invented article: %+v", w.kind, w.value, d.Toll)
		}
	}
	if !strings.Contains(d.TollCaption(), "Example Wire") {
		t.Errorf("caption does not cite the invented article:\n%s", d.TollCaption())
	}
}

// docsOf makes one article of body, dated 22 March 2024.
func docsOf(body string) []corpus.Document {
	d, err := corpus.ParseDate("2024-03-22")
	if err != nil {
		panic(err)
	}
	return []corpus.Document{{ID: "test", Title: "test", Date: d, Language: "en", Body: body}}
}

func BenchmarkBuild(b *testing.B) {
	docs, err := corpus.Load(corpus.Bundled())
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		Build(docs)
	}
}

func BenchmarkTollChart(b *testing.B) {
	docs, err := corpus.Load(corpus.Bundled())
	if err != nil {
		b.Fatal(err)
	}
	d := Build(docs)
	for b.Loop() {
		if err := d.TollChart(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
