package bot

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"eventbot/bot/telegramtest"
	"eventbot/knowledge"
)

func TestTruncate(t *testing.T) {
	for _, tt := range []struct {
		s    string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{"hello", 5, "hello"},
		{"", 0, ""},
		{"abc", 0, ""},
		{"abc", 1, "…"},
		{"abc", 2, "a…"},
		{"hello world", 6, "hello…"},                      // cut falls on the space
		{"hello world", 8, "hello…"},                      // back to the last space
		{"hello world", 10, "hello…"},                     // never half a word
		{"nospaceatall", 5, "nosp…"},                      // no space: cut the word
		{"a verylongwordwithoutbreaks", 10, "a verylon…"}, // a space too early to use
		{"one, two, three", 10, "one, two…"},              // no comma before the ellipsis
		{"line one\nline two", 12, "line one…"},
		{"Кто взял на себя ответственность", 12, "Кто взял на…"},
		{"💥💥💥", 4, "💥…"}, // an emoji is two UTF-16 units
		{"💥💥💥", 5, "💥💥…"},
	} {
		got := truncate(tt.s, tt.max)
		if got != tt.want {
			t.Errorf("truncate(%q, %d) = %q, want %q", tt.s, tt.max, got, tt.want)
		}
		if n := textLen(got); n > tt.max {
			t.Errorf("truncate(%q, %d) has length %d, want at most %d", tt.s, tt.max, n, tt.max)
		}
	}
}

func TestTextLen(t *testing.T) {
	for _, tt := range []struct {
		s    string
		want int
	}{
		{"", 0},
		{"abc", 3},
		{"я", 1},
		{"💥", 2},
		{"a&<b>", 5},
	} {
		if got := textLen(tt.s); got != tt.want {
			t.Errorf("textLen(%q) = %d, want %d", tt.s, got, tt.want)
		}
	}
}

func TestFit(t *testing.T) {
	long := strings.Repeat("word ", 2000)
	d := doc{
		{spans: []span{{bold, "The answer."}}, cut: 2},
		{kind: quotation, spans: []span{text(long)}, cut: 1},
		{spans: []span{text("Source: "), {italic, "Title"}}, tight: true, cut: 3},
	}
	got := fit(d, maxMessageLen)
	if n := got.len(); n > maxMessageLen {
		t.Fatalf("fit: length %d, want at most %d", n, maxMessageLen)
	}
	if n := got.len(); n < maxMessageLen-10 {
		t.Errorf("fit: length %d, want close to %d", n, maxMessageLen)
	}
	if got, want := renderPlain(got[:1]), "The answer."; got != want {
		t.Errorf("fit changed the answer to %q, want %q", got, want)
	}
	if q := renderPlain(got[1:2]); !strings.HasSuffix(q, "word…") {
		t.Errorf("fit: quotation ends %q, want a word and an ellipsis", q[len(q)-20:])
	}
	if got, want := renderPlain(got[2:]), "Source: Title"; got != want {
		t.Errorf("fit changed the source to %q, want %q", got, want)
	}

	if got := fit(d, 30); got.len() > 30 {
		t.Errorf("fit(30): length %d: %q", got.len(), renderPlain(got))
	}
	short := d[:1]
	if got := fit(short, maxMessageLen); !reflect.DeepEqual(got, short) {
		t.Errorf("fit changed a doc that fits: %v", got)
	}
}

// hostile are texts that must reach the user intact and harmless.
var hostile = []string{
	"<b>bold</b> & <i>",
	"&amp; &lt; &#x41; &bogus; \" '",
	"</blockquote><a href=\"javascript:x\">",
	"title:* +a -b ~2 ^5",
	"tab\tnewline\nend",
	"💥 emoji я",
	"\xff invalid UTF-8",
}

func TestRenderHTMLMatchesPlain(t *testing.T) {
	for _, s := range hostile {
		d := doc{
			{spans: []span{{bold, s}, {italic, s}, {code, s}, text(s)}},
			{spans: []span{text(s)}, tight: true},
		}
		html := renderHTML(d)
		visible, err := telegramtest.ParseHTML(html)
		if err != nil {
			t.Errorf("renderHTML(%q) = %q: not Telegram HTML: %v", s, html, err)
			continue
		}
		if want := strings.ToValidUTF8(renderPlain(d), "\uFFFD"); visible != want {
			t.Errorf("renderHTML(%q) shows %q, want %q", s, visible, want)
		}
	}
}

