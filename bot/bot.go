// Package bot is the Telegram front end of eventbot: it answers questions
// about the Crocus City Hall attack (Krasnogorsk, 22 March 2024) from a
// knowledge base of news articles, citing its sources.
//
// A Bot long-polls the Bot API for updates and handles them concurrently;
// its admins reload and extend the corpus from a private chat (admin.go).
// Terminal offers the same conversation on a terminal. Both render answers
// from one layout (render.go): HTML for Telegram, plain text for
// terminals (PlainText).
package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"eventbot/knowledge"
)

// Knowledge is what the bot needs from the knowledge base.
type Knowledge interface {
	// Answer answers a question from the corpus. It must return soon
	// after ctx is cancelled.
	Answer(ctx context.Context, question string) (knowledge.Answer, error)
	// Sources describes the articles of the corpus.
	Sources() []knowledge.Source
}

// Config configures a Bot.
type Config struct {
	// Token is the bot token from @BotFather. It is never logged.
	Token string
	// APIEndpoint is the Bot API endpoint template, with %s for the token
	// and then the method, e.g. "http://127.0.0.1:8081/bot%s/%s". Empty
	// means tgbotapi.APIEndpoint (Telegram's servers).
	APIEndpoint string
	// FileEndpoint is the template of file download addresses, with %s
	// for the token and then the file_path getFile returns, e.g.
	// "http://127.0.0.1:8081/file/bot%s/%s". Empty means APIEndpoint
	// with its "/bot%s/%s" ending replaced by "/file/bot%s/%s", or
	// tgbotapi.FileEndpoint (Telegram's servers) when it has no such
	// ending.
	FileEndpoint string
	// AdminIDs are the Telegram user ids of the bot's administrators:
	// only they may use the admin commands (/reload, /add, /stats) and
	// upload articles, in private chats (see admin.go).
	AdminIDs []int64
	// Library lets admins reload and extend the corpus from the chat;
	// nil means the admin corpus commands reply that they are
	// unavailable.
	Library Library
	// Client makes the HTTP requests. Its Timeout, if any, must be longer
	// than PollTimeout. Nil means a client with a timeout 15 seconds
	// longer than PollTimeout.
	Client *http.Client
	// PollTimeout is the long-poll timeout in seconds; 0 means 30.
	PollTimeout int
	// Workers is how many updates are handled at once; 0 means 8.
	Workers int
	// ShutdownGrace is how long Run lets replies in flight finish, and
	// the messages queued go out, once its context is done; 0 means 5
	// seconds.
	ShutdownGrace time.Duration
	// Limits bound how fast the bot sends chat messages; zero fields
	// mean Telegram's limits.
	Limits Limits
	// Flood bounds how fast one user may ask questions; zero fields take
	// their defaults.
	Flood FloodLimit
}

// Defaults for Config.
const (
	defaultPollTimeout   = 30 // seconds
	defaultWorkers       = 8
	defaultShutdownGrace = 5 * time.Second
)

const (
	// updateTimeout bounds the handling of one update.
	updateTimeout = 2 * time.Minute
	// confirmTimeout bounds the getUpdates call that confirms the last
	// batch on shutdown.
	confirmTimeout = 3 * time.Second
	// maxPollBackoff bounds the wait between failed polls.
	maxPollBackoff = 30 * time.Second
)

// Bot is a Telegram bot answering questions from a knowledge base.
type Bot struct {
	logger *slog.Logger
	cfg    Config
	kb     Knowledge
	// admins holds Config.AdminIDs.
	admins map[int64]bool
	// sleep waits between retries; tests replace it.
	sleep func(context.Context, time.Duration) error
	// clock times the outbox; tests replace it.
	clock clock
}

