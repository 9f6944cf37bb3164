package bot

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"eventbot/bot/telegramtest"
)

// The short answer to claimQuestion in a group, and the full one its
// button expands it to.
const (
	shortClaimHTML = "<b>Islamic State Khorasan (IS-K) claimed responsibility.</b>\n" +
		"Source: <i>IS claims &lt;Crocus&gt; attack</i> — Reuters &amp; Co, 23 March 2024"
	fullClaimHTML = "<b>Islamic State Khorasan (IS-K) claimed responsibility.</b>\n\n" +
		"<blockquote>Amaq said the group's fighters &quot;attacked&quot; the hall.</blockquote>\n" +
		"Source: <i>IS claims &lt;Crocus&gt; attack</i> — Reuters &amp; Co, 23 March 2024\n" +
		"Also: <i>US confirms claim</i> — AP, March 2024\n" +
		"Also: <i>Third</i> — 24 March 2024"
)

// button returns the one inline keyboard button of a sendMessage call,
// failing the test if there isn't exactly one.
func button(t *testing.T, c telegramtest.Call) tgbotapi.InlineKeyboardButton {
	t.Helper()
	var markup tgbotapi.InlineKeyboardMarkup
	if err := c.JSON("reply_markup", &markup); err != nil {
		t.Fatalf("reply_markup: %v", err)
	}
	if len(markup.InlineKeyboard) != 1 || len(markup.InlineKeyboard[0]) != 1 {
		t.Fatalf("keyboard %+v, want one button", markup.InlineKeyboard)
	}
	b := markup.InlineKeyboard[0][0]
	if b.CallbackData == nil || *b.CallbackData == "" || len(*b.CallbackData) > telegramtest.MaxCallbackDataLen {
		t.Fatalf("button %+v: want callback data of 1-%d bytes", b, telegramtest.MaxCallbackDataLen)
	}
	return b
}

func TestGroupAsk(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	kb := newFakeKB()
	r := start(t, newTestBot(t, srv, kb))

	plain := srv.PushMessage(-100, 7, "supergroup", "/ask "+claimQuestion)
	addressed := srv.PushMessage(-200, 8, "group", "/ask@EventBot_Test_Bot "+claimQuestion)
	anonymous := srv.PushMessage(-300, 0, "supergroup", "/ask "+claimQuestion, func(m *tgbotapi.Message) {
		m.From = &tgbotapi.User{ID: 1087968824, IsBot: true, FirstName: "Group", UserName: "GroupAnonymousBot"}
		m.SenderChat = m.Chat
	})
	calls := srv.WaitForDone(t, "sendMessage", 3)
	r.stop(t)

	for chat, update := range map[int64]int{-100: plain, -200: addressed, -300: anonymous} {
		replies := telegramtest.InChat(calls, chat)
		if len(replies) != 1 {
			t.Errorf("chat %d: %d replies, want 1", chat, len(replies))
			continue
		}
		c := replies[0]
		if c.Status != 200 {
			t.Errorf("chat %d: sendMessage status %d", chat, c.Status)
		}
		if got, want := c.Get("reply_to_message_id"), strconv.Itoa(srv.MessageID(update)); got != want {
			t.Errorf("chat %d: reply_to_message_id %s, want %s", chat, got, want)
		}
		if got := c.Get("text"); got != shortClaimHTML {
			t.Errorf("chat %d: reply\n%s\nwant the short answer\n%s", chat, got, shortClaimHTML)
		}
		if b := button(t, c); b.Text != "Show the passage" {
			t.Errorf("chat %d: button %q, want %q", chat, b.Text, "Show the passage")
		}
	}
	if got := kb.asked(); !slices.Equal(got, []string{claimQuestion, claimQuestion, claimQuestion}) {
		t.Errorf("knowledge base asked %q", got)
	}
}

