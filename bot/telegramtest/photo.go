package telegramtest

import (
	"bytes"
	"image"
	_ "image/jpeg" // photos may be JPEG
	_ "image/png"  // or PNG
	"net/http"
	"strconv"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Limits of photos, as Telegram enforces them.
const (
	// MaxCaptionLen is the most characters a caption holds after entity
	// parsing (UTF-16 code units).
	MaxCaptionLen = 1024
	// MaxPhotoSize is the most bytes of a photo uploaded with sendPhoto.
	MaxPhotoSize = 10 << 20
)

// sendPhoto checks a photo as Telegram does — an uploaded file that
// decodes as an image of at most MaxPhotoSize bytes, or the file_id of a
// photo sent before; a caption that parses and holds at most
// MaxCaptionLen characters — and sends it. The Message it returns has
// one PhotoSize whose file_id a later sendPhoto may name.
func (s *Server) sendPhoto(w http.ResponseWriter, c *Call) {
	chatID := c.Int("chat_id")
	if chatID == 0 {
		s.fail(w, c, http.StatusBadRequest, "Bad Request: chat not found", 0)
		return
	}
	var size tgbotapi.PhotoSize
	data, uploaded := c.Files["photo"]
	switch {
	case uploaded && len(data) > MaxPhotoSize:
		s.fail(w, c, http.StatusBadRequest, "Bad Request: PHOTO_SAVE_FILE_INVALID", 0)
		return
	case uploaded:
		cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
		if err == nil {
			_, _, err = image.Decode(bytes.NewReader(data))
		}
		if err != nil {
			s.fail(w, c, http.StatusBadRequest, "Bad Request: IMAGE_PROCESS_FAILED", 0)
			return
		}
		size = tgbotapi.PhotoSize{Width: cfg.Width, Height: cfg.Height, FileSize: len(data)}
	default:
		s.mu.Lock()
		f, ok := s.files[c.Get("photo")]
		s.mu.Unlock()
		if c.Get("photo") == "" || !ok || !strings.HasPrefix(f.path, "photos/") {
			s.fail(w, c, http.StatusBadRequest, "Bad Request: wrong file identifier/HTTP URL specified", 0)
			return
		}
		size = tgbotapi.PhotoSize{FileSize: len(f.data)}
		if cfg, _, err := image.DecodeConfig(bytes.NewReader(f.data)); err == nil {
			size.Width, size.Height = cfg.Width, cfg.Height
		}
		data = f.data
	}
	caption, problem := validCaption(c.Get("caption"), c.Get("parse_mode"))
	if problem != "" {
		s.fail(w, c, http.StatusBadRequest, problem, 0)
		return
	}
	// A photo message has no text: editMessageText refuses it.
	m, ok := s.sent(w, c, chatID, storedMessage{markup: c.Get("reply_markup"), photo: true})
	if !ok {
		return
	}
	size.FileID = "photo" + strconv.Itoa(m.MessageID)
	size.FileUniqueID = "u" + size.FileID
	s.mu.Lock()
	s.files[size.FileID] = storedFile{path: "photos/" + size.FileID + ".png", data: data, size: len(data)}
	s.mu.Unlock()
	m.Caption, m.Photo = caption, []tgbotapi.PhotoSize{size}
	s.ok(w, c, m)
}

// validCaption checks a caption as Telegram does for parseMode and
// returns its visible form, or a Bot API error description.
func validCaption(caption, parseMode string) (string, string) {
	if caption == "" {
		return "", ""
	}
	visible, problem := validText(caption, parseMode)
	switch {
	case problem == "Bad Request: message text is empty":
		return "", ""
	case problem != "" && !strings.Contains(problem, "too long"):
		return "", problem
	case problem != "" || Len(visible) > MaxCaptionLen:
		return "", "Bad Request: message caption is too long"
	}
	return visible, ""
}
