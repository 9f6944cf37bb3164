package bot

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"eventbot/bot/store"
	"eventbot/bot/telegram"
	"eventbot/bot/telegramtest"
	"eventbot/knowledge"
)

// Fuzz targets of the bot: rendering and splitting, and update handling.
// Their seeds are in testdata/fuzz; .ci/run runs each for a few seconds.

// FuzzRenderAnswer lays out an answer of fuzzed parts, in full (fit) and
// in pages (paginate): every message is Telegram HTML of at most 4096
// characters, and the pages lose no text.
func FuzzRenderAnswer(f *testing.F) {
	f.Add("Islamic State claimed it.", "Islamic State", "Amaq said <b>so</b> & more.", "Amaq", "IS claims <Crocus>", "en", 1)
	f.Add("", "", strings.Repeat("word ", 1200), "", "", "ru", 3)
	f.Add(strings.Repeat("💥", 900), "💥", strings.Repeat("я", 5000), "яя", "t", "uk", 50)
	f.Fuzz(func(t *testing.T, text, lead, passage, mark, title, lang string, repeat int) {
		a := knowledge.Answer{Found: true, Text: text, Lead: lead, Language: lang}
		for i := range min(max(repeat, 1), 5) {
			a.Citations = append(a.Citations, knowledge.Citation{
				Doc: title + string(rune('a'+i)), Title: title, Publisher: lang, Date: "2024-03-22",
				Passage: strings.Repeat(passage, i+1), Mark: mark,
			})
		}
		d := answerDoc(phrasesFor(lang), a)
		full := renderHTML(fit(d, maxMessageLen))
		if visible, err := telegramtest.ParseHTML(full); err != nil || telegramtest.Len(visible) > maxMessageLen {
			t.Fatalf("fit: %d characters, %v\n%s", telegramtest.Len(visible), err, full)
		}
		var all strings.Builder
		for i, page := range paginate(d, maxMessageLen) {
			visible, err := telegramtest.ParseHTML(renderHTML(page))
			if err != nil || telegramtest.Len(visible) > maxMessageLen {
				t.Fatalf("page %d: %d characters, %v", i, telegramtest.Len(visible), err)
			}
			all.WriteString(visible)
		}
		whole, err := telegramtest.ParseHTML(renderHTML(d))
		if err != nil {
			t.Fatalf("the whole answer is not Telegram HTML: %v", err)
		}
		if got, want := dense(all.String()), dense(whole); got != want {
			t.Errorf("the pages lose text:\n got %q\nwant %q", truncate(got, 300), truncate(want, 300))
		}
	})
}

// recordingPoster accepts every message, checking it as Telegram would.
type recordingPoster struct {
	t  *testing.T
	mu sync.Mutex
	n  int
}

func (p *recordingPoster) Deliver(_ context.Context, method string, params tgbotapi.Params) (tgbotapi.Message, error) {
	visible, err := telegramtest.ParseHTML(params["text"])
	if err != nil || telegramtest.Len(visible) > maxMessageLen || strings.TrimSpace(visible) == "" {
		p.t.Errorf("%s: %d characters, %v\n%s", method, telegramtest.Len(visible), err, params["text"])
	}
	p.mu.Lock()
	p.n++
	p.mu.Unlock()
	return tgbotapi.Message{MessageID: 1}, nil
}

// FuzzHandleUpdate handles fuzzed raw updates as the pipeline does
// (journal, router, handlers, outbox): no panic reaches the worker, the
// update is marked handled, and every reply is Telegram HTML of at most
// 4096 characters.
func FuzzHandleUpdate(f *testing.F) {
	f.Add([]byte(`{"update_id":1,"message":{"message_id":1,"date":1,"chat":{"id":5,"type":"private"},"from":{"id":5,"first_name":"A"},"text":"Who claimed responsibility?"}}`))
	f.Add([]byte(`{"update_id":2,"message":{"message_id":1,"date":1,"chat":{"id":-5,"type":"supergroup"},"from":{"id":5,"first_name":"A"},"text":"/ask@eventbot_test_bot hi","entities":[{"type":"bot_command","offset":0,"length":22}]}}`))
	f.Add([]byte(`{"update_id":3,"callback_query":{"id":"1","from":{"id":5,"first_name":"A"},"data":"v+1"}}`))
	f.Add([]byte(`{"update_id":4,"message":{"chat":{"id":1,"type":"private"},"from":{"id":1},"text":"/add\n---\nid: x\n---\n","entities":[{"type":"bot_command","offset":0,"length":4}]}}`))
	// Calls other than chat messages (typing, callback and inline
	// answers) go to a fake Bot API server.
	srv := telegramtest.NewServer(f, testToken)
	tg := &telegram.Client{Logger: slog.New(slog.DiscardHandler), Token: testToken, Endpoint: srv.Endpoint(), HTTP: http.DefaultClient, Sleep: telegram.Sleep}
	if _, err := tg.Connect(context.Background()); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		st := store.NewMemory()
		poster := &recordingPoster{t: t}
		limits, _ := telegram.Limits{}.WithDefaults()
		s := &session{
			bot:       &Bot{kb: newFakeKB(), admins: map[int64]bool{1: true}, logger: slog.New(slog.DiscardHandler)},
			logger:    slog.New(slog.DiscardHandler),
			tg:        tg,
			store:     st,
			me:        tgbotapi.User{ID: 99, UserName: "eventbot_test_bot"},
			flood:     newFloodGate(FloodLimit{Burst: 10, Every: time.Second}),
			expand:    newExpansions(10),
			stats:     newQuestionStats(maxUnanswered),
			adminWork: make(chan struct{}, 1),
		}
		s.out = telegram.NewOutbox(s.logger, poster, st, telegram.RealClock{}, limits)
		ctx := context.Background()
		s.out.Start(ctx)
		s.work = ctx
		fresh, _ := st.Journal(ctx, []store.Update{{ID: 1, Raw: raw}}, 2)
		for _, u := range fresh {
			s.handle(ctx, u)
		}
		s.out.Close(time.Second)
		s.bg.Wait()
		if t.Failed() {
			t.Logf("update: %s", raw)
		}
		if p, _ := st.Pending(ctx); len(p) != 0 {
			t.Errorf("update left pending after handling")
		}
	})
}
