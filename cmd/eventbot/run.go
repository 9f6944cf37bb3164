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

	"eventbot/bot"
	"eventbot/corpus"
	"eventbot/knowledge"
)

// run is the whole program but for signals and exit codes.
func run(ctx context.Context, args []string, env lookupFunc, stdin io.Reader, stdout, stderr io.Writer) error {
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

	kb, err := openKnowledge(ctx, logger, cfg.corpusDir)
	if err != nil {
		return err
	}
	defer kb.Close()

	switch {
	case cmd == "ask":
		return ask(ctx, kb, args, stdin, stdout, stderr)
	case cfg.token == "":
		return bot.Terminal(ctx, logger, kb, stdin, stdout)
	}
	b, err := bot.New(logger, bot.Config{Token: cfg.token, APIEndpoint: cfg.apiEndpoint, AdminIDs: cfg.adminIDs}, kb)
	if err != nil {
		return err
	}
	return b.Run(ctx)
}

const usage = `usage:
  eventbot                               run the Telegram bot (TELEGRAM_BOT_TOKEN set) or a terminal chat
  eventbot ask [--json] [QUESTION...]    answer each argument, or each line of standard input
`

// openKnowledge loads the corpus from dir (the bundled one when dir is
// empty) and indexes it. Bad article files are logged and left out; a
// corpus with no good article is an error.
func openKnowledge(ctx context.Context, logger *slog.Logger, dir string) (*knowledge.Base, error) {
	fsys, name := corpus.Bundled(), "bundled corpus"
	if dir != "" {
		fsys, name = os.DirFS(dir), dir
	}
	docs, err := corpus.Load(fsys)
	if err != nil {
		var fe *corpus.FileError
		for _, e := range unwrapAll(err) {
			if errors.As(e, &fe) {
				logger.Error("article left out", "corpus", name, "file", fe.File, "reason", fe.Err)
			}
		}
		if len(docs) == 0 {
			return nil, fmt.Errorf("load corpus %s: %w", name, err)
		}
	}
	kb, err := knowledge.New(ctx, logger, docs, knowledge.Options{})
	if err != nil {
		return nil, fmt.Errorf("index corpus %s: %w", name, err)
	}
	logger.Debug("corpus loaded", "corpus", name, "documents", len(docs), "passages", kb.Passages())
	return kb, nil
}

func unwrapAll(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// ask answers each question in args, or each non-empty line of stdin, in
// plain text or, with --json, as one JSON object a line (the answer
// contract of ../shared/eval/grade.py).
func ask(ctx context.Context, kb *knowledge.Base, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
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
	if fl.NArg() > 0 {
		for _, q := range fl.Args() {
			if err := answer(q); err != nil {
				return err
			}
		}
		return nil
	}
	sc := bufio.NewScanner(stdin)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		if q := strings.TrimSpace(sc.Text()); q != "" {
			if err := answer(q); err != nil {
				return err
			}
		}
	}
	if err := sc.Err(); err != nil && !errors.Is(err, fs.ErrClosed) {
		return fmt.Errorf("read questions: %w", err)
	}
	return nil
}
