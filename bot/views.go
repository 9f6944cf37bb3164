package bot

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"eventbot/bot/telegram"
	"eventbot/knowledge"
	"eventbot/knowledge/glance"
)

// The event at a glance, from the digest the knowledge base builds with
// each corpus (package glance), so a reload or an added article shows in
// them at once:
//
//   - /timeline: the dated statements in order, "date — statement
//     (source, date)", on pages turned with ◀ ▶ buttons that edit the
//     message in place;
//   - /claims [party]: the accounts of who is behind the attack side by
//     side, then what each party said, with its source; a party narrows
//     it to the parties it names;
//   - /toll: the chart of the reported toll (sendPhoto) with a caption
//     naming the articles; a "📈 chart" button under any answer that
//     quotes a reported figure sends it too.
//
// In groups the timeline and the claims are short, with a button that
// turns the message into the first page. Inline, "@bot timeline",
// "@bot claims [party]" and "@bot toll" (or the words of the user's
// language) offer the pages as results. On a terminal the views print
// whole, and /toll writes the chart to a file (Terminal).
//
// The buttons carry all they need in their callback data (viewRef):
// no state is kept, so they work across restarts, and a button made
// from other articles than those served answers "expired".

// A digester is a knowledge base that also gives the event at a glance
// of the articles it serves, as *knowledge.Live does. The views are
// offered when the bot's Knowledge is one.
type digester interface {
	Digest() *glance.Digest
}

// digest returns the event at a glance of the served articles, or nil
// when the knowledge base gives none.
func (s *session) digest() *glance.Digest {
	if d, ok := s.bot.kb.(digester); ok {
		return d.Digest()
	}
	return nil
}

// viewPhrases are the words of the views in one language. Each language
// of phrasebook has them (viewPhrasebook). The articles' own words —
// statements, party names, dates as glance gives them — stay in English.
type viewPhrases struct {
	// Titles of the views, and of the accounts of who is behind it.
	TimelineTitle, ClaimsTitle, TollTitle, BlameTitle string
	// Blames and Denies are templates of an account: {party} says
	// {culprit} is behind it, or denies it.
	Blames, Denies string
	// NoParty is a template: no party matches {query}; the parties
	// follow.
	NoParty string
	// What the views say when the articles have nothing for them.
	NoTimeline, NoClaims, NoToll string
	// Unavailable: the knowledge base gives no digest. Expired: a button
	// made from other articles (at most 200 characters).
	Unavailable, Expired string
	// Buttons.
	More, Prev, Next, Chart string
	// ChartSaved tells where the terminal wrote the chart (%s).
	ChartSaved string
	// The toll table's headings and kinds of figures.
	Figure, Value, Reported, Sources, Killed, Wounded string
	// Inline queries in this language that name the views, besides the
	// English ones.
	TimelineWord, ClaimsWord, TollWord string
	// Lines of the help, and descriptions in the command menu.
	TimelineHelp, ClaimsHelp, TollHelp string
	TimelineMenu, ClaimsMenu, TollMenu string
	// Titles of inline results, and the description of the toll's.
	InlineTimeline, InlineClaims, InlineToll, InlineTollCaption string
	// Statements counts a party's statements: "12 statements".
	Statements func(n int) string
	// MoreEntries and MoreParties say how much more a short view leaves
	// out: "… and 29 more".
	MoreEntries, MoreParties func(n int) string
}

