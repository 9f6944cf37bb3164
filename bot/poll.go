package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"eventbot/bot/store"
)

// The update source: long polling with getUpdates, with an offset the
// bot keeps in the store. Telegram forgets the updates before the offset
// a getUpdates call names, so the offset that confirms a batch is sent
// only once the batch is journaled.

// allowedUpdates are the update types the bot handles.
var allowedUpdates = []string{"message", "inline_query", "callback_query"}

// poll long-polls getUpdates, journals each batch and hands the new
// updates to out, until ctx is done. It returns an error only if Telegram
// refuses the bot or the store can't be read, and the offset journaled
// last, which Telegram may not have been told yet (see confirm).
func (s *session) poll(ctx context.Context, out chan<- store.Update) (offset int, err error) {
	keep := context.WithoutCancel(ctx) // the store's work is not cut short
	if err := s.tg.Once(ctx, "deleteWebhook", tgbotapi.DeleteWebhookConfig{}, callTimeout); err != nil && ctx.Err() == nil {
		// Telegram refuses getUpdates while a webhook is set.
		s.logger.Warn("webhook not deleted", "err", err)
	}
	offset, err = s.store.Offset(keep)
	if err != nil {
		return 0, fmt.Errorf("read the journal: %w", err)
	}
	failed, below := time.Duration(0), time.Duration(0) // current backoffs
	for {
		batch, err := s.getUpdates(ctx, offset)
		if ctx.Err() != nil {
			return offset, nil
		}
		if err != nil {
			if refused(err) {
				return offset, fmt.Errorf("get updates: %w", err)
			}
			failed = nextBackoff(failed)
			s.logger.Warn("get updates failed", "err", err, "retry_in", failed)
			if s.bot.sleep(ctx, failed) != nil {
				return offset, nil
			}
			continue
		}
		failed = 0
		if len(batch) == 0 {
			continue
		}
		next, old := offset, 0
		for _, u := range batch {
			next = max(next, u.ID+1)
			if u.ID < offset {
				old++
			}
		}
		if old > 0 {
			// Telegram restarts ids after a long silence; a server may
			// also send again what it was told to forget. Confirm up to
			// the batch's last id, and handle what is new.
			next = batch[len(batch)-1].ID + 1
		}
		fresh, err := s.store.Journal(keep, batch, next)
		if err != nil {
			// Not confirmed: Telegram will send them again.
			failed = nextBackoff(failed)
			s.logger.Error("updates not journaled", "updates", len(batch), "err", err, "retry_in", failed)
			if s.bot.sleep(ctx, failed) != nil {
				return offset, nil
			}
			continue
		}
		if old > 0 {
			below = nextBackoff(below)
			s.logger.Warn("updates with ids below the offset", "updates", old, "new", len(fresh),
				"offset", offset, "next_offset", next, "retry_in", below)
		} else {
			below = 0
		}
		offset = next
		if !handOver(ctx, out, fresh) {
			return offset, nil
		}
		if below > 0 && s.bot.sleep(ctx, below) != nil {
			return offset, nil
		}
	}
}

// confirm tells Telegram to forget the updates before offset, with a
// last getUpdates call, so that it does not send them again after a
// restart. Best effort and bounded: the journal knows them anyway.
func (s *session) confirm(ctx context.Context, offset int) {
	if offset <= 0 {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, confirmTimeout)
	defer cancel()
	if err := s.tg.Once(ctx, "getUpdates", tgbotapi.UpdateConfig{Offset: offset, Limit: 1}, confirmTimeout); err != nil {
		s.logger.Info("last updates not confirmed; Telegram sends them again, the journal knows them", "offset", offset, "err", err)
	}
}

// handOver sends updates to out in order; false means ctx ended first.
func handOver(ctx context.Context, out chan<- store.Update, updates []store.Update) bool {
	for _, u := range updates {
		select {
		case out <- u:
		case <-ctx.Done():
			return false
		}
	}
	return true
}

// nextBackoff returns the wait after d: a second first, then twice as
// long each time, up to maxPollBackoff.
func nextBackoff(d time.Duration) time.Duration {
	return min(max(2*d, time.Second), maxPollBackoff)
}

// getUpdates fetches the updates from offset on, each with its raw JSON
// for the journal. An update without an id is logged and dropped.
func (s *session) getUpdates(ctx context.Context, offset int) ([]store.Update, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Duration(s.bot.cfg.PollTimeout)*time.Second+callTimeout)
	defer cancel()
	resp, err := s.tg.Request(ctx, "getUpdates", tgbotapi.UpdateConfig{
		Offset:         offset,
		Timeout:        s.bot.cfg.PollTimeout,
		AllowedUpdates: allowedUpdates,
	})
	if err != nil {
		return nil, err
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(resp.Result, &raws); err != nil {
		return nil, fmt.Errorf("decode updates: %w", err)
	}
	updates := make([]store.Update, 0, len(raws))
	for _, raw := range raws {
		var id struct {
			UpdateID int `json:"update_id"`
		}
		if json.Unmarshal(raw, &id) != nil || id.UpdateID <= 0 {
			s.logger.Error("update without id dropped")
			continue
		}
		updates = append(updates, store.Update{ID: id.UpdateID, Raw: raw})
	}
	return updates, nil
}
