package rest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/phusong/phusong/data"
)

const principalKey = "phusong.principal"

// authenticate is middleware that admits a request whose Authorization
// header carries a valid bearer token of one of the roles. A token is read
// from that header only, never from the URL, and is never logged. Missing
// or bad tokens are 401 with WWW-Authenticate; a valid token of another role
// is 403. A write spends the verified principal's rate limit, and a refused
// one its address's budget of refusals (security.go).
func (s *Server) authenticate(roles ...string) gin.HandlerFunc {
	return func(c *gin.Context) {
		scheme, token, ok := strings.Cut(c.GetHeader("Authorization"), " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
			s.refuseAuthentication(c, `Bearer realm="phusong"`, "this route needs a bearer token: Authorization: Bearer TOKEN")
			return
		}
		p, err := s.store.Authenticate(c.Request.Context(), strings.TrimSpace(token))
		if errors.Is(err, data.ErrUnauthorized) {
			s.refuseAuthentication(c, `Bearer realm="phusong", error="invalid_token"`, "the token is unknown or revoked")
			return
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		if s.limitPrincipal(c, p) {
			return
		}
		for _, r := range roles {
			if p.Role == r {
				if !provinceAdminMay(c, p) {
					return
				}
				c.Set(principalKey, p)
				c.Next()
				return
			}
		}
		writeProblem(c, http.StatusForbidden, "a "+p.Role+" token may not use this route")
	}
}

// principal returns who the authenticated request is from.
func principal(c *gin.Context) data.Principal {
	p, _ := c.Get(principalKey)
	return p.(data.Principal)
}

// maxJSONBody bounds the small JSON bodies of the admin routes.
const maxJSONBody = 64 << 10

// bindJSON decodes a small JSON body strictly (unknown fields are an
// error, and so is anything after the value) and answers 400 itself when
// it cannot, 413 when the body is too large.
func bindJSON(c *gin.Context, v any) bool { return bindJSONLimit(c, v, maxJSONBody) }

// bindJSONLimit is bindJSON for a body of at most limit bytes.
func bindJSONLimit(c *gin.Context, v any, limit int64) bool {
	dec := json.NewDecoder(http.MaxBytesReader(c.Writer, c.Request.Body, limit))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		// Anything but white space after the value is an error too.
		if _, next := dec.Token(); next != io.EOF {
			err = errors.New("data after the JSON value")
		}
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeProblem(c, http.StatusRequestEntityTooLarge, fmt.Sprintf("the body is over %d bytes", limit))
		return false
	case errors.Is(err, os.ErrDeadlineExceeded):
		writeProblem(c, http.StatusRequestTimeout, "the body did not arrive within the time allowed for it; send it without pauses")
		return false
	case err != nil:
		writeProblem(c, http.StatusBadRequest, "the body is not the JSON this route takes: "+err.Error())
		return false
	}
	return true
}