// viewPhrasebook holds the view phrases of each phrasebook language.
var viewPhrasebook = map[*phrases]*viewPhrases{
	phrasebook["en"]: {
		TimelineTitle: "Timeline of the attack",
		ClaimsTitle:   "Who says what",
		BlameTitle:    "Who is behind the attack, by account:",
		TollTitle:     "Reported toll, by date of report",
		Blames:        "{party} → {culprit}",
		Denies:        "{party} denies: {culprit}",
		NoParty:       "No party in the articles matches {query}. The parties are:",
		NoTimeline:    "The articles hold no dated statements.",
		NoClaims:      "The articles attribute no statements to anyone.",
		NoToll:        "The articles report no figures for the toll.",
		Unavailable:   "This view is not available on this bot.",
		Expired:       "This view is out of date: the articles have changed. Please send the command again.",
		More:          "More ▶",
		Prev:          "◀",
		Next:          "▶",
		Chart:         "📈 chart",
		ChartSaved:    "Chart of the toll written to %s",
		Figure:        "Figure",
		Value:         "Value",
		Reported:      "Reported",
		Sources:       "Sources",
		Killed:        "killed",
		Wounded:       "wounded",
		TimelineWord:  "timeline",
		ClaimsWord:    "claims",
		TollWord:      "toll",
		TimelineHelp:  "/timeline — what happened, in order, with sources",
		ClaimsHelp:    "/claims — who says what (/claims ukraine: one party)",
		TollHelp:      "/toll — a chart of the reported toll",
		TimelineMenu:  "The event in order, with sources",
		ClaimsMenu:    "Who says what, and who they blame",
		TollMenu:      "Chart of the reported toll",
		Statements: func(n int) string {
			if n == 1 {
				return "1 statement"
			}
			return fmt.Sprintf("%d statements", n)
		},
		MoreEntries: func(n int) string { return fmt.Sprintf("… and %d more", n) },
		MoreParties: func(n int) string {
			if n == 1 {
				return "… and what 1 party said"
			}
			return fmt.Sprintf("… and what %d parties said", n)
		},
		InlineTimeline:    "Timeline",
		InlineClaims:      "Who says what",
		InlineToll:        "Reported toll",
		InlineTollCaption: "Killed and wounded as reported, with sources",
	},
	phrasebook["ru"]: {
		TimelineTitle: "Хронология теракта",
		ClaimsTitle:   "Кто что говорит",
		BlameTitle:    "Кто стоит за терактом — по версиям сторон:",
		TollTitle:     "Число жертв по сообщениям, по дате сообщения",
		Blames:        "{party} → {culprit}",
		Denies:        "{party} отрицает: {culprit}",
		NoParty:       "В статьях нет стороны, подходящей под {query}. Стороны:",
		NoTimeline:    "В статьях нет датированных сообщений.",
		NoClaims:      "В статьях нет высказываний с указанием автора.",
		NoToll:        "В статьях нет данных о числе жертв.",
		Unavailable:   "Этот раздел недоступен в этом боте.",
		Expired:       "Эти данные устарели: статьи изменились. Отправьте команду ещё раз.",
		More:          "Ещё ▶",
		Prev:          "◀",
		Next:          "▶",
		Chart:         "📈 график",
		ChartSaved:    "График числа жертв записан в %s",
		Figure:        "Что",
		Value:         "Число",
		Reported:      "Когда сообщено",
		Sources:       "Источники",
		Killed:        "погибли",
		Wounded:       "ранены",
		TimelineWord:  "хронология",
		ClaimsWord:    "заявления",
		TollWord:      "жертвы",
		TimelineHelp:  "/timeline — что произошло, по порядку, с источниками",
		ClaimsHelp:    "/claims — кто что говорит (/claims ukraine — одна сторона)",
		TollHelp:      "/toll — график числа жертв",
		TimelineMenu:  "События по порядку, с источниками",
		ClaimsMenu:    "Кто что говорит и кого обвиняет",
		TollMenu:      "График числа жертв",
		Statements: func(n int) string {
			return fmt.Sprintf("%d %s", n, slavicPlural(n, "высказывание", "высказывания", "высказываний"))
		},
		MoreEntries: func(n int) string { return fmt.Sprintf("… и ещё %d", n) },
		MoreParties: func(n int) string {
			return fmt.Sprintf("… и высказывания %d %s", n, slavicPlural(n, "стороны", "сторон", "сторон"))
		},
		InlineTimeline:    "Хронология",
		InlineClaims:      "Кто что говорит",
		InlineToll:        "Число жертв",
		InlineTollCaption: "Погибшие и раненые по сообщениям, с источниками",
	},
	phrasebook["uk"]: {
		TimelineTitle: "Хронологія теракту",
		ClaimsTitle:   "Хто що каже",
		BlameTitle:    "Хто стоїть за терактом — за версіями сторін:",
		TollTitle:     "Кількість жертв за повідомленнями, за датою повідомлення",
		Blames:        "{party} → {culprit}",
		Denies:        "{party} заперечує: {culprit}",
		NoParty:       "У статтях немає сторони, що відповідає {query}. Сторони:",
		NoTimeline:    "У статтях немає датованих повідомлень.",
		NoClaims:      "У статтях немає висловлювань із зазначенням автора.",
		NoToll:        "У статтях немає даних про кількість жертв.",
		Unavailable:   "Цей розділ недоступний у цьому боті.",
		Expired:       "Ці дані застаріли: статті змінилися. Надішліть команду ще раз.",
		More:          "Ще ▶",
		Prev:          "◀",
		Next:          "▶",
		Chart:         "📈 графік",
		ChartSaved:    "Графік кількості жертв записано в %s",
		Figure:        "Що",
		Value:         "Число",
		Reported:      "Коли повідомлено",
		Sources:       "Джерела",
		Killed:        "загинули",
		Wounded:       "поранені",
		TimelineWord:  "хронологія",
		ClaimsWord:    "заяви",
		TollWord:      "жертви",
		TimelineHelp:  "/timeline — що сталося, по порядку, з джерелами",
		ClaimsHelp:    "/claims — хто що каже (/claims ukraine — одна сторона)",
		TollHelp:      "/toll — графік кількості жертв",
		TimelineMenu:  "Події по порядку, з джерелами",
		ClaimsMenu:    "Хто що каже і кого звинувачує",
		TollMenu:      "Графік кількості жертв",
		Statements: func(n int) string {
			return fmt.Sprintf("%d %s", n, slavicPlural(n, "висловлювання", "висловлювання", "висловлювань"))
		},
		MoreEntries: func(n int) string { return fmt.Sprintf("… і ще %d", n) },
		MoreParties: func(n int) string {
			return fmt.Sprintf("… і висловлювання %d %s", n, slavicPlural(n, "сторони", "сторін", "сторін"))
		},
		InlineTimeline:    "Хронологія",
		InlineClaims:      "Хто що каже",
		InlineToll:        "Кількість жертв",
		InlineTollCaption: "Загиблі та поранені за повідомленнями, з джерелами",
	},
}

