package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"eventbot/bot/store"
	"eventbot/bot/telegram"
	"eventbot/bot/telegramtest"
	"eventbot/knowledge"
)

// testToken looks like a real token, so that it shows up wherever a real
// one would.
const testToken = "123456789:AAHfake-Token_secretVALUE"

// Questions the fake knowledge base treats specially.
const (
	panicQuestion = "PANIC please"
	blockQuestion = "BLOCK until released"
	failQuestion  = "FAIL please"
)

// fakeKB is an in-memory knowledge base. It answers claimQuestion,
// notFoundQuestion and greeting from fixtures, panics, blocks or fails on the special
// questions, and echoes any other question back as the answer and the
// passage.
type fakeKB struct {
	sources []knowledge.Source
	started chan string   // receives blockQuestion when Answer starts on it
	release chan struct{} // closed to let blockQuestion's Answer return

	mu        sync.Mutex
	questions []string
}

func newFakeKB() *fakeKB {
	return &fakeKB{
		sources: []knowledge.Source{
			{Doc: "isis-claim", Title: "IS claims <Crocus> attack", Publisher: "Reuters & Co", Date: "2024-03-23", Language: "en"},
			{Doc: "us-confirms", Title: "US confirms claim", Publisher: "AP", Date: "2024-03", Language: "en"},
			{Doc: "third", Title: "Third", Date: "2024-03-24", Language: "en"},
		},
		started: make(chan string, 1),
		release: make(chan struct{}),
	}
}

const (
	claimQuestion    = "Who claimed responsibility?"
	notFoundQuestion = "What is the capital of France?"
	greeting         = "привет"
)

var claimAnswer = knowledge.Answer{
	Question: claimQuestion,
	Found:    true,
	Text:     "Islamic State Khorasan (IS-K) claimed responsibility.",
	Citations: []knowledge.Citation{
		{Doc: "isis-claim", Title: "IS claims <Crocus> attack", Publisher: "Reuters & Co", Date: "2024-03-23", Passage: "Amaq said the group's fighters \"attacked\" the hall."},
		{Doc: "isis-claim", Title: "IS claims <Crocus> attack", Publisher: "Reuters & Co", Date: "2024-03-23", Passage: "Another passage."},
		{Doc: "us-confirms", Title: "US confirms claim", Publisher: "AP", Date: "2024-03", Passage: "US officials confirmed it."},
		{Doc: "third", Title: "Third", Date: "2024-03-24", Passage: "A third."},
		{Doc: "fourth", Title: "Fourth", Publisher: "BBC", Date: "2024-03-25", Passage: "A fourth."},
	},
	Language: "en",
}

func (kb *fakeKB) Answer(ctx context.Context, question string) (knowledge.Answer, error) {
	kb.mu.Lock()
	kb.questions = append(kb.questions, question)
	kb.mu.Unlock()
	switch question {
	case claimQuestion:
		return claimAnswer, nil
	case notFoundQuestion:
		return knowledge.Answer{Question: question, Language: "en"}, nil
	case greeting:
		return knowledge.Answer{Question: question, Language: "ru", Greeting: true}, nil
	case panicQuestion:
		panic("fake knowledge base panics")
	case failQuestion:
		return knowledge.Answer{}, errors.New("index corrupted: secret cause")
	case blockQuestion:
		kb.started <- question
		select {
		case <-kb.release:
		case <-ctx.Done():
			return knowledge.Answer{}, ctx.Err()
		}
	}
	return knowledge.Answer{
		Question: question,
		Found:    true,
		Text:     "You asked: " + question,
		Citations: []knowledge.Citation{
			{Doc: "echo", Title: "Echo <&> title", Publisher: "Echo & Sons", Date: "2024-03-23", Passage: question},
		},
	}, nil
}

func (kb *fakeKB) Sources() []knowledge.Source { return kb.sources }

// asked returns the questions Answer received, in order.
func (kb *fakeKB) asked() []string {
	kb.mu.Lock()
	defer kb.mu.Unlock()
	return slices.Clone(kb.questions)
}

