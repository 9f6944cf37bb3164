package bot

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"eventbot/bot/store"
	"eventbot/bot/telegramtest"
	"eventbot/knowledge"
)

// fakeClock is a clock that moves only when a test advances it.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	timers  []*fakeTimer
	changed chan struct{} // closed and replaced when a timer is added
}

type fakeTimer struct {
	at time.Time
	c  chan time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2024, 3, 22, 20, 0, 0, 0, time.UTC), changed: make(chan struct{})}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Timer(at time.Time) (<-chan time.Time, func() bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{at: at, c: make(chan time.Time, 1)}
	if !at.After(c.now) {
		t.c <- c.now
		return t.c, func() bool { return false }
	}
	c.timers = append(c.timers, t)
	close(c.changed)
	c.changed = make(chan struct{})
	return t.c, func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		i := slices.Index(c.timers, t)
		if i < 0 {
			return false
		}
		c.timers = slices.Delete(c.timers, i, i+1)
		return true
	}
}

// next waits until a timer is pending and returns the earliest deadline.
// It returns false if done is closed first, and fails the test after
// telegramtest.WaitTimeout.
func (c *fakeClock) next(tb testing.TB, done <-chan struct{}) (time.Time, bool) {
	tb.Helper()
	timeout := time.NewTimer(telegramtest.WaitTimeout)
	defer timeout.Stop()
	for {
		c.mu.Lock()
		changed := c.changed
		var at time.Time
		for _, t := range c.timers {
			at = earliest(at, t.at)
		}
		c.mu.Unlock()
		if !at.IsZero() {
			return at, true
		}
		select {
		case <-changed:
		case <-done:
			return time.Time{}, false
		case <-timeout.C:
			tb.Fatalf("no timer set within %v", telegramtest.WaitTimeout)
		}
	}
}

// advanceTo moves the clock to t and fires the timers due.
func (c *fakeClock) advanceTo(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.After(c.now) {
		c.now = t
	}
	c.timers = slices.DeleteFunc(c.timers, func(ft *fakeTimer) bool {
		if ft.at.After(c.now) {
			return false
		}
		ft.c <- c.now
		return true
	})
}

// runUntil advances the clock from timer to timer until done is closed.
func (c *fakeClock) runUntil(tb testing.TB, done <-chan struct{}) {
	tb.Helper()
	for {
		at, ok := c.next(tb, done)
		if !ok {
			return
		}
		c.advanceTo(at)
	}
}

// newTestSender returns a sender connected to srv that records its waits
// in sl.
func newTestSender(tb testing.TB, srv *telegramtest.Server, sl *sleeps) *sender {
	tb.Helper()
	tg := &sender{
		logger:   slog.New(slog.DiscardHandler),
		token:    testToken,
		endpoint: srv.Endpoint(),
		client:   &http.Client{Timeout: 10 * time.Second},
		sleep:    sl.sleep,
		attempts: 5,
		backoff:  500 * time.Millisecond,
	}
	if _, err := tg.connect(context.Background()); err != nil {
		tb.Fatalf("connect: %v", err)
	}
	return tg
}

// newTestOutbox starts an outbox sending through p at limits (zero
// fields: Telegram's) on clk, and closes it when the test ends.
func newTestOutbox(tb testing.TB, p poster, clk clock, limits Limits) (*outbox, *logBuffer) {
	tb.Helper()
	limits, err := limits.withDefaults()
	if err != nil {
		tb.Fatal(err)
	}
	logs := new(logBuffer)
	o := newOutbox(slog.New(slog.NewTextHandler(logs, nil)), p, store.NewMemory(), clk, limits)
	o.start(context.Background())
	tb.Cleanup(func() { o.close(time.Second) })
	return o, logs
}

// waitDone waits for d, failing the test after telegramtest.WaitTimeout.
func waitDone(tb testing.TB, d *delivery) {
	tb.Helper()
	select {
	case <-d.done():
	case <-time.After(telegramtest.WaitTimeout):
		tb.Fatalf("delivery not done within %v", telegramtest.WaitTimeout)
	}
}

// chatCalls returns the calls to chat id.
func chatCalls(calls []telegramtest.Call, id int64) []telegramtest.Call {
	var out []telegramtest.Call
	for _, c := range calls {
		if c.Int("chat_id") == id {
			out = append(out, c)
		}
	}
	return out
}

