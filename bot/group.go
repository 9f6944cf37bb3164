package bot

import (
	"context"
	"crypto/rand"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"eventbot/bot/telegram"
	"eventbot/knowledge"
)

// In a group the bot answers only what is addressed to it: /ask
// (/ask@this_bot), its other commands, replies to its messages, and
// messages that mention it (which reach it only with privacy mode off).
// Answers are short, an answer and its source, with a button that
// expands the message to the full sourced answer, so that the chat is
// not flooded.

// group handles a message in a group or supergroup. Messages not
// addressed to the bot are ignored silently.
func (s *session) group(ctx context.Context, msg *tgbotapi.Message) {
	if (msg.From != nil && msg.From.IsBot && msg.SenderChat == nil) || msg.ViaBot != nil {
		// Other bots, and answers sent through inline mode. Anonymous
		// admins write as a bot on behalf of the group (SenderChat).
		return
	}
	r, ok := s.groupRequest(msg)
	if !ok {
		return
	}
	s.respond(ctx, msg, r, s.route(ctx, r))
}

// groupRequest works out what a group message asks of the bot: a
// command, or a question in a reply to one of its messages or in a
// message that mentions it. ok is false if the message is not for the
// bot.
func (s *session) groupRequest(msg *tgbotapi.Message) (r request, ok bool) {
	r, ok = s.requestOf(msg, inGroup)
	if !ok || r.name != textRequest {
		return r, ok
	}
	q, mentioned := stripMention(msg, s.me)
	switch {
	case s.repliesToMe(msg):
	case !mentioned:
		return r, false
	case q == "":
		r.name, r.addressed = "ask", true // "@bot" alone: how to ask
	}
	r.args = q
	return r, true
}

// repliesToMe reports whether msg replies to one of the bot's messages.
func (s *session) repliesToMe(msg *tgbotapi.Message) bool {
	r := msg.ReplyToMessage
	return r != nil && r.From != nil && r.From.ID == s.me.ID
}

// stripMention returns msg's text without the mentions of me
// (@username) and with its spaces collapsed, and whether there was a
// mention.
func stripMention(msg *tgbotapi.Message, me tgbotapi.User) (string, bool) {
	text := msg.Text
	var cuts [][2]int // byte ranges to remove, in order
	for _, e := range msg.Entities {
		start, end, ok := utf16Span(text, e.Offset, e.Length)
		if !ok {
			continue
		}
		switch {
		case e.Type == "mention" && me.UserName != "" && strings.EqualFold(text[start:end], "@"+me.UserName),
			e.Type == "text_mention" && e.User != nil && e.User.ID == me.ID:
			if end < len(text) && (text[end] == ',' || text[end] == ':') {
				end++ // "@bot, who ...", "@bot: who ..."
			}
			cuts = append(cuts, [2]int{start, end})
		}
	}
	var b strings.Builder
	last := 0
	for _, c := range cuts {
		if c[0] < last {
			continue // overlapping entities: malformed
		}
		b.WriteString(text[last:c[0]])
		b.WriteByte(' ')
		last = c[1]
	}
	b.WriteString(text[last:])
	return strings.Join(strings.Fields(b.String()), " "), len(cuts) > 0
}

// utf16Span converts the range of off and n UTF-16 code units of s (how
// Telegram measures entities) to byte offsets. ok is false if the range
// is not within s or cuts a character in two.
func utf16Span(s string, off, n int) (start, end int, ok bool) {
	if off < 0 || n <= 0 {
		return 0, 0, false
	}
	start, end = -1, -1
	units := 0
	for i, r := range s {
		if units == off {
			start = i
		}
		if units == off+n {
			end = i
			break
		}
		units += utf16.RuneLen(r)
	}
	if end < 0 && units == off+n {
		end = len(s)
	}
	return start, end, start >= 0 && end > start
}

