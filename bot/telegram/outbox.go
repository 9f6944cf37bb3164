package telegram

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"golang.org/x/time/rate"
)

// Every chat message the bot sends — sendMessage, editMessageText,
// sendDocument and the like — goes through an Outbox, which
// keeps to Telegram's limits: about 30 messages a second to all chats,
// about one a second to a private chat and 20 a minute to a group. It
// queues rather than drops, keeps each chat's messages in order, and
// when Telegram answers 429 Too Many Requests it pauses that chat alone
// for the retry_after Telegram gives. Handlers don't wait for delivery,
// so a busy chat never holds up the workers. Calls that are not chat
// messages and answer true (sendChatAction, answerCallbackQuery,
// answerInlineQuery, setMyCommands) go through sender.request instead.

// Limits are the rates at which the bot sends chat messages, as token
// buckets (golang.org/x/time/rate). A zero Rate, or a zero field of one,
// means Telegram's limit.
type Limits struct {
	// Global bounds the messages to all chats together; zero means 30 a
	// second at most (a burst of 5 and one more every 40 ms).
	Global Rate
	// Private bounds the messages to one private chat; zero means one a
	// second, in bursts of up to 3.
	Private Rate
	// Group bounds the messages to one group, supergroup or channel;
	// zero means 20 a minute at most (a burst of 3 and one more every
	// 60/17 seconds).
	Group Rate
}

// A Rate is a token bucket: Burst messages at once, and one more every
// Every.
type Rate struct {
	// Every is how long it takes to earn one more message; 0 means the
	// default and a negative Every means no limit.
	Every time.Duration
	// Burst is how many messages may go at once; 0 means the default.
	Burst int
}

// Telegram's limits, as Rates that never exceed them in any window: a
// bucket of burst b refilled at rate r lets through at most b + r·T
// messages in a window of length T.
var (
	defaultGlobalRate  = Rate{Every: 40 * time.Millisecond, Burst: 5} // 5 + 25/s = 30 in a second
	defaultPrivateRate = Rate{Every: time.Second, Burst: 3}
	defaultGroupRate   = Rate{Every: time.Minute / 17, Burst: 3} // 3 + 17 = 20 in a minute
)

// WithDefaults returns l with Telegram's limits for its zero fields.
func (l Limits) WithDefaults() (Limits, error) {
	var err error
	if l.Global, err = l.Global.withDefault(defaultGlobalRate); err != nil {
		return l, fmt.Errorf("global limit: %w", err)
	}
	if l.Private, err = l.Private.withDefault(defaultPrivateRate); err != nil {
		return l, fmt.Errorf("private chat limit: %w", err)
	}
	if l.Group, err = l.Group.withDefault(defaultGroupRate); err != nil {
		return l, fmt.Errorf("group limit: %w", err)
	}
	return l, nil
}

func (r Rate) withDefault(def Rate) (Rate, error) {
	if r.Burst < 0 {
		return r, fmt.Errorf("negative burst %d", r.Burst)
	}
	if r.Every == 0 {
		r.Every = def.Every
	}
	if r.Burst == 0 {
		r.Burst = def.Burst
	}
	return r, nil
}

// limiter returns a token bucket for r, full.
func (r Rate) limiter() *rate.Limiter {
	if r.Every < 0 {
		return rate.NewLimiter(rate.Inf, 0)
	}
	return rate.NewLimiter(rate.Every(r.Every), r.Burst)
}

// A Clock tells the time and makes timers for the Outbox; tests replace
// the real one with a fake they advance by hand.
type Clock interface {
	Now() time.Time
	// Timer returns a channel that receives once the time is at, and a
	// function that stops the timer. (A deadline rather than a duration:
	// a fake clock may move between Now and Timer.)
	Timer(at time.Time) (<-chan time.Time, func() bool)
}

// RealClock is the wall clock.
type RealClock struct{}

func (RealClock) Now() time.Time { return time.Now() }

func (RealClock) Timer(at time.Time) (<-chan time.Time, func() bool) {
	t := time.NewTimer(time.Until(at))
	return t.C, t.Stop
}

// A Poster makes one Bot API call that sends or edits a chat message.
// It returns every failure, 429 Too Many Requests included, without
// retrying: the Outbox decides.
type Poster interface {
	Deliver(ctx context.Context, method string, params tgbotapi.Params) (tgbotapi.Message, error)
}

// A Ledger is where the Outbox notes the messages kept in the store
// (Msg.Stored) that it is done with: sent, or refused for good. A
// message not noted is sent again after a restart. store.Store is one.
type Ledger interface {
	Sent(ctx context.Context, seq uint64) error
}