// testBot is a Bot under test with what it logged and the waits it asked
// for.
type testBot struct {
	*Bot
	logs   *telegramtest.LogBuffer
	sleeps *telegramtest.Sleeps
}

// newTestBot returns a bot talking to srv, logging at debug level.
func newTestBot(t testing.TB, srv *telegramtest.Server, kb Knowledge, configure ...func(*Config)) *testBot {
	t.Helper()
	logs := new(telegramtest.LogBuffer)
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg := Config{Token: testToken, APIEndpoint: srv.Endpoint()}
	for _, f := range configure {
		f(&cfg)
	}
	b, err := New(logger, cfg, kb)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	sl := new(telegramtest.Sleeps)
	b.sleep = sl.Sleep
	return &testBot{Bot: b, logs: logs, sleeps: sl}
}

// running is a Run in progress.
type running struct {
	cancel context.CancelFunc
	done   chan error
}

// start runs b until the test ends or stop is called.
func start(t testing.TB, b *testBot) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- b.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-r.done
	})
	return r
}

// wait waits for Run to return, failing the test if it takes more than
// ten seconds.
func (r *running) wait(t testing.TB) error {
	t.Helper()
	select {
	case err := <-r.done:
		r.done <- err // for a later wait or the cleanup
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return within 10s of its context ending")
		return nil
	}
}

// stop cancels Run and waits for it, failing the test on an error.
func (r *running) stop(t testing.TB) {
	t.Helper()
	r.cancel()
	if err := r.wait(t); err != nil {
		t.Errorf("Run: %v", err)
	}
}

// replyTo returns the sendMessage calls replying to message id.
func replyTo(calls []telegramtest.Call, id int) []telegramtest.Call {
	var out []telegramtest.Call
	for _, c := range calls {
		if c.Get("reply_to_message_id") == strconv.Itoa(id) {
			out = append(out, c)
		}
	}
	return out
}

func TestPrivateQuestion(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	kb := newFakeKB()
	b := newTestBot(t, srv, kb)
	r := start(t, b)

	id := srv.PushMessage(42, 7, "private", claimQuestion)
	srv.WaitFor(t, "sendMessage", 1)
	srv.WaitFor(t, "sendChatAction", 1) // beside the answer, not before it
	r.stop(t)

	msg := srv.Calls("sendMessage")[0]
	for key, want := range map[string]string{
		"chat_id":                     "42",
		"reply_to_message_id":         strconv.Itoa(srv.MessageID(id)),
		"parse_mode":                  "HTML",
		"disable_web_page_preview":    "true",
		"allow_sending_without_reply": "true",
	} {
		if got := msg.Get(key); got != want {
			t.Errorf("sendMessage %s = %q, want %q", key, got, want)
		}
	}
	want := "<b>Islamic State Khorasan (IS-K) claimed responsibility.</b>\n\n" +
		"<blockquote>Amaq said the group's fighters &quot;attacked&quot; the hall.</blockquote>\n" +
		"Source: <i>IS claims &lt;Crocus&gt; attack</i> — Reuters &amp; Co, 23 March 2024\n" +
		"Also: <i>US confirms claim</i> — AP, March 2024\n" +
		"Also: <i>Third</i> — 24 March 2024"
	if got := msg.Get("text"); got != want {
		t.Errorf("reply text:\n%s\nwant:\n%s", got, want)
	}
	if msg.Status != 200 {
		t.Errorf("sendMessage status %d, want 200", msg.Status)
	}
	typing := srv.Calls("sendChatAction")
	if len(typing) != 1 || typing[0].Get("chat_id") != "42" || typing[0].Get("action") != "typing" {
		t.Errorf("sendChatAction calls %v, want one typing in chat 42", typing)
	}
	if got := kb.asked(); !slices.Equal(got, []string{claimQuestion}) {
		t.Errorf("knowledge base asked %q, want %q", got, claimQuestion)
	}
}

