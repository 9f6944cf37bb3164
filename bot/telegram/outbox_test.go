package telegram

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"eventbot/bot/store"
	"eventbot/bot/telegramtest"
)

// testToken looks like a real token, so that it shows up wherever a real
// one would.
const testToken = "123456789:AAHfake-Token_secretVALUE"

// newTestClient returns a Client connected to srv that records its waits
// in sl.
func newTestClient(tb testing.TB, srv *telegramtest.Server, sl *telegramtest.Sleeps) *Client {
	tb.Helper()
	tg := &Client{
		Logger:   slog.New(slog.DiscardHandler),
		Token:    testToken,
		Endpoint: srv.Endpoint(),
		HTTP:     &http.Client{Timeout: 10 * time.Second},
		Sleep:    sl.Sleep,
		Attempts: 5,
		Backoff:  500 * time.Millisecond,
	}
	if _, err := tg.Connect(context.Background()); err != nil {
		tb.Fatalf("connect: %v", err)
	}
	return tg
}

// newTestOutbox starts an Outbox sending through p at limits (zero
// fields: Telegram's) on clk, and closes it when the test ends.
func newTestOutbox(tb testing.TB, p Poster, clk Clock, limits Limits) (*Outbox, *telegramtest.LogBuffer) {
	tb.Helper()
	limits, err := limits.WithDefaults()
	if err != nil {
		tb.Fatal(err)
	}
	logs := new(telegramtest.LogBuffer)
	o := NewOutbox(slog.New(slog.NewTextHandler(logs, nil)), p, store.NewMemory(), clk, limits)
	o.Start(context.Background())
	tb.Cleanup(func() { o.Close(time.Second) })
	return o, logs
}

// waitDone waits for d, failing the test after telegramtest.WaitTimeout.
func waitDone(tb testing.TB, d *Delivery) {
	tb.Helper()
	select {
	case <-d.Done():
	case <-time.After(telegramtest.WaitTimeout):
		tb.Fatalf("delivery not done within %v", telegramtest.WaitTimeout)
	}
}

// TestOutboxGroupFlood queues 150 messages to one group at Telegram's
// limits, on a fake Clock: they arrive in order, none lost, never more
// than 20 in a minute and not slower than that; and a private chat's
// message goes out meanwhile, without the Clock moving.
func TestOutboxGroupFlood(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	sl := new(telegramtest.Sleeps)
	clk := telegramtest.NewClock()
	o, _ := newTestOutbox(t, newTestClient(t, srv, sl), clk, Limits{})
	const group, n = -100123, 150
	t0 := clk.Now()

	ds := make([]*Delivery, n)
	for i := range ds {
		ds[i] = o.Send(group, "supergroup", HTMLMessage(group, fmt.Sprintf("message %d", i), 0, nil))
	}
	private := o.Send(42, "private", HTMLMessage(42, "private", 0, nil))
	waitDone(t, private)
	if _, err := private.Wait(context.Background()); err != nil {
		t.Errorf("private message: %v", err)
	}
	if private.sentAt[0] != t0 || clk.Now() != t0 {
		t.Errorf("private message sent at +%v, want at once: the group's queue held it up", private.sentAt[0].Sub(t0))
	}

	clk.RunUntil(t, ds[n-1].Done())

	calls := telegramtest.InChat(srv.Calls("sendMessage"), group)
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
		m, err := d.Wait(context.Background())
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
	if s := sl.All(); len(s) != 0 {
		t.Errorf("the sender slept %v, want no waits", s)
	}
}

