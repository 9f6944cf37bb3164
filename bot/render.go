package bot

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"eventbot/knowledge"
)

// Everything the bot says is first laid out as a doc, which one renderer
// turns into Telegram HTML and another into plain text for a terminal.

// maxMessageLen is the most characters a Telegram message holds after
// entity parsing. Telegram counts UTF-16 code units; see textLen.
const maxMessageLen = 4096

// A doc is a message laid out as a sequence of blocks.
type doc []block

// A block is a paragraph or a quotation.
type block struct {
	kind  blockKind
	spans []span
	// tight puts the block on the line after the previous one, instead of
	// after a blank line.
	tight bool
	// cut orders truncation when a message is too long: blocks with cut
	// 1 are shortened first, then 2, then 3, and those with 0 last.
	cut int
}

type blockKind uint8

const (
	paragraph blockKind = iota
	quotation
)

// A span is a run of text in one style.
type span struct {
	style style
	text  string
}

type style uint8

const (
	plain style = iota
	bold
	italic
	code
)

// tag returns the Telegram HTML tag for s, or "" for plain text.
func (s style) tag() string {
	switch s {
	case bold:
		return "b"
	case italic:
		return "i"
	case code:
		return "code"
	}
	return ""
}

func text(s string) span { return span{plain, s} }

// textLen returns the length of s as Telegram counts it: in UTF-16 code
// units, so that an emoji counts 2.
func textLen(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// len returns the visible length of b.
func (b block) len() int {
	n := 0
	for _, s := range b.spans {
		n += textLen(s.text)
	}
	return n
}

// sep returns the separator before b when it follows another block.
func (b block) sep() string {
	if b.tight {
		return "\n"
	}
	return "\n\n"
}

// len returns the visible length of d: what Telegram counts against
// maxMessageLen once the HTML is parsed.
func (d doc) len() int {
	n := 0
	for i, b := range d {
		if i > 0 {
			n += len(b.sep())
		}
		n += b.len()
	}
	return n
}

// truncate returns b shortened to at most max visible characters.
func (b block) truncate(max int) block {
	used := 0
	for i, s := range b.spans {
		n := textLen(s.text)
		if used+n <= max {
			used += n
			continue
		}
		spans := slices.Clone(b.spans[:i+1])
		spans[i].text = truncate(s.text, max-used)
		if spans[i].text == "" {
			spans = spans[:i]
		}
		b.spans = spans
		break
	}
	return b
}

// ellipsis ends truncated text.
const ellipsis = "…"

// truncate returns s shortened to at most max characters (as textLen
// counts them), ending in an ellipsis. It cuts at the last space that
// keeps at least half the text, else in the middle of a word. Text that
// fits is returned unchanged.
func truncate(s string, max int) string {
	if textLen(s) <= max {
		return s
	}
	if max <= 0 {
		return ""
	}
	budget := max - textLen(ellipsis)
	end := prefixFitting(s, budget)
	cut := s[:end]
	if next, _ := utf8.DecodeRuneInString(s[end:]); !unicode.IsSpace(next) {
		if i := strings.LastIndexFunc(cut, unicode.IsSpace); i > 0 && textLen(cut[:i]) >= budget/2 {
			cut = cut[:i]
		}
	}
	cut = strings.TrimRightFunc(cut, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(",;:-–—", r)
	})
	return cut + ellipsis
}

// fit returns d shortened to at most max visible characters, cutting
// blocks in the order their cut field gives and dropping those left
// empty.
func fit(d doc, max int) doc {
	excess := d.len() - max
	if excess <= 0 {
		return d
	}
	d = slices.Clone(d)
	for _, order := range []int{1, 2, 3, 0} {
		for i := len(d) - 1; i >= 0 && excess > 0; i-- {
			if d[i].cut != order {
				continue
			}
			n := d[i].len()
			d[i] = d[i].truncate(n - min(n, excess))
			excess -= n - d[i].len()
		}
	}
	return slices.DeleteFunc(d, func(b block) bool { return b.len() == 0 })
}

// paginate splits d into docs of at most max visible characters each,
// between blocks. A block longer than max is split too (block.split),
// so nothing is lost. Each page is rendered on its own, so no HTML tag
// spans two messages.
func paginate(d doc, max int) []doc {
	var pages []doc
	var page doc
	n := 0
	for _, whole := range d {
		for _, b := range whole.split(max) {
			add := b.len()
			if len(page) > 0 {
				add += len(b.sep())
			}
			if len(page) > 0 && n+add > max {
				pages = append(pages, page)
				page, n, add = nil, 0, b.len()
			}
			page = append(page, b)
			n += add
		}
	}
	if len(page) > 0 {
		pages = append(pages, page)
	}
	return pages
}

