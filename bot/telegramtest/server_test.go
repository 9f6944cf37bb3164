package telegramtest

import (
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

const token = "42:test-token"

func client(t *testing.T, s *Server) *tgbotapi.BotAPI {
	t.Helper()
	api, err := tgbotapi.NewBotAPIWithClient(token, s.Endpoint(), http.DefaultClient)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	return api
}

func TestParseHTML(t *testing.T) {
	for _, tt := range []struct {
		html, want string
		ok         bool
	}{
		{"plain", "plain", true},
		{"<b>bold</b> <i>it</i> <code>c</code>", "bold it c", true},
		{"<blockquote>q</blockquote>\nx", "q\nx", true},
		{`<a href="https://example.com">link</a>`, "link", true},
		{"&lt;&gt;&amp;&quot;&#65;&#x42;", `<>&"AB`, true},
		{"<pre><code>x</code></pre>", "x", true},
		{"💥", "💥", true},
		{"a < b", "", false},
		{"a > b", "", false},
		{"a & b", "", false},
		{"&bogus;", "", false},
		{"<script>x</script>", "", false},
		{"<b>unclosed", "", false},
		{"<b><i>crossed</b></i>", "", false},
		{"</b>", "", false},
		{"<a>no href</a>", "", false},
		{"<code><b>x</b></code>", "", false},
		{"<blockquote><blockquote>x</blockquote></blockquote>", "", false},
		{"\xff", "", false},
	} {
		got, err := ParseHTML(tt.html)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseHTML(%q) = %q, %v; want %q, ok %v", tt.html, got, err, tt.want, tt.ok)
		}
	}
}

func TestLongPollAndConfirm(t *testing.T) {
	s := NewServer(t, token)
	api := client(t, s)

	got := make(chan []tgbotapi.Update, 1)
	go func() {
		u, _ := api.GetUpdates(tgbotapi.UpdateConfig{Timeout: 10})
		got <- u
	}()
	s.WaitFor(t, "getUpdates", 1)
	id := s.PushMessage(5, 6, "private", "/start@eventbot_test_bot hi")
	updates := <-got
	if len(updates) != 1 || updates[0].UpdateID != id {
		t.Fatalf("long poll returned %+v, want update %d", updates, id)
	}
	m := updates[0].Message
	if m.Chat.ID != 5 || m.From.ID != 6 || m.Command() != "start" || m.CommandWithAt() != "start@eventbot_test_bot" || m.CommandArguments() != "hi" {
		t.Errorf("message %+v is not /start from user 6 in chat 5", m)
	}

	// Not confirmed yet: polling again returns it again.
	if again, err := api.GetUpdates(tgbotapi.UpdateConfig{}); err != nil || len(again) != 1 {
		t.Errorf("unconfirmed update not returned again: %v, %v", again, err)
	}
	// An offset confirms it.
	if after, err := api.GetUpdates(tgbotapi.UpdateConfig{Offset: id + 1}); err != nil || len(after) != 0 {
		t.Errorf("confirmed update returned: %v, %v", after, err)
	}
	if p := s.Pending(); len(p) != 0 {
		t.Errorf("pending %v after confirmation", p)
	}
}

func TestNewerPollEndsOlder(t *testing.T) {
	s := NewServer(t, token)
	api := client(t, s)
	errc := make(chan error, 1)
	go func() {
		_, err := api.GetUpdates(tgbotapi.UpdateConfig{Timeout: 10})
		errc <- err
	}()
	s.WaitFor(t, "getUpdates", 1)
	if _, err := api.GetUpdates(tgbotapi.UpdateConfig{}); err != nil {
		t.Fatalf("second poll: %v", err)
	}
	var apiErr *tgbotapi.Error
	if err := <-errc; !errors.As(err, &apiErr) || apiErr.Code != http.StatusConflict {
		t.Errorf("older poll ended with %v, want 409 Conflict", err)
	}
}