// TestNotFound checks the reply when the articles hold no answer, and
// when the message holds only a greeting: that is greeted, in its
// language, with the example questions, not told the articles lack it.
func TestNotFound(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	b := newTestBot(t, srv, newFakeKB())
	r := start(t, b)

	id := srv.PushMessage(42, 7, "private", notFoundQuestion)
	srv.PushMessage(43, 8, "private", greeting)
	msgs := srv.WaitFor(t, "sendMessage", 2)
	r.stop(t)

	replies := map[string]string{}
	for _, m := range msgs {
		replies[m.Get("chat_id")] = m.Get("text")
		if m.Get("chat_id") == "42" {
			if got, want := m.Get("reply_to_message_id"), strconv.Itoa(srv.MessageID(id)); got != want {
				t.Errorf("reply_to_message_id = %s, want %s", got, want)
			}
		}
	}
	want := "The articles I have don't cover that.\n\nYou could ask, for example:\n" +
		"• <i>Who claimed responsibility for the attack?</i>\n" +
		"• <i>How many people were killed?</i>\n" +
		"• <i>What happened to the suspects?</i>"
	if got := replies["42"]; got != want {
		t.Errorf("reply text:\n%s\nwant:\n%s", got, want)
	}
	greeted := "Здравствуйте! Спросите меня о теракте в «Крокус Сити Холле».\n\nМожно спросить, например:\n"
	if got := replies["43"]; !strings.HasPrefix(got, greeted) {
		t.Errorf("reply to a greeting:\n%s\nwant it to open:\n%s", got, greeted)
	}
}

func TestStartAndHelp(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	b := newTestBot(t, srv, newFakeKB())
	r := start(t, b)

	srv.PushMessage(1, 1, "private", "/start")
	srv.PushMessage(2, 2, "private", "/help")
	calls := srv.WaitFor(t, "sendMessage", 2)
	srv.WaitFor(t, "setMyCommands", 3) // beside the pipeline
	r.stop(t)

	want := "<b>Crocus City Hall attack · 22 March 2024</b>\n" +
		"I answer questions about the attack on Crocus City Hall in Krasnogorsk, near Moscow, on 22 March 2024. " +
		"My answers come from news articles (3 articles), and I always cite them.\n\n" +
		"Just ask a question, for example:\n<i>Who claimed responsibility?</i>\n\n" +
		"/sources — the articles I use\n/help — this help\n\n" +
		"In groups, type <code>@eventbot_test_bot question</code> (inline mode) or send <code>/ask@eventbot_test_bot question</code>."
	for _, c := range calls {
		if got := c.Get("text"); got != want {
			t.Errorf("reply to chat %s:\n%s\nwant:\n%s", c.Get("chat_id"), got, want)
		}
		if got := c.Get("reply_to_message_id"); got != "" {
			t.Errorf("help replies to message %s, want a plain message", got)
		}
	}

	var langs []string
	for _, c := range srv.Calls("setMyCommands") {
		langs = append(langs, c.Get("language_code"))
	}
	if want := []string{"", "ru", "uk"}; !slices.Equal(langs, want) {
		t.Errorf("setMyCommands languages %q, want %q", langs, want)
	}
}

func TestSources(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	b := newTestBot(t, srv, newFakeKB())
	r := start(t, b)

	srv.PushMessage(1, 1, "private", "/sources")
	msg := srv.WaitFor(t, "sendMessage", 1)[0]
	r.stop(t)

	want := "My sources (3 articles):\n\n" +
		"1. <i>IS claims &lt;Crocus&gt; attack</i> — Reuters &amp; Co, 23 March 2024\n" +
		"2. <i>US confirms claim</i> — AP, March 2024\n" +
		"3. <i>Third</i> — 24 March 2024"
	if got := msg.Get("text"); got != want {
		t.Errorf("sources:\n%s\nwant:\n%s", got, want)
	}
}

