package bot

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"eventbot/bot/telegramtest"
	"eventbot/corpus"
	"eventbot/knowledge"
)

// The admin tests run the bot against the fake Bot API server with a
// real knowledge.Live over a corpus directory seeded with the bundled
// articles, so that reloads and additions are real.

const (
	adminID    = 501 // an admin; their private chat has the same id
	strangerID = 777 // not an admin
)

// followUpArticle is an invented article, test data only: its fact (the
// engineer Zorvan Keltrip) is in no real article, so the bot can answer
// followUpQuestion only once it serves this article.
const followUpArticle = `---
id: test-follow-up-briefing
title: Krasnogorsk officials hold a follow-up briefing
publisher: Eventbot Test Wire
date: 2024-03-28
language: en
origin: eventbot test fixture
note: invented for the tests; not a real article
---

At a follow-up briefing in Krasnogorsk on Thursday, officials said the sprinklers at Crocus City Hall had been inspected by the engineer Zorvan Keltrip two days before the attack.

The officials said the briefing would be the last one before the inquiry reports.
`

const (
	followUpID       = "test-follow-up-briefing"
	followUpFile     = followUpID + ".txt"
	followUpQuestion = "Who inspected the sprinklers at Crocus City Hall?"
	followUpFact     = "Zorvan Keltrip"
	// amaqQuestion is answered by the bundled articles.
	amaqQuestion = "Which news agency published the ISIS claim?"
)

// seedDir returns a new directory holding copies of the bundled
// articles.
func seedDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	names, err := fs.Glob(corpus.Bundled(), "*.txt")
	if err != nil || len(names) == 0 {
		t.Fatalf("bundled articles: %v, %v", names, err)
	}
	for _, name := range names {
		data, err := fs.ReadFile(corpus.Bundled(), name)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// snapshot returns every file of dir, hidden ones included, by name,
// with its content.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := make(map[string]string)
	for _, e := range entries {
		if e.IsDir() {
			files[e.Name()+"/"] = ""
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = string(data)
	}
	return files
}

// sameFiles reports how after differs from before, or "".
func sameFiles(before, after map[string]string) string {
	var diffs []string
	for name, data := range before {
		got, ok := after[name]
		switch {
		case !ok:
			diffs = append(diffs, name+" removed")
		case got != data:
			diffs = append(diffs, name+" changed")
		}
	}
	for name := range after {
		if _, ok := before[name]; !ok {
			diffs = append(diffs, name+" added")
		}
	}
	slices.Sort(diffs)
	return strings.Join(diffs, ", ")
}

// spyLibrary counts the calls to a Library.
type spyLibrary struct {
	Library
	reloads, adds atomic.Int32
}

func (s *spyLibrary) Reload(ctx context.Context) (knowledge.Change, error) {
	s.reloads.Add(1)
	return s.Library.Reload(ctx)
}

func (s *spyLibrary) Add(ctx context.Context, data []byte, replace bool) (corpus.Document, knowledge.Change, error) {
	s.adds.Add(1)
	return s.Library.Add(ctx, data, replace)
}

// adminEnv is a bot with a live corpus directory, running.
type adminEnv struct {
	srv  *telegramtest.Server
	dir  string
	live *knowledge.Live
	lib  *spyLibrary
	bot  *testBot
	run  *running
}

// newAdminEnv starts a bot whose admin is adminID, answering from a
// knowledge.Live over store (nil: the seeded directory itself), with no
// sending limits.
func newAdminEnv(t *testing.T, store func(corpus.Dir) corpus.Store, configure ...func(*Config)) *adminEnv {
	t.Helper()
	dir := seedDir(t)
	var st corpus.Store = corpus.Dir(dir)
	if store != nil {
		st = store(corpus.Dir(dir))
	}
	live, err := knowledge.OpenLive(context.Background(), nil, st, knowledge.Options{})
	if err != nil {
		t.Fatalf("OpenLive: %v", err)
	}
	t.Cleanup(func() { live.Close() })
	srv := telegramtest.NewServer(t, testToken)
	srv.AddChat(adminID, "private")
	lib := &spyLibrary{Library: live}
	b := newTestBot(t, srv, live, append([]func(*Config){func(c *Config) {
		c.AdminIDs = []int64{adminID}
		c.Library = lib
		c.Limits.Global.Every = -1
		c.Limits.Private.Every = -1
		c.Limits.Group.Every = -1
	}}, configure...)...)
	return &adminEnv{srv: srv, dir: dir, live: live, lib: lib, bot: b, run: start(t, b)}
}

// visible returns the text a sendMessage call shows.
func visible(t *testing.T, c telegramtest.Call) string {
	t.Helper()
	text, err := telegramtest.ParseHTML(c.Get("text"))
	if err != nil {
		t.Fatalf("reply %q: %v", c.Get("text"), err)
	}
	return text
}

// chatReplies returns the sendMessage calls to chat that got a reply.
func chatReplies(calls []telegramtest.Call, chat int64) []telegramtest.Call {
	var out []telegramtest.Call
	for _, c := range calls {
		if c.Method == "sendMessage" && c.Int("chat_id") == chat && c.Status != 0 {
			out = append(out, c)
		}
	}
	return out
}

// results returns what the bot's replies to chat show at last (a reply
// edited, as a corpus change's progress reply is into its summary, by its
// last edit), leaving out those that still show progress: on a loaded
// machine a change held up for the test may run over progressAfter.
func results(t *testing.T, calls []telegramtest.Call, chat int64) []string {
	t.Helper()
	var out []string
	for _, c := range chatReplies(calls, chat) {
		text := visible(t, c)
		for _, e := range calls {
			if e.Method == "editMessageText" && e.Status == 200 && e.Int("chat_id") == chat && e.Int("message_id") == int64(c.MessageID()) {
				text = visible(t, e)
			}
		}
		if !strings.HasPrefix(text, "Reloading the corpus: ") {
			out = append(out, text)
		}
	}
	return out
}

// say sends text from user in their private chat, waits for the bot's
// next message there and returns what it shows. Each user's messages
// must be sent one at a time.
func (e *adminEnv) say(t *testing.T, user int64, text string, opts ...telegramtest.MessageOption) string {
	t.Helper()
	before := len(chatReplies(e.srv.Calls("sendMessage"), user))
	e.srv.PushMessage(user, user, "private", text, opts...)
	calls := e.srv.WaitUntil(t, fmt.Sprintf("a reply to %q in chat %d", truncate(text, 40), user), func(calls []telegramtest.Call) bool {
		return len(chatReplies(calls, user)) > before
	})
	reply := chatReplies(calls, user)[before]
	if reply.Status != 200 {
		t.Fatalf("reply to %q: status %d", text, reply.Status)
	}
	return visible(t, reply)
}

// upload sends the file data, named name, of type mimeType, as a
// document from user with caption, and returns the bot's reply.
func (e *adminEnv) upload(t *testing.T, user int64, fileID, name, mimeType, caption string, data []byte, opts ...telegramtest.FileOption) string {
	t.Helper()
	e.srv.AddFile(fileID, "documents/"+fileID+filepath.Ext(name), data, opts...)
	return e.say(t, user, caption, telegramtest.WithDocument(fileID, name, mimeType))
}

func mustContain(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(got, want) {
			t.Errorf("%s lacks %q:\n%s", what, want, got)
		}
	}
}

