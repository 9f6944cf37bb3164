// Package telegram is the bot's end of the Bot API: the Client makes
// every call (bounded, retried where worth it, the token scrubbed from
// errors), and the Outbox sends the chat messages — queued per chat, in
// order, within Telegram's limits, retried through failures for up to 10
// minutes, and noted in a Ledger (the bot's store) once Telegram has
// them.
package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// A Client makes every call to the Bot API. It ties each HTTP request to
// the caller's context, retries what is worth retrying, and scrubs the
// token from errors. Set its fields, then Connect.
type Client struct {
	Logger   *slog.Logger
	Token    string
	Endpoint string // the API endpoint template, e.g. tgbotapi.APIEndpoint
	HTTP     *http.Client
	// Sleep waits between retries: Sleep, or a fake in tests.
	Sleep func(context.Context, time.Duration) error

	// Attempts bounds the tries of one call (Retry, Request); Backoff is
	// the wait after the first transient failure, doubled after each
	// further one.
	Attempts int
	Backoff  time.Duration
	// SendTimeout bounds one call of Deliver; 0 means none.
	SendTimeout time.Duration
	// OnError, if set, is told of each failed call (for metrics).
	OnError func(method string, err error)

	// api is the client Connect made; its Client is replaced per call.
	api *tgbotapi.BotAPI
}

// failed tells OnError of a failed call.
func (s *Client) failed(method string, err error) {
	if s.OnError != nil {
		s.OnError(method, err)
	}
}

// ctxClient sends each request with ctx, so that cancelling ctx aborts
// it, long polls included.
type ctxClient struct {
	ctx    context.Context
	client *http.Client
}

func (c ctxClient) Do(req *http.Request) (*http.Response, error) {
	return c.client.Do(req.WithContext(c.ctx))
}

// connect checks the token with getMe and returns the bot's user.
func (s *Client) Connect(ctx context.Context) (tgbotapi.User, error) {
	err := s.Retry(ctx, "getMe", func(ctx context.Context) error {
		api, err := tgbotapi.NewBotAPIWithClient(s.Token, s.Endpoint, ctxClient{ctx, s.HTTP})
		if err == nil {
			s.api = api
		}
		return err
	})
	if err != nil {
		return tgbotapi.User{}, err
	}
	return s.api.Self, nil
}

// with returns a copy of the API client whose requests carry ctx.
func (s *Client) API(ctx context.Context) *tgbotapi.BotAPI {
	api := *s.api
	api.Client = ctxClient{ctx, s.HTTP}
	return &api
}

// deliver makes one call of a method that sends or edits a chat
// message, such as sendMessage or editMessageText, for the outbox, with
// params as built by the outbox's callers. It does not retry: the
// outbox decides what to do with a failure (see outbox.finish). It
// returns the Message, or a zero Message for a method that answers true
// (editing an inline message). Files in params (PhotoMessage) go up as
// a multipart request. The call is bounded by sendTimeout: long
// enough that a slow Telegram is waited for rather than sent to twice.
func (s *Client) Deliver(ctx context.Context, method string, params tgbotapi.Params) (tgbotapi.Message, error) {
	if s.SendTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.SendTimeout)
		defer cancel()
	}
	params, files, err := splitUploads(params)
	if err != nil {
		return tgbotapi.Message{}, fmt.Errorf("%s: %w", method, err)
	}
	var resp *tgbotapi.APIResponse
	if len(files) > 0 {
		resp, err = s.API(ctx).UploadFiles(method, params, files)
		var apiErr *tgbotapi.Error
		if errors.As(err, &apiErr) && apiErr.Code == 0 && resp != nil {
			apiErr.Code = resp.ErrorCode // tgbotapi v5.5.1 leaves it out of upload errors
		}
	} else {
		resp, err = s.API(ctx).MakeRequest(method, params)
	}
	if err != nil {
		err = Scrub(err, s.Token)
		s.failed(method, err)
		if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
			err = fmt.Errorf("%w after %w", ctx.Err(), err)
		}
		return tgbotapi.Message{}, fmt.Errorf("%s: %w", method, err)
	}
	var m tgbotapi.Message
	if string(resp.Result) == "true" {
		return m, nil
	}
	// Not retried: the message is sent already.
	if err := json.Unmarshal(resp.Result, &m); err != nil {
		s.Logger.Warn("message sent, but its reply did not decode", "method", method, "err", err)
	}
	return m, nil
}

// once makes one call of a method that answers true, bounded by
// timeout, for the calls that are best effort (sendChatAction).
func (s *Client) Once(ctx context.Context, method string, c tgbotapi.Chattable, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if _, err := s.API(ctx).Request(c); err != nil {
		err = Scrub(err, s.Token)
		if ctx.Err() == nil || errors.Is(ctx.Err(), context.DeadlineExceeded) {
			s.failed(method, err)
		}
		return fmt.Errorf("%s: %w", method, err)
	}
	return nil
}

