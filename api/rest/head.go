package rest

import (
	"context"
	"net/http"
	"strconv"
)

// HEAD is answered wherever GET is (RFC 9110 §9.3.2): the request goes to
// the GET route, and the answer keeps its status and headers and loses its
// body. Doing it here, in front of the router, covers every GET route, the
// cached bodies, the static files, the tiles and OGC alike, with no route
// of its own to register and document.

// headKey marks, in a request's context, a HEAD request answered by its
// GET route; the access log reports the method the client sent.
type headKey struct{}

// isHead reports whether the request was a HEAD answered as a GET.
func isHead(r *http.Request) bool { return r.Context().Value(headKey{}) != nil }

// serveHTTP is the service's handler: the router, with HEAD answered by
// the GET routes.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodHead {
		s.router.ServeHTTP(w, r)
		return
	}
	get := r.WithContext(context.WithValue(r.Context(), headKey{}, true))
	get.Method = http.MethodGet
	hw := &headWriter{ResponseWriter: w}
	s.router.ServeHTTP(hw, get)
	hw.finish()
}

// headWriter takes a GET route's answer and sends its status and headers
// only. The headers go out when the handler is done, with a Content-Length
// counted from the body the GET would have had, as net/http would have set
// it for the GET.
type headWriter struct {
	http.ResponseWriter
	status int // 0 until the handler writes a header or a body
	size   int // bytes of the body, counted and dropped
}

// WriteHeader keeps the status for finish; an informational (1xx) answer
// goes out at once, as for a GET.
func (w *headWriter) WriteHeader(code int) {
	if code < 200 {
		w.ResponseWriter.WriteHeader(code)
		return
	}
	if w.status == 0 {
		w.status = code
	}
}

// Write counts the body and drops it.
func (w *headWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.size += len(p)
	return len(p), nil
}

// Flush does nothing: the headers go out when the handler is done, and
// there is no body.
func (w *headWriter) Flush() {}

// Unwrap gives http.ResponseController the connection's writer, for its
// deadlines.
func (w *headWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// finish sends the status and the headers.
func (w *headWriter) finish() {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	h := w.Header()
	bodyAllowed := w.status != http.StatusNoContent && w.status != http.StatusNotModified
	if bodyAllowed && h.Get("Content-Length") == "" && h.Get("Transfer-Encoding") == "" {
		h.Set("Content-Length", strconv.Itoa(w.size))
	}
	w.ResponseWriter.WriteHeader(w.status)
}
