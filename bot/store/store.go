// Package store keeps what the bot must not lose across crashes and
// restarts: the journal of the updates Telegram delivered, the outbox of
// the replies not yet sent, and the counters and votes /stats shows.
//
// Store is the contract; Open gives the bbolt implementation (one file,
// STATE_DB) and NewMemory an in-memory one for tests. The pipeline uses
// them in this order:
//
//  1. Journal records a batch of updates and the offset that confirms
//     them, in one transaction, before the offset is sent to Telegram.
//  2. Handled marks one update handled and queues its replies, in one
//     transaction: an update is either still pending (and handled again
//     after a restart) or handled with all its replies queued.
//  3. Unsent lists the replies still to send, and Sent removes one once
//     Telegram has it (or refused it for good).
//
// So an update is handled once per update_id, and a reply is lost only
// if the database file is; a reply may be sent twice only if the process
// died while sending it.
package store

import (
	"context"
	"crypto/sha256"
	"errors"
)

// An Update is one update as Telegram sent it.
type Update struct {
	ID  int
	Raw []byte // the update's JSON object
}

// A Reply is one Bot API call that sends or edits a chat message.
type Reply struct {
	// Seq orders the replies; the store assigns it, increasing.
	Seq uint64 `json:"seq"`
	// Update is the id of the update that caused the reply.
	Update int `json:"update"`
	// Group numbers the replies queued together for one chat: if one
	// fails for good, the rest of its group is dropped.
	Group    uint64            `json:"group"`
	ChatID   int64             `json:"chat_id"`
	ChatType string            `json:"chat_type"`
	Method   string            `json:"method"`
	Params   map[string]string `json:"params"`
}

// Store is the bot's durable state. Its methods are safe for concurrent
// use. An error means nothing was changed.
type Store interface {
	// Offset returns the offset last journaled: one more than the id of
	// the last update Telegram is to forget. 0 means none yet.
	Offset(ctx context.Context) (int, error)
	// Journal records updates (from one batch) as pending and offset as
	// the offset, in one transaction. It returns the updates that are
	// new, in the order given: an update whose id is journaled already
	// with the same content is a delivery again, and left out; one whose
	// id is journaled with other content (Telegram restarted its ids)
	// replaces the old entry and is new. A negative offset leaves the
	// offset as it is (updates from a webhook).
	Journal(ctx context.Context, updates []Update, offset int) ([]Update, error)
	// Pending returns the updates journaled and not yet handled, by id.
	Pending(ctx context.Context) ([]Update, error)
	// Handled marks update id handled and queues replies, in one
	// transaction. It returns replies with Seq set. Marking an update
	// that is not pending queues nothing and returns nil.
	Handled(ctx context.Context, id int, replies []Reply) ([]Reply, error)
	// Unsent returns the replies queued and not yet Sent, by Seq.
	Unsent(ctx context.Context) ([]Reply, error)
	// Sent removes reply seq from the outbox: Telegram has it, or
	// refused it for good. Removing one that is not there is no error.
	Sent(ctx context.Context, seq uint64) error
	// RecordQuestion counts a question answered where ("private",
	// "group", "inline"), found or not; an unanswered question's text,
	// if not empty, is kept among the last MaxUnanswered. No user is
	// stored.
	RecordQuestion(ctx context.Context, where string, found bool, unanswered string) error
	// Questions returns the counts and the unanswered questions kept.
	Questions(ctx context.Context) (QuestionCounts, error)
	// SaveAnswer keeps an answer shown with feedback buttons, so that
	// votes on it can name the question and the sources. Saving an id
	// again replaces the record.
	SaveAnswer(ctx context.Context, a AnswerRecord) error
	// Vote records user's vote on answer id: one per user and answer,
	// a second vote replacing the first. It returns ErrUnknownAnswer if
	// the answer was not saved.
	Vote(ctx context.Context, id, user int64, up bool) error
	// Votes returns each answer voted on with its votes.
	Votes(ctx context.Context) ([]AnswerVotes, error)
	// Close releases the store.
	Close() error
}

// MaxUnanswered is how many unanswered questions a store keeps.
const MaxUnanswered = 200

// QuestionCounts are the questions answered since the store began.
type QuestionCounts struct {
	Answered map[string]int // by where asked
	NotFound int
	// Unanswered are the last questions not answered, oldest first.
	Unanswered []string
}

// An AnswerRecord is an answer shown with feedback buttons: the
// question and the sources (document ids) of the answer.
type AnswerRecord struct {
	ID       int64    `json:"id"`
	Question string   `json:"question"`
	Found    bool     `json:"found"`
	Sources  []string `json:"sources"`
}

// AnswerVotes is an answer and the votes on it.
type AnswerVotes struct {
	AnswerRecord
	Up, Down int
}

// ErrUnknownAnswer is a vote on an answer the store does not hold.
var ErrUnknownAnswer = errors.New("no such answer")

// maxJournal bounds the handled updates the journal remembers, to tell a
// delivery again from a new update; the oldest are forgotten first.
const maxJournal = 10000

// ErrClosed is returned by a closed store.
var ErrClosed = errors.New("store closed")

// digest identifies an update's content.
func digest(raw []byte) [sha256.Size]byte { return sha256.Sum256(raw) }