// split cuts b into blocks of at most max visible characters each. It
// cuts at the last paragraph break that keeps at least half of the
// piece, else the last line break, sentence end or space that does,
// else between two characters; the whitespace at a cut is dropped. Each
// piece keeps b's kind and the style of every span, so each renders as
// well-formed HTML of its own.
func (b block) split(max int) []block {
	var pieces []block
	for b.len() > max {
		var all strings.Builder
		for _, s := range b.spans {
			all.WriteString(s.text)
		}
		at, sep := cutPoint(all.String(), max)
		head, tail := b, b
		head.spans = trimSpans(sliceSpans(b.spans, 0, at), false)
		tail.spans = trimSpans(sliceSpans(b.spans, at, all.Len()), true)
		tail.tight = sep != "\n\n"
		if len(head.spans) > 0 {
			pieces = append(pieces, head)
		}
		b = tail
	}
	if len(b.spans) > 0 || len(pieces) == 0 {
		pieces = append(pieces, b)
	}
	return pieces
}

// prefixFitting returns the length in bytes of the longest prefix of s
// that has at most max characters, as textLen counts them.
func prefixFitting(s string, max int) int {
	end, n := 0, 0
	for end < len(s) {
		r, size := utf8.DecodeRuneInString(s[end:])
		if n+utf16.RuneLen(r) > max {
			break
		}
		n += utf16.RuneLen(r)
		end += size
	}
	return end
}

// cutPoint returns the byte offset at which to cut s so that s[:at] has
// at most max characters (as textLen counts them), and the separator
// found there, if any; see block.split. s must be longer than max.
func cutPoint(s string, max int) (at int, sep string) {
	limit := prefixFitting(s, max)
	if limit == 0 { // max is below one character: cut after the first
		_, size := utf8.DecodeRuneInString(s)
		return size, ""
	}
	half := limit / 2
	// A separator may end right after limit: it is dropped at the cut.
	for _, sep := range []string{"\n\n", "\n"} {
		if i := strings.LastIndex(s[:min(len(s), limit+len(sep))], sep); i > 0 && i >= half {
			return i, sep
		}
	}
	best := -1
	for _, end := range []string{". ", "! ", "? ", "… ", ".\n", "; "} {
		// The cut keeps the punctuation: s[:i+len(end)-1] must fit.
		if i := strings.LastIndex(s[:min(len(s), limit+1)], end); i >= 0 && i+len(end)-1 > best {
			best = i + len(end) - 1
		}
	}
	if best > 0 && best >= half {
		return best, ""
	}
	if r, _ := utf8.DecodeRuneInString(s[limit:]); unicode.IsSpace(r) {
		return limit, " "
	}
	if i := strings.LastIndexFunc(s[:limit], unicode.IsSpace); i > 0 && i >= half {
		return i, " "
	}
	return limit, ""
}

// sliceSpans returns the part of spans from byte from to byte to of
// their concatenated text.
func sliceSpans(spans []span, from, to int) []span {
	var out []span
	pos := 0
	for _, s := range spans {
		start, end := pos, pos+len(s.text)
		pos = end
		if end <= from || start >= to {
			continue
		}
		s.text = s.text[max(from, start)-start : min(to, end)-start]
		out = append(out, s)
	}
	return out
}

// trimSpans drops the whitespace at the end of spans, or with left at
// their start, and the spans left empty.
func trimSpans(spans []span, left bool) []span {
	spans = slices.DeleteFunc(spans, func(s span) bool { return s.text == "" })
	for len(spans) > 0 {
		i := len(spans) - 1
		if left {
			i = 0
		}
		if left {
			spans[i].text = strings.TrimLeftFunc(spans[i].text, unicode.IsSpace)
		} else {
			spans[i].text = strings.TrimRightFunc(spans[i].text, unicode.IsSpace)
		}
		if spans[i].text != "" {
			break
		}
		spans = slices.Delete(spans, i, i+1)
	}
	return spans
}

// htmlEscaper escapes text for Telegram's HTML parse mode.
var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

// renderHTML renders d for Telegram's HTML parse mode, using only tags
// Telegram supports.
func renderHTML(d doc) string {
	var b strings.Builder
	for i, blk := range d {
		if i > 0 {
			b.WriteString(blk.sep())
		}
		if blk.kind == quotation {
			b.WriteString("<blockquote>")
		}
		for _, s := range blk.spans {
			if s.text == "" {
				continue
			}
			tag := s.style.tag()
			if tag != "" {
				b.WriteString("<" + tag + ">")
			}
			b.WriteString(htmlEscaper.Replace(strings.ToValidUTF8(s.text, "\uFFFD")))
			if tag != "" {
				b.WriteString("</" + tag + ">")
			}
		}
		if blk.kind == quotation {
			b.WriteString("</blockquote>")
		}
	}
	return b.String()
}