func TestAnswerFitsTelegram(t *testing.T) {
	long := strings.Repeat("Gunmen opened fire & set the hall <ablaze>. ", 200)
	answers := map[string]knowledge.Answer{
		"claim":     claimAnswer,
		"not found": {},
		"long passage": {Found: true, Text: "Short.", Citations: []knowledge.Citation{
			{Doc: "a", Title: "A", Passage: long},
		}},
		"long everything": {Found: true, Text: long, Citations: []knowledge.Citation{
			{Doc: "a", Title: long, Publisher: long, Date: long, Passage: long},
			{Doc: "b", Title: long, Publisher: long, Date: "2024-03-23", Passage: long},
			{Doc: "c", Title: long, Passage: long},
		}},
		"emoji": {Found: true, Text: strings.Repeat("💥", 400), Citations: []knowledge.Citation{
			{Doc: "a", Title: "💥", Passage: strings.Repeat("💥 ", 3000)},
		}},
		"no citations": {Found: true, Text: "An answer without sources."},
		"no text":      {Found: true, Citations: []knowledge.Citation{{Doc: "a", Title: "A", Passage: "P"}}},
	}
	for _, s := range hostile {
		answers["hostile "+s] = knowledge.Answer{Found: true, Text: s, Citations: []knowledge.Citation{
			{Doc: s, Title: s, Publisher: s, Date: s, Passage: s},
		}}
	}
	for name, a := range answers {
		d := fit(answerDoc(phrasesFor("en"), a), maxMessageLen)
		visible, err := telegramtest.ParseHTML(renderHTML(d))
		if err != nil {
			t.Errorf("%s: not Telegram HTML: %v", name, err)
			continue
		}
		if n := telegramtest.Len(visible); n > telegramtest.MaxMessageLen || n != d.len() {
			t.Errorf("%s: %d characters shown, doc counts %d; want equal and at most %d", name, n, d.len(), telegramtest.MaxMessageLen)
		}
		if strings.TrimSpace(visible) == "" {
			t.Errorf("%s: empty message", name)
		}
	}
}

func TestPaginate(t *testing.T) {
	var sources []knowledge.Source
	for i := range 300 {
		sources = append(sources, knowledge.Source{Doc: fmt.Sprint(i), Title: fmt.Sprintf("Article <%d> & a title long enough to fill pages", i), Publisher: "P", Date: "2024-03-23"})
	}
	pages := paginate(sourcesDoc(phrasesFor("en"), sources), maxMessageLen)
	if len(pages) < 2 {
		t.Fatalf("%d pages, want several", len(pages))
	}
	var all strings.Builder
	for i, p := range pages {
		visible, err := telegramtest.ParseHTML(renderHTML(p))
		if err != nil {
			t.Fatalf("page %d: not Telegram HTML: %v", i, err)
		}
		if n := telegramtest.Len(visible); n > telegramtest.MaxMessageLen {
			t.Errorf("page %d: %d characters, want at most %d", i, n, telegramtest.MaxMessageLen)
		}
		all.WriteString(visible + "\n")
	}
	for i := range sources {
		if want := fmt.Sprintf("%d. Article <%d> &", i+1, i); !strings.Contains(all.String(), want) {
			t.Errorf("pages lack %q", want)
		}
	}
}

func TestHumanDate(t *testing.T) {
	for _, tt := range []struct {
		lang, iso, want string
	}{
		{"en", "2024-03-23", "23 March 2024"},
		{"en", "2024-03", "March 2024"},
		{"en", "2024", "2024"},
		{"en", "", ""},
		{"en", "soon", "soon"},
		{"en", "2024-03-23T10:00:00Z", "23 March 2024"},
		{"ru", "2024-03-23", "23 марта 2024"},
		{"ru", "2024-03", "март 2024"},
		{"uk", "2024-03-01", "1 березня 2024"},
		{"uk", "2024-02", "лютий 2024"},
	} {
		if got := humanDate(phrasesFor(tt.lang), tt.iso); got != tt.want {
			t.Errorf("humanDate(%s, %q) = %q, want %q", tt.lang, tt.iso, got, tt.want)
		}
	}
}

