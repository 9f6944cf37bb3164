package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"image/png"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"eventbot/bot/telegram"
	"eventbot/bot/telegramtest"
	"eventbot/corpus"
	"eventbot/knowledge"
	"eventbot/knowledge/glance"
)

// updateDocs regenerates docs/toll.png, the chart the README shows, from
// the bundled corpus:
//
//	go test ./bot -run TestDocsChart -update-docs
var updateDocs = flag.Bool("update-docs", false, "write docs/toll.png from the bundled corpus")

const (
	viewUser  = 601    // a user who is no admin; their private chat has the same id
	viewGroup = -10077 // a supergroup
	botName   = "eventbot_test_bot"
	// maxChart is the most bytes the chart may take.
	maxChart = 200 << 10
)

// viewsArticle is an invented article, test data only: a new date, a
// new speaker and a new toll, none of them in the bundled articles, and
// text that HTML must escape. It names Crocus, so that the event filter
// takes it as one about the event: the views, like the answers, are of
// those alone.
const viewsArticle = `---
id: test-views-follow-up
title: Estonia & Latvia tighten border checks <after> the Crocus City Hall attack
publisher: Eventbot Views Wire
date: 2024-04-02
language: en
origin: eventbot test fixture
note: invented for the tests; not a real article
---

On Saturday, Estonian police chief Marek Tamm said that border checks at Narva & Koidula would be tightened for two weeks.

Tamm told reporters on Monday that no threat to Estonia had been found since the Crocus attack.

The death toll rose to 143, health officials said, and 360 people were wounded.
`

// buttons returns the buttons under the message c sent or edited, each
// checked to carry callback data within Telegram's 64 bytes.
func buttons(t *testing.T, c telegramtest.Call) []tgbotapi.InlineKeyboardButton {
	t.Helper()
	if c.Get("reply_markup") == "" {
		return nil
	}
	var markup tgbotapi.InlineKeyboardMarkup
	if err := c.JSON("reply_markup", &markup); err != nil {
		t.Fatalf("reply_markup: %v", err)
	}
	var all []tgbotapi.InlineKeyboardButton
	for _, row := range markup.InlineKeyboard {
		for _, b := range row {
			if b.CallbackData == nil || *b.CallbackData == "" || len(*b.CallbackData) > telegramtest.MaxCallbackDataLen {
				t.Fatalf("button %q: callback data %v, want 1-%d bytes", b.Text, b.CallbackData, telegramtest.MaxCallbackDataLen)
			}
			all = append(all, b)
		}
	}
	return all
}

// buttonData returns the callback data of the button labelled label
// under the message c sent, or "".
func buttonData(t *testing.T, c telegramtest.Call, label string) string {
	t.Helper()
	for _, b := range buttons(t, c) {
		if b.Text == label {
			return *b.CallbackData
		}
	}
	return ""
}

// reply sends text from user in chat (of chatType), waits for the bot's
// next message there (sendMessage or sendPhoto) and returns its call,
// which must have succeeded.
func (e *adminEnv) reply(t *testing.T, chat, user int64, chatType, text string, opts ...telegramtest.MessageOption) telegramtest.Call {
	t.Helper()
	sent := func(calls []telegramtest.Call) []telegramtest.Call {
		var out []telegramtest.Call
		for _, c := range calls {
			// Refusals for too many requests are retried.
			if (c.Method == "sendMessage" || c.Method == "sendPhoto") && c.Int("chat_id") == chat && c.Status != 0 && c.Status != 429 {
				out = append(out, c)
			}
		}
		return out
	}
	before := len(sent(e.srv.Calls("")))
	e.srv.PushMessage(chat, user, chatType, text, opts...)
	calls := e.srv.WaitUntil(t, fmt.Sprintf("a reply to %q", text), func(calls []telegramtest.Call) bool {
		return len(sent(calls)) > before
	})
	c := sent(calls)[before]
	if c.Status != 200 {
		t.Fatalf("reply to %q: %s status %d", text, c.Method, c.Status)
	}
	return c
}

// press presses the button with data under the bot's message id in
// chat, and returns the answer to the callback query and the edit it
// made, if any (Method "" when none).
func (e *adminEnv) press(t *testing.T, chat, user int64, id int, data string) (answer, edit telegramtest.Call) {
	t.Helper()
	before := len(e.srv.Calls("editMessageText"))
	q := strconv.Itoa(e.srv.PushCallbackQuery(chat, user, id, data))
	calls := e.srv.WaitUntil(t, "the answer to callback query "+q, func(calls []telegramtest.Call) bool {
		for _, c := range calls {
			if c.Method == "answerCallbackQuery" && c.Get("callback_query_id") == q && c.Status != 0 {
				return true
			}
		}
		return false
	})
	edits := 0
	for _, c := range calls {
		switch {
		case c.Method == "answerCallbackQuery" && c.Get("callback_query_id") == q:
			answer = c
		case c.Method == "editMessageText":
			if edits++; edits > before {
				edit = c
			}
		}
	}
	if edit.Method != "" && (edit.Status != 200 || edit.Int("message_id") != int64(id) || edit.Int("chat_id") != chat) {
		t.Fatalf("edit %s of message %d in %d: status %d, want 200 on message %d in %d",
			edit.Method, edit.Int("message_id"), edit.Int("chat_id"), edit.Status, id, chat)
	}
	return answer, edit
}

