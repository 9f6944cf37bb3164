package bot

import (
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

func TestCommand(t *testing.T) {
	msg := func(text string, entities ...tgbotapi.MessageEntity) *tgbotapi.Message {
		return &tgbotapi.Message{Text: text, Entities: entities}
	}
	cmd := func(n int) tgbotapi.MessageEntity { return tgbotapi.MessageEntity{Type: "bot_command", Length: n} }
	for _, tt := range []struct {
		msg             *tgbotapi.Message
		name, args      string
		isCommand, mine bool
	}{
		{msg("/start", cmd(6)), "start", "", true, true},
		{msg("/Sources", cmd(8)), "sources", "", true, true},
		{msg("/start@EventBot_TEST_bot", cmd(24)), "start", "", true, true},
		{msg("/start@other_bot", cmd(16)), "start", "", true, false},
		{msg("/ask@eventbot_test_bot  Who did it? ", cmd(22)), "ask", "Who did it?", true, true},
		{msg("hello"), "", "", false, false},
		{msg("/start", cmd(99)), "", "", false, false},
		{msg("/start", cmd(0)), "", "", false, false},
		{msg("hi /start", tgbotapi.MessageEntity{Type: "bot_command", Offset: 3, Length: 6}), "", "", false, false},
		{msg("bold", tgbotapi.MessageEntity{Type: "bold", Length: 4}), "", "", false, false},
	} {
		name, args, isCommand, mine := command(tt.msg, "eventbot_test_bot")
		if name != tt.name || args != tt.args || isCommand != tt.isCommand || mine != tt.mine {
			t.Errorf("command(%q) = %q, %q, %v, %v; want %q, %q, %v, %v", tt.msg.Text,
				name, args, isCommand, mine, tt.name, tt.args, tt.isCommand, tt.mine)
		}
	}
}
