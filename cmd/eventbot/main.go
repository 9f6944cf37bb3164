// Command eventbot answers questions about the Crocus City Hall attack from a
// corpus of news articles, as a Telegram bot or in a terminal chat.
//
// Usage:
//
//	eventbot                          Telegram bot if TELEGRAM_BOT_TOKEN is set, else a terminal chat
//	eventbot ask [--json] [QUESTION...]  answer each argument, or each line of standard input
//
// SIGHUP reloads the corpus, as /reload does.
//
// Configuration comes from the environment and from a .env file in the
// working directory (the environment wins); see .env.example.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	hangup := make(chan os.Signal, 1)
	signal.Notify(hangup, syscall.SIGHUP) // reload the corpus
	err := run(ctx, os.Args[1:], os.LookupEnv, hangup, os.Stdin, os.Stdout, os.Stderr)
	signal.Stop(hangup)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "eventbot:", err)
		os.Exit(1)
	}
}
