package bot

import (
	"context"
	"errors"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"eventbot/knowledge"
)

// private handles a message in a private chat: a command, or else a
// question.
func (s *session) private(ctx context.Context, msg *tgbotapi.Message) {
	p := phrasesFor(userLanguage(msg.From))
	name, args, isCommand, mine := command(msg, s.me.UserName)
	question := !isCommand && msg.Document == nil || name == "ask" && args != ""
	switch {
	case isCommand && !mine:
		return // addressed to another bot
	case question && !s.admit(ctx, msg):
		return // the user asks too fast
	case msg.Document != nil:
		s.document(ctx, msg)
	case !isCommand && strings.TrimSpace(msg.Text) == "":
		s.reply(ctx, msg, textDoc(p.TextOnly), true)
	case !isCommand:
		s.answer(ctx, msg, msg.Text)
	case name == "start", name == "help":
		s.reply(ctx, msg, helpDoc(p, len(s.bot.kb.Sources()), s.me.UserName), false)
	case name == "sources":
		s.reply(ctx, msg, sourcesDoc(p, s.bot.kb.Sources()), false)
	case name == "ask" && args == "":
		s.reply(ctx, msg, textDoc(p.AskEmpty), true)
	case name == "ask":
		s.answer(ctx, msg, args)
	case adminCommands[name]:
		s.admin(ctx, msg, name, args)
	default:
		s.reply(ctx, msg, textDoc(p.UnknownCommand), true)
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

// answer answers question in reply to msg: the answer, its supporting
// passage and sources, or a friendly message if there is none.
func (s *session) answer(ctx context.Context, msg *tgbotapi.Message, question string) {
	a, ok := s.lookup(ctx, msg, question)
	if !ok {
		return
	}
	p := phrasesFor(answerLanguage(a, msg.From))
	s.reply(ctx, msg, fit(answerDoc(p, a), maxMessageLen), true)
}

// lookup asks the knowledge base question, asked by msg, showing
// "typing" meanwhile. If that fails, it tells the user and returns false.
func (s *session) lookup(ctx context.Context, msg *tgbotapi.Message, question string) (knowledge.Answer, bool) {
	log := s.logger.With("chat_id", msg.Chat.ID, "message_id", msg.MessageID)
	s.typing(msg.Chat.ID)
	start := time.Now()
	a, err := s.bot.kb.Answer(ctx, question)
	if err != nil {
		if ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded) {
			log.Warn("question abandoned: the bot is stopping", "err", err)
			return knowledge.Answer{}, false
		}
		log.Error("answer question", "err", err)
		s.reply(ctx, msg, textDoc(phrasesFor(userLanguage(msg.From)).Failed), true)
		return knowledge.Answer{}, false
	}
	log.Info("question answered", "found", a.Found, "citations", len(a.Citations), "took", time.Since(start))
	where := askedGroup
	if msg.Chat.IsPrivate() {
		where = askedPrivate
	}
	s.stats.record(where, question, a)
	return a, true
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
	parts := make([]outMsg, len(pages))
	for i, page := range pages {
		replyTo := 0
		if quote && i == 0 {
			replyTo = msg.MessageID
		}
		parts[i] = htmlMessage(msg.Chat.ID, renderHTML(page), replyTo, nil)
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
