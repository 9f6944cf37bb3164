package bot

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"eventbot/bot/store"
	"eventbot/bot/telegram"
	"eventbot/bot/telegramtest"
)

// The rows of issue 10's table, each against the fake Bot API
// misbehaving: every question ends answered once.

// askMany pushes n questions, each from its own user and private chat
// (so that neither flood control nor the per-chat limit is what is
// tested), and returns their update ids.
func askMany(srv *telegramtest.Server, n int, from int64) []int {
	ids := make([]int, n)
	for i := range ids {
		chat := from + int64(i)
		ids[i] = srv.PushMessage(chat, chat, "private", fmt.Sprintf("question %d", chat))
	}
	return ids
}

// delivered returns, for each update id of a question, how many replies
// to it Telegram accepted.
func delivered(srv *telegramtest.Server, ids []int) map[int]int {
	counts := make(map[int]int, len(ids))
	byMessage := make(map[string]int, len(ids))
	for _, id := range ids {
		counts[id] = 0
		byMessage[fmt.Sprint(srv.MessageID(id))] = id
	}
	for _, c := range srv.Calls("sendMessage") {
		if id, ok := byMessage[c.Get("reply_to_message_id")]; ok && c.Status == 200 {
			counts[id]++
		}
	}
	return counts
}

// lostAndTwice counts the questions never answered and the replies
// beyond the first.
func lostAndTwice(counts map[int]int) (lost, twice int) {
	for _, n := range counts {
		if n == 0 {
			lost++
		}
		if n > 1 {
			twice += n - 1
		}
	}
	return lost, twice
}

// waitAnswered waits until every question in ids has a reply Telegram
// accepted, advancing clk (if not nil) from timer to timer meanwhile.
func waitAnswered(t *testing.T, srv *telegramtest.Server, clk *telegramtest.Clock, ids []int) {
	t.Helper()
	all := func(calls []telegramtest.Call) bool {
		lost, _ := lostAndTwice(delivered(srv, ids))
		return lost == 0
	}
	if clk == nil {
		srv.WaitUntil(t, "every question answered", all)
		return
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for !all(nil) {
			time.Sleep(2 * time.Millisecond)
		}
	}()
	deadline := time.After(telegramtest.WaitTimeout)
	for {
		at, ok := clk.Next(t, done)
		if !ok {
			return
		}
		clk.AdvanceTo(at)
		select {
		case <-deadline:
			t.Fatalf("not every question answered within %v", telegramtest.WaitTimeout)
		default:
		}
	}
}

