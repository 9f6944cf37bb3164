package bot

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"eventbot/bot/store"
)

// The router and the handlers, tested with plain values: no HTTP.

// newRouterSession returns a session without Telegram whose admin is
// user 1, answering from kb, with a flood limit of burst questions.
func newRouterSession(kb Knowledge, burst int) *session {
	return &session{
		bot:    &Bot{kb: kb, admins: map[int64]bool{1: true}},
		logger: slog.New(slog.DiscardHandler),
		stats:  newQuestionStats(maxUnanswered),
		flood:  newFloodGate(FloodLimit{Burst: burst, Every: time.Hour}),
		store:  store.NewMemory(),
	}
}

func TestRoute(t *testing.T) {
	en := phrasesFor("en")
	for _, tt := range []struct {
		name string
		r    request
		want string // the reply's plain text starts with it; "" for none
	}{
		{"help in private", request{scope: inPrivate, name: "help", userID: 5}, "Crocus City Hall attack"},
		{"help in the terminal", request{scope: inTerminal, name: "start"}, "Crocus City Hall attack"},
		{"sources in a group", request{scope: inGroup, name: "sources", userID: 5}, "My sources"},
		{"ask without a question", request{scope: inPrivate, name: "ask", userID: 5}, en.AskEmpty},
		{"empty text", request{scope: inPrivate, name: textRequest, args: "  ", userID: 5}, en.TextOnly},
		{"question", request{scope: inTerminal, name: textRequest, args: claimQuestion}, "answer"},
		{"unknown in private", request{scope: inPrivate, name: "frobnicate", userID: 5}, en.UnknownCommand},
		{"unknown in a group, for any bot", request{scope: inGroup, name: "frobnicate", userID: 5}, ""},
		{"unknown in a group, for this bot", request{scope: inGroup, name: "frobnicate", userID: 5, addressed: true}, en.UnknownCommand},
		{"admin command from a stranger", request{scope: inPrivate, name: "stats", userID: 5}, en.AdminOnly},
		{"admin command from an admin", request{scope: inPrivate, name: "stats", userID: 1}, "Statistics"},
		{"corpus change without a library", request{scope: inPrivate, name: "reload", userID: 1}, adminUnavailable},
		{"admin command in a group, for any bot", request{scope: inGroup, name: "stats", userID: 1}, ""},
		{"admin command in a group, by an admin", request{scope: inGroup, name: "stats", userID: 1, addressed: true}, en.AdminPrivateOnly},
		{"admin command in a group, by a stranger", request{scope: inGroup, name: "stats", userID: 5, addressed: true}, en.AdminOnly},
		{"admin command in the terminal", request{scope: inTerminal, name: "stats"}, en.UnknownCommand},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := newRouterSession(newFakeKB(), 10)
			resp := s.route(context.Background(), tt.r)
			got := ""
			switch {
			case resp.answer != nil:
				got = "answer"
			case resp.doc != nil:
				got = renderPlain(resp.doc)
			}
			if tt.want == "" && got != "" || !strings.HasPrefix(got, tt.want) {
				t.Errorf("reply %q, want one starting %q", got, tt.want)
			}
		})
	}
}

// TestFloodCountsQuestionsOnly: a user over the question limit is told
// to slow down once, then ignored; their other commands still work.
func TestFloodCountsQuestionsOnly(t *testing.T) {
	s := newRouterSession(newFakeKB(), 3)
	ctx := context.Background()
	ask := request{scope: inPrivate, name: textRequest, args: "question", userID: 1, chatID: 1}
	var answers, warnings, silent int
	for range 6 {
		switch resp := s.route(ctx, ask); {
		case resp.answer != nil:
			answers++
		case resp.doc != nil && renderPlain(resp.doc) == phrasesFor("").SlowDown:
			warnings++
		case resp.doc == nil:
			silent++
		}
	}
	if answers != 3 || warnings != 1 || silent != 2 {
		t.Errorf("6 questions over a limit of 3: %d answers, %d warnings, %d ignored; want 3, 1, 2", answers, warnings, silent)
	}
	for _, name := range []string{"stats", "help", "sources", "stats"} {
		if resp := s.route(ctx, request{scope: inPrivate, name: name, userID: 1}); resp.doc == nil {
			t.Errorf("/%s after the question limit: no reply", name)
		}
	}
}