func TestUserLanguage(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	b := newTestBot(t, srv, newFakeKB())
	r := start(t, b)

	srv.PushMessage(1, 1, "private", "/sources", telegramtest.WithLanguage("ru"))
	srv.PushMessage(2, 2, "private", "/sources", telegramtest.WithLanguage("uk"))
	srv.PushMessage(3, 3, "private", "/sources", telegramtest.WithLanguage("de"))
	calls := srv.WaitFor(t, "sendMessage", 3)
	r.stop(t)

	want := map[string]string{
		"1": "Мои источники (3 статьи):",
		"2": "Мої джерела (3 статті):",
		"3": "My sources (3 articles):",
	}
	for _, c := range calls {
		if got, _, _ := strings.Cut(c.Get("text"), "\n"); got != want[c.Get("chat_id")] {
			t.Errorf("chat %s: first line %q, want %q", c.Get("chat_id"), got, want[c.Get("chat_id")])
		}
	}
}

func TestCommandsForOtherBotsIgnored(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	kb := newFakeKB()
	b := newTestBot(t, srv, kb)
	r := start(t, b)

	srv.PushMessage(1, 1, "private", "/start@other_bot")
	srv.PushMessage(2, 2, "private", "/ask@other_bot "+claimQuestion)
	srv.PushMessage(3, 3, "private", "/start@EventBot_TEST_bot")
	srv.PushMessage(4, 4, "private", "/ask@eventbot_test_bot "+claimQuestion)
	srv.WaitFor(t, "sendMessage", 2)
	r.stop(t) // every update polled is handled once Run returns

	var chats []string
	for _, c := range srv.Calls("sendMessage") {
		chats = append(chats, c.Get("chat_id"))
	}
	slices.Sort(chats)
	if want := []string{"3", "4"}; !slices.Equal(chats, want) {
		t.Errorf("replies went to chats %v, want %v", chats, want)
	}
	if got := kb.asked(); !slices.Equal(got, []string{claimQuestion}) {
		t.Errorf("knowledge base asked %q, want only the /ask for this bot", got)
	}
}

func TestHostileMessages(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	kb := newFakeKB()
	b := newTestBot(t, srv, kb)
	r := start(t, b)

	questions := []string{
		"<b>bold</b> & <i>italic</i> </blockquote><a href=\"x\">",
		"&amp; &lt; &#x41; &bogus; \" ' & <",
		"title:* +a -b ~2 ^5",
		"AND OR NOT \"phrase\" field:value* /regexp/ {}[]",
		strings.Repeat("x", 5000),
		strings.Repeat("word ", 1000),
		strings.Repeat("<&>", 1700),
		strings.Repeat("💥", 3000),
		strings.Repeat("я", 5000),
	}
	ids := make([]int, len(questions))
	for i, q := range questions {
		ids[i] = srv.PushMessage(int64(100+i), 7, "private", q)
	}
	srv.WaitFor(t, "sendMessage", len(questions))
	r.stop(t)

	calls := srv.Calls("sendMessage")
	for i, q := range questions {
		replies := replyTo(calls, srv.MessageID(ids[i]))
		if len(replies) != 1 {
			t.Errorf("question %d: %d replies, want 1", i, len(replies))
			continue
		}
		reply := replies[0]
		if reply.Status != 200 {
			t.Errorf("question %d: sendMessage status %d, want 200", i, reply.Status)
		}
		visible, err := telegramtest.ParseHTML(reply.Get("text"))
		if err != nil {
			t.Errorf("question %d: reply is not valid Telegram HTML: %v", i, err)
			continue
		}
		if n := telegramtest.Len(visible); n > telegramtest.MaxMessageLen {
			t.Errorf("question %d: reply has %d characters, want at most %d", i, n, telegramtest.MaxMessageLen)
		}
		if !strings.Contains(visible, "Source: Echo <&> title — Echo & Sons, 23 March 2024") {
			t.Errorf("question %d: reply lacks its source:\n%s", i, visible)
		}
		if long := telegramtest.Len(q) > 1000; !long && !strings.Contains(visible, "\n"+q+"\n") {
			t.Errorf("question %d: reply doesn't quote %q intact:\n%s", i, q, visible)
		} else if long && !strings.Contains(visible, "…\nSource: ") {
			t.Errorf("question %d: long passage not truncated with an ellipsis:\n%s", i, visible)
		}
	}
	got := kb.asked()
	slices.Sort(got)
	want := slices.Clone(questions)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("knowledge base did not receive the questions as sent")
	}
}