// An Msg is one chat message call: its method and parameters.
type Msg struct {
	Method string
	Params tgbotapi.Params
	// Stored is the message's store.Reply.Seq, or 0 if it is not kept
	// in the store (the edit a button press makes).
	Stored uint64
}

const (
	// Senders is how many calls the Outbox makes at once, to
	// different chats: enough to reach 30 messages a second when a call
	// takes a few hundred milliseconds.
	Senders = 16
	// maxChatQueue bounds the messages queued for one chat; beyond it,
	// messages fail at once. At 20 a minute it is 50 minutes' worth.
	maxChatQueue = 1000
	// outboxSweep is how often, at most, the Outbox forgets the chats
	// it has nothing to send to and whose bucket is full again, so that
	// it holds only the chats active within the last sweep or two.
	outboxSweep = time.Minute
	// MaxSendRetry is how long the Outbox retries a message that fails
	// for a while (5xx, network, garbage), from its first try.
	MaxSendRetry = 10 * time.Minute
	// firstSendBackoff is the wait after a message's first transient
	// failure; it doubles after each further one, up to MaxSendBackoff.
	firstSendBackoff = time.Second
	MaxSendBackoff   = time.Minute
	// MaxSendTimeouts is how many of a message's calls may time out:
	// Telegram may have sent it, so one more try at most.
	MaxSendTimeouts = 2
)

// Errors a Delivery ends with when the Outbox doesn't try.
var (
	errOutboxClosed = errors.New("outbox closed: the bot is stopping")
	errQueueFull    = errors.New("too many messages queued for the chat")
	errEarlierPart  = errors.New("an earlier part was not sent")
)

// An Outbox queues chat messages per chat and sends them as fast as the
// limits allow. One dispatcher goroutine decides what goes next; a pool
// of Senders goroutines makes the calls, at most one per chat at a
// time so that each chat's messages arrive in order.
//
// Use:
//
//	d := o.Send(chatID, chatType, m)             // queue one message; returns at once
//	d := o.SendAll(chatID, chatType, parts)      // queue the parts of one reply, in order
//	m, err := d.Wait(ctx)                         // optional: wait for the first part's Message
//
// chatType is tgbotapi.Chat.Type ("private", "group", "supergroup",
// "channel"); "" guesses from the id (negative ids are groups). Failures
// are logged by the Outbox ("reply not sent"); callers need not wait or
// check. Messages are sent with the Outbox's own context, not the
// caller's: they outlive the handler that queued them.
type Outbox struct {
	logger *slog.Logger
	tg     Poster
	ledger Ledger
	clock  Clock
	// OnPending, if set before Start, is told how many messages are
	// queued or in flight whenever that may have changed (for metrics).
	OnPending func(n int)
	limits    Limits

	// ctx is the calls' context; cancel gives up on them.
	ctx    context.Context
	cancel context.CancelFunc
	wake   chan struct{} // a message was queued, or the Outbox closed
	jobs   chan outJob
	// results gets what each job came to; it has room for every job,
	// so senders never wait for the dispatcher.
	results chan outResult
	drained chan struct{} // closed when the dispatcher returns
	wg      sync.WaitGroup

	mu        sync.Mutex
	global    *rate.Limiter
	chats     map[int64]*chatOut
	pending   map[int64]*chatOut // the chats with messages queued
	seq       uint64             // the number of messages queued so far
	queued    int                // messages queued, not in flight
	inflight  int                // jobs with the senders
	closed    bool               // no more messages taken
	aborted   bool               // queued messages given up
	nextSweep time.Time
}

// chatOut is what the Outbox keeps for one chat.
type chatOut struct {
	id      int64
	limiter *rate.Limiter
	queue   []*outItem
	busy    bool      // a message to the chat is in flight
	paused  time.Time // Telegram's retry_after ends
}

// An outItem is one queued message: part part of Delivery d.
type outItem struct {
	seq  uint64
	msg  Msg
	d    *Delivery
	part int
	// first is when the message was first handed to a sender; tries and
	// timeouts count its calls that failed for a while, and timed out.
	first    time.Time
	tries    int
	timeouts int
}

type outJob struct {
	chat *chatOut
	item *outItem
}

type outResult struct {
	outJob
	msg tgbotapi.Message
	err error
}

// A Delivery is what became of messages queued together.
type Delivery struct {
	finished chan struct{}
	// The fields below are written by the dispatcher and read after
	// finished is closed.
	msgs   []tgbotapi.Message // one per part sent
	err    error
	sentAt []time.Time // by the Outbox's Clock, when each part last went out
	ended  bool        // finished is closed; guarded by outbox.mu
}

