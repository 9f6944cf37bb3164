// Package telegramtest provides a fake Telegram Bot API server for tests.
//
// A Server speaks enough of the Bot API for a bot built on
// github.com/go-telegram-bot-api/telegram-bot-api/v5 to run against it
// unchanged: point the client at Server.Endpoint. Tests push updates
// (PushMessage, PushInlineQuery, ...), which the bot receives by long
// polling getUpdates or, once the bot calls setWebhook, as POSTs to its
// webhook with the secret_token (WebhookStatuses), and then wait for and
// inspect the calls the bot made (WaitFor, Calls). Failures can be
// injected per method (Fail, RateLimit; Failure.Hang and Failure.Delay
// for a network that hangs or answers late), and update ids restarted
// below the offset (RestartIDs).
// Files stored with AddFile are served by getFile and the file download
// endpoint (FileURL), as documents sent to the bot are.
//
// The server checks what it receives the way Telegram does where it
// matters for bots: it rejects malformed HTML, over-long messages,
// replies to unknown messages, edits that change nothing and inline
// answers beyond Telegram's limits and photos that are no image or whose
// caption is too long with Telegram's error codes, delivers
// only the update types the last allowed_updates asked for, and ends an
// older long poll with 409 Conflict when a newer one arrives.
package telegramtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// WaitTimeout is how long WaitFor waits before failing the test.
const WaitTimeout = 10 * time.Second

// Server is a fake Telegram Bot API server listening on a loopback address.
type Server struct {
	// URL is the server's base URL, e.g. "http://127.0.0.1:41234".
	URL string
	// Token is the bot token the server accepts; calls with another get
	// 401 Unauthorized.
	Token string

	srv       *httptest.Server
	closed    chan struct{}
	closeOnce sync.Once

	mu          sync.Mutex
	me          tgbotapi.User
	nextUpdate  int
	nextMessage int
	pending     []pendingUpdate // unconfirmed updates, in id order
	history     map[int]tgbotapi.Update
	chats       map[int64]string             // chat id → chat type
	messages    map[messageKey]storedMessage // messages that can be replied to
	calls       []*Call
	failures    map[string][]*Failure
	files       map[string]storedFile
	downloads   []string      // file paths requested from the file endpoint
	changed     chan struct{} // closed and replaced whenever anything happens
	poll        chan struct{} // closed to end the current long poll with 409
	restarted   bool          // RestartIDs was called
	webhook     string        // the URL setWebhook set, "" when none
	// webhookSecret is the secret_token setWebhook set; delivering
	// reports whether deliver runs, and webhookStatuses are the HTTP
	// statuses of its requests (0 for a network error).
	webhookSecret   string
	delivering      bool
	webhookStatuses []int
	deliveries      sync.WaitGroup

	// allowed are the update types getUpdates delivers, as its last
	// allowed_updates asked; nil means all.
	allowed map[string]bool
}

type pendingUpdate struct {
	id   int
	kind string // "message", "inline_query", ...
	raw  json.RawMessage
	// stale marks an update pushed after RestartIDs: it is delivered
	// whatever the offset, until an offset just above it confirms it.
	stale bool
}

// updateKind returns the type of the update fields hold: its field other
// than update_id that is not null.
func updateKind(fields map[string]json.RawMessage) string {
	for k, v := range fields {
		if k != "update_id" && string(v) != "null" {
			return k
		}
	}
	return ""
}

type messageKey struct {
	chat int64
	id   int
}

// storedMessage is what the server remembers of a message, to fill in
// replies and callback queries as Telegram does and to check edits.
type storedMessage struct {
	from   *tgbotapi.User
	date   int
	text   string // visible text
	source string // the text parameter as sent, and its parse mode
	mode   string
	markup string // the reply_markup parameter as sent
	photo  bool   // a photo, whose caption editMessageText can't edit
}

type storedFile struct {
	path string
	data []byte
	// size is the file_size getFile and pushed documents report; 0
	// leaves it out.
	size int
	// hold keeps a download open after the data: see HoldOpen.
	hold bool
}

// Call is one request the server received.
type Call struct {
	// Method is the Bot API method, e.g. "sendMessage".
	Method string
	// Params are the request's parameters, whether sent as a form, as
	// multipart form data or as JSON (non-string JSON values are kept in
	// their JSON form).
	Params url.Values
	// Files holds the files of a multipart request, by field name.
	Files map[string][]byte
	// Status is the HTTP status the server replied with: 0 while the call
	// is in flight, 499 if the client went away first, -1 if the server
	// dropped the connection (Failure with Code 0).
	Status int
	// Result is the JSON result of a successful call, such as the
	// Message sendMessage sent; nil otherwise.
	Result json.RawMessage
}

// Get returns the parameter key, or "".
func (c Call) Get(key string) string { return c.Params.Get(key) }

// Int returns the parameter key as a number, or 0.
func (c Call) Int(key string) int64 {
	n, _ := strconv.ParseInt(c.Params.Get(key), 10, 64)
	return n
}

// MessageID returns the message_id of the Message a successful call
// returned, such as sendMessage's, or 0.
func (c Call) MessageID() int {
	var m struct {
		MessageID int `json:"message_id"`
	}
	if json.Unmarshal(c.Result, &m) != nil {
		return 0
	}
	return m.MessageID
}

