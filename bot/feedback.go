package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"eventbot/bot/store"
	"eventbot/knowledge"
)

// Feedback: 👍 and 👎 buttons under the answers in private chats, and
// under a group answer once "Show the passage" expands it. A vote is
// kept in the store with the question and the answer's sources, one per
// user and answer (a second press changes it); /stats shows the votes
// and the answers most disliked. The answer's id is the id of the update
// that asked the question.

const (
	voteUp   = "v+" // callback data prefixes of the buttons
	voteDown = "v-"
	// topDisliked is how many of the most disliked answers /stats shows.
	topDisliked = 5
)

// voteKeyboard returns the 👍 and 👎 buttons for answer id.
func voteKeyboard(id int64) *tgbotapi.InlineKeyboardMarkup {
	k := tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
		tgbotapi.NewInlineKeyboardButtonData("👍", voteUp+strconv.FormatInt(id, 10)),
		tgbotapi.NewInlineKeyboardButtonData("👎", voteDown+strconv.FormatInt(id, 10)),
	))
	return &k
}

// parseVote reads the callback data of a vote button.
func parseVote(data string) (id int64, up, ok bool) {
	rest, up := strings.CutPrefix(data, voteUp)
	if !up {
		var down bool
		if rest, down = strings.CutPrefix(data, voteDown); !down {
			return 0, false, false
		}
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	return id, up, err == nil && id > 0
}

// recordQuestion counts question, asked where and answered with a, in
// memory and in the store.
func (s *session) recordQuestion(ctx context.Context, where asked, question string, a knowledge.Answer) {
	norm := s.stats.record(where, question, a)
	if s.store == nil {
		return
	}
	if err := s.store.RecordQuestion(context.WithoutCancel(ctx), askedNames[where], a.Found, norm); err != nil {
		s.logger.Error("question not counted in the store", "err", err)
	}
}

// saveAnswer keeps a, the answer to question, for votes, under the id
// of the update being handled, and returns that id; 0 if it can't be
// kept (then the answer goes without buttons).
func (s *session) saveAnswer(ctx context.Context, question string, a knowledge.Answer) int64 {
	t, ok := ctx.Value(turnKey{}).(*turn)
	if !ok || s.store == nil {
		return 0
	}
	rec := store.AnswerRecord{ID: int64(t.update), Question: truncate(strings.TrimSpace(question), maxKeptQuestion), Found: a.Found}
	for _, c := range a.Citations {
		if id := citedDoc(c); !slices.Contains(rec.Sources, id) {
			rec.Sources = append(rec.Sources, id)
		}
	}
	if err := s.store.SaveAnswer(context.WithoutCancel(ctx), rec); err != nil {
		s.logger.Error("answer not kept for votes", "err", err)
		return 0
	}
	return rec.ID
}

// vote records a press of 👍 or 👎 and reports whether cq was one.
func (s *session) vote(ctx context.Context, cq *tgbotapi.CallbackQuery) bool {
	id, up, ok := parseVote(cq.Data)
	if !ok {
		return false
	}
	p := phrasesFor(userLanguage(cq.From))
	if cq.From == nil {
		s.answerCallback(ctx, cq, p.Failed)
		return true
	}
	err := s.store.Vote(context.WithoutCancel(ctx), id, cq.From.ID, up)
	switch {
	case errors.Is(err, store.ErrUnknownAnswer):
		s.answerCallback(ctx, cq, p.ButtonExpired)
	case err != nil:
		s.logger.Error("vote not recorded", "answer_id", id, "err", err)
		s.answerCallback(ctx, cq, p.Failed)
	default:
		s.logger.Info("vote recorded", "answer_id", id, "up", up)
		s.answerCallback(ctx, cq, p.VoteThanks)
	}
	return true
}

// feedbackDoc shows the votes and the most disliked answers, for /stats.
func (s *session) feedbackDoc(ctx context.Context) doc {
	votes, err := s.store.Votes(ctx)
	if err != nil {
		s.logger.Error("read votes", "err", err)
		return doc{{spans: []span{text("Feedback: not available; the log has the cause.")}}}
	}
	up, down := 0, 0
	var disliked []store.AnswerVotes
	for _, v := range votes {
		up, down = up+v.Up, down+v.Down
		if v.Down > v.Up {
			disliked = append(disliked, v)
		}
	}
	d := doc{{spans: []span{text(fmt.Sprintf("Feedback: 👍 %d, 👎 %d (answers voted on: %d).", up, down, len(votes)))}}}
	if len(disliked) == 0 {
		return d
	}
	slices.SortStableFunc(disliked, func(a, b store.AnswerVotes) int {
		if c := cmp.Compare(b.Down-b.Up, a.Down-a.Up); c != 0 {
			return c
		}
		return cmp.Compare(b.ID, a.ID) // the more recent first
	})
	d = append(d, block{spans: []span{text("Most disliked answers:")}, tight: true})
	for i, v := range disliked[:min(len(disliked), topDisliked)] {
		sources := "none"
		if len(v.Sources) > 0 {
			sources = strings.Join(v.Sources, ", ")
		}
		d = append(d, block{spans: []span{
			text(fmt.Sprintf("%d. ", i+1)), {italic, v.Question},
			text(fmt.Sprintf(" — 👎 %d, 👍 %d — sources: %s", v.Down, v.Up, sources)),
		}, tight: true, cut: 1})
	}
	return d
}
