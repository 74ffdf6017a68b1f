package rest

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/geo"
)

// providerRequest adds a provider allowed to file the layers named.
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
	for i, l := range r.Layers {
		if !l.Valid() {
			return fmt.Errorf("%w: %s", data.ErrInvalid, "layers: "+quote(string(l)+" is not one of broadcast, phone, broadband, mobile"))
		}
		if slices.Contains(r.Layers[:i], l) {
			return fmt.Errorf("%w: layers: %s is named more than once", data.ErrInvalid, quote(string(l)))
		}
	}
	return nil
}

// handleProviderAdd adds a provider and answers its first token.
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
	c.JSON(http.StatusCreated, providerToken{Name: req.Name, Layers: req.Layers, Token: token,
		Note: "the token is shown only once; keep it safe"})
}

// handleProviders lists the providers.
func (s *Server) handleProviders(c *gin.Context) {
	ps, err := s.store.Providers(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, struct {
		Providers []data.Provider `json:"providers"`
	}{ps})
}

// handleProviderToken gives a provider a new token, revoking the others.
func (s *Server) handleProviderToken(c *gin.Context) {
	token, err := s.store.NewProviderToken(c.Request.Context(), c.Param("name"), principal(c).String())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, providerToken{Name: c.Param("name"), Token: token,
		Note: "earlier tokens of this provider are revoked; this one is shown only once"})
}

// handleProviderRevoke revokes every token of a provider.
func (s *Server) handleProviderRevoke(c *gin.Context) {
	n, err := s.store.RevokeProvider(c.Request.Context(), c.Param("name"), principal(c).String())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, struct {
		Name          string `json:"name"`
		RevokedTokens int    `json:"revoked_tokens"`
	}{c.Param("name"), n})
}

// providerToken is a provider's new token, shown once.
type providerToken struct {
	Name   string      `json:"name"`
	Layers []geo.Layer `json:"layers,omitempty"`
	Token  string      `json:"token"`
	Note   string      `json:"note"`
}
