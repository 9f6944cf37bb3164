package knowledge

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"eventbot/corpus"
)

// followUp is test data: an invented article holding a fact no bundled
// article has.
const followUp = `---
id: test-follow-up
title: Test follow-up briefing
publisher: Test Wire
date: 2024-03-30
language: en
---

At a briefing in Krasnogorsk on March 30, the regional governor said the Crocus City Hall site would become a memorial park designed by the architect Ivan Zelenov.
`

const followUpQuestion = "Who designed the memorial park?"

// seedDir returns a directory holding copies of the bundled articles.
func seedDir(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	err := fs.WalkDir(corpus.Bundled(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(corpus.Bundled(), path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, path), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func openLive(t testing.TB, store corpus.Store) *Live {
	t.Helper()
	l, err := OpenLive(context.Background(), slog.New(slog.DiscardHandler), store, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func ask(t *testing.T, l *Live, q string) Answer {
	t.Helper()
	a, err := l.Answer(context.Background(), q)
	if err != nil {
		t.Fatalf("Answer(%q): %v", q, err)
	}
	return a
}

func TestLiveReload(t *testing.T) {
	dir := seedDir(t)
	l := openLive(t, corpus.Dir(dir))
	if a := ask(t, l, followUpQuestion); a.Found {
		t.Fatalf("before the article is added, Answer(%q) = %q; want no answer", followUpQuestion, a.Text)
	}
	before := l.Stats()

	path := filepath.Join(dir, "test-follow-up.txt")
	if err := os.WriteFile(path, []byte(followUp), 0o644); err != nil {
		t.Fatal(err)
	}
	ch, err := l.Reload(context.Background())
	if err != nil {
		t.Fatalf("Reload: %v", err)
	}
	if !slices.Equal(ch.Added, []string{"test-follow-up"}) || len(ch.Removed)+len(ch.Changed) != 0 {
		t.Errorf("Reload change: added %v removed %v changed %v; want only test-follow-up added", ch.Added, ch.Removed, ch.Changed)
	}
	if ch.Before != before || ch.After.Documents != before.Documents+1 || ch.After.Passages <= before.Passages {
		t.Errorf("Reload stats: %+v → %+v; want %+v → one more document and more passages", ch.Before, ch.After, before)
	}
	if a := ask(t, l, followUpQuestion); !a.Found || !strings.Contains(a.Text, "Zelenov") {
		t.Errorf("after Reload, Answer(%q) = %q (found %v); want the new fact", followUpQuestion, a.Text, a.Found)
	}

	// Changed, then removed.
	if err := os.WriteFile(path, []byte(strings.Replace(followUp, "Ivan Zelenov", "Olga Petrova", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if ch, err := l.Reload(context.Background()); err != nil || !slices.Equal(ch.Changed, []string{"test-follow-up"}) {
		t.Errorf("Reload after an edit: changed %v, %v; want test-follow-up", ch.Changed, err)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if ch, err := l.Reload(context.Background()); err != nil || !slices.Equal(ch.Removed, []string{"test-follow-up"}) {
		t.Errorf("Reload after a removal: removed %v, %v; want test-follow-up", ch.Removed, err)
	}
	if a := ask(t, l, followUpQuestion); a.Found {
		t.Errorf("after the article is removed, Answer(%q) = %q; want no answer", followUpQuestion, a.Text)
	}
}

func TestLiveReloadKeepsServingOnBadFile(t *testing.T) {
	dir := seedDir(t)
	l := openLive(t, corpus.Dir(dir))
	before := l.Stats()
	if err := os.WriteFile(filepath.Join(dir, "broken.txt"), []byte("no header\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "test-follow-up.txt"), []byte(followUp), 0o644); err != nil {
		t.Fatal(err)
	}
	files := dirBytes(t, dir)
	_, err := l.Reload(context.Background())
	if err == nil {
		t.Fatal("Reload with a broken file: no error")
	}
	var bad []string
	for _, fe := range corpus.FileErrors(err) {
		bad = append(bad, fe.File)
	}
	if !slices.Equal(bad, []string{"broken.txt"}) {
		t.Errorf("Reload error names %v, want [broken.txt]: %v", bad, err)
	}
	if got := l.Stats(); got != before {
		t.Errorf("after a refused reload, Stats = %+v, want %+v", got, before)
	}
	if a := ask(t, l, "Who claimed responsibility for the attack?"); !a.Found || !strings.Contains(a.Text, "Islamic State") {
		t.Errorf("after a refused reload, old answers: %q (found %v)", a.Text, a.Found)
	}
	if a := ask(t, l, followUpQuestion); a.Found {
		t.Errorf("a refused reload served part of the new corpus: %q", a.Text)
	}
	if got := dirBytes(t, dir); !maps.Equal(got, files) {
		t.Errorf("a refused reload changed the corpus directory")
	}
}

// TestLiveAnswersDuringReload asks questions from four goroutines while
// the corpus is reloaded three times, and at least 200 in all: every one
// is answered, none fails.
func TestLiveAnswersDuringReload(t *testing.T) {
	dir := seedDir(t)
	l := openLive(t, corpus.Dir(dir))
	questions := []string{"Who claimed responsibility for the attack?", "When did the attack happen?", "Where were the suspects detained?", "How many ambulance crews were sent?"}
	ctx := context.Background()
	const reloads = 3
	reloaded := make(chan struct{})
	go func() {
		defer close(reloaded)
		for range reloads {
			if _, err := l.Reload(ctx); err != nil {
				t.Errorf("Reload: %v", err)
				return
			}
		}
	}()
	var askers sync.WaitGroup
	var mu sync.Mutex
	var failures []string
	asked := 0
	for w := range 4 {
		askers.Add(1)
		go func() {
			defer askers.Done()
			for i := 0; ; i++ {
				select {
				case <-reloaded:
					if i >= 50 {
						return
					}
				default:
				}
				q := questions[(w+i)%len(questions)]
				a, err := l.Answer(ctx, q)
				mu.Lock()
				asked++
				if err != nil || !a.Found || a.Text == "" {
					failures = append(failures, fmt.Sprintf("%q: found=%v err=%v", q, a.Found, err))
				}
				mu.Unlock()
			}
		}()
	}
	askers.Wait()
	if len(failures) > 0 {
		t.Errorf("%d of %d questions failed during %d reloads: %v", len(failures), asked, reloads, failures[:min(len(failures), 5)])
	}
	t.Logf("%d questions answered during %d reloads", asked, reloads)
}

func TestLiveClosed(t *testing.T) {
	l, err := OpenLive(context.Background(), nil, corpus.Fixed{FS: corpus.Bundled()}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Answer(context.Background(), "Who claimed responsibility?"); err == nil {
		t.Error("Answer after Close: no error")
	}
	if _, err := l.Reload(context.Background()); err == nil {
		t.Error("Reload after Close: no error")
	}
}

func TestLiveAdd(t *testing.T) {
	l := openLive(t, corpus.Fixed{FS: corpus.Bundled()})
	if _, _, err := l.Add(context.Background(), []byte(followUp), false); err == nil {
		t.Error("Add to the bundled corpus: no error")
	}
	dir := seedDir(t)
	l = openLive(t, corpus.Dir(dir))
	doc, ch, err := l.Add(context.Background(), []byte(followUp), false)
	if err != nil || doc.ID != "test-follow-up" || !slices.Equal(ch.Added, []string{"test-follow-up"}) {
		t.Fatalf("Add: %s, added %v, %v", doc.ID, ch.Added, err)
	}
	if a := ask(t, l, followUpQuestion); !strings.Contains(a.Text, "Zelenov") {
		t.Errorf("after Add, Answer(%q) = %q", followUpQuestion, a.Text)
	}
}

func dirBytes(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = string(data)
	}
	return out
}

// BenchmarkReload measures a reload of the bundled corpus and of a
// synthetic corpus of 1,000 articles made from the bundled paragraphs.
func BenchmarkReload(b *testing.B) {
	for _, bc := range []struct {
		name string
		dir  func(testing.TB) string
	}{
		{"bundled", seedDir},
		{"synthetic-1000", synthetic(1000)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			l, err := OpenLive(context.Background(), nil, corpus.Dir(bc.dir(b)), Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer l.Close()
			b.ResetTimer()
			for b.Loop() {
				if _, err := l.Reload(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(l.Stats().Passages), "passages")
		})
	}
}

// synthetic returns a generator of a directory of n articles, each made
// of paragraphs of the bundled articles in a different order.
func synthetic(n int) func(testing.TB) string {
	return func(t testing.TB) string {
		docs, err := corpus.Load(corpus.Bundled())
		if err != nil {
			t.Fatal(err)
		}
		var paras []string
		for _, d := range docs {
			paras = append(paras, strings.Split(d.Body, "\n\n")...)
		}
		dir := t.TempDir()
		for i := range n {
			var body []string
			for j := range 8 {
				body = append(body, paras[(i*7+j*13)%len(paras)])
			}
			doc := corpus.Document{
				ID: fmt.Sprintf("synthetic-%04d", i), Title: fmt.Sprintf("Synthetic article %d", i),
				Date: docs[i%len(docs)].Date, Language: "en", Body: strings.Join(body, "\n\n"),
			}
			if err := os.WriteFile(filepath.Join(dir, doc.ID+corpus.Ext), corpus.Format(doc), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
}

// TestDigestOfTheEventAlone: an article of other news with a toll in it
// is served but not indexed, and the digest (/timeline, /toll) leaves it
// out; once it names the event, a reload brings it in.
func TestDigestOfTheEventAlone(t *testing.T) {
	dir := seedDir(t)
	article := func(body string) []byte {
		return []byte("---\nid: other-news\ntitle: Floods in the valley\npublisher: Test Wire\ndate: 2024-04-03\nlanguage: en\n---\n\n" + body + "\n")
	}
	path := filepath.Join(dir, "other-news.txt")
	if err := os.WriteFile(path, article("On Wednesday the death toll of the floods rose to 57."), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := OpenLive(context.Background(), nil, corpus.Dir(dir), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	cites := func() bool {
		for _, e := range l.Digest().Timeline {
			for _, s := range e.Sources {
				if s.DocID == "other-news" {
					return true
				}
			}
		}
		return false
	}
	if cites() {
		t.Error("the digest holds the article of other news")
	}
	if err := os.WriteFile(path, article("On Wednesday the death toll of the Crocus City Hall attack rose to 145."), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !cites() {
		t.Error("after the reload, the digest lacks the article about the event")
	}
}
