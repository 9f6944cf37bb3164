package corpus

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
)

const good = `---
id: sample
title: A sample article
publisher: Example News
date: 2024-03-23
language: en
---

First paragraph.

Second paragraph.
`

func TestParseGood(t *testing.T) {
	doc, err := Parse([]byte(good))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if got, want := doc.ID, "sample"; got != want {
		t.Errorf("ID = %q, want %q", got, want)
	}
	if got, want := doc.Publisher, "Example News"; got != want {
		t.Errorf("Publisher = %q, want %q", got, want)
	}
	if got, want := doc.Date.String(), "2024-03-23"; got != want {
		t.Errorf("Date = %q, want %q", got, want)
	}
	if got, want := doc.Body, "First paragraph.\n\nSecond paragraph."; got != want {
		t.Errorf("Body = %q, want %q", got, want)
	}
	again, err := Parse(Format(doc))
	if err != nil {
		t.Fatalf("Parse(Format(doc)): %v", err)
	}
	if again != doc {
		t.Errorf("Parse(Format(doc)) = %+v, want %+v", again, doc)
	}
}

func TestParseBad(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"not utf8", "---\nid: x\n---\n\xff\xfe body", "not UTF-8"},
		{"binary", "---\nid: x\x00\n---\nbody", "NUL"},
		{"no header", "just a body", "missing header"},
		{"unterminated", "---\nid: x\ntitle: y\n", "unterminated header"},
		{"missing title", strings.Replace(good, "title: A sample article\n", "", 1), "missing title"},
		{"empty title", strings.Replace(good, "title: A sample article", "title:", 1), "missing title"},
		{"missing id", strings.Replace(good, "id: sample\n", "", 1), "missing id"},
		{"bad id", strings.Replace(good, "id: sample", "id: ../etc/passwd", 1), "bad id"},
		{"missing date", strings.Replace(good, "date: 2024-03-23\n", "", 1), "missing date"},
		{"bad date", strings.Replace(good, "2024-03-23", "23/03/2024", 1), "bad date"},
		{"impossible date", strings.Replace(good, "2024-03-23", "2024-02-30", 1), "bad date"},
		{"missing language", strings.Replace(good, "language: en\n", "", 1), "missing language"},
		{"bad language", strings.Replace(good, "language: en", "language: english", 1), "bad language"},
		{"bad url", strings.Replace(good, "language: en", "language: en\nurl: not a url", 1), "bad url"},
		{"unknown field", strings.Replace(good, "language: en", "language: en\ntitel: typo", 1), "unknown field"},
		{"duplicate field", strings.Replace(good, "language: en", "language: en\nlanguage: ru", 1), "given twice"},
		{"no colon", strings.Replace(good, "language: en", "language en", 1), "key: value"},
		{"empty body", strings.SplitAfter(good, "---\n")[0] + strings.SplitAfter(good, "---\n")[1] + "\n  \n", "empty body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.text))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestLoadNamesEveryBadFile(t *testing.T) {
	fsys := fstest.MapFS{
		"sample.txt":   {Data: []byte(good)},
		"README.md":    {Data: []byte("# not an article")},
		"corpus.go":    {Data: []byte("package corpus")},
		"notitle.txt":  {Data: []byte(strings.Replace(strings.Replace(good, "title: A sample article\n", "", 1), "id: sample", "id: notitle", 1))},
		"mismatch.txt": {Data: []byte(good)},
		"big.txt":      {Data: make([]byte, MaxFileSize+1)},
	}
	docs, err := Load(fsys)
	if len(docs) != 1 || docs[0].ID != "sample" {
		t.Errorf("Load docs = %v, want just sample", docs)
	}
	var bad []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var fe *FileError
		if !errors.As(e, &fe) {
			t.Fatalf("error %v is not a *FileError", e)
		}
		bad = append(bad, fe.File)
	}
	if got, want := strings.Join(bad, " "), "big.txt mismatch.txt notitle.txt"; got != want {
		t.Errorf("bad files = %q, want %q (err: %v)", got, want, err)
	}
	if !strings.Contains(err.Error(), "notitle.txt: missing title") {
		t.Errorf("error %q does not name the file and the problem", err)
	}
}

func TestLoadEmpty(t *testing.T) {
	if _, err := Load(fstest.MapFS{"README.md": {Data: []byte("x")}}); err == nil {
		t.Error("Load of a directory without articles succeeded, want an error")
	}
}

func TestBundled(t *testing.T) {
	docs, err := Load(Bundled())
	if err != nil {
		t.Fatalf("Load(Bundled()): %v", err)
	}
	if got, want := len(docs), 5; got != want {
		t.Errorf("bundled articles = %d, want %d", got, want)
	}
	for _, d := range docs {
		if d.Origin == "" {
			t.Errorf("%s: no origin: every bundled article names its seed file", d.ID)
		}
		if strings.Contains(d.Body, "PayPal") || strings.Contains(d.Body, "ua en ru") {
			t.Errorf("%s: page furniture left in the body", d.ID)
		}
	}
}

func TestDate(t *testing.T) {
	tests := []struct{ in, iso, human string }{
		{"2024-03-23", "2024-03-23", "23 March 2024"},
		{"2024-03", "2024-03", "March 2024"},
		{"2024", "2024", "2024"},
	}
	for _, tt := range tests {
		d, err := ParseDate(tt.in)
		if err != nil {
			t.Fatalf("ParseDate(%q): %v", tt.in, err)
		}
		if got := d.String(); got != tt.iso {
			t.Errorf("ParseDate(%q).String() = %q, want %q", tt.in, got, tt.iso)
		}
		if got := d.Human(); got != tt.human {
			t.Errorf("ParseDate(%q).Human() = %q, want %q", tt.in, got, tt.human)
		}
	}
	a, _ := ParseDate("2024-03")
	b, _ := ParseDate("2024-03-01")
	c, _ := ParseDate("2024-03-25")
	if !(a.Compare(b) < 0 && b.Compare(c) < 0 && c.Compare(a) > 0) {
		t.Errorf("Compare does not order 2024-03 < 2024-03-01 < 2024-03-25")
	}
}