func TestFailures(t *testing.T) {
	s := NewServer(t, token)
	api := client(t, s)
	s.RateLimit("sendMessage", 3, 2)
	s.Fail("sendMessage", Failure{Code: 500})
	s.Fail("sendMessage", Failure{Code: 0})
	msg := tgbotapi.NewMessage(1, "hi")
	for i, want := range []int{429, 429, 500} {
		_, err := api.Send(msg)
		var apiErr *tgbotapi.Error
		if !errors.As(err, &apiErr) || apiErr.Code != want {
			t.Fatalf("call %d: %v, want error %d", i, err, want)
		}
		if want == 429 && apiErr.RetryAfter != 3 {
			t.Errorf("call %d: retry_after %d, want 3", i, apiErr.RetryAfter)
		}
	}
	if _, err := api.Send(msg); err == nil {
		t.Errorf("dropped connection: no error")
	}
	if m, err := api.Send(msg); err != nil || m.Text != "hi" || m.Chat.ID != 1 {
		t.Errorf("after the failures: %+v, %v", m, err)
	}
	var statuses []int
	for _, c := range s.Calls("sendMessage") {
		statuses = append(statuses, c.Status)
	}
	if got, want := statuses, []int{429, 429, 500, -1, 200}; !slices.Equal(got, want) {
		t.Errorf("statuses %v, want %v", got, want)
	}
}

func TestSendMessageChecks(t *testing.T) {
	s := NewServer(t, token)
	api := client(t, s)
	id := s.MessageID(s.PushMessage(1, 1, "private", "question"))
	for _, tt := range []struct {
		name string
		msg  tgbotapi.MessageConfig
		ok   bool
	}{
		{"reply", func() tgbotapi.MessageConfig {
			m := tgbotapi.NewMessage(1, "<b>a</b> &amp; b")
			m.ParseMode, m.ReplyToMessageID = "HTML", id
			return m
		}(), true},
		{"bad HTML", func() tgbotapi.MessageConfig {
			m := tgbotapi.NewMessage(1, "a & b")
			m.ParseMode = "HTML"
			return m
		}(), false},
		{"too long", tgbotapi.NewMessage(1, strings.Repeat("x", MaxMessageLen+1)), false},
		{"long markup, short text", func() tgbotapi.MessageConfig {
			m := tgbotapi.NewMessage(1, strings.Repeat("&amp;", MaxMessageLen))
			m.ParseMode = "HTML"
			return m
		}(), true},
		{"unknown reply", func() tgbotapi.MessageConfig {
			m := tgbotapi.NewMessage(1, "x")
			m.ReplyToMessageID = 999999
			return m
		}(), false},
		{"unknown reply allowed", func() tgbotapi.MessageConfig {
			m := tgbotapi.NewMessage(1, "x")
			m.ReplyToMessageID, m.AllowSendingWithoutReply = 999999, true
			return m
		}(), true},
		{"empty", tgbotapi.NewMessage(1, ""), false},
	} {
		_, err := api.Send(tt.msg)
		if (err == nil) != tt.ok {
			t.Errorf("%s: error %v, want ok %v", tt.name, err, tt.ok)
		}
	}
}

func TestTrueMethods(t *testing.T) {
	s := NewServer(t, token)
	api := client(t, s)
	for _, c := range []tgbotapi.Chattable{
		tgbotapi.NewChatAction(1, tgbotapi.ChatTyping),
		tgbotapi.NewSetMyCommands(tgbotapi.BotCommand{Command: "help", Description: "Help"}),
		tgbotapi.NewCallback("7", "ok"),
		tgbotapi.InlineConfig{InlineQueryID: "8", Results: []any{tgbotapi.NewInlineQueryResultArticle("1", "t", "m")}},
	} {
		resp, err := api.Request(c)
		if err != nil || string(resp.Result) != "true" {
			t.Errorf("%T: %v, %v; want true", c, resp, err)
		}
	}
	if _, err := api.Request(tgbotapi.NewSetMyCommands(tgbotapi.BotCommand{Command: "Bad-Name", Description: "x"})); err == nil {
		t.Errorf("setMyCommands accepted an invalid command")
	}
	var cmds []tgbotapi.BotCommand
	if err := s.Calls("setMyCommands")[0].JSON("commands", &cmds); err != nil || len(cmds) != 1 || cmds[0].Command != "help" {
		t.Errorf("recorded commands %v, %v", cmds, err)
	}
}

