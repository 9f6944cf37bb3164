package bot

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"

	"eventbot/bot/telegramtest"
	"eventbot/corpus"
	"eventbot/knowledge"
)

// fixedKB answers the questions of answers, and any other question with
// "not found".
type fixedKB struct {
	answers map[string]knowledge.Answer

	mu    sync.Mutex
	asked []string
}

func (kb *fixedKB) Answer(_ context.Context, question string) (knowledge.Answer, error) {
	kb.mu.Lock()
	kb.asked = append(kb.asked, question)
	kb.mu.Unlock()
	if a, ok := kb.answers[question]; ok {
		return a, nil
	}
	return knowledge.Answer{Question: question, Language: "en"}, nil
}

func (kb *fixedKB) Sources() []knowledge.Source { return nil }

// realKB returns the knowledge base of the bundled corpus.
func realKB(t testing.TB) *knowledge.Base {
	t.Helper()
	docs, err := corpus.Load(corpus.Bundled())
	if err != nil {
		t.Fatalf("load the bundled corpus: %v", err)
	}
	kb, err := knowledge.New(context.Background(), slog.New(slog.DiscardHandler), docs, knowledge.Options{})
	if err != nil {
		t.Fatalf("build the knowledge base: %v", err)
	}
	t.Cleanup(func() { kb.Close() })
	return kb
}

// inlineAnswer returns the answerInlineQuery call answering the inline
// query of update id, and its results. It fails the test unless the call
// succeeded and keeps to Telegram's limits: at most 50 results with
// unique ids of 1-64 bytes, each an article with a title and an HTML
// message text of at most 4096 characters once parsed, and a cache time
// of at least 1 second (tgbotapi leaves out 0, and Telegram then caches
// for 300 seconds).
func inlineAnswer(t *testing.T, calls []telegramtest.Call, id int) (telegramtest.Call, []telegramtest.InlineResult) {
	t.Helper()
	var call *telegramtest.Call
	for i, c := range calls {
		if c.Get("inline_query_id") == strconv.Itoa(id) {
			if call != nil {
				t.Fatalf("inline query %d answered twice", id)
			}
			call = &calls[i]
		}
	}
	if call == nil {
		t.Fatalf("inline query %d not answered", id)
	}
	if call.Status != 200 {
		t.Errorf("answerInlineQuery status %d, want 200", call.Status)
	}
	if n := call.Int("cache_time"); n < 1 {
		t.Errorf("cache_time %d, want at least 1", n)
	}
	results, err := call.InlineResults()
	if err != nil {
		t.Fatalf("answerInlineQuery results: %v", err)
	}
	if len(results) > telegramtest.MaxInlineResults {
		t.Errorf("%d results, want at most %d", len(results), telegramtest.MaxInlineResults)
	}
	ids := make(map[string]bool)
	for i, r := range results {
		if r.ID == "" || len(r.ID) > telegramtest.MaxResultIDLen || ids[r.ID] {
			t.Errorf("result %d: id %q empty, too long or not unique", i, r.ID)
		}
		ids[r.ID] = true
		if r.Type != "article" || strings.TrimSpace(r.Title) == "" {
			t.Errorf("result %d: type %q, title %q; want an article with a title", i, r.Type, r.Title)
		}
		if r.InputMessageContent.ParseMode != "HTML" {
			t.Errorf("result %d: parse mode %q, want HTML", i, r.InputMessageContent.ParseMode)
		}
		visible, err := telegramtest.ParseHTML(r.InputMessageContent.MessageText)
		if err != nil {
			t.Errorf("result %d: message text is not Telegram HTML: %v", i, err)
			continue
		}
		if n := telegramtest.Len(visible); n == 0 || n > telegramtest.MaxMessageLen {
			t.Errorf("result %d: message text has %d characters, want 1-%d", i, n, telegramtest.MaxMessageLen)
		}
	}
	return *call, results
}

// visibleText returns what a result's message shows once sent.
func visibleText(t *testing.T, r telegramtest.InlineResult) string {
	t.Helper()
	v, err := telegramtest.ParseHTML(r.InputMessageContent.MessageText)
	if err != nil {
		t.Fatalf("result %s: %v", r.ID, err)
	}
	return v
}

