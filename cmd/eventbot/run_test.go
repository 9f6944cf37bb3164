package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func envOf(vars map[string]string) lookupFunc {
	return func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
}

func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		env     map[string]string
		wantErr string // empty: no error
	}{
		{"empty", nil, ""},
		{"admins", map[string]string{"BOT_ADMIN_IDS": "12, 34"}, ""},
		{"bad admin", map[string]string{"BOT_ADMIN_IDS": "12,abc"}, "BOT_ADMIN_IDS"},
		{"negative admin", map[string]string{"BOT_ADMIN_IDS": "-5"}, "BOT_ADMIN_IDS"},
		{"corpus dir", map[string]string{"CORPUS_DIR": dir}, ""},
		{"missing corpus dir", map[string]string{"CORPUS_DIR": filepath.Join(dir, "nope")}, "CORPUS_DIR"},
		{"bad level", map[string]string{"LOG_LEVEL": "loud"}, "LOG_LEVEL"},
		{"bad endpoint", map[string]string{"TELEGRAM_API_ENDPOINT": "http://127.0.0.1:1/x"}, "TELEGRAM_API_ENDPOINT"},
		{"endpoint", map[string]string{"TELEGRAM_API_ENDPOINT": "http://127.0.0.1:1/bot%s/%s"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadConfig(envOf(tt.env))
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("loadConfig: %v, want no error", err)
			case tt.wantErr != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.wantErr)):
				t.Errorf("loadConfig error = %v, want one naming %s", err, tt.wantErr)
			}
		})
	}
	c, _ := loadConfig(envOf(map[string]string{"BOT_ADMIN_IDS": "12, 34"}))
	if len(c.adminIDs) != 2 || c.adminIDs[0] != 12 || c.adminIDs[1] != 34 {
		t.Errorf("adminIDs = %v, want [12 34]", c.adminIDs)
	}
}

// TestLogLevel: the terminal chat logs only warnings unless told
// otherwise; a Telegram bot logs from info.
func TestLogLevel(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want slog.Level
	}{
		{nil, slog.LevelWarn},
		{map[string]string{"LOG_LEVEL": "debug"}, slog.LevelDebug},
		{map[string]string{"TELEGRAM_BOT_TOKEN": "1:x"}, slog.LevelInfo},
		{map[string]string{"TELEGRAM_BOT_TOKEN": "1:x", "LOG_LEVEL": "error"}, slog.LevelError},
	}
	for _, tt := range tests {
		c, err := loadConfig(envOf(tt.env))
		if err != nil {
			t.Fatalf("loadConfig(%v): %v", tt.env, err)
		}
		if c.logLevel != tt.want {
			t.Errorf("loadConfig(%v): log level %v, want %v", tt.env, c.logLevel, tt.want)
		}
	}
}

func TestDotenvNeverOverridesEnvironment(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".env")
	if err := os.WriteFile(path, []byte("LOG_LEVEL=debug\nBOT_ADMIN_IDS=7\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env, err := withDotenv(envOf(map[string]string{"LOG_LEVEL": "warn"}), path)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := env("LOG_LEVEL"); got != "warn" {
		t.Errorf("LOG_LEVEL = %q, want the environment's warn", got)
	}
	if got, _ := env("BOT_ADMIN_IDS"); got != "7" {
		t.Errorf("BOT_ADMIN_IDS = %q, want .env's 7", got)
	}
	if _, err := withDotenv(envOf(nil), filepath.Join(t.TempDir(), "missing")); err != nil {
		t.Errorf("missing .env: %v, want no error", err)
	}
}

// answerJSON is the answer contract of ../shared/eval/grade.py, with
// pointers so that a missing field shows.
type answerJSON struct {
	Question  string `json:"question"`
	Found     *bool  `json:"found"`
	Answer    string `json:"answer"`
	Citations []struct {
		Doc, Title, Publisher, Date, Passage *string
	} `json:"citations"`
}