func TestRateLimitedReplyIsRetried(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	srv.RateLimit("sendMessage", 1, 1)
	b := newTestBot(t, srv, newFakeKB())
	clk := telegramtest.NewClock()
	b.clock = clk
	r := start(t, b)
	t0 := clk.Now()

	id := srv.PushMessage(42, 7, "private", claimQuestion)
	srv.WaitFor(t, "sendMessage", 1)
	resume, _ := clk.Next(t, nil)
	if resume != t0.Add(time.Second) {
		t.Errorf("the chat waits until +%v, want the 1s Telegram asked for", resume.Sub(t0))
	}
	clk.AdvanceTo(resume)
	srv.WaitFor(t, "sendMessage", 2)
	r.stop(t)

	calls := srv.Calls("sendMessage")
	if calls[0].Status != 429 || calls[1].Status != 200 {
		t.Errorf("sendMessage statuses %d, %d; want 429, 200", calls[0].Status, calls[1].Status)
	}
	if got, want := calls[1].Get("reply_to_message_id"), strconv.Itoa(srv.MessageID(id)); got != want {
		t.Errorf("retried reply_to_message_id = %s, want %s", got, want)
	}
	if calls[0].Get("text") != calls[1].Get("text") {
		t.Errorf("retry sent different text")
	}
	if s := b.sleeps.All(); len(s) != 0 {
		t.Errorf("waits %v; the outbox should pause the chat, not sleep", s)
	}
	if n := len(srv.Calls("sendMessage")); n != 2 {
		t.Errorf("%d sendMessage calls, want 2", n)
	}
}

// TestServerErrorsRetriedWithBackoff: a reply that meets 5xx errors and
// a dropped connection is sent again, after waits of 1, 2 and 4 seconds
// on the outbox's clock, and arrives once.
func TestServerErrorsRetriedWithBackoff(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	srv.Fail("sendMessage", telegramtest.Failure{Code: 500, Times: 2})
	srv.Fail("sendMessage", telegramtest.Failure{Code: 0}) // dropped connection
	b := newTestBot(t, srv, newFakeKB())
	clk := telegramtest.NewClock()
	b.clock = clk
	r := start(t, b)

	srv.PushMessage(42, 7, "private", claimQuestion)
	last := clk.Now()
	var waits []time.Duration
	for i := range 3 {
		srv.WaitFor(t, "sendMessage", i+1)
		at, _ := clk.Next(t, nil)
		waits = append(waits, at.Sub(last))
		last = at
		clk.AdvanceTo(at)
	}
	srv.WaitFor(t, "sendMessage", 4)
	r.stop(t)

	calls := srv.Calls("sendMessage")
	var statuses []int
	for _, c := range calls {
		statuses = append(statuses, c.Status)
	}
	if want := []int{500, 500, -1, 200}; !slices.Equal(statuses, want) {
		t.Errorf("sendMessage statuses %v, want %v", statuses, want)
	}
	if want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}; !slices.Equal(waits, want) {
		t.Errorf("waits %v, want %v", waits, want)
	}
}

func TestClientErrorsNotRetried(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	srv.Fail("sendMessage", telegramtest.Failure{Code: 403})
	b := newTestBot(t, srv, newFakeKB())
	r := start(t, b)

	srv.PushMessage(42, 7, "private", claimQuestion)
	srv.WaitFor(t, "sendMessage", 1)
	r.stop(t)

	if n := len(srv.Calls("sendMessage")); n != 1 {
		t.Errorf("%d sendMessage calls after a 403, want 1", n)
	}
	if logs := b.logs.String(); !strings.Contains(logs, "reply not sent") || !strings.Contains(logs, "Forbidden") {
		t.Errorf("the failed reply was not logged:\n%s", logs)
	}
}