// TestOutboxGroupFlood queues 150 messages to one group at Telegram's
// limits, on a fake clock: they arrive in order, none lost, never more
// than 20 in a minute and not slower than that; and a private chat's
// message goes out meanwhile, without the clock moving.
func TestOutboxGroupFlood(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	sl := new(sleeps)
	clk := newFakeClock()
	o, _ := newTestOutbox(t, newTestSender(t, srv, sl), clk, Limits{})
	const group, n = -100123, 150
	t0 := clk.Now()

	ds := make([]*delivery, n)
	for i := range ds {
		ds[i] = o.send(group, "supergroup", htmlMessage(group, fmt.Sprintf("message %d", i), 0, nil))
	}
	private := o.send(42, "private", htmlMessage(42, "private", 0, nil))
	waitDone(t, private)
	if _, err := private.wait(context.Background()); err != nil {
		t.Errorf("private message: %v", err)
	}
	if private.sentAt[0] != t0 || clk.Now() != t0 {
		t.Errorf("private message sent at +%v, want at once: the group's queue held it up", private.sentAt[0].Sub(t0))
	}

	clk.runUntil(t, ds[n-1].done())

	calls := chatCalls(srv.Calls("sendMessage"), group)
	if len(calls) != n {
		t.Fatalf("%d messages reached the group, want %d", len(calls), n)
	}
	for i, c := range calls {
		if want := fmt.Sprintf("message %d", i); c.Get("text") != want || c.Status != 200 {
			t.Fatalf("message %d: %q with status %d, want %q with 200", i, c.Get("text"), c.Status, want)
		}
	}
	var sent []time.Time
	for i, d := range ds {
		m, err := d.wait(context.Background())
		if err != nil || m.MessageID == 0 {
			t.Fatalf("message %d: %+v, %v; want a message", i, m, err)
		}
		sent = append(sent, d.sentAt[0])
	}
	if !slices.IsSortedFunc(sent, time.Time.Compare) {
		t.Errorf("send times out of order")
	}
	for i := 0; i+20 < n; i++ {
		if gap := sent[i+20].Sub(sent[i]); gap < time.Minute {
			t.Fatalf("messages %d to %d went out within %v: more than 20 in a minute", i, i+20, gap)
		}
	}
	// A burst of 3, then one every 60/17 s: the last at 147·60/17 s.
	if took, want := sent[n-1].Sub(t0), 147*time.Minute/17+time.Millisecond; took > want {
		t.Errorf("the last message went out at +%v, want by +%v: slower than the limit", took, want)
	}
	if s := sl.all(); len(s) != 0 {
		t.Errorf("the sender slept %v, want no waits", s)
	}
}

// TestOutboxRateLimitedChatWaits checks that a 429 on a group pauses
// that group for the retry_after Telegram gives, on the outbox's clock,
// while a private chat's message goes out at once.
func TestOutboxRateLimitedChatWaits(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	srv.RateLimit("sendMessage", 5, 1)
	sl := new(sleeps)
	clk := newFakeClock()
	o, logs := newTestOutbox(t, newTestSender(t, srv, sl), clk, Limits{})
	t0 := clk.Now()

	group := o.send(-100200, "group", htmlMessage(-100200, "group message", 0, nil))
	srv.WaitFor(t, "sendMessage", 1)
	resume, _ := clk.next(t, nil)
	if resume != t0.Add(5*time.Second) {
		t.Errorf("the group waits until +%v, want the +5s Telegram asked for", resume.Sub(t0))
	}

	private := o.send(42, "private", htmlMessage(42, "private message", 0, nil))
	waitDone(t, private)
	if _, err := private.wait(context.Background()); err != nil || private.sentAt[0] != t0 {
		t.Errorf("private message: sent at +%v, err %v; want at once", private.sentAt[0].Sub(t0), err)
	}
	select {
	case <-group.done():
		t.Fatalf("the group's message was done before its wait: %v", group.err)
	default:
	}

	clk.advanceTo(resume)
	waitDone(t, group)
	if _, err := group.wait(context.Background()); err != nil {
		t.Errorf("group message: %v", err)
	}
	if at := group.sentAt[0]; at.Before(t0.Add(5 * time.Second)) {
		t.Errorf("group message resent at +%v, want at +5s or later", at.Sub(t0))
	}
	var got []string
	for _, c := range srv.Calls("sendMessage") {
		got = append(got, fmt.Sprintf("%s %d", c.Get("chat_id"), c.Status))
	}
	if want := []string{"-100200 429", "42 200", "-100200 200"}; !slices.Equal(got, want) {
		t.Errorf("sendMessage calls %q, want %q", got, want)
	}
	if s := sl.all(); len(s) != 0 {
		t.Errorf("the sender slept %v; the outbox should pause the chat instead", s)
	}
	if !strings.Contains(logs.String(), "chat paused") {
		t.Errorf("the pause was not logged:\n%s", logs)
	}
}