func TestGroupIgnoresWhatIsNotForIt(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	kb := newFakeKB()
	r := start(t, newTestBot(t, srv, kb))

	const chat = -100
	userMsg := srv.MessageID(srv.PushMessage(chat, 7, "supergroup", "hello everyone"))
	srv.PushMessage(chat, 8, "supergroup", "/ask@other_bot "+claimQuestion)
	srv.PushMessage(chat, 8, "supergroup", "/start@other_bot")
	srv.PushMessage(chat, 8, "supergroup", "/help@other_bot", telegramtest.WithReplyTo(userMsg))
	srv.PushMessage(chat, 8, "supergroup", "/weather") // another bot's command
	srv.PushMessage(chat, 8, "supergroup", "what a question", telegramtest.WithReplyTo(userMsg))
	srv.PushMessage(chat, 8, "supergroup", "@other_bot who did it?",
		telegramtest.WithEntities(tgbotapi.MessageEntity{Type: "mention", Offset: 0, Length: 10}))
	srv.PushMessage(chat, 9, "supergroup", "/ask "+claimQuestion, func(m *tgbotapi.Message) { m.From.IsBot = true })
	srv.PushMessage(chat, 9, "supergroup", "An answer sent through inline mode", func(m *tgbotapi.Message) {
		me := srv.Me()
		m.ViaBot = &me
	})
	srv.PushMessage(-300, 9, "channel", "/ask "+claimQuestion)
	sentinel := srv.PushMessage(chat, 10, "supergroup", "/ask the last question")
	srv.WaitFor(t, "sendMessage", 1)
	r.stop(t) // every update polled is handled once Run returns

	calls := srv.Calls("sendMessage")
	if len(calls) != 1 || calls[0].Get("reply_to_message_id") != strconv.Itoa(srv.MessageID(sentinel)) {
		var texts []string
		for _, c := range calls {
			texts = append(texts, c.Get("text"))
		}
		t.Errorf("replies %q, want only the one to the last question", texts)
	}
	if got := kb.asked(); !slices.Equal(got, []string{"the last question"}) {
		t.Errorf("knowledge base asked %q, want only the last question", got)
	}
}

func TestGroupFollowUpReply(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	kb := newFakeKB()
	r := start(t, newTestBot(t, srv, kb))

	const chat = -100
	srv.PushMessage(chat, 7, "supergroup", "/ask "+claimQuestion)
	answer := srv.WaitForDone(t, "sendMessage", 1)[0]
	botMsg := answer.MessageID()
	if botMsg == 0 {
		t.Fatalf("the answer was not sent: %+v", answer)
	}
	followUp := srv.PushMessage(chat, 8, "supergroup", "@eventbot_test_bot  And who confirmed it? ", telegramtest.WithReplyTo(botMsg),
		telegramtest.WithEntities(tgbotapi.MessageEntity{Type: "mention", Offset: 0, Length: 18}))
	empty := srv.PushMessage(chat, 9, "supergroup", "", telegramtest.WithReplyTo(botMsg)) // a sticker, say
	// An inline answer chosen while replying to the bot reaches it too.
	srv.PushMessage(chat, 9, "supergroup", "Sent through inline mode", telegramtest.WithReplyTo(botMsg), func(m *tgbotapi.Message) {
		me := srv.Me()
		m.ViaBot = &me
	})
	srv.WaitForDone(t, "sendMessage", 3)
	r.stop(t) // every update polled is handled once Run returns

	calls := srv.Calls("sendMessage")
	if len(calls) != 3 {
		t.Errorf("%d replies, want 3: the answer, the follow-up and the reply without text", len(calls))
	}
	if got, want := kb.asked(), []string{claimQuestion, "And who confirmed it?"}; !slices.Equal(got, want) {
		t.Errorf("knowledge base asked %q, want %q", got, want)
	}
	replies := replyTo(calls, srv.MessageID(followUp))
	if len(replies) != 1 || !strings.HasPrefix(replies[0].Get("text"), "<b>You asked: And who confirmed it?</b>\nSource: ") {
		t.Errorf("replies to the follow-up: %+v", replies)
	}
	replies = replyTo(calls, srv.MessageID(empty))
	if len(replies) != 1 || replies[0].Get("text") != "Please send your question as text." {
		t.Errorf("replies to a reply without text: %+v", replies)
	}
}

