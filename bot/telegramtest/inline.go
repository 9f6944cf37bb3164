package telegramtest

import (
	"encoding/json"
	"net/http"
)

// Limits of inline mode and callback queries, as Telegram enforces them.
const (
	// MaxInlineResults is the most results answerInlineQuery accepts.
	MaxInlineResults = 50
	// MaxResultIDLen is the most bytes an inline result id holds.
	MaxResultIDLen = 64
	// MaxCallbackTextLen is the most characters of an
	// answerCallbackQuery notice.
	MaxCallbackTextLen = 200
	// MaxCallbackDataLen is the most bytes of a button's callback_data.
	MaxCallbackDataLen = 64
	// MaxStartParamLen is the most characters of a /start parameter,
	// such as switch_pm_parameter.
	MaxStartParamLen = 64
)

// InlineResult is an inline query result as answerInlineQuery received
// it; the fields are those of an article with a text message.
type InlineResult struct {
	Type                string `json:"type"`
	ID                  string `json:"id"`
	Title               string `json:"title"`
	Description         string `json:"description"`
	InputMessageContent struct {
		MessageText string `json:"message_text"`
		ParseMode   string `json:"parse_mode"`
	} `json:"input_message_content"`
}

// InlineResults decodes the results of an answerInlineQuery call.
func (c Call) InlineResults() ([]InlineResult, error) {
	var results []InlineResult
	err := c.JSON("results", &results)
	return results, err
}

// answerInlineQuery checks an answer to an inline query as Telegram
// does: the number of results, their ids, the text each would send, the
// cache time and the /start parameter of the private chat button.
func (s *Server) answerInlineQuery(w http.ResponseWriter, c *Call) {
	var raws []json.RawMessage
	if err := c.JSON("results", &raws); err != nil {
		s.fail(w, c, http.StatusBadRequest, "Bad Request: can't parse inline query results JSON object", 0)
		return
	}
	if problem := checkInlineAnswer(c, raws); problem != "" {
		s.fail(w, c, http.StatusBadRequest, problem, 0)
		return
	}
	s.require(w, c, "inline_query_id")
}

// checkInlineAnswer returns what Telegram would object to in an
// answerInlineQuery call with results raws, or "".
func checkInlineAnswer(c *Call, raws []json.RawMessage) string {
	if len(raws) > MaxInlineResults {
		return "Bad Request: RESULTS_TOO_MUCH"
	}
	if c.Int("cache_time") < 0 {
		return "Bad Request: CACHE_TIME_INVALID"
	}
	if c.Get("switch_pm_text") != "" && !validStartParam(c.Get("switch_pm_parameter")) {
		return "Bad Request: START_PARAM_INVALID"
	}
	ids := make(map[string]bool)
	for _, raw := range raws {
		var r InlineResult
		if err := json.Unmarshal(raw, &r); err != nil {
			return "Bad Request: can't parse inline query result"
		}
		switch {
		case r.Type == "":
			return "Bad Request: RESULT_TYPE_INVALID"
		case r.ID == "" || len(r.ID) > MaxResultIDLen:
			return "Bad Request: RESULT_ID_INVALID"
		case ids[r.ID]:
			return "Bad Request: RESULT_ID_DUPLICATE"
		}
		ids[r.ID] = true
		if r.Type != "article" {
			continue
		}
		if r.Title == "" {
			return "Bad Request: RESULT_TITLE_EMPTY"
		}
		if _, problem := validText(r.InputMessageContent.MessageText, r.InputMessageContent.ParseMode); problem != "" {
			return problem
		}
	}
	return ""
}

// validStartParam reports whether p may be a /start parameter: 1-64
// characters A-Z, a-z, 0-9, _ and -.
func validStartParam(p string) bool {
	if p == "" || len(p) > MaxStartParamLen {
		return false
	}
	for _, b := range []byte(p) {
		if !('a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '_' || b == '-') {
			return false
		}
	}
	return true
}