// renderPlain renders d as plain text for a terminal.
func renderPlain(d doc) string {
	var b strings.Builder
	for i, blk := range d {
		if i > 0 {
			b.WriteString(blk.sep())
		}
		var line strings.Builder
		for _, s := range blk.spans {
			line.WriteString(s.text)
		}
		if blk.kind == quotation {
			b.WriteString("│ " + strings.ReplaceAll(line.String(), "\n", "\n│ "))
			continue
		}
		b.WriteString(line.String())
	}
	return b.String()
}

// PlainText renders an answer as plain text: the answer, the supporting
// passage and its source, in the answer's language.
func PlainText(a knowledge.Answer) string {
	return renderPlain(answerDoc(phrasesFor(a.Language), a))
}

// answerDoc lays out an answer: the answer in bold, the first citation's
// passage as a quotation, its source, and up to two more sources. With a
// Lead, the answer first: the lead in bold, then each cited passage that
// holds its Mark (each side of changing or conflicting reports, each
// party's account, two of one article too) quoted with the Mark in bold
// and its source under it, then the other sources.
// The answer's text is not repeated there: the lead says the answer and
// the quotations hold the sentences it comes from.
func answerDoc(p *phrases, a knowledge.Answer) doc {
	a = validText(a)
	var d doc
	lead := strings.TrimSpace(a.Lead)
	switch answer := strings.TrimSpace(a.Text); {
	case !a.Found:
	case lead != "":
		d = append(d, block{spans: []span{{bold, truncate(lead, knowledge.MaxAnswerLen)}}, cut: 2})
	case answer != "":
		if utf8.RuneCountInString(answer) > knowledge.MaxAnswerLen {
			answer = truncate(answer, knowledge.MaxAnswerLen) // not to crowd out the passage
		}
		d = append(d, block{spans: []span{{bold, answer}}, cut: 2})
	}
	if !a.Found || len(a.Citations) == 0 {
		if len(d) > 0 {
			return d
		}
		if a.Greeting {
			return examplesDoc(p, p.Greeting)
		}
		return notFoundDoc(p)
	}
	if a.Language != "" && a.Language != "en" {
		d = append(d, block{spans: []span{{italic, p.SourceLanguage}}, tight: true, cut: 2})
	}
	seen := map[string]bool{}   // articles quoted or named
	quoted := map[string]bool{} // passages quoted
	quote := func(c knowledge.Citation, spans []span) {
		seen[citedDoc(c)], quoted[strings.TrimSpace(c.Passage)] = true, true
		d = append(d, block{kind: quotation, spans: spans, cut: 1})
		line := append([]span{text(p.SourceLabel)}, sourceSpans(p, c.Doc, c.Title, c.Publisher, c.Date)...)
		d = append(d, block{spans: line, tight: true, cut: 3})
	}
	first := a.Citations[0]
	switch passage := strings.TrimSpace(first.Passage); {
	case lead != "":
		for i, c := range a.Citations {
			passage, mark := strings.TrimSpace(c.Passage), strings.TrimSpace(c.Mark)
			if len(quoted) == 3 || quoted[passage] || passage == "" || (i > 0 && (mark == "" || !strings.Contains(passage, mark))) {
				continue
			}
			quote(c, marked(passage, mark))
		}
	case passage != "":
		quote(first, []span{text(passage)})
	default:
		seen[citedDoc(first)] = true
		line := append([]span{text(p.SourceLabel)}, sourceSpans(p, first.Doc, first.Title, first.Publisher, first.Date)...)
		d = append(d, block{spans: line, cut: 3})
	}
	for _, c := range a.Citations[1:] {
		if len(seen) == 3 {
			break
		}
		if seen[citedDoc(c)] {
			continue
		}
		seen[citedDoc(c)] = true
		line := append([]span{text(p.AlsoLabel)}, sourceSpans(p, c.Doc, c.Title, c.Publisher, c.Date)...)
		d = append(d, block{spans: line, tight: true, cut: 3})
	}
	return d
}

// validText returns a with its texts valid UTF-8, as Telegram requires
// and pages split: each invalid byte sequence becomes U+FFFD.
func validText(a knowledge.Answer) knowledge.Answer {
	fix := func(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }
	a.Text, a.Lead = fix(a.Text), fix(a.Lead)
	cites := make([]knowledge.Citation, len(a.Citations))
	for i, c := range a.Citations {
		c.Doc, c.Title, c.Publisher, c.Passage, c.Mark = fix(c.Doc), fix(c.Title), fix(c.Publisher), fix(c.Passage), fix(c.Mark)
		cites[i] = c
	}
	a.Citations = cites
	return a
}