// waitLog waits until b has logged text.
func waitLog(t *testing.T, b *testBot, text string) {
	t.Helper()
	deadline := time.Now().Add(telegramtest.WaitTimeout)
	for !strings.Contains(b.logs.String(), text) {
		if time.Now().After(deadline) {
			t.Fatalf("%q not logged within %v", text, telegramtest.WaitTimeout)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// unlimited lifts the sending limits, which are not what these tests
// are about.
func unlimited(c *Config) {
	off := telegram.Rate{Every: -1}
	c.Limits = telegram.Limits{Global: off, Private: off, Group: off}
}

// TestTypingHangs: sendChatAction hangs; every question is answered all
// the same, once.
func TestTypingHangs(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	srv.Fail("sendChatAction", telegramtest.Failure{Hang: true, Times: 100})
	r := start(t, newTestBot(t, srv, newFakeKB(), unlimited))
	ids := askMany(srv, 10, 1)
	waitAnswered(t, srv, nil, ids)
	r.stop(t)
	if lost, twice := lostAndTwice(delivered(srv, ids)); lost+twice != 0 {
		t.Errorf("%d questions lost, %d answered twice; want every one answered once", lost, twice)
	}
}

// TestSendFailsForMinutes: sendMessage fails with 5xx and garbage for
// minutes (on the outbox's clock); every reply arrives once;
// a reply that still fails after 10 minutes is dropped, logged, and not
// kept for the next start. (One chat, so that the fake clock moves only
// while no call is in flight.)
func TestSendFailsForMinutes(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	srv.Fail("sendMessage", telegramtest.Failure{Code: 502, Times: 8})
	srv.Fail("sendMessage", telegramtest.Failure{Code: 500, Description: "<html>proxy</html>", Times: 4})
	st := store.NewMemory()
	b := newTestBot(t, srv, newFakeKB(), unlimited, func(c *Config) { c.Store = st })
	clk := telegramtest.NewClock()
	b.clock = clk
	r := start(t, b)
	t0 := clk.Now()
	var ids []int
	for i := range 5 {
		ids = append(ids, srv.PushMessage(1, 1, "private", fmt.Sprintf("question %d", i)))
	}
	waitAnswered(t, srv, clk, ids)
	if lost, twice := lostAndTwice(delivered(srv, ids)); lost+twice != 0 {
		t.Errorf("%d questions lost, %d answered twice; want every one answered once", lost, twice)
	}
	if took := clk.Now().Sub(t0); took < 5*time.Minute {
		t.Errorf("delivered after %v of failures, want the storm to last over 5 minutes", took)
	}

	// A reply refused for longer than telegram.MaxSendRetry is given up.
	srv.Fail("sendMessage", telegramtest.Failure{Code: 503, Times: 1000})
	asked := clk.Now()
	id := srv.PushMessage(77, 77, "private", "question 77")
	done := make(chan struct{})
	go func() {
		defer close(done)
		for !strings.Contains(b.logs.String(), "reply not sent") {
			time.Sleep(2 * time.Millisecond)
		}
	}()
	for {
		at, ok := clk.Next(t, done)
		if !ok {
			break
		}
		clk.AdvanceTo(at)
	}
	r.stop(t)
	if gaveUp := clk.Now().Sub(asked); gaveUp < telegram.MaxSendRetry || gaveUp > telegram.MaxSendRetry+telegram.MaxSendBackoff {
		t.Errorf("gave up after %v, want about %v", gaveUp, telegram.MaxSendRetry)
	}
	if n := delivered(srv, []int{id})[id]; n != 0 {
		t.Errorf("the refused reply arrived %d times", n)
	}
	if unsent, _ := st.Unsent(context.Background()); len(unsent) != 0 {
		t.Errorf("%d replies kept for the next start, want the refused one dropped", len(unsent))
	}
}

// TestSlowSendNotRepeated: a sendMessage that answers late, but within
// the send timeout, is not sent again; one that times out is tried once
// more at most.
func TestSlowSendNotRepeated(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	srv.Fail("sendMessage", telegramtest.Failure{Delay: 300 * time.Millisecond, Times: 3})
	b := newTestBot(t, srv, newFakeKB(), unlimited, func(c *Config) { c.SendTimeout = 5 * time.Second })
	clk := telegramtest.NewClock()
	b.clock = clk
	r := start(t, b)
	ids := askMany(srv, 3, 1)
	waitAnswered(t, srv, clk, ids)
	if lost, twice := lostAndTwice(delivered(srv, ids)); lost+twice != 0 {
		t.Errorf("slow answers: %d questions lost, %d answered twice; want every one answered once", lost, twice)
	}
	if n := len(srv.Calls("sendMessage")); n != 3 {
		t.Errorf("%d sendMessage calls for 3 slow replies, want 3", n)
	}
	r.stop(t)

	// Slower than the send timeout: one try more, then given up.
	srv2 := telegramtest.NewServer(t, testToken)
	srv2.Fail("sendMessage", telegramtest.Failure{Delay: time.Hour, Times: 10})
	b2 := newTestBot(t, srv2, newFakeKB(), unlimited, func(c *Config) { c.SendTimeout = 100 * time.Millisecond })
	clk2 := telegramtest.NewClock()
	b2.clock = clk2
	t.Cleanup(func() {
		if t.Failed() {
			t.Log(b2.logs.String())
		}
	})
	r2 := start(t, b2)
	srv2.PushMessage(1, 1, "private", "question 1")
	srv2.WaitFor(t, "sendMessage", 1)
	at, _ := clk2.Next(t, nil)
	clk2.AdvanceTo(at)
	waitLog(t, b2, "reply not sent")
	r2.stop(t)
	if n := len(srv2.Calls("sendMessage")); n != telegram.MaxSendTimeouts {
		t.Errorf("%d sendMessage calls for a reply that times out, want %d", n, telegram.MaxSendTimeouts)
	}
}

// TestStopWithRepliesQueued: Telegram hangs on every call while replies
// are queued, and the bot is stopped: Run returns within the grace
// period, and the next start on the same store sends every reply, once.
func TestStopWithRepliesQueued(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	srv.Fail("sendMessage", telegramtest.Failure{Hang: true, Times: 1000})
	srv.Fail("sendChatAction", telegramtest.Failure{Hang: true, Times: 1000})
	st := store.NewMemory()
	b := newTestBot(t, srv, newFakeKB(), unlimited, func(c *Config) { c.Store = st })
	r := start(t, b)
	ids := askMany(srv, 40, 1)
	srv.WaitFor(t, "sendMessage", telegram.Senders)
	srv.Fail("getUpdates", telegramtest.Failure{Hang: true, Times: 1000})
	stopping := time.Now()
	r.stop(t)
	t.Logf("Run returned %v after its context was cancelled, Telegram hanging", time.Since(stopping))
	if unsent, _ := st.Unsent(context.Background()); len(unsent) == 0 {
		t.Fatalf("no replies kept for the next start")
	}

	srv.Heal()
	b2 := newTestBot(t, srv, newFakeKB(), unlimited, func(c *Config) { c.Store = st })
	r2 := start(t, b2)
	waitAnswered(t, srv, nil, ids)
	r2.stop(t)
	counts := make(map[string]int)
	for _, c := range srv.Calls("sendMessage") {
		if c.Status == 200 {
			counts[c.Get("chat_id")]++
		}
	}
	for i := range ids {
		if n := counts[fmt.Sprint(1+i)]; n != 1 {
			t.Errorf("chat %d: %d replies, want 1", 1+i, n)
		}
	}
}

// TestIDsBelowOffset: after Telegram restarts its update ids below the
// offset, the new updates are handled, logged, and confirmed, and the
// poll loop backs off instead of spinning.
func TestIDsBelowOffset(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	b := newTestBot(t, srv, newFakeKB(), unlimited)
	r := start(t, b)
	first := askMany(srv, 3, 1)
	waitAnswered(t, srv, nil, first)
	srv.RestartIDs(5)
	later := askMany(srv, 3, 10)
	waitAnswered(t, srv, nil, later)
	srv.WaitUntil(t, "the restarted ids confirmed", func([]telegramtest.Call) bool { return len(srv.Pending()) == 0 })
	r.stop(t)
	if lost, twice := lostAndTwice(delivered(srv, append(first, later...))); lost+twice != 0 {
		t.Errorf("%d questions lost, %d answered twice; want every one answered once", lost, twice)
	}
	if !strings.Contains(b.logs.String(), "updates with ids below the offset") {
		t.Errorf("ids below the offset not logged:\n%s", b.logs.String())
	}
	if n := len(srv.Calls("getUpdates")); n > 20 {
		t.Errorf("%d getUpdates calls: the poll loop spins", n)
	}
	var backoffs int
	for _, d := range b.sleeps.All() {
		if d >= time.Second {
			backoffs++
		}
	}
	if backoffs == 0 {
		t.Errorf("no backoff after ids below the offset")
	}
}

// TestRepliesInOrderPerChat: a chat's updates are handled in turn, so
// its replies follow its questions even when the first takes long;
// another chat is answered meanwhile.
func TestRepliesInOrderPerChat(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	kb := newFakeKB()
	r := start(t, newTestBot(t, srv, kb, unlimited))
	ids := []int{srv.PushMessage(1, 1, "private", blockQuestion)}
	<-kb.started
	for i := range 3 {
		ids = append(ids, srv.PushMessage(1, 1, "private", fmt.Sprintf("question %d", i)))
	}
	other := srv.PushMessage(2, 2, "private", "another chat")
	srv.WaitUntil(t, "the other chat answered", func(calls []telegramtest.Call) bool {
		for _, c := range telegramtest.InChat(calls, 2) {
			if c.Method == "sendMessage" && c.Status == 200 {
				return true
			}
		}
		return false
	})
	if n := len(telegramtest.InChat(srv.Calls("sendMessage"), 1)); n != 0 {
		t.Errorf("%d replies in chat 1 before its first question is answered", n)
	}
	close(kb.release)
	waitAnswered(t, srv, nil, append(ids, other))
	r.stop(t)
	var order []string
	for _, c := range telegramtest.InChat(srv.Calls("sendMessage"), 1) {
		order = append(order, c.Get("reply_to_message_id"))
	}
	for i, id := range ids {
		if i >= len(order) || order[i] != fmt.Sprint(srv.MessageID(id)) {
			t.Fatalf("replies to messages %v, want the questions' order", order)
		}
	}
}

func TestLaneOf(t *testing.T) {
	for _, tt := range []struct {
		raw  string
		want int64
	}{
		{`{"update_id":1,"message":{"chat":{"id":-100}}}`, -100},
		{`{"update_id":1,"callback_query":{"from":{"id":7},"message":{"chat":{"id":-5}}}}`, -5},
		{`{"update_id":1,"callback_query":{"from":{"id":7},"inline_message_id":"x"}}`, 7},
		{`{"update_id":1,"inline_query":{"from":{"id":8}}}`, 8},
		{`{"update_id":1}`, 0},
		{`not json`, 0},
	} {
		if got := laneOf([]byte(tt.raw)); got != tt.want {
			t.Errorf("laneOf(%s) = %d, want %d", tt.raw, got, tt.want)
		}
	}
}
