package bot

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync/atomic"
	"testing"

	"eventbot/bot/store"
	"eventbot/bot/telegramtest"
)

// failingJournal is a store whose Journal fails the first fails times.
type failingJournal struct {
	store.Store
	fails atomic.Int32
}

func (f *failingJournal) Journal(ctx context.Context, updates []store.Update, offset int) ([]store.Update, error) {
	if f.fails.Add(-1) >= 0 {
		return nil, errors.New("disk full")
	}
	return f.Store.Journal(ctx, updates, offset)
}

// TestWebhookAnswers200OnlyOnceJournaled: while the journal fails, the
// webhook answers 500 and Telegram sends the update again; once it is
// journaled the answer is 200, and the question is answered once. A
// request without the secret gets 401 and is not journaled.
func TestWebhookAnswers200OnlyOnceJournaled(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	st := &failingJournal{Store: store.NewMemory()}
	st.fails.Store(2)
	var b *testBot
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { b.Webhook().ServeHTTP(w, r) }))
	defer hook.Close()
	b = newTestBot(t, srv, newFakeKB(), func(c *Config) {
		c.Store, c.WebhookURL, c.WebhookSecret = st, hook.URL+"/telegram", "s3cret"
	})
	r := start(t, b)
	srv.WaitFor(t, "setWebhook", 1)
	id := srv.PushMessage(42, 7, "private", claimQuestion)
	waitAnswered(t, srv, nil, []int{id})

	req, _ := http.NewRequest(http.MethodPost, hook.URL+"/telegram", nil)
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", "wrong")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	r.stop(t)

	if got, want := srv.WebhookStatuses(), []int{500, 500, 200}; !slices.Equal(got, want) {
		t.Errorf("webhook deliveries answered %v, want %v", got, want)
	}
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("a request with a wrong secret: %d, want 401", resp.StatusCode)
	}
	if lost, twice := lostAndTwice(delivered(srv, []int{id})); lost+twice != 0 {
		t.Errorf("%d lost, %d answered twice; want the question answered once", lost, twice)
	}
}
