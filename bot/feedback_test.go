package bot

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"eventbot/bot/store"
	"eventbot/bot/telegramtest"
)

// voteData returns the callback data of the button labelled label under
// the message a sendMessage call sent.
func voteData(t *testing.T, c telegramtest.Call, label string) string {
	t.Helper()
	var k tgbotapi.InlineKeyboardMarkup
	if err := json.Unmarshal([]byte(c.Get("reply_markup")), &k); err != nil {
		t.Fatalf("reply_markup %q: %v", c.Get("reply_markup"), err)
	}
	for _, row := range k.InlineKeyboard {
		for _, b := range row {
			if b.Text == label && b.CallbackData != nil {
				return *b.CallbackData
			}
		}
	}
	t.Fatalf("no %s button under the answer: %s", label, c.Get("reply_markup"))
	return ""
}

// TestVoteSurvivesRestart: a 👍 changed to 👎 under a private answer is
// one vote, kept in STATE_DB (bbolt) across a restart, and /stats then
// shows it with the question and the sources, and the unanswered
// question asked before the restart.
func TestVoteSurvivesRestart(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	path := filepath.Join(t.TempDir(), "state.db")
	open := func() *store.Bolt {
		st, err := store.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	st := open()
	admin := func(c *Config) { c.AdminIDs = []int64{1}; c.Store = st }
	r := start(t, newTestBot(t, srv, newFakeKB(), admin))
	srv.PushMessage(42, 7, "private", claimQuestion)
	answer := srv.WaitFor(t, "sendMessage", 1)[0]
	srv.PushMessage(43, 8, "private", notFoundQuestion)
	srv.WaitFor(t, "sendMessage", 2)
	up, down := voteData(t, answer, "👍"), voteData(t, answer, "👎")
	srv.PushCallbackQuery(42, 7, answer.MessageID(), up)
	srv.WaitForDone(t, "answerCallbackQuery", 1)
	srv.PushCallbackQuery(42, 7, answer.MessageID(), down) // changed
	srv.PushCallbackQuery(42, 8, answer.MessageID(), down) // another user
	acks := srv.WaitForDone(t, "answerCallbackQuery", 3)
	r.stop(t)
	st.Close()
	for _, a := range acks {
		if a.Get("text") != phrasesFor("en").VoteThanks {
			t.Errorf("vote answered %q, want thanks", a.Get("text"))
		}
	}

	st = open()
	defer st.Close()
	r = start(t, newTestBot(t, srv, newFakeKB(), admin))
	srv.PushMessage(1, 1, "private", "/stats")
	calls := srv.WaitFor(t, "sendMessage", 3)
	r.stop(t)
	stats, err := telegramtest.ParseHTML(calls[2].Get("text"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Questions answered: 2 (2 in private chats",
		"what is the capital of france", // unanswered, kept
		"Feedback: 👍 0, 👎 2 (answers voted on: 1).",
		"Most disliked answers:",
		"1. " + claimQuestion + " — 👎 2, 👍 0 — sources: isis-claim, us-confirms, third, fourth",
	} {
		if !strings.Contains(stats, want) {
			t.Errorf("/stats after a restart lacks %q:\n%s", want, stats)
		}
	}
}
