package bot

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"eventbot/knowledge"
)

// Inline mode: "@bot question" in any chat shows sourced answers as
// results; choosing one sends it to the chat. Telegram shows the results
// as the user types, so the bot answers within a second.

const (
	// inlineLookupTimeout bounds the knowledge lookups of one inline
	// query, so that the results arrive within a second of the query.
	inlineLookupTimeout = 700 * time.Millisecond
	// inlineReplyTimeout bounds answerInlineQuery; Telegram drops
	// answers that come too late anyway.
	inlineReplyTimeout = 5 * time.Second
	// maxInlineResults is the most results answerInlineQuery accepts.
	maxInlineResults = 50
	// minInlineQuery is the shortest query, in characters, answered as
	// a question; shorter ones get the example questions.
	minInlineQuery = 3
	// inlineCacheTime is how long Telegram may cache results, in
	// seconds: they depend only on the query, the corpus and, when
	// is_personal is set, the user's language. After an admin's reload
	// (admin.go), results cached before it may show for this long.
	inlineCacheTime = 300
	// inlineRetryCacheTime is the cache time of results given after a
	// failure, so that the next keystroke asks again. Telegram caches
	// for 300 seconds when cache_time is left out, and tgbotapi leaves
	// out 0: 1 is the least.
	inlineRetryCacheTime = 1
	// switchPMParameter is the /start parameter of the button leading
	// from inline mode to a private chat.
	switchPMParameter = "inline"
	// maxResultTitle and maxResultDescription bound the lines of a
	// result, which clients cut to a line or two anyway.
	maxResultTitle       = 100
	maxResultDescription = 150
)

// inline answers an inline query.
func (s *session) inline(ctx context.Context, q *tgbotapi.InlineQuery) {
	start := time.Now()
	lookup, cancel := context.WithTimeout(ctx, inlineLookupTimeout)
	cfg := s.inlineResults(lookup, q)
	cancel()
	cfg.InlineQueryID = q.ID

	ctx, cancel = context.WithTimeout(ctx, inlineReplyTimeout)
	defer cancel()
	if _, err := s.tg.Request(ctx, "answerInlineQuery", cfg); err != nil {
		s.logger.Warn("inline query not answered", "inline_query_id", q.ID, "err", err)
		return
	}
	s.logger.Info("inline query answered", "inline_query_id", q.ID, "results", len(cfg.Results), "took", time.Since(start))
}

// inlineResults returns the answer to an inline query, without its id.
func (s *session) inlineResults(ctx context.Context, q *tgbotapi.InlineQuery) tgbotapi.InlineConfig {
	userLang := userLanguage(q.From)
	query := strings.TrimSpace(q.Query)
	if utf8.RuneCountInString(query) < minInlineQuery {
		return s.inlineExamples(ctx, q)
	}
	if cfg, ok := s.inlineView(q); ok {
		return cfg
	}
	start := time.Now()
	a, err := s.bot.kb.Answer(ctx, query)
	if err != nil {
		s.lookupFailed(ctx, q.ID, err)
		return inlineFailure(phrasesFor(userLang))
	}
	s.bot.cfg.Metrics.question("inline", a.Found, time.Since(start).Seconds())
	s.recordQuestion(ctx, askedInline, query, a)
	_, known := phrasebook[a.Language]
	p := phrasesFor(answerLanguage(a, q.From))
	cfg := tgbotapi.InlineConfig{
		CacheTime: inlineCacheTime,
		// The phrases follow the question's language when it is known,
		// and otherwise the user's.
		IsPersonal: !known,
	}
	if !a.Found || len(a.Citations) == 0 {
		cfg.Results = []any{notFoundResult(p)}
		cfg.SwitchPMText = p.SwitchPM
		cfg.SwitchPMParameter = switchPMParameter
		return cfg
	}
	cfg.Results = answerResults(p, a)
	return cfg
}

// lookupFailed logs a knowledge lookup for an inline query that failed.
func (s *session) lookupFailed(ctx context.Context, id string, err error) {
	if ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) {
		s.logger.Warn("inline lookup too slow", "inline_query_id", id, "err", err)
		return
	}
	s.logger.Error("inline lookup", "inline_query_id", id, "err", err)
}

