package vector

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Defaults of OpenAIConfig.
const (
	DefaultOpenAIBatch   = 64
	DefaultOpenAITimeout = 60 * time.Second
	DefaultOpenAIRetries = 4
	DefaultOpenAIBackoff = 500 * time.Millisecond
	maxOpenAIBackoff     = 30 * time.Second
)

// OpenAIConfig configures an embedding service that speaks the OpenAI
// embeddings protocol (many local servers do).
type OpenAIConfig struct {
	// BaseURL is the service's address, such as http://127.0.0.1:8080;
	// requests go to BaseURL/v1/embeddings (a BaseURL already ending in
	// /v1 is used as it is).
	BaseURL string
	// Model is the model name sent with every request.
	Model string
	// APIKey, when set, is sent as a bearer token.
	APIKey string
	// BatchSize is how many texts one request carries (DefaultOpenAIBatch).
	BatchSize int
	// Timeout bounds one request (DefaultOpenAITimeout).
	Timeout time.Duration
	// Retries is how many times a request failing with 429, a 5xx status
	// or a network error is repeated (DefaultOpenAIRetries); negative
	// means never.
	Retries int
	// Backoff is the first wait before a retry (DefaultOpenAIBackoff),
	// doubled on each further one; a Retry-After header overrides it.
	Backoff time.Duration
	// Dim, when set, is checked against every answer; otherwise the first
	// answer sets it.
	Dim int
	// Client sends the requests (a new client when nil).
	Client *http.Client
	// Logger reports retries (slog.Default() when nil).
	Logger *slog.Logger
}

// OpenAI embeds texts with an external service. It is safe for concurrent
// use.
type OpenAI struct {
	cfg      OpenAIConfig
	endpoint string
	id       string

	mu  sync.Mutex
	dim int
}

var _ Embedder = (*OpenAI)(nil)

// NewOpenAI checks cfg and returns an embedder for it. It does not contact
// the service; Dim is 0 until the first answer unless cfg.Dim is set.
func NewOpenAI(cfg OpenAIConfig) (*OpenAI, error) {
	if cfg.Model == "" {
		return nil, errors.New("embedding service: no model name")
	}
	u, err := url.Parse(strings.TrimRight(cfg.BaseURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("embedding service: base URL %q is not an http(s) address", cfg.BaseURL)
	}
	if !strings.HasSuffix(u.Path, "/v1") {
		u.Path += "/v1"
	}
	u.Path += "/embeddings"
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = DefaultOpenAIBatch
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultOpenAITimeout
	}
	switch {
	case cfg.Retries == 0:
		cfg.Retries = DefaultOpenAIRetries
	case cfg.Retries < 0:
		cfg.Retries = 0
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = DefaultOpenAIBackoff
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Dim < 0 {
		return nil, fmt.Errorf("embedding service: dimension %d", cfg.Dim)
	}
	// The ID names the service as well as the model: two servers may give
	// one name to different models.
	id := "openai:" + cfg.Model + "@" + u.Host + strings.TrimSuffix(u.Path, "/embeddings")
	return &OpenAI{cfg: cfg, endpoint: u.String(), id: id, dim: cfg.Dim}, nil
}

// ID names the model and the service.
func (o *OpenAI) ID() string { return o.id }

// Dim is the vector length, 0 until known.
func (o *OpenAI) Dim() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.dim
}

// Endpoint is the URL requests go to.
func (o *OpenAI) Endpoint() string { return o.endpoint }

// Embed sends texts in batches and returns their normalised vectors.
func (o *OpenAI) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, 0, len(texts))
	for lo := 0; lo < len(texts); lo += o.cfg.BatchSize {
		hi := min(lo+o.cfg.BatchSize, len(texts))
		vecs, err := o.embedBatch(ctx, texts[lo:hi])
		if err != nil {
			return nil, err
		}
		out = append(out, vecs...)
	}
	return out, nil
}

type embeddingRequest struct {
	Model string   `json:"model"`
	Input []string `json:"input"`
}

type embeddingResponse struct {
	Data []struct {
		Index     *int      `json:"index"`
		Embedding []float32 `json:"embedding"`
	} `json:"data"`
}

// retryable marks a failure worth repeating the request for.
type retryable struct {
	err   error
	after time.Duration // server's Retry-After, if any
}

func (r *retryable) Error() string { return r.err.Error() }
func (r *retryable) Unwrap() error { return r.err }

