package telegramtest

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxMessageLen is the most characters a text message holds after entity
// parsing, as Telegram counts them (UTF-16 code units).
const MaxMessageLen = 4096

// Len returns the length of s as Telegram counts it: in UTF-16 code units.
func Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// htmlTags are the tags Telegram's HTML parse mode accepts.
var htmlTags = map[string]bool{
	"b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true,
	"s": true, "strike": true, "del": true, "span": true, "tg-spoiler": true,
	"a": true, "code": true, "pre": true, "blockquote": true, "tg-emoji": true,
}

// ParseHTML parses s as Telegram parses a message in HTML parse mode and
// returns its visible text: tags removed, entities decoded. Like Telegram,
// it rejects unsupported tags, unbalanced tags, unknown entities and bare
// '<', '>' or '&'.
func ParseHTML(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", fmt.Errorf("text must be encoded in UTF-8")
	}
	var out strings.Builder
	var open []string
	for i := 0; i < len(s); {
		switch s[i] {
		case '<':
			j := strings.IndexByte(s[i:], '>')
			if j < 0 {
				return "", fmt.Errorf("unclosed start tag at byte offset %d", i)
			}
			tag := s[i+1 : i+j]
			if name, ok := strings.CutPrefix(tag, "/"); ok {
				name = strings.TrimSpace(name)
				if len(open) == 0 || open[len(open)-1] != name {
					return "", fmt.Errorf("unexpected end tag %q at byte offset %d", name, i)
				}
				open = open[:len(open)-1]
			} else {
				name, attrs, _ := strings.Cut(tag, " ")
				if !htmlTags[name] {
					return "", fmt.Errorf("unsupported start tag %q at byte offset %d", name, i)
				}
				if name == "a" && !strings.Contains(attrs, "href=") {
					return "", fmt.Errorf("tag \"a\" needs an href at byte offset %d", i)
				}
				for _, o := range open {
					if o == "code" || (o == "pre" && name != "code") {
						return "", fmt.Errorf("tag %q inside %q at byte offset %d", name, o, i)
					}
					if o == "blockquote" && name == "blockquote" {
						return "", fmt.Errorf("nested blockquote at byte offset %d", i)
					}
				}
				open = append(open, name)
			}
			i += j + 1
		case '&':
			j := strings.IndexByte(s[i:], ';')
			if j < 0 {
				return "", fmt.Errorf("bare '&' at byte offset %d", i)
			}
			r, ok := decodeEntity(s[i+1 : i+j])
			if !ok {
				return "", fmt.Errorf("unsupported HTML entity %q at byte offset %d", s[i:i+j+1], i)
			}
			out.WriteRune(r)
			i += j + 1
		case '>':
			return "", fmt.Errorf("bare '>' at byte offset %d", i)
		default:
			out.WriteByte(s[i])
			i++
		}
	}
	if len(open) > 0 {
		return "", fmt.Errorf("unclosed tag %q", open[len(open)-1])
	}
	return out.String(), nil
}

func decodeEntity(name string) (rune, bool) {
	switch name {
	case "lt":
		return '<', true
	case "gt":
		return '>', true
	case "amp":
		return '&', true
	case "quot":
		return '"', true
	}
	num, ok := strings.CutPrefix(name, "#")
	if !ok || num == "" {
		return 0, false
	}
	base := 10
	if hex, ok := strings.CutPrefix(strings.ToLower(num), "x"); ok {
		num, base = hex, 16
	}
	n, err := strconv.ParseUint(num, base, 32)
	if err != nil || !utf8.ValidRune(rune(n)) {
		return 0, false
	}
	return rune(n), true
}