// pages returns the text of each page of the view first shows, turning
// them with ▶ until the last, and checks that ◀ goes back.
func (e *adminEnv) pages(t *testing.T, chat, user int64, first telegramtest.Call) []string {
	t.Helper()
	id := first.MessageID()
	texts := []string{visible(t, first)}
	cur := first
	for {
		data := buttonData(t, cur, "▶")
		if data == "" {
			break
		}
		_, edit := e.press(t, chat, user, id, data)
		if edit.Method == "" {
			t.Fatalf("▶ on page %d edited nothing", len(texts))
		}
		texts = append(texts, visible(t, edit))
		if buttonData(t, edit, "◀") == "" {
			t.Fatalf("page %d has no ◀", len(texts))
		}
		cur = edit
		if len(texts) > 20 {
			t.Fatal("more than 20 pages")
		}
	}
	if len(texts) > 1 {
		_, edit := e.press(t, chat, user, id, buttonData(t, cur, "◀"))
		if got := visible(t, edit); got != texts[len(texts)-2] {
			t.Errorf("◀ from the last page shows:\n%s\nwant the page before:\n%s", got, texts[len(texts)-2])
		}
	}
	return texts
}

// entryLine is a timeline line: "date — statement (source, date)".
var entryLine = regexp.MustCompile(`^(.+?) — (.+) \((.+), (\d{1,2} [A-Za-z]+ \d{4})(; \+\d+)?\)$`)

// timelineEntries returns the dated lines of timeline pages, as [date,
// statement] pairs, in order.
func timelineEntries(t *testing.T, pages []string) [][2]string {
	t.Helper()
	var entries [][2]string
	for i, page := range pages {
		paras := strings.Split(page, "\n\n")
		if want := fmt.Sprintf("(%d/%d)", i+1, len(pages)); len(pages) > 1 && !strings.HasSuffix(paras[0], want) {
			t.Errorf("page %d starts %q, want the title and %s", i+1, paras[0], want)
		}
		for _, para := range paras[1:] {
			m := entryLine.FindStringSubmatch(para)
			if m == nil {
				t.Errorf("page %d: %q is no line \"date — statement (source, date)\"", i+1, para)
				continue
			}
			entries = append(entries, [2]string{m[1], m[2]})
		}
	}
	return entries
}

// findEntry returns the index of the entry whose statement holds text,
// or -1.
func findEntry(entries [][2]string, text string) int {
	return slices.IndexFunc(entries, func(e [2]string) bool { return strings.Contains(e[1], text) })
}

func TestTimelinePagesInPrivate(t *testing.T) {
	e := newAdminEnv(t, nil)
	first := e.reply(t, viewUser, viewUser, "private", "/timeline")
	if first.Int("reply_to_message_id") == 0 {
		t.Error("the timeline does not reply to the command")
	}
	pages := e.pages(t, viewUser, viewUser, first)
	if len(pages) < 2 {
		t.Fatalf("%d page(s), want the timeline paged", len(pages))
	}
	entries := timelineEntries(t, pages)
	if len(entries) < 10 {
		t.Fatalf("%d dated entries, want at least 10", len(entries))
	}
	// Every entry of the digest, once, in its order, across the pages.
	d := e.live.Digest()
	if len(entries) != len(d.Timeline) {
		t.Errorf("%d entries on the pages, the digest has %d", len(entries), len(d.Timeline))
	}
	for i := range min(len(entries), len(d.Timeline)) {
		want := d.Timeline[i]
		if entries[i][0] != want.When.String() || entries[i][1] != oneLine(want.Text, maxEntryText) {
			t.Errorf("entry %d: %q — %q, want %q — %q", i, entries[i][0], entries[i][1], want.When, want.Text)
		}
	}
	// Dates written from the articles, in the order of the event.
	prev := -1
	for _, want := range []struct{ text, date string }{
		{"warned of a terrorist threat in Moscow", "between 1 and 10 March 2024"}, // "in early March", 22 March
		{"security alert issued on the embassy website on March 7", "7 March 2024"},
		{"On Friday evening, March 22", "22 March 2024, evening"},
		{"claimed responsibility for the Moscow terrorist attack according to a report by the Amaq", "22 March 2024, 17:35 ET"},
		{"145 people who have been hospitalized", "22 March 2024, 19:50 ET"},
		{"at least 70 people have died", "23 March 2024"},
		{"released footage of the incident", "23 March 2024"}, // "later on Saturday", 25 March
		{"press conference on Monday", "25 March 2024"},
	} {
		i := findEntry(entries, want.text)
		if i < 0 {
			t.Errorf("no entry holds %q", want.text)
			continue
		}
		if entries[i][0] != want.date {
			t.Errorf("%q dated %q, want %q", want.text, entries[i][0], want.date)
		}
		if i < prev {
			t.Errorf("%q comes before the entry it follows", want.text)
		}
		prev = i
	}
	if i := findEntry(entries, "address to the nation following the attack"); i < 0 || entries[i][0] != "between 22 and 25 March 2024" {
		t.Errorf("Putin's address: %v, want bounded between 22 and 25 March 2024", entries[max(i, 0)])
	}
}

