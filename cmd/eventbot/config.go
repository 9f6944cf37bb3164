package main

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/joho/godotenv"
)

// config is everything the program reads from its environment, read once.
type config struct {
	token       string
	apiEndpoint string
	adminIDs    []int64
	corpusDir   string // empty: the bundled corpus
	indexDir    string // empty: the index in memory
	stateDB     string // the bot's journal, outbox and stats
	// webhookURL and webhookSecret switch the bot to webhook mode;
	// listenAddr, if set, serves the webhook, /healthz, /readyz and
	// /metrics.
	webhookURL    string
	webhookSecret string
	listenAddr    string
	logLevel      slog.Level
}

// defaultCorpusDir is used when CORPUS_DIR is unset and it exists;
// otherwise the bundled corpus is served.
const defaultCorpusDir = "corpus"

// defaultStateDB is the state database of a Telegram bot when STATE_DB
// is unset, in the working directory.
const defaultStateDB = "eventbot.db"

// defaultListenAddr is where the webhook is served when LISTEN_ADDR is
// unset.
const defaultListenAddr = ":8080"

// lookupFunc finds an environment variable, like os.LookupEnv.
type lookupFunc func(key string) (string, bool)

// withDotenv returns a lookup that consults env first, then the variables
// of the .env file at path, if there is one. The process environment is
// never changed.
func withDotenv(env lookupFunc, path string) (lookupFunc, error) {
	vars, err := godotenv.Read(path)
	if errors.Is(err, fs.ErrNotExist) {
		return env, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return func(key string) (string, bool) {
		if v, ok := env(key); ok {
			return v, true
		}
		v, ok := vars[key]
		return v, ok
	}, nil
}

// loadConfig reads and checks the configuration. Its errors name the
// variable at fault and never include the token.
func loadConfig(env lookupFunc) (config, error) {
	get := func(key string) string {
		v, _ := env(key)
		return strings.TrimSpace(v)
	}
	c := config{
		token:       get("TELEGRAM_BOT_TOKEN"),
		apiEndpoint: get("TELEGRAM_API_ENDPOINT"),
		stateDB:     get("STATE_DB"),
	}
	if c.stateDB == "" {
		c.stateDB = defaultStateDB
	}
	c.webhookURL, c.webhookSecret, c.listenAddr = get("WEBHOOK_URL"), get("WEBHOOK_SECRET"), get("LISTEN_ADDR")
	if c.webhookURL != "" {
		u, err := url.Parse(c.webhookURL)
		if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
			return config{}, errors.New("WEBHOOK_URL: want the bot's public address, e.g. https://bot.example.org/telegram/webhook")
		}
		if c.webhookSecret == "" {
			return config{}, errors.New("WEBHOOK_SECRET: required with WEBHOOK_URL (1 to 256 of A-Z a-z 0-9 _ -)")
		}
		if c.listenAddr == "" {
			c.listenAddr = defaultListenAddr
		}
	}
	if c.apiEndpoint != "" && strings.Count(c.apiEndpoint, "%s") != 2 {
		return config{}, errors.New("TELEGRAM_API_ENDPOINT: want a template with two %s, e.g. http://127.0.0.1:8081/bot%s/%s")
	}
	for _, field := range strings.Split(get("BOT_ADMIN_IDS"), ",") {
		field = strings.TrimSpace(field)
		if field == "" {
			continue
		}
		id, err := strconv.ParseInt(field, 10, 64)
		if err != nil || id <= 0 {
			return config{}, fmt.Errorf("BOT_ADMIN_IDS: %q is not a Telegram user id (want comma-separated positive numbers)", field)
		}
		c.adminIDs = append(c.adminIDs, id)
	}
	if dir, set := env("CORPUS_DIR"); set && strings.TrimSpace(dir) != "" {
		c.corpusDir = strings.TrimSpace(dir)
		if info, err := os.Stat(c.corpusDir); err != nil || !info.IsDir() {
			return config{}, fmt.Errorf("CORPUS_DIR: %q is not a directory", c.corpusDir)
		}
	} else if info, err := os.Stat(defaultCorpusDir); err == nil && info.IsDir() {
		c.corpusDir = defaultCorpusDir
	}
	c.indexDir = get("INDEX_DIR")
	if c.token == "" {
		// The terminal chat and ask share the terminal with the
		// conversation: only what needs attention is logged.
		c.logLevel = slog.LevelWarn
	}
	if lvl := get("LOG_LEVEL"); lvl != "" {
		if err := c.logLevel.UnmarshalText([]byte(lvl)); err != nil {
			return config{}, fmt.Errorf("LOG_LEVEL: %q is not one of debug, info, warn, error", lvl)
		}
	}
	return c, nil
}