// answerShort sends a, the answer to msg in a group: the answer and its source,
// with a button that expands the message to the full sourced answer.
func (s *session) answerShort(ctx context.Context, msg *tgbotapi.Message, question string, a knowledge.Answer) {
	lang := language(answerLanguage(a, msg.From))
	p := phrasesFor(lang)
	d, expandable := shortAnswerDoc(p, a)
	var buttons []tgbotapi.InlineKeyboardButton
	if expandable {
		data := s.expand.put(expansion{chatID: msg.Chat.ID, answer: a, language: lang, id: s.saveAnswer(ctx, question, a)})
		buttons = append(buttons, tgbotapi.NewInlineKeyboardButtonData(p.ShowPassage, data))
	}
	if chart := s.chartButton(lang, a); chart != nil {
		buttons = append(buttons, *chart)
	}
	if len(buttons) == 0 {
		s.reply(ctx, msg, d, true)
		return
	}
	s.replyWithKeyboard(ctx, msg, d, *keyboardOf(buttons...))
}

// maxShortPassage bounds the passage a short answer quotes when the
// answer has no text of its own.
const maxShortPassage = 300

// shortAnswerDoc lays out an answer for a group: the answer in bold and
// its first source on one line. expandable reports whether answerDoc
// would show more: the passage and further sources.
func shortAnswerDoc(p *phrases, a knowledge.Answer) (d doc, expandable bool) {
	if !a.Found || len(a.Citations) == 0 {
		if answer := strings.TrimSpace(a.Text); a.Found && answer != "" {
			return fit(doc{{spans: []span{{bold, answer}}}}, maxMessageLen), false
		}
		return textDoc(p.NotFound), false
	}
	first := a.Citations[0]
	answer := strings.TrimSpace(a.Lead) // the answer first, when there is one
	if answer == "" {
		answer = strings.TrimSpace(a.Text)
	}
	if answer != "" {
		if utf8.RuneCountInString(answer) > knowledge.MaxAnswerLen {
			answer = truncate(answer, knowledge.MaxAnswerLen)
		}
		d = append(d, block{spans: []span{{bold, answer}}})
	} else {
		d = append(d, block{kind: quotation, spans: []span{text(truncate(strings.TrimSpace(first.Passage), maxShortPassage))}})
	}
	line := append([]span{text(p.SourceLabel)}, sourceSpans(p, first.Doc, first.Title, first.Publisher, first.Date)...)
	d = append(d, block{spans: line, tight: true, cut: 3})
	return fit(d, maxMessageLen), true
}

// callback handles a press of an inline keyboard button: "Show the
// passage" edits the short answer into the full one. A button whose
// answer is no longer kept gets a short notice.
func (s *session) callback(ctx context.Context, cq *tgbotapi.CallbackQuery) {
	if s.vote(ctx, cq) || s.viewCallback(ctx, cq) {
		return
	}
	p := phrasesFor(userLanguage(cq.From))
	e, ok := s.expand.get(cq.Data)
	msg := cq.Message
	if !ok || msg == nil || msg.Chat == nil || msg.Chat.ID != e.chatID {
		s.logger.Debug("callback for an unknown answer", "callback_id", cq.ID)
		s.answerCallback(ctx, cq, p.ButtonExpired)
		return
	}
	full := fit(answerDoc(phrasesFor(e.language), e.answer), maxMessageLen)
	var keyboard *tgbotapi.InlineKeyboardMarkup
	if e.id != 0 {
		keyboard = voteKeyboard(e.id)
	}
	keyboard = withChart(keyboard, s.chartButton(e.language, e.answer))
	s.editPressed(ctx, cq, full, keyboard, p.Failed)
}

// editPressed edits the message whose button cq pressed to d, with
// keyboard under it, and answers cq: with nothing once the edit is done,
// or queued in a busy chat after callbackWait; with failed if it fails.
func (s *session) editPressed(ctx context.Context, cq *tgbotapi.CallbackQuery, d doc, keyboard *tgbotapi.InlineKeyboardMarkup, failed string) {
	msg := cq.Message
	wait, cancel := context.WithTimeout(ctx, callbackWait)
	defer cancel()
	err := s.edit(wait, msg, d, keyboard)
	switch {
	case err == nil:
	case wait.Err() != nil && ctx.Err() == nil:
		// The edit waits its turn in a busy chat; it will come.
		s.logger.Debug("edit queued", "chat_id", msg.Chat.ID, "message_id", msg.MessageID)
	default:
		s.logger.Warn("message not edited", "chat_id", msg.Chat.ID, "message_id", msg.MessageID, "err", err)
		s.answerCallback(ctx, cq, failed)
		return
	}
	s.answerCallback(ctx, cq, "")
}

