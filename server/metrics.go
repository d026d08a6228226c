package server

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics holds one server's Prometheus registry: its own, so that two
// servers in one process (tests) never share counters.
type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	handler  http.Handler
}

func newMetrics(s *Server) *metrics {
	labels := []string{"route", "method", "status"}
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "policysearch_http_requests_total",
			Help: "HTTP requests answered, by route template, method and status.",
		}, labels),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "policysearch_http_request_duration_seconds",
			Help: "Time to answer an HTTP request, by route template, method and status.",
			// Searches take milliseconds; uploads and deep pages take longer.
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
		}, labels),
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		m.requests, m.duration,
		&indexCollector{s: s},
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	m.handler = promhttp.HandlerFor(reg, promhttp.HandlerOpts{
		ErrorLog:      promLogger{s},
		ErrorHandling: promhttp.ContinueOnError,
	})
	return m
}

func (m *metrics) observeRequest(route, method string, status int, d time.Duration) {
	code := strconv.Itoa(status)
	m.requests.WithLabelValues(route, method, code).Inc()
	m.duration.WithLabelValues(route, method, code).Observe(d.Seconds())
}

// serveMetrics answers GET /metrics in the Prometheus text format.
func (s *Server) serveMetrics(c echo.Context) error {
	s.metrics.handler.ServeHTTP(c.Response(), c.Request())
	return nil
}

// promLogger routes the metrics handler's errors to the server's log.
type promLogger struct{ s *Server }

func (l promLogger) Println(v ...any) { l.s.log.Warn("metrics", "err", v) }

// indexCollector reports the index's size when scraped, so that the
// numbers are never stale after uploads and deletions.
type indexCollector struct{ s *Server }

var (
	descReady = prometheus.NewDesc("policysearch_index_ready",
		"1 once the index is open and answering, else 0.", nil, nil)
	descDiskBytes = prometheus.NewDesc("policysearch_index_disk_bytes",
		"Bytes the live index occupies on disk.", nil, nil)
	descDocuments = prometheus.NewDesc("policysearch_index_documents",
		"Documents in the index.", nil, nil)
	descProvisions = prometheus.NewDesc("policysearch_index_provisions",
		"Provisions (indexed items) in the index.", nil, nil)
)

// Describe implements prometheus.Collector.
func (c *indexCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descReady
	ch <- descDiskBytes
	ch <- descDocuments
	ch <- descProvisions
}

// Collect implements prometheus.Collector.
func (c *indexCollector) Collect(ch chan<- prometheus.Metric) {
	e := c.s.engine.Load()
	if e == nil {
		ch <- prometheus.MustNewConstMetric(descReady, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(descReady, prometheus.GaugeValue, 1)
	ch <- prometheus.MustNewConstMetric(descDiskBytes, prometheus.GaugeValue, float64(e.Store().DiskSize()))
	ctx, cancel := scrapeContext()
	defer cancel()
	docs, provs, err := e.Store().DocCount(ctx)
	if err != nil {
		c.s.log.Warn("metrics: count documents", "err", err)
		return
	}
	ch <- prometheus.MustNewConstMetric(descDocuments, prometheus.GaugeValue, float64(docs))
	ch <- prometheus.MustNewConstMetric(descProvisions, prometheus.GaugeValue, float64(provs))
}

// scrapeTimeout bounds the index queries made while collecting metrics.
const scrapeTimeout = 5 * time.Second

func scrapeContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), scrapeTimeout)
}