// New returns a bot configured by cfg that answers from kb. It makes no
// network calls: Run connects.
func New(logger *slog.Logger, cfg Config, kb Knowledge) (*Bot, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Token == "" {
		return nil, errors.New("new bot: empty token")
	}
	if kb == nil {
		return nil, errors.New("new bot: no knowledge base")
	}
	if cfg.APIEndpoint == "" {
		cfg.APIEndpoint = tgbotapi.APIEndpoint
	}
	if strings.Count(cfg.APIEndpoint, "%s") != 2 {
		return nil, fmt.Errorf("new bot: API endpoint %q: want a template with two %%s", cfg.APIEndpoint)
	}
	if cfg.FileEndpoint == "" {
		cfg.FileEndpoint = fileEndpoint(cfg.APIEndpoint)
	}
	if strings.Count(cfg.FileEndpoint, "%s") != 2 {
		return nil, fmt.Errorf("new bot: file endpoint %q: want a template with two %%s", cfg.FileEndpoint)
	}
	if cfg.PollTimeout < 0 {
		return nil, fmt.Errorf("new bot: negative poll timeout %d", cfg.PollTimeout)
	}
	if cfg.PollTimeout == 0 {
		cfg.PollTimeout = defaultPollTimeout
	}
	poll := time.Duration(cfg.PollTimeout) * time.Second
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: poll + 15*time.Second}
	}
	if cfg.Client.Timeout != 0 && cfg.Client.Timeout <= poll {
		return nil, fmt.Errorf("new bot: HTTP client timeout %v is not longer than the poll timeout %v", cfg.Client.Timeout, poll)
	}
	if cfg.Workers <= 0 {
		cfg.Workers = defaultWorkers
	}
	if cfg.ShutdownGrace <= 0 {
		cfg.ShutdownGrace = defaultShutdownGrace
	}
	if cfg.Flood.Burst < 0 || cfg.Flood.Every < 0 {
		return nil, fmt.Errorf("new bot: negative flood limit %+v", cfg.Flood)
	}
	if cfg.Flood.Burst == 0 {
		cfg.Flood.Burst = defaultFloodBurst
	}
	if cfg.Flood.Every == 0 {
		cfg.Flood.Every = defaultFloodEvery
	}
	limits, err := cfg.Limits.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("new bot: %w", err)
	}
	cfg.Limits = limits
	cfg.AdminIDs = slices.Clone(cfg.AdminIDs)
	admins := make(map[int64]bool, len(cfg.AdminIDs))
	for _, id := range cfg.AdminIDs {
		admins[id] = true
	}
	return &Bot{logger: logger, cfg: cfg, kb: kb, admins: admins, sleep: sleep, clock: realClock{}}, nil
}

// fileEndpoint derives the file download template from the API endpoint
// template: ".../bot%s/%s" becomes ".../file/bot%s/%s", as on Telegram's
// servers and the local Bot API server. Other templates get Telegram's.
func fileEndpoint(api string) string {
	if base, ok := strings.CutSuffix(api, "/bot%s/%s"); ok {
		return base + "/file/bot%s/%s"
	}
	return tgbotapi.FileEndpoint
}

// Run connects to Telegram and answers updates until ctx is done. Then it
// stops polling, lets replies in flight finish for up to
// Config.ShutdownGrace, confirms the updates it handled so that a restart
// doesn't handle them again, and returns nil. It returns an error if
// Telegram rejects the token. Run may be called again after it returns,
// but not concurrently: Telegram serves one poller per token.
func (b *Bot) Run(ctx context.Context) error {
	tg := &sender{
		logger:   b.logger,
		token:    b.cfg.Token,
		endpoint: b.cfg.APIEndpoint,
		client:   b.cfg.Client,
		sleep:    b.sleep,
		attempts: 5,
		backoff:  500 * time.Millisecond,
	}
	me, err := tg.connect(ctx)
	if ctx.Err() != nil {
		return nil
	}
	if err != nil {
		return fmt.Errorf("connect to telegram: %w", err)
	}
	s := &session{
		bot:    b,
		logger: b.logger,
		tg:     tg,
		me:     me,
		flood:  newFloodGate(b.cfg.Flood),
		expand: newExpansions(maxExpansions),
		stats:  newQuestionStats(maxUnanswered),
		// Admin corpus work may hold up to half the workers, so that
		// questions always have the other half.
		adminWork: make(chan struct{}, max(1, b.cfg.Workers/2)),
	}
	b.logger.Info("telegram bot running", "username", me.UserName, "workers", b.cfg.Workers)
	s.setCommands(ctx)
	s.setAdminCommands(ctx)
	return s.serve(ctx)
}

