package rest

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// A filing's body is read here: as sent or gzip-compressed, within
// MaxFilingBytes both as sent and as decoded.

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
// no other coding through), within MaxFilingBytes as sent and as decoded.
// It answers the client itself and returns ok false on any problem.
func (s *Server) readFilingBody(c *gin.Context) (raw []byte, ok bool) {
	limit := s.cfg.MaxFilingBytes
	var body io.Reader = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
	compressed := len(bodyCodings(c.Request.Header)) > 0
	if compressed {
		zr, err := gzip.NewReader(body)
		if err != nil {
			s.bodyError(c, err, true)
			return nil, false
		}
		body = zr
	}
	var buf bytes.Buffer
	if !compressed && c.Request.ContentLength > 0 {
		buf.Grow(int(min(c.Request.ContentLength, limit)))
	}
	_, err := io.Copy(&buf, io.LimitReader(body, limit+1))
	if err == nil && int64(buf.Len()) > limit {
		err = errDecodedTooLarge
	}
	if err != nil {
		s.bodyError(c, err, compressed)
		return nil, false
	}
	return buf.Bytes(), true
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