// inlineExamples returns the example questions of the user's language as
// results, each sending its sourced answer. Examples the corpus doesn't
// answer are left out.
func (s *session) inlineExamples(ctx context.Context, q *tgbotapi.InlineQuery) tgbotapi.InlineConfig {
	p := phrasesFor(userLanguage(q.From))
	var results []any
	cacheTime := inlineCacheTime
	for i, question := range p.Examples {
		a, err := s.bot.kb.Answer(ctx, question)
		if err != nil {
			s.lookupFailed(ctx, q.ID, err)
			cacheTime = inlineRetryCacheTime // not to keep fewer examples
			if ctx.Err() != nil {
				break
			}
			continue
		}
		if !a.Found || len(a.Citations) == 0 {
			continue
		}
		ap := phrasesFor(answerLanguage(a, q.From))
		results = append(results, article("e"+strconv.Itoa(i), question, a.Text, fit(answerDoc(ap, a), maxMessageLen)))
	}
	if len(results) == 0 {
		return inlineFailure(p)
	}
	// The examples are in the user's language.
	return tgbotapi.InlineConfig{Results: results, CacheTime: cacheTime, IsPersonal: true}
}

// inlineFailure is the answer to an inline query the bot could not
// answer: no results, a button to a private chat, and a cache time short
// enough for the next keystroke to try again.
func inlineFailure(p *phrases) tgbotapi.InlineConfig {
	return tgbotapi.InlineConfig{
		Results:           []any{},
		CacheTime:         inlineRetryCacheTime,
		IsPersonal:        true,
		SwitchPMText:      p.SwitchPM,
		SwitchPMParameter: switchPMParameter,
	}
}

// answerResults returns a's results: the best answer first, then each
// further passage cited, as a sourced quotation.
func answerResults(p *phrases, a knowledge.Answer) []any {
	first := a.Citations[0]
	title := strings.TrimSpace(a.Lead) // the answer first, when there is one
	if title == "" {
		title = strings.TrimSpace(a.Text)
	}
	if title == "" {
		title = strings.TrimSpace(first.Passage)
	}
	if title == "" {
		title = sourceText(p, first)
	}
	results := []any{article("a", title, sourceText(p, first), fit(answerDoc(p, a), maxMessageLen))}
	seen := map[string]bool{strings.TrimSpace(first.Passage): true}
	for i, c := range a.Citations[1:] {
		passage := strings.TrimSpace(c.Passage)
		if len(results) == maxInlineResults {
			break
		}
		if passage == "" || seen[passage] {
			continue
		}
		seen[passage] = true
		quoted := knowledge.Answer{Found: true, Citations: []knowledge.Citation{c}, Language: a.Language}
		results = append(results, article("p"+strconv.Itoa(i+1), passage, sourceText(p, c), fit(answerDoc(p, quoted), maxMessageLen)))
	}
	return results
}

// notFoundResult says the sources don't cover the question.
func notFoundResult(p *phrases) tgbotapi.InlineQueryResultArticle {
	return article("none", p.NotFound, p.InlineNotFound, notFoundDoc(p))
}

// article returns an inline result that sends d as HTML, titled and
// described by plain text.
func article(id, title, description string, d doc) tgbotapi.InlineQueryResultArticle {
	r := tgbotapi.NewInlineQueryResultArticle(id, oneLine(title, maxResultTitle), "")
	r.Description = oneLine(description, maxResultDescription)
	r.InputMessageContent = tgbotapi.InputTextMessageContent{
		Text:                  renderHTML(d),
		ParseMode:             tgbotapi.ModeHTML,
		DisableWebPagePreview: true,
	}
	return r
}

// sourceText describes c's article in plain text: "Title — Publisher,
// 23 March 2024".
func sourceText(p *phrases, c knowledge.Citation) string {
	return renderPlain(doc{{spans: sourceSpans(p, c.Doc, c.Title, c.Publisher, c.Date)}})
}

// oneLine returns s on one line, shortened to max characters.
func oneLine(s string, max int) string {
	return truncate(strings.Join(strings.Fields(s), " "), max)
}
