package corpus

import (
	"bytes"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// snapshot returns every file of dir, name → content.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = string(data)
	}
	return out
}

func TestDirAdd(t *testing.T) {
	dir := t.TempDir()
	d := Dir(dir)
	doc, err := d.Add([]byte(good), false)
	if err != nil {
		t.Fatalf("Add: %v", err)
	}
	if got, want := doc.ID, "sample"; got != want {
		t.Errorf("Add: id %q, want %q", got, want)
	}
	want := map[string]string{"sample.txt": good}
	if got := snapshot(t, dir); !maps.Equal(got, want) {
		t.Fatalf("after Add the directory holds %q, want only sample.txt with the bytes sent", keys(got))
	}
	docs, err := d.Load()
	if err != nil || len(docs) != 1 || docs[0].ID != "sample" {
		t.Fatalf("Load after Add = %d docs, %v; want the sample", len(docs), err)
	}

	// The same id again: refused, the file untouched.
	other := strings.Replace(good, "A sample article", "Another title", 1)
	if _, err := d.Add([]byte(other), false); !errors.Is(err, ErrExists) {
		t.Errorf("Add of an existing id: %v, want ErrExists", err)
	}
	if got := snapshot(t, dir); !maps.Equal(got, want) {
		t.Errorf("a refused Add changed the directory: %q", keys(got))
	}
	// With replace: replaced.
	if _, err := d.Add([]byte(other), true); err != nil {
		t.Fatalf("Add with replace: %v", err)
	}
	if got := snapshot(t, dir); !maps.Equal(got, map[string]string{"sample.txt": other}) {
		t.Errorf("after Add with replace the directory holds %q, want sample.txt with the new bytes", keys(got))
	}
}

func TestDirAddRefusesBadFiles(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"too large", append([]byte(good), bytes.Repeat([]byte("a"), MaxFileSize)...), "more than"},
		{"binary", append([]byte(good), 0, 1, 2), "not a UTF-8 text"},
		{"not UTF-8", append([]byte(good), 0xff, 0xfe), "not a UTF-8 text"},
		{"no header", []byte("Just some text.\n"), ""},
		{"bad id", []byte(strings.Replace(good, "id: sample", "id: ../escape", 1)), "bad id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if _, err := Dir(dir).Add(tt.data, true); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Add: %v, want an error saying %q", err, tt.want)
			}
			if got := snapshot(t, dir); len(got) != 0 {
				t.Errorf("a refused Add left %q in the directory", keys(got))
			}
		})
	}
}

func TestFixedIsReadOnly(t *testing.T) {
	if _, err := (Fixed{FS: Bundled()}).Add([]byte(good), true); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Fixed.Add: %v, want ErrReadOnly", err)
	}
	docs, err := Fixed{FS: Bundled()}.Load()
	if err != nil || len(docs) != 5 {
		t.Errorf("Fixed.Load of the bundled corpus: %d docs, %v; want 5", len(docs), err)
	}
}

func TestFileErrors(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string]string{
		"sample.txt": good,
		"broken.txt": "no header here\n",
		"wrong.txt":  good, // id "sample" does not match the name
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, err := Dir(dir).Load()
	var files []string
	for _, fe := range FileErrors(err) {
		files = append(files, fe.File)
	}
	if got, want := strings.Join(files, ","), "broken.txt,wrong.txt"; got != want {
		t.Errorf("FileErrors = %s, want %s", got, want)
	}
	if got := FileErrors(nil); got != nil {
		t.Errorf("FileErrors(nil) = %v, want nil", got)
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