func TestPlainText(t *testing.T) {
	for _, tt := range []struct {
		name string
		a    knowledge.Answer
		want string
	}{
		{"found", claimAnswer, "Islamic State Khorasan (IS-K) claimed responsibility.\n\n" +
			"│ Amaq said the group's fighters \"attacked\" the hall.\n" +
			"Source: IS claims <Crocus> attack — Reuters & Co, 23 March 2024\n" +
			"Also: US confirms claim — AP, March 2024\n" +
			"Also: Third — 24 March 2024"},
		{"multiline passage", knowledge.Answer{Found: true, Text: "A.", Citations: []knowledge.Citation{
			{Doc: "d", Title: "T", Passage: "one\ntwo"}}},
			"A.\n\n│ one\n│ two\nSource: T"},
		{"not found, in Russian", knowledge.Answer{Language: "ru"}, "В моих статьях об этом ничего нет.\n\n" +
			"Можно спросить, например:\n" +
			"• Кто взял на себя ответственность за теракт?\n" +
			"• Сколько человек погибло?\n" +
			"• Что известно о задержанных?"},
	} {
		if got := PlainText(tt.a); got != tt.want {
			t.Errorf("%s: PlainText:\n%s\nwant:\n%s", tt.name, got, tt.want)
		}
	}
}

func TestExpand(t *testing.T) {
	vars := map[string]span{"x": {code, "X"}}
	for _, tt := range []struct {
		tmpl string
		want []span
	}{
		{"", nil},
		{"plain", []span{text("plain")}},
		{"a {x} b", []span{text("a "), {code, "X"}, text(" b")}},
		{"{x}{x}", []span{{code, "X"}, {code, "X"}}},
		{"{y} {x", []span{text("{"), text("y} {x")}},
	} {
		if got := expand(tt.tmpl, vars); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("expand(%q) = %v, want %v", tt.tmpl, got, tt.want)
		}
	}
}

// TestForeignQuestionSaysSourcesAreEnglish checks that an answer to a
// Russian or Ukrainian question says, in that language, why it quotes
// English, and that an English answer does not.
func TestForeignQuestionSaysSourcesAreEnglish(t *testing.T) {
	cite := []knowledge.Citation{{Doc: "d", Title: "T", Date: "2024-03-23", Passage: "Islamic State claimed it."}}
	for _, tt := range []struct {
		lang, want string
		present    bool
	}{
		{"ru", "Источники на английском языке", true},
		{"uk", "Джерела англійською мовою", true},
		{"en", "The sources are in English", false},
	} {
		a := knowledge.Answer{Found: true, Text: "Islamic State", Language: tt.lang, Citations: cite}
		got := renderHTML(answerDoc(phrasesFor(tt.lang), a))
		if strings.Contains(got, tt.want) != tt.present {
			t.Errorf("%s answer %q: contains %q = %v, want %v", tt.lang, got, tt.want, !tt.present, tt.present)
		}
	}
}

