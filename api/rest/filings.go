package rest

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/phusong/phusong/api"
	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/geo"
)

// filingReport is what a validated filing contained; it is kept with the
// filing and returned with every answer about it.
type filingReport struct {
	Format       string   `json:"format"`
	Features     int      `json:"features"`
	Footprints   int      `json:"footprints"`
	Declarations int      `json:"declarations"`
	Technologies []string `json:"technologies"`
	Problems     []string `json:"problems"` // always empty for a stored filing
}

// filingAnswer is the body of a dry run, a submission and a withdrawal.
type filingAnswer struct {
	ID          int64         `json:"id,omitempty"`
	Provider    string        `json:"provider"`
	Layer       geo.Layer     `json:"layer"`
	AsOf        string        `json:"as_of"`
	DryRun      bool          `json:"dry_run"`
	WithdrawnAt string        `json:"withdrawn_at,omitempty"`
	Report      *filingReport `json:"report,omitempty"`
	Before      geo.Rollup    `json:"before"`
	After       geo.Rollup    `json:"after"`
	Change      change        `json:"change"`
	// Supersedes, in a dry run, lists the provider's filings in force today
	// that the filing would replace (for the technologies it contains);
	// the figures they give are in Before and not in After.
	// Always present in a dry run ([] when nothing is replaced), absent
	// otherwise.
	Supersedes *[]data.Superseded `json:"supersedes,omitempty"`
	// FiguresPending is true when the filing is stored but the figures
	// could not be recomputed yet; the service retries within seconds.
	FiguresPending bool              `json:"figures_pending,omitempty"`
	Links          map[string]string `json:"links,omitempty"`
}

// change is after minus before, for the province.
type change struct {
	Covered         float64 `json:"covered"`
	Share           float64 `json:"share"`
	CommunesReached int     `json:"communes_reached"`
}

func diff(before, after geo.Rollup) change {
	return change{Covered: after.Covered - before.Covered, Share: after.Share - before.Share,
		CommunesReached: after.CommunesReached - before.CommunesReached}
}

func filingLinks(id int64) map[string]string {
	self := "/api/v1/filings/" + strconv.FormatInt(id, 10)
	return map[string]string{"self": self, "features": self + "/features"}
}

// parseFiling parses a filing's body (readFilingBody) by its content type.
// It answers the client itself and returns false on any problem.
func (s *Server) parseFiling(c *gin.Context, snap *api.Snapshot, raw []byte) (*geo.Submission, []byte, string, bool) {
	p := principal(c)
	var err error
	rules := geo.FilingRules{Provider: p.Provider.Name, Layers: p.Provider.Layers, Communes: snap.Codes,
		Extent: snap.Extent, MaxFeatures: s.cfg.MaxFilingFeatures,
		GivenLayer: c.Query("layer"), GivenAsOf: c.Query("as_of")}
	if sets, _ := snap.UnitSets(); len(sets) > 1 {
		rules.UnitSet = snap.Set.Name
	}
	mediaType, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if mediaType == "text/csv" && looksLikeJSON(raw) {
		// A GeoJSON file sent as CSV (a CSV never opens with { or [): read
		// as what it is, so that its problems are a GeoJSON file's, with
		// the line and column of a syntax error, not three missing columns.
		mediaType = "application/geo+json"
	}
	var sub *geo.Submission
	var format string
	switch mediaType {
	case "application/geo+json", "application/json":
		format = "geojson"
		// The request's context: validation stops when the client goes.
		sub, err = geo.ParseFilingGeoJSONContext(c.Request.Context(), raw, rules)
	case "text/csv":
		format = "csv"
		sub, err = geo.ParseFilingCSV(raw, c.Query("layer"), c.Query("as_of"), rules)
	default:
		writeProblem(c, http.StatusUnsupportedMediaType, fmt.Sprintf(
			"Content-Type %q: send a GeoJSON filing as application/geo+json, or declarations as text/csv with ?layer=…&as_of=…", mediaType))
		return nil, nil, "", false
	}
	if err != nil {
		s.fail(c, err)
		return nil, nil, "", false
	}
	// The key's body hash covers what the filing means: body (decoded),
	// format and the CSV's layer and date.
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n%s\n", format, c.Query("layer"), c.Query("as_of"))
	h.Write(raw)
	return sub, h.Sum(nil), format, true
}