// JSON decodes the JSON-valued parameter key (e.g. "commands",
// "results", "reply_markup") into v.
func (c Call) JSON(key string, v any) error {
	if err := json.Unmarshal([]byte(c.Params.Get(key)), v); err != nil {
		return fmt.Errorf("decode %s: %w", key, err)
	}
	return nil
}

// Failure describes an error the server replies with instead of
// handling a call.
type Failure struct {
	// Code is the HTTP status and Bot API error_code, e.g. 429, 500 or
	// 403. Zero drops the connection without replying, which the client
	// sees as a network error.
	Code int
	// Description is the error description; empty means Telegram's usual
	// one for Code.
	Description string
	// RetryAfter, when set, is sent as parameters.retry_after (seconds).
	RetryAfter int
	// Times is how many calls in a row fail; zero means one.
	Times int
	// Delay, with Code zero, makes the calls slow rather than fail: each
	// is done (a message is sent) at once, but its reply is held back
	// for Delay, or until the client gives up or the server closes.
	Delay time.Duration
	// Hang makes the calls hang: nothing is done and no reply comes
	// until the client gives up or the server closes.
	Hang bool
}

// NewServer starts a fake Bot API server accepting token and closes it
// when the test ends.
func NewServer(tb testing.TB, token string) *Server {
	s := &Server{
		Token:       token,
		closed:      make(chan struct{}),
		me:          tgbotapi.User{ID: 7000000001, IsBot: true, FirstName: "Event Bot", UserName: "eventbot_test_bot"},
		nextUpdate:  100,
		nextMessage: 1000,
		history:     make(map[int]tgbotapi.Update),
		chats:       make(map[int64]string),
		messages:    make(map[messageKey]storedMessage),
		failures:    make(map[string][]*Failure),
		files:       make(map[string]storedFile),
		changed:     make(chan struct{}),
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	s.URL = s.srv.URL
	tb.Cleanup(s.Close)
	return s
}

// Close ends pending long polls and shuts the server down. It is safe to
// call more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.closed)
		s.srv.Close()
		s.deliveries.Wait()
	})
}

// deliver POSTs the pending updates, oldest first, to the webhook while
// one is set, as Telegram does: with the secret_token in the header
// X-Telegram-Bot-Api-Secret-Token, and again until the bot answers 200.
func (s *Server) deliver() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-s.closed
		cancel()
	}()
	client := &http.Client{Timeout: WaitTimeout}
	for {
		s.mu.Lock()
		if s.webhook == "" || ctx.Err() != nil {
			s.delivering = false
			s.mu.Unlock()
			return
		}
		if len(s.pending) == 0 {
			changed := s.changed
			s.mu.Unlock()
			select {
			case <-changed:
			case <-ctx.Done():
			}
			continue
		}
		p, url, secret := s.pending[0], s.webhook, s.webhookSecret
		s.mu.Unlock()

		status := 0
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(p.raw))
		if err == nil {
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
			if resp, err := client.Do(req); err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				status = resp.StatusCode
			}
		}
		s.mu.Lock()
		s.webhookStatuses = append(s.webhookStatuses, status)
		if status == http.StatusOK {
			s.pending = slices.DeleteFunc(s.pending, func(q pendingUpdate) bool { return q.id == p.id })
		}
		s.notifyLocked()
		s.mu.Unlock()
		if status != http.StatusOK {
			select {
			case <-time.After(20 * time.Millisecond):
			case <-ctx.Done():
			}
		}
	}
}

// WebhookStatuses returns the HTTP statuses the webhook answered the
// server's deliveries with, in order; 0 stands for a network error.
func (s *Server) WebhookStatuses() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.webhookStatuses)
}

// Endpoint returns the API endpoint template for tgbotapi clients:
// URL + "/bot%s/%s".
func (s *Server) Endpoint() string { return s.URL + "/bot%s/%s" }

// FileURL returns the download address of a file stored with AddFile, as
// Telegram's file endpoint would give it.
func (s *Server) FileURL(filePath string) string {
	return s.URL + "/file/bot" + s.Token + "/" + filePath
}

// Me returns the bot user getMe reports.
func (s *Server) Me() tgbotapi.User {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.me
}

// AddFile stores data so that getFile(fileID) reports filePath and the
// file can be downloaded from FileURL(filePath). A document with fileID
// pushed afterwards (WithDocument) carries the file's size, as on
// Telegram, unless it sets one.
func (s *Server) AddFile(fileID, filePath string, data []byte, opts ...FileOption) {
	f := storedFile{path: filePath, data: slices.Clone(data), size: len(data)}
	for _, opt := range opts {
		opt(&f)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[fileID] = f
}

// A FileOption changes a file AddFile stores.
type FileOption func(*storedFile)

// ReportedSize makes getFile, and the documents pushed afterwards,
// report n bytes as the file's size, whatever its length; 0 leaves the
// size out, as Telegram may.
func ReportedSize(n int) FileOption {
	return func(f *storedFile) { f.size = n }
}

// HoldOpen makes a download of the file send its data and then keep the
// connection open, sending nothing more, until the client gives up or
// the server closes: a download that never ends.
func HoldOpen() FileOption {
	return func(f *storedFile) { f.hold = true }
}

// Downloads returns the file paths requested from the file endpoint so
// far, in order, with the right token or not.
func (s *Server) Downloads() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.downloads)
}

