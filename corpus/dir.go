package corpus

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"unicode/utf8"
)

// A Store holds article files: Load reads and validates them all, Add
// validates one and keeps it.
type Store interface {
	Load() ([]Document, error)
	Add(data []byte, replace bool) (Document, error)
}

// Errors of Store.Add.
var (
	// ErrExists means an article with the same id is already stored.
	ErrExists = errors.New("an article with this id already exists")
	// ErrReadOnly means the store does not take new articles.
	ErrReadOnly = errors.New("this corpus is read-only")
)

// Dir is a directory of article files: the admins' data (CORPUS_DIR).
// Nothing but Add ever writes there, and Add only creates or, when asked
// to, replaces one article file.
type Dir string

// Load reads the directory's articles, as Load does.
func (d Dir) Load() ([]Document, error) { return Load(os.DirFS(string(d))) }

// Add validates data as an article file by the rules Load applies and
// writes it into the directory as <id>.txt, atomically: a temporary file
// beside it (a dot file, which Load skips), then a link or rename, so
// that a reader never sees half a file. Without replace, an existing
// article with the same id is never overwritten (ErrExists).
func (d Dir) Add(data []byte, replace bool) (Document, error) {
	doc, err := Check(data)
	if err != nil {
		return Document{}, err
	}
	name := filepath.Join(string(d), doc.ID+Ext)
	tmp, err := os.CreateTemp(string(d), "."+doc.ID+Ext+".*")
	if err != nil {
		return Document{}, fmt.Errorf("add %s: %w", doc.ID, err)
	}
	defer os.Remove(tmp.Name()) // after a link, or a failure; a no-op after a rename
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err != nil {
		return Document{}, fmt.Errorf("add %s: %w", doc.ID, err)
	}
	if replace {
		err = os.Rename(tmp.Name(), name)
	} else if err = os.Link(tmp.Name(), name); errors.Is(err, fs.ErrExist) {
		return Document{}, fmt.Errorf("add %s: %w", doc.ID, ErrExists)
	}
	if err != nil {
		return Document{}, fmt.Errorf("add %s: %w", doc.ID, err)
	}
	return doc, nil
}

// Check validates the bytes of one article file as Load would, apart from
// its name: the size limit, UTF-8 text, and the header.
func Check(data []byte) (Document, error) {
	if len(data) > MaxFileSize {
		return Document{}, fmt.Errorf("file is %d bytes, more than the %d allowed", len(data), MaxFileSize)
	}
	if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
		return Document{}, errors.New("not a UTF-8 text file")
	}
	return Parse(data)
}

// Fixed is a read-only store of article files, such as Bundled().
type Fixed struct{ FS fs.FS }

// Load reads the articles, as Load does.
func (f Fixed) Load() ([]Document, error) { return Load(f.FS) }

// Add refuses: the store is read-only.
func (Fixed) Add([]byte, bool) (Document, error) { return Document{}, ErrReadOnly }

// FileErrors returns the *FileError of each bad file in an error from Load.
func FileErrors(err error) []*FileError {
	var out []*FileError
	var walk func(error)
	walk = func(err error) {
		var fe *FileError
		if errors.As(err, &fe) && err == error(fe) {
			out = append(out, fe)
			return
		}
		switch e := err.(type) {
		case interface{ Unwrap() []error }:
			for _, x := range e.Unwrap() {
				walk(x)
			}
		case interface{ Unwrap() error }:
			walk(e.Unwrap())
		}
	}
	if err != nil {
		walk(err)
	}
	return out
}