// A session is one Run: the connection, who the bot is on it, and what
// it remembers meanwhile.
type session struct {
	bot    *Bot
	logger *slog.Logger
	tg     *sender
	me     tgbotapi.User
	// flood counts each user's questions.
	flood *floodGate
	// expand keeps what the buttons under group answers expand to.
	expand *expansions
	// stats counts the questions answered, for /stats.
	stats *questionStats
	// adminWork holds a token for each admin corpus job (a reload, an
	// article added) in progress: see admin.go.
	adminWork chan struct{}
	// out sends every chat message: see outbox.
	out *outbox
}

// setCommands registers the bot's commands in every language it speaks,
// for the default scope: private chats and groups alike. Failure is
// logged: the commands only help users type them.
func (s *session) setCommands(ctx context.Context) {
	for _, lang := range slices.Sorted(maps.Keys(phrasebook)) {
		p := phrasebook[lang]
		cfg := tgbotapi.NewSetMyCommands(userCommands(p)...)
		if lang != defaultLanguage {
			cfg.LanguageCode = lang
		}
		if _, err := s.tg.request(ctx, "setMyCommands", cfg); err != nil {
			s.logger.Info("commands not registered", "language", lang, "err", err)
		}
	}
}

// serve polls for updates and hands them to Config.Workers workers until
// ctx is done, then shuts down as Run describes.
func (s *session) serve(ctx context.Context) error {
	s.out = newOutbox(s.logger, s.tg, s.bot.clock, s.bot.cfg.Limits)
	s.out.start(ctx)
	work, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()
	updates := make(chan tgbotapi.Update)
	var wg sync.WaitGroup
	for range s.bot.cfg.Workers {
		wg.Go(func() {
			for u := range updates {
				s.handle(work, u)
			}
		})
	}

	offset, err := s.poll(ctx, updates)
	close(updates)
	stopping := time.Now()
	s.drain(&wg, stopWork)
	s.out.close(s.bot.cfg.ShutdownGrace - time.Since(stopping))
	s.confirm(ctx, offset)
	if err != nil {
		return err
	}
	s.logger.Info("telegram bot stopped")
	return nil
}

// drain waits for the workers to finish. After the grace period it
// cancels their context and waits for them to return.
func (s *session) drain(wg *sync.WaitGroup, cancel context.CancelFunc) {
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	grace := time.NewTimer(s.bot.cfg.ShutdownGrace)
	defer grace.Stop()
	select {
	case <-done:
		return
	case <-grace.C:
	}
	s.logger.Warn("replies unfinished after the grace period, cancelling them", "grace", s.bot.cfg.ShutdownGrace)
	cancel()
	<-done
}

// poll long-polls getUpdates and sends each new update to out until ctx
// is done. It returns the offset that confirms every update sent, and an
// error only if Telegram refuses the bot.
func (s *session) poll(ctx context.Context, out chan<- tgbotapi.Update) (offset int, err error) {
	backoff := time.Second
	for {
		batch, err := s.getUpdates(ctx, offset)
		if ctx.Err() != nil {
			return offset, nil
		}
		if err != nil {
			if refused(err) {
				return offset, fmt.Errorf("get updates: %w", err)
			}
			s.logger.Warn("get updates failed", "err", err, "retry_in", backoff)
			if s.bot.sleep(ctx, backoff) != nil {
				return offset, nil
			}
			backoff = min(2*backoff, maxPollBackoff)
			continue
		}
		backoff = time.Second
		for _, u := range batch {
			if u.UpdateID < offset {
				continue // handled already
			}
			if ctx.Err() != nil {
				return offset, nil
			}
			select {
			case out <- u:
				offset = u.UpdateID + 1
			case <-ctx.Done():
				return offset, nil
			}
		}
	}
}