func TestInlineQuery(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	kb := newFakeKB()
	r := start(t, newTestBot(t, srv, kb))

	id := srv.PushInlineQuery(7, "  "+claimQuestion+" ")
	calls := srv.WaitForDone(t, "answerInlineQuery", 1)
	r.stop(t)

	call, results := inlineAnswer(t, calls, id)
	if got := call.Get("cache_time"); got != "300" {
		t.Errorf("cache_time %q, want 300: the results depend only on the corpus", got)
	}
	if got := call.Get("is_personal"); got != "" {
		t.Errorf("is_personal %q, want it left out: the question's language decides the phrases", got)
	}
	if got := call.Get("switch_pm_text"); got != "" {
		t.Errorf("switch_pm_text %q for a question answered", got)
	}
	type want struct{ title, description, visible string }
	wants := []want{
		{
			"Islamic State Khorasan (IS-K) claimed responsibility.",
			"IS claims <Crocus> attack — Reuters & Co, 23 March 2024",
			"Islamic State Khorasan (IS-K) claimed responsibility.\n\n" +
				"Amaq said the group's fighters \"attacked\" the hall.\n" +
				"Source: IS claims <Crocus> attack — Reuters & Co, 23 March 2024\n" +
				"Also: US confirms claim — AP, March 2024\n" +
				"Also: Third — 24 March 2024",
		},
		{"Another passage.", "IS claims <Crocus> attack — Reuters & Co, 23 March 2024", "Another passage.\nSource: IS claims <Crocus> attack — Reuters & Co, 23 March 2024"},
		{"US officials confirmed it.", "US confirms claim — AP, March 2024", "US officials confirmed it.\nSource: US confirms claim — AP, March 2024"},
		{"A third.", "Third — 24 March 2024", "A third.\nSource: Third — 24 March 2024"},
		{"A fourth.", "Fourth — BBC, 25 March 2024", "A fourth.\nSource: Fourth — BBC, 25 March 2024"},
	}
	if len(results) != len(wants) {
		t.Fatalf("%d results, want %d: the answer, then each further passage", len(results), len(wants))
	}
	for i, w := range wants {
		got := results[i]
		if got.Title != w.title || got.Description != w.description {
			t.Errorf("result %d: title %q, description %q; want %q, %q", i, got.Title, got.Description, w.title, w.description)
		}
		if v := visibleText(t, got); v != w.visible {
			t.Errorf("result %d sends:\n%s\nwant:\n%s", i, v, w.visible)
		}
	}
	// The best answer sends exactly what a private chat gets.
	wantHTML := "<b>Islamic State Khorasan (IS-K) claimed responsibility.</b>\n\n" +
		"<blockquote>Amaq said the group's fighters &quot;attacked&quot; the hall.</blockquote>\n" +
		"Source: <i>IS claims &lt;Crocus&gt; attack</i> — Reuters &amp; Co, 23 March 2024\n" +
		"Also: <i>US confirms claim</i> — AP, March 2024\n" +
		"Also: <i>Third</i> — 24 March 2024"
	if got := results[0].InputMessageContent.MessageText; got != wantHTML {
		t.Errorf("best answer HTML:\n%s\nwant:\n%s", got, wantHTML)
	}
	if got := kb.asked(); len(got) != 1 || got[0] != claimQuestion {
		t.Errorf("knowledge base asked %q, want the trimmed query", got)
	}
	if n := len(srv.Calls("sendMessage")); n != 0 {
		t.Errorf("%d messages sent for an inline query, want none", n)
	}
}