// endLocked ends d with err (nil if every part was sent), unless it has
// ended already. It reports whether it ended d. The Outbox's mu is held.
func (d *Delivery) endLocked(err error) bool {
	if d.ended {
		return false
	}
	d.ended, d.err = true, err
	close(d.finished)
	return true
}

// wait waits until every part of d is sent or one has failed for good,
// or until ctx ends. It returns the Message of the first part, which is
// zero for methods that answer true, such as editing an inline message.
func (d *Delivery) Wait(ctx context.Context) (tgbotapi.Message, error) {
	select {
	case <-d.finished:
	case <-ctx.Done():
		return tgbotapi.Message{}, ctx.Err()
	}
	var m tgbotapi.Message
	if len(d.msgs) > 0 {
		m = d.msgs[0]
	}
	return m, d.err
}

// NewOutbox returns an Outbox sending through tg at limits, which must
// have their defaults applied. start starts it.
func NewOutbox(logger *slog.Logger, tg Poster, l Ledger, clk Clock, limits Limits) *Outbox {
	return &Outbox{
		logger:  logger,
		tg:      tg,
		ledger:  l,
		clock:   clk,
		limits:  limits,
		wake:    make(chan struct{}, 1),
		jobs:    make(chan outJob, Senders),
		results: make(chan outResult, Senders),
		drained: make(chan struct{}),
		global:  limits.Global.limiter(),
		chats:   make(map[int64]*chatOut),
		pending: make(map[int64]*chatOut),
	}
}

// start starts the dispatcher and the senders. close stops them.
func (o *Outbox) Start(ctx context.Context) {
	o.ctx, o.cancel = context.WithCancel(context.WithoutCancel(ctx))
	o.nextSweep = o.clock.Now().Add(outboxSweep)
	o.wg.Go(o.dispatch)
	for range Senders {
		o.wg.Go(func() {
			for j := range o.jobs {
				m, err := o.tg.Deliver(o.ctx, j.item.msg.Method, j.item.msg.Params)
				if err == nil {
					o.settle(j.item.msg)
				}
				o.results <- outResult{j, m, err}
			}
		})
	}
}

// close stops taking messages and waits up to grace for those queued to
// be sent. Then it gives up on the rest, cancelling the calls in flight,
// and returns once every goroutine of the Outbox has. The messages kept
// in the store that it gave up on stay there, for the next start.
func (o *Outbox) Close(grace time.Duration) {
	o.mu.Lock()
	o.closed = true
	o.mu.Unlock()
	o.poke()
	if grace > 0 {
		t := time.NewTimer(grace)
		select {
		case <-o.drained:
		case <-t.C:
		}
		t.Stop()
	}
	select {
	case <-o.drained:
	default:
		o.logger.Warn("messages unsent after the grace period, giving up on them", "grace", grace)
	}
	o.cancel()
	o.wg.Wait()
}

// settle notes in the Ledger that the Outbox is done with m.
func (o *Outbox) settle(m Msg) {
	if m.Stored == 0 {
		return
	}
	if err := o.ledger.Sent(context.WithoutCancel(o.ctx), m.Stored); err != nil {
		o.logger.Error("reply not marked sent; a restart will send it again", "seq", m.Stored, "err", err)
	}
}

// poke wakes the dispatcher.
func (o *Outbox) poke() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// send queues c for chat chatID of type chatType and returns at once.
// See Outbox for the details.
func (o *Outbox) Send(chatID int64, chatType string, m Msg) *Delivery {
	return o.SendAll(chatID, chatType, []Msg{m})
}

// sendAll queues cs for chat chatID of type chatType, to be sent in
// order, and returns at once. If one fails for good, those after it are
// not sent. See Outbox for the details.
func (o *Outbox) SendAll(chatID int64, chatType string, cs []Msg) *Delivery {
	d := &Delivery{finished: make(chan struct{}), sentAt: make([]time.Time, len(cs))}
	if len(cs) == 0 {
		d.ended = true
		close(d.finished)
		return d
	}
	o.mu.Lock()
	var err error
	var c *chatOut
	if !o.closed {
		c = o.chatLocked(chatID, chatType)
	}
	switch {
	case o.closed:
		err = errOutboxClosed
	case len(c.queue)+len(cs) > maxChatQueue:
		err = errQueueFull
	default:
		for i, x := range cs {
			o.seq++
			c.queue = append(c.queue, &outItem{seq: o.seq, msg: x, d: d, part: i})
		}
		o.pending[chatID] = c
		o.queued += len(cs)
	}
	o.mu.Unlock()
	if err != nil {
		d.ended, d.err = true, fmt.Errorf("send to chat %d: %w", chatID, err)
		close(d.finished)
		o.logger.Warn("reply not sent", "chat_id", chatID, "method", cs[0].Method, "err", d.err)
		if !errors.Is(err, errOutboxClosed) {
			for _, m := range cs {
				o.settle(m)
			}
		}
		return d
	}
	o.poke()
	return d
}