// looksLikeJSON reports whether raw opens, after a byte-order mark and
// white space, with { or [.
func looksLikeJSON(raw []byte) bool {
	b := bytes.TrimLeft(bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf")), " \t\r\n")
	return len(b) > 0 && (b[0] == '{' || b[0] == '[')
}

func report(sub *geo.Submission, format string) *filingReport {
	r := &filingReport{Format: format, Features: sub.Features, Footprints: len(sub.Footprints),
		Declarations: len(sub.Declarations), Technologies: []string{}, Problems: []string{}}
	for _, f := range sub.Footprints {
		if !slices.Contains(r.Technologies, f.Technology) {
			r.Technologies = append(r.Technologies, f.Technology)
		}
	}
	for _, d := range sub.Declarations {
		if !slices.Contains(r.Technologies, d.Technology) {
			r.Technologies = append(r.Technologies, d.Technology)
		}
	}
	slices.Sort(r.Technologies)
	return r
}

// maxIdempotencyKey bounds the Idempotency-Key header.
const maxIdempotencyKey = 255

// handleFilingSubmit validates a filing and, unless ?dry_run=true, stores
// it whole and recomputes before answering.
func (s *Server) handleFilingSubmit(c *gin.Context) {
	dryRun, err := boolParam(c, "dry_run")
	if err != nil {
		s.fail(c, err)
		return
	}
	key := c.GetHeader("Idempotency-Key")
	if len(key) > maxIdempotencyKey {
		writeProblem(c, http.StatusBadRequest, fmt.Sprintf("Idempotency-Key is over %d characters", maxIdempotencyKey))
		return
	}
	snap, err := s.core.Current()
	if err != nil {
		s.fail(c, err)
		return
	}
	raw, release, ok := s.readFilingBody(c)
	if !ok {
		return
	}
	defer release()
	// Declarations name communes of the unit set of ?units=, or of the set
	// in force on ?as_of= (today's without it).
	units, err := s.unitsView(c, snap, c.Query("as_of"))
	if err != nil {
		s.fail(c, err)
		return
	}
	sub, bodyHash, format, ok := s.parseFiling(c, units, raw)
	if !ok {
		return
	}
	p := principal(c)
	rep := report(sub, format)
	repJSON, err := json.Marshal(rep)
	if err != nil {
		s.fail(c, err)
		return
	}
	f := data.Filing{Provider: p.Provider.Name, Layer: sub.Layer, AsOf: sub.AsOf, Format: format, Report: repJSON,
		Source: "filed by " + p.Provider.Name, Footprints: sub.Footprints, Declarations: sub.Declarations, UnitSet: units.Set.ID}
	ans := filingAnswer{Provider: f.Provider, Layer: f.Layer, AsOf: f.AsOf, Report: rep, Before: snap.Province(f.Layer)}
	ctx := c.Request.Context()

	if dryRun {
		res, err := s.core.DryRun(ctx, snap, f)
		if err != nil {
			s.fail(c, err)
			return
		}
		ans.DryRun = true
		ans.After = res.After
		gone := res.Supersedes
		if gone == nil {
			gone = []data.Superseded{}
		}
		ans.Supersedes = &gone
		ans.Change = diff(ans.Before, ans.After)
		c.JSON(http.StatusOK, ans)
		return
	}

	if key != "" {
		// One request per key at a time: a retry waits for the first
		// answer and then replays it.
		release, err := s.keys.claim(ctx, p.String(), key)
		if err != nil {
			s.fail(c, err)
			return
		}
		defer release()
	}
	stored, err := s.store.SubmitFiling(ctx, f, p.String(), key, bodyHash)
	if err != nil {
		s.fail(c, err)
		return
	}
	if stored.Replayed {
		c.Header("Idempotent-Replayed", "true")
		c.Header("Location", filingLinks(stored.FilingID)["self"])
		if stored.Response != nil {
			c.Data(stored.Status, "application/json; charset=utf-8", stored.Response)
			return
		}
		// The first answer was lost (a crash between storing and answering):
		// answer with the filing as it stands.
		ans.ID, ans.Links = stored.FilingID, filingLinks(stored.FilingID)
		if cur, err := s.core.Current(); err == nil {
			ans.After = cur.Province(f.Layer)
		}
		c.JSON(http.StatusCreated, ans)
		return
	}
	s.metrics.filingsStored.Inc()
	ans.ID, ans.Links = stored.FilingID, filingLinks(stored.FilingID)
	s.recomputeAfterWrite(c, &ans)
	body, err := json.Marshal(ans)
	if err != nil {
		s.fail(c, err)
		return
	}
	if key != "" {
		if err := s.store.SaveResponse(ctx, p.String(), key, http.StatusCreated, body); err != nil {
			s.log.ErrorContext(ctx, "keeping the answer for an idempotency key", slog.Any("err", err))
		}
	}
	c.Header("Location", ans.Links["self"])
	c.Data(http.StatusCreated, "application/json; charset=utf-8", body)
}

// recomputeAfterWrite brings the figures up to date before a write is
// answered, filling ans.After and ans.Change. The write is already stored,
// so a failure here is logged and said in the answer, not an error: the
// watcher retries.
func (s *Server) recomputeAfterWrite(c *gin.Context, ans *filingAnswer) {
	start := time.Now()
	if err := s.core.Recompute(c.Request.Context()); err != nil {
		s.log.ErrorContext(c.Request.Context(), "recompute after a write", slog.Any("err", err))
		ans.FiguresPending = true
		return
	}
	s.log.InfoContext(c.Request.Context(), "coverage recomputed after a write", slog.Duration("took", time.Since(start)))
	if cur, err := s.core.Current(); err == nil {
		ans.After = cur.Province(ans.Layer)
		ans.Change = diff(ans.Before, ans.After)
	}
}

// filingID reads the :id path parameter; an id that is not a positive
// integer is no filing (404).
func filingID(c *gin.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, notFound("no filing %s", quote(c.Param("id")))
	}
	return id, nil
}