// AddChat makes chatID, of chatType, a chat the server knows, as if its
// user had started the bot or the bot had been added to it. Chats that
// messages were pushed to are known too. setMyCommands refuses the scope
// of a chat the server doesn't know with "chat not found", as Telegram
// does.
func (s *Server) AddChat(chatID int64, chatType string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chats[chatID] = chatType
}

// Fail makes the next f.Times calls of method fail as f describes.
// Failures queued for the same method apply in order.
func (s *Server) Fail(method string, f Failure) {
	if f.Times <= 0 {
		f.Times = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[method] = append(s.failures[method], &f)
}

// Heal forgets the failures queued by Fail and RateLimit: calls from
// now on succeed. Calls hanging or held back already stay so.
func (s *Server) Heal() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.failures)
}

// RateLimit makes the next times calls of method fail with 429 Too Many
// Requests and retry_after seconds.
func (s *Server) RateLimit(method string, retryAfter, times int) {
	s.Fail(method, Failure{Code: http.StatusTooManyRequests, RetryAfter: retryAfter, Times: times})
}

// A MessageOption changes a message before PushMessage queues it.
type MessageOption func(*tgbotapi.Message)

// WithLanguage sets the sender's language_code.
func WithLanguage(code string) MessageOption {
	return func(m *tgbotapi.Message) {
		if m.From != nil {
			m.From.LanguageCode = code
		}
	}
}

// WithReplyTo makes the message a reply to messageID in the same chat.
// If the server knows that message (pushed, or sent by the bot), the
// reply carries its sender and text, as on Telegram.
func WithReplyTo(messageID int) MessageOption {
	return func(m *tgbotapi.Message) {
		m.ReplyToMessage = &tgbotapi.Message{MessageID: messageID, Chat: m.Chat}
	}
}

// WithEntities replaces the entities PushMessage derives from the text
// (a leading bot_command).
func WithEntities(entities ...tgbotapi.MessageEntity) MessageOption {
	return func(m *tgbotapi.Message) { m.Entities = entities }
}

// WithDocument attaches a document to the message; the text becomes its
// caption. Store the file's content with AddFile.
func WithDocument(fileID, fileName, mimeType string) MessageOption {
	return func(m *tgbotapi.Message) {
		m.Document = &tgbotapi.Document{FileID: fileID, FileUniqueID: "u" + fileID, FileName: fileName, MimeType: mimeType}
		m.Caption, m.CaptionEntities = m.Text, m.Entities
		m.Text, m.Entities = "", nil
	}
}

// PushMessage queues a message update from user userID in chat chatID of
// chatType ("private", "group", "supergroup", "channel") and returns its
// update id. Text starting with a command gets a bot_command entity, as
// Telegram adds.
func (s *Server) PushMessage(chatID, userID int64, chatType, text string, opts ...MessageOption) int {
	chat := &tgbotapi.Chat{ID: chatID, Type: chatType}
	if chatType == "private" {
		chat.FirstName = "Test"
	} else {
		chat.Title = "Test " + chatType
	}
	m := &tgbotapi.Message{
		From:     &tgbotapi.User{ID: userID, FirstName: "Test", UserName: fmt.Sprintf("user%d", userID), LanguageCode: "en"},
		Date:     int(time.Now().Unix()),
		Chat:     chat,
		Text:     text,
		Entities: commandEntities(text),
	}
	for _, opt := range opts {
		opt(m)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextMessage++
	m.MessageID = s.nextMessage
	s.chats[chatID] = chatType
	if d := m.Document; d != nil && d.FileSize == 0 {
		if f, ok := s.files[d.FileID]; ok {
			d.FileSize = f.size
		}
	}
	s.messages[messageKey{chatID, m.MessageID}] = storedMessage{from: m.From, date: m.Date, text: m.Text, source: m.Text}
	if r := m.ReplyToMessage; r != nil && r.Chat != nil {
		if stored, ok := s.messages[messageKey{r.Chat.ID, r.MessageID}]; ok {
			r.From, r.Date, r.Text = stored.from, stored.date, stored.text
		}
	}
	return s.pushLocked(tgbotapi.Update{Message: m})
}

// commandEntities returns the bot_command entity Telegram would find at
// the start of text.
func commandEntities(text string) []tgbotapi.MessageEntity {
	if !strings.HasPrefix(text, "/") {
		return nil
	}
	n := 1
	for n < len(text) && isCommandByte(text[n]) {
		n++
	}
	if n == 1 {
		return nil
	}
	return []tgbotapi.MessageEntity{{Type: "bot_command", Offset: 0, Length: n}}
}

func isCommandByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '@'
}

// An InlineOption changes an inline query before PushInlineQuery queues
// it.
type InlineOption func(*tgbotapi.InlineQuery)

// InlineLanguage sets the language_code of the inline query's sender.
func InlineLanguage(code string) InlineOption {
	return func(q *tgbotapi.InlineQuery) { q.From.LanguageCode = code }
}