// viewsFor returns the view phrases of the language code.
func viewsFor(code string) (*viewPhrases, *phrases) {
	p := phrasesFor(code)
	return viewPhrasebook[p], p
}

// viewCommands are the views' entries of the command menu.
func viewCommands(p *phrases) []tgbotapi.BotCommand {
	vp := viewPhrasebook[p]
	return []tgbotapi.BotCommand{
		{Command: "timeline", Description: vp.TimelineMenu},
		{Command: "claims", Description: vp.ClaimsMenu},
		{Command: "toll", Description: vp.TollMenu},
	}
}

// viewsHelp are the help's lines about the views, if the bot has them.
func (s *session) viewsHelp(p *phrases) []block {
	if s.digest() == nil {
		return nil
	}
	vp := viewPhrasebook[p]
	return []block{
		{spans: []span{text(vp.TimelineHelp)}},
		{spans: []span{text(vp.ClaimsHelp)}, tight: true},
		{spans: []span{text(vp.TollHelp)}, tight: true},
	}
}

// The kinds of views, as their buttons name them.
const (
	timelineView = 't'
	claimsView   = 'c'
	chartView    = 'p'
)

const (
	// viewPrefix starts the callback data of the views' buttons.
	viewPrefix = "g:"
	// maxQueryBytes bounds the party a claims button carries, so that
	// its data stays within Telegram's 64 bytes.
	maxQueryBytes = 40
)

// A viewRef is what a view's button names: a page of a view, in a
// language, of the digest of a version (digestVersion), for the claims
// narrowed by a query. Its callback data is "g:t:2:en:1a2b3c4d:" —
// at most 64 bytes.
type viewRef struct {
	kind    byte
	page    int
	lang    string
	version string
	query   string
}

