package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"eventbot/bot/telegram"
	"eventbot/corpus"
	"eventbot/knowledge"
)

// Admins (Config.AdminIDs) manage the corpus from a private chat with
// the bot:
//
//   - /reload reads the corpus directory again and swaps in a new index;
//     a bad file refuses the reload, and the bot keeps serving the
//     current corpus.
//   - /add followed by an article file's text (header and body) adds the
//     article; /add --replace replaces the article with the same id.
//   - A text file sent as a document (.txt, .md or .markdown, text/*, at
//     most corpus.MaxFileSize) adds the article it holds; the caption
//     --replace (or /add --replace) replaces.
//   - /stats shows the corpus, the questions asked (kept in the store),
//     with the most frequent recent ones the corpus did not answer.
//
// Anyone else who tries gets a short refusal in their language, and the
// attempt is logged with their user id. In groups, admin commands
// addressed to the bot (/stats@this_bot) get a note to use a private
// chat, or the refusal; without @this_bot they may be another bot's and
// are ignored, as are documents. Nothing of the corpus is shown in a
// group: bad file names, and the questions /stats lists, are for admins.
//
// The replies to admins are in English: they quote the validator's
// reasons, which are. Corpus work (a reload, an article added) runs on
// the worker handling the update and holds at most half the workers
// (session.adminWork), so that questions are answered meanwhile.

// Library is what the bot needs to manage the corpus: *knowledge.Live.
type Library interface {
	// Reload reads the corpus again and serves it, or, if any article
	// file in it is bad, keeps serving the current one and returns an
	// error from which corpus.FileErrors lists the bad files.
	Reload(ctx context.Context) (knowledge.Change, error)
	// Add validates an article file and keeps it in the corpus, then
	// reloads. Without replace, an article with the same id is refused
	// (corpus.ErrExists); a read-only corpus refuses every article
	// (corpus.ErrReadOnly). If the reload fails, the article is kept and
	// Add returns it with the error.
	Add(ctx context.Context, data []byte, replace bool) (corpus.Document, knowledge.Change, error)
	// Stats describes the corpus served.
	Stats() knowledge.Stats
}

// articleExts are the file name extensions of article uploads.
var articleExts = map[string]bool{".txt": true, ".md": true, ".markdown": true}

const (
	// maxListed bounds the document ids and bad files a reply lists.
	maxListed = 30
	// replaceFlag asks /add, or an upload's caption, to replace.
	replaceFlag = "--replace"
)

// Admin replies.
const (
	adminUnavailable = "Corpus management is not available on this bot."
	adminBusy        = "Other corpus changes are in progress. Please send this again when they are done."
	adminFailed      = "Sorry, that failed; the log has the cause. Nothing was changed."
	addUsage         = "Send the article after the command: /add, a new line, then the article file's text — its header between two --- lines, then the body. " +
		"To replace the article with the same id, start with /add --replace. You can also send the article as a .txt or .md file."
	notTextFile   = "That is not an article file: send a UTF-8 text file named .txt or .md. Nothing was changed."
	downloadError = "Sorry, the file could not be downloaded from Telegram; the log has the cause. Please send it again."
)

// isAdmin reports whether user id is one of the bot's admins.
func (s *session) isAdmin(id int64) bool {
	return id != 0 && s.bot.admins[id]
}

// logRefusal logs that r's user, not an admin, tried action: with their
// user id, never their name.
func (s *session) logRefusal(r request, action string) {
	s.logger.Warn("admin action refused", "user_id", r.userID, "chat_id", r.chatID, "action", action)
}

// statsCommand shows the statistics.
func (s *session) statsCommand(ctx context.Context, r request) response {
	return response{doc: append(s.statsDoc(), s.feedbackDoc(ctx)...)}
}

// reload reads the corpus again.
func (s *session) reload(ctx context.Context, r request) response {
	return s.adminJob(ctx, r, func(ctx context.Context, lib Library) doc {
		ch, err := lib.Reload(ctx)
		s.bot.cfg.Metrics.Reloaded(err)
		if err != nil {
			return s.reloadFailed(r.userID, err, lib)
		}
		s.logger.Info("corpus reloaded", "user_id", r.userID, "documents", ch.After.Documents,
			"added", len(ch.Added), "changed", len(ch.Changed), "removed", len(ch.Removed), "took", ch.Took)
		return changeDoc(ch)
	})
}

