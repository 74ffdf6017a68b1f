package rest

import (
	"sort"

	"github.com/gin-gonic/gin"

	"github.com/phusong/phusong/api"
	"github.com/phusong/phusong/geo"
)

// The query parameters shared by several endpoints are read here. Each
// reader returns an error wrapping data.ErrInvalid (400) that names the
// parameter, its value and what was expected; the handler passes it to
// fail, the one problem writer.

// queryOnce refuses a request that gives a query parameter more than once,
// on every route (it runs before them): every parameter of this service is
// one value, and which of two a handler would read is not what every
// client, proxy or firewall assumes (?dry_run=false&dry_run=true stored a
// filing). 400 naming the parameter.
func (s *Server) queryOnce(c *gin.Context) {
	q := c.Request.URL.Query()
	names := make([]string, 0, len(q))
	for k, vs := range q {
		if len(vs) > 1 {
			names = append(names, k)
		}
	}
	if len(names) > 0 {
		sort.Strings(names)
		s.fail(c, invalid("query parameter %s is given %d times: give each parameter once", quote(names[0]), len(q[names[0]])))
		return
	}
	c.Next()
}

// currentAsOf returns the figures to answer with and the date of ?as_of
// ("" for now): the current snapshot, or its view on the unit set of
// ?units= or, without it, on the set in force on as_of (unitsView). A date
// after the snapshot's day is refused: what is filed for the future is not
// in force.
func (s *Server) currentAsOf(c *gin.Context) (*api.Snapshot, string, error) {
	snap, err := s.core.Current()
	if err != nil {
		return nil, "", err
	}
	v := c.Query("as_of")
	if err := snap.CheckAsOf(v); err != nil {
		return nil, "", err
	}
	if snap, err = s.unitsView(c, snap, v); err != nil {
		return nil, "", err
	}
	setGeneration(c, snap)
	return snap, v, nil
}

// maxUnitsParam bounds ?units=, a set's name or id.
const maxUnitsParam = 100

// unitsView returns snap's figures on the unit set of ?units= (a name or
// an id), or without it on the set in force on day ("" for today).
func (s *Server) unitsView(c *gin.Context, snap *api.Snapshot, day string) (*api.Snapshot, error) {
	ref := c.Query("units")
	if len(ref) > maxUnitsParam {
		return nil, invalid("units: a unit set's name or id of at most %d characters", maxUnitsParam)
	}
	if _, given := c.GetQuery("units"); given && ref == "" {
		return nil, invalid("units is empty: give a unit set's name or id (GET /api/v1/unit-sets lists them)")
	}
	return s.core.View(c.Request.Context(), snap, ref, day)
}

// knownAtParam reads ?known_at=YYYY-MM-DD beside ?as_of (api.Snapshot.
// CheckKnownAt): it returns as_of (which defaults to known_at) and
// known_at, "" for today.
func knownAtParam(c *gin.Context, snap *api.Snapshot, asOf string) (string, string, error) {
	knownAt := c.Query("known_at")
	asOf, err := snap.CheckKnownAt(asOf, knownAt)
	if knownAt >= snap.Day {
		knownAt = ""
	}
	return asOf, knownAt, err
}

// generationHeader names the snapshot an answer was computed from
// (api.Snapshot.Generation): answers with the same value tell the same
// figures.
const generationHeader = "Phusong-Generation"

func setGeneration(c *gin.Context, snap *api.Snapshot) {
	c.Header(generationHeader, snap.Generation())
}

// remoteParam reads ?remote=true|false as a filter on communes; absent,
// every commune.
func remoteParam(c *gin.Context) (geo.Filter, error) {
	switch v := c.Query("remote"); v {
	case "":
		return geo.FilterAll, nil
	case "true":
		return geo.FilterRemote, nil
	case "false":
		return geo.FilterNotRemote, nil
	default:
		return "", invalid("remote %s: want true or false", quote(v))
	}
}

// layerQuery reads ?layer= (required).
func layerQuery(c *gin.Context) (geo.Layer, error) {
	l := geo.Layer(c.Query("layer"))
	if !l.Valid() {
		return "", invalid("layer %s: want broadcast, phone, broadband or mobile", quote(string(l)))
	}
	return l, nil
}

// boolParam reads ?name=true|false; absent is false.
func boolParam(c *gin.Context, name string) (bool, error) {
	switch v := c.Query(name); v {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	default:
		return false, invalid("%s %s: want true or false", name, quote(v))
	}
}

// invalid is a 400 error naming what is wrong.
func invalid(format string, args ...any) error { return api.Invalidf(format, args...) }

// notFound is a 404 error naming what is not there.
func notFound(format string, args ...any) error { return api.NotFoundf(format, args...) }

// dated is an answer's date fields: the date it was asked for, the date of
// the data it describes and the remote filter, when they are not the
// defaults.
type dated struct {
	DataAsOf  string         `json:"data_as_of"`
	AsOf      string         `json:"as_of,omitempty"`
	KnownAt   string         `json:"known_at,omitempty"` // the figures as known on that day; absent: today
	Remote    *bool          `json:"remote,omitempty"`
	RemoteSet *api.RemoteSet `json:"remote_set,omitempty"`
}

// withKnown sets the day the figures were known on.
func withKnown(d dated, knownAt string) dated {
	d.KnownAt = knownAt
	return d
}

func newDated(asOf, dataAsOf string, filter geo.Filter, snap *api.Snapshot) dated {
	d := dated{DataAsOf: dataAsOf, AsOf: asOf}
	if filter != geo.FilterAll {
		r, rs := filter == geo.FilterRemote, snap.RemoteSet()
		d.Remote, d.RemoteSet = &r, &rs
	}
	return d
}

// withDate adds the date fields to a gin.H answer.
func withDate(out gin.H, asOf, dataAsOf string, filter geo.Filter, snap *api.Snapshot) gin.H {
	d := newDated(asOf, dataAsOf, filter, snap)
	out["data_as_of"] = d.DataAsOf
	if d.AsOf != "" {
		out["as_of"] = d.AsOf
	}
	if d.Remote != nil {
		out["remote"], out["remote_set"] = *d.Remote, d.RemoteSet
	}
	return out
}
