// Package server serves the policysearch HTTP API, its OpenAPI description,
// Prometheus metrics and the web interface.
//
// A Server can answer requests before the index is open: /healthz, /readyz,
// /metrics, /openapi.json and the web interface work at once, and /api/*
// answers 503 until SetEngine attaches the engine. That lets a first start
// listen while the index is still being built.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"slices"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/policysearch/policysearch/search"
	"github.com/policysearch/policysearch/server/export"
)

// Defaults for the zero values of Config.
const (
	DefaultReadTimeout = 10 * time.Second
	// DefaultWriteTimeout leaves an upload of a scanned PDF time for its
	// pages to be recognised (a few seconds a page).
	DefaultWriteTimeout    = 5 * time.Minute
	DefaultMaxUploadBytes  = 10 << 20
	DefaultMaxJSONBytes    = 64 << 10
	DefaultShutdownTimeout = 30 * time.Second
)

// Config holds a Server's settings.
type Config struct {
	// Token is the bearer token that uploads and deletions must present.
	// Empty disables writes: they are refused with 403.
	Token string
	// Logger receives access logs and errors; nil means slog.Default().
	Logger *slog.Logger
	// ReadTimeout bounds the work of one read request (search, documents…).
	ReadTimeout time.Duration
	// WriteTimeout bounds the work of one upload or deletion.
	WriteTimeout time.Duration
	// MaxUploadBytes bounds an uploaded document.
	MaxUploadBytes int64
	// MaxJSONBytes bounds a JSON request body.
	MaxJSONBytes int64
	// ShutdownTimeout bounds how long Serve waits for in-flight requests
	// once its context is cancelled.
	ShutdownTimeout time.Duration
	// Workers is how many queries are worked on at once; the others wait
	// their turn, first come first served. 0 means one per CPU.
	Workers int
	// ExportMaxRows caps the rows of a search export; 0 means
	// export.MaxRows (10,000).
	ExportMaxRows int
}

func (c Config) withDefaults() Config {
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.ReadTimeout <= 0 {
		c.ReadTimeout = DefaultReadTimeout
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = DefaultWriteTimeout
	}
	if c.MaxUploadBytes <= 0 {
		c.MaxUploadBytes = DefaultMaxUploadBytes
	}
	if c.MaxJSONBytes <= 0 {
		c.MaxJSONBytes = DefaultMaxJSONBytes
	}
	if c.ShutdownTimeout <= 0 {
		c.ShutdownTimeout = DefaultShutdownTimeout
	}
	if c.Workers <= 0 {
		c.Workers = runtime.GOMAXPROCS(0)
	}
	if c.ExportMaxRows <= 0 {
		c.ExportMaxRows = export.MaxRows
	}
	return c
}

// Server is the HTTP front of one search engine. It is an http.Handler.
type Server struct {
	cfg     Config
	log     *slog.Logger
	echo    *echo.Echo
	metrics *metrics
	// engine is nil until the index is open.
	engine atomic.Pointer[search.Engine]
	// draining is set once shutdown begins, so that /readyz turns away new
	// traffic while in-flight requests finish.
	draining atomic.Bool
	// routes holds the registered route templates, so that metrics label
	// unmatched paths as one value instead of one series per path.
	routes map[string]bool
	// turns holds a token for each query being worked on (see queue).
	turns chan struct{}
}

// New returns a Server with every route registered and no engine attached.
func New(cfg Config) *Server {
	cfg = cfg.withDefaults()
	s := &Server{cfg: cfg, log: cfg.Logger, echo: echo.New(), routes: map[string]bool{}, turns: make(chan struct{}, cfg.Workers)}
	s.metrics = newMetrics(s)
	s.echo.HideBanner = true
	s.echo.HidePort = true
	s.echo.HTTPErrorHandler = s.handleError
	s.routesInit()
	for _, r := range s.echo.Routes() {
		s.routes[r.Path] = true
	}
	return s
}

// SetEngine attaches the engine once the index is open; /api/* answers from
// then on. It is safe to call while requests are being served.
func (s *Server) SetEngine(e *search.Engine) {
	s.engine.Store(e)
	s.log.Info("index ready")
}