func TestViewButtonsExpire(t *testing.T) {
	e := newAdminEnv(t, nil)
	first := e.reply(t, viewUser, viewUser, "private", "/timeline")
	next := buttonData(t, first, "▶")
	ref, ok := parseViewRef(next)
	if !ok {
		t.Fatalf("▶ carries %q, not a view", next)
	}
	stale := ref
	stale.version = "00000000"
	beyond := ref
	beyond.page = 99
	en := viewPhrasebook[phrasebook["en"]]
	for _, tt := range []struct{ name, data, want string }{
		{"other articles", stale.data(), en.Expired},
		{"a page there is not", beyond.data(), en.Expired},
		{"a button of no view", "x123.9", phrasebook["en"].ButtonExpired},
		{"garbled", "g:t:x", phrasebook["en"].ButtonExpired},
	} {
		answer, edit := e.press(t, viewUser, viewUser, first.MessageID(), tt.data)
		if answer.Get("text") != tt.want || answer.Status != 200 || edit.Method != "" {
			t.Errorf("%s: answered %q (status %d), edit %q; want %q and no edit", tt.name, answer.Get("text"), answer.Status, edit.Method, tt.want)
		}
	}
	// The buttons keep no state: they work after a restart.
	e.run.stop(t)
	e.run = start(t, e.bot)
	if answer, edit := e.press(t, viewUser, viewUser, first.MessageID(), next); answer.Get("text") != "" || edit.Method == "" {
		t.Errorf("▶ after a restart: answered %q, edit %q; want a silent answer and an edit", answer.Get("text"), edit.Method)
	}
}

// partyLine is the first line of a party on the claims pages.
var partyLine = regexp.MustCompile(`^(.+) · (\d+) statements?$`)

func TestClaims(t *testing.T) {
	e := newAdminEnv(t, nil)
	first := e.reply(t, viewUser, viewUser, "private", "/claims")
	pages := e.pages(t, viewUser, viewUser, first)

	// The accounts of who is behind it, side by side on the first page.
	var accounts []string
	for _, para := range strings.Split(pages[0], "\n\n") {
		if strings.HasPrefix(para, "Who is behind the attack") {
			accounts = strings.Split(para, "\n")[1:]
		}
	}
	has := func(prefix string) int {
		return slices.IndexFunc(accounts, func(l string) bool { return strings.HasPrefix(l, prefix) })
	}
	kremlin := has("▸ Kremlin and Putin → Ukraine's officials and intelligence: “")
	is := has("▸ Islamic State → Islamic State: “")
	us := has("▸ US officials → Islamic State: “")
	if kremlin < 0 || is < 0 || us < 0 {
		t.Errorf("the accounts lack the Kremlin's, the Islamic State's or the US's:\n%s", strings.Join(accounts, "\n"))
	}
	for _, l := range accounts {
		if !strings.HasSuffix(l, " 2024)") {
			t.Errorf("account %q does not end with its source and date", l)
		}
	}

	// The parties, each with one to three sourced statements.
	var parties []string
	for _, page := range pages {
		for _, para := range strings.Split(page, "\n\n") {
			lines := strings.Split(para, "\n")
			m := partyLine.FindStringSubmatch(lines[0])
			if m == nil {
				continue
			}
			parties = append(parties, m[1])
			claims := lines[1:]
			if len(claims) < 1 || len(claims) > 3 {
				t.Errorf("%s: %d statements shown, want 1 to 3", m[1], len(claims))
			}
			for _, c := range claims {
				if !strings.HasPrefix(c, "• “") || !regexp.MustCompile(`” \(.+, \d{1,2} [A-Za-z]+ 2024\)$`).MatchString(c) {
					t.Errorf("%s: statement %q, want “…” (source, date)", m[1], c)
				}
			}
		}
	}
	if len(parties) < 7 {
		t.Errorf("%d parties %q, want at least 7", len(parties), parties)
	}
	for _, want := range []string{"Islamic State", "US officials", "Kremlin and Putin", "Ukraine's officials and intelligence", "Macron", "Medvedev", "Russia's foreign ministry"} {
		if !slices.Contains(parties, want) {
			t.Errorf("no party %q among %q", want, parties)
		}
	}

	// One party.
	ukraine := visible(t, e.reply(t, viewUser, viewUser, "private", "/claims Ukraine"))
	mustContain(t, "/claims Ukraine", ukraine, "Who says what: ukraine", "Ukraine's officials and intelligence · ", "Kyiv has denied involvement",
		"▸ Kremlin and Putin → Ukraine's officials and intelligence")
	mustNotContain(t, "/claims Ukraine", ukraine, "Macron · ", "US officials · ", "▸ Macron")

	// No such party.
	none := visible(t, e.reply(t, viewUser, viewUser, "private", "/claims zorvan"))
	mustContain(t, "/claims zorvan", none, "No party in the articles matches zorvan", "Kremlin and Putin · ", "Macron")
}