// TestOutboxRateLimitedChatWaits checks that a 429 on a group pauses
// that group for the retry_after Telegram gives, on the Outbox's Clock,
// while a private chat's message goes out at once.
func TestOutboxRateLimitedChatWaits(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	srv.RateLimit("sendMessage", 5, 1)
	sl := new(telegramtest.Sleeps)
	clk := telegramtest.NewClock()
	o, logs := newTestOutbox(t, newTestClient(t, srv, sl), clk, Limits{})
	t0 := clk.Now()

	group := o.Send(-100200, "group", HTMLMessage(-100200, "group message", 0, nil))
	srv.WaitFor(t, "sendMessage", 1)
	resume, _ := clk.Next(t, nil)
	if resume != t0.Add(5*time.Second) {
		t.Errorf("the group waits until +%v, want the +5s Telegram asked for", resume.Sub(t0))
	}

	private := o.Send(42, "private", HTMLMessage(42, "private message", 0, nil))
	waitDone(t, private)
	if _, err := private.Wait(context.Background()); err != nil || private.sentAt[0] != t0 {
		t.Errorf("private message: sent at +%v, err %v; want at once", private.sentAt[0].Sub(t0), err)
	}
	select {
	case <-group.Done():
		t.Fatalf("the group's message was done before its wait: %v", group.err)
	default:
	}

	clk.AdvanceTo(resume)
	waitDone(t, group)
	if _, err := group.Wait(context.Background()); err != nil {
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
	if s := sl.All(); len(s) != 0 {
		t.Errorf("the sender slept %v; the Outbox should pause the chat instead", s)
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
	o, logs := newTestOutbox(t, newTestClient(t, srv, new(telegramtest.Sleeps)), RealClock{}, Limits{Global: off, Private: off, Group: off})
	const chats, each = 8, 25
	var last []*Delivery
	for i := range each {
		for c := range chats {
			d := o.Send(int64(c+1), "private", HTMLMessage(int64(c+1), fmt.Sprintf("%d", i), 0, nil))
			if i == each-1 {
				last = append(last, d)
			}
		}
	}
	// A reply in three parts whose second is refused: the third is not sent.
	bad := HTMLMessage(99, "<b>unclosed", 0, nil)
	reply := o.SendAll(99, "private", []Msg{HTMLMessage(99, "one", 0, nil), bad, HTMLMessage(99, "three", 0, nil)})
	for _, d := range append(last, reply) {
		waitDone(t, d)
	}
	calls := srv.Calls("sendMessage")
	for c := range chats {
		var got []string
		for _, call := range telegramtest.InChat(calls, int64(c+1)) {
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
	for _, call := range telegramtest.InChat(calls, 99) {
		got = append(got, fmt.Sprintf("%s %d", call.Get("text"), call.Status))
	}
	if want := []string{"one 200", "<b>unclosed 400"}; !slices.Equal(got, want) {
		t.Errorf("reply parts sent %q, want %q", got, want)
	}
	if _, err := reply.Wait(context.Background()); err == nil || !strings.Contains(err.Error(), "send to chat 99: sendMessage: Bad Request") {
		t.Errorf("reply error %v, want the 400 of its second part", err)
	}
	if l := logs.String(); !strings.Contains(l, "reply not sent") || !strings.Contains(l, "parts_dropped=1") {
		t.Errorf("the failure was not logged with the part dropped:\n%s", l)
	}
}

// TestOutboxForgetsIdleChats checks that the Outbox drops the state of
// chats it has had nothing to send to for a while.
func TestOutboxForgetsIdleChats(t *testing.T) {
	clk := telegramtest.NewClock()
	o, _ := newTestOutbox(t, nopPoster{}, clk, Limits{Global: Rate{Every: -1}})
	for i := range 50 {
		waitDone(t, o.Send(int64(i+1), "private", HTMLMessage(int64(i+1), "hi", 0, nil)))
	}
	if n := o.len(); n != 50 {
		t.Fatalf("Outbox holds %d chats, want 50", n)
	}
	clk.AdvanceTo(clk.Now().Add(outboxSweep))
	waitDone(t, o.Send(1000, "group", HTMLMessage(1000, "hi", 0, nil)))
	if n := o.len(); n != 1 {
		t.Errorf("Outbox holds %d chats after a minute idle, want only the one just used", n)
	}
}

// TestOutboxClosed checks that a message queued after close fails at
// once, and is logged.
func TestOutboxClosed(t *testing.T) {
	o, logs := newTestOutbox(t, nopPoster{}, RealClock{}, Limits{})
	o.Close(time.Second)
	d := o.Send(1, "private", HTMLMessage(1, "late", 0, nil))
	if _, err := d.Wait(context.Background()); err == nil || !strings.Contains(err.Error(), "outbox closed") {
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
	o, _ := newTestOutbox(t, nopPoster{}, telegramtest.NewClock(), Limits{})
	// The burst goes out; then the Clock never moves, so nothing more does.
	for range 3 {
		waitDone(t, o.Send(7, "private", HTMLMessage(7, "hi", 0, nil)))
	}
	var last *Delivery
	for range maxChatQueue {
		last = o.Send(7, "private", HTMLMessage(7, "queued", 0, nil))
	}
	over := o.Send(7, "private", HTMLMessage(7, "one too many", 0, nil))
	waitDone(t, over)
	if _, err := over.Wait(context.Background()); err == nil || !strings.Contains(err.Error(), "too many messages queued") {
		t.Errorf("message beyond the bound: %v, want too many messages queued", err)
	}
	select {
	case <-last.Done():
		t.Errorf("the last message within the bound is done: %v", last.err)
	default:
	}
}

// outboxGoroutines returns the stacks of the goroutines running an
// outbox, or "".
func outboxGoroutines() string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var found []string
	for g := range strings.SplitSeq(string(buf), "\n\n") {
		if strings.Contains(g, "eventbot/bot/telegram.(*Outbox)") {
			found = append(found, g)
		}
	}
	return strings.Join(found, "\n\n")
}

// nopPoster sends nothing and succeeds at once.
type nopPoster struct{}

func (nopPoster) Deliver(context.Context, string, tgbotapi.Params) (tgbotapi.Message, error) {
	return tgbotapi.Message{MessageID: 1}, nil
}

// BenchmarkOutbox measures messages a second through the Outbox with no
// limits: its own overhead with a Poster that returns at once, and with
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
			var p Poster = nopPoster{}
			if bc.http {
				p = newTestClient(b, telegramtest.NewServer(b, testToken), new(telegramtest.Sleeps))
			}
			o, _ := newTestOutbox(b, p, RealClock{}, unlimited)
			msg := HTMLMessage(1, "hi", 0, nil)
			ds := make([]*Delivery, 0, bc.chats)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				d := o.Send(int64(i%bc.chats+1), "private", msg)
				if i >= b.N-bc.chats {
					ds = append(ds, d)
				}
			}
			for _, d := range ds {
				<-d.Done()
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}

// Done returns a channel closed once d's messages are sent or failed.
func (d *Delivery) Done() <-chan struct{} { return d.finished }

// len returns how many chats the Outbox keeps state for.
func (o *Outbox) len() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.chats)
}