// add adds the article that follows the command.
func (s *session) add(ctx context.Context, r request) response {
	text, replace := cutReplace(r.args)
	if text == "" {
		return response{doc: textDoc(addUsage), quote: true}
	}
	return s.adminJob(ctx, r, func(ctx context.Context, lib Library) doc {
		return s.addArticle(ctx, r.userID, lib, []byte(text+"\n"), replace)
	})
}

// upload adds the article of a document sent in a private chat.
func (s *session) upload(ctx context.Context, r request) response {
	replace := s.captionReplace(r.msg.Caption)
	return s.adminJob(ctx, r, func(ctx context.Context, lib Library) doc {
		data, problem := s.fetchArticle(ctx, r.msg.Document)
		if problem != nil {
			return problem
		}
		return s.addArticle(ctx, r.userID, lib, data, replace)
	})
}

// adminJob runs job, which changes the corpus, and returns the doc it
// returns as the reply. It replies that corpus management is
// unavailable when the bot has no Library, and that the admin should
// try again later when the corpus work in progress already holds its
// share of the workers.
func (s *session) adminJob(ctx context.Context, r request, job func(context.Context, Library) doc) response {
	lib := s.bot.cfg.Library
	if lib == nil {
		return response{doc: textDoc(adminUnavailable), quote: true}
	}
	select {
	case s.adminWork <- struct{}{}:
	default:
		return response{doc: textDoc(adminBusy), quote: true}
	}
	s.typing(r.chatID)
	// A long change shows its progress in a reply of its own (see
	// progress.go), which the result then replaces.
	progress := s.startProgress(ctx, r.msg)
	// Free the work's share before the reply goes out (and if the job
	// panics), so an admin who answers the reply at once is not told to
	// wait. One change at a time: each admin is told what their own
	// change came to.
	d := func() doc {
		defer func() { <-s.adminWork }()
		s.corpusMu.Lock()
		defer s.corpusMu.Unlock()
		return job(knowledge.WithProgress(ctx, progress.report), lib)
	}()
	return response{doc: d, quote: true, edit: progress.stop()}
}

// cutReplace removes a leading --replace from s, and reports whether
// there was one. An em dash stands for the two hyphens, as phones type
// them.
func cutReplace(s string) (rest string, replace bool) {
	s = strings.TrimSpace(s)
	for _, flag := range []string{replaceFlag, "—replace"} {
		rest, ok := strings.CutPrefix(s, flag)
		if ok && (rest == "" || strings.IndexAny(rest[:1], " \t\r\n") == 0) {
			return strings.TrimSpace(rest), true
		}
	}
	return s, false
}

// captionReplace reports whether an upload's caption asks to replace:
// "--replace", or "/add --replace".
func (s *session) captionReplace(caption string) bool {
	caption = strings.TrimSpace(caption)
	first, rest := caption, ""
	if i := strings.IndexFunc(caption, unicode.IsSpace); i >= 0 {
		first, rest = caption[:i], caption[i:]
	}
	if strings.EqualFold(first, "/add") || (s.me.UserName != "" && strings.EqualFold(first, "/add@"+s.me.UserName)) {
		caption = rest
	}
	rest, replace := cutReplace(caption)
	return replace && rest == ""
}

// errTooLarge means a file is larger than corpus.MaxFileSize.
var errTooLarge = fmt.Errorf("larger than %d bytes", corpus.MaxFileSize)

// fetchArticle checks an uploaded document's name, type and size and
// downloads it. If it is no article file or can't be had, it returns
// the reply that says so instead.
func (s *session) fetchArticle(ctx context.Context, d *tgbotapi.Document) ([]byte, doc) {
	log := s.logger.With("file_id", d.FileID)
	if !articleExts[strings.ToLower(path.Ext(d.FileName))] {
		return nil, textDoc(notTextFile)
	}
	// Telegram gives the type the sender's client reports, from the
	// name; it may leave it out.
	if d.MimeType != "" {
		mt, _, err := mime.ParseMediaType(d.MimeType)
		if err != nil || !strings.HasPrefix(mt, "text/") {
			return nil, textDoc(notTextFile)
		}
	}
	if d.FileSize > corpus.MaxFileSize {
		return nil, tooLargeDoc(int64(d.FileSize))
	}
	f, err := s.getFile(ctx, d.FileID)
	if err != nil {
		log.Error("get file", "err", err)
		return nil, textDoc(downloadError)
	}
	if f.FileSize > corpus.MaxFileSize {
		return nil, tooLargeDoc(int64(f.FileSize))
	}
	data, err := s.download(ctx, f.FilePath)
	if errors.Is(err, errTooLarge) {
		return nil, tooLargeDoc(0)
	}
	if err != nil {
		log.Error("download file", "err", err)
		return nil, textDoc(downloadError)
	}
	return data, nil
}

