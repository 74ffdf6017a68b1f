package rest

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"

	"github.com/gin-gonic/gin"

	"github.com/phusong/phusong/api"
	"github.com/phusong/phusong/data"
)

// The indicators of the resolutions: the board, one indicator, and the
// admin's writes (create, values, retire, CSV import). The core
// (api/indicators.go, api/indicators_csv.go) tells and checks everything;
// these handlers read the request and write the answer.

// valuesAnswer is the stored value rows of a write.
type valuesAnswer struct {
	Values []data.IndicatorValue `json:"values"`
}

// indicatorValuesRequest is the body of POST /indicators/{id}/values.
type indicatorValuesRequest struct {
	Values []api.ValueInput `json:"values"`
}

// handleIndicators answers the board on ?as_of (today by default), with
// ?retired=true the retired indicators too, and with ?province=25 only that
// province's (a national store: each province has its own resolution).
func (s *Server) handleIndicators(c *gin.Context) {
	snap, asOf, err := s.currentAsOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	retired, err := boolParam(c, "retired")
	if err != nil {
		s.fail(c, err)
		return
	}
	province, err := provinceParam(c, snap)
	if err != nil {
		s.fail(c, err)
		return
	}
	d, err := api.ReadIndicators(c.Request.Context(), s.store)
	if err != nil {
		s.fail(c, err)
		return
	}
	if province != "" {
		d = indicatorsOf(d, province)
	}
	c.JSON(http.StatusOK, snap.Board(d, asOf, retired))
}

// handleIndicator answers one indicator, retired or not, with its value
// rows and its units' latest values on ?as_of.
func (s *Server) handleIndicator(c *gin.Context) {
	snap, asOf, err := s.currentAsOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	d, err := api.ReadIndicators(c.Request.Context(), s.store)
	if err != nil {
		s.fail(c, err)
		return
	}
	det, err := snap.IndicatorDetail(d, c.Param("id"), asOf)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, det)
}

// answerIndicator answers the board entry of indicator id as of today.
func (s *Server) answerIndicator(c *gin.Context, snap *api.Snapshot, status int, id string) {
	d, err := api.ReadIndicators(c.Request.Context(), s.store)
	if err != nil {
		s.fail(c, err)
		return
	}
	det, err := snap.IndicatorDetail(d, id, "")
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(status, det.IndicatorEntry)
}

func (s *Server) handleIndicatorAdd(c *gin.Context) {
	snap, err := s.core.Current()
	if err != nil {
		s.fail(c, err)
		return
	}
	var req api.NewIndicator
	if !bindJSON(c, &req) {
		return
	}
	ind, err := snap.CreateIndicator(c.Request.Context(), s.store, req, principal(c).String())
	if err != nil {
		s.fail(c, err)
		return
	}
	s.answerIndicator(c, snap, http.StatusCreated, ind.ID)
}

func (s *Server) handleIndicatorValues(c *gin.Context) {
	snap, err := s.core.Current()
	if err != nil {
		s.fail(c, err)
		return
	}
	var req indicatorValuesRequest
	if !bindJSONLimit(c, &req, defaultBodyLimit) {
		return
	}
	vals, err := snap.AddValues(c.Request.Context(), s.store, c.Param("id"), req.Values, principal(c).String())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, valuesAnswer{Values: vals})
}

func (s *Server) handleIndicatorRetire(c *gin.Context) {
	snap, err := s.core.Current()
	if err != nil {
		s.fail(c, err)
		return
	}
	ind, err := s.store.RetireIndicator(c.Request.Context(), c.Param("id"), principal(c).String())
	if err != nil {
		s.fail(c, err)
		return
	}
	s.answerIndicator(c, snap, http.StatusOK, ind.ID)
}

// handleIndicatorImport stores the values of a CSV file (text/csv), all or
// none; ?source= is the source of rows that name none.
func (s *Server) handleIndicatorImport(c *gin.Context) {
	snap, err := s.core.Current()
	if err != nil {
		s.fail(c, err)
		return
	}
	if mt, _, err := mime.ParseMediaType(c.ContentType()); err != nil || mt != "text/csv" {
		writeProblem(c, http.StatusUnsupportedMediaType, fmt.Sprintf("Content-Type %s: send the file as text/csv", quote(c.ContentType())))
		return
	}
	body, err := io.ReadAll(c.Request.Body)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeProblem(c, http.StatusRequestEntityTooLarge, fmt.Sprintf("the file is over %d bytes", defaultBodyLimit))
		return
	case errors.Is(err, os.ErrDeadlineExceeded):
		writeProblem(c, http.StatusRequestTimeout, "the body did not arrive within the time allowed for it; send it without pauses")
		return
	case err != nil:
		s.fail(c, err)
		return
	}
	vals, err := snap.ImportValues(c.Request.Context(), s.store, body, c.Query("source"), principal(c).String())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, valuesAnswer{Values: vals})
}