// PushInlineQuery queues an inline query from userID and returns its
// update id; the query id is the update id in decimal. The sender's
// language is "en" unless an option changes it.
func (s *Server) PushInlineQuery(userID int64, query string, opts ...InlineOption) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.nextUpdate + 1
	q := &tgbotapi.InlineQuery{
		ID:       strconv.Itoa(id),
		From:     &tgbotapi.User{ID: userID, FirstName: "Test", LanguageCode: "en"},
		Query:    query,
		ChatType: "sender",
	}
	for _, opt := range opts {
		opt(q)
	}
	return s.pushLocked(tgbotapi.Update{InlineQuery: q})
}

// PushCallbackQuery queues a press of an inline button with data on
// message messageID in chatID and returns its update id; the query id is
// the update id in decimal. If the server knows the message, the query
// carries its sender and text, as on Telegram.
func (s *Server) PushCallbackQuery(chatID, userID int64, messageID int, data string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.nextUpdate + 1
	chatType := s.chats[chatID]
	if chatType == "" {
		chatType = "private"
	}
	m := &tgbotapi.Message{MessageID: messageID, Chat: &tgbotapi.Chat{ID: chatID, Type: chatType}}
	if stored, ok := s.messages[messageKey{chatID, messageID}]; ok {
		m.From, m.Date, m.Text = stored.from, stored.date, stored.text
	}
	return s.pushLocked(tgbotapi.Update{CallbackQuery: &tgbotapi.CallbackQuery{
		ID:           strconv.Itoa(id),
		From:         &tgbotapi.User{ID: userID, FirstName: "Test", LanguageCode: "en"},
		Message:      m,
		ChatInstance: strconv.FormatInt(chatID, 10),
		Data:         data,
	}})
}

// PushUpdate queues u, setting its UpdateID, and returns the id.
func (s *Server) PushUpdate(u tgbotapi.Update) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pushLocked(u)
}

// PushRawUpdate queues the JSON object raw as an update, adding its
// update_id, and returns the id. Use it for updates tgbotapi cannot
// express: missing or mistyped fields. It panics if raw is not a JSON
// object.
func (s *Server) PushRawUpdate(raw string) int {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &fields); err != nil {
		panic(fmt.Sprintf("telegramtest: PushRawUpdate: %v", err))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextUpdate++
	id := s.nextUpdate
	fields["update_id"] = json.RawMessage(strconv.Itoa(id))
	data, err := json.Marshal(fields)
	if err != nil {
		panic(fmt.Sprintf("telegramtest: PushRawUpdate: %v", err))
	}
	s.pending = append(s.pending, pendingUpdate{id, updateKind(fields), data, s.restarted})
	s.notifyLocked()
	return id
}

// RestartIDs makes the updates pushed from now on take ids from next+1,
// as Telegram may after a week without updates, typically below the
// offset the bot confirms. Such updates are delivered whatever the
// offset, and confirmed only by an offset above them and no higher than
// the last id given out plus one.
func (s *Server) RestartIDs(next int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextUpdate = next
	s.restarted = true
}

func (s *Server) pushLocked(u tgbotapi.Update) int {
	s.nextUpdate++
	u.UpdateID = s.nextUpdate
	data, err := json.Marshal(u)
	if err != nil {
		panic(fmt.Sprintf("telegramtest: encode update: %v", err))
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		panic(fmt.Sprintf("telegramtest: decode update: %v", err))
	}
	s.pending = append(s.pending, pendingUpdate{u.UpdateID, updateKind(fields), data, s.restarted})
	s.history[u.UpdateID] = u
	s.notifyLocked()
	return u.UpdateID
}

// Update returns the update pushed with id, confirmed or not; raw
// updates are not kept.
func (s *Server) Update(id int) (tgbotapi.Update, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.history[id]
	return u, ok
}

// MessageID returns the message id of the message update id, or 0.
func (s *Server) MessageID(updateID int) int {
	u, _ := s.Update(updateID)
	if u.Message == nil {
		return 0
	}
	return u.Message.MessageID
}

// Pending returns the ids of the updates the bot has not confirmed yet.
func (s *Server) Pending() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]int, len(s.pending))
	for i, p := range s.pending {
		ids[i] = p.id
	}
	return ids
}

// InChat returns the calls among calls to chat id (chat_id).
func InChat(calls []Call, id int64) []Call {
	var out []Call
	for _, c := range calls {
		if c.Int("chat_id") == id {
			out = append(out, c)
		}
	}
	return out
}

// Calls returns the calls of method received so far, in order; method ""
// returns all calls.
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.callsLocked(method)
}

func (s *Server) callsLocked(method string) []Call {
	var calls []Call
	for _, c := range s.calls {
		if method == "" || c.Method == method {
			calls = append(calls, *c)
		}
	}
	return calls
}

// WaitFor waits until the server has received at least n calls of method
// and returns all of them so far. It fails the test if that takes longer
// than WaitTimeout. Call it from the test's goroutine.
func (s *Server) WaitFor(tb testing.TB, method string, n int) []Call {
	tb.Helper()
	what := fmt.Sprintf("%d %s calls", n, method)
	return s.wait(tb, method, what, func(calls []Call) bool { return len(calls) >= n })
}

