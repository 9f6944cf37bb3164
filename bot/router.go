package bot

import (
	"context"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"eventbot/knowledge"
)

// The router: one command table for private chats, groups and the
// terminal. Each front end turns what it received into a request, the
// router finds the command, wraps its handler in the middleware the
// table asks for (logging, admin authorisation, flood control) and
// calls it; the handler returns a response, and the front end lays it
// out for its chat (respond, Terminal). Handlers take and return plain
// values, and send nothing themselves.

// A scope is where a request comes from.
type scope uint8

const (
	inPrivate scope = 1 << iota
	inGroup
	inTerminal
	everywhere = inPrivate | inGroup | inTerminal
)

// Names of the requests that are not typed commands: they start with a
// character Telegram's commands can't hold.
const (
	textRequest   = "#text"   // a message that is no command: a question
	uploadRequest = "#upload" // a document sent to the bot
)

// A request is what a message asks of the bot.
type request struct {
	scope  scope
	chatID int64
	userID int64  // 0 when unknown (the terminal)
	lang   string // the sender's language code, if known
	// name is the command, lowercased and without "/" and "@bot", or
	// textRequest or uploadRequest; args is the text after the command,
	// or the whole text of a textRequest.
	name, args string
	// addressed reports whether the command named this bot (/cmd@bot).
	addressed bool
	// msg is the Telegram message, nil in the terminal; handlers of
	// commands used only on Telegram (uploads) read it.
	msg *tgbotapi.Message
}

// A response is what a handler returns for the front end to send.
type response struct {
	// doc is the reply; nil sends nothing.
	doc doc
	// answer, when not nil, is an answer for the front end to lay out
	// its way (full in private chats, short with a button in groups).
	answer *knowledge.Answer
	// quote makes the reply answer the request's message.
	quote bool
	// edit, if not 0, is the bot's message that the reply replaces (the
	// progress of a corpus change), instead of a new one.
	edit int
	// keyboard, when not nil, goes under doc, which must fit one
	// message; photo, when not nil, is a PNG sent with doc as its
	// caption (views.go).
	keyboard *tgbotapi.InlineKeyboardMarkup
	photo    []byte
}

// An entry is one command of the table.
type entry struct {
	name string
	in   scope
	// admin: only admins may use it; question: flood control counts it.
	admin, question bool
	handle          func(s *session, ctx context.Context, r request) response
}

// commands is the command table.
var commands = []entry{
	{name: "start", in: everywhere, handle: (*session).help},
	{name: "help", in: everywhere, handle: (*session).help},
	{name: "sources", in: everywhere, handle: (*session).sources},
	{name: "ask", in: everywhere, question: true, handle: (*session).ask},
	{name: "timeline", in: everywhere, handle: (*session).timeline},
	{name: "claims", in: everywhere, handle: (*session).claims},
	{name: "toll", in: everywhere, handle: (*session).toll},
	{name: textRequest, in: everywhere, question: true, handle: (*session).ask},
	{name: "reload", in: inPrivate, admin: true, handle: (*session).reload},
	{name: "add", in: inPrivate, admin: true, handle: (*session).add},
	{name: "stats", in: inPrivate, admin: true, handle: (*session).statsCommand},
	{name: uploadRequest, in: inPrivate, admin: true, handle: (*session).upload},
}

// adminCommands are the commands only admins may use.
var adminCommands = func() map[string]bool {
	m := make(map[string]bool)
	for _, c := range commands {
		if c.admin && !strings.HasPrefix(c.name, "#") {
			m[c.name] = true
		}
	}
	return m
}()

// findCommand returns the table's entry for name.
func findCommand(name string) (entry, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return entry{}, false
}

// route answers r: it finds r's command and calls its handler through
// the middleware. An unknown command, or one not used where it is asked,
// gets a short reply, unless in a group it may be another bot's.
func (s *session) route(ctx context.Context, r request) response {
	p := phrasesFor(r.lang)
	c, ok := findCommand(r.name)
	switch {
	case ok && c.in&r.scope != 0:
		return s.logged(c, s.authorised(c, s.floodControlled(c, c.handle)))(s, ctx, r)
	case r.scope == inGroup && !r.addressed:
		return response{} // may be another bot's
	case ok && c.admin && r.scope == inGroup:
		// Admin commands are for private chats; nothing of the corpus
		// is shown in a group.
		if s.isAdmin(r.userID) {
			return response{doc: textDoc(p.AdminPrivateOnly), quote: true}
		}
		s.logRefusal(r, "/"+r.name)
		return response{doc: textDoc(p.AdminOnly), quote: true}
	}
	return response{doc: textDoc(p.UnknownCommand), quote: true}
}

