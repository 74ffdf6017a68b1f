package rest

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/phusong/phusong/data"
)

// handleAudit answers the latest entries of the audit log (?limit=N,
// default 100), newest first.
func (s *Server) handleAudit(c *gin.Context) {
	limit := 100
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10000 {
			s.fail(c, invalid("limit %s: want a whole number from 1 to 10000", quote(v)))
			return
		}
		limit = n
	}
	entries, err := s.store.Audit(c.Request.Context(), limit)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, struct {
		Entries []data.AuditEntry `json:"entries"`
	}{entries})
}