// WaitUntil waits until done, called with all the calls so far (with
// their Status and Result) whenever anything happens, returns true, and
// returns those calls. It fails the test, naming what it waited for, if
// that takes longer than WaitTimeout. Call it from the test's goroutine.
func (s *Server) WaitUntil(tb testing.TB, what string, done func(calls []Call) bool) []Call {
	tb.Helper()
	return s.wait(tb, "", what, done)
}

// WaitForDone waits until the server has replied to at least n calls of
// method, successfully or not, and returns all the calls of method so
// far. Unlike WaitFor, the calls it counts have their Status and Result.
// It fails the test if that takes longer than WaitTimeout. Call it from
// the test's goroutine.
func (s *Server) WaitForDone(tb testing.TB, method string, n int) []Call {
	tb.Helper()
	what := fmt.Sprintf("replies to %d %s calls", n, method)
	return s.wait(tb, method, what, func(calls []Call) bool {
		replied := 0
		for _, c := range calls {
			if c.Status != 0 {
				replied++
			}
		}
		return replied >= n
	})
}

// wait waits until done holds for the calls of method ("" for all) and
// returns them, or fails the test after WaitTimeout, naming what.
func (s *Server) wait(tb testing.TB, method, what string, done func(calls []Call) bool) []Call {
	tb.Helper()
	timer := time.NewTimer(WaitTimeout)
	defer timer.Stop()
	for {
		s.mu.Lock()
		calls := s.callsLocked(method)
		changed := s.changed
		s.mu.Unlock()
		if done(calls) {
			return calls
		}
		select {
		case <-changed:
		case <-timer.C:
			tb.Fatalf("telegramtest: waited %v for %s, got %d calls", WaitTimeout, what, len(calls))
		}
	}
}

// notifyLocked wakes everyone waiting for a change.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if rest, ok := strings.CutPrefix(r.URL.Path, "/file/bot"); ok {
		s.serveFile(w, r, rest)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, method, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 {
		http.NotFound(w, r)
		return
	}
	params, files, err := readParams(r)
	c := &Call{Method: method, Params: params, Files: files}
	s.mu.Lock()
	s.calls = append(s.calls, c)
	s.notifyLocked()
	var f *Failure
	if token == s.Token && err == nil {
		f = s.takeFailureLocked(method)
	}
	s.mu.Unlock()

	switch {
	case token != s.Token:
		s.fail(w, c, http.StatusUnauthorized, "Unauthorized", 0)
	case err != nil:
		s.fail(w, c, http.StatusBadRequest, "Bad Request: "+err.Error(), 0)
	case f != nil && f.Hang:
		select {
		case <-r.Context().Done():
		case <-s.closed:
		}
		s.setStatus(c, 499)
	case f != nil && f.Code == 0 && f.Delay > 0:
		rec := httptest.NewRecorder()
		s.handle(rec, r, c)
		t := time.NewTimer(f.Delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return // done, but the client never hears of it
		case <-s.closed:
		}
		maps.Copy(w.Header(), rec.Header())
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	case f != nil && f.Code == 0:
		s.drop(w, c)
	case f != nil:
		s.fail(w, c, f.Code, f.Description, f.RetryAfter)
	default:
		s.handle(w, r, c)
	}
}

