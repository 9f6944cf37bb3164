// Package corpus holds the news articles eventbot answers from, and the code
// that reads and validates them.
//
// The articles are plain UTF-8 text files with a small front-matter header
// (see README.md in this directory for the format). They live beside this
// code so that the binary can embed them as its bundled corpus (Bundled),
// while CORPUS_DIR lets admins serve their own directory of files in the same
// format. The package knows nothing of search or Telegram.
package corpus

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// Ext is the file name extension of article files.
const Ext = ".txt"

// MaxFileSize is the largest article file accepted, in bytes.
const MaxFileSize = 1 << 20

//go:embed *.txt
var bundled embed.FS

// Bundled returns the articles shipped with the program.
func Bundled() fs.FS { return bundled }

// Document is one article.
type Document struct {
	ID        string // unique; also the file name stem
	Title     string
	Publisher string // empty when the article does not name one
	Author    string // optional
	Date      Date   // publication date, as precise as the article allows
	Language  string // ISO 639-1 code of the body, e.g. "en"
	URL       string // optional; never invented
	Origin    string // optional: where the text came from (e.g. a seed file stem)
	Note      string // optional: provenance notes for reviewers
	Body      string // the article text; paragraphs separated by blank lines
}

// FileError reports a file that could not be loaded.
type FileError struct {
	File string
	Err  error
}

func (e *FileError) Error() string { return e.File + ": " + e.Err.Error() }
func (e *FileError) Unwrap() error { return e.Err }

// Load reads every article file (*.txt) at the top of fsys, in name order.
// Other files (README.md, code) and directories are skipped.
//
// Load validates every file before returning: if any is bad, it returns the
// documents it could read and an error joining one *FileError per bad file,
// so that a caller can report them all and refuse a partial corpus.
func Load(fsys fs.FS) ([]Document, error) {
	names, err := articleFiles(fsys)
	if err != nil {
		return nil, err
	}
	read := make([]Document, len(names))
	failed := make([]error, len(names))
	onFiles(len(names), func(i int) { read[i], failed[i] = readFile(fsys, names[i]) })
	var (
		docs []Document
		errs []error
	)
	for i, name := range names {
		if failed[i] != nil {
			errs = append(errs, &FileError{File: name, Err: failed[i]})
			continue
		}
		docs = append(docs, read[i])
	}
	if len(docs) == 0 && len(errs) == 0 {
		errs = append(errs, fmt.Errorf("no %s article files found", Ext))
	}
	return docs, errors.Join(errs...)
}

// articleFiles returns the names of the article files at the top of
// fsys, in name order: *.txt, not dot files (Add's temporary files) nor
// directories.
func articleFiles(fsys fs.FS) ([]string, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("read corpus directory: %w", err)
	}
	var names []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, Ext) || strings.HasPrefix(name, ".") {
			continue
		}
		names = append(names, name)
	}
	return names, nil
}

// onFiles calls do(i) for each i < n, on twice as many goroutines as
// there are processors: work on a large corpus's files is mostly waiting
// on the file system.
func onFiles(n int, do func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0)*2, n) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				do(i)
			}
		})
	}
	wg.Wait()
}

func readFile(fsys fs.FS, name string) (Document, error) {
	info, err := fs.Stat(fsys, name)
	if err != nil {
		return Document{}, err
	}
	if info.Size() > MaxFileSize {
		return Document{}, fmt.Errorf("file is %d bytes, more than the %d allowed", info.Size(), MaxFileSize)
	}
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return Document{}, err
	}
	doc, err := Parse(data)
	if err != nil {
		return Document{}, err
	}
	if stem := strings.TrimSuffix(path.Base(name), Ext); doc.ID != stem {
		return Document{}, fmt.Errorf("id %q does not match the file name (want id: %s)", doc.ID, stem)
	}
	return doc, nil
}

// Sorted returns docs ordered by date, oldest first, then by id.
func Sorted(docs []Document) []Document {
	// The positions are sorted, not the documents: a stable sort of
	// 50,000 documents moved 9 MB about many times over. Ties keep their
	// order (the positions decide), so the sort need not be stable.
	order := make([]int, len(docs))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(i, j int) int {
		if c := docs[i].Date.Compare(docs[j].Date); c != 0 {
			return c
		}
		if c := strings.Compare(docs[i].ID, docs[j].ID); c != 0 {
			return c
		}
		return i - j
	})
	out := make([]Document, len(docs))
	for k, i := range order {
		out[k] = docs[i]
	}
	return out
}