func (o *OpenAI) embedBatch(ctx context.Context, texts []string) ([][]float32, error) {
	body, err := json.Marshal(embeddingRequest{Model: o.cfg.Model, Input: texts})
	if err != nil {
		return nil, fmt.Errorf("embedding service %s: encode request: %w", o.endpoint, err)
	}
	wait := o.cfg.Backoff
	for attempt := 0; ; attempt++ {
		vecs, err := o.post(ctx, body, len(texts))
		if err == nil {
			return vecs, nil
		}
		var r *retryable
		if !errors.As(err, &r) || attempt >= o.cfg.Retries || ctx.Err() != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("embedding service %s: %w", o.endpoint, ctx.Err())
			}
			if r != nil {
				return nil, fmt.Errorf("embedding service %s: giving up after %d attempts: %w", o.endpoint, attempt+1, r.err)
			}
			return nil, err
		}
		d := wait
		if r.after > 0 {
			d = min(r.after, maxOpenAIBackoff)
		} else {
			// Jitter spreads the retries of concurrent callers.
			d += time.Duration(rand.Int64N(int64(d)/4 + 1))
		}
		o.cfg.Logger.Warn("embedding request failed, retrying", "url", o.endpoint, "attempt", attempt+1, "wait", d, "err", r.err)
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("embedding service %s: %w", o.endpoint, ctx.Err())
		case <-t.C:
		}
		wait = min(2*wait, maxOpenAIBackoff)
	}
}

// post sends one request and checks the answer.
func (o *OpenAI) post(ctx context.Context, body []byte, n int) ([][]float32, error) {
	ctx, cancel := context.WithTimeout(ctx, o.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("embedding service %s: %w", o.endpoint, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if o.cfg.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+o.cfg.APIKey)
	}
	resp, err := o.cfg.Client.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
			err = fmt.Errorf("no answer within %s: %w", o.cfg.Timeout, err)
		}
		return nil, &retryable{err: fmt.Errorf("unreachable: %w", err)}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 256<<20))
	if err != nil {
		return nil, &retryable{err: fmt.Errorf("reading answer: %w", err)}
	}
	if resp.StatusCode != http.StatusOK {
		err := fmt.Errorf("status %s: %s", resp.Status, snippet(data))
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
			return nil, &retryable{err: err, after: retryAfter(resp.Header.Get("Retry-After"))}
		}
		return nil, fmt.Errorf("embedding service %s: %w", o.endpoint, err)
	}
	vecs, err := o.decode(data, n)
	if err != nil {
		return nil, fmt.Errorf("embedding service %s: malformed answer: %w", o.endpoint, err)
	}
	return vecs, nil
}

// decode checks an answer (count, order, dimensions) and normalises its
// vectors.
func (o *OpenAI) decode(data []byte, n int) ([][]float32, error) {
	var er embeddingResponse
	if err := json.Unmarshal(data, &er); err != nil {
		return nil, fmt.Errorf("%w: %s", err, snippet(data))
	}
	if len(er.Data) != n {
		return nil, fmt.Errorf("%d embeddings for %d texts", len(er.Data), n)
	}
	out := make([][]float32, n)
	dim := len(er.Data[0].Embedding)
	if dim == 0 {
		return nil, errors.New("empty embeddings")
	}
	for i, d := range er.Data {
		at := i
		if d.Index != nil {
			at = *d.Index
		}
		if at < 0 || at >= n || out[at] != nil {
			return nil, fmt.Errorf("embedding index %d out of range or repeated", at)
		}
		if len(d.Embedding) != dim {
			return nil, fmt.Errorf("mixed dimensions %d and %d in one answer", dim, len(d.Embedding))
		}
		if !normalize(d.Embedding) {
			return nil, fmt.Errorf("embedding %d is zero or not finite", at)
		}
		out[at] = d.Embedding
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.dim == 0 {
		o.dim = dim
	} else if o.dim != dim {
		return nil, fmt.Errorf("embeddings of %d dimensions, expected %d", dim, o.dim)
	}
	return out, nil
}

// retryAfter parses a Retry-After header given in seconds.
func retryAfter(h string) time.Duration {
	s, err := strconv.Atoi(strings.TrimSpace(h))
	if err != nil || s < 0 {
		return 0
	}
	return time.Duration(s) * time.Second
}

// snippet shortens a response body for an error message.
func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return strconv.Quote(s)
}
