package rest

import (
	"math"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/phusong/phusong/data"
)

// contentSecurityPolicy lets the page load only its own scripts, styles and
// data: no inline scripts, no other hosts. MapLibre draws in a worker made
// from a blob, and colours elements through the CSSOM (allowed without
// 'unsafe-inline'). A basemap URL, when configured, is added to connect-src
// and img-src by the server.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
	"font-src 'self'; connect-src 'self'; worker-src 'self' blob:; child-src blob:; object-src 'none'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// withBasemap adds the origin of a configured basemap style to the places
// the page may fetch from and draw images of; nothing else is opened.
func withBasemap(csp, basemapURL string) string {
	u, err := url.Parse(basemapURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return csp
	}
	origin := u.Scheme + "://" + u.Host
	csp = strings.Replace(csp, "connect-src 'self'", "connect-src 'self' "+origin, 1)
	return strings.Replace(csp, "img-src 'self'", "img-src 'self' "+origin, 1)
}

// corsMethods are the methods a browser may send from the allowed origin:
// every method a route answers (PATCH for targets, PUT for remote
// communes).
const corsMethods = "GET, HEAD, POST, PUT, PATCH, DELETE"

// securityHeaders sets the headers every answer carries, and CORS headers
// only for a configured origin. With CORS on, every answer varies by
// Origin, allowed or not, so that a shared cache never hands the answer
// for one origin to another.
func (s *Server) securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", s.csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	if s.cfg.CORSOrigin != "" {
		addVary(h, "Origin")
	}
	if origin := c.GetHeader("Origin"); origin != "" && s.cfg.CORSOrigin != "" && origin == s.cfg.CORSOrigin {
		h.Set("Access-Control-Allow-Origin", origin)
		if c.Request.Method == http.MethodOptions {
			h.Set("Access-Control-Allow-Methods", corsMethods)
			h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, Idempotency-Key")
			h.Set("Access-Control-Max-Age", "600")
			c.AbortWithStatus(http.StatusNoContent)
			return
		}
	}
	c.Next()
}

// addVary adds field to the Vary header unless it is listed already,
// keeping the fields set before: CORS varies by Origin and the bodies
// served gzipped or not by Accept-Encoding, and a cache must know of both.
func addVary(h http.Header, field string) {
	var fields []string
	for _, v := range h.Values("Vary") {
		for _, f := range strings.Split(v, ",") {
			if f = strings.TrimSpace(f); f == "" {
				continue
			} else if strings.EqualFold(f, field) {
				return
			}
			fields = append(fields, f)
		}
	}
	h.Set("Vary", strings.Join(append(fields, field), ", "))
}

// maxHeaderBytes bounds a request's headers. net/http refuses headers over
// its own, larger limit with a plain-text 431; this check answers the
// common case with a problem document.
const maxHeaderBytes = 32 << 10

// defaultBodyLimit bounds the body of every route but filings.
const defaultBodyLimit = 1 << 20

