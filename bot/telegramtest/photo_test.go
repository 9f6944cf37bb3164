package telegramtest

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// pngBytes returns a small PNG image.
func pngBytes(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 3, 2))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestSendPhoto(t *testing.T) {
	s := NewServer(t, token)
	api := client(t, s)
	const chat = 7
	photo := func(file tgbotapi.RequestFileData, caption, mode string) (tgbotapi.Message, error) {
		p := tgbotapi.NewPhoto(chat, file)
		p.Caption, p.ParseMode = caption, mode
		return api.Send(p)
	}
	m, err := photo(tgbotapi.FileBytes{Name: "a.png", Bytes: pngBytes(t)}, "<b>Toll</b> &amp; sources", tgbotapi.ModeHTML)
	if err != nil {
		t.Fatalf("sendPhoto of a PNG: %v", err)
	}
	if len(m.Photo) != 1 || m.Photo[0].Width != 3 || m.Photo[0].Height != 2 || m.Caption != "Toll & sources" {
		t.Errorf("sendPhoto returned %+v, caption %q", m.Photo, m.Caption)
	}
	if c := s.Calls("sendPhoto")[0]; len(c.Files["photo"]) == 0 || c.Get("caption") == "" {
		t.Errorf("the call lacks its file or caption: %+v", c.Params)
	}
	if _, err := photo(tgbotapi.FileID(m.Photo[0].FileID), "", ""); err != nil {
		t.Errorf("sendPhoto of a file_id sent before: %v", err)
	}
	if _, err := api.Send(tgbotapi.NewEditMessageText(chat, m.MessageID, "text")); err == nil || !strings.Contains(err.Error(), "no text") {
		t.Errorf("editMessageText of a photo: %v, want an error", err)
	}
	for _, tt := range []struct {
		name          string
		file          tgbotapi.RequestFileData
		caption, mode string
		want          string
	}{
		{"not an image", tgbotapi.FileBytes{Name: "a.png", Bytes: []byte("not a PNG")}, "", "", "IMAGE_PROCESS_FAILED"},
		{"truncated PNG", tgbotapi.FileBytes{Name: "a.png", Bytes: pngBytes(t)[:40]}, "", "", "IMAGE_PROCESS_FAILED"},
		{"unknown file_id", tgbotapi.FileID("nope"), "", "", "wrong file identifier"},
		{"long caption", tgbotapi.FileBytes{Name: "a.png", Bytes: pngBytes(t)}, strings.Repeat("x", MaxCaptionLen+1), "", "caption is too long"},
		{"long caption once parsed", tgbotapi.FileBytes{Name: "a.png", Bytes: pngBytes(t)}, "<b>" + strings.Repeat("é", MaxCaptionLen+1) + "</b>", tgbotapi.ModeHTML, "caption is too long"},
		{"bad HTML", tgbotapi.FileBytes{Name: "a.png", Bytes: pngBytes(t)}, "a < b", tgbotapi.ModeHTML, "can't parse entities"},
	} {
		_, err := photo(tt.file, tt.caption, tt.mode)
		// tgbotapi v5.5.1 leaves the error code out of the errors of
		// uploads: the status is the call's.
		var apiErr *tgbotapi.Error
		calls := s.Calls("sendPhoto")
		if !errors.As(err, &apiErr) || calls[len(calls)-1].Status != 400 || !strings.Contains(apiErr.Message, tt.want) {
			t.Errorf("%s: %v, want 400 %q", tt.name, err, tt.want)
		}
	}
	// A caption of exactly the limit, once parsed, is fine.
	if _, err := photo(tgbotapi.FileBytes{Name: "a.png", Bytes: pngBytes(t)}, "<i>"+strings.Repeat("&amp;", MaxCaptionLen)+"</i>", tgbotapi.ModeHTML); err != nil {
		t.Errorf("caption of %d characters: %v", MaxCaptionLen, err)
	}
}
