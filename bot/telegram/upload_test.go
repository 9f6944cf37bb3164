package telegram

import (
	"bytes"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
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