func TestChatActionFailureNotFatal(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	srv.Fail("sendChatAction", telegramtest.Failure{Code: 400})
	srv.Fail("setMyCommands", telegramtest.Failure{Code: 400, Times: 3})
	b := newTestBot(t, srv, newFakeKB())
	r := start(t, b)

	srv.PushMessage(42, 7, "private", claimQuestion)
	srv.WaitFor(t, "sendMessage", 1)
	srv.WaitForDone(t, "sendChatAction", 1)
	srv.WaitForDone(t, "setMyCommands", 3)
	r.stop(t)

	if msg := srv.Calls("sendMessage")[0]; msg.Status != 200 {
		t.Errorf("sendMessage status %d, want 200", msg.Status)
	}
	logs := b.logs.String()
	for _, want := range []string{"typing indicator not shown", "commands not registered"} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %q:\n%s", want, logs)
		}
	}
}

func TestKnowledgeErrorGetsFriendlyReply(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	b := newTestBot(t, srv, newFakeKB())
	r := start(t, b)

	srv.PushMessage(42, 7, "private", failQuestion)
	msg := srv.WaitFor(t, "sendMessage", 1)[0]
	r.stop(t)

	if got, want := msg.Get("text"), "Sorry, something went wrong answering that. Please try again."; got != want {
		t.Errorf("reply %q, want %q", got, want)
	}
	if logs := b.logs.String(); !strings.Contains(logs, "secret cause") {
		t.Errorf("the cause was not logged:\n%s", logs)
	}
}

func TestBadUpdatesDontStopTheLoop(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	b := newTestBot(t, srv, newFakeKB())
	r := start(t, b)

	panicked := srv.PushMessage(1, 1, "private", panicQuestion)
	srv.PushRawUpdate(`{"message":{"message_id":5,"text":"no chat"}}`)
	srv.PushRawUpdate(`{"message":{"message_id":6,"chat":"not an object"}}`)
	srv.PushRawUpdate(`{"message":{"message_id":7,"chat":{"id":3,"type":"private"},"text":"/x","entities":[{"type":"bot_command","offset":0,"length":99}]}}`)
	srv.PushRawUpdate(`{"edited_message":{"message_id":8,"chat":{"id":3,"type":"private"},"text":"edited"}}`)
	srv.PushMessage(2, 2, "group", "a group message")
	srv.PushMessage(4, 4, "private", "")
	answered := srv.PushMessage(5, 5, "private", claimQuestion)
	srv.WaitFor(t, "sendMessage", 4)
	r.stop(t)

	calls := srv.Calls("sendMessage")
	want := map[string]string{
		"1": "Sorry, something went wrong answering that. Please try again.",
		"3": "<b>You asked: /x</b>",
		"4": "Please send your question as text.",
		"5": "<b>Islamic State Khorasan (IS-K) claimed responsibility.</b>",
	}
	if len(calls) != len(want) {
		t.Errorf("%d replies, want %d", len(calls), len(want))
	}
	for _, c := range calls {
		if w, ok := want[c.Get("chat_id")]; !ok || !strings.HasPrefix(c.Get("text"), w) {
			t.Errorf("reply to chat %s: %q, want it to start with %q", c.Get("chat_id"), c.Get("text"), w)
		}
	}
	if len(replyTo(calls, srv.MessageID(panicked))) != 1 || len(replyTo(calls, srv.MessageID(answered))) != 1 {
		t.Errorf("replies don't answer the panicking and the good question")
	}
	logs := b.logs.String()
	for _, want := range []string{"update handler panicked", "undecodable update skipped"} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %q:\n%s", want, logs)
		}
	}
	if p := srv.Pending(); len(p) != 0 {
		t.Errorf("updates %v left unconfirmed", p)
	}
}

func TestShutdownDuringLongPoll(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	b := newTestBot(t, srv, newFakeKB()) // 30 s long polls
	r := start(t, b)

	srv.WaitFor(t, "getUpdates", 1)
	r.stop(t)

	if n := len(srv.Calls("getUpdates")); n != 1 {
		t.Errorf("%d getUpdates calls, want the one cancelled (nothing to confirm)", n)
	}
}

