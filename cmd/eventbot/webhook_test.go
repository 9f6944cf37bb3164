package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"eventbot/bot/telegramtest"
)

// freeAddr returns a loopback address with a port free just now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// get fetches url and returns its status and body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// TestWebhookMode runs the whole program in webhook mode against the
// fake Bot API, which delivers updates to the webhook as Telegram does:
// a question is answered; requests with a wrong secret get 401;
// /healthz, /readyz and /metrics answer. Started again without
// WEBHOOK_URL, the bot deletes the webhook and polls.
func TestWebhookMode(t *testing.T) {
	const token, secret = "123456:TEST-webhook-token", "s3cret_Token-1"
	srv := telegramtest.NewServer(t, token)
	addr := freeAddr(t)
	hook := "http://" + addr + "/telegram/webhook"
	vars := map[string]string{
		"TELEGRAM_BOT_TOKEN":    token,
		"TELEGRAM_API_ENDPOINT": srv.Endpoint(),
		"STATE_DB":              filepath.Join(t.TempDir(), "state.db"),
		"CORPUS_DIR":            "../../corpus",
		"WEBHOOK_URL":           hook,
		"WEBHOOK_SECRET":        secret,
		"LISTEN_ADDR":           addr,
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs lockedBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, nil, envOf(vars), nil, strings.NewReader(""), io.Discard, &logs) }()

	set := srv.WaitFor(t, "setWebhook", 1)[0]
	if set.Get("url") != hook || set.Get("secret_token") != secret {
		t.Errorf("setWebhook url %q, secret_token %q; want %q and the secret", set.Get("url"), set.Get("secret_token"), hook)
	}
	srv.PushMessage(42, 7, "private", "Which news agency published the ISIS claim?")
	reply := srv.WaitFor(t, "sendMessage", 1)[0]
	if !strings.Contains(reply.Get("text"), "Amaq") {
		t.Errorf("reply through the webhook lacks the answer:\n%s", reply.Get("text"))
	}
	if st := srv.WebhookStatuses(); len(st) == 0 || st[len(st)-1] != http.StatusOK {
		t.Errorf("webhook deliveries answered %v, want 200", st)
	}

	update := `{"update_id":999,"message":{"message_id":5,"date":1,"chat":{"id":43,"type":"private"},"from":{"id":8,"first_name":"X"},"text":"hello"}}`
	for _, wrong := range []string{"", "s3cret_Token-2", secret + "x"} {
		req, _ := http.NewRequest(http.MethodPost, hook, bytes.NewReader([]byte(update)))
		if wrong != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", wrong)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("webhook request with secret %q: %d, want 401", wrong, resp.StatusCode)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, hook, strings.NewReader(`{"update_id":1000,"message":{"text":"`+strings.Repeat("x", 2<<20)+`"}}`))
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("a 2 MiB webhook request: %d, want 413", resp.StatusCode)
		}
	}

	base := "http://" + addr
	if code, _ := get(t, base+"/healthz"); code != http.StatusOK {
		t.Errorf("/healthz: %d", code)
	}
	if code, _ := get(t, base+"/readyz"); code != http.StatusOK {
		t.Errorf("/readyz: %d", code)
	}
	// The reply is sent before its outbox entry is marked delivered:
	// wait for the gauge to show it.
	code, metrics := get(t, base+"/metrics")
	for deadline := time.Now().Add(telegramtest.WaitTimeout); !strings.Contains(metrics, "eventbot_outbox_pending 0") && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
		code, metrics = get(t, base+"/metrics")
	}
	for _, want := range []string{
		`eventbot_questions_total{chat_kind="private",found="true"} 1`,
		"eventbot_answer_seconds_bucket", "eventbot_outbox_pending 0", "go_goroutines",
	} {
		if code != http.StatusOK || !strings.Contains(metrics, want) {
			t.Errorf("/metrics (%d) lacks %q", code, want)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(telegramtest.WaitTimeout):
		t.Fatal("run did not return")
	}
	if strings.Contains(logs.String(), token) || strings.Contains(logs.String(), secret) {
		t.Errorf("the token or the secret reached the log")
	}
	if sent := srv.Calls("sendMessage"); len(sent) != 1 {
		t.Errorf("%d replies, want 1: requests with a wrong secret must not be answered", len(sent))
	}

	// Back to polling: the webhook is deleted.
	delete(vars, "WEBHOOK_URL")
	delete(vars, "WEBHOOK_SECRET")
	delete(vars, "LISTEN_ADDR")
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	go func() { done <- run(ctx2, nil, envOf(vars), nil, strings.NewReader(""), io.Discard, io.Discard) }()
	srv.WaitFor(t, "deleteWebhook", 1)
	srv.PushMessage(44, 9, "private", "Which news agency published the ISIS claim?")
	srv.WaitFor(t, "sendMessage", 2)
	cancel2()
	<-done
}
