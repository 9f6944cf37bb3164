package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"eventbot/bot/telegramtest"
)

// childEnv marks the test binary run as the bot by TestKillDuringQuestions.
const childEnv = "EVENTBOT_TEST_CHILD"

// TestChild is the bot process TestKillDuringQuestions starts and kills;
// it does nothing in a normal test run.
func TestChild(t *testing.T) {
	if os.Getenv(childEnv) != "1" {
		t.Skip("run by TestKillDuringQuestions as its bot process")
	}
	err := run(context.Background(), nil, os.LookupEnv, nil, nil, os.Stdout, os.Stderr)
	t.Fatalf("run returned %v; the bot should run until it is killed", err)
}

// TestKillDuringQuestions asks 300 questions of the whole program and
// kills it (SIGKILL, as kill -9) at random moments, three times, then
// lets a last start finish on the same STATE_DB: every question is
// answered, and a question is answered twice only for a reply that was
// in flight when the process died (at most outbox senders = 16 a kill).
func TestKillDuringQuestions(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the bot four times")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	const token = "123456:TEST-kill-token"
	srv := telegramtest.NewServer(t, token)
	state := filepath.Join(t.TempDir(), "state.db")
	corpusDir, err := filepath.Abs("../../corpus")
	if err != nil {
		t.Fatal(err)
	}
	start := func() *exec.Cmd {
		cmd := exec.Command(exe, "-test.run=^TestChild$")
		cmd.Env = append(os.Environ(), childEnv+"=1",
			"TELEGRAM_BOT_TOKEN="+token, "TELEGRAM_API_ENDPOINT="+srv.Endpoint(),
			"STATE_DB="+state, "CORPUS_DIR="+corpusDir, "LOG_LEVEL=error")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}

	questions := []string{
		"Who claimed responsibility for the attack?", "how many ppl died??", "When did the US warn Russia?",
		"bryansk arrests", "Which news agency published the ISIS claim?",
	}
	const n = 300
	ids := make([]int, n)
	for i := range ids {
		chat := int64(1000 + i)
		ids[i] = srv.PushMessage(chat, chat, "private", questions[i%len(questions)])
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 10))
	const kills = 3
	for k := range kills {
		cmd := start()
		// Kill at a random moment once it has begun: before, during or
		// after its first replies.
		srv.WaitFor(t, "getMe", k+1)
		time.Sleep(time.Duration(rng.IntN(3000)) * time.Millisecond)
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
		t.Logf("kill %d: %d replies accepted so far", k+1, accepted(srv))
	}
	last := start()
	t.Cleanup(func() {
		last.Process.Kill()
		last.Wait()
	})
	// 300 replies at Telegram's 30 messages a second take 10 s and
	// more: wait longer than telegramtest.WaitTimeout.
	for deadline := time.Now().Add(2 * time.Minute); !answeredAll(srv, ids); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("not every question answered within 2 minutes of the last start")
		}
	}

	lost, twice := 0, 0
	for _, id := range ids {
		switch c := replies(srv, id); {
		case c == 0:
			lost++
		case c > 1:
			twice += c - 1
		}
	}
	t.Logf("%d questions, %d kills: %d lost, %d answered twice", n, kills, lost, twice)
	if lost != 0 {
		t.Errorf("%d questions never answered", lost)
	}
	if twice > kills*16 {
		t.Errorf("%d replies sent twice, more than the %d that can be in flight at %d kills", twice, kills*16, kills)
	}
}

// accepted counts the sendMessage calls the server accepted.
func accepted(srv *telegramtest.Server) int {
	n := 0
	for _, c := range srv.Calls("sendMessage") {
		if c.Status == 200 {
			n++
		}
	}
	return n
}

// replies counts the accepted replies to the question of update id.
func replies(srv *telegramtest.Server, id int) int {
	want := strconv.Itoa(srv.MessageID(id))
	n := 0
	for _, c := range srv.Calls("sendMessage") {
		if c.Status == 200 && c.Get("reply_to_message_id") == want {
			n++
		}
	}
	return n
}

// answeredAll reports whether every question in ids has a reply.
func answeredAll(srv *telegramtest.Server, ids []int) bool {
	got := make(map[string]bool)
	for _, c := range srv.Calls("sendMessage") {
		if c.Status == 200 {
			got[c.Get("reply_to_message_id")] = true
		}
	}
	for _, id := range ids {
		if !got[fmt.Sprint(srv.MessageID(id))] {
			return false
		}
	}
	return true
}

// TestStopWhileTelegramHangs stops the whole program (SIGTERM: its
// context cancelled) while every call to Telegram hangs and replies are
// queued: run returns (in the 4 s of grace, logged: timing goals are
// not asserted), and a restart on the same STATE_DB, Telegram healthy
// again, answers every question once.
func TestStopWhileTelegramHangs(t *testing.T) {
	const token = "123456:TEST-hang-token"
	srv := telegramtest.NewServer(t, token)
	env := envOf(map[string]string{
		"TELEGRAM_BOT_TOKEN":    token,
		"TELEGRAM_API_ENDPOINT": srv.Endpoint(),
		"STATE_DB":              filepath.Join(t.TempDir(), "state.db"),
		"CORPUS_DIR":            "../../corpus",
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, nil, env, nil, nil, io.Discard, io.Discard) }()
	srv.WaitFor(t, "getUpdates", 1)
	for _, method := range []string{"sendMessage", "sendChatAction", "getUpdates", "setMyCommands"} {
		srv.Fail(method, telegramtest.Failure{Hang: true, Times: 1000})
	}
	var ids []int
	for i := range 20 {
		ids = append(ids, srv.PushMessage(int64(500+i), int64(500+i), "private", "Who claimed responsibility for the attack?"))
	}
	srv.WaitFor(t, "sendMessage", 1)
	stopping := time.Now()
	cancel()
	select {
	case err := <-done:
		took := time.Since(stopping)
		t.Logf("run returned %v after SIGTERM, Telegram hanging", took)
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(telegramtest.WaitTimeout):
		t.Fatal("run did not return")
	}

	srv.Heal()
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	go func() { done <- run(ctx2, nil, env, nil, nil, io.Discard, io.Discard) }()
	srv.WaitUntil(t, "every question answered", func([]telegramtest.Call) bool { return answeredAll(srv, ids) })
	cancel2()
	<-done
	for _, id := range ids {
		if n := replies(srv, id); n != 1 {
			t.Errorf("question %d answered %d times, want once", id, n)
		}
	}
}
