package telegram

import (
	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// The chat messages the bot sends are built here as Bot API parameters,
// so that the Outbox can keep them in the store and send them after a
// restart just as they were.

// HTMLMessage returns a sendMessage of html to chatID, without link
// previews; replyTo, if not 0, is the message it answers, and keyboard,
// if not nil, goes under it.
func HTMLMessage(chatID int64, html string, replyTo int, keyboard *tgbotapi.InlineKeyboardMarkup) Msg {
	p := tgbotapi.Params{}
	p.AddNonZero64("chat_id", chatID)
	p["text"] = html
	p["parse_mode"] = tgbotapi.ModeHTML
	p.AddBool("disable_web_page_preview", true)
	addReply(p, replyTo, keyboard)
	return Msg{Method: "sendMessage", Params: p}
}

// addReply makes the message of p reply to message replyTo, if not 0,
// and puts keyboard, if not nil, under it.
func addReply(p tgbotapi.Params, replyTo int, keyboard *tgbotapi.InlineKeyboardMarkup) {
	if replyTo != 0 {
		p.AddNonZero("reply_to_message_id", replyTo)
		p.AddBool("allow_sending_without_reply", true)
	}
	if keyboard != nil {
		// A keyboard always marshals.
		_ = p.AddInterface("reply_markup", keyboard)
	}
}

// HTMLEdit returns an editMessageText of the bot's message messageID in
// chatID to html, which also removes its keyboard unless keyboard is
// given.
func HTMLEdit(chatID int64, messageID int, html string, keyboard *tgbotapi.InlineKeyboardMarkup) Msg {
	p := tgbotapi.Params{}
	p.AddNonZero64("chat_id", chatID)
	p.AddNonZero("message_id", messageID)
	p["text"] = html
	p["parse_mode"] = tgbotapi.ModeHTML
	p.AddBool("disable_web_page_preview", true)
	if keyboard != nil {
		_ = p.AddInterface("reply_markup", keyboard)
	}
	return Msg{Method: "editMessageText", Params: p}
}
