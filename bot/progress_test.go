package bot

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"eventbot/bot/telegramtest"
	"eventbot/corpus"
	"eventbot/knowledge"
)

// heldLibrary holds each Reload after the reload itself is done (its
// progress all reported), until the test releases it: a reload that
// takes as long as the test wants.
type heldLibrary struct {
	Library
	held, release chan struct{}
}

func (h *heldLibrary) Reload(ctx context.Context) (knowledge.Change, error) {
	ch, err := h.Library.Reload(ctx)
	h.held <- struct{}{}
	<-h.release
	return ch, err
}

// TestAdminReloadShowsProgress runs a /reload that takes more than two
// seconds on the bot's clock: the admin gets a progress reply with the
// articles done of the total, it is edited as time goes on, and at last
// it is edited into the reload's summary, with no other message.
func TestAdminReloadShowsProgress(t *testing.T) {
	dir := seedDir(t)
	live, err := knowledge.OpenLive(context.Background(), nil, corpus.Dir(dir), knowledge.Options{})
	if err != nil {
		t.Fatalf("OpenLive: %v", err)
	}
	t.Cleanup(func() { live.Close() })
	if err := os.WriteFile(filepath.Join(dir, followUpFile), []byte(followUpArticle), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := telegramtest.NewServer(t, testToken)
	srv.AddChat(adminID, "private")
	lib := &heldLibrary{Library: live, held: make(chan struct{}), release: make(chan struct{})}
	b := newTestBot(t, srv, live, func(c *Config) {
		c.AdminIDs = []int64{adminID}
		c.Library = lib
		c.Limits.Global.Every = -1
		c.Limits.Private.Every = -1
	})
	clk := telegramtest.NewClock()
	b.clock = clk
	start(t, b)

	srv.PushMessage(adminID, adminID, "private", "/reload")
	select {
	case <-lib.held:
	case <-time.After(telegramtest.WaitTimeout):
		t.Fatal("the reload did not run")
	}
	articles := live.Stats().Documents
	// Two seconds on: the progress reply.
	at, _ := clk.Next(t, nil)
	clk.AdvanceTo(at)
	calls := srv.WaitUntil(t, "the progress reply", func(calls []telegramtest.Call) bool {
		return len(chatReplies(calls, adminID)) > 0
	})
	progress := chatReplies(calls, adminID)[0]
	mustContain(t, "the progress reply", visible(t, progress),
		"Reloading the corpus: ", thousands(articles)+" of "+thousands(articles)+" articles read", "(2s so far)")
	// Two seconds more: the reply edited.
	at, _ = clk.Next(t, nil)
	clk.AdvanceTo(at)
	edits := srv.WaitForDone(t, "editMessageText", 1)
	if edits[0].Status != 200 || edits[0].MessageID() != progress.MessageID() {
		t.Fatalf("progress edit: status %d, message %d, want 200 and %d", edits[0].Status, edits[0].MessageID(), progress.MessageID())
	}
	mustContain(t, "the edited progress", visible(t, edits[0]), "Reloading the corpus: ", " articles read", "(4s so far)")

	// The reload ends: the reply becomes its summary.
	lib.release <- struct{}{}
	edits = srv.WaitForDone(t, "editMessageText", 2)
	final := edits[1]
	if final.Status != 200 || final.Int("message_id") != int64(progress.MessageID()) {
		t.Fatalf("final edit: status %d, message %s, want 200 and %d", final.Status, final.Get("message_id"), progress.MessageID())
	}
	mustContain(t, "the final reply", visible(t, final), "Corpus reloaded in ", "Added: "+followUpID)
	// The bot answers on; the summary was no new message.
	mustContain(t, "an answer after the reload", (&adminEnv{srv: srv}).say(t, adminID, followUpQuestion), followUpFact)
	if n := len(chatReplies(srv.Calls("sendMessage"), adminID)); n != 2 {
		t.Errorf("%d messages to the admin, want 2: the progress reply and the answer", n)
	}
}

// TestAdminReloadQuickShowsNoProgress: a reload that ends before two
// seconds have passed gets its summary as a new reply, with no edit.
func TestAdminReloadQuickShowsNoProgress(t *testing.T) {
	e := newAdminEnv(t, nil)
	mustContain(t, "the reload reply", e.say(t, adminID, "/reload"), "Corpus reloaded in ")
	if edits := e.srv.Calls("editMessageText"); len(edits) != 0 {
		t.Errorf("%d edits, want none", len(edits))
	}
}

func TestProgressState(t *testing.T) {
	for _, tc := range []struct {
		st   progressState
		want string
	}{
		{progressState{elapsed: 2 * time.Second}, "reading the articles (2s so far)"},
		{progressState{done: 3120, total: 50000, elapsed: 2 * time.Second}, "3,120 of 50,000 articles (6%), 1,560 a second, about 30s left"},
		{progressState{done: 0, total: 50000, elapsed: 2 * time.Second}, "0 of 50,000 articles (0%)"},
		{progressState{done: 7, total: 7, elapsed: 4200 * time.Millisecond}, "7 of 7 articles read; updating the index (4s so far)"},
	} {
		if got := tc.st.String(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.st, got, tc.want)
		}
	}
}

func TestProgressBar(t *testing.T) {
	var out bytes.Buffer
	b := NewProgressBar(&out)
	now := time.Date(2024, 3, 22, 20, 0, 0, 0, time.UTC)
	b.now = func() time.Time { return now }
	at := func(d time.Duration, done, total int) string {
		now = now.Add(d)
		out.Reset()
		b.Report(done, total)
		return out.String()
	}
	steps := []struct {
		after       time.Duration
		done, total int
		want        string
	}{
		{0, 10, 100, ""},
		{time.Second, 40, 100, ""}, // under two seconds: no bar
		{1500 * time.Millisecond, 50, 100, "\r[############............] 50 of 100 articles (50%), 20 a second, about 3s left "},
		{time.Second, 100, 100, "\r[########################] 100 of 100 articles read; updating the index (4s so far) \n"},
		{time.Second, 1, 2, ""}, // another reload, short: no bar
		{time.Second, 2, 2, ""},
	}
	for i, s := range steps {
		if got := at(s.after, s.done, s.total); got != s.want {
			t.Errorf("step %d (%d of %d): %q, want %q", i, s.done, s.total, got, s.want)
		}
	}
}
