package rest

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/phusong/phusong/api"
	"github.com/phusong/phusong/data"
)

type remoteCommune struct {
	Code         string  `json:"code"`
	Name         string  `json:"name"`
	DistrictCode string  `json:"district_code"`
	District     string  `json:"district"`
	Population   int     `json:"population"`
	DensityKm2   float64 `json:"density_per_km2,omitempty"` // census people per km² of official area
}

// handleRemote lists the communes marked remote, with the source of the
// set and, for the default approximation, a note saying so.
func (s *Server) handleRemote(c *gin.Context) {
	snap, err := s.core.Current()
	if err != nil {
		s.fail(c, err)
		return
	}
	out := []remoteCommune{}
	for i, cm := range snap.Communes {
		if !snap.Remote()[i] {
			continue
		}
		rc := remoteCommune{Code: cm.Code, Name: cm.Name, DistrictCode: cm.DistrictCode, District: cm.District, Population: cm.Population}
		if cm.AreaKm2 > 0 {
			rc.DensityKm2 = round4(float64(cm.Population) / cm.AreaKm2)
		}
		out = append(out, rc)
	}
	c.JSON(http.StatusOK, struct {
		RemoteSet api.RemoteSet   `json:"remote_set"`
		Communes  []remoteCommune `json:"communes"`
	}{snap.RemoteSet(), out})
}

// remoteRequest marks one commune remote or not.
type remoteRequest struct {
	Remote *bool `json:"remote"`
}

// Validate checks that the request says which.
func (r remoteRequest) Validate() error {
	if r.Remote == nil {
		return fmt.Errorf("%w: %s", data.ErrInvalid, `remote: want true or false, e.g. {"remote": true}`)
	}
	return nil
}

func (s *Server) handleRemoteSet(c *gin.Context) {
	var req remoteRequest
	if !bindJSON(c, &req) {
		return
	}
	if err := req.Validate(); err != nil {
		s.fail(c, err)
		return
	}
	code, p := c.Param("code"), principal(c)
	if err := s.store.SetRemote(c.Request.Context(), code, p.Province, *req.Remote, p.String()); err != nil {
		s.fail(c, err)
		return
	}
	s.recomputeAfterAdminWrite(c.Request.Context())
	c.JSON(http.StatusOK, struct {
		Code   string `json:"code"`
		Remote bool   `json:"remote"`
	}{code, *req.Remote})
}
