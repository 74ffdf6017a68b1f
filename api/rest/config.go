package rest

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"
)

// pageConfig is what the web page needs to know of the service's settings.
type pageConfig struct {
	// BasemapURL is a MapLibre style URL to draw under the communes: the
	// service's own style of its local basemap (a path, /basemap/style.json),
	// a configured URL, or empty for none (the default: no request leaves
	// the machine).
	BasemapURL string `json:"basemap_url"`
}

func (s *Server) handleConfig(c *gin.Context) {
	url := s.cfg.BasemapURL
	if s.cfg.Basemap != nil {
		url = basemapStylePath
	}
	c.JSON(http.StatusOK, pageConfig{BasemapURL: url})
}

// maxBasemapURL bounds the basemap URL's length.
const maxBasemapURL = 2048

// validateBasemapURL accepts an empty string or an absolute http(s) URL
// without user information; the page fetches it from every browser that
// opens the map, so a mistake shows at start-up rather than there.
func validateBasemapURL(raw string) error {
	if raw == "" {
		return nil
	}
	if len(raw) > maxBasemapURL {
		return fmt.Errorf("basemap URL: over %d characters", maxBasemapURL)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return fmt.Errorf("basemap URL %q: want an absolute http or https URL of a MapLibre style, e.g. http://tiles.example/styles/basic/style.json", raw)
	}
	return nil
}