// checkChart checks a sendPhoto of the toll chart and returns its
// caption as shown.
func checkChart(t *testing.T, c telegramtest.Call) string {
	t.Helper()
	data := c.Files["photo"]
	if len(data) == 0 || len(data) > maxChart {
		t.Fatalf("chart of %d bytes, want 1 to %d", len(data), maxChart)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("chart: %v", err)
	}
	if b := img.Bounds(); b.Dx() < 300 || b.Dy() < 200 {
		t.Errorf("chart of %v, want a readable size", b)
	}
	var m tgbotapi.Message
	if err := json.Unmarshal(c.Result, &m); err != nil {
		t.Fatal(err)
	}
	return m.Caption
}

func TestToll(t *testing.T) {
	e := newAdminEnv(t, nil)
	// A first refusal for too many requests: the photo waits and goes.
	e.srv.RateLimit("sendPhoto", 1, 1)
	c := e.reply(t, viewUser, viewUser, "private", "/toll")
	if c.Method != "sendPhoto" || c.Int("reply_to_message_id") == 0 {
		t.Fatalf("/toll: %s replying to %d, want a photo replying to the command", c.Method, c.Int("reply_to_message_id"))
	}
	if n := len(e.srv.Calls("sendPhoto")); n != 2 {
		t.Errorf("%d sendPhoto calls, want the rate-limited one and its retry", n)
	}
	caption := checkChart(t, c)
	// The figures reported, with their dates, and the articles.
	mustContain(t, "the caption", caption, "Reported toll, by date of report",
		"40+ (22 Mar)", "70+ (23 Mar)", "139+ (25 Mar)", "100+ (22 Mar)", "145 (22 Mar)", "180 (25 Mar)",
		"Putin and the West at odds over who was behind the Crocus City Hall attack", "Shafaq News",
		"ISIS could have carried out a terrorist attack")

	ru := checkChart(t, e.reply(t, viewUser, viewUser, "private", "/toll", telegramtest.WithLanguage("ru")))
	if !strings.HasPrefix(ru, "Число жертв") || !strings.Contains(ru, "139+") {
		t.Errorf("Russian caption:\n%s", ru)
	}
}

func TestChartButtonUnderTollAnswers(t *testing.T) {
	e := newAdminEnv(t, nil)
	for _, q := range []string{"How many people were killed?", "how many were wounded", "Сколько человек погибло?"} {
		a := e.reply(t, viewUser, viewUser, "private", q)
		data := ""
		for _, b := range buttons(t, a) {
			if strings.HasPrefix(b.Text, "📈") {
				data = *b.CallbackData
			}
		}
		if data == "" {
			t.Errorf("%q: answer %q has no chart button", q, visible(t, a))
			continue
		}
		before := len(e.srv.Calls("sendPhoto"))
		answer, _ := e.press(t, viewUser, viewUser, a.MessageID(), data)
		photos := e.srv.WaitForDone(t, "sendPhoto", before+1)
		if answer.Get("text") != "" || photos[before].Int("chat_id") != viewUser {
			t.Errorf("%q: chart button answered %q, photo to %d", q, answer.Get("text"), photos[before].Int("chat_id"))
		}
		checkChart(t, photos[before])
	}
	for _, q := range []string{amaqQuestion, "Who claimed responsibility for the attack?"} {
		a := e.reply(t, viewUser, viewUser, "private", q)
		for _, b := range buttons(t, a) {
			if strings.HasPrefix(b.Text, "📈") {
				t.Errorf("%q: answer %q has a chart button", q, visible(t, a))
			}
		}
	}
}

