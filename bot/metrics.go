package bot

import (
	"errors"
	"strconv"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/prometheus/client_golang/prometheus"

	"eventbot/bot/telegram"
	"eventbot/corpus"
)

// A nil *Metrics counts nothing.

// Metrics are the bot's Prometheus metrics (prometheus/client_golang:
// the registry and exposition format Prometheus itself reads).
type Metrics struct {
	questions      *prometheus.CounterVec
	answerSeconds  prometheus.Histogram
	pending        prometheus.Gauge
	telegramErrors *prometheus.CounterVec
	reloads        *prometheus.CounterVec
}

// NewMetrics makes the bot's metrics and registers them with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		questions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "eventbot_questions_total",
			Help: "Questions answered, by chat kind (private, group, inline, terminal) and whether the articles held the answer.",
		}, []string{"chat_kind", "found"}),
		answerSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "eventbot_answer_seconds",
			Help:    "Time the knowledge base took to answer a question.",
			Buckets: prometheus.ExponentialBuckets(0.005, 2, 12), // 5 ms to 10 s
		}),
		pending: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "eventbot_outbox_pending",
			Help: "Chat messages queued or being sent.",
		}),
		telegramErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "eventbot_telegram_errors_total",
			Help: "Failed Bot API calls, by method and error code (the HTTP status, or network, timeout, decode).",
		}, []string{"method", "code"}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "eventbot_reloads_total",
			Help: "Corpus reloads (admin commands, articles added, SIGHUP), by result: ok, refused (bad files) or failed.",
		}, []string{"result"}),
	}
	reg.MustRegister(m.questions, m.answerSeconds, m.pending, m.telegramErrors, m.reloads)
	return m
}

// question counts a question answered in a chat of kind.
func (m *Metrics) question(kind string, found bool, seconds float64) {
	if m == nil {
		return
	}
	m.questions.WithLabelValues(kind, strconv.FormatBool(found)).Inc()
	m.answerSeconds.Observe(seconds)
}

// outboxPending shows n messages queued or in flight.
func (m *Metrics) outboxPending(n int) {
	if m != nil {
		m.pending.Set(float64(n))
	}
}

// telegramError counts a failed call of method.
func (m *Metrics) telegramError(method string, err error) {
	if m == nil {
		return
	}
	code := "network"
	var apiErr *tgbotapi.Error
	switch {
	case errors.As(err, &apiErr):
		code = strconv.Itoa(apiErr.Code)
	case telegram.TimedOut(err):
		code = "timeout"
	case telegram.IsDecodeError(err):
		code = "decode"
	}
	m.telegramErrors.WithLabelValues(method, code).Inc()
}

// Reloaded counts a reload of the corpus that ended with err: nil is
// ok; one naming bad files (corpus.FileErrors) was refused, and the
// corpus served kept; any other failed.
func (m *Metrics) Reloaded(err error) {
	if m == nil {
		return
	}
	result := "ok"
	switch {
	case len(corpus.FileErrors(err)) > 0:
		result = "refused"
	case err != nil:
		result = "failed"
	}
	m.reloads.WithLabelValues(result).Inc()
}