// chatLocked returns the state of chat id, making it if need be. o.mu is
// held.
func (o *Outbox) chatLocked(id int64, chatType string) *chatOut {
	if c := o.chats[id]; c != nil {
		return c
	}
	r := o.limits.Private
	if chatType == "group" || chatType == "supergroup" || chatType == "channel" || chatType == "" && id < 0 {
		r = o.limits.Group
	}
	c := &chatOut{id: id, limiter: r.limiter()}
	o.chats[id] = c
	return c
}

// dispatch hands the queued messages to the senders as the limits allow,
// and handles what the calls come to, until the Outbox is closed and
// drained or aborted.
func (o *Outbox) dispatch() {
	defer close(o.drained)
	defer close(o.jobs)
	stopped := o.ctx.Done()
	for {
		next, exit := o.schedule()
		if exit {
			return
		}
		var (
			timer <-chan time.Time
			stop  = func() bool { return false }
		)
		if !next.IsZero() {
			timer, stop = o.clock.Timer(next)
		}
		select {
		case <-o.wake:
		case r := <-o.results:
			o.finish(r)
		case <-timer:
		case <-stopped:
			stopped = nil
			o.mu.Lock()
			o.aborted = true
			o.mu.Unlock()
		}
		stop()
	}
}

// schedule hands the senders every message the limits allow now, oldest
// first. It returns when the next one may go (zero if it is not up to
// the Clock), and whether the dispatcher is done.
func (o *Outbox) schedule() (next time.Time, exit bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	now := o.clock.Now()
	if o.aborted {
		o.abandonLocked()
		return time.Time{}, o.inflight == 0
	}
	if !now.Before(o.nextSweep) {
		o.sweepLocked(now)
	}
	for o.inflight < Senders {
		var best *chatOut
		for _, c := range o.pending {
			if c.busy {
				continue
			}
			at := now.Add(delay(c.limiter, now))
			if c.paused.After(at) {
				at = c.paused
			}
			if at.After(now) {
				next = earliest(next, at)
				continue
			}
			if best == nil || c.queue[0].seq < best.queue[0].seq {
				best = c
			}
		}
		if best == nil {
			break
		}
		if wait := delay(o.global, now); wait > 0 {
			next = earliest(next, now.Add(wait))
			break
		}
		// delay said both have a token, and only the dispatcher takes
		// them: these succeed.
		best.limiter.AllowN(now, 1)
		o.global.AllowN(now, 1)
		it := best.queue[0]
		best.queue[0] = nil
		best.queue = best.queue[1:]
		if len(best.queue) == 0 {
			best.queue = nil
			delete(o.pending, best.id)
		}
		best.busy = true
		o.queued--
		o.inflight++
		it.d.sentAt[it.part] = now
		if it.first.IsZero() {
			it.first = now
		}
		o.jobs <- outJob{best, it} // never blocks: inflight < Senders
	}
	if o.OnPending != nil {
		o.OnPending(o.queued + o.inflight)
	}
	return next, o.closed && o.queued == 0 && o.inflight == 0
}