// getFile asks Telegram where to download a file.
func (s *session) getFile(ctx context.Context, fileID string) (tgbotapi.File, error) {
	resp, err := s.tg.Request(ctx, "getFile", tgbotapi.FileConfig{FileID: fileID})
	if err != nil {
		return tgbotapi.File{}, err
	}
	var f tgbotapi.File
	if err := json.Unmarshal(resp.Result, &f); err != nil {
		return tgbotapi.File{}, fmt.Errorf("getFile: decode the file: %w", err)
	}
	if f.FilePath == "" {
		return tgbotapi.File{}, errors.New("getFile: no file path")
	}
	return f, nil
}

// download fetches the file at filePath from the file endpoint
// (Config.FileEndpoint), reading at most corpus.MaxFileSize bytes: a
// longer file is errTooLarge, whatever its size was said to be. Its
// errors hold no token.
func (s *session) download(ctx context.Context, filePath string) ([]byte, error) {
	token := s.bot.cfg.Token
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf(s.bot.cfg.FileEndpoint, token, filePath), nil)
	if err != nil {
		return nil, telegram.Scrub(fmt.Errorf("download %s: %w", filePath, err), token)
	}
	resp, err := s.bot.cfg.Client.Do(req)
	if err != nil {
		return nil, telegram.Scrub(fmt.Errorf("download %s: %w", filePath, err), token)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("download %s: %s", filePath, resp.Status)
	}
	if resp.ContentLength > corpus.MaxFileSize {
		return nil, errTooLarge
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, corpus.MaxFileSize+1))
	if err != nil {
		return nil, telegram.Scrub(fmt.Errorf("download %s: %w", filePath, err), token)
	}
	if len(data) > corpus.MaxFileSize {
		return nil, errTooLarge
	}
	return data, nil
}

// addArticle validates data as an article file and adds it to lib,
// replacing the article with the same id if replace. It returns the
// reply: what was added and the reload's summary, or what is wrong.
func (s *session) addArticle(ctx context.Context, userID int64, lib Library, data []byte, replace bool) doc {
	if len(data) > corpus.MaxFileSize {
		return tooLargeDoc(int64(len(data)))
	}
	if !isText(data) {
		return textDoc(notTextFile)
	}
	checked, err := corpus.Check(data)
	if err != nil {
		return doc{
			{spans: []span{text("The article is not valid:")}},
			{spans: []span{{code, err.Error()}}, tight: true},
			{spans: []span{text("Nothing was changed. The format of article files is described in corpus/README.md.")}},
		}
	}
	log := s.logger.With("user_id", userID, "id", checked.ID, "replace", replace)
	art, ch, err := lib.Add(ctx, data, replace)
	if err == nil || art.ID != "" {
		s.bot.cfg.Metrics.Reloaded(err) // the article was saved, and the corpus reloaded
	}
	switch {
	case errors.Is(err, corpus.ErrExists):
		return doc{{spans: []span{
			text("An article with the id "), {code, checked.ID},
			text(" already exists. Nothing was changed. To replace it, send it again with "),
			{code, replaceFlag}, text(": /add --replace and the article, or the file with the caption --replace."),
		}}}
	case errors.Is(err, corpus.ErrReadOnly):
		return textDoc("The corpus is read-only (the articles bundled with the bot): articles can be added " +
			"only when the bot serves a corpus directory (CORPUS_DIR). Nothing was changed.")
	case err != nil && art.ID == "":
		log.Error("add article", "err", err)
		return textDoc(adminFailed)
	case err != nil:
		log.Warn("article saved, reload refused", "err", err)
		d := doc{articleLine("Saved", art)}
		return append(d, s.reloadFailed(userID, err, lib)...)
	}
	log.Info("article added", "documents", ch.After.Documents)
	verb := "Added"
	switch {
	case slices.Contains(ch.Changed, art.ID):
		verb = "Replaced"
	case replace && !slices.Contains(ch.Added, art.ID):
		verb = "Saved, unchanged"
	}
	return append(doc{articleLine(verb, art)}, changeDoc(ch)...)
}

