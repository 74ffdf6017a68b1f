package rest

import "github.com/gin-gonic/gin"

// routesPlanning registers the targets, remote communes, gaps, what-if and
// report routes: v1 for everyone, admin behind the admin token.
func (s *Server) routesPlanning(v1, admin *gin.RouterGroup) {
	v1.GET("/targets", s.handleTargets)
	v1.GET("/targets/:id", s.handleTarget)
	v1.GET("/remote-communes", s.handleRemote)
	v1.GET("/gaps", s.handleGaps)
	v1.POST("/whatif", s.handleWhatIf)
	v1.GET("/report", s.handleReport)
	v1.GET("/communes/:code/history", s.handleCommuneHistory)

	admin.POST("/targets", s.handleTargetAdd)
	admin.PATCH("/targets/:id", s.handleTargetChange)
	admin.DELETE("/targets/:id", s.handleTargetRetire)
	admin.PUT("/remote-communes/:code", s.handleRemoteSet)
}
