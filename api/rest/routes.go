package rest

import (
	"github.com/gin-gonic/gin"

	"github.com/phusong/phusong/data"
)

// routes registers every route: the figures and the web application for
// everyone, filings for providers (and admins), the rest of the writes
// behind the admin token.
func (s *Server) routes(r *gin.Engine) {
	// Before every route, the web application's included: each query
	// parameter at most once (params.go), and no body in an encoding the
	// route does not decode (filing_body.go).
	r.Use(s.queryOnce, s.bodyEncoding, s.markStale)
	r.GET("/healthz", s.handleHealth)
	r.GET("/readyz", s.handleReady)
	r.GET("/metrics", s.handleMetrics)
	v1 := r.Group("/api/v1")
	v1.GET("/layers", s.handleLayers)
	v1.GET("/layers/:layer/communes", s.handleLayerCommunes)
	v1.GET("/layers/:layer/people", s.handleLayerPeople)
	v1.GET("/layers/:layer/clusters", s.handleLayerClusters)
	v1.GET("/population", s.handlePopulation)
	v1.GET("/summary", s.handleSummary)
	s.routesExport(v1)
	s.routesOpenAPI(r)
	s.routesOGC(r)
	s.routesTiles(r)
	s.routesBasemap(r)
	v1.GET("/communes/:code", s.handleCommune)
	v1.GET("/unit-sets", s.handleUnitSets)
	v1.GET("/provinces", s.handleProvinces)
	v1.GET("/config", s.handleConfig)
	v1.GET("/changes", s.handleChanges)

	provider := v1.Group("", s.authenticate(data.RoleProvider))
	provider.POST("/filings", s.handleFilingSubmit)
	anyone := v1.Group("", s.authenticate(data.RoleProvider, data.RoleAdmin))
	anyone.GET("/filings", s.handleFilings)
	anyone.GET("/filings/:id", s.handleFiling)
	anyone.GET("/filings/:id/features", s.handleFilingFeatures)
	anyone.DELETE("/filings/:id", s.handleFilingWithdraw)

	admin := v1.Group("", s.authenticate(data.RoleAdmin))
	admin.GET("/providers", s.handleProviders)
	admin.POST("/providers", s.handleProviderAdd)
	admin.POST("/providers/:name/tokens", s.handleProviderToken)
	admin.DELETE("/providers/:name/tokens", s.handleProviderRevoke)
	admin.GET("/audit", s.handleAudit)

	// Targets, remote communes, gaps, what-if and the report.
	v1.GET("/targets", s.handleTargets)
	v1.GET("/targets/:id", s.handleTarget)
	v1.GET("/remote-communes", s.handleRemote)
	v1.GET("/gaps", s.handleGaps)
	v1.POST("/whatif", s.limitCompute, s.handleWhatIf)
	v1.GET("/report", s.handleReport)
	v1.GET("/communes/:code/history", s.handleCommuneHistory)

	admin.POST("/targets", s.handleTargetAdd)
	admin.PATCH("/targets/:id", s.handleTargetChange)
	admin.DELETE("/targets/:id", s.handleTargetRetire)
	admin.PUT("/remote-communes/:code", s.handleRemoteSet)

	// The indicators of the resolutions (indicators.go).
	v1.GET("/indicators", s.handleIndicators)
	v1.GET("/indicators/:id", s.handleIndicator)
	admin.POST("/indicators", s.handleIndicatorAdd)
	admin.POST("/indicators/import", s.handleIndicatorImport)
	admin.POST("/indicators/:id/values", s.handleIndicatorValues)
	admin.POST("/indicators/:id/retire", s.handleIndicatorRetire)
}