// limits rejects oversized headers and caps every request body: filings at
// MaxFilingBytes, everything else at 1 MiB. A body but a filing's must
// also arrive within BodyReadTimeout: a client that trickles a small body
// (a byte every few seconds) would otherwise hold a connection and a
// goroutine for the server's read timeout, minutes long for the sake of
// large filings.
func (s *Server) limits(c *gin.Context) {
	size := len(c.Request.Method) + len(c.Request.RequestURI)
	for k, vs := range c.Request.Header {
		for _, v := range vs {
			size += len(k) + len(v) + 4
		}
	}
	if size > maxHeaderBytes {
		writeProblemDoc(c, Problem{Status: http.StatusRequestHeaderFieldsTooLarge,
			Detail: "the request's headers are over " + strconv.Itoa(maxHeaderBytes) + " bytes"})
		return
	}
	limit := int64(defaultBodyLimit)
	filing := c.Request.Method == http.MethodPost && c.Request.URL.Path == "/api/v1/filings"
	if filing {
		limit = s.cfg.MaxFilingBytes
	}
	if c.Request.ContentLength > limit {
		writeProblem(c, http.StatusRequestEntityTooLarge, "the body is over the limit of "+strconv.FormatInt(limit, 10)+" bytes for this route")
		return
	}
	if c.Request.Body != nil && c.Request.Body != http.NoBody {
		if !filing {
			// The deadline bounds the body only: net/http lifts it once
			// the body is read. Under httptest there is no connection
			// (ErrNotSupported), and nothing to bound.
			http.NewResponseController(c.Writer).SetReadDeadline(time.Now().Add(s.cfg.BodyReadTimeout))
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
	}
	c.Next()
}

// RateLimit is a token bucket: Burst requests at once, refilled at PerSecond.
// A zero PerSecond turns the limit off.
type RateLimit struct {
	PerSecond float64
	Burst     int
}

// rateLimiter keeps one bucket per key (a principal or a client address).
type rateLimiter struct {
	name  string // which limit it is, in phusong_rate_limit_refusals_total
	limit RateLimit
	mu    sync.Mutex
	keys  map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// maxBuckets bounds the memory of the limiter; past it the idle buckets
// (full again) are dropped.
const maxBuckets = 100000

func newRateLimiter(name string, l RateLimit) *rateLimiter {
	return &rateLimiter{name: name, limit: l, keys: map[string]*bucket{}}
}

// allow takes one request from key's bucket, or tells how long to wait.
func (rl *rateLimiter) allow(key string, now time.Time) (bool, time.Duration) {
	if rl.limit.PerSecond <= 0 {
		return true, 0
	}
	rl.mu.Lock()
	defer rl.mu.Unlock()
	b, ok := rl.keys[key]
	if !ok {
		if len(rl.keys) >= maxBuckets {
			rl.evictFull(now)
		}
		b = &bucket{tokens: float64(rl.limit.Burst), last: now}
		rl.keys[key] = b
	}
	b.tokens = math.Min(float64(rl.limit.Burst), b.tokens+now.Sub(b.last).Seconds()*rl.limit.PerSecond)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / rl.limit.PerSecond * float64(time.Second))
}

func (rl *rateLimiter) evictFull(now time.Time) {
	for k, b := range rl.keys {
		if b.tokens+now.Sub(b.last).Seconds()*rl.limit.PerSecond >= float64(rl.limit.Burst) {
			delete(rl.keys, k)
		}
	}
}

// The requests that write or compute are rate-limited by who is known to
// send them, never by what a request merely claims: a token's id is public
// and small ("ps_1"), so a limit keyed by it let anyone spend a provider's
// budget with forged tokens. Writes spend the budget of the principal whose
// token was verified; writes refused for a missing or bad token spend a
// budget of their own per address, which no valid writer shares; the
// public what-if spends a budget per address, apart from the writers'.

// clientAddress is the host of the request's peer: behind a reverse proxy,
// the proxy's.
func clientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// isWrite reports whether the request writes or computes: every method but
// GET and HEAD.
func isWrite(r *http.Request) bool {
	return r.Method != http.MethodGet && r.Method != http.MethodHead
}

// overLimit takes one request from key's bucket in rl or, when it is
// empty, answers 429 with Retry-After, counts the refusal and reports that
// it did. It is the one place that answers 429.
func (s *Server) overLimit(c *gin.Context, rl *rateLimiter, key string) bool {
	ok, wait := rl.allow(key, time.Now())
	if ok {
		return false
	}
	s.metrics.refusals.WithLabelValues(rl.name).Inc()
	secs := strconv.Itoa(int(math.Ceil(wait.Seconds())))
	c.Header("Retry-After", secs)
	writeProblem(c, http.StatusTooManyRequests, "too many requests; try again after "+secs+" s")
	return true
}

// limitPrincipal spends one write of p, whose token authenticate has
// verified, and reports whether it answered 429 instead. Reads are free.
func (s *Server) limitPrincipal(c *gin.Context, p data.Principal) bool {
	return isWrite(c.Request) && s.overLimit(c, s.perPrincipal, p.String())
}

// refuseAuthentication answers a request whose token is missing or bad:
// 401 with wwwAuthenticate and detail, or, once the client's address has
// had too many writes refused, 429.
func (s *Server) refuseAuthentication(c *gin.Context, wwwAuthenticate, detail string) {
	if isWrite(c.Request) && s.overLimit(c, s.authFailures, clientAddress(c.Request)) {
		return
	}
	c.Header("WWW-Authenticate", wwwAuthenticate)
	writeProblem(c, http.StatusUnauthorized, detail)
}

// limitCompute is middleware for the public routes that compute (the
// what-if): a budget per client address.
func (s *Server) limitCompute(c *gin.Context) {
	if s.overLimit(c, s.computePerAddress, clientAddress(c.Request)) {
		return
	}
	c.Next()
}