type handlerFunc = func(s *session, ctx context.Context, r request) response

// logged logs each request c handles at debug level, with how long it
// took; never its text.
func (s *session) logged(c entry, next handlerFunc) handlerFunc {
	return func(s *session, ctx context.Context, r request) response {
		start := time.Now()
		resp := next(s, ctx, r)
		s.logger.Debug("request handled", "command", c.name, "chat_id", r.chatID, "took", time.Since(start))
		return resp
	}
}

// authorised refuses c to anyone but the admins, if c is for admins,
// and logs the attempt with the user's id (never their name).
func (s *session) authorised(c entry, next handlerFunc) handlerFunc {
	if !c.admin {
		return next
	}
	return func(s *session, ctx context.Context, r request) response {
		if !s.isAdmin(r.userID) {
			action := "/" + c.name
			if c.name == uploadRequest {
				action = "document"
			}
			s.logRefusal(r, action)
			return response{doc: textDoc(phrasesFor(r.lang).AdminOnly), quote: true}
		}
		return next(s, ctx, r)
	}
}

// floodControlled applies flood control to c, if c is a question: the
// first time a user goes over the limit they are asked to slow down,
// then their questions are dropped until they may ask again. Other
// commands are not counted: admin work has its own budget (adminWork).
func (s *session) floodControlled(c entry, next handlerFunc) handlerFunc {
	if !c.question {
		return next
	}
	return func(s *session, ctx context.Context, r request) response {
		if r.scope == inTerminal || r.userID == 0 || strings.TrimSpace(r.args) == "" {
			return next(s, ctx, r)
		}
		switch s.flood.check(r.userID, time.Now()) {
		case admit:
			return next(s, ctx, r)
		case warn:
			s.logger.Info("user asks too fast, told to slow down", "user_id", r.userID, "chat_id", r.chatID)
			return response{doc: textDoc(phrasesFor(r.lang).SlowDown), quote: true}
		}
		s.logger.Debug("question dropped: user asks too fast", "user_id", r.userID, "chat_id", r.chatID)
		return response{}
	}
}

// help explains what the bot knows.
func (s *session) help(ctx context.Context, r request) response {
	p := phrasesFor(r.lang)
	return response{doc: append(helpDoc(p, len(s.bot.kb.Sources()), s.me.UserName), s.viewsHelp(p)...)}
}

// sources lists the articles.
func (s *session) sources(ctx context.Context, r request) response {
	return response{doc: sourcesDoc(phrasesFor(r.lang), s.bot.kb.Sources())}
}

// ask answers the question in r.args.
func (s *session) ask(ctx context.Context, r request) response {
	p := phrasesFor(r.lang)
	switch {
	case strings.TrimSpace(r.args) != "":
	case r.name == textRequest:
		return response{doc: textDoc(p.TextOnly), quote: true}
	default:
		return response{doc: textDoc(p.AskEmpty), quote: true}
	}
	a, resp, ok := s.lookup(ctx, r, r.args)
	if !ok {
		return resp
	}
	return response{answer: &a, quote: true}
}

// requestOf turns a private or group message into a request; ok is
// false for a command addressed to another bot.
func (s *session) requestOf(msg *tgbotapi.Message, where scope) (r request, ok bool) {
	r = request{scope: where, chatID: msg.Chat.ID, lang: userLanguage(msg.From), msg: msg}
	if msg.From != nil {
		r.userID = msg.From.ID
	}
	if msg.SenderChat != nil {
		r.userID = msg.SenderChat.ID // anonymous group admins share one user id
	}
	name, args, isCommand, mine := command(msg, s.me.UserName)
	switch {
	case isCommand && !mine:
		return r, false
	case msg.Document != nil && where == inPrivate:
		r.name = uploadRequest
	case isCommand:
		r.name, r.args, r.addressed = name, args, strings.Contains(msg.CommandWithAt(), "@")
	default:
		r.name, r.args = textRequest, msg.Text // the question as sent
	}
	return r, true
}
