package bot

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestTerminal(t *testing.T) {
	in := strings.NewReader(claimQuestion + "\n\n/sources\n" + notFoundQuestion + "\n" + failQuestion + "\n/help\n")
	var out, logs strings.Builder
	if err := Terminal(context.Background(), slog.New(slog.NewTextHandler(&logs, nil)), newFakeKB(), in, &out); err != nil {
		t.Fatalf("Terminal: %v", err)
	}
	got := out.String()
	for _, want := range []string{
		"Crocus City Hall attack · 22 March 2024\nI answer questions",
		"(3 articles)",
		"Who claimed responsibility?",
		"/sources — the articles I use",
		"Set TELEGRAM_BOT_TOKEN in .env to run it as a Telegram bot.",
		"> Islamic State Khorasan (IS-K) claimed responsibility.\n\n│ Amaq said",
		"Source: IS claims <Crocus> attack — Reuters & Co, 23 March 2024\n",
		"> My sources (3 articles):\n\n1. IS claims <Crocus> attack — Reuters & Co, 23 March 2024\n2. US confirms claim — AP, March 2024\n3. Third — 24 March 2024\n",
		"> The articles I have don't cover that.",
		"> Sorry, something went wrong answering that. Please try again.\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q; got:\n%s", want, got)
		}
	}
	if strings.Contains(got, "secret cause") {
		t.Errorf("the cause of a failure reached the user:\n%s", got)
	}
	if !strings.Contains(logs.String(), "index corrupted: secret cause") {
		t.Errorf("the cause of a failure is not logged; logs:\n%s", logs.String())
	}
	if strings.Contains(got, "/ask@") {
		t.Errorf("terminal help explains group use:\n%s", got)
	}
	if n := strings.Count(got, "Set TELEGRAM_BOT_TOKEN"); n != 2 {
		t.Errorf("welcome shown %d times, want 2 (start and /help)", n)
	}
	if !strings.HasSuffix(got, "> \n") {
		t.Errorf("output ends %q, want a prompt and a newline at EOF", got[len(got)-10:])
	}
}

func TestTerminalStopsWithContext(t *testing.T) {
	in, w := io.Pipe() // no input ever arrives
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Terminal(ctx, slog.New(slog.DiscardHandler), newFakeKB(), in, io.Discard) }()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Terminal = %v, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Terminal did not return after its context ended")
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestTerminalWriteError(t *testing.T) {
	err := Terminal(context.Background(), slog.New(slog.DiscardHandler), newFakeKB(), strings.NewReader("q\n"), failingWriter{})
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("Terminal = %v, want the write error", err)
	}
}
