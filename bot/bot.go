// Package bot is the Telegram front end of eventbot: it answers questions
// about the Crocus City Hall attack (Krasnogorsk, 22 March 2024) from a
// knowledge base of news articles, citing its sources.
//
// A Bot is one pipeline (Run, spine in serve): updates come from long
// polling (poll.go) or a webhook (webhook.go), are journaled in the store
// before Telegram is told it may forget them (journal.go), are routed by
// one command table (router.go) to the handlers (private.go, group.go,
// inline.go, admin.go, feedback.go), whose replies are queued in the
// store with the update marked handled, and go out through the outbox
// and the client of package telegram, which retry until Telegram has
// them. Nothing Telegram delivered is lost across a crash or restart: see
// package store. Its admins reload and extend the corpus from a private
// chat (admin.go). /timeline, /claims and /toll show the event at a
// glance (views.go), from the digest the knowledge base builds with each
// corpus.
//
// Terminal offers the same conversation on a terminal, through the same
// router. Both render answers
// from one layout (render.go): HTML for Telegram, plain text for
// terminals (PlainText).
package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/prometheus/client_golang/prometheus"

	"eventbot/bot/store"
	"eventbot/bot/telegram"
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
	// WebhookURL, if set, makes Telegram push updates to the bot's
	// webhook (Bot.Webhook, served at this address's path by the
	// caller) instead of the bot polling; setWebhook is called at start.
	// Without it, the bot polls, and deletes any webhook first.
	WebhookURL string
	// WebhookSecret is the secret_token Telegram sends with each webhook
	// request; required with WebhookURL: 1 to 256 of A-Z a-z 0-9 _ -.
	WebhookSecret string
	// Store keeps the journal of updates and the outbox of replies, so
	// that nothing is lost across restarts (see package store). Nil means
	// an in-memory store: nothing survives the process.
	Store store.Store
	// Client makes the HTTP requests. Its Timeout, if any, must be longer
	// than PollTimeout and SendTimeout. Nil means a client without a
	// timeout: each call has its own deadline.
	Client *http.Client
	// SendTimeout bounds one call that sends a chat message; 0 means 75
	// seconds. Telegram may have sent a message whose call timed out, so
	// such a call is tried once more at most: the timeout is long.
	SendTimeout time.Duration
	// PollTimeout is the long-poll timeout in seconds; 0 means 30.
	PollTimeout int
	// Workers is how many updates are handled at once; 0 means 8.
	Workers int
	// ShutdownGrace bounds how long Run takes to return once its
	// context is done: it lets the updates in hand be handled and the
	// replies queued go out meanwhile, and leaves the rest in the store
	// for the next start. 0 means 4 seconds.
	ShutdownGrace time.Duration
	// Limits bound how fast the bot sends chat messages; zero fields
	// mean Telegram's limits.
	Limits telegram.Limits
	// Flood bounds how fast one user may ask questions; zero fields take
	// their defaults.
	Flood FloodLimit
	// Metrics counts what the bot does; nil means metrics kept in a
	// registry of the bot's own, which nobody reads.
	Metrics *Metrics
}

// Defaults for Config.
const (
	defaultPollTimeout   = 30 // seconds
	defaultWorkers       = 8
	defaultShutdownGrace = 4 * time.Second
	defaultSendTimeout   = 75 * time.Second
)

const (
	// updateTimeout bounds the handling of one update.
	updateTimeout = 2 * time.Minute
	// callTimeout bounds the other calls (getMe, setMyCommands, ...),
	// and adds to the poll timeout for getUpdates.
	callTimeout = 15 * time.Second
	// confirmTimeout bounds the getUpdates call that confirms the last
	// batch on shutdown.
	confirmTimeout = time.Second
	// typingTimeout bounds the typing indicator: it is best effort.
	typingTimeout = 3 * time.Second
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
	clock telegram.Clock

	// hook is the webhook's way into the session running, nil when
	// none is.
	hookMu sync.Mutex
	hook   *hookTarget
	// serving is set while Run serves updates.
	serving atomic.Bool
}

