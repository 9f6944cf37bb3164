package bot

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
)

// Terminal runs the bot's conversation on a terminal: it prints a
// welcome, then answers each line read from in, in plain text on out.
// "/sources" lists the articles and "/help" repeats the welcome;
// "/timeline", "/claims" and "/toll" print the views of the event at a
// glance, and "/toll" writes the chart to a file (saveChart). It
// returns nil at the end of in or when ctx is done, and an error only if
// in or out fail.
//
// Reading in happens on a goroutine that Terminal owns; if ctx ends while
// it waits for input, it exits when the pending read returns.
func Terminal(ctx context.Context, logger *slog.Logger, kb Knowledge, in io.Reader, out io.Writer) error {
	p := phrasebook[defaultLanguage]
	// The terminal's session: the router and the handlers, without
	// Telegram.
	s := &session{bot: &Bot{logger: logger, kb: kb}, logger: logger, stats: newQuestionStats(maxUnanswered)}
	w := bufio.NewWriter(out)
	say := func(r request, resp response) error {
		d := resp.doc
		switch {
		case resp.answer != nil:
			d = answerDoc(phrasesFor(resp.answer.Language), *resp.answer)
		case resp.photo != nil:
			d = append(slices.Clone(d), saveChart(logger, resp.photo))
		case r.name == "help" || r.name == "start":
			d = append(d, block{spans: []span{text(p.TerminalToken)}}, block{spans: []span{text(p.TerminalQuit)}, tight: true})
		case d == nil:
			return nil
		}
		fmt.Fprintf(w, "%s\n\n", renderPlain(d))
		return w.Flush()
	}
	welcome := request{scope: inTerminal, name: "help"}
	if err := say(welcome, s.route(ctx, welcome)); err != nil {
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
		q := strings.TrimSpace(line)
		if q == "" {
			continue
		}
		r := terminalRequest(q)
		resp := s.route(ctx, r)
		if ctx.Err() != nil {
			return nil
		}
		err := say(r, resp)
		if err != nil {
			return fmt.Errorf("write: %w", err)
		}
	}
}

// terminalRequest turns a line typed in the terminal into a request: a
// command if it starts with "/", else a question.
func terminalRequest(line string) request {
	r := request{scope: inTerminal, name: textRequest, args: line}
	if cmd, ok := strings.CutPrefix(line, "/"); ok {
		name, args, _ := strings.Cut(cmd, " ")
		name, _, _ = strings.Cut(name, "@")
		r.name, r.args = strings.ToLower(name), strings.TrimSpace(args)
	}
	return r
}