func TestShutdownLetsRepliesFinish(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	kb := newFakeKB()
	b := newTestBot(t, srv, kb)
	r := start(t, b)

	id := srv.PushMessage(42, 7, "private", blockQuestion)
	<-kb.started
	r.cancel()
	close(kb.release)
	if err := r.wait(t); err != nil {
		t.Fatalf("Run: %v", err)
	}

	calls := srv.Calls("sendMessage")
	if len(calls) != 1 || calls[0].Status != 200 || calls[0].Get("reply_to_message_id") != strconv.Itoa(srv.MessageID(id)) {
		t.Errorf("sendMessage calls %+v, want the reply to the question in flight", calls)
	}
}

// TestRestartHandlesPendingUpdates: updates journaled but not handled
// when the bot stops (one cut short by the grace period, one never
// handed to a worker) are handled at the next start on the same store,
// each answered once.
func TestRestartHandlesPendingUpdates(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	kb := newFakeKB()
	st := store.NewMemory()
	blocked := srv.PushMessage(1, 1, "private", blockQuestion)
	waiting := srv.PushMessage(2, 2, "private", claimQuestion)

	// One worker: the first update blocks it, so the second is polled but
	// never handed over. The grace period ends the first.
	b := newTestBot(t, srv, kb, func(c *Config) { c.Workers = 1; c.ShutdownGrace = 50 * time.Millisecond; c.Store = st })
	r := start(t, b)
	<-kb.started
	r.stop(t)
	if n := len(srv.Calls("sendMessage")); n != 0 {
		t.Fatalf("%d replies before the restart, want none", n)
	}
	pending, _ := st.Pending(context.Background())
	if len(pending) != 2 {
		t.Errorf("journal holds %d pending updates, want 2", len(pending))
	}

	close(kb.release)
	b2 := newTestBot(t, srv, kb, func(c *Config) { c.Store = st })
	r2 := start(t, b2)
	calls := srv.WaitFor(t, "sendMessage", 2)
	r2.stop(t)

	if len(calls) != 2 || len(replyTo(calls, srv.MessageID(blocked))) != 1 || len(replyTo(calls, srv.MessageID(waiting))) != 1 {
		t.Errorf("replies %v, want one to each question", calls)
	}
	if p := srv.Pending(); len(p) != 0 {
		t.Errorf("updates %v left unconfirmed", p)
	}
}

func TestRestartDoesNotAnswerTwice(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	kb := newFakeKB()
	var ids []int
	for run := range 3 {
		r := start(t, newTestBot(t, srv, kb))
		ids = append(ids, srv.PushMessage(1, 1, "private", fmt.Sprintf("question %d", run)))
		srv.WaitFor(t, "sendMessage", run+1)
		r.stop(t)
	}
	calls := srv.Calls("sendMessage")
	if len(calls) != len(ids) {
		t.Errorf("%d replies to %d questions", len(calls), len(ids))
	}
	for _, id := range ids {
		if n := len(replyTo(calls, srv.MessageID(id))); n != 1 {
			t.Errorf("update %d answered %d times, want once", id, n)
		}
	}
}