// Serving reports whether Run is serving updates: connected, and
// polling or taking them from the webhook.
func (b *Bot) Serving() bool { return b.serving.Load() }

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
	if cfg.SendTimeout <= 0 {
		cfg.SendTimeout = defaultSendTimeout
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{}
	}
	if cfg.Client.Timeout != 0 && (cfg.Client.Timeout <= poll || cfg.Client.Timeout <= cfg.SendTimeout) {
		return nil, fmt.Errorf("new bot: HTTP client timeout %v is not longer than the poll timeout %v and the send timeout %v",
			cfg.Client.Timeout, poll, cfg.SendTimeout)
	}
	if cfg.Store == nil {
		cfg.Store = store.NewMemory()
	}
	if cfg.WebhookURL != "" && !validSecret(cfg.WebhookSecret) {
		return nil, errors.New("new bot: a webhook needs a secret of 1 to 256 characters A-Z, a-z, 0-9, _ and -")
	}
	if cfg.Metrics == nil {
		cfg.Metrics = NewMetrics(prometheus.NewRegistry())
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
	limits, err := cfg.Limits.WithDefaults()
	if err != nil {
		return nil, fmt.Errorf("new bot: %w", err)
	}
	cfg.Limits = limits
	cfg.AdminIDs = slices.Clone(cfg.AdminIDs)
	admins := make(map[int64]bool, len(cfg.AdminIDs))
	for _, id := range cfg.AdminIDs {
		admins[id] = true
	}
	return &Bot{logger: logger, cfg: cfg, kb: kb, admins: admins, sleep: telegram.Sleep, clock: telegram.RealClock{}}, nil
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

// Run connects to Telegram and answers updates until ctx is done; see
// the package comment for the pipeline. It first sends the replies the
// store holds unsent and handles the updates journaled but not handled
// by an earlier run. Once ctx is done it stops polling, lets the updates
// in hand be handled and the replies go out for up to
// Config.ShutdownGrace, leaves what remains in the store, and returns
// nil. It returns an error if Telegram rejects the token or the store
// fails at start. Run may be called again after it returns, but not
// concurrently: Telegram serves one poller per token.
func (b *Bot) Run(ctx context.Context) error {
	tg := &telegram.Client{
		Logger:      b.logger,
		Token:       b.cfg.Token,
		Endpoint:    b.cfg.APIEndpoint,
		HTTP:        b.cfg.Client,
		Sleep:       b.sleep,
		Attempts:    5,
		Backoff:     500 * time.Millisecond,
		SendTimeout: b.cfg.SendTimeout,
		OnError:     b.cfg.Metrics.telegramError,
	}
	me, err := tg.Connect(ctx)
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
		store:  b.cfg.Store,
		me:     me,
		flood:  newFloodGate(b.cfg.Flood),
		expand: newExpansions(maxExpansions),
		stats:  newQuestionStats(maxUnanswered),
		// Admin corpus work may hold up to half the workers, so that
		// questions always have the other half.
		adminWork: make(chan struct{}, max(1, b.cfg.Workers/2)),
	}
	counts, err := s.store.Questions(context.WithoutCancel(ctx))
	if err != nil {
		return fmt.Errorf("read the statistics: %w", err)
	}
	s.stats.load(counts)
	b.logger.Info("telegram bot running", "username", me.UserName, "workers", b.cfg.Workers)
	return s.serve(ctx)
}

// A session is one Run: the connection, who the bot is on it, and what
// it remembers meanwhile.
type session struct {
	bot    *Bot
	logger *slog.Logger
	tg     *telegram.Client
	store  store.Store
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
	// corpusMu serialises the changes to the corpus, so that each
	// admin's reply tells what their own change came to.
	corpusMu sync.Mutex
	// out sends every chat message: see outbox.
	out *telegram.Outbox
	// work is the context of the handlers and of bg; it ends when the
	// shutdown grace runs out.
	work context.Context
	// bg runs the best-effort calls (typing, command menus) beside the
	// handlers.
	bg sync.WaitGroup
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
		if _, err := s.tg.Request(ctx, "setMyCommands", cfg); err != nil && ctx.Err() == nil {
			s.logger.Info("commands not registered", "language", lang, "err", err)
		}
	}
}