// TestOutboxKeepsOrderPerChat checks, with no limits and calls to many
// chats at once, that each chat's messages arrive in the order queued,
// and that a reply whose part fails for good drops the parts after it.
func TestOutboxKeepsOrderPerChat(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	off := Rate{Every: -1}
	o, logs := newTestOutbox(t, newTestSender(t, srv, new(sleeps)), realClock{}, Limits{Global: off, Private: off, Group: off})
	const chats, each = 8, 25
	var last []*delivery
	for i := range each {
		for c := range chats {
			d := o.send(int64(c+1), "private", htmlMessage(int64(c+1), fmt.Sprintf("%d", i), 0, nil))
			if i == each-1 {
				last = append(last, d)
			}
		}
	}
	// A reply in three parts whose second is refused: the third is not sent.
	bad := htmlMessage(99, "<b>unclosed", 0, nil)
	reply := o.sendAll(99, "private", []outMsg{htmlMessage(99, "one", 0, nil), bad, htmlMessage(99, "three", 0, nil)})
	for _, d := range append(last, reply) {
		waitDone(t, d)
	}
	calls := srv.Calls("sendMessage")
	for c := range chats {
		var got []string
		for _, call := range chatCalls(calls, int64(c+1)) {
			got = append(got, call.Get("text"))
		}
		var want []string
		for i := range each {
			want = append(want, fmt.Sprint(i))
		}
		if !slices.Equal(got, want) {
			t.Errorf("chat %d got %v, want %v", c+1, got, want)
		}
	}
	var got []string
	for _, call := range chatCalls(calls, 99) {
		got = append(got, fmt.Sprintf("%s %d", call.Get("text"), call.Status))
	}
	if want := []string{"one 200", "<b>unclosed 400"}; !slices.Equal(got, want) {
		t.Errorf("reply parts sent %q, want %q", got, want)
	}
	if _, err := reply.wait(context.Background()); err == nil || !strings.Contains(err.Error(), "send to chat 99: sendMessage: Bad Request") {
		t.Errorf("reply error %v, want the 400 of its second part", err)
	}
	if l := logs.String(); !strings.Contains(l, "reply not sent") || !strings.Contains(l, "parts_dropped=1") {
		t.Errorf("the failure was not logged with the part dropped:\n%s", l)
	}
}

// TestOutboxForgetsIdleChats checks that the outbox drops the state of
// chats it has had nothing to send to for a while.
func TestOutboxForgetsIdleChats(t *testing.T) {
	clk := newFakeClock()
	o, _ := newTestOutbox(t, nopPoster{}, clk, Limits{Global: Rate{Every: -1}})
	for i := range 50 {
		waitDone(t, o.send(int64(i+1), "private", htmlMessage(int64(i+1), "hi", 0, nil)))
	}
	if n := o.len(); n != 50 {
		t.Fatalf("outbox holds %d chats, want 50", n)
	}
	clk.advanceTo(clk.Now().Add(outboxSweep))
	waitDone(t, o.send(1000, "group", htmlMessage(1000, "hi", 0, nil)))
	if n := o.len(); n != 1 {
		t.Errorf("outbox holds %d chats after a minute idle, want only the one just used", n)
	}
}