// marked returns passage as spans with the first occurrence of mark in
// bold; plain if mark is empty or not in it.
func marked(passage, mark string) []span {
	i := strings.Index(passage, mark)
	if mark == "" || i < 0 {
		return []span{text(passage)}
	}
	return []span{text(passage[:i]), {bold, mark}, text(passage[i+len(mark):])}
}

func citedDoc(c knowledge.Citation) string {
	if c.Doc != "" {
		return c.Doc
	}
	return c.Title
}

// notFoundDoc says the corpus doesn't answer and suggests questions.
func notFoundDoc(p *phrases) doc { return examplesDoc(p, p.NotFound) }

// examplesDoc says first, then suggests questions.
func examplesDoc(p *phrases, first string) doc {
	d := doc{{spans: []span{text(first)}}, {spans: []span{text(p.TryAsking)}}}
	for _, q := range p.Examples {
		d = append(d, block{spans: []span{text("• "), {italic, q}}, tight: true})
	}
	return d
}

// sourceSpans describes an article: "Title — Publisher, 23 March 2024".
func sourceSpans(p *phrases, docID, title, publisher, date string) []span {
	title = strings.TrimSpace(title)
	if title == "" {
		title = docID
	}
	spans := []span{{italic, title}}
	var parts []string
	if publisher = strings.TrimSpace(publisher); publisher != "" {
		parts = append(parts, publisher)
	}
	if date = humanDate(p, date); date != "" {
		parts = append(parts, date)
	}
	if len(parts) > 0 {
		spans = append(spans, text(" — "+strings.Join(parts, ", ")))
	}
	return spans
}

// humanDate turns an ISO date ("2024-03-23", "2024-03", "2024") into
// words ("23 March 2024", "March 2024", "2024"). Other text is returned
// as it is.
func humanDate(p *phrases, iso string) string {
	iso = strings.TrimSpace(iso)
	if t, err := time.Parse("2006-01-02", iso); err == nil {
		return fmt.Sprintf("%d %s %d", t.Day(), p.MonthsOf[t.Month()-1], t.Year())
	}
	if t, err := time.Parse(time.RFC3339, iso); err == nil {
		return fmt.Sprintf("%d %s %d", t.Day(), p.MonthsOf[t.Month()-1], t.Year())
	}
	if t, err := time.Parse("2006-01", iso); err == nil {
		return fmt.Sprintf("%s %d", p.Months[t.Month()-1], t.Year())
	}
	return iso
}

// helpDoc explains what the bot knows and how to ask it. With a
// username, it also explains how to ask in groups.
func helpDoc(p *phrases, articles int, username string) doc {
	d := doc{
		{spans: []span{{bold, p.Title}}},
		{spans: []span{text(fmt.Sprintf(p.About, p.Articles(articles)))}, tight: true},
		{spans: []span{text(p.AskLead)}},
		{spans: []span{{italic, p.ExampleQuestion}}, tight: true},
		{spans: []span{text(p.SourcesCmd)}},
		{spans: []span{text(p.HelpCmd)}, tight: true},
	}
	if username != "" {
		d = append(d, block{spans: expand(p.Groups, map[string]span{
			"inline": {code, "@" + username + " " + p.QuestionWord},
			"ask":    {code, "/ask@" + username + " " + p.QuestionWord},
		})})
	}
	return d
}

// sourcesDoc lists the articles of the corpus.
func sourcesDoc(p *phrases, sources []knowledge.Source) doc {
	if len(sources) == 0 {
		return doc{{spans: []span{text(p.NoSources)}}}
	}
	d := doc{{spans: []span{text(fmt.Sprintf(p.SourcesHeader, p.Articles(len(sources))))}}}
	for i, s := range sources {
		line := append([]span{text(fmt.Sprintf("%d. ", i+1))}, sourceSpans(p, s.Doc, s.Title, s.Publisher, s.Date)...)
		d = append(d, block{spans: line, tight: i > 0, cut: 3})
	}
	return d
}

// textDoc is a message of one paragraph.
func textDoc(s string) doc { return doc{{spans: []span{text(s)}}} }

// expand replaces each {name} of tmpl with the span vars[name]; the rest
// of tmpl is plain text.
func expand(tmpl string, vars map[string]span) []span {
	var spans []span
	for tmpl != "" {
		i := strings.IndexByte(tmpl, '{')
		j := strings.IndexByte(tmpl[max(i, 0):], '}')
		if i < 0 || j < 0 {
			break
		}
		v, ok := vars[tmpl[i+1:i+j]]
		if !ok {
			spans = append(spans, text(tmpl[:i+1]))
			tmpl = tmpl[i+1:]
			continue
		}
		if i > 0 {
			spans = append(spans, text(tmpl[:i]))
		}
		spans = append(spans, v)
		tmpl = tmpl[i+j+1:]
	}
	if tmpl != "" {
		spans = append(spans, text(tmpl))
	}
	return spans
}