func TestViewsInGroups(t *testing.T) {
	e := newAdminEnv(t, nil)

	// The timeline, short, with a button that opens the first page.
	short := e.reply(t, viewGroup, viewUser, "supergroup", "/timeline@"+botName)
	text := visible(t, short)
	lines := text[:strings.LastIndex(text, "\n\n")] // without "… and 29 more"
	shown := timelineEntries(t, []string{lines})
	if len(shown) != shortEntries || shown[0][0] != "7 March 2024" {
		t.Errorf("short timeline of %d entries, want the first %d dated to the day (from 7 March 2024):\n%s", len(shown), shortEntries, text)
	}
	mustContain(t, "short timeline", text, "… and ")
	more := buttonData(t, short, "More ▶")
	if more == "" || len(buttons(t, short)) != 1 {
		t.Fatalf("short timeline: buttons %v, want More", buttons(t, short))
	}
	_, edit := e.press(t, viewGroup, viewUser+1, short.MessageID(), more)
	if page := visible(t, edit); !strings.HasPrefix(page, "Timeline of the attack (1/") || buttonData(t, edit, "▶") == "" {
		t.Errorf("More opened:\n%s\nwant the first page, with ▶", page)
	}

	// Who says what, short: the accounts of who is behind it.
	shortClaims := e.reply(t, viewGroup, viewUser, "supergroup", "/claims@"+botName)
	claims := visible(t, shortClaims)
	mustContain(t, "short claims", claims, "▸ Kremlin and Putin → ", "▸ Islamic State → Islamic State", "parties said")
	mustNotContain(t, "short claims", claims, " statements\n")
	_, edit = e.press(t, viewGroup, viewUser, shortClaims.MessageID(), buttonData(t, shortClaims, "More ▶"))
	if page := visible(t, edit); !strings.HasPrefix(page, "Who says what (1/") || !strings.Contains(page, "US officials · ") {
		t.Errorf("More under the claims opened:\n%s\nwant their first page", page)
	}

	// The chart.
	photo := e.reply(t, viewGroup, viewUser, "supergroup", "/toll@"+botName)
	if photo.Method != "sendPhoto" {
		t.Fatalf("/toll in a group: %s, want a photo", photo.Method)
	}
	checkChart(t, photo)

	// An answer about the toll: the short answer's button and the chart's.
	a := e.reply(t, viewGroup, viewUser, "supergroup", "/ask@"+botName+" How many people were killed?")
	var labels []string
	for _, b := range buttons(t, a) {
		labels = append(labels, b.Text)
	}
	if !slices.Equal(labels, []string{"Show the passage", "📈 chart"}) {
		t.Fatalf("short answer about the toll: buttons %q", labels)
	}
	// Expanded, it keeps the chart's button.
	_, expanded := e.press(t, viewGroup, viewUser, a.MessageID(), buttonData(t, a, "Show the passage"))
	if expanded.Method == "" || buttonData(t, expanded, "📈 chart") == "" {
		t.Errorf("the expanded answer about the toll lost its chart button: %v", buttons(t, expanded))
	}
}

func TestViewsInline(t *testing.T) {
	e := newAdminEnv(t, nil)
	answer := func(query string, opts ...telegramtest.InlineOption) []telegramtest.InlineResult {
		t.Helper()
		id := strconv.Itoa(e.srv.PushInlineQuery(viewUser, query, opts...))
		calls := e.srv.WaitUntil(t, "the answer to "+query, func(calls []telegramtest.Call) bool {
			return slices.ContainsFunc(calls, func(c telegramtest.Call) bool {
				return c.Method == "answerInlineQuery" && c.Get("inline_query_id") == id && c.Status != 0
			})
		})
		for _, c := range calls {
			if c.Method == "answerInlineQuery" && c.Get("inline_query_id") == id {
				if c.Status != 200 {
					t.Fatalf("%q: answerInlineQuery status %d", query, c.Status)
				}
				results, err := c.InlineResults()
				if err != nil {
					t.Fatal(err)
				}
				return results
			}
		}
		return nil
	}
	timeline := answer("timeline")
	if len(timeline) < 2 || !strings.HasPrefix(timeline[0].Title, "Timeline (1/") {
		t.Fatalf("timeline: %d results, first %q; want its pages", len(timeline), timeline[0].Title)
	}
	var pages []string
	for _, r := range timeline {
		pages = append(pages, visibleText(t, r))
	}
	if entries := timelineEntries(t, pages); len(entries) < 10 {
		t.Errorf("inline timeline of %d entries, want at least 10", len(entries))
	}

	ukraine := answer("claims ukraine")
	if len(ukraine) != 1 || !strings.Contains(visibleText(t, ukraine[0]), "Ukraine's officials and intelligence · ") {
		t.Errorf("claims ukraine: %+v", ukraine)
	}
	toll := answer("toll")
	if len(toll) != 1 || !strings.Contains(visibleText(t, toll[0]), "139+ (25 Mar)") {
		t.Errorf("toll: %+v", toll)
	}
	ru := answer("хронология", telegramtest.InlineLanguage("ru"))
	if len(ru) < 2 || !strings.HasPrefix(ru[0].Title, "Хронология (1/") || !strings.HasPrefix(visibleText(t, ru[0]), "Хронология теракта") {
		t.Errorf("хронология: first result %+v", ru[0])
	}
	uk := answer("жертви", telegramtest.InlineLanguage("uk"))
	if len(uk) != 1 || uk[0].Title != "Кількість жертв" {
		t.Errorf("жертви: %+v", uk)
	}
	// Other queries are questions.
	if q := answer("toll of the attack?"); len(q) == 0 || q[0].ID == "toll" {
		t.Errorf("a question starting with a view's word: %+v", q)
	}
}