// serve runs the pipeline until ctx is done, then shuts down as Run
// describes.
func (s *session) serve(ctx context.Context) error {
	s.out = telegram.NewOutbox(s.logger, s.tg, s.store, s.bot.clock, s.bot.cfg.Limits)
	s.out.OnPending = s.bot.cfg.Metrics.outboxPending
	s.out.Start(ctx)
	work, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()
	s.work = work
	s.bg.Go(func() {
		// Bounded, and beside the pipeline: the menus only help.
		ctx, cancel := context.WithTimeout(ctx, 2*callTimeout)
		defer cancel()
		s.setCommands(ctx)
		s.setAdminCommands(ctx)
	})
	err := s.resend(ctx)
	// Updates from the journal are handed to the workers in order, one
	// chat at a time (lanes.go).
	updates, ready := make(chan store.Update), make(chan store.Update)
	inHand := newLanes()
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(ready)
		for u := range updates {
			if inHand.enter(laneOf(u.Raw), u) {
				ready <- u
			}
		}
	})
	for range s.bot.cfg.Workers {
		wg.Go(func() {
			for u := range ready {
				key := laneOf(u.Raw)
				for ok := true; ok; u, ok = inHand.next(key) {
					s.handle(work, u)
				}
			}
		})
	}
	offset := 0
	if err == nil {
		s.bot.serving.Store(true)
		err = s.resume(ctx, updates)
	}
	switch {
	case err != nil, ctx.Err() != nil:
	case s.bot.cfg.WebhookURL != "":
		err = s.webhook(ctx, updates)
	default:
		offset, err = s.poll(ctx, updates)
	}
	s.bot.serving.Store(false)
	close(updates)
	stopping := time.Now()
	s.bg.Go(func() { s.confirm(context.WithoutCancel(ctx), offset) })
	grace := s.bot.cfg.ShutdownGrace
	s.drain(&wg, stopWork, grace/2)
	s.out.Close(grace - time.Since(stopping))
	stopWork()
	s.bg.Wait()
	if err != nil {
		return err
	}
	s.logger.Info("telegram bot stopped")
	return nil
}

// resume hands the updates journaled but not handled by an earlier run
// to out.
func (s *session) resume(ctx context.Context, out chan<- store.Update) error {
	pending, err := s.store.Pending(context.WithoutCancel(ctx))
	if err != nil {
		return fmt.Errorf("read the journal: %w", err)
	}
	if len(pending) > 0 {
		s.logger.Info("handling the updates left by the last run", "updates", len(pending))
	}
	handOver(ctx, out, pending)
	return nil
}

// drain waits up to grace for the workers to finish. Then it cancels
// their context, which leaves the updates in hand pending in the store,
// and waits for them to return.
func (s *session) drain(wg *sync.WaitGroup, cancel context.CancelFunc, grace time.Duration) {
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-done:
		return
	case <-t.C:
	}
	s.logger.Warn("updates unfinished after the grace period, left for the next start", "grace", grace)
	cancel()
	<-done
}

// refused reports whether err means Telegram will never serve this bot:
// a revoked token or a wrong endpoint.
func refused(err error) bool {
	var apiErr *tgbotapi.Error
	return errors.As(err, &apiErr) && (apiErr.Code == http.StatusUnauthorized || apiErr.Code == http.StatusNotFound)
}

// update hands an update to its handler. A panic is logged and, for a
// message, answered with an apology; it never reaches the worker.
func (s *session) update(ctx context.Context, u tgbotapi.Update) {
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

// typing shows "typing…" in chatID, best effort: beside the handler,
// bounded by typingTimeout, a failure logged.
func (s *session) typing(chatID int64) {
	s.bg.Go(func() {
		action := tgbotapi.NewChatAction(chatID, tgbotapi.ChatTyping)
		if err := s.tg.Once(s.work, "sendChatAction", action, typingTimeout); err != nil {
			s.logger.Info("typing indicator not shown", "chat_id", chatID, "err", err)
		}
	})
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
