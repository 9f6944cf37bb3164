package bot

import (
	"fmt"
	"strings"
)

// phrases are the words the bot says in one language. Each language of
// phrasebook fills every field.
//
// Fields containing {inline} or {ask} are templates: the renderer puts the
// group usage examples there as code.
type phrases struct {
	Title   string // first line of the help
	About   string // %s: the article count, e.g. "5 articles"
	AskLead string // followed by ExampleQuestion
	// ExampleQuestion is the question suggested in the help.
	ExampleQuestion string
	SourcesCmd      string // describes /sources in the help
	HelpCmd         string // describes /help in the help
	Groups          string // template: how to ask in a group
	QuestionWord    string // placeholder for a question in {inline} and {ask}
	TerminalToken   string // terminal only: how to run it on Telegram
	TerminalQuit    string // terminal only: how to leave

	SourcesHeader string // %s: the article count
	NoSources     string

	SourceLabel string // before the first citation's source line
	// SourceLanguage says the articles are in English, for answers given
	// to questions in another language.
	SourceLanguage string
	AlsoLabel      string // before further sources
	NotFound       string
	Greeting       string   // the reply to a message of greetings or thanks alone, followed by Examples
	TryAsking      string   // followed by Examples
	Examples       []string // questions the corpus can answer

	Failed         string // kb.Answer failed
	UnknownCommand string
	TextOnly       string // a message without text
	AskEmpty       string // /ask without a question
	// SlowDown asks a user who sends too many questions at once to wait;
	// it is said once, then further questions are dropped until the user
	// may ask again.
	SlowDown string

	// Groups and inline mode.
	ShowPassage    string // button under a short answer in a group
	ButtonExpired  string // the button's answer is no longer kept (at most 200 characters)
	VoteThanks     string // a 👍 or 👎 under an answer was recorded (at most 200 characters)
	SwitchPM       string // inline mode: the button leading to a private chat
	InlineNotFound string // inline mode: description of the "not covered" result

	// Admin commands (admin.go). AdminOnly refuses them, and article
	// uploads, to users who are not admins; AdminPrivateOnly tells an
	// admin who uses one in a group to use a private chat.
	AdminOnly        string
	AdminPrivateOnly string

	// Command descriptions for setMyCommands; the admin commands are
	// shown to admins only.
	AskDescription     string
	HelpDescription    string
	SourcesDescription string
	ReloadDescription  string
	AddDescription     string
	StatsDescription   string

	MonthsOf [12]string // month names after a day: "23 March 2024"
	Months   [12]string // month names alone: "March 2024"

	// Articles returns "n articles" with the plural the language needs.
	Articles func(n int) string
}

