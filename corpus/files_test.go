package corpus

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestDirFiles(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string]string{
		"b.txt": strings.Replace(good, "id: sample", "id: b", 1), "a.txt": strings.Replace(good, "id: sample", "id: a", 1),
		".a.txt.tmp": good, "README.md": "not an article",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "c.txt"), 0o755); err != nil {
		t.Fatal(err)
	}
	files, err := Dir(dir).Files()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range files {
		got = append(got, f.Name+"="+f.ID)
		// Just written: too recent for a stamp to tell versions apart.
		if f.Stamp != (Stamp{}) {
			t.Errorf("%s: stamp %+v of a file written now, want zero", f.Name, f.Stamp)
		}
	}
	if want := []string{"a.txt=a", "b.txt=b"}; !slices.Equal(got, want) {
		t.Errorf("Files = %v, want %v", got, want)
	}
	doc, err := Dir(dir).Read("a.txt")
	if err != nil || doc.ID != "a" {
		t.Errorf("Read(a.txt) = %q, %v", doc.ID, err)
	}
	if _, err := Dir(dir).Read(".a.txt.tmp"); len(FileErrors(err)) != 1 {
		t.Errorf("Read of a file whose id is not its name: %v, want a FileError", err)
	}
	if _, err := Dir(t.TempDir()).Files(); err == nil {
		t.Error("Files of an empty directory: no error")
	}
}

// TestStamp changes a file in place to the same size and modification
// time: its stamp changes (the change time), as it does when the file is
// replaced by another (the inode).
func TestStamp(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.txt")
	later := time.Now().Add(time.Hour) // the files are then old enough to stamp
	stamp := func() Stamp {
		t.Helper()
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		s := stampOf(info, later)
		if s == (Stamp{}) {
			t.Fatal("no stamp for a file an hour old")
		}
		return s
	}
	if err := os.WriteFile(path, []byte("version one"), 0o644); err != nil {
		t.Fatal(err)
	}
	first := stamp()
	mtime := time.Unix(0, first.ModTime)
	time.Sleep(20 * time.Millisecond) // past the file system clock's tick
	if err := os.WriteFile(path, []byte("version two"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, mtime, mtime); err != nil {
		t.Fatal(err)
	}
	second := stamp()
	if second.Size != first.Size || second.ModTime != first.ModTime {
		t.Fatalf("the test did not keep size and time: %+v, %+v", first, second)
	}
	if second == first && first.Change != 0 {
		t.Errorf("a change of content with the same size and modification time kept the stamp %+v", first)
	}
	// Replaced by a rename, as Add does.
	tmp := path + ".new"
	if err := os.WriteFile(tmp, []byte("version two"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(tmp, mtime, mtime); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
	if third := stamp(); third == second && second.Inode != 0 {
		t.Errorf("a file replaced by a rename kept the stamp %+v", second)
	}
	// A file changed within racyWindow of the listing has no stamp.
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if s := stampOf(info, time.Now()); s != (Stamp{}) {
		t.Errorf("stamp of a file changed just now: %+v, want zero", s)
	}
}