func TestFiles(t *testing.T) {
	s := NewServer(t, token)
	api := client(t, s)
	s.AddFile("F1", "documents/a.txt", []byte("hello"))
	f, err := api.GetFile(tgbotapi.FileConfig{FileID: "F1"})
	if err != nil || f.FilePath != "documents/a.txt" || f.FileSize != 5 {
		t.Fatalf("getFile = %+v, %v", f, err)
	}
	resp, err := http.Get(s.FileURL(f.FilePath))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if data, _ := io.ReadAll(resp.Body); string(data) != "hello" {
		t.Errorf("download = %q, want hello", data)
	}
	if _, err := api.GetFile(tgbotapi.FileConfig{FileID: "nope"}); err == nil {
		t.Errorf("getFile of an unknown file succeeded")
	}
}

func TestUnauthorized(t *testing.T) {
	s := NewServer(t, token)
	_, err := tgbotapi.NewBotAPIWithClient("1:wrong", s.Endpoint(), http.DefaultClient)
	var apiErr *tgbotapi.Error
	if !errors.As(err, &apiErr) || apiErr.Code != http.StatusUnauthorized {
		t.Errorf("wrong token: %v, want 401", err)
	}
}

func TestFileOptions(t *testing.T) {
	s := NewServer(t, token)
	api := client(t, s)
	s.AddFile("F2", "documents/b.txt", []byte("0123456789"), ReportedSize(0))
	s.AddFile("F3", "documents/c.txt", []byte("abc"), ReportedSize(1<<30))
	if f, err := api.GetFile(tgbotapi.FileConfig{FileID: "F2"}); err != nil || f.FileSize != 0 {
		t.Errorf("getFile with the size left out = %+v, %v", f, err)
	}
	if f, err := api.GetFile(tgbotapi.FileConfig{FileID: "F3"}); err != nil || f.FileSize != 1<<30 {
		t.Errorf("getFile with a reported size = %+v, %v", f, err)
	}
	id := s.PushMessage(1, 1, "private", "", WithDocument("F3", "c.txt", "text/plain"))
	if u, _ := s.Update(id); u.Message == nil || u.Message.Document == nil || u.Message.Document.FileSize != 1<<30 {
		t.Errorf("pushed document %+v, want the reported size", u.Message)
	}

	resp, err := http.Get(strings.Replace(s.FileURL("documents/b.txt"), token, "1:wrong", 1))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("download with a wrong token: %s, want 401", resp.Status)
	}
	if got, want := s.Downloads(), []string{"documents/b.txt"}; !slices.Equal(got, want) {
		t.Errorf("Downloads() = %q, want %q", got, want)
	}
}

func TestHoldOpen(t *testing.T) {
	s := NewServer(t, token)
	s.AddFile("F", "documents/endless.txt", []byte("some data"), HoldOpen())
	resp, err := http.Get(s.FileURL("documents/endless.txt"))
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 9)
	if _, err := io.ReadFull(resp.Body, buf); err != nil || string(buf) != "some data" {
		t.Errorf("read %q, %v; want the data first", buf, err)
	}
	// The download does not end: the body is closed without reaching EOF,
	// which the server sees as the client giving up.
	resp.Body.Close()
}

func TestCommandScopes(t *testing.T) {
	s := NewServer(t, token)
	api := client(t, s)
	s.AddChat(501, "private")
	cmd := tgbotapi.BotCommand{Command: "stats", Description: "Stats"}
	if _, err := api.Request(tgbotapi.NewSetMyCommandsWithScope(tgbotapi.NewBotCommandScopeChat(501), cmd)); err != nil {
		t.Errorf("scope of a known chat: %v", err)
	}
	_, err := api.Request(tgbotapi.NewSetMyCommandsWithScope(tgbotapi.NewBotCommandScopeChat(502), cmd))
	var apiErr *tgbotapi.Error
	if !errors.As(err, &apiErr) || apiErr.Code != http.StatusBadRequest || !strings.Contains(apiErr.Message, "chat not found") {
		t.Errorf("scope of an unknown chat: %v, want 400 chat not found", err)
	}
	if _, err := api.Request(tgbotapi.NewSetMyCommandsWithScope(tgbotapi.NewBotCommandScopeAllPrivateChats(), cmd)); err != nil {
		t.Errorf("scope all_private_chats: %v", err)
	}
	if _, err := api.Request(tgbotapi.NewSetMyCommandsWithScope(tgbotapi.BotCommandScope{Type: "bogus"}, cmd)); err == nil {
		t.Errorf("a bogus scope was accepted")
	}
}