func TestTokenNeverLogged(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	srv.Fail("setMyCommands", telegramtest.Failure{Code: 0, Times: 100})
	srv.Fail("sendChatAction", telegramtest.Failure{Code: 0, Times: 100})
	srv.Fail("sendMessage", telegramtest.Failure{Code: 0, Times: 100})
	b := newTestBot(t, srv, newFakeKB())
	clk := telegramtest.NewClock()
	b.clock = clk
	r := start(t, b)

	srv.PushMessage(42, 7, "private", claimQuestion)
	srv.WaitFor(t, "sendMessage", 1)
	at, _ := clk.Next(t, nil)
	clk.AdvanceTo(at)
	srv.WaitFor(t, "sendMessage", 2)
	srv.WaitFor(t, "setMyCommands", 3)
	r.stop(t)

	logs := b.logs.String()
	if strings.Contains(logs, testToken) || strings.Contains(logs, "secretVALUE") {
		t.Errorf("the token is in the logs:\n%s", logs)
	}
	if !strings.Contains(logs, "send failed, will retry") || !strings.Contains(logs, "/bot[token]/sendMessage") {
		t.Errorf("the failed call was not logged with its redacted URL:\n%s", logs)
	}

	// A wrong token, and no server at all: Run's errors hide the token.
	bad := newTestBot(t, srv, newFakeKB(), func(c *Config) { c.Token = "987654:wrong-token" })
	if err := bad.Run(context.Background()); err == nil || strings.Contains(err.Error(), "wrong-token") || !strings.Contains(err.Error(), "Unauthorized") {
		t.Errorf("Run with a wrong token: %v, want Unauthorized without the token", err)
	}
	gone := newTestBot(t, srv, newFakeKB(), func(c *Config) { c.APIEndpoint = "http://127.0.0.1:1/bot%s/%s" })
	if err := gone.Run(context.Background()); err == nil || strings.Contains(err.Error(), testToken) || !strings.Contains(err.Error(), "[token]") {
		t.Errorf("Run without a server: %v, want an error with the token redacted", err)
	}
	if logs := bad.logs.String() + gone.logs.String(); strings.Contains(logs, testToken) || strings.Contains(logs, "wrong-token") {
		t.Errorf("the token is in the logs:\n%s", logs)
	}
}

func TestNewValidatesConfig(t *testing.T) {
	kb := newFakeKB()
	for _, tt := range []struct {
		name string
		cfg  Config
		kb   Knowledge
	}{
		{"no token", Config{}, kb},
		{"no knowledge", Config{Token: testToken}, nil},
		{"bad endpoint", Config{Token: testToken, APIEndpoint: "http://127.0.0.1/bot"}, kb},
		{"negative poll timeout", Config{Token: testToken, PollTimeout: -1}, kb},
		{"client timeout too short", Config{Token: testToken, Client: &http.Client{Timeout: 10 * time.Second}}, kb},
		{"negative burst", Config{Token: testToken, Limits: telegram.Limits{Group: telegram.Rate{Burst: -1}}}, kb},
	} {
		if _, err := New(nil, tt.cfg, tt.kb); err == nil {
			t.Errorf("%s: New succeeded, want an error", tt.name)
		} else if strings.Contains(err.Error(), testToken) {
			t.Errorf("%s: error %q holds the token", tt.name, err)
		}
	}
	b, err := New(nil, Config{Token: testToken}, kb)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if b.cfg.PollTimeout != 30 || b.cfg.Client == nil || b.cfg.SendTimeout < time.Minute || b.cfg.Workers <= 0 ||
		b.cfg.ShutdownGrace <= 0 || b.cfg.ShutdownGrace >= 5*time.Second || b.cfg.Store == nil {
		t.Errorf("defaults not applied: %+v", b.cfg)
	}
}

// BenchmarkShutdown measures how long Run takes to return once its
// context is cancelled during a long poll.
func BenchmarkShutdown(b *testing.B) {
	srv := telegramtest.NewServer(b, testToken)
	bot := newTestBot(b, srv, newFakeKB())
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- bot.Run(ctx) }()
		srv.WaitFor(b, "getUpdates", i+1)
		b.StartTimer()
		cancel()
		if err := <-done; err != nil {
			b.Fatalf("Run: %v", err)
		}
	}
}

// BenchmarkAnswer measures a question's round trip: from the update to
// the reply arriving at the server.
func BenchmarkAnswer(b *testing.B) {
	srv := telegramtest.NewServer(b, testToken)
	// One user asks b.N questions: lift the flood control and the
	// sending limits, which would otherwise be what is measured.
	r := start(b, newTestBot(b, srv, newFakeKB(), func(c *Config) {
		c.Flood.Every = time.Nanosecond
		c.Limits.Private.Every = -1
		c.Limits.Global.Every = -1
	}))
	defer r.stop(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		srv.PushMessage(42, 7, "private", claimQuestion)
		srv.WaitFor(b, "sendMessage", i+1)
	}
}
