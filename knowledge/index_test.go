package knowledge

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"

	"eventbot/corpus"
)

// logRecorder is a slog handler that keeps the records' messages and
// attributes.
type logRecorder struct {
	mu      sync.Mutex
	records []map[string]string
}

func (r *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (r *logRecorder) WithAttrs([]slog.Attr) slog.Handler       { return r }
func (r *logRecorder) WithGroup(string) slog.Handler            { return r }
func (r *logRecorder) Handle(_ context.Context, rec slog.Record) error {
	m := map[string]string{"msg": rec.Message}
	rec.Attrs(func(a slog.Attr) bool {
		m[a.Key] = a.Value.String()
		return true
	})
	r.mu.Lock()
	defer r.mu.Unlock()
	r.records = append(r.records, m)
	return nil
}

// last returns the attributes of the last record with message msg.
func (r *logRecorder) last(msg string) map[string]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.records) - 1; i >= 0; i-- {
		if r.records[i]["msg"] == msg {
			return r.records[i]
		}
	}
	return nil
}

// openIndexed opens a Live over dir with its index in indexDir and
// returns it with the number of articles it indexed.
func openIndexed(t *testing.T, dir, indexDir string, opts LiveOptions) (*Live, string) {
	t.Helper()
	rec := &logRecorder{}
	opts.IndexDir = indexDir
	l, err := Open(context.Background(), slog.New(rec), corpus.Dir(dir), opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return l, rec.last("knowledge base ready")["indexed"]
}

// answersOf answers the dev set's questions and returns the answers as
// JSON, to compare two bases.
func answersOf(t *testing.T, l *Live) []string {
	t.Helper()
	var out []string
	for _, q := range readEval(t, "testdata/dev.jsonl") {
		a := ask(t, l, q.Question)
		data, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(data))
	}
	return out
}

// sameAnswers reports the first dev question two Lives answer
// differently.
func sameAnswers(t *testing.T, got, want *Live) {
	t.Helper()
	g, w := answersOf(t, got), answersOf(t, want)
	for i := range w {
		if g[i] != w[i] {
			t.Errorf("answers differ:\n got %s\nwant %s", g[i], w[i])
			return
		}
	}
}

// smallCorpus is the bundled articles and 100 synthetic ones.
func smallCorpus(t *testing.T) string {
	dir, _ := synthDir(t, 100)
	return dir
}

func TestIndexDirReused(t *testing.T) {
	dir, indexDir := smallCorpus(t), filepath.Join(t.TempDir(), "index")
	l, indexed := openIndexed(t, dir, indexDir, LiveOptions{})
	if indexed != "105" {
		t.Errorf("first start indexed %s articles, want 105", indexed)
	}
	l.Close()
	l, indexed = openIndexed(t, dir, indexDir, LiveOptions{})
	defer l.Close()
	if indexed != "0" {
		t.Errorf("a start over an unchanged corpus indexed %s articles, want 0", indexed)
	}
	mem := openLive(t, corpus.Dir(dir))
	sameAnswers(t, l, mem)
}

