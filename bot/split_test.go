package bot

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode"

	"eventbot/bot/telegramtest"
)

// pagesOf renders pages and checks each is Telegram HTML of at most max
// characters; it returns their visible texts.
func pagesOf(t *testing.T, pages []doc, max int) []string {
	t.Helper()
	var out []string
	for i, p := range pages {
		visible, err := telegramtest.ParseHTML(renderHTML(p))
		if err != nil {
			t.Fatalf("page %d is not Telegram HTML: %v\n%s", i, err, renderHTML(p))
		}
		if n := telegramtest.Len(visible); n > max || n != p.len() {
			t.Errorf("page %d: %d characters, doc counts %d; want equal and at most %d", i, n, p.len(), max)
		}
		if strings.TrimSpace(visible) == "" {
			t.Errorf("page %d is empty", i)
		}
		out = append(out, visible)
	}
	return out
}

// dense drops the whitespace of s.
func dense(s string) string {
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), "")
}

func TestPaginateSplitsLongBlockAtParagraphs(t *testing.T) {
	var paras []string
	for i := range 40 {
		paras = append(paras, fmt.Sprintf("Paragraph %02d says <something> & then some more words to fill it.", i))
	}
	var spans []span
	for i, p := range paras {
		if i > 0 {
			spans = append(spans, text("\n\n"))
		}
		spans = append(spans, span{[]style{plain, bold, italic, code}[i%4], p})
	}
	d := doc{{spans: []span{{bold, "Title"}}}, {kind: quotation, spans: spans}}
	const max = 300
	pages := pagesOf(t, paginate(d, max), max)
	if len(pages) < 8 {
		t.Fatalf("%d pages, want at least 8", len(pages))
	}
	var got []string
	for _, p := range pages {
		for q := range strings.SplitSeq(p, "\n\n") {
			got = append(got, q)
		}
	}
	if want := append([]string{"Title"}, paras...); !slices.Equal(got, want) {
		t.Errorf("pages don't hold the paragraphs whole:\n%q\nwant\n%q", got, want)
	}
}

func TestPaginateSplitsLongBlockAnywhere(t *testing.T) {
	for _, tt := range []struct {
		name  string
		spans []span
		max   int
	}{
		{"sentences", []span{text(strings.Repeat("One sentence & <another>. ", 40))}, 100},
		{"words", []span{{italic, strings.Repeat("word ", 300)}}, 64},
		{"no spaces", []span{{bold, strings.Repeat("x", 1000)}}, 100},
		{"emoji", []span{text(strings.Repeat("💥", 100))}, 7},
		{"mixed styles", []span{{bold, strings.Repeat("bold<&> ", 20)}, {code, strings.Repeat("code ", 30)}, text(strings.Repeat("я ", 50)), {italic, "💥💥💥"}}, 33},
		{"lines", []span{text(strings.Repeat("a line\n", 100))}, 50},
	} {
		t.Run(tt.name, func(t *testing.T) {
			blk := block{kind: quotation, spans: tt.spans}
			d := doc{blk}
			pages := pagesOf(t, paginate(d, tt.max), tt.max)
			if len(pages) < 2 {
				t.Fatalf("%d pages, want several", len(pages))
			}
			if got, want := dense(strings.Join(pages, "")), dense(renderPlain(doc{{spans: tt.spans}})); got != want {
				t.Errorf("pages lose or change text:\n%q\nwant\n%q", got, want)
			}
		})
	}
}

func TestPaginateNoSpacesCutsFullPages(t *testing.T) {
	pages := paginate(doc{{spans: []span{text(strings.Repeat("x", 1000))}}}, 100)
	if len(pages) != 10 {
		t.Fatalf("%d pages, want 10", len(pages))
	}
	for i, p := range pages {
		if p.len() != 100 {
			t.Errorf("page %d has %d characters, want 100", i, p.len())
		}
	}
}