func (s *Server) takeFailureLocked(method string) *Failure {
	q := s.failures[method]
	if len(q) == 0 {
		return nil
	}
	f := *q[0]
	q[0].Times--
	if q[0].Times <= 0 {
		s.failures[method] = q[1:]
	}
	return &f
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request, c *Call) {
	switch c.Method {
	case "getMe":
		s.ok(w, c, s.Me())
	case "getUpdates":
		s.mu.Lock()
		hooked := s.webhook != ""
		s.mu.Unlock()
		if hooked {
			s.fail(w, c, http.StatusConflict, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first", 0)
			return
		}
		s.getUpdates(w, r, c)
	case "sendMessage":
		s.sendMessage(w, c)
	case "editMessageText":
		s.editMessageText(w, c)
	case "sendPhoto":
		s.sendPhoto(w, c)
	case "sendChatAction":
		s.sendChatAction(w, c)
	case "setMyCommands":
		s.setMyCommands(w, c)
	case "answerCallbackQuery":
		if Len(c.Get("text")) > MaxCallbackTextLen {
			s.fail(w, c, http.StatusBadRequest, "Bad Request: MESSAGE_TOO_LONG", 0)
			return
		}
		s.require(w, c, "callback_query_id")
	case "answerInlineQuery":
		s.answerInlineQuery(w, c)
	case "getFile":
		s.getFile(w, c)
	case "deleteWebhook":
		s.mu.Lock()
		s.webhook = ""
		s.mu.Unlock()
		s.ok(w, c, true)
	case "setWebhook":
		if c.Get("url") == "" {
			s.fail(w, c, http.StatusBadRequest, "Bad Request: bad webhook: an HTTPS URL must be provided for webhook", 0)
			return
		}
		s.mu.Lock()
		s.webhook, s.webhookSecret = c.Get("url"), c.Get("secret_token")
		start := !s.delivering
		s.delivering = true
		s.mu.Unlock()
		if start {
			s.deliveries.Go(s.deliver)
		}
		s.ok(w, c, true)
	case "getWebhookInfo":
		s.ok(w, c, tgbotapi.WebhookInfo{PendingUpdateCount: len(s.Pending())})
	default:
		s.fail(w, c, http.StatusNotFound, "Not Found", 0)
	}
}

// require replies true if c has every one of params, else 400.
func (s *Server) require(w http.ResponseWriter, c *Call, params ...string) {
	for _, p := range params {
		if c.Get(p) == "" {
			s.fail(w, c, http.StatusBadRequest, "Bad Request: "+p+" is empty", 0)
			return
		}
	}
	s.ok(w, c, true)
}

func (s *Server) getUpdates(w http.ResponseWriter, r *http.Request, c *Call) {
	offset, limit, timeout := int(c.Int("offset")), int(c.Int("limit")), int(c.Int("timeout"))
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	mine := make(chan struct{})
	s.mu.Lock()
	if s.poll != nil {
		close(s.poll) // a newer poll ends the older one, as on Telegram
	}
	s.poll = mine
	if c.Params.Has("allowed_updates") && c.Get("allowed_updates") != "null" {
		// Telegram keeps the setting until a later call changes it.
		var kinds []string
		if err := c.JSON("allowed_updates", &kinds); err == nil {
			s.allowed = nil
			if len(kinds) > 0 {
				s.allowed = make(map[string]bool)
				for _, k := range kinds {
					s.allowed[k] = true
				}
			}
		}
	}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		if s.poll == mine {
			s.poll = nil
		}
		s.mu.Unlock()
	}()

	var expired <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(time.Duration(timeout) * time.Second)
		defer t.Stop()
		expired = t.C
	}
	for {
		s.mu.Lock()
		if offset > 0 {
			s.confirmLocked(offset)
		}
		s.dropUnwantedLocked()
		batch := s.batchLocked(offset, limit)
		changed := s.changed
		s.mu.Unlock()
		if len(batch) > 0 || timeout <= 0 {
			s.ok(w, c, batch)
			return
		}
		select {
		case <-changed:
		case <-expired:
			s.ok(w, c, batch)
			return
		case <-s.closed:
			s.ok(w, c, batch)
			return
		case <-mine:
			// The client may have given up on this poll already, and the
			// server not noticed yet: give it a moment to tell.
			select {
			case <-r.Context().Done():
				s.setStatus(c, 499)
			case <-time.After(100 * time.Millisecond):
				s.fail(w, c, http.StatusConflict, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running", 0)
			}
			return
		case <-r.Context().Done():
			s.setStatus(c, 499)
			return
		}
	}
}

// dropUnwantedLocked forgets the updates of types getUpdates was told
// not to deliver, as Telegram does.
func (s *Server) dropUnwantedLocked() {
	if s.allowed == nil {
		return
	}
	s.pending = slices.DeleteFunc(s.pending, func(p pendingUpdate) bool { return !s.allowed[p.kind] })
}

// confirmLocked forgets the updates before offset, as Telegram does when
// getUpdates is called with that offset, and wakes those waiting for a
// change: a test may wait for the pending updates to be confirmed.
func (s *Server) confirmLocked(offset int) {
	n := len(s.pending)
	s.pending = slices.DeleteFunc(s.pending, func(p pendingUpdate) bool {
		if p.stale {
			return p.id < offset && offset <= s.nextUpdate+1
		}
		return p.id < offset
	})
	if len(s.pending) != n {
		s.notifyLocked()
	}
}

func (s *Server) batchLocked(offset, limit int) []json.RawMessage {
	batch := []json.RawMessage{}
	if offset < 0 {
		from := max(0, len(s.pending)+offset)
		for _, p := range s.pending[from:] {
			batch = append(batch, p.raw)
		}
		return batch
	}
	for _, p := range s.pending {
		if (p.id >= offset || p.stale) && len(batch) < limit {
			batch = append(batch, p.raw)
		}
	}
	return batch
}

// validText checks text as Telegram does for parseMode and returns its
// visible form, or a Bot API error description.
func validText(text, parseMode string) (string, string) {
	visible := text
	switch parseMode {
	case "":
	case tgbotapi.ModeHTML:
		v, err := ParseHTML(text)
		if err != nil {
			return "", "Bad Request: can't parse entities: " + err.Error()
		}
		visible = v
	case tgbotapi.ModeMarkdown, tgbotapi.ModeMarkdownV2:
	default:
		return "", "Bad Request: unsupported parse_mode"
	}
	switch {
	case strings.TrimSpace(visible) == "":
		return "", "Bad Request: message text is empty"
	case Len(visible) > MaxMessageLen:
		return "", "Bad Request: message is too long"
	}
	return visible, ""
}

func (s *Server) sendMessage(w http.ResponseWriter, c *Call) {
	chatID := c.Int("chat_id")
	if chatID == 0 {
		s.fail(w, c, http.StatusBadRequest, "Bad Request: chat not found", 0)
		return
	}
	visible, problem := validText(c.Get("text"), c.Get("parse_mode"))
	if problem != "" {
		s.fail(w, c, http.StatusBadRequest, problem, 0)
		return
	}
	m, ok := s.sent(w, c, chatID, storedMessage{
		text: visible, source: c.Get("text"), mode: c.Get("parse_mode"), markup: c.Get("reply_markup"),
	})
	if ok {
		m.Text = visible
		s.ok(w, c, m)
	}
}