func mustNotContain(t *testing.T, what, got string, unwanted ...string) {
	t.Helper()
	for _, u := range unwanted {
		if strings.Contains(got, u) {
			t.Errorf("%s holds %q:\n%s", what, u, got)
		}
	}
}

func TestAdminActionsRefusedToOthers(t *testing.T) {
	e := newAdminEnv(t, nil)
	before, stats := snapshot(t, e.dir), e.live.Stats()
	en, ru := phrasesFor("en").AdminOnly, phrasesFor("ru").AdminOnly

	for _, text := range []string{"/reload", "/add\n" + followUpArticle, "/add --replace\n" + followUpArticle, "/stats", "/STATS@eventbot_test_bot"} {
		if got := e.say(t, strangerID, text); got != en {
			t.Errorf("%.20q from a stranger: reply %q, want %q", text, got, en)
		}
	}
	if got := e.upload(t, strangerID, "F1", "follow-up.txt", "text/plain", "--replace", []byte(followUpArticle)); got != en {
		t.Errorf("upload from a stranger: reply %q, want %q", got, en)
	}
	if got := e.say(t, strangerID+1, "/reload", telegramtest.WithLanguage("ru")); got != ru {
		t.Errorf("/reload from a Russian stranger: reply %q, want %q", got, ru)
	}
	// Still the old corpus.
	mustNotContain(t, "the answer", e.say(t, strangerID, followUpQuestion), followUpFact)
	e.run.stop(t)

	if diff := sameFiles(before, snapshot(t, e.dir)); diff != "" {
		t.Errorf("the corpus directory changed: %s", diff)
	}
	if got := e.live.Stats(); got != stats {
		t.Errorf("corpus stats %+v, want %+v", got, stats)
	}
	if r, a := e.lib.reloads.Load(), e.lib.adds.Load(); r != 0 || a != 0 {
		t.Errorf("library called: %d reloads, %d adds; want none", r, a)
	}
	if n := len(e.srv.Calls("getFile")); n != 0 || len(e.srv.Downloads()) != 0 {
		t.Errorf("the stranger's file was fetched: %d getFile calls, downloads %q", n, e.srv.Downloads())
	}
	logs := e.bot.logs.String()
	if n := strings.Count(logs, "admin action refused"); n != 7 {
		t.Errorf("%d refusals logged, want 7:\n%s", n, logs)
	}
	mustContain(t, "the logs", logs, "user_id=777", "user_id=778", "action=/reload", "action=/add", "action=/stats", "action=document")
	mustNotContain(t, "the logs", logs, "user777", "user778", "Keltrip")
}

func TestAdminCommandsInGroups(t *testing.T) {
	e := newAdminEnv(t, nil)
	const group = -100
	before := snapshot(t, e.dir)
	e.srv.PushMessage(group, adminID, "group", "/reload")                     // may be another bot's: ignored
	e.srv.PushMessage(group, strangerID, "group", "/stats")                   // ignored too
	e.srv.PushMessage(group, adminID, "group", "/reload@eventbot_test_bot")   // an admin: use a private chat
	e.srv.PushMessage(group, strangerID, "group", "/stats@eventbot_test_bot") // refused
	e.srv.PushMessage(group, strangerID, "group", "/reload@other_bot")        // another bot's
	e.srv.WaitForDone(t, "sendMessage", 2)
	e.run.stop(t) // every update polled is handled once Run returns

	var texts []string
	for _, c := range chatReplies(e.srv.Calls("sendMessage"), group) {
		texts = append(texts, visible(t, c))
	}
	slices.Sort(texts)
	want := []string{phrasesFor("en").AdminPrivateOnly, phrasesFor("en").AdminOnly}
	slices.Sort(want)
	if !slices.Equal(texts, want) {
		t.Errorf("group replies %q, want %q", texts, want)
	}
	if r := e.lib.reloads.Load(); r != 0 {
		t.Errorf("%d reloads from a group, want none", r)
	}
	if diff := sameFiles(before, snapshot(t, e.dir)); diff != "" {
		t.Errorf("the corpus directory changed: %s", diff)
	}
	mustContain(t, "the logs", e.bot.logs.String(), "admin action refused", "user_id=777")
}

