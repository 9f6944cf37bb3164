package bot

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// Terminal runs the bot's conversation on a terminal: it prints a
// welcome, then answers each line read from in, in plain text on out.
// "/sources" lists the articles and "/help" repeats the welcome. It
// returns nil at the end of in or when ctx is done, and an error only if
// in or out fail.
//
// Reading in happens on a goroutine that Terminal owns; if ctx ends while
// it waits for input, it exits when the pending read returns.
func Terminal(ctx context.Context, logger *slog.Logger, kb Knowledge, in io.Reader, out io.Writer) error {
	p := phrasebook[defaultLanguage]
	w := bufio.NewWriter(out)
	say := func(d doc) error {
		fmt.Fprintf(w, "%s\n\n", renderPlain(d))
		return w.Flush()
	}
	welcome := func() error {
		d := helpDoc(p, len(kb.Sources()), "")
		d = append(d, block{spans: []span{text(p.TerminalToken)}}, block{spans: []span{text(p.TerminalQuit)}, tight: true})
		return say(d)
	}
	if err := welcome(); err != nil {
		return fmt.Errorf("write: %w", err)
	}

	lines := make(chan string)
	readErr := make(chan error, 1)
	done := make(chan struct{})
	defer close(done)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(in)
		sc.Buffer(make([]byte, 64*1024), 1<<20)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-done:
				return
			}
		}
		readErr <- sc.Err()
	}()

	for {
		if _, err := io.WriteString(w, "> "); err != nil {
			return fmt.Errorf("write: %w", err)
		}
		if err := w.Flush(); err != nil {
			return fmt.Errorf("write: %w", err)
		}
		var line string
		var ok bool
		select {
		case <-ctx.Done():
			return nil
		case line, ok = <-lines:
		}
		if !ok {
			fmt.Fprintln(w)
			if err := w.Flush(); err != nil {
				return fmt.Errorf("write: %w", err)
			}
			if err := <-readErr; err != nil {
				return fmt.Errorf("read: %w", err)
			}
			return nil
		}
		var err error
		switch q := strings.TrimSpace(line); strings.ToLower(q) {
		case "":
			continue
		case "/help", "/start":
			err = welcome()
		case "/sources":
			err = say(sourcesDoc(p, kb.Sources()))
		default:
			a, aerr := kb.Answer(ctx, q)
			switch {
			case ctx.Err() != nil:
				return nil
			case aerr != nil:
				logger.Error("answer question", "err", aerr)
				err = say(textDoc(p.Failed))
			default:
				err = say(answerDoc(phrasesFor(a.Language), a))
			}
		}
		if err != nil {
			return fmt.Errorf("write: %w", err)
		}
	}
}
