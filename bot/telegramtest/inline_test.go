package telegramtest

import (
	"fmt"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

func TestAnswerInlineQueryChecks(t *testing.T) {
	s := NewServer(t, token)
	api := client(t, s)
	article := func(id, text string) tgbotapi.InlineQueryResultArticle {
		return tgbotapi.NewInlineQueryResultArticleHTML(id, "title", text)
	}
	many := make([]any, MaxInlineResults+1)
	for i := range many {
		many[i] = article(fmt.Sprint(i), "x")
	}
	for _, tt := range []struct {
		name string
		cfg  tgbotapi.InlineConfig
		ok   bool
	}{
		{"good", tgbotapi.InlineConfig{Results: []any{article("a", "<b>x</b>"), article("b", "y")}, CacheTime: 1,
			SwitchPMText: "Private", SwitchPMParameter: "from-inline_1"}, true},
		{"no results", tgbotapi.InlineConfig{Results: []any{}}, true},
		{"too many", tgbotapi.InlineConfig{Results: many}, false},
		{"duplicate id", tgbotapi.InlineConfig{Results: []any{article("a", "x"), article("a", "y")}}, false},
		{"long id", tgbotapi.InlineConfig{Results: []any{article(strings.Repeat("i", MaxResultIDLen+1), "x")}}, false},
		{"bad HTML", tgbotapi.InlineConfig{Results: []any{article("a", "a & b")}}, false},
		{"too long", tgbotapi.InlineConfig{Results: []any{article("a", strings.Repeat("x", MaxMessageLen+1))}}, false},
		{"no title", tgbotapi.InlineConfig{Results: []any{tgbotapi.NewInlineQueryResultArticle("a", "", "x")}}, false},
		{"bad start parameter", tgbotapi.InlineConfig{Results: []any{}, SwitchPMText: "Private", SwitchPMParameter: "a b"}, false},
		{"no start parameter", tgbotapi.InlineConfig{Results: []any{}, SwitchPMText: "Private"}, false},
	} {
		tt.cfg.InlineQueryID = "1"
		_, err := api.Request(tt.cfg)
		if (err == nil) != tt.ok {
			t.Errorf("%s: error %v, want ok %v", tt.name, err, tt.ok)
		}
	}
	calls := s.Calls("answerInlineQuery")
	results, err := calls[0].InlineResults()
	if err != nil || len(results) != 2 || results[0].ID != "a" || results[0].InputMessageContent.MessageText != "<b>x</b>" ||
		results[0].InputMessageContent.ParseMode != "HTML" {
		t.Errorf("recorded results %+v, %v", results, err)
	}
}

func TestAnswerCallbackQueryChecks(t *testing.T) {
	s := NewServer(t, token)
	api := client(t, s)
	if _, err := api.Request(tgbotapi.NewCallback("1", strings.Repeat("x", MaxCallbackTextLen))); err != nil {
		t.Errorf("notice of %d characters refused: %v", MaxCallbackTextLen, err)
	}
	if _, err := api.Request(tgbotapi.NewCallback("1", strings.Repeat("x", MaxCallbackTextLen+1))); err == nil {
		t.Errorf("notice of %d characters accepted", MaxCallbackTextLen+1)
	}
}

func TestRepliesAndEdits(t *testing.T) {
	s := NewServer(t, token)
	api := client(t, s)
	user := s.MessageID(s.PushMessage(-1, 6, "group", "hello"))
	sent, err := api.Send(tgbotapi.NewMessage(-1, "the bot speaks"))
	if err != nil {
		t.Fatal(err)
	}
	if c := s.WaitForDone(t, "sendMessage", 1)[0]; c.MessageID() != sent.MessageID || c.Status != 200 {
		t.Errorf("recorded call: message id %d, status %d; want %d, 200", c.MessageID(), c.Status, sent.MessageID)
	}

	// Replies and button presses carry the message they refer to.
	reply, _ := s.Update(s.PushMessage(-1, 7, "group", "a reply", WithReplyTo(sent.MessageID)))
	if r := reply.Message.ReplyToMessage; r.From == nil || r.From.ID != s.Me().ID || r.Text != "the bot speaks" {
		t.Errorf("reply to the bot's message: %+v", r)
	}
	toUser, _ := s.Update(s.PushMessage(-1, 7, "group", "a reply", WithReplyTo(user)))
	if r := toUser.Message.ReplyToMessage; r.From == nil || r.From.ID != 6 || r.Text != "hello" {
		t.Errorf("reply to a user's message: %+v", r)
	}
	press, _ := s.Update(s.PushCallbackQuery(-1, 7, sent.MessageID, "data"))
	if m := press.CallbackQuery.Message; m.From == nil || m.From.ID != s.Me().ID || m.Text != "the bot speaks" {
		t.Errorf("callback query message: %+v", m)
	}

	edit := tgbotapi.NewEditMessageText(-1, sent.MessageID, "<b>edited</b>")
	edit.ParseMode = "HTML"
	for _, tt := range []struct {
		name string
		edit tgbotapi.EditMessageTextConfig
		want string // error, "" for none
	}{
		{"edit", edit, ""},
		{"same again", edit, "message is not modified"},
		{"a user's message", tgbotapi.NewEditMessageText(-1, user, "x"), "message can't be edited"},
		{"unknown message", tgbotapi.NewEditMessageText(-1, 99999, "x"), "message to edit not found"},
		{"bad HTML", func() tgbotapi.EditMessageTextConfig { e := edit; e.Text = "<b>"; return e }(), "can't parse entities"},
	} {
		_, err := api.Request(tt.edit)
		if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
	press, _ = s.Update(s.PushCallbackQuery(-1, 7, sent.MessageID, "data"))
	if got := press.CallbackQuery.Message.Text; got != "edited" {
		t.Errorf("after the edit the message reads %q, want %q", got, "edited")
	}
}

func TestAllowedUpdates(t *testing.T) {
	s := NewServer(t, token)
	api := client(t, s)
	s.PushInlineQuery(1, "dropped")
	msg := s.PushMessage(1, 1, "private", "kept")
	updates, err := api.GetUpdates(tgbotapi.UpdateConfig{AllowedUpdates: []string{"message"}})
	if err != nil || len(updates) != 1 || updates[0].UpdateID != msg {
		t.Errorf("getUpdates for messages only: %+v, %v; want update %d", updates, err, msg)
	}
	// The setting stays until changed.
	s.PushInlineQuery(1, "dropped too")
	if updates, err := api.GetUpdates(tgbotapi.UpdateConfig{Offset: msg + 1}); err != nil || len(updates) != 0 {
		t.Errorf("getUpdates: %+v, %v; want none", updates, err)
	}
	q := s.PushInlineQuery(1, "wanted", InlineLanguage("uk"))
	updates, err = api.GetUpdates(tgbotapi.UpdateConfig{Offset: msg + 1, AllowedUpdates: []string{"message", "inline_query"}})
	if err != nil || len(updates) != 1 || updates[0].UpdateID != q {
		t.Fatalf("getUpdates with inline queries: %+v, %v; want update %d", updates, err, q)
	}
	if iq := updates[0].InlineQuery; iq.Query != "wanted" || iq.From.LanguageCode != "uk" {
		t.Errorf("inline query %+v, want %q from a Ukrainian speaker", iq, "wanted")
	}
}