func TestViewsSpeakTheUsersLanguage(t *testing.T) {
	e := newAdminEnv(t, nil)
	for _, lang := range []string{"en", "ru", "uk"} {
		vp := viewPhrasebook[phrasebook[lang]]
		for cmd, want := range map[string]string{"/timeline": vp.TimelineTitle, "/claims": vp.ClaimsTitle, "/claims nobody": "nobody"} {
			got := visible(t, e.reply(t, viewUser, viewUser, "private", cmd, telegramtest.WithLanguage(lang)))
			if !strings.HasPrefix(got, want) && !strings.Contains(got, want) {
				t.Errorf("%s in %s:\n%.200s\nwant %q", cmd, lang, got, want)
			}
		}
		help := visible(t, e.reply(t, viewUser, viewUser, "private", "/help", telegramtest.WithLanguage(lang)))
		mustContain(t, "help in "+lang, help, vp.TimelineHelp, vp.ClaimsHelp, vp.TollHelp)
	}
}

func TestViewsFollowTheCorpus(t *testing.T) {
	e := newAdminEnv(t, nil)
	old := e.reply(t, adminID, adminID, "private", "/timeline")
	oldNext := buttonData(t, old, "▶")
	before := timelineEntries(t, e.pages(t, adminID, adminID, old))

	mustContain(t, "/add", e.say(t, adminID, "/add\n"+viewsArticle), "test-views-follow-up")

	after := timelineEntries(t, e.pages(t, adminID, adminID, e.reply(t, adminID, adminID, "private", "/timeline")))
	if len(after) < len(before)+3 {
		t.Errorf("the timeline grew from %d to %d entries, want 3 more", len(before), len(after))
	}
	for _, want := range []struct{ text, date string }{
		{"Marek Tamm said that border checks at Narva & Koidula would be tightened", "30 March 2024"}, // "On Saturday", 2 April
		{"Tamm told reporters on Monday", "1 April 2024"},
		{"The death toll rose to 143", "2 April 2024"},
	} {
		i := findEntry(after, want.text)
		if i < 0 || after[i][0] != want.date {
			t.Errorf("%q: entry %d %v, want dated %s", want.text, i, after[max(i, 0)], want.date)
		}
	}
	tamm := visible(t, e.reply(t, adminID, adminID, "private", "/claims tamm"))
	mustContain(t, "/claims tamm", tamm, "Tamm", "· 2 statements", "Eventbot Views Wire, 2 April 2024")
	caption := checkChart(t, e.reply(t, adminID, adminID, "private", "/toll"))
	mustContain(t, "the caption", caption, "143 (2 Apr)", "360 (2 Apr)", "Estonia & Latvia tighten border checks <after> the Crocus City Hall attack — Eventbot Views Wire")

	// A button of the old timeline: its pages have moved.
	answer, edit := e.press(t, adminID, adminID, old.MessageID(), oldNext)
	if answer.Get("text") != viewPhrasebook[phrasebook["en"]].Expired || edit.Method != "" {
		t.Errorf("old ▶ after the article was added: answered %q, edit %q; want expired", answer.Get("text"), edit.Method)
	}
}

// liveBundled returns a knowledge base of the bundled articles.
func liveBundled(t *testing.T) *knowledge.Live {
	t.Helper()
	live, err := knowledge.OpenLive(context.Background(), nil, corpus.Fixed{FS: corpus.Bundled()}, knowledge.Options{})
	if err != nil {
		t.Fatalf("OpenLive: %v", err)
	}
	t.Cleanup(func() { live.Close() })
	return live
}

func TestViewsInTheTerminal(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir) // where /toll writes the chart
	var out bytes.Buffer
	in := strings.NewReader("/timeline\n/claims ukraine\n/toll\n")
	if err := Terminal(context.Background(), slog.New(slog.DiscardHandler), liveBundled(t), in, &out); err != nil {
		t.Fatalf("Terminal: %v", err)
	}
	got := out.String()
	path := filepath.Join(dir, terminalChart)
	mustContain(t, "the terminal", got,
		"7 March 2024 — In a security alert issued on the embassy website on March 7",
		"25 March 2024 — In a routine press conference on Monday",
		"Who says what: ukraine", "Ukraine's officials and intelligence · 5 statements",
		"Figure   Value  Reported", "killed   139+   25 March 2024            [5]", "wounded  180    25 March 2024            [5]",
		"[5] Putin and the West at odds over who was behind the Crocus City Hall attack — 25 March 2024",
		"Chart of the toll written to "+path)
	mustNotContain(t, "the terminal", got, "(1/", "<b>")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(bytes.NewReader(data)); err != nil || len(data) > maxChart {
		t.Errorf("chart file of %d bytes: %v", len(data), err)
	}
}