// sent records the message c sends to chatID, as stored (with the bot as
// its sender, dated now), and returns it as Telegram would, without its
// content. If c replies to a message the server doesn't know, without
// allow_sending_without_reply, it fails c instead and ok is false.
func (s *Server) sent(w http.ResponseWriter, c *Call, chatID int64, stored storedMessage) (m tgbotapi.Message, ok bool) {
	replyTo := int(c.Int("reply_to_message_id"))
	s.mu.Lock()
	_, known := s.messages[messageKey{chatID, replyTo}]
	chatType := s.chats[chatID]
	s.nextMessage++
	id := s.nextMessage
	me := s.me
	stored.from, stored.date = &me, int(time.Now().Unix())
	s.messages[messageKey{chatID, id}] = stored
	s.mu.Unlock()
	if replyTo != 0 && !known && c.Get("allow_sending_without_reply") != "true" {
		s.fail(w, c, http.StatusBadRequest, "Bad Request: message to be replied not found", 0)
		return m, false
	}
	if chatType == "" {
		chatType = "private"
	}
	chat := &tgbotapi.Chat{ID: chatID, Type: chatType}
	m = tgbotapi.Message{MessageID: id, From: &me, Date: stored.date, Chat: chat}
	if replyTo != 0 {
		m.ReplyToMessage = &tgbotapi.Message{MessageID: replyTo, Chat: chat}
	}
	return m, true
}

func (s *Server) editMessageText(w http.ResponseWriter, c *Call) {
	visible, problem := validText(c.Get("text"), c.Get("parse_mode"))
	if problem != "" {
		s.fail(w, c, http.StatusBadRequest, problem, 0)
		return
	}
	if c.Get("inline_message_id") != "" {
		s.ok(w, c, true)
		return
	}
	chatID, id := c.Int("chat_id"), int(c.Int("message_id"))
	s.mu.Lock()
	key := messageKey{chatID, id}
	old, known := s.messages[key]
	me := s.me
	problem = ""
	switch {
	case !known:
		problem = "Bad Request: message to edit not found"
	case old.from == nil || old.from.ID != me.ID:
		problem = "Bad Request: message can't be edited"
	case old.photo:
		problem = "Bad Request: there is no text in the message to edit"
	case old.source == c.Get("text") && old.mode == c.Get("parse_mode") && old.markup == c.Get("reply_markup"):
		problem = "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"
	default:
		s.messages[key] = storedMessage{
			from: old.from, date: old.date, text: visible,
			source: c.Get("text"), mode: c.Get("parse_mode"), markup: c.Get("reply_markup"),
		}
	}
	chatType := s.chats[chatID]
	s.mu.Unlock()
	if problem != "" {
		s.fail(w, c, http.StatusBadRequest, problem, 0)
		return
	}
	if chatType == "" {
		chatType = "private"
	}
	s.ok(w, c, tgbotapi.Message{MessageID: id, From: &me, Date: old.date, EditDate: int(time.Now().Unix()), Chat: &tgbotapi.Chat{ID: chatID, Type: chatType}, Text: visible})
}

var chatActions = map[string]bool{
	"typing": true, "upload_photo": true, "record_video": true, "upload_video": true,
	"record_voice": true, "upload_voice": true, "upload_document": true, "choose_sticker": true,
	"find_location": true, "record_video_note": true, "upload_video_note": true,
}

func (s *Server) sendChatAction(w http.ResponseWriter, c *Call) {
	if c.Int("chat_id") == 0 {
		s.fail(w, c, http.StatusBadRequest, "Bad Request: chat not found", 0)
		return
	}
	if !chatActions[c.Get("action")] {
		s.fail(w, c, http.StatusBadRequest, "Bad Request: wrong parameter action in request", 0)
		return
	}
	s.ok(w, c, true)
}

func (s *Server) setMyCommands(w http.ResponseWriter, c *Call) {
	var cmds []tgbotapi.BotCommand
	if err := c.JSON("commands", &cmds); err != nil {
		s.fail(w, c, http.StatusBadRequest, "Bad Request: can't parse commands JSON object", 0)
		return
	}
	if c.Params.Has("scope") && c.Get("scope") != "null" {
		var scope tgbotapi.BotCommandScope
		if err := c.JSON("scope", &scope); err != nil {
			s.fail(w, c, http.StatusBadRequest, "Bad Request: can't parse BotCommandScope JSON object", 0)
			return
		}
		switch scope.Type {
		case "default", "all_private_chats", "all_group_chats", "all_chat_administrators":
		case "chat", "chat_administrators", "chat_member":
			s.mu.Lock()
			_, known := s.chats[scope.ChatID]
			s.mu.Unlock()
			if !known {
				s.fail(w, c, http.StatusBadRequest, "Bad Request: chat not found", 0)
				return
			}
		default:
			s.fail(w, c, http.StatusBadRequest, "Bad Request: wrong bot command scope type specified", 0)
			return
		}
	}
	for _, cmd := range cmds {
		ok := len(cmd.Command) >= 1 && len(cmd.Command) <= 32
		for _, b := range []byte(cmd.Command) {
			ok = ok && ('a' <= b && b <= 'z' || '0' <= b && b <= '9' || b == '_')
		}
		if n := Len(cmd.Description); !ok || n < 1 || n > 256 {
			s.fail(w, c, http.StatusBadRequest, "Bad Request: BOT_COMMAND_INVALID", 0)
			return
		}
	}
	s.ok(w, c, true)
}

