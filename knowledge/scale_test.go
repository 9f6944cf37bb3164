package knowledge

import (
	"bufio"
	"context"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"eventbot/corpus"
)

// eventShare is the share of synthetic articles that mention the event
// (and so are indexed and analysed): 7.5%, the middle of the 5–10% of a
// news stream about an event the world follows, where most of a large
// corpus is other news that shares a few of its words.
const eventShare = 0.075

// synthWords is the vocabulary of the synthetic articles: common news
// words, so that the index holds realistic term statistics.
var synthWords = strings.Fields(`government minister official officials police report reports
company market shares price prices oil economy growth bank rates inflation election vote
voters party leader president prime parliament council city region country state states
team season game match player players coach win won lost league cup final record injury
storm rain weather flood fire road bridge train airport flight passengers crew ship port
school students university research study scientists data software network internet phone
users service security agency court judge trial lawyer case charges law rules plan plans
budget tax taxes spending deal talks meeting summit border trade exports imports factory
workers union strike jobs hospital doctors health patients virus vaccine drug water power
energy gas coal solar wind farm farmers crop food museum festival concert film music band
artist book author award prize night week month year morning evening weekend capital
village town district province north south east west central coast river mountain valley
announced said told reported confirmed denied warned expected agreed rejected opened closed
raised cut launched signed visited arrived left started ended moved planned built sold bought
new old big small local national international global public private early late major
record first second third last next several many few dozens hundreds thousands million`)

var synthNames = strings.Fields(`Smith Johnson Garcia Müller Rossi Tanaka Kowalski Novak Silva
Dubois Jensen Costa Ivanova Petrov Larsen Moreau Schmidt Nguyen Kim Chen Haddad Okafor`)

var synthPlaces = strings.Fields(`Lisbon Oslo Lyon Krakow Porto Gdansk Turin Seville Leeds Bremen
Graz Brno Tampere Aarhus Split Varna Cluj Riga Tartu Vilnius Bergen Malmo Ghent Utrecht`)

// eventPhrases are what an article about the event says of it.
var eventPhrases = []string{
	"the attack on Crocus City Hall", "the concert hall in Krasnogorsk",
	"the Crocus City Hall shooting", "the gunmen at Crocus City Hall",
	"the investigation in Krasnogorsk",
}

// synthArticle returns the i-th synthetic article of a corpus made with
// seed: 1.5–4.4 KB of sentences in paragraphs; about the event when
// event is true.
func synthArticle(r *rand.Rand, i int, event bool) corpus.Document {
	size := 1500 + r.IntN(2900)
	var body strings.Builder
	para := 0
	for body.Len() < size {
		var s []string
		n := 8 + r.IntN(18)
		for j := range n {
			switch {
			case j == 0:
				s = append(s, synthNames[r.IntN(len(synthNames))])
			case r.IntN(12) == 0:
				s = append(s, "in", synthPlaces[r.IntN(len(synthPlaces))])
			case r.IntN(15) == 0:
				s = append(s, strconv.Itoa(2+r.IntN(500)))
			case event && r.IntN(40) == 0:
				s = append(s, "after", eventPhrases[r.IntN(len(eventPhrases))])
			default:
				s = append(s, synthWords[r.IntN(len(synthWords))])
			}
		}
		body.WriteString(strings.Join(s, " ") + ". ")
		if para++; para%(3+r.IntN(3)) == 0 {
			body.WriteString("\n\n")
		}
	}
	text := strings.TrimSpace(body.String())
	if event && !strings.Contains(text, "Crocus") && !strings.Contains(text, "Krasnogorsk") {
		text = "Officials spoke of " + eventPhrases[r.IntN(len(eventPhrases))] + ". " + text
	}
	date, _ := corpus.ParseDate(fmt.Sprintf("2024-%02d-%02d", 1+r.IntN(12), 1+r.IntN(28)))
	return corpus.Document{
		ID: fmt.Sprintf("synth-%06d", i), Title: fmt.Sprintf("%s %s %s", synthPlaces[r.IntN(len(synthPlaces))],
			synthWords[r.IntN(len(synthWords))], synthWords[r.IntN(len(synthWords))]),
		Publisher: "Synthetic Wire", Date: date, Language: "en", Body: text,
	}
}

