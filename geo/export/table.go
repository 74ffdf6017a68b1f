package export

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong/geo"
	"github.com/phusong/phusong/geo/crs"
)

// Table is one layer's figures per commune, as every output presents them:
// the API's GeoJSON, OGC API – Features, vector tiles and the GeoPackage,
// GeoJSON, CSV and KML exports. Building each of them from one Table is what
// keeps their values equal.
type Table struct {
	Layer geo.Layer
	// AsOf is the day whose filings in force gave the figures, YYYY-MM-DD.
	AsOf string
	// ComputedAt is when the calculator ran, RFC 3339 in UTC.
	ComputedAt string
	Method     geo.Method
	// Source says where the communes, the population and the filings come
	// from, in one or two sentences for a reader of the file.
	Source string
	// Breakdown is the key of the breakdown whose figures the rows hold
	// ("provider:viettel", "technology:4G"…); "" for every provider
	// together.
	Breakdown string
	Rows      []Row
	// CRS is the system of the rows' geometry; the zero CRS is EPSG:4326
	// (see InCRS).
	CRS crs.CRS
}

// Row is one commune with its figures for one layer, rounded as the API
// serves them: people covered to whole people, the share to 4 decimals.
type Row struct {
	Code         string
	Name         string
	Type         string
	DistrictCode string
	// ParentCode, ParentName and ParentLevel name the unit above: the
	// district (ParentLevel "district") before 2025, the province after.
	ParentCode, ParentName, ParentLevel string
	District                            string
	Population                          int     // census people
	Covered                             float64 // people covered, rounded to a whole number
	Share                               float64 // 0–1, rounded to 4 decimals
	Status                              geo.Status
	Boundary                            string // "approximate" or the imported source
	Remote                              bool   // a remote (vùng sâu, vùng xa) commune; set by the caller, who knows the set
	// Reached says the commune counts as reached for the layer: its share
	// covered is at least the layer's reached threshold (the method's
	// reached_thresholds); set by the caller, who knows the threshold.
	Reached  bool
	Geometry orb.MultiPolygon
}

// Columns names a Row's attributes in the order of Row.Values; the names are
// the property names of every output.
var Columns = []string{"code", "name", "type", "district_code", "district",
	"parent_code", "parent_name", "parent_level", "population", "population_covered", "share_covered", "status", "boundary", "remote", "reached"}

// ColumnTypes gives each of Columns its kind: "string", "integer" or
// "number" or "boolean", for outputs that declare a schema (GeoPackage, KML, TileJSON).
var ColumnTypes = map[string]string{
	"code": "string", "name": "string", "type": "string", "district_code": "string", "district": "string",
	"parent_code": "string", "parent_name": "string", "parent_level": "string", "population": "integer", "population_covered": "integer", "share_covered": "number",
	"status": "string", "boundary": "string", "remote": "boolean", "reached": "boolean",
}

// Values returns the row's attributes in the order of Columns: strings,
// int for population, and float64 for the covered people (a whole number)
// and the share.
func (r Row) Values() []any {
	return []any{r.Code, r.Name, r.Type, r.DistrictCode, r.District, r.ParentCode, r.ParentName, r.ParentLevel,
		r.Population, r.Covered, r.Share, string(r.Status), r.Boundary, r.Remote, r.Reached}
}

// Properties returns the row's attributes by column name.
func (r Row) Properties() map[string]any {
	vals := r.Values()
	out := make(map[string]any, len(Columns))
	for i, c := range Columns {
		out[c] = vals[i]
	}
	return out
}

// NewTable joins communes with the figures of one breakdown of a layer
// (figs in the same order as communes, as the calculator returns them). The
// metadata fields (AsOf, ComputedAt, Method, Source) are the caller's to
// fill. It fails when the two lists do not match, code for code.
func NewTable(layer geo.Layer, communes []geo.Commune, figs []geo.CommuneFigure) (*Table, error) {
	if len(communes) != len(figs) {
		return nil, fmt.Errorf("%w: %d communes but %d figures", geo.ErrInvalidInput, len(communes), len(figs))
	}
	t := &Table{Layer: layer, Rows: make([]Row, len(communes))}
	for i, c := range communes {
		f := figs[i]
		if f.Code != c.Code {
			return nil, fmt.Errorf("%w: figure %d is of commune %s, not %s", geo.ErrInvalidInput, i, f.Code, c.Code)
		}
		t.Rows[i] = NewRow(c, f)
	}
	return t, nil
}

// NewRow joins one commune with its figure, rounded as the API serves
// them. The caller checks that both are of the same commune.
func NewRow(c geo.Commune, f geo.CommuneFigure) Row {
	parentCode, parentName := c.DistrictCode, c.District
	if c.ParentLevel == geo.ParentProvince {
		// Two tiers since 2025: the parent is the province, not a district.
		c.DistrictCode, c.District = "", ""
	}
	return Row{
		Code: c.Code, Name: c.Name, Type: c.Type, DistrictCode: c.DistrictCode, District: c.District,
		ParentCode: parentCode, ParentName: parentName, ParentLevel: c.ParentLevel,
		Population: c.Population,
		Covered:    math.Round(f.Covered),
		Share:      math.Round(f.Share*1e4) / 1e4,
		Status:     f.Status,
		Boundary:   c.Boundary,
		Geometry:   c.Geometry,
	}
}

// Approximate counts the rows whose shape is approximate rather than an
// official boundary, which every output must then say.
func (t *Table) Approximate() int {
	n := 0
	for _, r := range t.Rows {
		if r.Boundary == geo.BoundaryApproximate {
			n++
		}
	}
	return n
}

// Bound returns the extent of every row's geometry in the table's CRS; the zero
// Bound when there is none.
func (t *Table) Bound() orb.Bound {
	var b orb.Bound
	first := true
	for _, r := range t.Rows {
		if len(r.Geometry) == 0 {
			continue
		}
		if first {
			b, first = r.Geometry.Bound(), false
			continue
		}
		b = b.Union(r.Geometry.Bound())
	}
	return b
}