func (v viewRef) data() string {
	return fmt.Sprintf("%s%c:%d:%s:%s:%s", viewPrefix, v.kind, v.page, v.lang, v.version, v.query)
}

// parseViewRef reads a view button's callback data; ok is false when
// data is no such thing.
func parseViewRef(data string) (v viewRef, ok bool) {
	rest, ok := strings.CutPrefix(data, viewPrefix)
	parts := strings.SplitN(rest, ":", 5)
	if !ok || len(parts) != 5 || len(parts[0]) != 1 {
		return viewRef{}, false
	}
	page, err := strconv.Atoi(parts[1])
	if err != nil || page < 0 {
		return viewRef{}, false
	}
	return viewRef{kind: parts[0][0], page: page, lang: parts[2], version: parts[3], query: parts[4]}, true
}

// pages returns the pages v names, from d.
func (v viewRef) pages(d *glance.Digest) []doc {
	vp, p := viewsFor(v.lang)
	if v.kind == claimsView {
		return claimsPages(vp, p, d, v.query)
	}
	return timelinePages(vp, p, d)
}

// pager returns the ◀ ▶ buttons under page v.page of n, or nil when
// there is one page.
func (v viewRef) pager(n int) *tgbotapi.InlineKeyboardMarkup {
	if n < 2 {
		return nil
	}
	vp, _ := viewsFor(v.lang)
	var row []tgbotapi.InlineKeyboardButton
	if v.page > 0 {
		prev := v
		prev.page--
		row = append(row, tgbotapi.NewInlineKeyboardButtonData(vp.Prev, prev.data()))
	}
	if v.page < n-1 {
		next := v
		next.page++
		row = append(row, tgbotapi.NewInlineKeyboardButtonData(vp.Next, next.data()))
	}
	kb := tgbotapi.NewInlineKeyboardMarkup(row)
	return &kb
}

// keyboardOf returns a keyboard of one row of buttons.
func keyboardOf(buttons ...tgbotapi.InlineKeyboardButton) *tgbotapi.InlineKeyboardMarkup {
	kb := tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(buttons...))
	return &kb
}

// timeline shows the timeline: whole on a terminal, short with a
// button in a group, else its first page.
func (s *session) timeline(ctx context.Context, r request) response {
	return s.pagedView(r, timelineView, "")
}

// claims shows who says what, narrowed to the party in r.args if any.
func (s *session) claims(ctx context.Context, r request) response {
	return s.pagedView(r, claimsView, claimsQuery(r.args))
}

// pagedView shows the view of kind for r.
func (s *session) pagedView(r request, kind byte, query string) response {
	lang := language(r.lang)
	vp, p := viewsFor(lang)
	d := s.digest()
	if d == nil {
		return response{doc: textDoc(vp.Unavailable), quote: true}
	}
	ref := viewRef{kind: kind, lang: lang, version: digestVersion(d), query: query}
	switch r.scope {
	case inTerminal:
		if kind == claimsView {
			return response{doc: claimsDoc(vp, p, d, query)}
		}
		return response{doc: timelineDoc(vp, p, d)}
	case inGroup:
		short := timelineShort(vp, p, d)
		if kind == claimsView {
			short = claimsShort(vp, p, d, query)
		}
		if full := ref.pages(d); len(full) > 1 || full[0].len() > short.len() {
			return response{doc: short, keyboard: keyboardOf(tgbotapi.NewInlineKeyboardButtonData(vp.More, ref.data())), quote: true}
		}
		return response{doc: short, quote: true}
	}
	pages := ref.pages(d)
	return response{doc: pages[0], keyboard: ref.pager(len(pages)), quote: true}
}