// phrasebook holds the phrases of each language the bot speaks, keyed by
// language code. It is never modified.
var phrasebook = map[string]*phrases{
	"en": {
		Title:           "Crocus City Hall attack · 22 March 2024",
		About:           "I answer questions about the attack on Crocus City Hall in Krasnogorsk, near Moscow, on 22 March 2024. My answers come from news articles (%s), and I always cite them.",
		AskLead:         "Just ask a question, for example:",
		ExampleQuestion: "Who claimed responsibility?",
		SourcesCmd:      "/sources — the articles I use",
		HelpCmd:         "/help — this help",
		Groups:          "In groups, type {inline} (inline mode) or send {ask}.",
		QuestionWord:    "question",
		TerminalToken:   "Set TELEGRAM_BOT_TOKEN in .env to run it as a Telegram bot.",
		TerminalQuit:    "Press Ctrl-D to quit.",

		SourcesHeader: "My sources (%s):",
		NoSources:     "I have no articles yet.",

		SourceLabel:    "Source: ",
		SourceLanguage: "The sources are in English, so the answer is quoted in English.",
		AlsoLabel:      "Also: ",
		NotFound:       "The articles I have don't cover that.",
		Greeting:       "Hi! Ask me anything about the attack on Crocus City Hall.",
		TryAsking:      "You could ask, for example:",
		Examples: []string{
			"Who claimed responsibility for the attack?",
			"How many people were killed?",
			"What happened to the suspects?",
		},

		Failed:         "Sorry, something went wrong answering that. Please try again.",
		UnknownCommand: "I don't know that command. Send /help to see what I can do.",
		TextOnly:       "Please send your question as text.",
		AskEmpty:       "Put your question after the command, for example: /ask Who claimed responsibility?",
		SlowDown:       "That's a lot of questions at once. Please give me a minute, then ask again.",

		ShowPassage:    "Show the passage",
		ButtonExpired:  "This answer has expired. Please ask again.",
		VoteThanks:     "Thanks for the feedback!",
		SwitchPM:       "Ask me in a private chat",
		InlineNotFound: "Try asking another way.",

		AdminOnly:        "Sorry, only the bot's administrators can do that.",
		AdminPrivateOnly: "Admin commands work only in a private chat with me.",

		AskDescription:     "Ask a question about the attack",
		HelpDescription:    "What I know and how to ask",
		SourcesDescription: "The articles I use",
		ReloadDescription:  "Admin: reload the articles from the corpus directory",
		AddDescription:     "Admin: add an article (or send it as a file)",
		StatsDescription:   "Admin: corpus and question statistics",

		MonthsOf: [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
		Months:   [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
		Articles: func(n int) string {
			if n == 1 {
				return "1 article"
			}
			return fmt.Sprintf("%d articles", n)
		},
	},
	"ru": {
		Title:           "Теракт в «Крокус Сити Холле» · 22 марта 2024",
		About:           "Я отвечаю на вопросы о теракте в «Крокус Сити Холле» в Красногорске под Москвой 22 марта 2024 года. Мои ответы основаны на новостных статьях (%s), и я всегда указываю источник.",
		AskLead:         "Просто задайте вопрос, например:",
		ExampleQuestion: "Кто взял на себя ответственность?",
		SourcesCmd:      "/sources — статьи, которые я использую",
		HelpCmd:         "/help — эта справка",
		Groups:          "В группах наберите {inline} (встроенный режим) или отправьте {ask}.",
		QuestionWord:    "вопрос",
		TerminalToken:   "Чтобы запустить меня как Telegram-бота, укажите TELEGRAM_BOT_TOKEN в .env.",
		TerminalQuit:    "Ctrl-D — выход.",

		SourcesHeader: "Мои источники (%s):",
		NoSources:     "У меня пока нет статей.",

		SourceLabel:    "Источник: ",
		SourceLanguage: "Источники на английском языке, поэтому ответ приведён по-английски.",
		AlsoLabel:      "Также: ",
		NotFound:       "В моих статьях об этом ничего нет.",
		Greeting:       "Здравствуйте! Спросите меня о теракте в «Крокус Сити Холле».",
		TryAsking:      "Можно спросить, например:",
		Examples: []string{
			"Кто взял на себя ответственность за теракт?",
			"Сколько человек погибло?",
			"Что известно о задержанных?",
		},

		Failed:         "Извините, не удалось ответить на вопрос. Попробуйте ещё раз.",
		UnknownCommand: "Я не знаю такой команды. Отправьте /help, чтобы узнать, что я умею.",
		TextOnly:       "Пожалуйста, напишите вопрос текстом.",
		AskEmpty:       "Напишите вопрос после команды, например: /ask Кто взял на себя ответственность?",
		SlowDown:       "Слишком много вопросов сразу. Подождите минуту и спросите снова.",

		ShowPassage:    "Показать цитату",
		ButtonExpired:  "Этот ответ устарел. Пожалуйста, спросите ещё раз.",
		VoteThanks:     "Спасибо за отзыв!",
		SwitchPM:       "Спросить в личном чате",
		InlineNotFound: "Попробуйте спросить иначе.",

		AdminOnly:        "Извините, это могут делать только администраторы бота.",
		AdminPrivateOnly: "Команды администратора работают только в личном чате со мной.",

		AskDescription:     "Задать вопрос о теракте",
		HelpDescription:    "Что я знаю и как спрашивать",
		SourcesDescription: "Статьи, которые я использую",
		ReloadDescription:  "Админ: перечитать статьи из каталога корпуса",
		AddDescription:     "Админ: добавить статью (или отправьте файл)",
		StatsDescription:   "Админ: статистика корпуса и вопросов",

		MonthsOf: [12]string{"января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"},
		Months:   [12]string{"январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь"},
		Articles: func(n int) string {
			return fmt.Sprintf("%d %s", n, slavicPlural(n, "статья", "статьи", "статей"))
		},
	},
	"uk": {
		Title:           "Теракт у «Крокус Сіті Холі» · 22 березня 2024",
		About:           "Я відповідаю на запитання про теракт у «Крокус Сіті Холі» в Красногорську під Москвою 22 березня 2024 року. Мої відповіді ґрунтуються на новинних статтях (%s), і я завжди вказую джерело.",
		AskLead:         "Просто поставте запитання, наприклад:",
		ExampleQuestion: "Хто взяв на себе відповідальність?",
		SourcesCmd:      "/sources — статті, які я використовую",
		HelpCmd:         "/help — ця довідка",
		Groups:          "У групах наберіть {inline} (вбудований режим) або надішліть {ask}.",
		QuestionWord:    "запитання",
		TerminalToken:   "Щоб запустити мене як Telegram-бота, вкажіть TELEGRAM_BOT_TOKEN у .env.",
		TerminalQuit:    "Ctrl-D — вихід.",

		SourcesHeader: "Мої джерела (%s):",
		NoSources:     "У мене поки немає статей.",

		SourceLabel:    "Джерело: ",
		SourceLanguage: "Джерела англійською мовою, тому відповідь наведено англійською.",
		AlsoLabel:      "Також: ",
		NotFound:       "У моїх статтях про це нічого немає.",
		Greeting:       "Вітаю! Запитайте мене про теракт у «Крокус Сіті Голі».",
		TryAsking:      "Можна запитати, наприклад:",
		Examples: []string{
			"Хто взяв на себе відповідальність за теракт?",
			"Скільки людей загинуло?",
			"Що відомо про затриманих?",
		},

		Failed:         "Вибачте, не вдалося відповісти на запитання. Спробуйте ще раз.",
		UnknownCommand: "Я не знаю такої команди. Надішліть /help, щоб дізнатися, що я вмію.",
		TextOnly:       "Будь ласка, напишіть запитання текстом.",
		AskEmpty:       "Напишіть запитання після команди, наприклад: /ask Хто взяв на себе відповідальність?",
		SlowDown:       "Забагато запитань одразу. Зачекайте хвилину й запитайте знову.",

		ShowPassage:    "Показати цитату",
		ButtonExpired:  "Ця відповідь застаріла. Будь ласка, запитайте ще раз.",
		VoteThanks:     "Дякуємо за відгук!",
		SwitchPM:       "Запитати в особистому чаті",
		InlineNotFound: "Спробуйте запитати інакше.",

		AdminOnly:        "Вибачте, це можуть робити лише адміністратори бота.",
		AdminPrivateOnly: "Команди адміністратора працюють лише в особистому чаті зі мною.",

		AskDescription:     "Поставити запитання про теракт",
		HelpDescription:    "Що я знаю і як питати",
		SourcesDescription: "Статті, які я використовую",
		ReloadDescription:  "Адмін: перечитати статті з каталогу корпусу",
		AddDescription:     "Адмін: додати статтю (або надішліть файл)",
		StatsDescription:   "Адмін: статистика корпусу та запитань",

		MonthsOf: [12]string{"січня", "лютого", "березня", "квітня", "травня", "червня", "липня", "серпня", "вересня", "жовтня", "листопада", "грудня"},
		Months:   [12]string{"січень", "лютий", "березень", "квітень", "травень", "червень", "липень", "серпень", "вересень", "жовтень", "листопад", "грудень"},
		Articles: func(n int) string {
			return fmt.Sprintf("%d %s", n, slavicPlural(n, "стаття", "статті", "статей"))
		},
	},
}

// defaultLanguage is spoken when the user's language has no phrases.
const defaultLanguage = "en"

// language returns the phrasebook key for an IETF language tag such as
// "ru", "uk" or "en-US"; unknown languages get defaultLanguage.
func language(code string) string {
	code, _, _ = strings.Cut(strings.ToLower(strings.TrimSpace(code)), "-")
	if _, ok := phrasebook[code]; ok {
		return code
	}
	return defaultLanguage
}

// phrasesFor returns the phrases for the language code.
func phrasesFor(code string) *phrases { return phrasebook[language(code)] }

// slavicPlural picks the Russian or Ukrainian plural form for n: one (1,
// 21, 31...), few (2-4, 22-24...) or many (0, 5-20, 25-30...).
func slavicPlural(n int, one, few, many string) string {
	n %= 100
	if n < 0 {
		n = -n
	}
	switch {
	case n%10 == 1 && n != 11:
		return one
	case n%10 >= 2 && n%10 <= 4 && (n < 12 || n > 14):
		return few
	}
	return many
}