// synthDir writes the bundled articles and n synthetic ones (seed 1) into
// a new directory and returns it with the ids of the synthetic articles
// about the event.
func synthDir(t testing.TB, n int) (string, []string) {
	t.Helper()
	dir := seedDir(t)
	r := rand.New(rand.NewPCG(1, uint64(n)))
	var event []string
	for i := range n {
		about := r.Float64() < eventShare
		d := synthArticle(r, i, about)
		if about {
			event = append(event, d.ID)
		}
		if err := os.WriteFile(filepath.Join(dir, d.ID+corpus.Ext), corpus.Format(d), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir, event
}

// peakRSS returns the process's peak resident set (VmHWM) in bytes, or 0
// where /proc is missing.
func peakRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// resetPeakRSS returns the heap's free memory to the system and resets
// VmHWM to the current RSS (Linux: "5" to /proc/self/clear_refs), so that
// peakRSS then measures one stage.
func resetPeakRSS() {
	debug.FreeOSMemory()
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

func dirSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

// BenchmarkScale measures a corpus of the bundled articles and N
// synthetic ones: with the index in memory, the cold build, the first
// round of questions and the Answer latencies after it, a full and a
// one-article reload, and the peak RSS of all that (peakRSS-MB); then
// with an INDEX_DIR, the cold build, the index's size, the warm start to
// the first answer, a one-article reload, and the peak RSS of those
// (peakRSS-disk-MB). Peak RSS is the kernel's VmHWM, reset before each
// stage (see resetPeakRSS): it includes the test binary and the word
// vectors. Run it once per size, one size per process:
//
//	go test -run '^$' -bench 'Scale/(1k|10k)$' -benchtime 1x ./knowledge
//	go test -run '^$' -bench 'Scale/50k$' -benchtime 1x -timeout 30m ./knowledge
func BenchmarkScale(b *testing.B) {
	for _, n := range []struct {
		name string
		n    int
	}{{"1k", 1000}, {"10k", 10000}, {"50k", 50000}} {
		b.Run(n.name, func(b *testing.B) {
			for b.Loop() {
				measureScale(b, n.n)
			}
		})
	}
}

func measureScale(b *testing.B, n int) {
	dir, event := synthDir(b, n)
	store := corpus.Dir(dir)
	ctx := context.Background()
	qs := readEval(b, "testdata/dev.jsonl")
	resetPeakRSS()

	start := time.Now()
	l, err := OpenLive(ctx, nil, store, Options{})
	if err != nil {
		b.Fatal(err)
	}
	cold := time.Since(start)
	b.ReportMetric(cold.Seconds(), "cold-s")
	b.ReportMetric(float64(n+5)/cold.Seconds(), "articles/s")
	b.ReportMetric(float64(l.Stats().Passages), "passages")

	// The first round of questions analyses the passages they retrieve
	// (once per generation): its mean is reported apart.
	start = time.Now()
	for _, q := range qs {
		if _, err := l.Answer(ctx, q.Question); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(len(qs)), "first-round-ms")
	var took []time.Duration
	for i := range 400 {
		start := time.Now()
		if _, err := l.Answer(ctx, qs[i%len(qs)].Question); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")

	start = time.Now()
	if _, err := l.Reload(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(time.Since(start).Seconds(), "reload-s")

	// One article about the event changed.
	id := event[len(event)/2]
	path := filepath.Join(dir, id+corpus.Ext)
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(path, append(data, "\n\nA later paragraph about Crocus City Hall.\n"...), 0o644); err != nil {
		b.Fatal(err)
	}
	start = time.Now()
	ch, err := l.Reload(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if len(ch.Changed) != 1 {
		b.Fatalf("one-article reload changed %v", ch.Changed)
	}
	b.ReportMetric(time.Since(start).Seconds(), "reload1-s")
	l.Close()
	b.ReportMetric(float64(peakRSS())/(1<<20), "peakRSS-MB")
	resetPeakRSS()

	// The same corpus in an index on disk: built, then opened again.
	indexDir := filepath.Join(b.TempDir(), "index")
	start = time.Now()
	l, err = Open(ctx, nil, store, LiveOptions{IndexDir: indexDir})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(time.Since(start).Seconds(), "cold-disk-s")
	l.Close()
	b.ReportMetric(float64(dirSize(indexDir))/(1<<20), "disk-MB")
	start = time.Now()
	l, err = Open(ctx, nil, store, LiveOptions{IndexDir: indexDir})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := l.Answer(ctx, qs[0].Question); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(time.Since(start).Seconds(), "warm-s")
	if err := os.WriteFile(path, append(data, "\n\nAnother paragraph about Crocus City Hall.\n"...), 0o644); err != nil {
		b.Fatal(err)
	}
	start = time.Now()
	if _, err := l.Reload(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(time.Since(start).Seconds(), "reload1-disk-s")
	l.Close()
	b.ReportMetric(float64(peakRSS())/(1<<20), "peakRSS-disk-MB")
}