func TestGroupMention(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	kb := newFakeKB()
	r := start(t, newTestBot(t, srv, kb))

	// With privacy mode off, the bot sees every message; Telegram marks
	// mentions with entities whose offsets count UTF-16 code units.
	mention := func(text, name string) telegramtest.MessageOption {
		i := strings.Index(text, name)
		off := len(utf16.Encode([]rune(text[:i])))
		return telegramtest.WithEntities(tgbotapi.MessageEntity{Type: "mention", Offset: off, Length: len(utf16.Encode([]rune(name)))})
	}
	texts := []string{
		"@EventBot_Test_Bot, who claimed responsibility?",
		"Вопрос 💥 @eventbot_test_bot: кто это сделал?",
		"so tell us @eventbot_test_bot what happened",
		"@eventbot_test_bot",
	}
	ids := make([]int, len(texts))
	for i, text := range texts {
		name := "@eventbot_test_bot"
		if i == 0 {
			name = "@EventBot_Test_Bot"
		}
		ids[i] = srv.PushMessage(int64(-100-i), int64(7+i), "supergroup", text, mention(text, name))
	}
	calls := srv.WaitForDone(t, "sendMessage", len(texts))
	r.stop(t)

	got := kb.asked()
	slices.Sort(got)
	want := []string{"so tell us what happened", "who claimed responsibility?", "Вопрос 💥 кто это сделал?"}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("knowledge base asked %q, want %q", got, want)
	}
	for i, id := range ids {
		if n := len(replyTo(calls, srv.MessageID(id))); n != 1 {
			t.Errorf("message %q: %d replies, want 1", texts[i], n)
		}
	}
	if replies := replyTo(calls, srv.MessageID(ids[3])); len(replies) == 1 && !strings.HasPrefix(replies[0].Get("text"), "Put your question after the command") {
		t.Errorf("a bare mention got %q, want how to ask", replies[0].Get("text"))
	}
}

func TestGroupCommands(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	kb := newFakeKB()
	r := start(t, newTestBot(t, srv, kb))

	srv.PushMessage(-1, 1, "group", "/help")
	srv.PushMessage(-2, 2, "group", "/sources@eventbot_test_bot")
	srv.PushMessage(-3, 3, "group", "/ask@eventbot_test_bot", telegramtest.WithLanguage("ru"))
	srv.PushMessage(-4, 4, "group", "/frobnicate@eventbot_test_bot")
	srv.PushMessage(-5, 5, "group", "/frobnicate")
	srv.WaitForDone(t, "sendMessage", 4)
	r.stop(t)

	calls := srv.Calls("sendMessage")
	want := map[int64]string{
		-1: "<b>Crocus City Hall attack · 22 March 2024</b>",
		-2: "My sources (3 articles):",
		-3: "Напишите вопрос после команды",
		-4: "I don't know that command.",
	}
	if len(calls) != len(want) {
		t.Errorf("%d replies, want %d (none to a bare unknown command)", len(calls), len(want))
	}
	for _, c := range calls {
		if w, ok := want[c.Int("chat_id")]; !ok || !strings.HasPrefix(c.Get("text"), w) {
			t.Errorf("chat %s: reply %q, want it to start with %q", c.Get("chat_id"), c.Get("text"), w)
		}
	}
	if got := kb.asked(); len(got) != 0 {
		t.Errorf("knowledge base asked %q, want nothing", got)
	}
}

func TestGroupButtonExpands(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	r := start(t, newTestBot(t, srv, newFakeKB()))

	const chat = -100
	srv.PushMessage(chat, 7, "supergroup", "/ask "+claimQuestion)
	answer := srv.WaitForDone(t, "sendMessage", 1)[0]
	data := *button(t, answer).CallbackData
	press := srv.PushCallbackQuery(chat, 8, answer.MessageID(), data)
	edits := srv.WaitForDone(t, "editMessageText", 1)
	acks := srv.WaitForDone(t, "answerCallbackQuery", 1)

	edit := edits[0]
	if edit.Status != 200 || edit.Int("chat_id") != chat || int(edit.Int("message_id")) != answer.MessageID() {
		t.Errorf("editMessageText %v (status %d), want chat %d message %d", edit.Params, edit.Status, chat, answer.MessageID())
	}
	if got := edit.Get("text"); got != fullClaimHTML || edit.Get("parse_mode") != "HTML" {
		t.Errorf("expanded to\n%s\nwant\n%s", got, fullClaimHTML)
	}
	if got := edit.Get("reply_markup"); !strings.Contains(got, `"👍"`) || !strings.Contains(got, `"👎"`) || strings.Contains(got, `"callback_data":"x`) {
		t.Errorf("the expanded message's keyboard is %s, want the vote buttons instead of Show the passage", got)
	}
	if got := acks[0].Get("callback_query_id"); got != strconv.Itoa(press) || acks[0].Status != 200 || acks[0].Get("text") != "" {
		t.Errorf("answerCallbackQuery %v (status %d), want query %d answered without a notice", acks[0].Params, acks[0].Status, press)
	}

	// A second press (from a client that still shows the button) changes
	// nothing: Telegram says "not modified", and the press is answered.
	again := srv.PushCallbackQuery(chat, 9, answer.MessageID(), data)
	acks = srv.WaitForDone(t, "answerCallbackQuery", 2)
	r.stop(t)
	if got := acks[1]; got.Get("callback_query_id") != strconv.Itoa(again) || got.Get("text") != "" {
		t.Errorf("second press answered %v, want no notice", got.Params)
	}
	if edits := srv.Calls("editMessageText"); len(edits) != 2 || edits[1].Status != 400 {
		t.Errorf("editMessageText calls %d, want 2, the second refused as not modified", len(edits))
	}
}

