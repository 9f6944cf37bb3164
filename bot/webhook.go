package bot

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"eventbot/bot/store"
)

// The webhook update source: Telegram POSTs each update to the bot's
// address, with the secret given to setWebhook in the header
// X-Telegram-Bot-Api-Secret-Token. A request is answered 200 only once
// its update is journaled; Telegram sends again what was not answered
// 200.

const (
	// secretHeader carries the webhook's secret_token.
	secretHeader = "X-Telegram-Bot-Api-Secret-Token"
	// maxWebhookBody bounds a webhook request's body; Telegram's updates
	// are far smaller.
	maxWebhookBody = 1 << 20
)

// hookTarget is where webhook requests go while a session runs.
type hookTarget struct {
	ctx   context.Context // the session's; done when it stops
	store store.Store
	out   chan<- store.Update
}

// validSecret reports whether secret is one Telegram accepts as a
// webhook's secret_token.
func validSecret(secret string) bool {
	if len(secret) < 1 || len(secret) > 256 {
		return false
	}
	for _, c := range secret {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// webhook sets the webhook and serves the updates it receives (through
// Bot.Webhook) until ctx is done. The webhook stays set when the bot
// stops: Telegram keeps the updates until it is back.
func (s *session) webhook(ctx context.Context, out chan<- store.Update) error {
	params := tgbotapi.Params{}
	params["url"] = s.bot.cfg.WebhookURL
	// tgbotapi v5.5.1's WebhookConfig has no secret_token: the
	// parameters are made here.
	params["secret_token"] = s.bot.cfg.WebhookSecret
	if err := params.AddInterface("allowed_updates", allowedUpdates); err != nil {
		return err
	}
	err := s.tg.Retry(ctx, "setWebhook", func(ctx context.Context) error {
		_, err := s.tg.API(ctx).MakeRequest("setWebhook", params)
		return err
	})
	if ctx.Err() != nil {
		return nil
	}
	if err != nil {
		return fmt.Errorf("set webhook: %w", err)
	}
	s.logger.Info("webhook set; updates come from Telegram")
	s.bot.hookMu.Lock()
	s.bot.hook = &hookTarget{ctx: ctx, store: s.store, out: out}
	s.bot.hookMu.Unlock()
	<-ctx.Done()
	s.bot.hookMu.Lock()
	s.bot.hook = nil
	s.bot.hookMu.Unlock()
	return nil
}

// Webhook returns the handler of the webhook's requests, to be served
// at the path of Config.WebhookURL. It refuses a request without the
// secret (401), a body over 1 MiB (413) and anything but an update
// (400); while the bot is not running it answers 503, and Telegram
// sends the update again later.
func (b *Bot) Webhook() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		got := r.Header.Get(secretHeader)
		if b.cfg.WebhookSecret == "" || subtle.ConstantTimeCompare([]byte(got), []byte(b.cfg.WebhookSecret)) != 1 {
			b.logger.Warn("webhook request refused: wrong secret", "remote", r.RemoteAddr)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBody))
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
			return
		case err != nil:
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		var id struct {
			UpdateID int `json:"update_id"`
		}
		if json.Unmarshal(body, &id) != nil || id.UpdateID <= 0 {
			b.logger.Warn("webhook request refused: not an update")
			http.Error(w, "not an update", http.StatusBadRequest)
			return
		}
		b.hookMu.Lock()
		hook := b.hook
		b.hookMu.Unlock()
		if hook == nil {
			http.Error(w, "not running", http.StatusServiceUnavailable)
			return
		}
		fresh, err := hook.store.Journal(context.WithoutCancel(r.Context()), []store.Update{{ID: id.UpdateID, Raw: body}}, -1)
		if err != nil {
			b.logger.Error("webhook update not journaled", "update_id", id.UpdateID, "err", err)
			http.Error(w, "not journaled", http.StatusInternalServerError)
			return
		}
		// Journaled: Telegram may forget it. Answer at once, then wait
		// for a worker.
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(http.StatusOK)
		http.NewResponseController(w).Flush()
		handOver(hook.ctx, hook.out, fresh)
	})
}