func TestInlineQueryKeepsToLimits(t *testing.T) {
	const question = "Tell me everything"
	long := strings.Repeat("Gunmen <opened> fire & 💥 set the hall ablaze. ", 150)
	a := knowledge.Answer{Found: true, Text: strings.Repeat("Long answer & <more>. ", 40), Language: "en"}
	for i := range 120 {
		a.Citations = append(a.Citations, knowledge.Citation{
			Doc: fmt.Sprintf("doc-%d", i), Title: strings.Repeat("Title <&> ", 40), Publisher: "P&Co", Date: "2024-03-23",
			Passage: fmt.Sprintf("%d. %s", i/2, long), // each passage twice
		})
	}
	srv := telegramtest.NewServer(t, testToken)
	r := start(t, newTestBot(t, srv, &fixedKB{answers: map[string]knowledge.Answer{question: a}}))

	id := srv.PushInlineQuery(7, question)
	calls := srv.WaitForDone(t, "answerInlineQuery", 1)
	r.stop(t)

	_, results := inlineAnswer(t, calls, id)
	if len(results) != telegramtest.MaxInlineResults {
		t.Errorf("%d results, want %d: the answer and the first 49 distinct passages", len(results), telegramtest.MaxInlineResults)
	}
	seen := make(map[string]bool)
	for _, res := range results[1:] {
		if seen[res.Title] {
			t.Errorf("passage %q offered twice", res.Title)
		}
		seen[res.Title] = true
	}
	for _, res := range results {
		if n := telegramtest.Len(res.Title); n > maxResultTitle {
			t.Errorf("title of %d characters, want at most %d", n, maxResultTitle)
		}
	}
}

func TestInlineEmptyQueryShowsExamples(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	kb := realKB(t)
	r := start(t, newTestBot(t, srv, kb))

	queries := []struct {
		query, lang, source string
	}{
		{"", "en", "Source: "},
		{" wh", "en", "Source: "},
		{"кт", "ru", "Источник: "},
		{"", "uk", "Джерело: "},
	}
	ids := make([]int, len(queries))
	for i, q := range queries {
		ids[i] = srv.PushInlineQuery(int64(10+i), q.query, telegramtest.InlineLanguage(q.lang))
	}
	calls := srv.WaitForDone(t, "answerInlineQuery", len(queries))
	r.stop(t)

	for i, q := range queries {
		call, results := inlineAnswer(t, calls, ids[i])
		if call.Get("is_personal") != "true" {
			t.Errorf("%q (%s): is_personal %q, want true: the examples follow the user's language", q.query, q.lang, call.Get("is_personal"))
		}
		examples := phrasesFor(q.lang).Examples
		if len(results) != len(examples) {
			t.Errorf("%q (%s): %d results, want the %d examples", q.query, q.lang, len(results), len(examples))
			continue
		}
		for j, res := range results {
			if res.Title != examples[j] {
				t.Errorf("%q (%s): result %d titled %q, want %q", q.query, q.lang, j, res.Title, examples[j])
			}
			a, err := kb.Answer(context.Background(), examples[j])
			if err != nil || !a.Found {
				t.Fatalf("the knowledge base does not answer the example %q: %v", examples[j], err)
			}
			v := visibleText(t, res)
			opening := a.Text // the answer first: its lead when it has one
			if lead := strings.TrimSpace(a.Lead); lead != "" {
				opening = lead
			}
			if !strings.HasPrefix(v, opening) || !strings.Contains(v, strings.TrimSpace(a.Citations[0].Passage)) ||
				!strings.Contains(v, q.source+a.Citations[0].Title) {
				t.Errorf("%q (%s): example %q sends:\n%s\nwant its sourced answer", q.query, q.lang, examples[j], v)
			}
		}
	}
}

func TestInlineNotFound(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	r := start(t, newTestBot(t, srv, newFakeKB()))

	id := srv.PushInlineQuery(7, notFoundQuestion)
	calls := srv.WaitForDone(t, "answerInlineQuery", 1)

	call, results := inlineAnswer(t, calls, id)
	if len(results) != 1 {
		t.Fatalf("%d results, want one saying the sources don't cover it", len(results))
	}
	if got, want := results[0].Title, "The articles I have don't cover that."; got != want {
		t.Errorf("title %q, want %q", got, want)
	}
	if v := visibleText(t, results[0]); !strings.HasPrefix(v, "The articles I have don't cover that.") {
		t.Errorf("the result sends %q", v)
	}
	if got, want := call.Get("switch_pm_text"), "Ask me in a private chat"; got != want {
		t.Errorf("switch_pm_text %q, want %q", got, want)
	}
	param := call.Get("switch_pm_parameter")
	if param != "inline" {
		t.Errorf("switch_pm_parameter %q, want inline", param)
	}

	// The button opens a private chat with /start and the parameter.
	srv.PushMessage(7, 7, "private", "/start "+param)
	msg := srv.WaitFor(t, "sendMessage", 1)[0]
	r.stop(t)
	if !strings.HasPrefix(msg.Get("text"), "<b>Crocus City Hall attack") {
		t.Errorf("/start %s answered %q, want the help", param, msg.Get("text"))
	}
}