// callbackWait bounds how long a button press waits for its edit before
// the callback query is answered: until then the button shows as busy,
// and Telegram refuses answers that come too late.
const callbackWait = 5 * time.Second

// answerCallback answers a callback query, with a notice the user sees
// for a moment unless text is empty. Until it is answered, the user's
// client shows the button as busy.
func (s *session) answerCallback(ctx context.Context, cq *tgbotapi.CallbackQuery, text string) {
	if _, err := s.tg.Request(ctx, "answerCallbackQuery", tgbotapi.NewCallback(cq.ID, truncate(text, maxCallbackText))); err != nil {
		s.logger.Info("callback query not answered", "callback_id", cq.ID, "err", err)
	}
}

// maxCallbackText is the most characters answerCallbackQuery shows.
const maxCallbackText = 200

// maxExpansions bounds the answers kept for "Show the passage" buttons;
// a button whose answer was dropped says it has expired.
const maxExpansions = 1000

// An expansion is what a "Show the passage" button expands to.
type expansion struct {
	chatID   int64 // the chat of the message with the button
	answer   knowledge.Answer
	language string // phrasebook language of the short answer
	id       int64  // the answer's id for votes; 0 for none
}

// expansions keeps the last maxExpansions answers shown with a button,
// keyed by the button's callback data. It is owned by a session, and
// safe for concurrent use.
type expansions struct {
	// prefix tells this session's buttons from those of earlier runs,
	// whose numbers would otherwise name this run's answers.
	prefix string
	limit  uint64

	mu   sync.Mutex
	next uint64
	kept map[uint64]expansion
}

func newExpansions(limit int) *expansions {
	return &expansions{
		prefix: "x" + rand.Text()[:8] + ".",
		limit:  uint64(limit),
		kept:   make(map[uint64]expansion),
	}
}

// put keeps e, dropping the oldest answer if there are too many, and
// returns callback data naming it (at most 64 bytes, as Telegram needs).
func (x *expansions) put(e expansion) string {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.next++
	x.kept[x.next] = e
	if x.next > x.limit {
		delete(x.kept, x.next-x.limit)
	}
	return x.prefix + strconv.FormatUint(x.next, 36)
}

// get returns the answer data names.
func (x *expansions) get(data string) (expansion, bool) {
	rest, ok := strings.CutPrefix(data, x.prefix)
	if !ok {
		return expansion{}, false
	}
	n, err := strconv.ParseUint(rest, 36, 64)
	if err != nil {
		return expansion{}, false
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	e, ok := x.kept[n]
	return e, ok
}

// replyWithKeyboard queues d for msg's chat as HTML, in reply to msg and
// with keyboard under it, like reply; d must fit one message.
func (s *session) replyWithKeyboard(ctx context.Context, msg *tgbotapi.Message, d doc, keyboard tgbotapi.InlineKeyboardMarkup) {
	s.send(ctx, msg.Chat.ID, msg.Chat.Type, telegram.HTMLMessage(msg.Chat.ID, renderHTML(fit(d, maxMessageLen)), msg.MessageID, &keyboard))
}

// edit queues an edit of the bot's message msg to d, as HTML, with
// keyboard under it, or none; d must fit one message. It waits for the edit
// until ctx ends, and returns nil if the message already shows d. The
// edit is not kept in the store: the button press is handled again if
// the bot stops before its update is committed.
func (s *session) edit(ctx context.Context, msg *tgbotapi.Message, d doc, keyboard *tgbotapi.InlineKeyboardMarkup) error {
	e := telegram.HTMLEdit(msg.Chat.ID, msg.MessageID, renderHTML(fit(d, maxMessageLen)), keyboard)
	_, err := s.out.Send(msg.Chat.ID, msg.Chat.Type, e).Wait(ctx)
	if isNotModified(err) {
		return nil // pressed twice: the message shows it already
	}
	return err
}

// isNotModified reports whether err is Telegram refusing an edit that
// changes nothing.
func isNotModified(err error) bool {
	var apiErr *tgbotapi.Error
	return errors.As(err, &apiErr) && strings.Contains(apiErr.Message, "message is not modified")
}