// TestIndexDirChanges changes the corpus between starts and between
// reloads: only the articles added or changed are indexed, a removed one
// is gone, and the answers are those of a base built from scratch.
func TestIndexDirChanges(t *testing.T) {
	dir, indexDir := smallCorpus(t), filepath.Join(t.TempDir(), "index")
	l, _ := openIndexed(t, dir, indexDir, LiveOptions{})
	l.Close()

	if err := os.WriteFile(filepath.Join(dir, "test-follow-up.txt"), []byte(followUp), 0o644); err != nil {
		t.Fatal(err)
	}
	l, indexed := openIndexed(t, dir, indexDir, LiveOptions{})
	if indexed != "1" {
		t.Errorf("a start with one article added indexed %s, want 1", indexed)
	}
	if a := ask(t, l, followUpQuestion); !a.Found || !strings.Contains(a.Text, "Zelenov") {
		t.Errorf("the added article is not served: %q", a.Text)
	}
	l.Close()

	changed := strings.Replace(followUp, "Ivan Zelenov", "Olga Marchenko", 1)
	if err := os.WriteFile(filepath.Join(dir, "test-follow-up.txt"), []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	l, indexed = openIndexed(t, dir, indexDir, LiveOptions{})
	defer l.Close()
	if indexed != "1" {
		t.Errorf("a start with one article changed indexed %s, want 1", indexed)
	}
	if a := ask(t, l, followUpQuestion); !strings.Contains(a.Text, "Marchenko") || strings.Contains(a.Text, "Zelenov") {
		t.Errorf("the changed article is not served as changed: %q", a.Text)
	}
	sameAnswers(t, l, openLive(t, corpus.Dir(dir)))

	if err := os.Remove(filepath.Join(dir, "test-follow-up.txt")); err != nil {
		t.Fatal(err)
	}
	ch, err := l.Reload(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(ch.Removed) != 1 || len(ch.Added)+len(ch.Changed) != 0 {
		t.Errorf("reload after a removal: %+v", ch)
	}
	if a := ask(t, l, followUpQuestion); strings.Contains(a.Text, "Marchenko") {
		t.Errorf("the removed article is still served: %q", a.Text)
	}
	sameAnswers(t, l, openLive(t, corpus.Dir(dir)))
}

// TestIndexDirRebuilt starts over an index that cannot be read, one whose
// manifest lists other documents than it holds, one whose article texts
// are gone, and one made by another engine: each is rebuilt, with a log
// line.
func TestIndexDirRebuilt(t *testing.T) {
	dir := seedDir(t)
	for _, tt := range []struct {
		name   string
		spoil  func(t *testing.T, indexDir string)
		reason string
	}{
		{"corrupt", func(t *testing.T, indexDir string) {
			if err := os.WriteFile(filepath.Join(indexDir, bleveDir, "index_meta.json"), []byte("{not json"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, "unreadable"},
		{"manifest of other documents", func(t *testing.T, indexDir string) {
			idx, err := bleve.Open(filepath.Join(indexDir, bleveDir))
			if err != nil {
				t.Fatal(err)
			}
			defer idx.Close()
			data, err := idx.GetInternal(manifestKey)
			if err != nil {
				t.Fatal(err)
			}
			var m manifest
			if err := decode(data, &m); err != nil {
				t.Fatal(err)
			}
			m.Articles["lost-article"] = manifestEntry{Hash: "00", Passages: 3}
			if data, err = encode(m); err != nil {
				t.Fatal(err)
			}
			if err := idx.SetInternal(manifestKey, data); err != nil {
				t.Fatal(err)
			}
		}, "corrupt"},
		{"texts lost", func(t *testing.T, indexDir string) {
			if err := os.Remove(filepath.Join(indexDir, textsFile)); err != nil {
				t.Fatal(err)
			}
		}, "corrupt: no text of"},
		{"foreign", func(t *testing.T, indexDir string) {
			// An index made with other techniques is another engine's.
			l, err := Open(context.Background(), nil, corpus.Dir(dir), LiveOptions{IndexDir: indexDir, Options: Options{Disable: Synonyms}})
			if err != nil {
				t.Fatal(err)
			}
			l.Close()
		}, "made by another engine"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			indexDir := filepath.Join(t.TempDir(), "index")
			l, _ := openIndexed(t, dir, indexDir, LiveOptions{})
			l.Close()
			tt.spoil(t, indexDir)
			rec := &logRecorder{}
			l, err := Open(context.Background(), slog.New(rec), corpus.Dir(dir), LiveOptions{IndexDir: indexDir})
			if err != nil {
				t.Fatalf("Open over a spoilt index: %v", err)
			}
			defer l.Close()
			if got := rec.last("index rebuilt"); got == nil || !strings.HasPrefix(got["reason"], tt.reason) {
				t.Errorf("log of the rebuild: %v, want reason %q", got, tt.reason)
			}
			if got := rec.last("knowledge base ready")["indexed"]; got != "5" {
				t.Errorf("rebuild indexed %s articles, want 5", got)
			}
			sameAnswers(t, l, openLive(t, corpus.Dir(dir)))
		})
	}
}

// TestIndexDirInUse opens an index that another Live holds: a clear
// error, at once.
func TestIndexDirInUse(t *testing.T) {
	dir, indexDir := seedDir(t), filepath.Join(t.TempDir(), "index")
	l, _ := openIndexed(t, dir, indexDir, LiveOptions{})
	defer l.Close()
	start := time.Now()
	second, err := Open(context.Background(), nil, corpus.Dir(dir), LiveOptions{IndexDir: indexDir})
	if err == nil {
		second.Close()
		t.Fatal("a second Open of a held index: no error")
	}
	if !errors.Is(err, ErrIndexInUse) {
		t.Errorf("second Open: %v, want ErrIndexInUse", err)
	}
	if took := time.Since(start); took > 30*time.Second {
		t.Errorf("second Open took %v to fail", took)
	}
	// The first still serves.
	if a := ask(t, l, "Who claimed responsibility for the attack?"); !a.Found {
		t.Errorf("the first Live stopped answering")
	}
}

// TestProgress reports a build's and a reload's progress through the
// corpus's articles, ending with all of them.
func TestProgress(t *testing.T) {
	dir := smallCorpus(t)
	var mu sync.Mutex
	var calls [][2]int
	report := func(done, total int) {
		mu.Lock()
		defer mu.Unlock()
		calls = append(calls, [2]int{done, total})
	}
	l, err := Open(context.Background(), nil, corpus.Dir(dir), LiveOptions{Progress: report})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	check := func(what string) {
		t.Helper()
		mu.Lock()
		defer mu.Unlock()
		if len(calls) == 0 || calls[len(calls)-1] != [2]int{105, 105} {
			t.Fatalf("%s progress %v, want it to end at 105 of 105", what, calls)
		}
		for i := 1; i < len(calls); i++ {
			if calls[i][0] < calls[i-1][0] {
				t.Errorf("%s progress went back: %v", what, calls)
			}
		}
		calls = nil
	}
	check("build")
	if _, err := l.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	check("reload")

	// A reload's own report, beside the Live's.
	var own [][2]int
	ctx := WithProgress(context.Background(), func(done, total int) { own = append(own, [2]int{done, total}) })
	if _, err := l.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	if len(own) == 0 || own[len(own)-1] != [2]int{105, 105} {
		t.Errorf("WithProgress report %v, want it to end at 105 of 105", own)
	}
	check("reload with its own report")
}

// TestProgressLogged logs the progress of a build that has run longer
// than progressLogAfter: articles done, rate, time left.
func TestProgressLogged(t *testing.T) {
	rec := &logRecorder{}
	p := newProgress(slog.New(rec), "build", 100, nil)
	p.step(10)
	if rec.last("build in progress") != nil {
		t.Fatal("progress logged before progressLogAfter")
	}
	p.start = p.start.Add(-4 * time.Second)
	p.logged = p.start
	p.step(50)
	got := rec.last("build in progress")
	if got == nil || got["articles"] != "50" || got["total"] != "100" || got["per_second"] == "" || got["left"] == "" {
		t.Errorf("progress log %v, want articles 50 of 100 with rate and time left", got)
	}
}

// TestReloadUnderLoad reloads a corpus of the bundled articles and 10,000
// synthetic ones (1,000 with -short or -race, as CI runs it), once with
// one article changed and once with nothing changed, while 200 askers
// each ask a question every half second: none fails, and each answer
// found cites its passages.
func TestReloadUnderLoad(t *testing.T) {
	n := 10000
	if testing.Short() || raceDetector {
		n = 1000
	}
	dir, event := synthDir(t, n)
	l := openLive(t, corpus.Dir(dir))
	questions := readEval(t, "testdata/dev.jsonl")
	reloaded := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	var asked int
	var failures []error
	for g := range 200 {
		wg.Go(func() {
			for i := g; ; i++ {
				a, err := l.Answer(context.Background(), questions[i%len(questions)].Question)
				if err == nil && a.Found && len(a.Citations) == 0 {
					err = errors.New("an answer without a citation: " + a.Text)
				}
				mu.Lock()
				asked++
				if err != nil {
					failures = append(failures, err)
				}
				mu.Unlock()
				select {
				case <-reloaded:
					return
				case <-time.After(500 * time.Millisecond):
				}
			}
		})
	}
	path := filepath.Join(dir, event[0]+corpus.Ext)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append(data, "\n\nA later paragraph on the Crocus City Hall attack.\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, want := range []int{1, 0} {
		ch, err := l.Reload(context.Background())
		if err != nil {
			t.Errorf("Reload: %v", err)
		} else if len(ch.Changed) != want {
			t.Errorf("Reload changed %v, want %d article(s)", ch.Changed, want)
		}
	}
	close(reloaded)
	wg.Wait()
	if len(failures) > 0 {
		t.Errorf("%d of %d questions failed during reloads, the first: %v", len(failures), asked, failures[0])
	}
	t.Logf("%d questions asked during the reloads", asked)
}

// stampedDir is a corpus.Dir whose files' stamps are their size and
// modification time, however recent (corpus.Dir gives a file changed in
// the last seconds no stamp, see corpus.Stamp), and which records the
// files it reads.
type stampedDir struct {
	corpus.Dir
	mu   sync.Mutex
	read []string
}

func (d *stampedDir) Files() ([]corpus.File, error) {
	files, err := d.Dir.Files()
	for i := range files {
		info, err := os.Stat(filepath.Join(string(d.Dir), files[i].Name))
		if err != nil {
			return nil, err
		}
		files[i].Stamp = corpus.Stamp{Size: info.Size(), ModTime: info.ModTime().UnixNano()}
	}
	return files, err
}

func (d *stampedDir) Read(name string) (corpus.Document, error) {
	d.mu.Lock()
	d.read = append(d.read, name)
	d.mu.Unlock()
	return d.Dir.Read(name)
}

// reads returns how many files were read since the last call, and the
// first of them.
func (d *stampedDir) reads() (int, string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	n, first := len(d.read), ""
	if n > 0 {
		first = d.read[0]
	}
	d.read = nil
	return n, first
}

// TestReloadReadsChangedFiles: a reload or a start over an INDEX_DIR
// reads only the files whose stamp is not the one the manifest holds,
// and a file whose stamp changed but whose content did not changes
// nothing.
func TestReloadReadsChangedFiles(t *testing.T) {
	dir, indexDir := smallCorpus(t), filepath.Join(t.TempDir(), "index")
	store := &stampedDir{Dir: corpus.Dir(dir)}
	ctx := context.Background()
	l, err := Open(ctx, nil, store, LiveOptions{IndexDir: indexDir})
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := store.reads(); n != 105 {
		t.Errorf("the first build read %d files, want 105", n)
	}
	reload := func(what string, wantRead string, wantChanged []string) {
		t.Helper()
		ch, err := l.Reload(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n, first := store.reads()
		if want := 0; wantRead != "" {
			want = 1
			if n != want || first != wantRead {
				t.Errorf("%s: reload read %d files (%s), want %s alone", what, n, first, wantRead)
			}
		} else if n != want {
			t.Errorf("%s: reload read %d files, want none", what, n)
		}
		if len(ch.Added)+len(ch.Removed) != 0 || !slices.Equal(ch.Changed, wantChanged) {
			t.Errorf("%s: reload changed %+v, want %v", what, ch, wantChanged)
		}
	}
	reload("nothing changed", "", nil)

	path := func(id string) string { return filepath.Join(dir, id+corpus.Ext) }
	later := time.Now().Add(time.Minute)
	data, err := os.ReadFile(path("synth-000007"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path("synth-000007"), append(data, "\n\nA later paragraph.\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path("synth-000007"), later, later); err != nil {
		t.Fatal(err)
	}
	reload("one file changed", "synth-000007.txt", []string{"synth-000007"})
	reload("after it", "", nil)

	// Touched: read, found the same, and not read again.
	if err := os.Chtimes(path("synth-000009"), later, later); err != nil {
		t.Fatal(err)
	}
	reload("one file touched", "synth-000009.txt", nil)
	reload("after it", "", nil)
	l.Close()

	l, err = Open(ctx, nil, store, LiveOptions{IndexDir: indexDir})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if n, _ := store.reads(); n != 0 {
		t.Errorf("a start over an unchanged corpus read %d files, want none", n)
	}
	sameAnswers(t, l, openLive(t, corpus.Dir(dir)))
	want := openLive(t, corpus.Dir(dir)).Digest()
	if want == nil || len(want.Timeline) == 0 {
		t.Fatal("no digest to compare")
	}
	if got := l.Digest(); !reflect.DeepEqual(got, want) {
		t.Errorf("the digest of a start that read no file differs from one built from the files")
	}
}
