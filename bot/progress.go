package bot

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"eventbot/bot/telegram"
)

// A corpus change (a reload, an article added) that runs longer than
// progressAfter shows its progress: the admin who asked sees a reply
// "Reloading the corpus: 3,120 of 50,000 articles…" that is edited at
// most every progressAfter and at last becomes the change's summary; the
// terminal chat draws a ProgressBar. Shorter changes show nothing but
// their result.

// progressAfter is how long a corpus change runs before its progress is
// shown, and then the least time between two updates of the admin's
// progress message (Telegram allows about one message a second in a
// private chat).
const progressAfter = 2 * time.Second

// progressState is how far a corpus change is: done of total articles
// gone through (total 0: not known yet, the files are being read) after
// elapsed.
type progressState struct {
	done, total int
	elapsed     time.Duration
}

// String describes s: "3,120 of 50,000 articles (6%), 1,560 a second,
// about 30 s left".
func (s progressState) String() string {
	switch {
	case s.total == 0:
		return fmt.Sprintf("reading the articles (%s so far)", roundSeconds(s.elapsed))
	case s.done >= s.total:
		return fmt.Sprintf("%s of %s articles read; updating the index (%s so far)",
			thousands(s.done), thousands(s.total), roundSeconds(s.elapsed))
	}
	line := fmt.Sprintf("%s of %s articles (%d%%)", thousands(s.done), thousands(s.total), 100*s.done/s.total)
	if s.elapsed <= 0 || s.done == 0 {
		return line
	}
	rate := float64(s.done) / s.elapsed.Seconds()
	left := time.Duration(float64(s.total-s.done) / rate * float64(time.Second))
	return fmt.Sprintf("%s, %s a second, about %s left", line, thousands(int(rate)), roundSeconds(left))
}

// roundSeconds rounds d to whole seconds, at least one.
func roundSeconds(d time.Duration) time.Duration {
	return max(d.Round(time.Second), time.Second)
}

// thousands writes n with commas between groups of three digits.
func thousands(n int) string {
	if n < 0 {
		return "-" + thousands(-n)
	}
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// progressReply shows an admin the progress of the corpus change their
// message msg asked for, in a reply that it edits as the change goes on.
// Its goroutine runs from startProgress to stop.
type progressReply struct {
	s     *session
	msg   *tgbotapi.Message
	start time.Time

	mu          sync.Mutex
	done, total int
	sent        int // the progress message's id, 0 until it is sent

	quit    chan struct{}
	stopped chan struct{}
}

// startProgress starts showing the progress of a corpus change asked for
// by msg, once it has run for progressAfter; report the change's
// progress to report, and call stop when it ends. Without a message to
// reply to (the terminal) it shows nothing.
func (s *session) startProgress(ctx context.Context, msg *tgbotapi.Message) *progressReply {
	p := &progressReply{s: s, msg: msg, quit: make(chan struct{}), stopped: make(chan struct{})}
	if msg == nil || msg.Chat == nil || s.out == nil {
		close(p.stopped)
		return p
	}
	p.start = s.bot.clock.Now()
	go p.run(ctx)
	return p
}

// report records that done of total articles are through:
// knowledge.WithProgress's report.
func (p *progressReply) report(done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done, p.total = done, total
}

// run shows the progress every progressAfter until stop or ctx ends.
func (p *progressReply) run(ctx context.Context) {
	defer close(p.stopped)
	clock := p.s.bot.clock
	shown := ""
	for next := p.start.Add(progressAfter); ; next = next.Add(progressAfter) {
		c, stopTimer := clock.Timer(next)
		select {
		case <-p.quit:
			stopTimer()
			return
		case <-ctx.Done():
			stopTimer()
			return
		case <-c:
		}
		p.mu.Lock()
		st := progressState{done: p.done, total: p.total, elapsed: clock.Now().Sub(p.start)}
		sent := p.sent
		p.mu.Unlock()
		text := "Reloading the corpus: " + st.String() + "."
		if text == shown {
			continue
		}
		html := renderHTML(textDoc(text))
		chat := p.msg.Chat
		if sent == 0 {
			m, err := p.s.out.Send(chat.ID, chat.Type, telegram.HTMLMessage(chat.ID, html, p.msg.MessageID, nil)).Wait(ctx)
			if err != nil {
				p.s.logger.Info("progress message not sent", "chat_id", chat.ID, "err", err)
				return
			}
			p.mu.Lock()
			p.sent = m.MessageID
			p.mu.Unlock()
		} else if _, err := p.s.out.Send(chat.ID, chat.Type, telegram.HTMLEdit(chat.ID, sent, html, nil)).Wait(ctx); err != nil && !isNotModified(err) {
			p.s.logger.Info("progress message not updated", "chat_id", chat.ID, "err", err)
		}
		shown = text
	}
}

// stop ends the progress reports and returns the id of the progress
// message, to be edited into the change's result, or 0 if none was
// sent.
func (p *progressReply) stop() int {
	select {
	case <-p.stopped:
	default:
		close(p.quit)
		<-p.stopped
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.sent
}

// A ProgressBar draws the progress of corpus builds and reloads that
// take longer than two seconds on a terminal, one line redrawn in place
// ("\r") and ended when the articles are all through. Its Report is a
// knowledge.LiveOptions.Progress; a report that goes back starts another
// build's bar.
type ProgressBar struct {
	w   io.Writer
	now func() time.Time

	mu    sync.Mutex
	start time.Time // of the change in progress; zero between changes
	last  int       // done at the last report
	shown bool      // whether the bar is on the terminal
}

// NewProgressBar returns a ProgressBar that draws on w.
func NewProgressBar(w io.Writer) *ProgressBar {
	return &ProgressBar{w: w, now: time.Now}
}

// progressBarWidth is the number of cells of the bar.
const progressBarWidth = 24

// Report records that done of total articles are through, and draws the
// bar if the change has run for over two seconds.
func (b *ProgressBar) Report(done, total int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	if b.start.IsZero() || done < b.last {
		b.start, b.shown = now, false
	}
	b.last = done
	if elapsed := now.Sub(b.start); elapsed >= progressAfter && total > 0 {
		filled := min(progressBarWidth*done/total, progressBarWidth)
		st := progressState{done: done, total: total, elapsed: elapsed}
		fmt.Fprintf(b.w, "\r[%s%s] %s ", strings.Repeat("#", filled), strings.Repeat(".", progressBarWidth-filled), st)
		b.shown = true
	}
	if done >= total {
		if b.shown {
			fmt.Fprintln(b.w)
		}
		b.start, b.last, b.shown = time.Time{}, 0, false
	}
}