func TestExpiredButton(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	kb := newFakeKB()
	const chat = -100

	// A button from an earlier run.
	r := start(t, newTestBot(t, srv, kb))
	srv.PushMessage(chat, 7, "supergroup", "/ask "+claimQuestion)
	old := srv.WaitForDone(t, "sendMessage", 1)[0]
	r.stop(t)

	// This run's first answer goes to the same chat, the second to
	// another.
	r = start(t, newTestBot(t, srv, kb))
	srv.PushMessage(chat, 7, "supergroup", "/ask another question")
	srv.WaitForDone(t, "sendMessage", 2)
	srv.PushMessage(-200, 7, "supergroup", "/ask "+claimQuestion)
	elsewhere := srv.WaitForDone(t, "sendMessage", 3)[2]
	presses := map[string]int{
		"earlier run":  srv.PushCallbackQuery(chat, 8, old.MessageID(), *button(t, old).CallbackData),
		"garbage":      srv.PushCallbackQuery(chat, 8, old.MessageID(), "garbage"),
		"another chat": srv.PushCallbackQuery(chat, 8, old.MessageID(), *button(t, elsewhere).CallbackData),
		"inline message": srv.PushUpdate(tgbotapi.Update{CallbackQuery: &tgbotapi.CallbackQuery{
			ID: "inline-press", From: &tgbotapi.User{ID: 8, LanguageCode: "uk"}, InlineMessageID: "AAA", Data: *button(t, elsewhere).CallbackData,
		}}),
	}
	acks := srv.WaitForDone(t, "answerCallbackQuery", len(presses))
	r.stop(t)

	for name, id := range presses {
		qid, want := strconv.Itoa(id), "This answer has expired. Please ask again."
		if name == "inline message" {
			qid, want = "inline-press", "Ця відповідь застаріла. Будь ласка, запитайте ще раз."
		}
		var ack *telegramtest.Call
		for i := range acks {
			if acks[i].Get("callback_query_id") == qid {
				ack = &acks[i]
			}
		}
		if ack == nil {
			t.Errorf("%s: callback query not answered", name)
			continue
		}
		if got := ack.Get("text"); got != want || ack.Status != 200 {
			t.Errorf("%s: callback query answered %q (status %d), want %q", name, got, ack.Status, want)
		}
	}
	if n := len(srv.Calls("editMessageText")); n != 0 {
		t.Errorf("%d messages edited for expired buttons, want none", n)
	}
}

func TestExpansionsBounded(t *testing.T) {
	x := newExpansions(3)
	var data []string
	for i := range 5 {
		d := x.put(expansion{chatID: int64(i)})
		if len(d) > telegramtest.MaxCallbackDataLen {
			t.Errorf("callback data %q longer than %d bytes", d, telegramtest.MaxCallbackDataLen)
		}
		data = append(data, d)
	}
	if n := x.len(); n != 3 {
		t.Errorf("%d answers kept, want 3", n)
	}
	for i, d := range data {
		e, ok := x.get(d)
		if want := i >= 2; ok != want || ok && e.chatID != int64(i) {
			t.Errorf("answer %d: %+v, %v; want kept %v", i, e, ok, want)
		}
	}
	if _, ok := newExpansions(3).get(data[4]); ok {
		t.Errorf("another session's store knows %q", data[4])
	}
}