// ServeHTTP answers one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.echo.ServeHTTP(w, r)
}

// Serve answers connections from ln until ctx is cancelled, then stops
// accepting new ones, waits (up to Config.ShutdownTimeout) for in-flight
// requests to finish and returns. The engine is left open: the caller
// closes it after Serve returns, when no request can use it any more.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 5 * time.Second,
		// Reading a maximal upload on a slow link, and writing a response
		// after the longest handler deadline, must both fit.
		ReadTimeout:  s.cfg.WriteTimeout,
		WriteTimeout: s.cfg.WriteTimeout + 15*time.Second,
		IdleTimeout:  2 * time.Minute,
		ErrorLog:     slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	s.log.Info("listening", "addr", ln.Addr().String())

	select {
	case err := <-errc:
		return fmt.Errorf("serve %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	s.draining.Store(true)
	s.log.Info("shutting down: finishing in-flight requests", "timeout", s.cfg.ShutdownTimeout)
	// The parent context is already cancelled; the grace period needs its own.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		_ = hs.Close()
		return fmt.Errorf("shut down: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve %s: %w", ln.Addr(), err)
	}
	return nil
}

// routesInit registers every route. The OpenAPI document (openapi.go) must
// describe exactly these; a test holds the two together.
func (s *Server) routesInit() {
	e := s.echo
	e.Use(s.requestID, s.observe, s.recoverPanic)

	// Bodies are read only by the POST routes, each under its own limit.
	read := []echo.MiddlewareFunc{s.timeout(s.cfg.ReadTimeout)}
	api := []echo.MiddlewareFunc{s.requireEngine, s.timeout(s.cfg.ReadTimeout)}
	query := append(slices.Clone(api), s.queue)

	e.GET("/healthz", s.healthz, read...)
	e.GET("/readyz", s.readyz, read...)
	e.GET("/metrics", s.serveMetrics, read...)
	e.GET("/openapi.json", s.openAPI, read...)
	e.GET("/", s.webIndex, read...)
	e.HEAD("/", s.webIndex, read...)
	e.GET("/assets/*", s.webAsset, read...)
	e.HEAD("/assets/*", s.webAsset, read...)

	e.GET("/api/search", s.search, query...)
	// An export takes a query's turn per page of hits (queuedSource), not
	// for its whole length, and may take as long as a write.
	e.GET("/api/search/export", s.exportSearch, s.requireEngine, s.timeout(s.cfg.WriteTimeout))
	e.GET("/api/facets", s.facets, query...)
	e.GET("/api/info", s.info, api...)
	e.GET("/api/documents", s.documents, api...)
	e.GET("/api/documents/coverage", s.coverage, api...)
	e.GET("/api/indicators", s.indicatorList, api...)
	e.GET("/api/indicators/names", s.indicatorNames, api...)
	e.GET("/api/indicators/export", s.exportIndicators, s.requireEngine, s.timeout(s.cfg.WriteTimeout))
	e.GET("/api/documents/:id", s.document, api...)
	e.GET("/api/sections/:id", s.section, api...)
	e.GET("/api/sections/:id/similar", s.sectionSimilar, query...)
	e.POST("/api/similar", s.textSimilar, s.requireEngine, s.timeout(s.cfg.ReadTimeout), s.limitBody(s.cfg.MaxJSONBytes), s.queue)

	// Writes check the token before reading a byte of the body.
	write := []echo.MiddlewareFunc{s.requireEngine, s.requireToken, s.timeout(s.cfg.WriteTimeout)}
	// The multipart envelope and metadata fields need room beyond the file itself.
	e.POST("/api/documents", s.upload, slices.Concat(write, []echo.MiddlewareFunc{s.limitBody(s.cfg.MaxUploadBytes + s.cfg.MaxJSONBytes)})...)
	e.DELETE("/api/documents/:id", s.deleteDocument, write...)
	e.PATCH("/api/documents/:id", s.correct, slices.Concat(write, []echo.MiddlewareFunc{s.limitBody(s.cfg.MaxJSONBytes)})...)
}