// TestOutboxClosed checks that a message queued after close fails at
// once, and is logged.
func TestOutboxClosed(t *testing.T) {
	o, logs := newTestOutbox(t, nopPoster{}, realClock{}, Limits{})
	o.close(time.Second)
	d := o.send(1, "private", htmlMessage(1, "late", 0, nil))
	if _, err := d.wait(context.Background()); err == nil || !strings.Contains(err.Error(), "outbox closed") {
		t.Errorf("send after close: %v, want outbox closed", err)
	}
	if !strings.Contains(logs.String(), "reply not sent") {
		t.Errorf("the message refused was not logged:\n%s", logs)
	}
	if g := outboxGoroutines(); g != "" {
		t.Errorf("goroutines left after close:\n%s", g)
	}
}

// TestOutboxQueueBound checks that a chat's queue is bounded: beyond
// maxChatQueue messages, sending fails at once.
func TestOutboxQueueBound(t *testing.T) {
	o, _ := newTestOutbox(t, nopPoster{}, newFakeClock(), Limits{})
	// The burst goes out; then the clock never moves, so nothing more does.
	for range 3 {
		waitDone(t, o.send(7, "private", htmlMessage(7, "hi", 0, nil)))
	}
	var last *delivery
	for range maxChatQueue {
		last = o.send(7, "private", htmlMessage(7, "queued", 0, nil))
	}
	over := o.send(7, "private", htmlMessage(7, "one too many", 0, nil))
	waitDone(t, over)
	if _, err := over.wait(context.Background()); err == nil || !strings.Contains(err.Error(), "too many messages queued") {
		t.Errorf("message beyond the bound: %v, want too many messages queued", err)
	}
	select {
	case <-last.done():
		t.Errorf("the last message within the bound is done: %v", last.err)
	default:
	}
}

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
	b := newTestBot(t, srv, kb, func(c *Config) { c.Limits.Private = Rate{Every: time.Millisecond, Burst: 1} })
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
	b.clock = newFakeClock()
	r := start(t, b)

	for i := range 6 {
		srv.PushMessage(42, 7, "private", fmt.Sprintf("question %d", i))
	}
	srv.PushMessage(43, 8, "private", "another chat")
	srv.WaitFor(t, "sendMessage", 4)
	calls := srv.Calls("sendMessage")
	if n := len(chatCalls(calls, 42)); n != 3 {
		t.Errorf("chat 42 got %d replies on a frozen clock, want its burst of 3", n)
	}
	if n := len(chatCalls(calls, 43)); n != 1 {
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
	clk := newFakeClock()
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
	clk.runUntil(t, returned)
	if err := r.wait(t); err != nil {
		t.Fatalf("Run: %v", err)
	}

	calls := chatCalls(srv.Calls("sendMessage"), 42)
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
	b.clock = newFakeClock() // never advanced
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
		if strings.Contains(g, "eventbot/bot.(*outbox)") || strings.Contains(g, "eventbot/bot.(*session)") {
			found = append(found, g)
		}
	}
	return strings.Join(found, "\n\n")
}

// nopPoster sends nothing and succeeds at once.
type nopPoster struct{}

func (nopPoster) deliver(context.Context, string, tgbotapi.Params) (tgbotapi.Message, error) {
	return tgbotapi.Message{MessageID: 1}, nil
}

// BenchmarkOutbox measures messages a second through the outbox with no
// limits: its own overhead with a poster that returns at once, and with
// the fake Bot API server over loopback HTTP.
func BenchmarkOutbox(b *testing.B) {
	off := Rate{Every: -1}
	unlimited := Limits{Global: off, Private: off, Group: off}
	for _, bc := range []struct {
		name  string
		chats int
		http  bool
	}{
		{"nop/1chat", 1, false},
		{"nop/64chats", 64, false},
		{"telegramtest/64chats", 64, true},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var p poster = nopPoster{}
			if bc.http {
				p = newTestSender(b, telegramtest.NewServer(b, testToken), new(sleeps))
			}
			o, _ := newTestOutbox(b, p, realClock{}, unlimited)
			msg := htmlMessage(1, "hi", 0, nil)
			ds := make([]*delivery, 0, bc.chats)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				d := o.send(int64(i%bc.chats+1), "private", msg)
				if i >= b.N-bc.chats {
					ds = append(ds, d)
				}
			}
			for _, d := range ds {
				<-d.done()
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}
