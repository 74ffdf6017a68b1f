package rest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"syscall"

	"github.com/gin-gonic/gin"

	"github.com/phusong/phusong/api"
	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/geo"
)

// Problem is an RFC 9457 problem document, the body of every error answer.
type Problem struct {
	Type     string               `json:"type"`
	Title    string               `json:"title"`
	Status   int                  `json:"status"`
	Detail   string               `json:"detail,omitempty"`
	Instance string               `json:"instance,omitempty"`
	Problems []geo.FeatureProblem `json:"problems,omitempty"`
	// ProblemsTruncated says that more problems were found than listed
	// (the cap is geo.DefaultMaxProblems).
	ProblemsTruncated bool `json:"problems_truncated,omitempty"`
}

// problemTypes maps a status to the problem type URI and title; the URIs are
// relative references documented in the README.
var problemTypes = map[int][2]string{
	http.StatusBadRequest:                  {"/problems/bad-request", "Bad request"},
	http.StatusUnauthorized:                {"/problems/unauthorized", "Unauthorized"},
	http.StatusForbidden:                   {"/problems/forbidden", "Forbidden"},
	http.StatusNotFound:                    {"/problems/not-found", "Not found"},
	http.StatusConflict:                    {"/problems/conflict", "Conflict"},
	http.StatusRequestTimeout:              {"/problems/timeout", "Request timeout"},
	http.StatusRequestEntityTooLarge:       {"/problems/too-large", "Request body too large"},
	http.StatusUnsupportedMediaType:        {"/problems/unsupported-media-type", "Unsupported media type"},
	http.StatusTooManyRequests:             {"/problems/too-many-requests", "Too many requests"},
	http.StatusRequestHeaderFieldsTooLarge: {"/problems/headers-too-large", "Request headers too large"},
	http.StatusMethodNotAllowed:            {"/problems/method-not-allowed", "Method not allowed"},
	http.StatusUnprocessableEntity:         {"/problems/invalid-input", "Invalid input"},
	http.StatusServiceUnavailable:          {"/problems/unavailable", "Service unavailable"},
	http.StatusInternalServerError:         {"/problems/internal", "Internal error"},
	http.StatusInsufficientStorage:         {"/problems/disk-full", "Insufficient storage"},
}

// writeProblem answers with a problem document. The body is marshalled
// before the status is written.
func writeProblem(c *gin.Context, status int, detail string) {
	writeProblemDoc(c, Problem{Status: status, Detail: detail})
}

// writeProblemDoc completes p's type, title and instance and answers it.
func writeProblemDoc(c *gin.Context, p Problem) {
	t, ok := problemTypes[p.Status]
	if !ok {
		t = [2]string{"about:blank", http.StatusText(p.Status)}
	}
	p.Type, p.Title, p.Instance = t[0], t[1], c.Request.URL.Path
	status := p.Status
	body, err := json.Marshal(p)
	if err != nil {
		body = []byte(`{"type":"/problems/internal","title":"Internal error","status":500}`)
		status = http.StatusInternalServerError
	}
	c.Data(status, "application/problem+json", body)
	c.Abort()
}

// valueProblemDoc is the problem document of values refused: every
// problem with the value's index (or a CSV file's line), 400.
type valueProblemDoc struct {
	Type     string             `json:"type"`
	Title    string             `json:"title"`
	Status   int                `json:"status"`
	Detail   string             `json:"detail,omitempty"`
	Instance string             `json:"instance,omitempty"`
	Problems []api.ValueProblem `json:"problems"`
}

// writeValueProblems answers the problems of indicator values.
func writeValueProblems(c *gin.Context, vp api.ValueProblems) {
	t := problemTypes[http.StatusBadRequest]
	doc := valueProblemDoc{Type: t[0], Title: t[1], Status: http.StatusBadRequest, Instance: c.Request.URL.Path,
		Detail: fmt.Sprintf("the values have %d problem(s), listed in problems; nothing was stored", len(vp)), Problems: vp}
	body, err := json.Marshal(doc)
	if err != nil {
		writeProblem(c, http.StatusInternalServerError, "internal error")
		return
	}
	c.Data(http.StatusBadRequest, "application/problem+json", body)
	c.Abort()
}

