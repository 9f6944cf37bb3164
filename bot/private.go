package bot

import (
	"context"
	"errors"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"eventbot/bot/telegram"
	"eventbot/knowledge"
)

// private handles a message in a private chat: a command, or else a
// question (see router.go).
func (s *session) private(ctx context.Context, msg *tgbotapi.Message) {
	r, ok := s.requestOf(msg, inPrivate)
	if !ok {
		return // addressed to another bot
	}
	s.respond(ctx, msg, r, s.route(ctx, r))
}

// respond sends resp, the response to r, made from msg: an answer laid
// out for the chat (in full in a private chat, short in a group), or the
// reply resp holds.
func (s *session) respond(ctx context.Context, msg *tgbotapi.Message, r request, resp response) {
	switch {
	case resp.answer != nil && r.scope == inGroup:
		s.answerShort(ctx, msg, r.args, *resp.answer)
	case resp.answer != nil:
		lang := answerLanguage(*resp.answer, msg.From)
		d := fit(answerDoc(phrasesFor(lang), *resp.answer), maxMessageLen)
		var keyboard *tgbotapi.InlineKeyboardMarkup
		if id := s.saveAnswer(ctx, r.args, *resp.answer); id != 0 {
			keyboard = voteKeyboard(id)
		}
		if keyboard = withChart(keyboard, s.chartButton(lang, *resp.answer)); keyboard != nil {
			s.replyWithKeyboard(ctx, msg, d, *keyboard)
			return
		}
		s.reply(ctx, msg, d, resp.quote)
	case resp.doc != nil && resp.edit != 0:
		s.send(ctx, msg.Chat.ID, msg.Chat.Type, telegram.HTMLEdit(msg.Chat.ID, resp.edit, renderHTML(fit(resp.doc, maxMessageLen)), nil))
	case resp.photo != nil, resp.keyboard != nil:
		s.sendView(ctx, msg, resp)
	case resp.doc != nil:
		s.reply(ctx, msg, resp.doc, resp.quote)
	}
}

// command parses the command msg starts with. It returns the command
// name, lowercased and without any @username, and the text after it.
// isCommand reports whether msg starts with a command; mine whether the
// command is for this bot: not addressed to another with @name.
func command(msg *tgbotapi.Message, username string) (name, args string, isCommand, mine bool) {
	if len(msg.Entities) == 0 {
		return "", "", false, false
	}
	// CommandWithAt slices Text by the entity: make sure that can't panic.
	if e := msg.Entities[0]; e.Length < 2 || e.Length > len(msg.Text) {
		return "", "", false, false
	}
	withAt := msg.CommandWithAt()
	if withAt == "" {
		return "", "", false, false
	}
	name, at, addressed := strings.Cut(withAt, "@")
	args = strings.TrimSpace(msg.Text[msg.Entities[0].Length:])
	mine = !addressed || strings.EqualFold(at, username)
	return strings.ToLower(name), args, true, mine
}

// userLanguage returns the language code of a message's sender, if known.
func userLanguage(u *tgbotapi.User) string {
	if u == nil {
		return ""
	}
	return u.LanguageCode
}

// lookup asks the knowledge base question, asked by r, showing
// "typing" meanwhile. If that fails, it returns false and the response
// that tells the user, if any.
func (s *session) lookup(ctx context.Context, r request, question string) (knowledge.Answer, response, bool) {
	log := s.logger.With("chat_id", r.chatID)
	if r.msg != nil {
		log = log.With("message_id", r.msg.MessageID)
		s.typing(r.chatID)
	}
	start := time.Now()
	a, err := s.bot.kb.Answer(ctx, question)
	if err != nil {
		if ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded) {
			log.Warn("question abandoned: the bot is stopping", "err", err)
			return knowledge.Answer{}, response{}, false
		}
		log.Error("answer question", "err", err)
		return knowledge.Answer{}, response{doc: textDoc(phrasesFor(r.lang).Failed), quote: true}, false
	}
	took := time.Since(start)
	log.Info("question answered", "found", a.Found, "citations", len(a.Citations), "took", took)
	where, kind := askedPrivate, "private"
	switch r.scope {
	case inGroup:
		where, kind = askedGroup, "group"
	case inTerminal:
		kind = "terminal"
	}
	s.bot.cfg.Metrics.question(kind, a.Found, took.Seconds())
	s.recordQuestion(ctx, where, question, a)
	return a, response{}, true
}

// answerLanguage is the language to present a in: the question's, if the
// bot speaks it, else the user's.
func answerLanguage(a knowledge.Answer, u *tgbotapi.User) string {
	if _, ok := phrasebook[a.Language]; ok {
		return a.Language
	}
	return userLanguage(u)
}

// reply queues d for msg's chat as HTML, in as many messages as it
// takes (paginate), and returns without waiting for them to go out; with
// quote, the first one replies to msg. They are sent in order once the
// update is committed (see send), and a failure is logged.
func (s *session) reply(ctx context.Context, msg *tgbotapi.Message, d doc, quote bool) {
	pages := paginate(d, maxMessageLen)
	parts := make([]telegram.Msg, len(pages))
	for i, page := range pages {
		replyTo := 0
		if quote && i == 0 {
			replyTo = msg.MessageID
		}
		parts[i] = telegram.HTMLMessage(msg.Chat.ID, renderHTML(page), replyTo, nil)
	}
	s.send(ctx, msg.Chat.ID, msg.Chat.Type, parts...)
}

// apologize tells the sender of msg that something went wrong, after a
// handler panicked. It must not panic itself.
func (s *session) apologize(ctx context.Context, msg *tgbotapi.Message) {
	if msg == nil || msg.Chat == nil || !msg.Chat.IsPrivate() {
		return
	}
	defer func() {
		if r := recover(); r != nil {
			s.logger.Error("apology panicked", "panic", r)
		}
	}()
	s.reply(ctx, msg, textDoc(phrasesFor(userLanguage(msg.From)).Failed), true)
}