// request calls any method and returns its raw response. It is for the
// calls that are not chat messages, whose result is true
// (sendChatAction, setMyCommands, answerCallbackQuery,
// answerInlineQuery), and for getMe and getUpdates. Chat messages go
// through the Outbox, which calls Deliver.
func (s *Client) Request(ctx context.Context, method string, c tgbotapi.Chattable) (*tgbotapi.APIResponse, error) {
	var resp *tgbotapi.APIResponse
	err := s.Retry(ctx, method, func(ctx context.Context) error {
		var err error
		resp, err = s.API(ctx).Request(c)
		return err
	})
	return resp, err
}

// retry calls call until it succeeds, fails for good, ctx ends or
// s.Attempts are used. It waits out 429 Too Many Requests for the
// retry_after Telegram gives, and backs off exponentially after 5xx
// replies and network errors. Other errors, 4xx above all, end it at
// once. The error returned names method and holds no token.
func (s *Client) Retry(ctx context.Context, method string, call func(context.Context) error) error {
	return s.retryCall(ctx, method, true, call)
}

// retryCall is retry; with wait429 false, a 429 Too Many Requests ends
// it at once, for the caller to wait.
func (s *Client) retryCall(ctx context.Context, method string, wait429 bool, call func(context.Context) error) error {
	backoff := s.Backoff
	for attempt := 1; ; attempt++ {
		err := call(ctx)
		if err == nil {
			return nil
		}
		err = Scrub(err, s.Token)
		if ctx.Err() != nil {
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				s.failed(method, err)
			}
			if !errors.Is(err, ctx.Err()) {
				err = fmt.Errorf("%w after %w", ctx.Err(), err)
			}
			return fmt.Errorf("%s: %w", method, err)
		}
		s.failed(method, err)
		wait, retryable := retryAfter(err)
		if _, limited := tooManyRequests(err); limited && !wait429 {
			retryable = false
		}
		if !retryable || attempt >= s.Attempts {
			return fmt.Errorf("%s: %w", method, err)
		}
		if wait == 0 {
			wait, backoff = backoff, backoff*2
		}
		s.Logger.Info("telegram call failed, will retry", "method", method, "attempt", attempt, "wait", wait, "err", err)
		if err := s.Sleep(ctx, wait); err != nil {
			return fmt.Errorf("%s: %w", method, err)
		}
	}
}

// retryAfter reports whether err is worth retrying, and how long to wait
// if Telegram said so (429 Too Many Requests); 0 means back off.
func retryAfter(err error) (time.Duration, bool) {
	var apiErr *tgbotapi.Error
	if errors.As(err, &apiErr) {
		switch {
		case apiErr.Code == http.StatusTooManyRequests:
			return max(time.Duration(apiErr.RetryAfter)*time.Second, time.Second), true
		case apiErr.Code >= 500:
			return 0, true
		}
		return 0, false
	}
	var (
		netErr  net.Error
		urlErr  *url.Error
		syntax  *json.SyntaxError
		typeErr *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &typeErr):
		return 0, false // a reply we don't understand won't improve
	case errors.As(err, &netErr), errors.As(err, &urlErr), errors.As(err, &syntax),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		// Network trouble, or a proxy's non-JSON error page.
		return 0, true
	}
	return 0, false
}

// isDecodeError reports whether err is a reply that was not the JSON
// expected.
func IsDecodeError(err error) bool {
	var (
		syntax  *json.SyntaxError
		typeErr *json.UnmarshalTypeError
	)
	return errors.As(err, &syntax) || errors.As(err, &typeErr)
}

// Sleep waits for d or until ctx ends.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// redacted replaces the token in errors.
const redacted = "[token]"

// scrub returns err with every occurrence of token in its message
// replaced by "[token]". The token is part of every request URL, so
// network errors quote it. An *url.Error inside err is redacted in
// place, so errors.As callers don't find the token either.
func Scrub(err error, token string) error {
	if err == nil || token == "" {
		return err
	}
	forms := []string{token, url.PathEscape(token), url.QueryEscape(token)}
	clean := func(s string) string {
		for _, f := range forms {
			s = strings.ReplaceAll(s, f, redacted)
		}
		return s
	}
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		urlErr.URL = clean(urlErr.URL)
	}
	msg := err.Error()
	if c := clean(msg); c != msg {
		return &scrubbedError{msg: c, err: err}
	}
	return err
}

// scrubbedError is an error whose message had the token removed.
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }
