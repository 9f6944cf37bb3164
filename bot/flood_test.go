package bot

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"eventbot/bot/telegramtest"
)

func TestFloodControl(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	kb := newFakeKB()
	b := newTestBot(t, srv, kb, func(c *Config) { c.Flood = FloodLimit{Burst: 2, Every: time.Hour} })
	r := start(t, b)

	// User 7 asks five questions at once, in a private chat and a group;
	// user 8 asks one in the same group.
	for i := range 3 {
		srv.PushMessage(7, 7, "private", fmt.Sprintf("flood %d", i), telegramtest.WithLanguage("ru"))
	}
	for i := 3; i < 5; i++ {
		srv.PushMessage(-100, 7, "supergroup", fmt.Sprintf("/ask flood %d", i), telegramtest.WithLanguage("ru"))
	}
	srv.PushMessage(-100, 8, "supergroup", "/ask calm question")
	srv.WaitForDone(t, "sendMessage", 4)
	r.stop(t) // every update polled is handled once Run returns

	calls := srv.Calls("sendMessage")
	var answers, slowDowns int
	for _, c := range calls {
		text := c.Get("text")
		switch {
		case text == phrasesFor("ru").SlowDown:
			slowDowns++
		case strings.HasPrefix(text, "<b>You asked: flood "):
			answers++
		case strings.HasPrefix(text, "<b>You asked: calm question</b>"):
		default:
			t.Errorf("unexpected reply %q", text)
		}
	}
	if answers != 2 || slowDowns != 1 || len(calls) != 4 {
		t.Errorf("%d replies: %d answers to user 7 and %d slow-downs; want 4: 2 answers, 1 slow-down and the other user's answer",
			len(calls), answers, slowDowns)
	}
	var asked7, asked8 int
	for _, q := range kb.asked() {
		switch {
		case strings.HasPrefix(q, "flood "):
			asked7++
		case q == "calm question":
			asked8++
		}
	}
	if asked7 != 2 || asked8 != 1 {
		t.Errorf("knowledge base asked %d of user 7's questions and %d of user 8's, want 2 and 1", asked7, asked8)
	}
	if logs := b.logs.String(); strings.Contains(logs, "flood 0") || strings.Contains(logs, "flood 4") {
		t.Errorf("questions reached the log:\n%s", logs)
	}
}

func TestFloodGate(t *testing.T) {
	g := newFloodGate(FloodLimit{Burst: 2, Every: time.Minute})
	t0 := time.Date(2024, 3, 22, 20, 0, 0, 0, time.UTC)
	steps := []struct {
		user int64
		at   time.Duration
		want verdict
	}{
		{1, 0, admit},
		{1, 0, admit},
		{1, 0, warn},
		{2, 0, admit}, // another user is unaffected
		{1, time.Second, silence},
		{1, 10 * time.Second, silence},
		{1, time.Minute, admit}, // one question earned
		{1, time.Minute, warn},  // told again after being let through
		{1, time.Minute, silence},
	}
	for i, s := range steps {
		if got := g.check(s.user, t0.Add(s.at)); got != s.want {
			t.Errorf("step %d: user %d at +%v: verdict %d, want %d", i, s.user, s.at, got, s.want)
		}
	}
}

func TestFloodGateForgetsIdleUsers(t *testing.T) {
	t0 := time.Date(2024, 3, 22, 20, 0, 0, 0, time.UTC)
	full := func() *floodGate {
		g := newFloodGate(FloodLimit{Burst: 2, Every: time.Second})
		for id := range int64(minFloodSweep) {
			g.check(id, t0)
		}
		return g
	}

	// While their buckets refill, users are kept.
	g := full()
	g.check(-1, t0.Add(time.Second/2))
	if n := g.len(); n != minFloodSweep+1 {
		t.Errorf("%d users kept, want all %d", n, minFloodSweep+1)
	}

	// Once a bucket is full again, a new one would be the same.
	g = full()
	g.check(-1, t0.Add(2*time.Second))
	if n := g.len(); n != 1 {
		t.Errorf("%d users kept once the others are idle, want 1", n)
	}
	if got := g.check(0, t0.Add(2*time.Second)); got != admit {
		t.Errorf("forgotten user: verdict %d, want admit", got)
	}
}

func TestNewValidatesFloodLimit(t *testing.T) {
	for _, f := range []FloodLimit{{Burst: -1}, {Every: -time.Second}} {
		if _, err := New(nil, Config{Token: testToken, Flood: f}, newFakeKB()); err == nil {
			t.Errorf("New accepted flood limit %+v", f)
		}
	}
	b, err := New(nil, Config{Token: testToken}, newFakeKB())
	if err != nil {
		t.Fatal(err)
	}
	if b.cfg.Flood.Burst != defaultFloodBurst || b.cfg.Flood.Every != defaultFloodEvery {
		t.Errorf("flood limit %+v, want the defaults", b.cfg.Flood)
	}
}

// TestRequestUser: flood control counts a request against its sender,
// or the chat an anonymous group admin writes for.
func TestRequestUser(t *testing.T) {
	s := &session{}
	user := &tgbotapi.User{ID: 7}
	anonymous := &tgbotapi.User{ID: 1087968824, IsBot: true, UserName: "GroupAnonymousBot"}
	chat := &tgbotapi.Chat{ID: -100, Type: "supergroup"}
	for _, tt := range []struct {
		name string
		msg  *tgbotapi.Message
		want int64
	}{
		{"user", &tgbotapi.Message{From: user, Chat: chat}, 7},
		{"anonymous admin", &tgbotapi.Message{From: anonymous, SenderChat: &tgbotapi.Chat{ID: -100}, Chat: chat}, -100},
		{"nobody", &tgbotapi.Message{Chat: chat}, 0},
	} {
		if r, _ := s.requestOf(tt.msg, inGroup); r.userID != tt.want {
			t.Errorf("%s: request user %d, want %d", tt.name, r.userID, tt.want)
		}
	}
}

// len returns how many users the gate holds.
func (g *floodGate) len() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.users)
}