// isText reports whether data may be a text file: UTF-8 without NUL
// bytes, as corpus.Check requires.
func isText(data []byte) bool {
	return utf8.Valid(data) && bytes.IndexByte(data, 0) < 0
}

// articleLine describes an article added: "Added: Title — Publisher,
// 28 March 2024 (id …)".
func articleLine(verb string, d corpus.Document) block {
	spans := []span{text(verb + ": ")}
	spans = append(spans, sourceSpans(phrasesFor(defaultLanguage), d.ID, d.Title, d.Publisher, d.Date.String())...)
	spans = append(spans, text(" (id "), span{code, d.ID}, text(")"))
	return block{spans: spans}
}

// tooLargeDoc says a file of size bytes (0: unknown) is too large.
func tooLargeDoc(size int64) doc {
	s := "The file is too large"
	if size > 0 {
		s += fmt.Sprintf(" (%d bytes)", size)
	}
	return textDoc(fmt.Sprintf("%s: an article file may have at most %d bytes. Nothing was changed.", s, corpus.MaxFileSize))
}

// reloadFailed logs a failed reload and returns the reply: each bad
// file and its reason, and that the bot keeps serving the current
// corpus.
func (s *session) reloadFailed(userID int64, err error, lib Library) doc {
	serving := fmt.Sprintf("The bot keeps serving the current corpus (%s).", phrasesFor(defaultLanguage).Articles(lib.Stats().Documents))
	bad := corpus.FileErrors(err)
	if len(bad) == 0 {
		s.logger.Error("reload corpus", "user_id", userID, "err", err)
		return doc{
			{spans: []span{text("The reload failed; the log has the cause.")}},
			{spans: []span{text(serving)}, tight: true},
		}
	}
	for _, fe := range bad {
		s.logger.Warn("reload refused: bad article file", "user_id", userID, "file", fe.File, "reason", fe.Err)
	}
	files := "1 bad file"
	if len(bad) > 1 {
		files = strconv.Itoa(len(bad)) + " bad files"
	}
	d := doc{{spans: []span{text("The reload was refused: " + files + " in the corpus directory. Nothing was changed.")}}}
	for i, fe := range bad {
		if i == maxListed {
			d = append(d, block{spans: []span{text(fmt.Sprintf("… and %d more (see the log).", len(bad)-maxListed))}, tight: true})
			break
		}
		d = append(d, block{spans: []span{text("• "), {code, fe.File}, text(": " + fe.Err.Error())}, tight: true})
	}
	return append(d, block{spans: []span{text(serving + " Fix or remove the files, then send /reload again.")}})
}

// changeDoc summarises a reload: the documents and passages before and
// after, the documents added, changed and removed, and the time taken.
func changeDoc(ch knowledge.Change) doc {
	d := doc{
		{spans: []span{text("Corpus reloaded in " + roundDuration(ch.Took).String() + ".")}},
		{spans: []span{text(fmt.Sprintf("Documents: %d → %d; passages: %d → %d.",
			ch.Before.Documents, ch.After.Documents, ch.Before.Passages, ch.After.Passages))}, tight: true},
	}
	for _, list := range []struct {
		label string
		ids   []string
	}{{"Added", ch.Added}, {"Changed", ch.Changed}, {"Removed", ch.Removed}} {
		if len(list.ids) > 0 {
			d = append(d, idList(list.label, list.ids))
		}
	}
	if len(ch.Added)+len(ch.Changed)+len(ch.Removed) == 0 {
		d = append(d, block{spans: []span{text("No article changed.")}, tight: true})
	}
	return d
}

// idList lists document ids after label, at most maxListed of them.
func idList(label string, ids []string) block {
	spans := []span{text(label + ": ")}
	for i, id := range ids {
		if i == maxListed {
			spans = append(spans, text(fmt.Sprintf(" and %d more", len(ids)-maxListed)))
			break
		}
		if i > 0 {
			spans = append(spans, text(", "))
		}
		spans = append(spans, span{code, id})
	}
	return block{spans: spans, tight: true, cut: 3}
}

