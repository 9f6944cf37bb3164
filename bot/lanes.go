package bot

import (
	"encoding/json"
	"sync"

	"eventbot/bot/store"
)

// Between the journal and the handlers: the workers take updates from
// the journal as they come, but one chat's updates are handled one at a
// time and in order, so that its replies follow its questions and a
// user's second button press counts after the first. One goroutine
// enters the updates in the order they arrive: an update for a chat in
// hand is queued behind, and the worker handling that chat takes it next.

// lanes tracks the chats whose updates are in hand. It is owned by a
// session's serve and safe for concurrent use.
type lanes struct {
	mu      sync.Mutex
	waiting map[int64][]store.Update // chat in hand → its updates queued behind
}

func newLanes() *lanes { return &lanes{waiting: make(map[int64][]store.Update)} }

// enter reports whether u may be handled now: false means it is queued
// behind the update of its chat in hand, and next will return it. Calls
// of enter must come in the order of the updates.
func (l *lanes) enter(key int64, u store.Update) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if q, busy := l.waiting[key]; busy {
		l.waiting[key] = append(q, u)
		return false
	}
	l.waiting[key] = nil
	return true
}

// next returns the update queued next for chat key, or false when there
// is none and the chat is free again.
func (l *lanes) next(key int64) (store.Update, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	q := l.waiting[key]
	if len(q) == 0 {
		delete(l.waiting, key)
		return store.Update{}, false
	}
	l.waiting[key] = q[1:]
	return q[0], true
}

// laneOf returns the chat an update belongs to: its message's chat, the
// chat of the message under a pressed button, or the user of an inline
// query or button. Updates without any share lane 0.
func laneOf(raw []byte) int64 {
	type chat struct {
		ID int64 `json:"id"`
	}
	var u struct {
		Message *struct {
			Chat chat `json:"chat"`
		} `json:"message"`
		CallbackQuery *struct {
			From    chat `json:"from"`
			Message *struct {
				Chat chat `json:"chat"`
			} `json:"message"`
		} `json:"callback_query"`
		InlineQuery *struct {
			From chat `json:"from"`
		} `json:"inline_query"`
	}
	if json.Unmarshal(raw, &u) != nil {
		return 0
	}
	switch {
	case u.Message != nil:
		return u.Message.Chat.ID
	case u.CallbackQuery != nil && u.CallbackQuery.Message != nil:
		return u.CallbackQuery.Message.Chat.ID
	case u.CallbackQuery != nil:
		return u.CallbackQuery.From.ID
	case u.InlineQuery != nil:
		return u.InlineQuery.From.ID
	}
	return 0
}
