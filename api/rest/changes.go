package rest

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/phusong/phusong/data"
)

// handleChanges answers the change log (GET /api/v1/changes?since=D&limit=N):
// each change of the published figures, newest first, with the writes that
// made it (who, when, what, the date it affects from) and the province
// figures of every layer before and after.
func (s *Server) handleChanges(c *gin.Context) {
	since := c.Query("since")
	if since != "" {
		if _, err := time.Parse(time.DateOnly, since); err != nil {
			s.fail(c, invalid("since %s: want a date YYYY-MM-DD", quote(since)))
			return
		}
	}
	limit := 50
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			s.fail(c, invalid("limit %s: want a whole number from 1 to 1000", quote(v)))
			return
		}
		limit = n
	}
	changes, err := s.core.Changes(c.Request.Context(), since, limit)
	if err != nil {
		s.fail(c, err)
		return
	}
	if changes == nil {
		changes = []data.FigureChange{}
	}
	c.JSON(http.StatusOK, struct {
		Changes []data.FigureChange `json:"changes"`
	}{changes})
}