func TestAdminReloadServesNewArticle(t *testing.T) {
	e := newAdminEnv(t, nil)
	mustContain(t, "the answer before the reload", e.say(t, adminID, followUpQuestion), phrasesFor("en").NotFound)

	if err := os.WriteFile(filepath.Join(e.dir, followUpFile), []byte(followUpArticle), 0o644); err != nil {
		t.Fatal(err)
	}
	files, old := snapshot(t, e.dir), e.live.Stats()
	reply := e.say(t, adminID, "/reload")
	now := e.live.Stats()
	if now.Documents != old.Documents+1 || now.Passages <= old.Passages {
		t.Errorf("stats after the reload %+v, before %+v: want one more document", now, old)
	}
	mustContain(t, "the reload reply", reply,
		"Corpus reloaded in ",
		fmt.Sprintf("Documents: %d → %d; passages: %d → %d.", old.Documents, now.Documents, old.Passages, now.Passages),
		"Added: "+followUpID)
	mustNotContain(t, "the reload reply", reply, "Changed:", "Removed:")
	if diff := sameFiles(files, snapshot(t, e.dir)); diff != "" {
		t.Errorf("the reload changed the corpus directory: %s", diff)
	}

	// Another user now gets the new fact, sourced.
	mustContain(t, "the answer after the reload", e.say(t, strangerID, followUpQuestion),
		followUpFact, "Krasnogorsk officials hold a follow-up briefing — Eventbot Test Wire, 28 March 2024")

	// A second reload changes nothing.
	mustContain(t, "the second reload reply", e.say(t, adminID, "/reload"),
		fmt.Sprintf("Documents: %d → %d", now.Documents, now.Documents), "No article changed.")
}