func TestViewsWithoutDigest(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	b := newTestBot(t, srv, newFakeKB())
	r := start(t, b)
	for i, cmd := range []string{"/timeline", "/claims", "/toll"} {
		srv.PushMessage(viewUser, viewUser, "private", cmd)
		c := srv.WaitForDone(t, "sendMessage", i+1)[i]
		if got := visible(t, c); got != viewPhrasebook[phrasebook["en"]].Unavailable {
			t.Errorf("%s without a digest: %q", cmd, got)
		}
	}
	r.stop(t)
}

// TestViewPagesFit checks every page and caption of the bundled corpus,
// in every language, against Telegram's limits.
func TestViewPagesFit(t *testing.T) {
	d := liveBundled(t).Digest()
	version := digestVersion(d)
	for lang, p := range phrasebook {
		vp := viewPhrasebook[p]
		var all []doc
		for _, q := range []string{"", "ukraine", "kremlin", "nobody"} {
			all = append(all, claimsPages(vp, p, d, q)...)
			all = append(all, claimsShort(vp, p, d, q))
			ref := viewRef{kind: claimsView, page: 99, lang: lang, version: version, query: claimsQuery(q)}
			if n := len(ref.data()); n > telegramtest.MaxCallbackDataLen {
				t.Errorf("callback data of %d bytes", n)
			}
		}
		all = append(all, timelinePages(vp, p, d)...)
		all = append(all, timelineShort(vp, p, d))
		for _, page := range all {
			text, err := telegramtest.ParseHTML(renderHTML(page))
			if err != nil || telegramtest.Len(text) > telegramtest.MaxMessageLen || strings.HasSuffix(text, ellipsis) {
				t.Errorf("%s: page of %d characters (%v), cut %v", lang, telegramtest.Len(text), err, strings.HasSuffix(text, ellipsis))
			}
		}
		caption, err := telegramtest.ParseHTML(renderHTML(tollCaption(vp, d)))
		if err != nil || telegramtest.Len(caption) > telegramtest.MaxCaptionLen {
			t.Errorf("%s: caption of %d characters: %v", lang, telegramtest.Len(caption), err)
		}
	}
}

func TestViewRef(t *testing.T) {
	long := claimsQuery(strings.Repeat("Україна ", 20))
	if len(long) > maxQueryBytes || !strings.HasPrefix(long, "україна україна") {
		t.Errorf("claimsQuery of a long query: %q (%d bytes)", long, len(long))
	}
	for _, ref := range []viewRef{
		{kind: timelineView, page: 3, lang: "uk", version: "1a2b3c4d"},
		{kind: claimsView, page: 12, lang: "ru", version: "ffffffff", query: long},
		{kind: claimsView, lang: "en", version: "00000000", query: "us: officials"},
		{kind: chartView, lang: "en"},
	} {
		data := ref.data()
		got, ok := parseViewRef(data)
		if !ok || got != ref || len(data) > telegramtest.MaxCallbackDataLen {
			t.Errorf("%+v: data %q (%d bytes) reads back as %+v, %v", ref, data, len(data), got, ok)
		}
	}
	for _, data := range []string{"", "g:", "g:t:1:en", "g:tt:1:en:x:", "g:t:-1:en:x:", "x1.2", "v+12"} {
		if ref, ok := parseViewRef(data); ok {
			t.Errorf("parseViewRef(%q) = %+v, want no view", data, ref)
		}
	}
}

func TestNumbersIn(t *testing.T) {
	got := numbersIn("139 killed, 25 March; earlier 70 and 40; 1,200 wounded; AK-74")
	for _, n := range []int{139, 25, 70, 40, 1200, 74} {
		if !got[n] {
			t.Errorf("numbersIn lacks %d: %v", n, got)
		}
	}
	if got[1] || got[200] {
		t.Errorf("numbersIn splits 1,200: %v", got)
	}
}

func TestViewPhrasebook(t *testing.T) {
	for lang, p := range phrasebook {
		vp, ok := viewPhrasebook[p]
		if !ok {
			t.Errorf("%s: no view phrases", lang)
			continue
		}
		v := reflect.ValueOf(*vp)
		for i := range v.NumField() {
			f := v.Field(i)
			if f.IsZero() {
				t.Errorf("%s: %s is empty", lang, v.Type().Field(i).Name)
			}
		}
		for _, tmpl := range []string{vp.Blames, vp.Denies} {
			if !strings.Contains(tmpl, "{party}") || !strings.Contains(tmpl, "{culprit}") {
				t.Errorf("%s: template %q lacks {party} or {culprit}", lang, tmpl)
			}
		}
		if !strings.Contains(vp.NoParty, "{query}") || strings.Count(vp.ChartSaved, "%s") != 1 {
			t.Errorf("%s: NoParty %q or ChartSaved %q", lang, vp.NoParty, vp.ChartSaved)
		}
		if n := telegramtest.Len(vp.Expired); n > telegramtest.MaxCallbackTextLen {
			t.Errorf("%s: Expired of %d characters", lang, n)
		}
	}
	if len(viewPhrasebook) != len(phrasebook) {
		t.Errorf("%d languages of view phrases, want %d", len(viewPhrasebook), len(phrasebook))
	}
}