// toll sends the chart of the reported toll with its caption; on a
// terminal, the figures as a table (the terminal writes the chart to a
// file).
func (s *session) toll(ctx context.Context, r request) response {
	vp, p := viewsFor(r.lang)
	d := s.digest()
	if d == nil {
		return response{doc: textDoc(vp.Unavailable), quote: true}
	}
	if len(d.Toll) == 0 {
		return response{doc: textDoc(vp.NoToll), quote: true}
	}
	var png bytes.Buffer
	if err := d.TollChart(&png); err != nil {
		s.logger.Error("draw the toll chart", "chat_id", r.chatID, "err", err)
		return response{doc: textDoc(p.Failed), quote: true}
	}
	caption := tollCaption(vp, d)
	if r.scope == inTerminal {
		caption = tollTable(vp, p, d)
	}
	return response{doc: caption, photo: png.Bytes(), quote: true}
}

// chartFile is the name the chart is sent with.
const chartFile = "toll.png"

// terminalChart is the file a terminal's /toll writes the chart to, in
// the directory for temporary files (os.TempDir).
const terminalChart = "eventbot-toll.png"

// saveChart writes the chart png to terminalChart, replacing it whole,
// and returns the line that says where; or, if that fails, that it
// failed.
func saveChart(logger *slog.Logger, png []byte) block {
	vp, p := viewsFor(defaultLanguage)
	path := filepath.Join(os.TempDir(), terminalChart)
	if err := writeFileAtomic(path, png); err != nil {
		logger.Error("write the toll chart", "file", path, "err", err)
		return block{spans: []span{text(p.Failed)}}
	}
	return block{spans: []span{text(fmt.Sprintf(vp.ChartSaved, path))}}
}

// writeFileAtomic writes data to path through a temporary file renamed
// over it, so that a reader never sees half a file.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// sendView sends resp, a view, in answer to msg: a photo with its
// caption, or a message with buttons.
func (s *session) sendView(ctx context.Context, msg *tgbotapi.Message, resp response) {
	replyTo := 0
	if resp.quote {
		replyTo = msg.MessageID
	}
	if resp.photo != nil {
		caption := renderHTML(fit(resp.doc, telegram.MaxCaptionLen))
		s.send(ctx, msg.Chat.ID, msg.Chat.Type, telegram.PhotoMessage(msg.Chat.ID, chartFile, resp.photo, caption, replyTo, resp.keyboard))
		return
	}
	s.send(ctx, msg.Chat.ID, msg.Chat.Type, telegram.HTMLMessage(msg.Chat.ID, renderHTML(fit(resp.doc, maxMessageLen)), replyTo, resp.keyboard))
}

// viewCallback handles a press of a view's button, and reports whether
// cq was one: ◀ ▶ and "More" edit the message into the page they name;
// "📈 chart" sends the chart. A button made from other articles than
// those served, or for a page there is no longer, answers that the view
// is out of date.
func (s *session) viewCallback(ctx context.Context, cq *tgbotapi.CallbackQuery) bool {
	ref, ok := parseViewRef(cq.Data)
	if !ok {
		return false
	}
	vp, _ := viewsFor(ref.lang)
	msg := cq.Message
	d := s.digest()
	if msg == nil || msg.Chat == nil || d == nil {
		s.answerCallback(ctx, cq, vp.Expired)
		return true
	}
	if ref.kind == chartView {
		resp := s.toll(ctx, request{scope: inPrivate, chatID: msg.Chat.ID, lang: ref.lang})
		resp.quote = true
		s.sendView(ctx, msg, resp)
		s.answerCallback(ctx, cq, "")
		return true
	}
	var pages []doc
	if ref.version == digestVersion(d) {
		pages = ref.pages(d)
	}
	if ref.page >= len(pages) {
		s.logger.Debug("callback for a view of other articles", "callback_id", cq.ID)
		s.answerCallback(ctx, cq, vp.Expired)
		return true
	}
	s.editPressed(ctx, cq, pages[ref.page], ref.pager(len(pages)), phrasesFor(ref.lang).Failed)
	return true
}

