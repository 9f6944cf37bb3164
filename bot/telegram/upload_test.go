package telegram

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"eventbot/bot/telegramtest"
)

func TestSplitUploads(t *testing.T) {
	m := PhotoMessage(5, "toll.png", []byte{0, 1, 2, 255}, "<b>c</b>", 7, nil)
	params, files, err := splitUploads(m.Params)
	if err != nil || len(files) != 1 || files[0].Name != "photo" {
		t.Fatalf("splitUploads: %v, %+v", err, files)
	}
	fb, ok := files[0].Data.(tgbotapi.FileBytes)
	if !ok || fb.Name != "toll.png" || !bytes.Equal(fb.Bytes, []byte{0, 1, 2, 255}) {
		t.Errorf("file %+v", files[0].Data)
	}
	for k := range params {
		if strings.HasPrefix(k, uploadParam) {
			t.Errorf("params keep %q", k)
		}
	}
	if params["caption"] != "<b>c</b>" || params["chat_id"] != "5" || len(m.Params) != len(params)+1 {
		t.Errorf("params %v from %v", params, m.Params)
	}
	if _, _, err := splitUploads(map[string]string{uploadParam + "photo:x.png": "not base64!"}); err == nil {
		t.Error("splitUploads took a file that is not base64")
	}
}

// TestDeliverPhoto sends photos through Deliver to the fake Bot API
// server: the file goes up as multipart, and a refusal keeps its error
// code (tgbotapi leaves it out of the errors of uploads).
func TestDeliverPhoto(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	c := &Client{Logger: slog.New(slog.DiscardHandler), Token: testToken, Endpoint: srv.Endpoint(), HTTP: http.DefaultClient, Sleep: Sleep, Attempts: 1}
	if _, err := c.Connect(context.Background()); err != nil {
		t.Fatal(err)
	}
	var img bytes.Buffer
	if err := png.Encode(&img, image.NewGray(image.Rect(0, 0, 4, 3))); err != nil {
		t.Fatal(err)
	}
	m, err := c.Deliver(context.Background(), "sendPhoto", PhotoMessage(5, "chart.png", img.Bytes(), "<b>Toll</b>", 0, nil).Params)
	if err != nil || len(m.Photo) != 1 || m.Photo[0].Width != 4 || m.Caption != "Toll" {
		t.Fatalf("Deliver: %+v, %v", m, err)
	}
	if got := srv.Calls("sendPhoto")[0].Files["photo"]; !bytes.Equal(got, img.Bytes()) {
		t.Errorf("the server got %d bytes, want the %d of the image", len(got), img.Len())
	}
	for _, tt := range []struct {
		name string
		msg  Msg
		code int
	}{
		{"not an image", PhotoMessage(5, "chart.png", []byte("no image"), "", 0, nil), http.StatusBadRequest},
		{"caption too long", PhotoMessage(5, "chart.png", img.Bytes(), strings.Repeat("x", MaxCaptionLen+1), 0, nil), http.StatusBadRequest},
	} {
		_, err := c.Deliver(context.Background(), "sendPhoto", tt.msg.Params)
		var apiErr *tgbotapi.Error
		if !errors.As(err, &apiErr) || apiErr.Code != tt.code {
			t.Errorf("%s: %v, want a Bot API error %d", tt.name, err, tt.code)
		}
	}
	srv.RateLimit("sendPhoto", 3, 1)
	_, err = c.Deliver(context.Background(), "sendPhoto", PhotoMessage(5, "chart.png", img.Bytes(), "", 0, nil).Params)
	if wait, limited := tooManyRequests(err); !limited || wait != 3*time.Second {
		t.Errorf("rate limited: %v, want 429 with retry_after 3", err)
	}
}
