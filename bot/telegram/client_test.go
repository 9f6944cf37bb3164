package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"eventbot/bot/telegramtest"
)

func TestScrub(t *testing.T) {
	const token = "123:ab/c+d"
	urlErr := &url.Error{Op: "Post", URL: "http://127.0.0.1/bot" + token + "/getMe", Err: io.EOF}
	for _, tt := range []struct {
		name string
		err  error
		want string
	}{
		{"nil", nil, ""},
		{"no token", errors.New("plain"), "plain"},
		{"url error", fmt.Errorf("send: %w", urlErr), `send: Post "http://127.0.0.1/bot[token]/getMe": EOF`},
		{"path-escaped", errors.New("GET /bot" + url.PathEscape(token)), "GET /bot[token]"},
		{"query-escaped", errors.New("token=" + url.QueryEscape(token)), "token=[token]"},
	} {
		got := Scrub(tt.err, token)
		if tt.err == nil {
			if got != nil {
				t.Errorf("%s: scrub = %v, want nil", tt.name, got)
			}
			continue
		}
		if got.Error() != tt.want {
			t.Errorf("%s: scrub = %q, want %q", tt.name, got, tt.want)
		}
		if !errors.Is(got, tt.err) {
			t.Errorf("%s: scrubbed error doesn't wrap the original", tt.name)
		}
	}
	var ue *url.Error
	if err := Scrub(fmt.Errorf("x: %w", urlErr), token); !errors.As(err, &ue) || strings.Contains(ue.Error(), token) {
		t.Errorf("the *url.Error inside still holds the token: %v", ue)
	}
}

func TestRetryAfter(t *testing.T) {
	for _, tt := range []struct {
		name      string
		err       error
		wait      time.Duration
		retryable bool
	}{
		{"429", &tgbotapi.Error{Code: 429, ResponseParameters: tgbotapi.ResponseParameters{RetryAfter: 7}}, 7 * time.Second, true},
		{"429 without retry_after", &tgbotapi.Error{Code: 429}, time.Second, true},
		{"500", &tgbotapi.Error{Code: 500}, 0, true},
		{"502 wrapped", fmt.Errorf("x: %w", &tgbotapi.Error{Code: 502}), 0, true},
		{"400", &tgbotapi.Error{Code: 400}, 0, false},
		{"403", &tgbotapi.Error{Code: 403}, 0, false},
		{"network", &url.Error{Op: "Post", URL: "u", Err: errors.New("connection refused")}, 0, true},
		{"EOF", io.ErrUnexpectedEOF, 0, true},
		{"HTML error page", &json.SyntaxError{}, 0, true},
		{"unexpected JSON", &json.UnmarshalTypeError{}, 0, false},
		{"other", errors.New("bad params"), 0, false},
	} {
		wait, retryable := retryAfter(tt.err)
		if wait != tt.wait || retryable != tt.retryable {
			t.Errorf("%s: retryAfter = %v, %v; want %v, %v", tt.name, wait, retryable, tt.wait, tt.retryable)
		}
	}
}

func TestRetryStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	s := &Client{
		Logger:   slog.New(slog.DiscardHandler),
		Token:    testToken,
		HTTP:     http.DefaultClient,
		Sleep:    Sleep,
		Attempts: 5,
		Backoff:  time.Hour,
	}
	calls := 0
	err := s.Retry(ctx, "sendMessage", func(context.Context) error {
		calls++
		cancel() // the context ends during the first attempt's wait
		return &tgbotapi.Error{Code: 500}
	})
	if !errors.Is(err, context.Canceled) || calls != 1 {
		t.Errorf("retry = %v after %d calls, want context.Canceled after 1", err, calls)
	}
}

func TestRetryBoundsAttempts(t *testing.T) {
	sl := new(telegramtest.Sleeps)
	s := &Client{Logger: slog.New(slog.DiscardHandler), Token: testToken, Sleep: sl.Sleep, Attempts: 4, Backoff: time.Second}
	calls := 0
	err := s.Retry(context.Background(), "getMe", func(context.Context) error {
		calls++
		return &tgbotapi.Error{Code: 503, Message: "Service Unavailable"}
	})
	if err == nil || err.Error() != "getMe: Service Unavailable" || calls != 4 {
		t.Errorf("retry = %v after %d calls, want getMe: Service Unavailable after 4", err, calls)
	}
	if got, want := fmt.Sprint(sl.All()), "[1s 2s 4s]"; got != want {
		t.Errorf("waits %s, want %s", got, want)
	}
}