// TestDocsChart checks the chart the README shows (docs/toll.png), and
// with -update-docs writes it from the bundled corpus.
func TestDocsChart(t *testing.T) {
	path := filepath.Join("..", "docs", "toll.png")
	if *updateDocs {
		var b bytes.Buffer
		if err := liveBundled(t).Digest().TollChart(&b); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("the README's chart: %v (go test ./bot -run TestDocsChart -update-docs writes it)", err)
	}
	if _, err := png.Decode(bytes.NewReader(data)); err != nil || len(data) > maxChart {
		t.Errorf("%s: %d bytes: %v", path, len(data), err)
	}
}

// digestKB is a knowledge base that gives a digest and answers nothing.
type digestKB struct{ d *glance.Digest }

func (k digestKB) Answer(ctx context.Context, q string) (knowledge.Answer, error) {
	return knowledge.Answer{Question: q}, nil
}
func (k digestKB) Sources() []knowledge.Source { return nil }
func (k digestKB) Digest() *glance.Digest      { return k.d }

// checkDoc fails t if d is not one valid Telegram message of at most max
// characters.
func checkDoc(t *testing.T, what string, d doc, max int) {
	t.Helper()
	text, err := telegramtest.ParseHTML(renderHTML(d))
	if err != nil || telegramtest.Len(text) > max || strings.TrimSpace(text) == "" {
		t.Fatalf("%s: %d characters (max %d), %v:\n%s", what, telegramtest.Len(text), max, err, renderHTML(d))
	}
}

// FuzzViews feeds the views any party to narrow to, any inline query and
// any button data: every message must be valid HTML within Telegram's
// limits, every button's data within 64 bytes and lead to valid pages.
func FuzzViews(f *testing.F) {
	docs, err := corpus.Load(corpus.Bundled())
	if err != nil {
		f.Fatal(err)
	}
	d := glance.Build(docs)
	version := digestVersion(d)
	f.Add("ukraine", "claims ukraine", viewRef{kind: claimsView, page: 1, lang: "en", version: version}.data())
	f.Add("Україна "+strings.Repeat("й", 40), "хронология", viewRef{kind: timelineView, page: 3, lang: "ru", version: version}.data())
	f.Add("<b>&amp;", "claims <i>", "g:c:0:uk:"+version+":<b>")
	f.Add("", "toll", "g:p:0:xx::")
	s := &session{bot: &Bot{kb: digestKB{d}}, logger: slog.New(slog.DiscardHandler)}
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, party, inline, data string) {
		check := func(what string, resp response) {
			t.Helper()
			max := maxMessageLen
			if resp.photo != nil {
				max = telegram.MaxCaptionLen
			}
			checkDoc(t, what, fit(resp.doc, max), max)
			if resp.keyboard == nil {
				return
			}
			for _, row := range resp.keyboard.InlineKeyboard {
				for _, b := range row {
					ref, ok := parseViewRef(*b.CallbackData)
					if len(*b.CallbackData) > telegramtest.MaxCallbackDataLen || !ok {
						t.Fatalf("%s: button data %q", what, *b.CallbackData)
					}
					for i, page := range ref.pages(d) {
						checkDoc(t, fmt.Sprintf("%s: page %d of %q", what, i, *b.CallbackData), page, maxMessageLen)
					}
				}
			}
		}
		for lang := range phrasebook {
			for _, where := range []scope{inPrivate, inGroup} {
				r := request{scope: where, lang: lang, args: party}
				check("/claims "+party, s.claims(ctx, r))
				check("/timeline", s.timeline(ctx, r))
			}
			q := &tgbotapi.InlineQuery{ID: "1", Query: inline, From: &tgbotapi.User{ID: 1, LanguageCode: lang}}
			if cfg, ok := s.inlineView(q); ok {
				if len(cfg.Results) == 0 || len(cfg.Results) > maxInlineResults {
					t.Fatalf("inline %q: %d results", inline, len(cfg.Results))
				}
				for _, r := range cfg.Results {
					a := r.(tgbotapi.InlineQueryResultArticle)
					text := a.InputMessageContent.(tgbotapi.InputTextMessageContent).Text
					if v, err := telegramtest.ParseHTML(text); err != nil || telegramtest.Len(v) > maxMessageLen || a.Title == "" {
						t.Fatalf("inline %q: result %q: %v", inline, a.Title, err)
					}
				}
			}
		}
		if ref, ok := parseViewRef(data); ok {
			for i, page := range ref.pages(d) {
				checkDoc(t, fmt.Sprintf("page %d of %q", i, data), page, maxMessageLen)
			}
		}
	})
}