// finish records what a call came to. A 429 puts the message back at
// the head of its chat's queue and pauses the chat for the retry_after
// Telegram gave; a transient failure (5xx, network, garbage) does the
// same with a backoff, for up to MaxSendRetry from the first try and
// with at most one try more after a timeout. Other errors (400, 403)
// fail the message's Delivery and drop the parts after it, for good. A
// call cut short by the Outbox giving up leaves its message to the next
// start.
func (o *Outbox) finish(r outResult) {
	o.mu.Lock()
	c, it, d := r.chat, r.item, r.item.d
	c.busy = false
	o.inflight--
	now := o.clock.Now()
	if r.err == nil {
		if !d.ended { // else given up on meanwhile, and read by now
			d.msgs = append(d.msgs, r.msg)
			if it.part == len(d.sentAt)-1 {
				d.endLocked(nil)
			}
		}
		o.mu.Unlock()
		return
	}
	if o.aborted {
		d.endLocked(fmt.Errorf("send to chat %d: %w", c.id, errOutboxClosed))
		o.mu.Unlock()
		return
	}
	if wait, ok := tooManyRequests(r.err); ok {
		o.requeueLocked(c, it, now.Add(wait))
		o.mu.Unlock()
		o.logger.Info("telegram asks to slow down, chat paused", "chat_id", c.id, "method", it.msg.Method, "wait", wait)
		return
	}
	it.tries++
	_, transient := retryAfter(r.err)
	if transient {
		if TimedOut(r.err) {
			it.timeouts++
		}
		if it.timeouts < MaxSendTimeouts && now.Sub(it.first) < MaxSendRetry {
			wait := min(firstSendBackoff<<min(it.tries-1, 16), MaxSendBackoff)
			o.requeueLocked(c, it, now.Add(wait))
			o.mu.Unlock()
			o.logger.Info("send failed, will retry", "chat_id", c.id, "method", it.msg.Method, "tries", it.tries, "wait", wait, "failing_for", now.Sub(it.first), "err", r.err)
			return
		}
	}
	ended := d.endLocked(fmt.Errorf("send to chat %d: %w", c.id, r.err))
	dropped := o.dropLocked(c, d)
	o.mu.Unlock()
	o.settle(it.msg)
	for _, m := range dropped {
		o.settle(m)
	}
	if ended {
		o.logger.Warn("reply not sent", "chat_id", c.id, "method", it.msg.Method, "parts_dropped", len(dropped),
			"tries", it.tries, "err", r.err)
	}
}

// requeueLocked puts it back at the head of c's queue and pauses c
// until at. o.mu is held.
func (o *Outbox) requeueLocked(c *chatOut, it *outItem, at time.Time) {
	c.paused = at
	c.queue = append([]*outItem{it}, c.queue...)
	o.pending[c.id] = c
	o.queued++
}

// timedOut reports whether err is a call that ran out of time: Telegram
// may have done it.
func TimedOut(err error) bool {
	var netErr net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &netErr) && netErr.Timeout()
}

// dropLocked removes the parts of d still queued for c and returns
// them. o.mu is held.
func (o *Outbox) dropLocked(c *chatOut, d *Delivery) []Msg {
	var dropped []Msg
	kept := c.queue[:0]
	for _, it := range c.queue {
		if it.d != d {
			kept = append(kept, it)
		} else {
			dropped = append(dropped, it.msg)
		}
	}
	clear(c.queue[len(kept):])
	c.queue = kept
	o.queued -= len(dropped)
	if len(c.queue) == 0 {
		c.queue = nil
		delete(o.pending, c.id)
	}
	return dropped
}

// abandonLocked fails every queued message, once the Outbox gives up.
// o.mu is held.
func (o *Outbox) abandonLocked() {
	if o.queued == 0 {
		return
	}
	o.logger.Warn("messages not sent: the bot is stopping", "messages", o.queued, "chats", len(o.pending))
	for _, c := range o.pending {
		for _, it := range c.queue {
			it.d.endLocked(fmt.Errorf("send to chat %d: %w", c.id, errOutboxClosed))
		}
		c.queue = nil
	}
	clear(o.pending)
	o.queued = 0
}

// sweepLocked forgets the chats with nothing queued or in flight, no
// pause and a full bucket: a new bucket would be the same. o.mu is held.
func (o *Outbox) sweepLocked(now time.Time) {
	for id, c := range o.chats {
		if len(c.queue) > 0 || c.busy || c.paused.After(now) {
			continue
		}
		if c.limiter.Limit() == rate.Inf || c.limiter.TokensAt(now) >= float64(c.limiter.Burst()) {
			delete(o.chats, id)
		}
	}
	o.nextSweep = now.Add(outboxSweep)
}

// delay returns how long from now until lim has a token.
func delay(lim *rate.Limiter, now time.Time) time.Duration {
	if lim.Limit() == rate.Inf {
		return 0
	}
	missing := 1 - lim.TokensAt(now)
	if missing <= 0 {
		return 0
	}
	return time.Duration(math.Ceil(missing / float64(lim.Limit()) * float64(time.Second)))
}

// earliest returns the earlier of t and u, where a zero t means none.
func earliest(t, u time.Time) time.Time {
	if t.IsZero() || u.Before(t) {
		return u
	}
	return t
}

// tooManyRequests reports whether err is a 429 Too Many Requests, and
// for how long Telegram asks to wait.
func tooManyRequests(err error) (time.Duration, bool) {
	var apiErr *tgbotapi.Error
	if !errors.As(err, &apiErr) || apiErr.Code != http.StatusTooManyRequests {
		return 0, false
	}
	return max(time.Duration(apiErr.RetryAfter)*time.Second, time.Second), true
}
