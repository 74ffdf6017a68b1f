package rest

import (
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/phusong/phusong/api"
)

// metrics are the service's Prometheus metrics, served at /metrics in the
// text exposition format (or the protobuf one to a scraper that asks for
// it). Each Server has a registry of its own rather than the process's
// default one, so that servers made in one process (tests) count apart.
//
// Every label takes few values: route is the route's pattern, never the
// path asked for; method is one of the methods a route answers or "other";
// status is a three-digit code.
type metrics struct {
	registry *prometheus.Registry
	handler  http.Handler
	// requests and durations count and time the answers by route, method
	// and status.
	requests  *prometheus.CounterVec
	durations *prometheus.HistogramVec
	// recomputes times every Recompute of the core that publishes figures,
	// whoever starts it: serve, the watcher or a write.
	recomputes prometheus.Histogram
	// refusals counts the 429 answers by the limit that refused.
	refusals *prometheus.CounterVec
	// filingsStored counts the filings this instance stored (not dry runs,
	// not replays of an Idempotency-Key).
	filingsStored prometheus.Counter
	// published is the last snapshot the core said it published, with
	// when: the age of the figures counts from it.
	published atomic.Pointer[publication]
}

// publication is a snapshot and when it was published.
type publication struct {
	snap *api.Snapshot
	at   time.Time
}

// The names of the rate limits, as phusong_rate_limit_refusals_total
// labels them (Config).
const (
	limitWrites       = "writes_per_principal"
	limitCompute      = "compute_per_address"
	limitAuthFailures = "auth_failures_per_address"
)

// publishObserver is a Core that tells of each snapshot it publishes and
// how long its Recompute took, as *api.Service does; a Core that does not
// leaves phusong_recompute_duration_seconds empty.
type publishObserver interface {
	OnPublish(func(snap *api.Snapshot, took time.Duration))
}

// newMetrics registers the service's metrics, with the Go runtime's and
// the process's, and subscribes to the core's publications.
func newMetrics(cfg Config, core Core) *metrics {
	m := &metrics{registry: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "phusong_http_requests_total",
		Help: "HTTP requests answered, by route pattern (\"static\" for the web page's files, \"unmatched\" for an error on no route), method and status.",
	}, []string{"route", "method", "status"})
	m.durations = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "phusong_http_request_duration_seconds",
		Help:    "Time from a request's headers to the end of its answer, in seconds, by route pattern, method and status.",
		Buckets: prometheus.DefBuckets,
	}, []string{"route", "method", "status"})
	m.recomputes = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "phusong_recompute_duration_seconds",
		Help: "Time each recompute of the coverage figures took until it published them, in seconds.",
		// 10 ms (nothing changed) to about 160 s (a national unit set).
		Buckets: prometheus.ExponentialBuckets(0.01, 2, 15),
	})
	m.refusals = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "phusong_rate_limit_refusals_total",
		Help: "Requests answered 429 Too Many Requests, by the rate limit that refused them.",
	}, []string{"limit"})
	for _, l := range []string{limitWrites, limitCompute, limitAuthFailures} {
		m.refusals.WithLabelValues(l) // present at 0 from the start
	}
	m.filingsStored = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "phusong_filings_stored_total",
		Help: "Filings stored by this instance since it started (dry runs and idempotent replays are not).",
	})
	build := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name:        "phusong_build_info",
		Help:        "Always 1; its labels say what the binary was built from and which instance this is.",
		ConstLabels: prometheus.Labels{"version": cfg.Version, "commit": cfg.Commit, "instance": cfg.Instance},
	}, func() float64 { return 1 })
	m.registry.MustRegister(m.requests, m.durations, m.recomputes, m.refusals, m.filingsStored, build,
		snapshotCollector{core: core, m: m},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.handler = promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
	if o, ok := core.(publishObserver); ok {
		o.OnPublish(func(snap *api.Snapshot, took time.Duration) {
			m.published.Store(&publication{snap: snap, at: time.Now()})
			m.recomputes.Observe(took.Seconds())
		})
	}
	return m
}

// publishedAt is when snap was published: when the core said so, or for a
// snapshot published before this server subscribed, when its figures were
// computed.
func (m *metrics) publishedAt(snap *api.Snapshot) time.Time {
	if p := m.published.Load(); p != nil && p.snap == snap {
		return p.at
	}
	t, err := time.Parse(time.RFC3339, snap.ComputedAt)
	if err != nil {
		return time.Now()
	}
	return t
}

// snapshotCollector gives, at each scrape, the metrics of the snapshot
// then published: its generation, its age and when it was published.
// Before the first is published it gives none of them, and a generation
// replaced is gone at the next scrape rather than left at 0.
type snapshotCollector struct {
	core Core
	m    *metrics
}

var (
	generationDesc = prometheus.NewDesc("phusong_snapshot_generation_info",
		"Always 1; generation names what the published figures were computed from (Snapshot.Generation). Absent until the first figures are published.",
		[]string{"generation"}, nil)
	ageDesc = prometheus.NewDesc("phusong_snapshot_age_seconds",
		"Seconds since the current figures were published. Absent until the first are.", nil, nil)
	publishedDesc = prometheus.NewDesc("phusong_snapshot_published_timestamp_seconds",
		"When the current figures were published, in seconds since 1970 (UTC). Absent until the first are.", nil, nil)
)

// Describe sends the descriptions of the snapshot's metrics.
func (sc snapshotCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- generationDesc
	ch <- ageDesc
	ch <- publishedDesc
}

// Collect sends the metrics of the snapshot published now, if any.
func (sc snapshotCollector) Collect(ch chan<- prometheus.Metric) {
	snap, err := sc.core.Current()
	if err != nil {
		return
	}
	at := sc.m.publishedAt(snap)
	ch <- prometheus.MustNewConstMetric(generationDesc, prometheus.GaugeValue, 1, snap.Generation())
	ch <- prometheus.MustNewConstMetric(ageDesc, prometheus.GaugeValue, time.Since(at).Seconds())
	ch <- prometheus.MustNewConstMetric(publishedDesc, prometheus.GaugeValue, float64(at.UnixNano())/1e9)
}

// countRequest counts and times every answer, the access log's companion.
func (s *Server) countRequest(c *gin.Context) {
	start := time.Now()
	c.Next()
	status := c.Writer.Status()
	route := c.FullPath()
	if route == "" {
		// No route matched: the web page's files answer GETs (NoRoute),
		// and anything else is an error on no route. The path asked for
		// is never a label: every URL would make a series.
		route = "unmatched"
		if status < 400 {
			route = "static"
		}
	}
	labels := []string{route, metricMethod(c.Request), strconv.Itoa(status)}
	s.metrics.requests.WithLabelValues(labels...).Inc()
	s.metrics.durations.WithLabelValues(labels...).Observe(time.Since(start).Seconds())
}

// metricMethod is the method the client sent (HEAD, though its GET route
// answered it), or "other" for a method no route answers, which a client
// may make up at will.
func metricMethod(r *http.Request) string {
	if isHead(r) {
		return http.MethodHead
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions:
		return r.Method
	}
	return "other"
}

// handleMetrics serves the metrics. It is public, as /healthz is: a
// reverse proxy in front of the service should not pass it from outside
// (README).
func (s *Server) handleMetrics(c *gin.Context) {
	s.metrics.handler.ServeHTTP(c.Writer, c.Request)
}