func TestAdminReloadRefusesBadFiles(t *testing.T) {
	e := newAdminEnv(t, nil)
	broken := strings.Replace(followUpArticle, "title: Krasnogorsk officials hold a follow-up briefing\n", "", 1)
	broken = strings.Replace(broken, "id: "+followUpID, "id: broken", 1)
	badDate := strings.Replace(followUpArticle, "date: 2024-03-28", "date: 28/03/2024", 1)
	badDate = strings.Replace(badDate, "id: "+followUpID, "id: bad-date", 1)
	for name, data := range map[string]string{"broken.txt": broken, "bad-date.txt": badDate, followUpFile: followUpArticle} {
		if err := os.WriteFile(filepath.Join(e.dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, brokenErr := corpus.Parse([]byte(broken))
	_, dateErr := corpus.Parse([]byte(badDate))
	if brokenErr == nil || dateErr == nil {
		t.Fatalf("fixtures parse: %v, %v", brokenErr, dateErr)
	}
	files, stats := snapshot(t, e.dir), e.live.Stats()

	reply := e.say(t, adminID, "/reload")
	mustContain(t, "the reload reply", reply,
		"The reload was refused: 2 bad files",
		"broken.txt: "+brokenErr.Error(),
		"bad-date.txt: "+dateErr.Error(),
		fmt.Sprintf("keeps serving the current corpus (%d articles)", stats.Documents))
	mustNotContain(t, "the reload reply", reply, "Corpus reloaded", followUpFile)
	if diff := sameFiles(files, snapshot(t, e.dir)); diff != "" {
		t.Errorf("the failed reload changed the corpus directory: %s", diff)
	}
	if got := e.live.Stats(); got != stats {
		t.Errorf("stats after a refused reload %+v, want %+v", got, stats)
	}

	// The old answers keep coming; the good new file is not served either.
	mustContain(t, "an old answer", e.say(t, strangerID, amaqQuestion), "Amaq")
	mustNotContain(t, "the new question", e.say(t, strangerID, followUpQuestion), followUpFact)
	mustContain(t, "the logs", e.bot.logs.String(), "reload refused: bad article file", "file=broken.txt", "file=bad-date.txt")
}

// gatedStore holds up the first listing of the store (Files: a reload
// lists the directory before it reads any file) or Load after arm until
// release is closed.
type gatedStore struct {
	corpus.Dir
	armed   atomic.Bool
	entered chan struct{} // closed when the held Load starts
	release chan struct{}
}

// newGate returns a gatedStore and the func that releases it, which also
// runs when the test ends.
func newGate(t *testing.T) (*gatedStore, func()) {
	gate := &gatedStore{entered: make(chan struct{}), release: make(chan struct{})}
	var once sync.Once
	release := func() { once.Do(func() { close(gate.release) }) }
	t.Cleanup(release)
	return gate, release
}

// holdReload sends /reload as the admin and waits until its Load is held
// by gate.
func (e *adminEnv) holdReload(t *testing.T, gate *gatedStore) {
	t.Helper()
	gate.armed.Store(true)
	e.srv.PushMessage(adminID, adminID, "private", "/reload")
	select {
	case <-gate.entered:
	case <-time.After(telegramtest.WaitTimeout):
		t.Fatal("the reload did not start")
	}
}

func (g *gatedStore) hold() {
	if g.armed.CompareAndSwap(true, false) {
		close(g.entered)
		<-g.release
	}
}

func (g *gatedStore) Load() ([]corpus.Document, error) {
	g.hold()
	return g.Dir.Load()
}

func (g *gatedStore) Files() ([]corpus.File, error) {
	g.hold()
	return g.Dir.Files()
}

func TestQuestionsDuringReload(t *testing.T) {
	gate, release := newGate(t)
	e := newAdminEnv(t, func(d corpus.Dir) corpus.Store {
		gate.Dir = d
		return gate
	})
	if err := os.WriteFile(filepath.Join(e.dir, followUpFile), []byte(followUpArticle), 0o644); err != nil {
		t.Fatal(err)
	}
	e.holdReload(t, gate)

	questions := phrasesFor("en").Examples
	questions = append(questions, amaqQuestion)
	const n = 200
	ids := make(map[int64]int) // chat → update
	push := func(from, to int) {
		for i := from; i < to; i++ {
			user := int64(10_000 + i)
			ids[user] = e.srv.PushMessage(user, user, "private", questions[i%len(questions)])
		}
	}
	answered := func(k int) func([]telegramtest.Call) bool {
		return func(calls []telegramtest.Call) bool {
			done := 0
			for _, c := range calls {
				if c.Method == "sendMessage" && c.Int("chat_id") >= 10_000 && c.Status != 0 {
					done++
				}
			}
			return done >= k
		}
	}
	// Half the questions are answered while the reload is held up.
	push(0, n/2)
	e.srv.WaitUntil(t, "the answers during the reload", answered(n/2))
	if got := results(t, e.srv.Calls(""), adminID); len(got) != 0 {
		t.Fatalf("the reload replied before it was released: %q", got[0])
	}
	// The other half race the new index's swap.
	release()
	push(n/2, n)
	calls := e.srv.WaitUntil(t, "all the answers and the reload's reply", func(calls []telegramtest.Call) bool {
		return answered(n)(calls) && len(results(t, calls, adminID)) > 0
	})

	mustContain(t, "the reload reply", results(t, calls, adminID)[0], "Corpus reloaded", "Added: "+followUpID)
	failed := phrasesFor("en").Failed
	for user, id := range ids {
		replies := chatReplies(calls, user)
		if len(replies) != 1 {
			t.Errorf("question %d (chat %d): %d replies, want 1", id, user, len(replies))
			continue
		}
		r := replies[0]
		text := visible(t, r)
		if r.Status != 200 || strings.TrimSpace(text) == "" || text == failed || !strings.Contains(text, "Source: ") ||
			r.Get("reply_to_message_id") != strconv.Itoa(e.srv.MessageID(id)) {
			t.Errorf("question %d (chat %d): status %d, reply %q", id, user, r.Status, text)
		}
	}
	mustContain(t, "the answer after the reload", e.say(t, strangerID, followUpQuestion), followUpFact)
	mustNotContain(t, "the logs", e.bot.logs.String(), "level=ERROR")
}

func TestAdminUploadsArticle(t *testing.T) {
	e := newAdminEnv(t, nil)
	before, old := snapshot(t, e.dir), e.live.Stats()

	reply := e.upload(t, adminID, "doc-1", "follow-up.md", "text/markdown", "", []byte(followUpArticle))
	mustContain(t, "the upload reply", reply,
		"Added: Krasnogorsk officials hold a follow-up briefing — Eventbot Test Wire, 28 March 2024 (id "+followUpID+")",
		fmt.Sprintf("Documents: %d → %d", old.Documents, old.Documents+1),
		"Added: "+followUpID)

	after := snapshot(t, e.dir)
	if got := after[followUpFile]; got != followUpArticle {
		t.Errorf("%s holds %q, want the exact bytes uploaded", followUpFile, got)
	}
	delete(after, followUpFile)
	if diff := sameFiles(before, after); diff != "" {
		t.Errorf("the upload changed more than its file: %s", diff)
	}
	if got := e.srv.Calls("getFile"); len(got) != 1 || got[0].Get("file_id") != "doc-1" {
		t.Errorf("getFile calls %v, want one for doc-1", got)
	}
	if got, want := e.srv.Downloads(), []string{"documents/doc-1.md"}; !slices.Equal(got, want) {
		t.Errorf("downloads %q, want %q", got, want)
	}
	mustContain(t, "the answer after the upload", e.say(t, strangerID, followUpQuestion), followUpFact)
}

func TestAdminUploadDownloadFailure(t *testing.T) {
	for name, endpoint := range map[string]func(api string) string{
		"not found":   func(api string) string { return strings.TrimSuffix(api, "/bot%s/%s") + "/nofiles/bot%s/%s" },
		"unreachable": func(string) string { return "http://127.0.0.1:1/file/bot%s/%s" },
	} {
		t.Run(name, func(t *testing.T) {
			e := newAdminEnv(t, nil, func(c *Config) { c.FileEndpoint = endpoint(c.APIEndpoint) })
			before := snapshot(t, e.dir)
			reply := e.upload(t, adminID, "doc-1", "follow-up.txt", "text/plain", "", []byte(followUpArticle))
			if want := downloadError; reply != want {
				t.Errorf("reply %q, want %q", reply, want)
			}
			if diff := sameFiles(before, snapshot(t, e.dir)); diff != "" {
				t.Errorf("the corpus directory changed: %s", diff)
			}
			logs := e.bot.logs.String()
			mustContain(t, "the logs", logs, "download file")
			mustNotContain(t, "the logs", logs, testToken, "secretVALUE")
		})
	}
}

func TestAdminDuplicateAndReplace(t *testing.T) {
	e := newAdminEnv(t, nil)
	const id = "isis-claim-us-confirms"
	original, err := os.ReadFile(filepath.Join(e.dir, id+".txt"))
	if err != nil {
		t.Fatal(err)
	}
	header, _, _ := strings.Cut(strings.TrimPrefix(string(original), "---\n"), "\n---\n")
	replacement := "---\n" + header + "\n---\n\nAt Crocus City Hall, the ticket office was run by Mirela Quandt, officials said.\n"
	before := snapshot(t, e.dir)

	for _, reply := range []string{
		e.say(t, adminID, "/add\n"+replacement),
		e.upload(t, adminID, "dup-1", "dup.txt", "text/plain", "", []byte(replacement)),
	} {
		mustContain(t, "the duplicate reply", reply, "An article with the id "+id+" already exists", "--replace")
	}
	if diff := sameFiles(before, snapshot(t, e.dir)); diff != "" {
		t.Errorf("a refused duplicate changed the corpus directory: %s", diff)
	}
	if r := e.lib.reloads.Load(); r != 0 {
		t.Errorf("%d reloads after refused duplicates", r)
	}

	reply := e.say(t, adminID, "/add --replace\n"+replacement)
	mustContain(t, "the replace reply", reply, "Replaced: ", "(id "+id+")", "Changed: "+id)
	mustNotContain(t, "the replace reply", reply, "Added: ")
	if got, _ := os.ReadFile(filepath.Join(e.dir, id+".txt")); string(got) != strings.TrimSpace(replacement)+"\n" {
		t.Errorf("after /add --replace the file holds %q, want %q", got, replacement)
	}
	mustContain(t, "the answer after the replace", e.say(t, strangerID, "Who ran the ticket office at Crocus City Hall?"), "Mirela Quandt")

	// An upload with the caption /add --replace replaces too, with the
	// file's exact bytes.
	again := strings.Replace(replacement, "Mirela Quandt", "Ilsa Vantorp", 1) + "\n\n"
	reply = e.upload(t, adminID, "dup-2", "dup.txt", "text/plain", "/add --replace", []byte(again))
	mustContain(t, "the upload replace reply", reply, "Replaced: ", "Changed: "+id)
	if got, _ := os.ReadFile(filepath.Join(e.dir, id+".txt")); string(got) != again {
		t.Errorf("after the upload the file holds %q, want %q", got, again)
	}
	if n := len(snapshot(t, e.dir)); n != len(before) {
		t.Errorf("%d files after replacing, want %d", n, len(before))
	}
}

func TestAdminUploadRefusals(t *testing.T) {
	e := newAdminEnv(t, nil)
	before, stats := snapshot(t, e.dir), e.live.Stats()
	big := followUpArticle + strings.Repeat("More words about the briefing in Krasnogorsk.\n", corpus.MaxFileSize/40)
	if len(big) <= corpus.MaxFileSize {
		t.Fatalf("the big fixture has %d bytes", len(big))
	}
	noHeader := "Just some notes about Crocus City Hall, without a header.\n"
	_, headerErr := corpus.Check([]byte(noHeader))
	if headerErr == nil {
		t.Fatal("the headerless fixture is valid")
	}
	for _, tt := range []struct {
		name, fileName, mimeType string
		data                     []byte
		opts                     []telegramtest.FileOption
		want                     string
		fetched                  bool // getFile called
	}{
		// Refused from the document's file_size, before fetching.
		{"large", "big.txt", "text/plain", []byte(big), nil, "The file is too large", false},
		// No size given, and a download that would never end: refused
		// once more than the limit has been read.
		{"endless", "big.txt", "text/plain", []byte(big), []telegramtest.FileOption{telegramtest.ReportedSize(0), telegramtest.HoldOpen()}, "The file is too large", true},
		{"binary", "photo.txt", "text/plain", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), nil, notTextFile, true},
		{"latin-1", "notes.txt", "text/plain", []byte("---\nid: caf\xe9\n---\n"), nil, notTextFile, true},
		{"image type", "photo.txt", "image/png", []byte(followUpArticle), nil, notTextFile, false},
		{"pdf name", "article.pdf", "text/plain", []byte(followUpArticle), nil, notTextFile, false},
		{"no header", "notes.txt", "text/plain", []byte(noHeader), nil, headerErr.Error(), true},
	} {
		gets := len(e.srv.Calls("getFile"))
		reply := e.upload(t, adminID, "f-"+strings.ReplaceAll(tt.name, " ", "-"), tt.fileName, tt.mimeType, "", tt.data, tt.opts...)
		mustContain(t, tt.name+" reply", reply, tt.want, "Nothing was changed.")
		if fetched := len(e.srv.Calls("getFile")) > gets; fetched != tt.fetched {
			t.Errorf("%s: fetched %v, want %v", tt.name, fetched, tt.fetched)
		}
	}
	if diff := sameFiles(before, snapshot(t, e.dir)); diff != "" {
		t.Errorf("refused uploads changed the corpus directory: %s", diff)
	}
	if got := e.live.Stats(); got != stats || e.lib.adds.Load() != 0 {
		t.Errorf("stats %+v (want %+v), %d adds (want 0)", got, stats, e.lib.adds.Load())
	}
	mustContain(t, "the bad /add reply", e.say(t, adminID, "/add "+noHeader), headerErr.Error())
	if got := e.say(t, adminID, "/add"); got != addUsage {
		t.Errorf("/add alone: %q, want the usage", got)
	}
}

func TestAdminWithoutWritableCorpus(t *testing.T) {
	t.Run("read-only", func(t *testing.T) {
		e := newAdminEnv(t, func(corpus.Dir) corpus.Store { return corpus.Fixed{FS: corpus.Bundled()} })
		before := snapshot(t, e.dir)
		mustContain(t, "the reply", e.say(t, adminID, "/add\n"+followUpArticle), "The corpus is read-only", "Nothing was changed.")
		mustContain(t, "the reload reply", e.say(t, adminID, "/reload"), "Corpus reloaded", "No article changed.")
		if diff := sameFiles(before, snapshot(t, e.dir)); diff != "" {
			t.Errorf("the directory changed: %s", diff)
		}
	})
	t.Run("no library", func(t *testing.T) {
		e := newAdminEnv(t, nil, func(c *Config) { c.Library = nil })
		for _, text := range []string{"/reload", "/add\n" + followUpArticle} {
			if got := e.say(t, adminID, text); got != adminUnavailable {
				t.Errorf("%.10q: %q, want %q", text, got, adminUnavailable)
			}
		}
		if got := e.upload(t, adminID, "F", "a.txt", "text/plain", "", []byte(followUpArticle)); got != adminUnavailable {
			t.Errorf("upload: %q, want %q", got, adminUnavailable)
		}
		mustContain(t, "/stats", e.say(t, adminID, "/stats"), "Corpus: 5 articles.")
		if got := phrasesFor("en").AdminOnly; e.say(t, strangerID, "/reload") != got {
			t.Errorf("a stranger is not refused without a library")
		}
	})
}

func TestAdminStats(t *testing.T) {
	e := newAdminEnv(t, nil)
	mustContain(t, "/stats before any question", e.say(t, adminID, "/stats"),
		"Questions answered: 0", "No unanswered questions yet.")

	private := map[int64]string{
		1001: "Who claimed responsibility for the attack?",
		1002: "What is the boiling point of water?",
		1003: "what is the boiling point of water",
		1004: "  WHAT is the boiling point   of water?? ",
		1005: "Who won the 2018 World Cup?",
	}
	for user, q := range private {
		e.say(t, user, q)
	}
	e.srv.PushMessage(-100, 1006, "group", "/ask who won the 2018 world cup")
	e.srv.PushInlineQuery(1007, "What is the boiling point of water?")
	e.srv.WaitUntil(t, "the group and inline answers", func(calls []telegramtest.Call) bool {
		inline := 0
		for _, c := range calls {
			if c.Method == "answerInlineQuery" && c.Status != 0 {
				inline++
			}
		}
		return len(chatReplies(calls, -100)) == 1 && inline == 1
	})
	// The questions are counted before they are answered.

	st := e.live.Stats()
	reply := e.say(t, adminID, "/stats")
	mustContain(t, "/stats", reply,
		fmt.Sprintf("Corpus: %d articles, %d passages, %s of indexed text.", st.Documents, st.Passages, humanBytes(st.TextBytes)),
		"Questions answered: 7 (5 in private chats, 1 in groups, 1 inline",
		"Not found in the articles: 6 (86%).",
		"Most frequent unanswered questions (of the last 6):\n"+
			"1. what is the boiling point of water — 4×\n"+
			"2. who won the 2018 world cup — 2×")
	mustNotContain(t, "/stats", reply, "user100", "who claimed")
	logs := e.bot.logs.String()
	mustNotContain(t, "the logs", logs, "capital", "World Cup", "world cup", "user1002")
}

func TestAdminCommandMenu(t *testing.T) {
	const absent = 502 // an admin who never started the bot
	e := newAdminEnv(t, nil, func(c *Config) { c.AdminIDs = []int64{adminID, absent, adminID} })
	calls := e.srv.WaitForDone(t, "setMyCommands", 7)

	byScope := make(map[string][]telegramtest.Call)
	for _, c := range calls {
		byScope[c.Get("scope")] = append(byScope[c.Get("scope")], c)
	}
	mine := fmt.Sprintf(`{"type":"chat","chat_id":%d}`, adminID)
	var langs []string
	for _, c := range byScope[mine] {
		lang := c.Get("language_code")
		langs = append(langs, lang)
		var cmds []tgbotapi.BotCommand
		if err := c.JSON("commands", &cmds); err != nil {
			t.Fatal(err)
		}
		if want := adminMenu(phrasesFor(lang)); !slices.Equal(cmds, want) || c.Status != 200 {
			t.Errorf("admin menu %q: %v (status %d), want %v", lang, cmds, c.Status, want)
		}
	}
	if want := []string{"", "ru", "uk"}; !slices.Equal(langs, want) {
		t.Errorf("admin menu languages %q, want %q", langs, want)
	}
	failed := byScope[fmt.Sprintf(`{"type":"chat","chat_id":%d}`, absent)]
	if len(failed) != 1 || failed[0].Status != 400 {
		t.Errorf("menu calls for the absent admin: %+v, want one refused", failed)
	}
	if n := len(byScope[""]); n != 3 {
		t.Errorf("%d default-scope menu calls, want 3", n)
	}
	for _, c := range byScope[""] {
		if strings.Contains(c.Get("commands"), "reload") {
			t.Errorf("the default menu shows admin commands: %s", c.Get("commands"))
		}
	}

	// The bot serves on, and the absent admin is an admin all the same.
	mustContain(t, "an answer", e.say(t, strangerID, amaqQuestion), "Amaq")
	mustContain(t, "/stats of the absent admin", e.say(t, absent, "/stats"), "Questions answered: 1")
	// The menus are set beside the pipeline: the failure is logged once
	// the refusal is back, which may be a moment after the server sent it.
	deadline := time.Now().Add(telegramtest.WaitTimeout)
	for !strings.Contains(e.bot.logs.String(), "admin commands not registered") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	mustContain(t, "the logs", e.bot.logs.String(), "admin commands not registered", "admin_id=502", "chat not found")
	if n := len(e.srv.Calls("setMyCommands")); n != 7 {
		t.Errorf("%d setMyCommands calls, want 7", n)
	}
}

func TestFileEndpoint(t *testing.T) {
	for _, tt := range []struct{ api, file, want string }{
		{"", "", tgbotapi.FileEndpoint},
		{"http://127.0.0.1:8081/bot%s/%s", "", "http://127.0.0.1:8081/file/bot%s/%s"},
		{"https://proxy.example/tg/bot%s/%s", "", "https://proxy.example/tg/file/bot%s/%s"},
		{"https://proxy.example/api?token=%s&method=%s", "", tgbotapi.FileEndpoint},
		{"http://127.0.0.1:8081/bot%s/%s", "http://files.example/%s/%s", "http://files.example/%s/%s"},
	} {
		b, err := New(nil, Config{Token: testToken, APIEndpoint: tt.api, FileEndpoint: tt.file}, newFakeKB())
		if err != nil {
			t.Errorf("New(%q, %q): %v", tt.api, tt.file, err)
			continue
		}
		if b.cfg.FileEndpoint != tt.want {
			t.Errorf("API endpoint %q, file endpoint %q: got %q, want %q", tt.api, tt.file, b.cfg.FileEndpoint, tt.want)
		}
	}
	if _, err := New(nil, Config{Token: testToken, FileEndpoint: "http://files.example/%s"}, newFakeKB()); err == nil {
		t.Errorf("New accepted a file endpoint with one %%s")
	}
}

func TestQuestionStats(t *testing.T) {
	q := newQuestionStats(4)
	notFound := knowledge.Answer{}
	for _, s := range []string{"A?", "b", "a", "c", "  A!! ", "d", "b"} {
		q.record(askedPrivate, s, notFound)
	}
	q.record(askedInline, "found", knowledge.Answer{Found: true})
	snap := q.snapshot(2)
	// Kept: the last four unanswered, "c", "a", "d", "b": all once, so
	// the most recent first.
	if snap.total() != 8 || snap.notFound != 7 || snap.kept != 4 || snap.answered[askedInline] != 1 {
		t.Errorf("snapshot %+v", snap)
	}
	if want := []questionCount{{"b", 1}, {"d", 1}}; !slices.Equal(snap.top, want) {
		t.Errorf("top %v, want %v", snap.top, want)
	}
	q.record(askedGroup, "D.", notFound)
	if got := q.snapshot(1).top; !slices.Equal(got, []questionCount{{"d", 2}}) {
		t.Errorf("top %v, want d twice", got)
	}
	if got := normalizeQuestion(strings.Repeat("long ", 100)); textLen(got) > maxKeptQuestion {
		t.Errorf("normalised question of %d characters", textLen(got))
	}
}

func TestCutReplace(t *testing.T) {
	for _, tt := range []struct {
		in, rest string
		replace  bool
	}{
		{"--replace\n---\nid: x", "---\nid: x", true},
		{"—replace ---", "---", true},
		{"--replace", "", true},
		{"--replacement", "--replacement", false},
		{"---\nid: x", "---\nid: x", false},
	} {
		rest, replace := cutReplace(tt.in)
		if rest != tt.rest || replace != tt.replace {
			t.Errorf("cutReplace(%q) = %q, %v; want %q, %v", tt.in, rest, replace, tt.rest, tt.replace)
		}
	}
	s := &session{me: tgbotapi.User{UserName: "eventbot_test_bot"}}
	for caption, want := range map[string]bool{
		"--replace": true, "/add --replace": true, "/add@eventbot_test_bot --replace": true,
		"": false, "/add": false, "replace": false, "/add@other_bot --replace": false, "--replace please": false,
	} {
		if got := s.captionReplace(caption); got != want {
			t.Errorf("captionReplace(%q) = %v, want %v", caption, got, want)
		}
	}
}

func TestAdminWorkLeavesWorkersForQuestions(t *testing.T) {
	const otherAdmin = 502
	gate, release := newGate(t)
	// Two workers: the corpus work may hold one of them.
	e := newAdminEnv(t, func(d corpus.Dir) corpus.Store {
		gate.Dir = d
		return gate
	}, func(c *Config) { c.Workers = 2; c.AdminIDs = []int64{adminID, otherAdmin} })
	e.srv.AddChat(otherAdmin, "private")
	e.holdReload(t, gate)

	// While the reload is held up, another admin's corpus work is asked
	// to wait, and questions and /stats are answered on the other worker.
	if got := e.say(t, otherAdmin, "/add\n"+followUpArticle); got != adminBusy {
		t.Errorf("/add during a reload: %q, want %q", got, adminBusy)
	}
	mustContain(t, "an answer during the reload", e.say(t, strangerID, amaqQuestion), "Amaq")
	mustContain(t, "/stats during the reload", e.say(t, otherAdmin, "/stats"), "Questions answered: 1")
	if _, err := os.Stat(filepath.Join(e.dir, followUpFile)); err == nil {
		t.Errorf("the refused /add wrote %s", followUpFile)
	}
	// The reloading admin's own next command waits its turn behind the
	// reload: one chat's updates are handled in order.
	e.srv.PushMessage(adminID, adminID, "private", "/add\n"+followUpArticle)

	// Released, the reload replies, then the /add queued behind it.
	release()
	calls := e.srv.WaitUntil(t, "the reload's and the /add's replies", func(calls []telegramtest.Call) bool {
		return len(results(t, calls, adminID)) == 2
	})
	mustContain(t, "the held reload's reply", results(t, calls, adminID)[0], "Corpus reloaded", "No article changed.")
	mustContain(t, "the /add reply", results(t, calls, adminID)[1], "Added: "+followUpID)
}

// TestAdminBurstNotFloodLimited: 14 /add from an admin in a burst each
// add their article: admin commands are not counted against the
// question flood limit, and one chat's updates are handled in turn.
func TestAdminBurstNotFloodLimited(t *testing.T) {
	e := newAdminEnv(t, nil, func(c *Config) { c.Flood = FloodLimit{Burst: 3, Every: time.Hour} })
	const n = 14
	for i := range n {
		article := strings.Replace(followUpArticle, "id: "+followUpID, fmt.Sprintf("id: burst-%d", i), 1)
		e.srv.PushMessage(adminID, adminID, "private", "/add\n"+article)
	}
	// One chat's updates are handled in order, one at a time: 14 reloads
	// may take longer than telegramtest.WaitTimeout under -race.
	start := time.Now()
	for len(chatReplies(e.srv.Calls("sendMessage"), adminID)) < n {
		if time.Since(start) > time.Minute {
			t.Fatalf("%d replies to %d /add within a minute", len(chatReplies(e.srv.Calls("sendMessage"), adminID)), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Logf("%d /add answered in %v", n, time.Since(start))
	calls := e.srv.Calls("sendMessage")
	added := 0
	for _, c := range chatReplies(calls, adminID) {
		text := visible(t, c)
		switch {
		case strings.HasPrefix(text, "Added: "):
			added++
		case text == adminBusy:
		default:
			t.Errorf("reply to an /add in a burst: %q", text)
		}
	}
	if added != n {
		t.Errorf("%d articles of the burst added, want all %d: one chat's updates are handled in turn", added, n)
	}
}

// TestConcurrentReplaceTellsEachAdminTheTruth: two admins replace the
// same article at once, eight times over; each is told that their own
// article replaced the one before, and the file ends as the last one.
func TestConcurrentReplaceTellsEachAdminTheTruth(t *testing.T) {
	const otherAdmin = 502
	e := newAdminEnv(t, nil, func(c *Config) { c.AdminIDs = []int64{adminID, otherAdmin} })
	e.srv.AddChat(otherAdmin, "private")
	const id = "isis-claim-us-confirms"
	original, err := os.ReadFile(filepath.Join(e.dir, id+".txt"))
	if err != nil {
		t.Fatal(err)
	}
	header, _, _ := strings.Cut(strings.TrimPrefix(string(original), "---\n"), "\n---\n")
	for round := range 8 {
		texts := map[int64]string{}
		for _, admin := range []int64{adminID, otherAdmin} {
			texts[admin] = fmt.Sprintf("---\n%s\n---\n\nRound %d: the ticket office was run by admin %d.\n", header, round, admin)
		}
		before := len(chatReplies(e.srv.Calls("sendMessage"), adminID))
		for _, admin := range []int64{adminID, otherAdmin} {
			e.srv.PushMessage(admin, admin, "private", "/add --replace\n"+texts[admin])
		}
		calls := e.srv.WaitUntil(t, "both replies", func(calls []telegramtest.Call) bool {
			return len(chatReplies(calls, adminID)) > before && len(chatReplies(calls, otherAdmin)) > round
		})
		for _, admin := range []int64{adminID, otherAdmin} {
			replies := chatReplies(calls, admin)
			reply := visible(t, replies[len(replies)-1])
			if reply == adminBusy {
				continue
			}
			mustContain(t, fmt.Sprintf("round %d, admin %d", round, admin), reply, "Replaced: ", "Changed: "+id)
		}
		got, _ := os.ReadFile(filepath.Join(e.dir, id+".txt"))
		if string(got) != strings.TrimSpace(texts[adminID])+"\n" && string(got) != strings.TrimSpace(texts[otherAdmin])+"\n" {
			t.Errorf("round %d: the file holds %q, neither admin's article", round, got)
		}
	}
}