// TestAnswerFirst: with a Lead, the answer comes first in bold, then
// each cited passage that holds its Mark, quoted with the Mark in bold
// and its source under it, and the answer's text is not repeated;
// without one, the layout is as before. The same in private chats,
// groups, inline results and the terminal.
func TestAnswerFirst(t *testing.T) {
	p := phrasesFor("en")
	cite := knowledge.Citation{
		Doc: "toll", Title: "Toll rises", Publisher: "Wire", Date: "2024-03-25",
		Passage: "By 25 March, 139 people were killed, officials said. Rescuers kept searching.",
		Mark:    "139 people were killed",
	}
	earlier := knowledge.Citation{
		Doc: "first", Title: "Gunmen attack hall", Publisher: "Agency", Date: "2024-03-22",
		Passage: "At least 40 people were killed, the FSB said.",
		Mark:    "At least 40",
	}
	other := knowledge.Citation{Doc: "blog", Title: "Live blog", Date: "2024-03-22", Passage: "Reports differ."}
	a := knowledge.Answer{
		Found: true, Lead: "139 killed (25 March); earlier 40 (22 March)",
		Text:      "By 25 March, 139 people were killed (25 March 2024, the latest report). Earlier reports: 40.",
		Citations: []knowledge.Citation{cite, earlier, other},
	}
	want := "<b>139 killed (25 March); earlier 40 (22 March)</b>\n\n" +
		"<blockquote>By 25 March, <b>139 people were killed</b>, officials said. Rescuers kept searching.</blockquote>\n" +
		"Source: <i>Toll rises</i> — Wire, 25 March 2024\n\n" +
		"<blockquote><b>At least 40</b> people were killed, the FSB said.</blockquote>\n" +
		"Source: <i>Gunmen attack hall</i> — Agency, 22 March 2024\n" +
		"Also: <i>Live blog</i> — 22 March 2024"
	if got := renderHTML(answerDoc(p, a)); got != want {
		t.Errorf("answer first:\n%s\nwant\n%s", got, want)
	}
	if got := renderHTML(answerDoc(p, a)); strings.Contains(got, "latest report") {
		t.Errorf("answer first repeats the answer's text:\n%s", got)
	}

	// The mark missing from the first passage: it is quoted plain.
	b := a
	b.Citations = []knowledge.Citation{cite}
	b.Citations[0].Mark = "140 people"
	want = "<b>139 killed (25 March); earlier 40 (22 March)</b>\n\n" +
		"<blockquote>By 25 March, 139 people were killed, officials said. Rescuers kept searching.</blockquote>\n" +
		"Source: <i>Toll rises</i> — Wire, 25 March 2024"
	if got := renderHTML(answerDoc(p, b)); got != want {
		t.Errorf("answer first, mark not in the passage:\n%s\nwant\n%s", got, want)
	}

	// Two sides from one article (each party's account): each passage
	// quoted, the article's source under each.
	russia := knowledge.Citation{
		Doc: "fake", Title: "Message might be fake", Date: "2024-03-22",
		Passage: "Some Russian officials have blamed Ukraine for the incident.",
		Mark:    "Some Russian officials have blamed Ukraine for the incident.",
	}
	us := russia
	us.Passage = "A US official told CBS News that the claim is true, he said."
	us.Mark = "A US official told CBS News that the claim is true"
	sides := knowledge.Answer{Found: true, Lead: "Russian authorities: Ukraine; US officials: Islamic State", Citations: []knowledge.Citation{russia, us}}
	want = "<b>Russian authorities: Ukraine; US officials: Islamic State</b>\n\n" +
		"<blockquote><b>Some Russian officials have blamed Ukraine for the incident.</b></blockquote>\n" +
		"Source: <i>Message might be fake</i> — 22 March 2024\n\n" +
		"<blockquote><b>A US official told CBS News that the claim is true</b>, he said.</blockquote>\n" +
		"Source: <i>Message might be fake</i> — 22 March 2024"
	if got := renderHTML(answerDoc(p, sides)); got != want {
		t.Errorf("two sides of one article:\n%s\nwant\n%s", got, want)
	}

	// No lead: as before, the text in bold and the plain passage.
	c := a
	c.Lead = ""
	c.Citations = []knowledge.Citation{cite}
	want = "<b>By 25 March, 139 people were killed (25 March 2024, the latest report). Earlier reports: 40.</b>\n\n" +
		"<blockquote>By 25 March, 139 people were killed, officials said. Rescuers kept searching.</blockquote>\n" +
		"Source: <i>Toll rises</i> — Wire, 25 March 2024"
	if got := renderHTML(answerDoc(p, c)); got != want {
		t.Errorf("no lead:\n%s\nwant\n%s", got, want)
	}

	if got := PlainText(a); !strings.HasPrefix(got, "139 killed (25 March); earlier 40 (22 March)\n\n│ By 25 March") {
		t.Errorf("terminal:\n%s", got)
	}
	short, _ := shortAnswerDoc(p, a)
	if got := renderHTML(short); !strings.HasPrefix(got, "<b>139 killed (25 March); earlier 40 (22 March)</b>\nSource: ") {
		t.Errorf("group:\n%s", got)
	}
	if r := answerResults(p, a)[0].(tgbotapi.InlineQueryResultArticle); r.Title != a.Lead {
		t.Errorf("inline result titled %q, want the lead", r.Title)
	}
}
