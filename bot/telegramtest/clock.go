package telegramtest

import (
	"bytes"
	"context"
	"slices"
	"sync"
	"testing"
	"time"
)

// Clock is a fake clock for the outbox (telegram.Clock): it moves only
// when a test advances it, so that tests of waits of minutes take none.
type Clock struct {
	mu      sync.Mutex
	now     time.Time
	timers  []*fakeTimer
	changed chan struct{} // closed and replaced when a timer is added
}

type fakeTimer struct {
	at time.Time
	c  chan time.Time
}

// NewClock returns a Clock at 20:00 UTC on 22 March 2024.
func NewClock() *Clock {
	return &Clock{now: time.Date(2024, 3, 22, 20, 0, 0, 0, time.UTC), changed: make(chan struct{})}
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Timer returns a channel that receives once the clock reaches at, and
// a function that stops the timer.
func (c *Clock) Timer(at time.Time) (<-chan time.Time, func() bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{at: at, c: make(chan time.Time, 1)}
	if !at.After(c.now) {
		t.c <- c.now
		return t.c, func() bool { return false }
	}
	c.timers = append(c.timers, t)
	close(c.changed)
	c.changed = make(chan struct{})
	return t.c, func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		i := slices.Index(c.timers, t)
		if i < 0 {
			return false
		}
		c.timers = slices.Delete(c.timers, i, i+1)
		return true
	}
}

// Next waits until a timer is pending and returns the earliest deadline.
// It returns false if done is closed first, and fails the test after
// WaitTimeout.
func (c *Clock) Next(tb testing.TB, done <-chan struct{}) (time.Time, bool) {
	tb.Helper()
	timeout := time.NewTimer(WaitTimeout)
	defer timeout.Stop()
	for {
		c.mu.Lock()
		changed := c.changed
		var at time.Time
		for _, t := range c.timers {
			if at.IsZero() || t.at.Before(at) {
				at = t.at
			}
		}
		c.mu.Unlock()
		if !at.IsZero() {
			return at, true
		}
		select {
		case <-changed:
		case <-done:
			return time.Time{}, false
		case <-timeout.C:
			tb.Fatalf("no timer set within %v", WaitTimeout)
		}
	}
}

// AdvanceTo moves the clock to t and fires the timers due.
func (c *Clock) AdvanceTo(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.After(c.now) {
		c.now = t
	}
	c.timers = slices.DeleteFunc(c.timers, func(ft *fakeTimer) bool {
		if ft.at.After(c.now) {
			return false
		}
		ft.c <- c.now
		return true
	})
}

// RunUntil advances the clock from timer to timer until done is closed.
func (c *Clock) RunUntil(tb testing.TB, done <-chan struct{}) {
	tb.Helper()
	for {
		at, ok := c.Next(tb, done)
		if !ok {
			return
		}
		c.AdvanceTo(at)
	}
}

// Sleeps records the waits a client asks for, and waits at most a few
// milliseconds instead; its Sleep replaces telegram.Sleep in tests.
type Sleeps struct {
	mu sync.Mutex
	ds []time.Duration
}

// Sleep records d and waits for at most 5 ms of it, or until ctx ends.
func (s *Sleeps) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.ds = append(s.ds, d)
	s.mu.Unlock()
	t := time.NewTimer(min(d, 5*time.Millisecond))
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// All returns the waits asked for, in order.
func (s *Sleeps) All() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.ds)
}

// LogBuffer collects log output; it is safe for concurrent use.
type LogBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *LogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *LogBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