// refused reports whether err means Telegram will never serve this bot:
// a revoked token or a wrong endpoint.
func refused(err error) bool {
	var apiErr *tgbotapi.Error
	return errors.As(err, &apiErr) && (apiErr.Code == http.StatusUnauthorized || apiErr.Code == http.StatusNotFound)
}

// getUpdates fetches the updates from offset on. An update that doesn't
// decode is returned with only its UpdateID, so that it is confirmed and
// skipped rather than fetched forever.
func (s *session) getUpdates(ctx context.Context, offset int) ([]tgbotapi.Update, error) {
	resp, err := s.tg.request(ctx, "getUpdates", tgbotapi.UpdateConfig{
		Offset:  offset,
		Timeout: s.bot.cfg.PollTimeout,
		// The update types handled.
		AllowedUpdates: []string{"message", "inline_query", "callback_query"},
	})
	if err != nil {
		return nil, err
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(resp.Result, &raws); err != nil {
		return nil, fmt.Errorf("decode updates: %w", err)
	}
	updates := make([]tgbotapi.Update, 0, len(raws))
	for _, raw := range raws {
		var u tgbotapi.Update
		if err := json.Unmarshal(raw, &u); err != nil {
			var id struct {
				UpdateID int `json:"update_id"`
			}
			if json.Unmarshal(raw, &id) != nil || id.UpdateID == 0 {
				s.logger.Error("update without id dropped", "err", err)
				continue
			}
			s.logger.Warn("undecodable update skipped", "update_id", id.UpdateID, "err", err)
			u = tgbotapi.Update{UpdateID: id.UpdateID}
		}
		updates = append(updates, u)
	}
	return updates, nil
}

// confirm tells Telegram the updates before offset are handled, with a
// last getUpdates call. Best effort: it is logged if it fails.
func (s *session) confirm(ctx context.Context, offset int) {
	if offset == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), confirmTimeout)
	defer cancel()
	if _, err := s.tg.request(ctx, "getUpdates", tgbotapi.UpdateConfig{Offset: offset, Limit: 1}); err != nil {
		s.logger.Warn("handled updates not confirmed; a restart may handle them again", "offset", offset, "err", err)
	}
}

// handle handles one update. A panic is logged and, for a message,
// answered with an apology; it never reaches the worker.
func (s *session) handle(ctx context.Context, u tgbotapi.Update) {
	ctx, cancel := context.WithTimeout(ctx, updateTimeout)
	defer cancel()
	defer func() {
		if r := recover(); r != nil {
			s.logger.Error("update handler panicked", "update_id", u.UpdateID, "panic", r, "stack", string(debug.Stack()))
			s.apologize(ctx, u.Message)
		}
	}()
	switch {
	case u.Message != nil:
		s.message(ctx, u.Message)
	case u.InlineQuery != nil:
		s.inline(ctx, u.InlineQuery)
	case u.CallbackQuery != nil:
		s.callback(ctx, u.CallbackQuery)
	default:
		s.logger.Debug("update ignored", "update_id", u.UpdateID)
	}
}

// message handles a message in a private chat or a group; channels are
// ignored.
func (s *session) message(ctx context.Context, msg *tgbotapi.Message) {
	if msg.Chat == nil {
		return
	}
	switch {
	case msg.Chat.IsPrivate():
		s.private(ctx, msg)
	case msg.Chat.IsGroup(), msg.Chat.IsSuperGroup():
		s.group(ctx, msg)
	default:
		s.logger.Debug("message ignored", "chat_type", msg.Chat.Type)
	}
}