// ownerFilter is the provider whose filings a principal may see: its own,
// or every filing ("") for the admin.
func ownerFilter(p data.Principal) string {
	if p.Role == data.RoleAdmin {
		return ""
	}
	return p.Provider.Name
}

// listedFiling is a filing as the list shows it: with whether it counts
// today, so that a provider sees which of its filings later ones replaced.
type listedFiling struct {
	data.Filing
	// Status is in_force (it gives at least one technology's coverage
	// today), superseded (later filings of the provider replaced every
	// technology of it) or withdrawn.
	Status string `json:"status"`
}

// Filing statuses of listedFiling.
const (
	statusInForce    = "in_force"
	statusSuperseded = "superseded"
	statusWithdrawn  = "withdrawn"
)

func (s *Server) handleFilings(c *gin.Context) {
	ctx := c.Request.Context()
	fs, err := s.store.Filings(ctx, ownerFilter(principal(c)))
	if err != nil {
		s.fail(c, err)
		return
	}
	current, err := s.store.FilingsInForce(ctx, "")
	if err != nil {
		s.fail(c, err)
		return
	}
	inForce := make(map[int64]bool, len(current))
	for _, f := range current {
		inForce[f.ID] = true
	}
	out := make([]listedFiling, len(fs))
	for i, f := range fs {
		out[i] = listedFiling{Filing: f, Status: statusSuperseded}
		switch {
		case f.WithdrawnAt != "":
			out[i].Status = statusWithdrawn
		case inForce[f.ID]:
			out[i].Status = statusInForce
		}
	}
	c.JSON(http.StatusOK, struct {
		Filings []listedFiling `json:"filings"`
	}{out})
}

func (s *Server) handleFiling(c *gin.Context) {
	id, err := filingID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	f, err := s.store.FilingByID(c.Request.Context(), id, ownerFilter(principal(c)))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, struct {
		Filing data.Filing       `json:"filing"`
		Links  map[string]string `json:"links"`
	}{f, filingLinks(id)})
}

// handleFilingFeatures answers a filing as GeoJSON, in the filing format:
// footprints with their geometry, declarations with geometry null.
func (s *Server) handleFilingFeatures(c *gin.Context) {
	id, err := filingID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	f, err := s.store.FilingByID(ctx, id, ownerFilter(principal(c)))
	if err != nil {
		s.fail(c, err)
		return
	}
	fps, decls, err := s.store.FilingItems(ctx, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	fc := geojson.NewFeatureCollection()
	for _, fp := range fps {
		var g orb.Geometry = fp.Geometry
		if len(fp.Geometry) == 1 {
			g = fp.Geometry[0]
		}
		ft := geojson.NewFeature(g)
		ft.Properties = itemProperties(fp.Technology, fp.Programme, fp.Service)
		if fp.MinDownMbps > 0 {
			ft.Properties["min_down_mbps"] = fp.MinDownMbps
		}
		if fp.MinUpMbps > 0 {
			ft.Properties["min_up_mbps"] = fp.MinUpMbps
		}
		fc.Append(ft)
	}
	for _, d := range decls {
		ft := &geojson.Feature{Type: "Feature", Properties: itemProperties(d.Technology, d.Programme, d.Service)}
		ft.Properties["commune_code"] = d.CommuneCode
		ft.Properties["share"] = d.Share
		fc.Append(ft)
	}
	fc.ExtraMembers = geojson.Properties{"layer": f.Layer, "as_of": f.AsOf, "provider": f.Provider, "filing_id": f.ID}
	body, err := json.Marshal(fc)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Data(http.StatusOK, "application/geo+json", body)
}

func itemProperties(tech, programme, service string) geojson.Properties {
	p := geojson.Properties{"technology": tech}
	if programme != "" {
		p["programme"], p["service"] = programme, service
	}
	return p
}

// handleFilingWithdraw marks a filing withdrawn and recomputes.
func (s *Server) handleFilingWithdraw(c *gin.Context) {
	id, err := filingID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	p := principal(c)
	f, err := s.store.FilingByID(ctx, id, ownerFilter(p))
	if err != nil {
		s.fail(c, err)
		return
	}
	snap, err := s.core.Current()
	if err != nil {
		s.fail(c, err)
		return
	}
	at, err := s.store.WithdrawFiling(ctx, id, ownerFilter(p), p.String())
	if err != nil {
		s.fail(c, err)
		return
	}
	ans := filingAnswer{ID: id, Provider: f.Provider, Layer: f.Layer, AsOf: f.AsOf, WithdrawnAt: at,
		Before: snap.Province(f.Layer), Links: filingLinks(id)}
	s.recomputeAfterWrite(c, &ans)
	c.JSON(http.StatusOK, ans)
}