// statusClientClosed is the status the access log gives a request whose
// client went away before the answer, as nginx logs it. It is never read
// by a client: there is none left to read it.
const statusClientClosed = 499

// clientGone reports whether err comes of the client going away: the
// request's context canceled (net/http cancels it when the connection
// closes), or a write that found the connection broken or reset.
// context.Canceled while the client is still there is an internal error.
// A broken or reset connection to the database (data.ErrUnavailable) is not
// the client's: the same syscall errors then say the store is unreachable.
func clientGone(r *http.Request, err error) bool {
	if errors.Is(err, data.ErrUnavailable) {
		return false
	}
	if errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET) {
		return true
	}
	return errors.Is(err, context.Canceled) && r.Context().Err() != nil
}

// fail maps an error from data or geo to its status, in this one place. Only
// unexpected errors are logged, once, and the client sees a generic detail.
func (s *Server) fail(c *gin.Context, err error) {
	var later *retryLater
	if errors.As(err, &later) {
		c.Header("Retry-After", strconv.Itoa(int(later.after.Seconds())))
	}
	var ie *geo.InputError
	var vp api.ValueProblems
	switch {
	case clientGone(c.Request, err):
		// Not the server's fault, and nobody to answer: a DEBUG line, and
		// 499 in the access log.
		s.log.DebugContext(c.Request.Context(), "client disconnected", slog.String("path", c.Request.URL.Path), slog.Any("err", err))
		c.AbortWithStatus(statusClientClosed)
	case errors.Is(err, data.ErrDiskFull), errors.Is(err, syscall.ENOSPC):
		// The operator must make room: an ERROR that names the cause, and
		// an answer that tells the client it may try again later.
		s.log.ErrorContext(c.Request.Context(), "disk full", slog.String("path", c.Request.URL.Path), slog.Any("err", err))
		writeProblem(c, http.StatusInsufficientStorage, "the server's disk is full: nothing of this request was kept; try again once the operator has made room")
	case errors.Is(err, data.ErrUnavailable):
		// The database is down or unreachable (PostgreSQL): nothing was
		// kept; the figures are still served from the last snapshot.
		s.log.ErrorContext(c.Request.Context(), "database unavailable", slog.String("path", c.Request.URL.Path), slog.Any("err", err))
		c.Header("Retry-After", "5")
		writeProblem(c, http.StatusServiceUnavailable, "the database does not answer: nothing of this request was kept; try again in a moment. "+
			"The coverage figures are still served, as last computed"+s.snapshotAge())
	case errors.As(err, &ie):
		detail := fmt.Sprintf("the input has %d problem(s), listed in problems; nothing was stored", len(ie.Problems))
		if ie.Truncated {
			detail = fmt.Sprintf("the input has more than %d problems; the first %d are listed; nothing was stored", len(ie.Problems), len(ie.Problems))
		}
		writeProblemDoc(c, Problem{Status: http.StatusUnprocessableEntity, Detail: detail, Problems: ie.Problems, ProblemsTruncated: ie.Truncated})
	case errors.As(err, &vp):
		writeValueProblems(c, vp)
	case errors.Is(err, data.ErrUnauthorized):
		writeProblem(c, http.StatusUnauthorized, "the token is unknown or revoked")
	case errors.Is(err, data.ErrForbidden):
		writeProblem(c, http.StatusForbidden, err.Error())
	case errors.Is(err, data.ErrConflict):
		writeProblem(c, http.StatusConflict, err.Error())
	case errors.Is(err, data.ErrNotFound):
		writeProblem(c, http.StatusNotFound, err.Error())
	case errors.Is(err, data.ErrInvalid), errors.Is(err, geo.ErrInvalidInput), errors.Is(err, geo.ErrInvalidGeometry):
		writeProblem(c, http.StatusBadRequest, err.Error())
	case errors.Is(err, api.ErrNotReady):
		writeProblem(c, http.StatusServiceUnavailable, "coverage figures are being computed; try again in a moment")
	default:
		s.log.ErrorContext(c.Request.Context(), "internal error", slog.String("path", c.Request.URL.Path), slog.Any("err", err))
		writeProblem(c, http.StatusInternalServerError, "internal error")
	}
}
