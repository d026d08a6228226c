package server

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

const (
	ctxKeyRequestID = "request_id"
	// unmatchedRoute labels requests that matched no route in metrics.
	unmatchedRoute = "unmatched"
	// maxRequestIDLen bounds a client-supplied request id: it is logged and
	// echoed, so it must stay small and printable.
	maxRequestIDLen = 128
)

// requestID takes the client's X-Request-ID when it is sensible, makes one
// otherwise, and echoes it on the response.
func (s *Server) requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		id := c.Request().Header.Get(echo.HeaderXRequestID)
		if !validRequestID(id) {
			id = newRequestID()
		}
		c.Set(ctxKeyRequestID, id)
		c.Response().Header().Set(echo.HeaderXRequestID, id)
		return next(c)
	}
}

func validRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLen {
		return false
	}
	for _, r := range id {
		if r <= ' ' || r > '~' {
			return false
		}
	}
	return true
}

func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand documents it)
	return hex.EncodeToString(b[:])
}

func requestIDOf(c echo.Context) string {
	id, _ := c.Get(ctxKeyRequestID).(string)
	return id
}

// observe writes the access log line and the request metrics. It hands
// errors to the error handler itself, so that the status it records is the
// one sent.
func (s *Server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		if err := next(c); err != nil {
			c.Error(err)
		}
		elapsed := time.Since(start)
		req, res := c.Request(), c.Response()
		route := c.Path()
		if !s.routes[route] {
			route = unmatchedRoute
		}
		s.metrics.observeRequest(route, req.Method, res.Status, elapsed)
		level := slog.LevelInfo
		switch {
		case route == "/healthz" || route == "/readyz":
			// Probes poll; "not ready yet" while the index is opened is
			// their answer, not a failure.
			level = slog.LevelDebug
		case res.Status >= 500:
			level = slog.LevelError
		}
		s.log.LogAttrs(req.Context(), level, "request",
			slog.String("request_id", requestIDOf(c)),
			slog.String("method", req.Method),
			slog.String("route", route),
			slog.String("uri", req.RequestURI),
			slog.Int("status", res.Status),
			slog.Float64("ms", float64(elapsed.Microseconds())/1000),
			slog.Int64("bytes", res.Size),
			slog.String("remote", c.RealIP()),
		)
		return nil
	}
}

// recoverPanic turns a panic into a 500: a bug must not take the process
// down with every other request in flight.
func (s *Server) recoverPanic(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			r := recover()
			if r == nil {
				return
			}
			if r == http.ErrAbortHandler {
				panic(r) // net/http's own signal to drop the connection
			}
			s.log.Error("panic while handling request", "request_id", requestIDOf(c),
				"method", c.Request().Method, "uri", c.Request().RequestURI,
				"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			err = fmt.Errorf("panic: %v", r)
		}()
		return next(c)
	}
}

// timeout gives the request's work a deadline through its context; the
// engine stops when it passes.
func (s *Server) timeout(d time.Duration) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			ctx, cancel := context.WithTimeout(c.Request().Context(), d)
			defer cancel()
			c.SetRequest(c.Request().WithContext(ctx))
			return next(c)
		}
	}
}

// queue lets cfg.Workers queries be worked on at once and has the others
// wait their turn in the order they came (a channel's waiting senders are
// served first in, first out), until their deadline. Queries are bound by
// the CPU: with more of them at once than there are CPUs, the Go scheduler
// runs a goroutine just woken by the network before those already waiting,
// so that under load a few requests wait many times longer than the rest
// (similar provisions at concurrency 8 on 2 cores: p50 22 ms, p99 250 ms,
// slowest 700 ms; with the queue p99 135 ms).
func (s *Server) queue(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		select {
		case s.turns <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
		defer func() { <-s.turns }()
		return next(c)
	}
}

// limitBody refuses a body over n bytes: at once when its declared length
// says so, else when reading passes the limit (http.MaxBytesError, 413).
func (s *Server) limitBody(n int64) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			if req.ContentLength > n {
				return newError(http.StatusRequestEntityTooLarge, codeTooLarge, "",
					"request body of %d bytes is larger than the limit of %d bytes", req.ContentLength, n)
			}
			req.Body = http.MaxBytesReader(c.Response(), req.Body, n)
			return next(c)
		}
	}
}

// requireEngine answers 503 until the index is open.
func (s *Server) requireEngine(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if s.engine.Load() == nil {
			c.Response().Header().Set("Retry-After", "5")
			return errNotReady
		}
		return next(c)
	}
}

// requireToken guards writes: refused outright when no token is
// configured, 401 unless the request presents it as a bearer token.
func (s *Server) requireToken(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if s.cfg.Token == "" {
			return newError(http.StatusForbidden, codeWritesDisabled, "",
				"writes are disabled: the server was started without a write token (--token or POLICYSEARCH_TOKEN)")
		}
		h := c.Request().Header.Get(echo.HeaderAuthorization)
		scheme, token, ok := strings.Cut(strings.TrimSpace(h), " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return newError(http.StatusUnauthorized, codeUnauthorized, "", "missing bearer token (Authorization: Bearer <token>)")
		}
		if subtle.ConstantTimeCompare([]byte(strings.TrimSpace(token)), []byte(s.cfg.Token)) != 1 {
			return newError(http.StatusUnauthorized, codeUnauthorized, "", "wrong token")
		}
		return next(c)
	}
}
