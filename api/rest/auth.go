package rest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/geo"
)

const principalKey = "phusong.principal"

// authenticate is middleware that admits a request whose Authorization
// header carries a valid bearer token of one of the roles. A token is read
// from that header only, never from the URL, and is never logged. Missing
// or bad tokens are 401 with WWW-Authenticate; a valid token of another role
// is 403.
func (s *Server) authenticate(roles ...string) gin.HandlerFunc {
	return func(c *gin.Context) {
		scheme, token, ok := strings.Cut(c.GetHeader("Authorization"), " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
			c.Header("WWW-Authenticate", `Bearer realm="phusong"`)
			writeProblem(c, http.StatusUnauthorized, "this route needs a bearer token: Authorization: Bearer TOKEN")
			return
		}
		p, err := s.store.Authenticate(c.Request.Context(), strings.TrimSpace(token))
		if errors.Is(err, data.ErrUnauthorized) {
			c.Header("WWW-Authenticate", `Bearer realm="phusong", error="invalid_token"`)
			writeProblem(c, http.StatusUnauthorized, "the token is unknown or revoked")
			return
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		for _, r := range roles {
			if p.Role == r {
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
	case err != nil:
		writeProblem(c, http.StatusBadRequest, "the body is not the JSON this route takes: "+err.Error())
		return false
	}
	return true
}

type providerRequest struct {
	Name   string      `json:"name"`
	Layers []geo.Layer `json:"layers"`
}

// Validate checks the request before anything is stored.
func (r providerRequest) Validate() error {
	if err := data.ValidateProviderName(r.Name); err != nil {
		return err
	}
	if len(r.Layers) == 0 {
		return fmt.Errorf("%w: %s", data.ErrInvalid, "layers: name at least one of broadcast, phone, broadband, mobile")
	}
	for _, l := range r.Layers {
		if !l.Valid() {
			return fmt.Errorf("%w: %s", data.ErrInvalid, "layers: "+quote(string(l)+" is not one of broadcast, phone, broadband, mobile"))
		}
	}
	return nil
}

func (s *Server) handleProviderAdd(c *gin.Context) {
	var req providerRequest
	if !bindJSON(c, &req) {
		return
	}
	if err := req.Validate(); err != nil {
		s.fail(c, err)
		return
	}
	token, err := s.store.AddProvider(c.Request.Context(), req.Name, req.Layers, principal(c).String())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"name": req.Name, "layers": req.Layers, "token": token,
		"note": "the token is shown only once; keep it safe"})
}

func (s *Server) handleProviders(c *gin.Context) {
	ps, err := s.store.Providers(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"providers": ps})
}

func (s *Server) handleProviderToken(c *gin.Context) {
	token, err := s.store.NewProviderToken(c.Request.Context(), c.Param("name"), principal(c).String())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"name": c.Param("name"), "token": token,
		"note": "earlier tokens of this provider are revoked; this one is shown only once"})
}

func (s *Server) handleProviderRevoke(c *gin.Context) {
	n, err := s.store.RevokeProvider(c.Request.Context(), c.Param("name"), principal(c).String())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"name": c.Param("name"), "revoked_tokens": n})
}

func (s *Server) handleAudit(c *gin.Context) {
	limit := 100
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10000 {
			writeProblem(c, http.StatusBadRequest, "limit "+quote(v)+": want a whole number from 1 to 10000")
			return
		}
		limit = n
	}
	entries, err := s.store.Audit(c.Request.Context(), limit)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"entries": entries})
}