func (s *Server) getFile(w http.ResponseWriter, c *Call) {
	id := c.Get("file_id")
	s.mu.Lock()
	f, ok := s.files[id]
	s.mu.Unlock()
	if !ok {
		s.fail(w, c, http.StatusBadRequest, "Bad Request: invalid file_id", 0)
		return
	}
	s.ok(w, c, tgbotapi.File{FileID: id, FileUniqueID: "u" + id, FileSize: f.size, FilePath: f.path})
}

// serveFile serves /file/bot<token>/<path>; rest is what follows "/file/bot".
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, rest string) {
	token, filePath, _ := strings.Cut(rest, "/")
	s.mu.Lock()
	s.downloads = append(s.downloads, filePath)
	s.notifyLocked()
	var file storedFile
	found := false
	for _, f := range s.files {
		if f.path == filePath {
			file, found = f, true
			break
		}
	}
	s.mu.Unlock()
	switch {
	case token != s.Token:
		http.Error(w, "Unauthorized", http.StatusUnauthorized)
		return
	case !found:
		http.Error(w, "Not Found", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	if !file.hold {
		w.Header().Set("Content-Length", strconv.Itoa(len(file.data)))
	}
	w.Write(file.data)
	if file.hold {
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		select {
		case <-r.Context().Done():
		case <-s.closed:
		}
	}
}

func (s *Server) setStatus(c *Call, status int) {
	s.mu.Lock()
	c.Status = status
	s.notifyLocked()
	s.mu.Unlock()
}

func (s *Server) ok(w http.ResponseWriter, c *Call, result any) {
	if raw, err := json.Marshal(result); err == nil {
		s.mu.Lock()
		c.Result = raw
		s.mu.Unlock()
	}
	s.reply(w, c, http.StatusOK, map[string]any{"ok": true, "result": result})
}

func (s *Server) fail(w http.ResponseWriter, c *Call, code int, description string, retryAfter int) {
	if description == "" {
		description = defaultDescription(code, retryAfter)
	}
	resp := map[string]any{"ok": false, "error_code": code, "description": description}
	if retryAfter > 0 {
		resp["parameters"] = map[string]int{"retry_after": retryAfter}
	}
	s.reply(w, c, code, resp)
}

func defaultDescription(code, retryAfter int) string {
	switch code {
	case http.StatusTooManyRequests:
		return fmt.Sprintf("Too Many Requests: retry after %d", retryAfter)
	case http.StatusBadRequest:
		return "Bad Request"
	case http.StatusForbidden:
		return "Forbidden: bot was blocked by the user"
	}
	return http.StatusText(code)
}

func (s *Server) reply(w http.ResponseWriter, c *Call, status int, body any) {
	data, err := json.Marshal(body)
	if err != nil {
		status, data = http.StatusInternalServerError, []byte(`{"ok":false,"error_code":500,"description":"telegramtest: encode reply"}`)
	}
	s.setStatus(c, status)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(data)
}

// drop closes the connection without replying.
func (s *Server) drop(w http.ResponseWriter, c *Call) {
	s.setStatus(c, -1)
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	conn.Close()
}

// readParams decodes a request's parameters from its query and its body,
// which may be a form, multipart form data or a JSON object.
func readParams(r *http.Request) (url.Values, map[string][]byte, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "multipart/form-data":
		if err := r.ParseMultipartForm(32 << 20); err != nil {
			return url.Values{}, nil, fmt.Errorf("read multipart form: %w", err)
		}
		params := r.URL.Query()
		for k, vs := range r.MultipartForm.Value {
			params[k] = append(params[k], vs...)
		}
		files := make(map[string][]byte)
		for k, fhs := range r.MultipartForm.File {
			for _, fh := range fhs {
				f, err := fh.Open()
				if err != nil {
					return params, nil, fmt.Errorf("read file %s: %w", k, err)
				}
				data, err := io.ReadAll(f)
				f.Close()
				if err != nil {
					return params, nil, fmt.Errorf("read file %s: %w", k, err)
				}
				files[k] = data
			}
		}
		return params, files, nil
	case "application/json":
		params := r.URL.Query()
		var fields map[string]json.RawMessage
		if err := json.NewDecoder(r.Body).Decode(&fields); err != nil && err != io.EOF {
			return params, nil, fmt.Errorf("decode JSON body: %w", err)
		}
		for k, raw := range fields {
			var str string
			if json.Unmarshal(raw, &str) == nil {
				params.Set(k, str)
			} else {
				params.Set(k, string(raw))
			}
		}
		return params, nil, nil
	}
	if err := r.ParseForm(); err != nil {
		return url.Values{}, nil, fmt.Errorf("read form: %w", err)
	}
	return r.Form, nil, nil
}
