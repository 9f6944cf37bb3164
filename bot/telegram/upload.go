package telegram

import (
	"encoding/base64"
	"fmt"
	"maps"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// A chat message that uploads a file (sendPhoto) keeps the file in its
// parameters, base64-encoded under the key uploadParam+field+":"+name,
// so that the Outbox keeps it in the store and sends it after a restart
// like any other message; Client.Deliver turns such parameters into the
// parts of a multipart request (splitUploads).
const uploadParam = "#upload:"

// MaxCaptionLen is the most characters a photo's caption holds after
// entity parsing, as Telegram counts them (UTF-16 code units).
const MaxCaptionLen = 1024

// PhotoMessage returns a sendPhoto to chatID of the image data (PNG),
// named name, with caption (HTML, at most MaxCaptionLen characters once
// parsed); replyTo and keyboard as for HTMLMessage.
func PhotoMessage(chatID int64, name string, data []byte, caption string, replyTo int, keyboard *tgbotapi.InlineKeyboardMarkup) Msg {
	p := tgbotapi.Params{}
	p.AddNonZero64("chat_id", chatID)
	p[uploadParam+"photo:"+name] = base64.StdEncoding.EncodeToString(data)
	if caption != "" {
		p["caption"] = caption
		p["parse_mode"] = tgbotapi.ModeHTML
	}
	addReply(p, replyTo, keyboard)
	return Msg{Method: "sendPhoto", Params: p}
}

// splitUploads returns params without the files they hold, and the
// files, for a multipart request; files is empty when there are none.
func splitUploads(params tgbotapi.Params) (tgbotapi.Params, []tgbotapi.RequestFile, error) {
	var files []tgbotapi.RequestFile
	var rest tgbotapi.Params
	for k, v := range params {
		spec, ok := strings.CutPrefix(k, uploadParam)
		if !ok {
			continue
		}
		field, name, _ := strings.Cut(spec, ":")
		data, err := base64.StdEncoding.DecodeString(v)
		if err != nil || field == "" {
			return nil, nil, fmt.Errorf("file parameter %q: not a base64 upload", k)
		}
		if rest == nil {
			rest = maps.Clone(params)
		}
		delete(rest, k)
		files = append(files, tgbotapi.RequestFile{Name: field, Data: tgbotapi.FileBytes{Name: name, Bytes: data}})
	}
	if rest == nil {
		return params, nil, nil
	}
	return rest, files, nil
}
