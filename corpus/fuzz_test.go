package corpus

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzCheck feeds article files to Check: it never panics, and an
// article it accepts has an id, a title and a body, and is the same
// article with CRLF line endings.
func FuzzCheck(f *testing.F) {
	seeds, _ := filepath.Glob("*.txt")
	for _, name := range seeds {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("---\nid: x\ntitle: T\ndate: 2024-03-22\nlanguage: en\n---\n\nBody.\n"))
	f.Add([]byte("---\n---\n"))
	f.Add([]byte("\ufeff---\r\nid: a\r\n---\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Check(data)
		if err != nil {
			return
		}
		if doc.ID == "" || doc.Title == "" || strings.TrimSpace(doc.Body) == "" {
			t.Errorf("accepted an article without id, title or body: %+v", doc)
		}
		if strings.ContainsRune(string(data), '\r') {
			return
		}
		crlf := []byte(strings.ReplaceAll(string(data), "\n", "\r\n"))
		if again, err := Check(crlf); len(crlf) <= MaxFileSize && (err != nil || again.ID != doc.ID || again.Body != doc.Body) {
			t.Errorf("with CRLF line endings: %+v, %v; want the same article", again.ID, err)
		}
	})
}
