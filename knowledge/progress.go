package knowledge

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// progressLogAfter is how long a build or reload runs before it logs its
// progress, and then how often.
const progressLogAfter = 2 * time.Second

// progressEvery is the least time between two calls of Options.Progress.
const progressEvery = 100 * time.Millisecond

// progress reports how far a build or reload over total articles is: to
// Options.Progress at most every progressEvery, and to the log every
// progressLogAfter once it has run that long. A nil *progress reports
// nothing. It is safe for concurrent use.
type progress struct {
	mu            sync.Mutex
	logger        *slog.Logger
	what          string // "build", "reload"
	total         int
	report        func(done, total int)
	start         time.Time
	logged, ended time.Time // when last logged, last reported
	reported      int       // done when last reported
}

// newProgress starts reporting the progress of a build or reload.
func newProgress(logger *slog.Logger, what string, total int, report func(done, total int)) *progress {
	now := time.Now()
	return &progress{logger: logger, what: what, total: total, report: report, start: now, logged: now}
}

// step records that done articles of total are through.
func (p *progress) step(done int) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if p.report != nil && (now.Sub(p.ended) >= progressEvery || done == p.total) && done > p.reported {
		p.reported = done
		p.ended = now
		p.report(done, p.total)
	}
	if now.Sub(p.start) >= progressLogAfter && now.Sub(p.logged) >= progressLogAfter {
		p.logged = now
		elapsed := now.Sub(p.start)
		rate := float64(done) / elapsed.Seconds()
		var left time.Duration
		if rate > 0 {
			left = time.Duration(float64(p.total-done) / rate * float64(time.Second))
		}
		p.logger.Info(p.what+" in progress", "articles", done, "total", p.total,
			"per_second", int(rate), "left", left.Round(100*time.Millisecond))
	}
}

type progressKey struct{}

// WithProgress returns a context under which a Live's Reload or Add also
// reports its progress to report, as LiveOptions.Progress does: so that
// the one who asked for a reload (an admin's /reload) can follow that
// reload alone.
func WithProgress(ctx context.Context, report func(done, total int)) context.Context {
	return context.WithValue(ctx, progressKey{}, report)
}

// progressReport returns what reports a build's or reload's progress
// under ctx: opts, the context's (WithProgress), both, or nil.
func progressReport(ctx context.Context, opts func(done, total int)) func(done, total int) {
	asked, _ := ctx.Value(progressKey{}).(func(done, total int))
	switch {
	case asked == nil:
		return opts
	case opts == nil:
		return asked
	}
	return func(done, total int) {
		opts(done, total)
		asked(done, total)
	}
}
