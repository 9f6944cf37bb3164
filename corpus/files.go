package corpus

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// A File is an article file of a Dir as the file system describes it,
// before it is read.
type File struct {
	Name  string // the file's name in the directory: <id>.txt
	ID    string // the article's id, as its name gives it (Read checks the file agrees)
	Stamp Stamp
}

// A Stamp tells one version of a file from another without reading it:
// its size, its modification and change times and its inode (the times
// in nanoseconds; the change time and the inode are zero where the system
// does not give them). The change time moves at every write, whatever the
// modification time is set back to, and the inode when the file is
// replaced by a rename (Add).
//
// The zero Stamp is no version: Files gives it to a file changed less than
// racyWindow before it was listed, which a write in the same tick of the
// file system's clock, with the same size, could change again unseen (as
// git's index does for "racily clean" files). A caller that keeps stamps
// must read a file whose stamp is zero.
type Stamp struct {
	Size    int64
	ModTime int64
	Change  int64
	Inode   uint64
}

// racyWindow is how recently a file may have changed for its stamp still
// to be kept: longer than the coarsest file system clock in common use
// (two seconds, FAT).
const racyWindow = 3 * time.Second

// Files lists the directory's article files (*.txt at its top, as Load
// reads them), in name order, with their stamps; it reads none of them.
// A directory with no article file is an error, as for Load.
func (d Dir) Files() ([]File, error) {
	now := time.Now()
	names, err := articleFiles(os.DirFS(string(d)))
	if err != nil {
		return nil, err
	}
	files := make([]File, len(names))
	for i, name := range names {
		files[i] = File{Name: name, ID: strings.TrimSuffix(name, Ext)}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no %s article files found", Ext)
	}
	// A file's stamp is its target's, as Read reads it: stat, not lstat.
	errs := make([]error, len(files))
	onFiles(len(files), func(i int) {
		info, err := os.Stat(filepath.Join(string(d), files[i].Name))
		if err != nil {
			errs[i] = &FileError{File: files[i].Name, Err: err}
			return
		}
		files[i].Stamp = stampOf(info, now)
	})
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("read corpus directory: %w", err)
	}
	return files, nil
}

// stampOf is the stamp of a file listed at now: zero if it changed
// within racyWindow of now.
func stampOf(info fs.FileInfo, now time.Time) Stamp {
	s := Stamp{Size: info.Size(), ModTime: info.ModTime().UnixNano()}
	s.Change, s.Inode = changeAndInode(info)
	if latest := max(s.ModTime, s.Change); latest > now.Add(-racyWindow).UnixNano() {
		return Stamp{}
	}
	return s
}

// Read reads and validates one article file of the directory, by its
// name as Files gives it, as Load does.
func (d Dir) Read(name string) (Document, error) {
	doc, err := readFile(os.DirFS(string(d)), name)
	if err != nil {
		return Document{}, &FileError{File: name, Err: err}
	}
	return doc, nil
}
