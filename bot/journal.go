package bot

import (
	"context"
	"encoding/json"
	"sync"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"eventbot/bot/store"
	"eventbot/bot/telegram"
)

// Between the journal and the outbox: each journaled update is handled
// once (handle), and what the handlers send in answer is collected in a
// turn; the update is then marked handled and its replies queued in the
// store in one transaction (commit), and only then handed to the outbox.
// A crash before the commit leaves the update pending, to be handled
// again at the next start; one after it leaves the replies in the store,
// to be sent then.

// A turn collects the replies to one update.
type turn struct {
	update int

	mu      sync.Mutex
	replies []store.Reply
	groups  uint64
}

type turnKey struct{}

// add queues msgs, the parts of one reply to chatID, in order.
func (t *turn) add(chatID int64, chatType string, msgs []telegram.Msg) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.groups++
	group := uint64(t.update)<<16 | t.groups
	for _, m := range msgs {
		t.replies = append(t.replies, store.Reply{
			Update: t.update, Group: group, ChatID: chatID, ChatType: chatType,
			Method: m.Method, Params: m.Params,
		})
	}
}

// send queues msgs, the parts of one reply to chatID of chatType, to be
// sent in order: with the update's turn, once it is committed; outside
// one, at once and not kept in the store.
func (s *session) send(ctx context.Context, chatID int64, chatType string, msgs ...telegram.Msg) {
	if t, ok := ctx.Value(turnKey{}).(*turn); ok {
		t.add(chatID, chatType, msgs)
		return
	}
	s.out.SendAll(chatID, chatType, msgs)
}

// handle handles one journaled update and commits its replies. If ctx
// ends meanwhile (the bot stops), the update stays pending for the next
// start.
func (s *session) handle(ctx context.Context, su store.Update) {
	var u tgbotapi.Update
	if err := json.Unmarshal(su.Raw, &u); err != nil {
		s.logger.Warn("undecodable update skipped", "update_id", su.ID, "err", err)
		s.commit(ctx, su.ID, nil)
		return
	}
	t := &turn{update: su.ID}
	hctx, cancel := context.WithTimeout(context.WithValue(ctx, turnKey{}, t), updateTimeout)
	s.update(hctx, u)
	cancel()
	if ctx.Err() != nil {
		s.logger.Info("update left for the next start", "update_id", su.ID)
		return
	}
	s.commit(ctx, su.ID, t.replies)
}

// commit marks update id handled with its replies, and hands them to the
// outbox.
func (s *session) commit(ctx context.Context, id int, replies []store.Reply) {
	stored, err := s.store.Handled(context.WithoutCancel(ctx), id, replies)
	if err != nil {
		s.logger.Error("update not recorded as handled; the next start handles it again", "update_id", id, "err", err)
		return
	}
	s.enqueue(stored)
}

// enqueue hands replies from the store to the outbox, each group as one
// delivery.
func (s *session) enqueue(replies []store.Reply) {
	for i := 0; i < len(replies); {
		r := replies[i]
		var msgs []telegram.Msg
		for ; i < len(replies) && replies[i].Group == r.Group; i++ {
			msgs = append(msgs, telegram.Msg{Method: replies[i].Method, Params: replies[i].Params, Stored: replies[i].Seq})
		}
		s.out.SendAll(r.ChatID, r.ChatType, msgs)
	}
}

// resend hands the replies the store holds unsent to the outbox.
func (s *session) resend(ctx context.Context) error {
	unsent, err := s.store.Unsent(context.WithoutCancel(ctx))
	if err != nil {
		return err
	}
	if len(unsent) > 0 {
		s.logger.Info("sending the replies left by the last run", "replies", len(unsent))
	}
	s.enqueue(unsent)
	return nil
}