// chartButton returns the "📈 chart" button for an answer about the
// toll, or nil: one whose short answer (Lead or Text) gives a figure of
// the reported toll, from an article that reports it.
func (s *session) chartButton(lang string, a knowledge.Answer) *tgbotapi.InlineKeyboardButton {
	d := s.digest()
	if d == nil || !a.Found || len(d.Toll) == 0 {
		return nil
	}
	cited := make(map[string]bool)
	for _, c := range a.Citations {
		cited[c.Doc] = true
	}
	numbers := numbersIn(a.Lead + " " + a.Text)
	for _, pt := range d.Toll {
		if !numbers[pt.Value] {
			continue
		}
		for _, src := range pt.Sources {
			if cited[src.DocID] {
				vp, _ := viewsFor(lang)
				b := tgbotapi.NewInlineKeyboardButtonData(vp.Chart, viewRef{kind: chartView, lang: language(lang)}.data())
				return &b
			}
		}
	}
	return nil
}

// withChart returns keyboard with a row of the chart button added, if
// chart is not nil; keyboard may be nil.
func withChart(keyboard *tgbotapi.InlineKeyboardMarkup, chart *tgbotapi.InlineKeyboardButton) *tgbotapi.InlineKeyboardMarkup {
	if chart == nil {
		return keyboard
	}
	if keyboard == nil {
		return keyboardOf(*chart)
	}
	k := *keyboard
	k.InlineKeyboard = append(slices.Clip(k.InlineKeyboard), tgbotapi.NewInlineKeyboardRow(*chart))
	return &k
}

// numbersIn returns the whole numbers written in digits in s.
func numbersIn(s string) map[int]bool {
	nums := make(map[int]bool)
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsDigit(r) && r != ',' }) {
		if n, err := strconv.Atoi(strings.ReplaceAll(strings.Trim(f, ","), ",", "")); err == nil {
			nums[n] = true
		}
	}
	return nums
}

// inlineView answers an inline query that is a view's name —
// "timeline", "claims [party]", "toll", in English or the user's
// language — with the view's pages as results; ok is false for any
// other query. The chart is not offered inline: a photo result needs a
// URL or a file already on Telegram.
func (s *session) inlineView(q *tgbotapi.InlineQuery) (cfg tgbotapi.InlineConfig, ok bool) {
	lang := language(userLanguage(q.From))
	vp, p := viewsFor(lang)
	en := viewPhrasebook[phrasebook[defaultLanguage]]
	word, rest, _ := strings.Cut(strings.TrimSpace(q.Query), " ")
	word = strings.ToLower(strings.TrimPrefix(word, "/"))
	d := s.digest()
	if d == nil {
		return cfg, false
	}
	cfg = tgbotapi.InlineConfig{CacheTime: inlineCacheTime, IsPersonal: true}
	switch rest = strings.TrimSpace(rest); {
	case rest == "" && (word == en.TimelineWord || word == vp.TimelineWord):
		cfg.Results = pageResults("t", vp.InlineTimeline, timelinePages(vp, p, d))
	case word == en.ClaimsWord || word == vp.ClaimsWord:
		cfg.Results = pageResults("c", vp.InlineClaims, claimsPages(vp, p, d, claimsQuery(rest)))
	case rest == "" && (word == en.TollWord || word == vp.TollWord):
		var body doc
		if len(d.Toll) == 0 {
			body = textDoc(vp.NoToll)
		} else {
			body = tollCaption(vp, d)
		}
		cfg.Results = []any{article("toll", vp.InlineToll, vp.InlineTollCaption, body)}
	default:
		return cfg, false
	}
	return cfg, true
}

// pageResults returns each page as an inline result, titled "title
// (i/n)" and described by the lines under its header.
func pageResults(id, title string, pages []doc) []any {
	results := make([]any, 0, min(len(pages), maxInlineResults))
	for i, page := range pages {
		if i == maxInlineResults {
			break
		}
		t := title
		if len(pages) > 1 {
			t += fmt.Sprintf(" (%d/%d)", i+1, len(pages))
		}
		under := page
		if len(page) > 1 {
			under = page[1:]
		}
		results = append(results, article(id+strconv.Itoa(i), t, renderPlain(under), page))
	}
	return results
}
