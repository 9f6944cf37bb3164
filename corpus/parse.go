package corpus

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"
)

const delimiter = "---"

var (
	idPattern   = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)
	langPattern = regexp.MustCompile(`^[a-z]{2}$`)
)

// Parse reads one article: a front-matter header between two "---" lines,
// then the body. It checks every field and says what is wrong.
func Parse(data []byte) (Document, error) {
	if !utf8.Valid(data) {
		return Document{}, errors.New("not UTF-8 text")
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return Document{}, errors.New("not text: contains NUL bytes")
	}
	text := strings.TrimPrefix(string(data), "\ufeff")
	text = strings.ReplaceAll(text, "\r\n", "\n")
	header, body, err := split(text)
	if err != nil {
		return Document{}, err
	}
	var doc Document
	seen := map[string]bool{}
	for i, line := range strings.Split(header, "\n") {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			return Document{}, fmt.Errorf("header line %d: want \"key: value\", got %q", i+2, line)
		}
		key, value = strings.ToLower(strings.TrimSpace(key)), strings.TrimSpace(value)
		if seen[key] {
			return Document{}, fmt.Errorf("header line %d: %s given twice", i+2, key)
		}
		seen[key] = true
		if err := doc.set(key, value); err != nil {
			return Document{}, fmt.Errorf("header line %d: %w", i+2, err)
		}
	}
	for _, req := range []struct{ key, value string }{
		{"id", doc.ID}, {"title", doc.Title}, {"language", doc.Language},
	} {
		if req.value == "" {
			return Document{}, fmt.Errorf("missing %s", req.key)
		}
	}
	if doc.Date.IsZero() {
		return Document{}, errors.New("missing date")
	}
	doc.Body = strings.TrimSpace(body)
	if doc.Body == "" {
		return Document{}, errors.New("empty body")
	}
	return doc, nil
}

func split(text string) (header, body string, err error) {
	first, rest, _ := strings.Cut(text, "\n")
	if strings.TrimSpace(first) != delimiter {
		return "", "", errors.New("missing header: the file must start with a --- line")
	}
	for off := 0; off <= len(rest); {
		end := strings.IndexByte(rest[off:], '\n')
		line := rest[off:]
		if end >= 0 {
			line = rest[off : off+end]
		}
		if strings.TrimSpace(line) == delimiter {
			header = rest[:off]
			if end >= 0 {
				body = rest[off+end+1:]
			}
			return header, body, nil
		}
		if end < 0 {
			break
		}
		off += end + 1
	}
	return "", "", errors.New("unterminated header: no closing --- line")
}

func (d *Document) set(key, value string) error {
	switch key {
	case "id":
		if !idPattern.MatchString(value) {
			return fmt.Errorf("bad id %q: use 1-64 lowercase letters, digits, - or _", value)
		}
		d.ID = value
	case "title":
		d.Title = value
	case "publisher":
		d.Publisher = value
	case "author":
		d.Author = value
	case "date":
		date, err := ParseDate(value)
		if err != nil {
			return err
		}
		d.Date = date
	case "language":
		if !langPattern.MatchString(value) {
			return fmt.Errorf("bad language %q: use a two-letter code such as en", value)
		}
		d.Language = value
	case "url":
		if value == "" {
			return nil
		}
		u, err := url.Parse(value)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("bad url %q: want an absolute http or https address", value)
		}
		d.URL = value
	case "origin":
		d.Origin = value
	case "note":
		d.Note = value
	default:
		return fmt.Errorf("unknown field %q", key)
	}
	return nil
}

// Format renders doc in the file format that Parse reads.
func Format(doc Document) []byte {
	var b strings.Builder
	b.WriteString(delimiter + "\n")
	field := func(key, value string, always bool) {
		if value != "" || always {
			b.WriteString(strings.TrimRight(key+": "+value, " ") + "\n")
		}
	}
	field("id", doc.ID, true)
	field("title", doc.Title, true)
	field("publisher", doc.Publisher, true)
	field("author", doc.Author, false)
	field("date", doc.Date.String(), true)
	field("language", doc.Language, true)
	field("url", doc.URL, false)
	field("origin", doc.Origin, false)
	field("note", doc.Note, false)
	b.WriteString(delimiter + "\n\n")
	b.WriteString(strings.TrimSpace(doc.Body) + "\n")
	return []byte(b.String())
}
