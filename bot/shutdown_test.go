package bot

import (
	"fmt"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"eventbot/bot/telegram"
	"eventbot/bot/telegramtest"
	"eventbot/knowledge"
)

// TestLongReplySplit sends /sources for a corpus whose list runs to
// several messages, one source with a title longer than a message:
// every message is well-formed HTML of at most 4096 characters, pages
// break between sources where they can, and nothing is lost.
func TestLongReplySplit(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	kb := newFakeKB()
	kb.sources = nil
	longTitle := strings.Repeat("A very long title & <more> of it. ", 300) // ~10,000 characters
	for i := range 200 {
		title := fmt.Sprintf("Article <%d> & a title long enough to fill pages", i)
		if i == 100 {
			title = longTitle
		}
		kb.sources = append(kb.sources, knowledge.Source{Doc: fmt.Sprint(i), Title: title, Publisher: "P", Date: "2024-03-23"})
	}
	b := newTestBot(t, srv, kb, func(c *Config) { c.Limits.Private = telegram.Rate{Every: time.Millisecond, Burst: 1} })
	r := start(t, b)

	srv.PushMessage(42, 7, "private", "/sources")
	want := renderPlain(sourcesDoc(phrasesFor("en"), kb.sources))
	pages := len(paginate(sourcesDoc(phrasesFor("en"), kb.sources), maxMessageLen))
	srv.WaitFor(t, "sendMessage", pages)
	r.stop(t) // the outbox is drained: every call has its reply
	calls := srv.Calls("sendMessage")
	if pages < 5 || len(srv.Calls("sendMessage")) != pages {
		t.Fatalf("%d messages sent, paginate made %d; want at least 5", len(srv.Calls("sendMessage")), pages)
	}

	startsSource := regexp.MustCompile(`^(My sources|\d+\. )`)
	var all strings.Builder
	for i, c := range calls {
		visible, err := telegramtest.ParseHTML(c.Get("text"))
		if err != nil || c.Status != 200 {
			t.Fatalf("message %d (status %d) is not Telegram HTML: %v", i, c.Status, err)
		}
		if n := telegramtest.Len(visible); n > telegramtest.MaxMessageLen {
			t.Errorf("message %d has %d characters, want at most %d", i, n, telegramtest.MaxMessageLen)
		}
		if !startsSource.MatchString(visible) && !strings.HasPrefix(visible, "A very long title") {
			t.Errorf("message %d starts mid-source: %.40q", i, visible)
		}
		all.WriteString(visible)
	}
	if got := strings.Join(strings.Fields(all.String()), ""); got != strings.Join(strings.Fields(want), "") {
		t.Errorf("the messages together differ from the list (whitespace aside): %d characters, want %d", len(got), len(strings.Join(strings.Fields(want), "")))
	}
}

// TestBusyChatDoesNotBlockHandlers runs one worker on a frozen clock: a
// private chat's replies beyond its burst wait in the outbox, and another
// chat's question is still answered.
func TestBusyChatDoesNotBlockHandlers(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	b := newTestBot(t, srv, newFakeKB(), func(c *Config) { c.Workers = 1; c.ShutdownGrace = 50 * time.Millisecond })
	b.clock = telegramtest.NewClock()
	r := start(t, b)

	for i := range 6 {
		srv.PushMessage(42, 7, "private", fmt.Sprintf("question %d", i))
	}
	srv.PushMessage(43, 8, "private", "another chat")
	srv.WaitFor(t, "sendMessage", 4)
	calls := srv.Calls("sendMessage")
	if n := len(telegramtest.InChat(calls, 42)); n != 3 {
		t.Errorf("chat 42 got %d replies on a frozen clock, want its burst of 3", n)
	}
	if n := len(telegramtest.InChat(calls, 43)); n != 1 {
		t.Errorf("chat 43 got %d replies, want 1", n)
	}
	r.cancel()
}

// askSix pushes six questions to chat 42 for a bot with one worker, and
// waits until it has asked the knowledge base all of them.
func askSix(t *testing.T, srv *telegramtest.Server, kb *fakeKB) {
	t.Helper()
	for i := range 6 {
		srv.PushMessage(42, 7, "private", fmt.Sprintf("question %d", i))
	}
	srv.WaitFor(t, "sendMessage", 3)
	deadline := time.Now().Add(telegramtest.WaitTimeout)
	for len(kb.asked()) < 6 {
		if time.Now().After(deadline) {
			t.Fatalf("knowledge base asked %d questions, want 6", len(kb.asked()))
		}
		time.Sleep(time.Millisecond)
	}
}

// TestShutdownDrainsOutbox stops a bot whose outbox still holds replies
// that wait on the limits: they go out as the clock allows, in order,
// before Run returns, and no goroutine is left.
func TestShutdownDrainsOutbox(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	kb := newFakeKB()
	b := newTestBot(t, srv, kb, func(c *Config) { c.Workers = 1 })
	clk := telegramtest.NewClock()
	b.clock = clk
	r := start(t, b)
	askSix(t, srv, kb)

	r.cancel()
	returned := make(chan struct{})
	go func() {
		err := <-r.done
		r.done <- err
		close(returned)
	}()
	clk.RunUntil(t, returned)
	if err := r.wait(t); err != nil {
		t.Fatalf("Run: %v", err)
	}

	calls := telegramtest.InChat(srv.Calls("sendMessage"), 42)
	if len(calls) != 6 {
		t.Fatalf("%d replies, want 6", len(calls))
	}
	for i, c := range calls {
		if want := fmt.Sprintf("<b>You asked: question %d</b>", i); !strings.HasPrefix(c.Get("text"), want) || c.Status != 200 {
			t.Errorf("reply %d: %.40q, status %d; want it to start %q", i, c.Get("text"), c.Status, want)
		}
	}
	if g := outboxGoroutines(); g != "" {
		t.Errorf("goroutines left after Run returned:\n%s", g)
	}
}

// TestShutdownGivesUpAfterGrace stops a bot whose queued replies cannot
// go out within the grace period: Run returns, logging what it gave up,
// and no goroutine is left.
func TestShutdownGivesUpAfterGrace(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	kb := newFakeKB()
	b := newTestBot(t, srv, kb, func(c *Config) { c.Workers = 1; c.ShutdownGrace = 100 * time.Millisecond })
	b.clock = telegramtest.NewClock() // never advanced
	r := start(t, b)
	askSix(t, srv, kb)
	r.stop(t)

	if n := len(srv.Calls("sendMessage")); n != 3 {
		t.Errorf("%d replies sent, want the burst of 3", n)
	}
	logs := b.logs.String()
	for _, want := range []string{"giving up on them", "messages not sent: the bot is stopping", "messages=3"} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %q:\n%s", want, logs)
		}
	}
	if g := outboxGoroutines(); g != "" {
		t.Errorf("goroutines left after Run returned:\n%s", g)
	}
}

// outboxGoroutines returns the stacks of the goroutines running the
// outbox or a session, or "".
func outboxGoroutines() string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var found []string
	for g := range strings.SplitSeq(string(buf), "\n\n") {
		if strings.Contains(g, "eventbot/bot/telegram.(*Outbox)") || strings.Contains(g, "eventbot/bot.(*session)") {
			found = append(found, g)
		}
	}
	return strings.Join(found, "\n\n")
}
