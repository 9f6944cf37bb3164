package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"eventbot/bot/telegramtest"
)

// lockedBuffer is a log that a test may read while the program writes.
type lockedBuffer struct{ telegramtest.LogBuffer }

// waitFor waits until the log holds want, or fails the test.
func (b *lockedBuffer) waitFor(t *testing.T, want string) {
	t.Helper()
	deadline := time.Now().Add(telegramtest.WaitTimeout)
	for !strings.Contains(b.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("the log never said %q:\n%s", want, b.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// corpusCopy returns a directory holding copies of the bundled articles.
func corpusCopy(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files, err := filepath.Glob("../../corpus/*.txt")
	if err != nil || len(files) != 5 {
		t.Fatalf("bundled articles: %v %v", files, err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// testArticle is test data: an article no bundled one duplicates.
const testArticle = "---\nid: test-extra\ntitle: Test extra\ndate: 2024-03-30\nlanguage: en\n---\n\nA test paragraph about the Crocus City Hall memorial, long enough to be a passage of its own in the index.\n"

// TestHangupReloads sends SIGHUP (a value on the hangup channel) to the
// running program: a good corpus is reloaded and the result logged; a bad
// file is reported and the program keeps serving.
func TestHangupReloads(t *testing.T) {
	dir := corpusCopy(t)
	env := envOf(map[string]string{"CORPUS_DIR": dir, "LOG_LEVEL": "debug"})
	hangup := make(chan os.Signal, 1)
	stdin, typing := io.Pipe()
	var logs lockedBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(context.Background(), nil, env, hangup, stdin, io.Discard, &logs)
	}()

	logs.waitFor(t, "corpus loaded")
	if err := os.WriteFile(filepath.Join(dir, "test-extra.txt"), []byte(testArticle), 0o644); err != nil {
		t.Fatal(err)
	}
	hangup <- os.Interrupt // any value: main sends SIGHUP
	logs.waitFor(t, "corpus reloaded")
	if log := logs.String(); !strings.Contains(log, "documents_before=5 documents=6") || !strings.Contains(log, "added=[test-extra]") {
		t.Errorf("reload log lacks the change:\n%s", log)
	}

	if err := os.WriteFile(filepath.Join(dir, "broken.txt"), []byte("no header"), 0o644); err != nil {
		t.Fatal(err)
	}
	hangup <- os.Interrupt
	logs.waitFor(t, "reload failed")
	if log := logs.String(); !strings.Contains(log, "file=broken.txt") || !strings.Contains(log, "documents=6 ") {
		t.Errorf("failed reload log lacks the bad file or what is still served:\n%s", log)
	}

	typing.Close() // Ctrl-D: the terminal chat ends
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run = %v, want nil", err)
		}
	case <-time.After(telegramtest.WaitTimeout):
		t.Fatal("run did not return after standard input closed")
	}
}

// TestTelegramAdminReload runs the whole program as a Telegram bot: an
// admin's /reload after a new article file reaches CORPUS_DIR swaps in
// the new corpus; a non-admin's is refused.
func TestTelegramAdminReload(t *testing.T) {
	const token = "123456:TEST-admin-token"
	srv := telegramtest.NewServer(t, token)
	dir := corpusCopy(t)
	env := envOf(map[string]string{
		"TELEGRAM_BOT_TOKEN":    token,
		"STATE_DB":              filepath.Join(t.TempDir(), "state.db"),
		"TELEGRAM_API_ENDPOINT": srv.Endpoint(),
		"CORPUS_DIR":            dir,
		"BOT_ADMIN_IDS":         "7",
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs lockedBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, nil, env, nil, strings.NewReader(""), io.Discard, &logs) }()

	// Once the bot answers, its corpus is loaded: then add the article.
	srv.PushMessage(7, 7, "private", "/start")
	srv.WaitFor(t, "sendMessage", 1)
	if err := os.WriteFile(filepath.Join(dir, "test-extra.txt"), []byte(testArticle), 0o644); err != nil {
		t.Fatal(err)
	}
	srv.PushMessage(99, 99, "private", "/reload")
	srv.PushMessage(7, 7, "private", "/reload")
	calls := srv.WaitFor(t, "sendMessage", 3)[1:]
	replies := map[int64]string{}
	for _, c := range calls {
		replies[c.Int("chat_id")] = c.Get("text")
	}
	if got := replies[7]; !strings.Contains(got, "Documents: 5 → 6") {
		t.Errorf("admin /reload reply = %q, want documents 5 → 6", got)
	}
	if got := replies[99]; strings.Contains(got, "Documents") || got == "" {
		t.Errorf("non-admin /reload reply = %q, want a refusal", got)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run = %v, want nil", err)
		}
	case <-time.After(telegramtest.WaitTimeout):
		t.Fatal("run did not stop")
	}
}