func TestAskJSON(t *testing.T) {
	var out, errs bytes.Buffer
	in := strings.NewReader("Who claimed responsibility?\n\nWhat is the capital of France?\n")
	err := run(context.Background(), []string{"ask", "--json"}, envOf(map[string]string{"CORPUS_DIR": "../../corpus"}), nil, in, &out, &errs)
	if err != nil {
		t.Fatalf("run ask: %v (stderr %s)", err, errs.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d lines, want one per question: %q", len(lines), out.String())
	}
	var got []answerJSON
	for _, l := range lines {
		var a answerJSON
		if err := json.Unmarshal([]byte(l), &a); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		got = append(got, a)
	}
	if !*got[0].Found || got[0].Answer == "" || len(got[0].Citations) == 0 {
		t.Errorf("first answer = %+v, want found with citations", got[0])
	}
	for _, c := range got[0].Citations {
		if c.Doc == nil || c.Title == nil || c.Publisher == nil || c.Date == nil || c.Passage == nil {
			t.Errorf("citation %+v lacks a field of the contract", c)
		}
	}
	if got[1].Found == nil || *got[1].Found || got[1].Citations == nil {
		t.Errorf("second answer = %+v, want found=false and an empty citations list", got[1])
	}
}

// TestAskLongLine: a question line of 1 MiB gets a JSON error line, and
// the questions after it are answered; the last line needs no line
// ending.
func TestAskLongLine(t *testing.T) {
	var out, errs bytes.Buffer
	in := strings.NewReader("Who claimed responsibility?\n" + strings.Repeat("крокус ", 1<<20/13) + "\r\nWhat is the capital of France?")
	err := run(context.Background(), []string{"ask", "--json"}, envOf(map[string]string{"CORPUS_DIR": "../../corpus"}), nil, in, &out, &errs)
	if err != nil {
		t.Fatalf("run ask: %v (stderr %s)", err, errs.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d lines, want one per question: %q", len(lines), out.String())
	}
	var long struct {
		Question string `json:"question"`
		Found    bool   `json:"found"`
		Error    string `json:"error"`
	}
	if err := json.Unmarshal([]byte(lines[1]), &long); err != nil || long.Error == "" || long.Found || !strings.HasPrefix(long.Question, "крокус") {
		t.Errorf("line for the long question = %s (%v), want a JSON error line", lines[1], err)
	}
	var last answerJSON
	if err := json.Unmarshal([]byte(lines[2]), &last); err != nil || last.Found == nil || *last.Found {
		t.Errorf("last line = %s, want the France question answered as not found", lines[2])
	}
}

func TestAskArgsPlain(t *testing.T) {
	var out, errs bytes.Buffer
	err := run(context.Background(), []string{"ask", "Which news agency published the claim?"}, envOf(nil), nil, strings.NewReader(""), &out, &errs)
	if err != nil {
		t.Fatalf("run ask: %v", err)
	}
	if !strings.Contains(out.String(), "Amaq") {
		t.Errorf("output %q does not answer with Amaq", out.String())
	}
}

func TestUnknownCommand(t *testing.T) {
	var out, errs bytes.Buffer
	err := run(context.Background(), []string{"frobnicate"}, envOf(nil), nil, strings.NewReader(""), &out, &errs)
	if err == nil || !strings.Contains(err.Error(), "unknown command") {
		t.Errorf("run frobnicate = %v, want an unknown command error", err)
	}
}

// TestAskIndexDir answers from an index in INDEX_DIR, made at the first
// start and opened at the second, as from one in memory.
func TestAskIndexDir(t *testing.T) {
	index := filepath.Join(t.TempDir(), "index")
	questions := "Who claimed responsibility?\nHow many people died?\nWhat is the capital of France?\n"
	ask := func(env map[string]string) string {
		t.Helper()
		var out, errs bytes.Buffer
		err := run(context.Background(), []string{"ask", "--json"}, envOf(env), nil, strings.NewReader(questions), &out, &errs)
		if err != nil {
			t.Fatalf("run ask: %v (stderr %s)", err, errs.String())
		}
		return out.String()
	}
	want := ask(map[string]string{"CORPUS_DIR": "../../corpus"})
	for _, start := range []string{"first", "second"} {
		if got := ask(map[string]string{"CORPUS_DIR": "../../corpus", "INDEX_DIR": index}); got != want {
			t.Errorf("%s start with INDEX_DIR answered\n%s\nwant, as in memory,\n%s", start, got, want)
		}
	}
	if _, err := os.Stat(index); err != nil {
		t.Errorf("INDEX_DIR not made: %v", err)
	}
}