func TestGroupRealAnswer(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	r := start(t, newTestBot(t, srv, realKB(t)))

	srv.PushMessage(-100, 7, "supergroup", "/ask@eventbot_test_bot Which news agency published the ISIS claim?")
	answer := srv.WaitForDone(t, "sendMessage", 1)[0]
	short, err := telegramtest.ParseHTML(answer.Get("text"))
	if err != nil {
		t.Fatalf("short answer: %v", err)
	}
	if !strings.Contains(short, "Amaq") || !strings.HasSuffix(short, "\nSource: ISIS message about attack on Crocus City Hall might be fake — 22 March 2024") ||
		strings.Contains(answer.Get("text"), "<blockquote>") {
		t.Errorf("short answer:\n%s\nwant the answer and one source line", short)
	}
	srv.PushCallbackQuery(-100, 8, answer.MessageID(), *button(t, answer).CallbackData)
	edit := srv.WaitForDone(t, "editMessageText", 1)[0]
	r.stop(t)
	if text := edit.Get("text"); edit.Status != 200 || !strings.Contains(text, "<blockquote>") || !strings.Contains(text, "Amaq") {
		t.Errorf("expanded (status %d) to:\n%s\nwant the passage quoted", edit.Status, text)
	}
}

func TestCommandMenu(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	r := start(t, newTestBot(t, srv, newFakeKB()))
	calls := srv.WaitForDone(t, "setMyCommands", 3)
	r.stop(t)

	for _, c := range calls {
		lang := c.Get("language_code")
		p := phrasesFor(lang)
		var cmds []tgbotapi.BotCommand
		if err := c.JSON("commands", &cmds); err != nil {
			t.Fatal(err)
		}
		want := append([]tgbotapi.BotCommand{
			{Command: "ask", Description: p.AskDescription},
			{Command: "help", Description: p.HelpDescription},
			{Command: "sources", Description: p.SourcesDescription},
		}, viewCommands(p)...)
		if !slices.Equal(cmds, want) || c.Status != 200 {
			t.Errorf("language %q: commands %v (status %d), want %v", lang, cmds, c.Status, want)
		}
		if scope := c.Get("scope"); scope != "" {
			t.Errorf("language %q: scope %s, want the default scope", lang, scope)
		}
	}
}

func TestStripMention(t *testing.T) {
	me := tgbotapi.User{ID: 99, UserName: "eventbot_test_bot"}
	for _, tt := range []struct {
		text     string
		entities []tgbotapi.MessageEntity
		want     string
		ok       bool
	}{
		{"@eventbot_test_bot hi", []tgbotapi.MessageEntity{{Type: "mention", Offset: 0, Length: 18}}, "hi", true},
		{"💥@eventbot_test_bot: hi", []tgbotapi.MessageEntity{{Type: "mention", Offset: 2, Length: 18}}, "💥 hi", true},
		{"@other_bot  hi", []tgbotapi.MessageEntity{{Type: "mention", Offset: 0, Length: 10}}, "@other_bot hi", false},
		{"Bot hi", []tgbotapi.MessageEntity{{Type: "text_mention", Offset: 0, Length: 3, User: &me}}, "hi", true},
		{"@eventbot_test_bot", []tgbotapi.MessageEntity{{Type: "mention", Offset: 0, Length: 99}}, "@eventbot_test_bot", false},
		{"@eventbot_test_bot", []tgbotapi.MessageEntity{{Type: "mention", Offset: -1, Length: 18}}, "@eventbot_test_bot", false},
		{"💥x", []tgbotapi.MessageEntity{{Type: "mention", Offset: 1, Length: 2}}, "💥x", false}, // cuts the emoji
		{" hi\n@eventbot_test_bot ", nil, "hi @eventbot_test_bot", false},
	} {
		got, ok := stripMention(&tgbotapi.Message{Text: tt.text, Entities: tt.entities}, me)
		if got != tt.want || ok != tt.ok {
			t.Errorf("stripMention(%q) = %q, %v; want %q, %v", tt.text, got, ok, tt.want, tt.ok)
		}
	}
}

// len returns how many answers are kept.
func (x *expansions) len() int {
	x.mu.Lock()
	defer x.mu.Unlock()
	return len(x.kept)
}
