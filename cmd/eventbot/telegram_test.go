package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"eventbot/bot/telegramtest"
)

// TestTelegramEndToEnd runs the whole program as a Telegram bot against a
// fake Bot API server: a private question gets a sourced HTML answer, and
// SIGINT (a cancelled context) stops it cleanly without the token in the
// log.
func TestTelegramEndToEnd(t *testing.T) {
	const token = "123456:TEST-token-never-logged"
	srv := telegramtest.NewServer(t, token)
	env := envOf(map[string]string{
		"TELEGRAM_BOT_TOKEN":    token,
		"STATE_DB":              filepath.Join(t.TempDir(), "state.db"),
		"TELEGRAM_API_ENDPOINT": srv.Endpoint(),
		"CORPUS_DIR":            "../../corpus",
		"LOG_LEVEL":             "debug",
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs bytes.Buffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, nil, env, nil, strings.NewReader(""), &bytes.Buffer{}, &logs) }()

	srv.PushMessage(42, 7, "private", "Which news agency published the ISIS claim?")
	calls := srv.WaitFor(t, "sendMessage", 1)
	reply := calls[0]
	if got, want := reply.Int("chat_id"), int64(42); got != want {
		t.Errorf("reply chat_id = %d, want %d", got, want)
	}
	if got, want := reply.Get("parse_mode"), "HTML"; got != want {
		t.Errorf("parse_mode = %q, want %q", got, want)
	}
	text := reply.Get("text")
	for _, want := range []string{"Amaq", "<blockquote>", "ISIS message about attack on Crocus City Hall might be fake"} {
		if !strings.Contains(text, want) {
			t.Errorf("reply lacks %q:\n%s", want, text)
		}
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run = %v, want nil after shutdown", err)
		}
	case <-time.After(telegramtest.WaitTimeout):
		t.Fatal("run did not return after its context was cancelled")
	}
	if strings.Contains(logs.String(), token) || strings.Contains(logs.String(), "TEST-token") {
		t.Errorf("the token reached the log:\n%s", logs.String())
	}
}
