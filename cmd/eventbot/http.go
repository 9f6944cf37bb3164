package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"eventbot/bot"
	"eventbot/knowledge"
)

// httpShutdown bounds the HTTP server's shutdown, within the 5 seconds a
// stop may take.
const httpShutdown = time.Second

// serveHTTP serves, at cfg.listenAddr, the webhook at the path of
// cfg.webhookURL (in webhook mode), /healthz (the process is up),
// /readyz (the index is loaded and the bot serves updates) and /metrics
// (Prometheus). It returns once listening; the server stops when ctx is
// done, and stop waits for that.
func serveHTTP(ctx context.Context, logger *slog.Logger, cfg config, b *bot.Bot, kb *knowledge.Live, reg *prometheus.Registry) (stop func(), err error) {
	mux := http.NewServeMux()
	if cfg.webhookURL != "" {
		u, err := url.Parse(cfg.webhookURL)
		if err != nil {
			return nil, fmt.Errorf("WEBHOOK_URL: %w", err)
		}
		path := u.Path
		if path == "" {
			path = "/"
		}
		mux.Handle("POST "+path, b.Webhook())
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if kb.Stats().Documents == 0 || !b.Serving() {
			http.Error(w, "not ready", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))

	ln, err := net.Listen("tcp", cfg.listenAddr)
	if err != nil {
		return nil, fmt.Errorf("LISTEN_ADDR: %w", err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	logger.Info("serving HTTP", "addr", ln.Addr().String())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("HTTP server", "err", err)
		}
	}()
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		select {
		case <-ctx.Done():
		case <-done:
		}
		shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), httpShutdown)
		defer cancel()
		if err := srv.Shutdown(shutdown); err != nil {
			srv.Close()
		}
		<-done
	}()
	return func() { <-stopped }, nil
}