// roundDuration rounds d for people: to milliseconds, or to
// microseconds below one.
func roundDuration(d time.Duration) time.Duration {
	if d < time.Millisecond {
		return d.Round(time.Microsecond)
	}
	return d.Round(time.Millisecond)
}

// humanBytes returns n bytes for people: "980 bytes", "18.7 KiB",
// "1.0 MiB".
func humanBytes(n int) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d bytes", n)
	case n < 1<<20:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

// statsDoc describes the corpus and the questions answered since the
// start, with the most frequent recent ones that got no answer.
func (s *session) statsDoc() doc {
	en := phrasesFor(defaultLanguage)
	var corpusLine string
	if lib := s.bot.cfg.Library; lib != nil {
		st := lib.Stats()
		corpusLine = fmt.Sprintf("Corpus: %s, %d passages, %s of indexed text.", en.Articles(st.Documents), st.Passages, humanBytes(st.TextBytes))
	} else {
		corpusLine = fmt.Sprintf("Corpus: %s.", en.Articles(len(s.bot.kb.Sources())))
	}
	snap := s.stats.snapshot(topUnanswered)
	total := snap.total()
	d := doc{
		{spans: []span{{bold, "Statistics"}}},
		{spans: []span{text(corpusLine)}},
		{spans: []span{text(fmt.Sprintf("Questions answered: %d (%d in private chats, %d in groups, %d inline — inline queries count as typed).",
			total, snap.answered[askedPrivate], snap.answered[askedGroup], snap.answered[askedInline]))}},
	}
	notFound := fmt.Sprintf("Not found in the articles: %d", snap.notFound)
	if total > 0 {
		notFound += fmt.Sprintf(" (%d%%)", (200*snap.notFound+total)/(2*total))
	}
	d = append(d, block{spans: []span{text(notFound + ".")}, tight: true})
	if len(snap.top) == 0 {
		return append(d, block{spans: []span{text("No unanswered questions yet.")}})
	}
	d = append(d, block{spans: []span{text(fmt.Sprintf("Most frequent unanswered questions (of the last %d):", snap.kept))}})
	for i, q := range snap.top {
		d = append(d, block{spans: []span{text(fmt.Sprintf("%d. ", i+1)), {italic, q.question}, text(fmt.Sprintf(" — %d×", q.count))}, tight: true, cut: 1})
	}
	return d
}

// userCommands are the commands everyone sees in the menu.
func userCommands(p *phrases) []tgbotapi.BotCommand {
	return append([]tgbotapi.BotCommand{
		{Command: "ask", Description: p.AskDescription},
		{Command: "help", Description: p.HelpDescription},
		{Command: "sources", Description: p.SourcesDescription},
	}, viewCommands(p)...)
}

// adminMenu are the commands admins see in the menu of their private
// chat with the bot: everyone's, and the admin commands.
func adminMenu(p *phrases) []tgbotapi.BotCommand {
	return append(userCommands(p),
		tgbotapi.BotCommand{Command: "reload", Description: p.ReloadDescription},
		tgbotapi.BotCommand{Command: "add", Description: p.AddDescription},
		tgbotapi.BotCommand{Command: "stats", Description: p.StatsDescription},
	)
}

// setAdminCommands registers the admin menu, in every language the bot
// speaks, for each admin's private chat (scope chat). Telegram refuses
// it for an admin who has not started the bot ("chat not found"):
// that is logged and the bot carries on. The menu only helps admins
// type; the server-side check (isAdmin) is the guard.
func (s *session) setAdminCommands(ctx context.Context) {
	done := make(map[int64]bool)
	for _, id := range s.bot.cfg.AdminIDs {
		if done[id] {
			continue
		}
		done[id] = true
		for _, lang := range slices.Sorted(maps.Keys(phrasebook)) {
			if ctx.Err() != nil {
				return
			}
			cfg := tgbotapi.NewSetMyCommandsWithScope(tgbotapi.NewBotCommandScopeChat(id), adminMenu(phrasebook[lang])...)
			if lang != defaultLanguage {
				cfg.LanguageCode = lang
			}
			if _, err := s.tg.Request(ctx, "setMyCommands", cfg); err != nil {
				s.logger.Info("admin commands not registered", "admin_id", id, "err", err)
				break // the other languages would fail alike
			}
		}
	}
}
