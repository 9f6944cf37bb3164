package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"eventbot/bot"
	"eventbot/bot/store"
	"eventbot/corpus"
	"eventbot/knowledge"
)

// run is the whole program but for signals and exit codes. A value on
// hangup (SIGHUP) reloads the corpus.
func run(ctx context.Context, args []string, env lookupFunc, hangup <-chan os.Signal, stdin io.Reader, stdout, stderr io.Writer) error {
	env, err := withDotenv(env, ".env")
	if err != nil {
		return err
	}
	cfg, err := loadConfig(env)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: cfg.logLevel}))

	var cmd string
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "":
	case "ask":
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		return fmt.Errorf("unknown command %q\n%s", cmd, usage)
	}

	// The terminal chat draws a progress bar for the builds and reloads
	// that take over two seconds; elsewhere the log reports them.
	var progress func(done, total int)
	if cmd == "" && cfg.token == "" {
		progress = bot.NewProgressBar(stderr).Report
	}
	kb, err := openKnowledge(ctx, logger, cfg.corpusDir, cfg.indexDir, progress)
	if err != nil {
		return err
	}
	defer kb.Close()
	if cmd == "ask" {
		return ask(ctx, kb, args, stdin, stdout, stderr)
	}

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics := bot.NewMetrics(reg)

	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	wg.Go(func() { reloadOnHangup(ctx, logger, kb, metrics, hangup) })

	if cfg.token == "" {
		return bot.Terminal(ctx, logger, kb, stdin, stdout)
	}
	st, err := store.Open(cfg.stateDB)
	if err != nil {
		return fmt.Errorf("STATE_DB: %w", err)
	}
	defer st.Close()
	b, err := bot.New(logger, bot.Config{
		Token: cfg.token, APIEndpoint: cfg.apiEndpoint, AdminIDs: cfg.adminIDs, Library: kb, Store: st,
		WebhookURL: cfg.webhookURL, WebhookSecret: cfg.webhookSecret, Metrics: metrics,
	}, kb)
	if err != nil {
		return err
	}
	if cfg.listenAddr != "" {
		stop, err := serveHTTP(ctx, logger, cfg, b, kb, reg)
		if err != nil {
			return err
		}
		defer stop()
	}
	return b.Run(ctx)
}

// reloadOnHangup reloads kb on each value from hangup until ctx is done,
// and logs the result.
func reloadOnHangup(ctx context.Context, logger *slog.Logger, kb *knowledge.Live, metrics *bot.Metrics, hangup <-chan os.Signal) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-hangup:
		}
		ch, err := kb.Reload(ctx)
		metrics.Reloaded(err)
		if err != nil {
			for _, fe := range corpus.FileErrors(err) {
				logger.Error("reload refused: bad article file", "file", fe.File, "reason", fe.Err)
			}
			logger.Error("reload failed; still serving the current corpus", "documents", kb.Stats().Documents, "err", err)
			continue
		}
		logger.Info("corpus reloaded",
			"documents_before", ch.Before.Documents, "documents", ch.After.Documents,
			"passages_before", ch.Before.Passages, "passages", ch.After.Passages,
			"added", ch.Added, "removed", ch.Removed, "changed", ch.Changed, "took", ch.Took)
	}
}

const usage = `usage:
  eventbot                               run the Telegram bot (TELEGRAM_BOT_TOKEN set) or a terminal chat
  eventbot ask [--json] [QUESTION...]    answer each argument, or each line of standard input
`

// openKnowledge loads the corpus from dir (the bundled one when dir is
// empty) and indexes it, in indexDir if set (otherwise in memory), and
// reports the progress of that build and of every reload to progress,
// if not nil. Bad article files are logged and left out; a corpus with
// no good article is an error.
func openKnowledge(ctx context.Context, logger *slog.Logger, dir, indexDir string, progress func(done, total int)) (*knowledge.Live, error) {
	var store corpus.Store = corpus.Fixed{FS: corpus.Bundled()}
	name := "bundled corpus"
	if dir != "" {
		store, name = corpus.Dir(dir), dir
	}
	kb, err := knowledge.Open(ctx, logger.With("corpus", name), store, knowledge.LiveOptions{IndexDir: indexDir, Progress: progress})
	if err != nil {
		return nil, fmt.Errorf("open corpus %s: %w", name, err)
	}
	st := kb.Stats()
	logger.Debug("corpus loaded", "corpus", name, "documents", st.Documents, "passages", st.Passages)
	return kb, nil
}

// ask answers each question in args, or each non-empty line of stdin, in
// plain text or, with --json, as one JSON object a line (the answer
// contract of ../shared/eval/grade.py).
func ask(ctx context.Context, kb bot.Knowledge, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("ask", flag.ContinueOnError)
	fl.SetOutput(stderr)
	asJSON := fl.Bool("json", false, "print one JSON object per question")
	if err := fl.Parse(args); err != nil {
		return err
	}
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	answer := func(q string) error {
		a, err := kb.Answer(ctx, q)
		if err != nil {
			return err
		}
		if *asJSON {
			return enc.Encode(a)
		}
		_, err = fmt.Fprintf(out, "> %s\n%s\n\n", q, bot.PlainText(a))
		return err
	}
	tooLong := func(start string) error {
		msg := fmt.Sprintf("question longer than %d bytes, skipped", maxQuestionBytes)
		if *asJSON {
			return enc.Encode(struct {
				Question string `json:"question"`
				Found    bool   `json:"found"`
				Error    string `json:"error"`
			}{truncateUTF8(start, 200), false, msg})
		}
		_, err := fmt.Fprintf(out, "> %s…\n(%s)\n\n", truncateUTF8(start, 200), msg)
		return err
	}
	if fl.NArg() > 0 {
		for _, q := range fl.Args() {
			if err := answer(q); err != nil {
				return err
			}
		}
		return nil
	}
	lines := bufio.NewReader(stdin)
	for {
		line, whole, err := readLine(lines, maxQuestionBytes)
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, fs.ErrClosed) {
			return fmt.Errorf("read questions: %w", err)
		}
		q := strings.TrimSpace(line)
		switch {
		case !whole:
			if err := tooLong(q); err != nil {
				return err
			}
		case q != "":
			if err := answer(q); err != nil {
				return err
			}
		}
		if err != nil {
			return nil
		}
	}
}

// truncateUTF8 returns at most the first n bytes of s, cut at a rune.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// maxQuestionBytes bounds a question read from standard input; a longer
// line is answered with an error and skipped.
const maxQuestionBytes = 64 << 10

// readLine reads one line from r, without its line ending, keeping at
// most max bytes of it: whole is false if it was longer (the rest is
// read and dropped). err is io.EOF after the last line.
func readLine(r *bufio.Reader, max int) (line string, whole bool, err error) {
	var b []byte
	whole = true
	for {
		chunk, err := r.ReadSlice('\n')
		if whole && len(b)+len(chunk) <= max+len("\r\n") {
			b = append(b, chunk...)
		} else {
			whole = false
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		line = strings.TrimRight(string(b), "\r\n")
		if errors.Is(err, io.EOF) && (len(b) > 0 || !whole) {
			return line, whole, nil // the last line has no line ending
		}
		return line, whole, err
	}
}