func TestInlineKnowledgeFailure(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	kb := newFakeKB()
	b := newTestBot(t, srv, kb)
	r := start(t, b)

	failed := srv.PushInlineQuery(7, failQuestion)
	hung := srv.PushInlineQuery(8, blockQuestion) // returns only when its context ends
	calls := srv.WaitForDone(t, "answerInlineQuery", 2)
	r.stop(t)

	for _, id := range []int{failed, hung} {
		call, results := inlineAnswer(t, calls, id)
		if len(results) != 0 {
			t.Errorf("query %d: %d results after a failure, want none", id, len(results))
		}
		if got := call.Get("cache_time"); got != "1" {
			t.Errorf("query %d: cache_time %q, want 1 so that the next keystroke asks again", id, got)
		}
		if call.Get("switch_pm_text") == "" || call.Get("switch_pm_parameter") == "" {
			t.Errorf("query %d: no button to a private chat", id)
		}
	}
	logs := b.logs.String()
	for _, want := range []string{"secret cause", "inline lookup too slow"} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %q:\n%s", want, logs)
		}
	}
}

func TestInlineLanguage(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	kb := newFakeKB() // its echo answers have no language
	r := start(t, newTestBot(t, srv, kb))

	id := srv.PushInlineQuery(7, "Що сталося?", telegramtest.InlineLanguage("uk"))
	calls := srv.WaitForDone(t, "answerInlineQuery", 1)
	r.stop(t)

	call, results := inlineAnswer(t, calls, id)
	if call.Get("is_personal") != "true" {
		t.Errorf("is_personal %q, want true: the phrases follow the user's language", call.Get("is_personal"))
	}
	if len(results) == 0 {
		t.Fatal("no results")
	}
	if v := visibleText(t, results[0]); !strings.Contains(v, "Джерело: Echo <&> title — Echo & Sons, 23 березня 2024") {
		t.Errorf("answer not in Ukrainian:\n%s", v)
	}
	if got, want := results[0].Description, "Echo <&> title — Echo & Sons, 23 березня 2024"; got != want {
		t.Errorf("description %q, want %q", got, want)
	}
}

func TestInlineQuestionInRussian(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	r := start(t, newTestBot(t, srv, realKB(t)))

	id := srv.PushInlineQuery(7, "Кто взял на себя ответственность за теракт?") // from an English-speaking user
	calls := srv.WaitForDone(t, "answerInlineQuery", 1)
	r.stop(t)

	call, results := inlineAnswer(t, calls, id)
	if got := call.Get("is_personal"); got != "" {
		t.Errorf("is_personal %q, want it left out: the question's language decides", got)
	}
	if len(results) < 2 {
		t.Fatalf("%d results, want the answer and further passages", len(results))
	}
	v := visibleText(t, results[0])
	for _, want := range []string{"Islamic State", "Источники на английском языке", "Источник: "} {
		if !strings.Contains(v, want) {
			t.Errorf("answer lacks %q:\n%s", want, v)
		}
	}
}

func TestInlineErrorsAreNotRetriedForever(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	srv.Fail("answerInlineQuery", telegramtest.Failure{Code: 400, Description: "Bad Request: query is too old and response timeout expired or query ID is invalid"})
	b := newTestBot(t, srv, newFakeKB())
	r := start(t, b)

	srv.PushInlineQuery(7, claimQuestion)
	srv.WaitForDone(t, "answerInlineQuery", 1)
	r.stop(t)

	if n := len(srv.Calls("answerInlineQuery")); n != 1 {
		t.Errorf("%d answerInlineQuery calls after a 400, want 1", n)
	}
	if logs := b.logs.String(); !strings.Contains(logs, "inline query not answered") || !strings.Contains(logs, "query is too old") {
		t.Errorf("the failure was not logged:\n%s", logs)
	}
}
