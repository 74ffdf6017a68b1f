package rest

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

// A filing's body is read here: as sent or gzip-compressed, within
// MaxFilingBytes both as sent and as decoded, and, when it is large, only
// in one of the HeavyFilings turns, so that a few national filings at once
// cannot take the server's memory.

// filingPath is the one route whose body may be compressed.
const filingPath = "/api/v1/filings"

// bodyCodings returns the content codings of a request's Content-Encoding
// headers in lower case, x-gzip as gzip, without identity (which is no
// coding). Coding names are case-insensitive (RFC 9110, 8.4.1).
func bodyCodings(h http.Header) []string {
	var codings []string
	for _, v := range h.Values("Content-Encoding") {
		for _, c := range strings.Split(v, ",") {
			switch c = strings.ToLower(strings.TrimSpace(c)); c {
			case "", "identity":
			case "x-gzip":
				codings = append(codings, "gzip")
			default:
				codings = append(codings, c)
			}
		}
	}
	return codings
}

// bodyEncoding refuses, with 415, a request body in a coding its route does
// not decode, on every route (it runs before them): only a filing may come
// gzip-compressed, once. Anywhere else a compressed body would be read as if
// it were plain, and a filing in another coding (deflate, br, gzip twice)
// would be refused as malformed rather than for its coding.
func (s *Server) bodyEncoding(c *gin.Context) {
	codings := bodyCodings(c.Request.Header)
	if len(codings) == 0 || c.Request.ContentLength == 0 || c.FullPath() == "" { // no route: 404 whatever the body
		c.Next()
		return
	}
	header := strings.Join(c.Request.Header.Values("Content-Encoding"), ", ")
	if c.Request.Method == http.MethodPost && c.FullPath() == filingPath {
		if len(codings) == 1 && codings[0] == "gzip" {
			c.Next()
			return
		}
		writeProblem(c, http.StatusUnsupportedMediaType, fmt.Sprintf(
			"Content-Encoding %s: send the filing uncompressed or compressed once with gzip", quote(header)))
		return
	}
	writeProblem(c, http.StatusUnsupportedMediaType, fmt.Sprintf(
		"Content-Encoding %s: this route takes an uncompressed body; only a filing (POST %s) may be sent gzip-compressed", quote(header), filingPath))
}

// errDecodedTooLarge is a filing larger than MaxFilingBytes once decoded.
var errDecodedTooLarge = errors.New("decoded body over the limit")

// readFilingBody reads a filing's body, decoding gzip (bodyEncoding let
// no other coding through), within MaxFilingBytes as sent and as decoded. A
// body over HeavyFilingBytes (decoded) waits for a heavy turn (heavyTurn)
// before the rest of it is read; release ends the turn, a no-op for a small
// body, and the caller calls it once the filing is handled (validated,
// computed, stored). It answers the client itself and returns ok false on
// any problem, with nothing to release.
func (s *Server) readFilingBody(c *gin.Context) (raw []byte, release func(), ok bool) {
	limit := s.cfg.MaxFilingBytes
	var body io.Reader = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
	compressed := len(bodyCodings(c.Request.Header)) > 0
	if compressed {
		zr, err := gzip.NewReader(body)
		if err != nil {
			s.bodyError(c, err, true)
			return nil, nil, false
		}
		body = zr
	}
	release = func() {}
	var buf bytes.Buffer
	if cap(s.heavy) > 0 {
		// Up to the threshold first: a small filing never waits, and one that
		// waits holds at most HeavyFilingBytes while it does.
		n, err := io.CopyN(&buf, body, s.cfg.HeavyFilingBytes+1)
		if err != nil && err != io.EOF {
			s.bodyError(c, err, compressed)
			return nil, nil, false
		}
		if n > s.cfg.HeavyFilingBytes {
			if release, ok = s.heavyTurn(c); !ok {
				return nil, nil, false
			}
		}
	}
	if !compressed && c.Request.ContentLength > int64(buf.Len()) {
		buf.Grow(int(min(c.Request.ContentLength, limit) - int64(buf.Len())))
	}
	_, err := io.Copy(&buf, io.LimitReader(body, limit+1-int64(buf.Len())))
	if err == nil && int64(buf.Len()) > limit {
		err = errDecodedTooLarge
	}
	if err != nil {
		release()
		s.bodyError(c, err, compressed)
		return nil, nil, false
	}
	return buf.Bytes(), release, true
}

// bodyError answers a filing body that could not be read: 413 over a
// limit, 400 otherwise.
func (s *Server) bodyError(c *gin.Context, err error, compressed bool) {
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeProblem(c, http.StatusRequestEntityTooLarge, fmt.Sprintf("the filing is over the limit of %d bytes", s.cfg.MaxFilingBytes))
	case errors.Is(err, errDecodedTooLarge):
		writeProblem(c, http.StatusRequestEntityTooLarge, fmt.Sprintf("the filing, decoded, is over the limit of %d bytes", s.cfg.MaxFilingBytes))
	case compressed:
		writeProblem(c, http.StatusBadRequest, "the body could not be decoded as gzip: "+err.Error())
	default:
		writeProblem(c, http.StatusBadRequest, "the body could not be read")
	}
}

// heavyTurn waits up to HeavyFilingWait for one of the HeavyFilings turns
// of a large filing and returns its release, which may be called more than
// once. Past the wait it answers 503 with Retry-After; a client that leaves
// while waiting gets nothing (499 in the access log, nginx's "client closed
// request").
func (s *Server) heavyTurn(c *gin.Context) (release func(), ok bool) {
	var once sync.Once
	release = func() { once.Do(func() { <-s.heavy }) }
	select { // a free turn is taken at once, even with no wait configured
	case s.heavy <- struct{}{}:
		return release, true
	default:
	}
	wait := time.NewTimer(s.cfg.HeavyFilingWait)
	defer wait.Stop()
	select {
	case s.heavy <- struct{}{}:
		return release, true
	case <-c.Request.Context().Done():
		c.AbortWithStatus(499)
		return nil, false
	case <-wait.C:
		retry := max(1, int(math.Ceil(s.cfg.HeavyFilingWait.Seconds())))
		c.Header("Retry-After", strconv.Itoa(retry))
		writeProblem(c, http.StatusServiceUnavailable, fmt.Sprintf(
			"%d large filings (over %d bytes) are being handled, as many as the server handles at once; try again after %d s",
			cap(s.heavy), s.cfg.HeavyFilingBytes, retry))
		return nil, false
	}
}
