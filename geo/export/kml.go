package export

import (
	"encoding/json"
	"fmt"
	"image/color"
	"io"

	"github.com/paulmach/orb"
	geom "github.com/twpayne/go-geom"
	kmlgeom "github.com/twpayne/go-geom/encoding/kml"
	"github.com/twpayne/go-kml/v3"

	"github.com/phusong/phusong/geo"
)

// statusColours are the fills of the three statuses, the web page's
// colour-blind-safe scale, 70% opaque so the base map shows through.
var statusColours = map[geo.Status]color.NRGBA{
	geo.StatusCovered: {0x2a, 0x78, 0x8e, 0xb3},
	geo.StatusPartial: {0x7a, 0xd1, 0x51, 0xb3},
	geo.StatusNone:    {0xfd, 0xe7, 0x25, 0xb3},
}

// kmlTypes maps the kinds of ColumnTypes to the SimpleField types of KML
// 2.2, so that Google Earth and GDAL read numbers as numbers and the two
// flags as booleans rather than every value as text.
var kmlTypes = map[string]string{"string": "string", "integer": "int", "number": "double", "boolean": "bool"}

// WriteKML writes the table as a KML 2.2 document for Google Earth and
// similar viewers: a Schema (id the layer's name) declaring each of Columns
// with its type, then one Placemark per commune, named by the commune,
// styled by its status, with every column in a SchemaData of that schema,
// and the layer, date, method and source in the document's own
// ExtendedData. Elements come in the order the OGC KML 2.2 schema requires
// (name, open, description, styles, ExtendedData, Schema, then the
// placemarks). The geometry goes through go-geom's KML encoder.
func (t *Table) WriteKML(w io.Writer) error {
	method, err := json.Marshal(t.Method)
	if err != nil {
		return err
	}
	doc := kml.Document(
		kml.Name(t.title()),
		kml.Open(true),
		kml.Description(t.Description()),
	)
	for _, s := range []geo.Status{geo.StatusCovered, geo.StatusPartial, geo.StatusNone} {
		doc.Append(kml.SharedStyle(string(s),
			kml.LineStyle(kml.Color(color.NRGBA{0x44, 0x44, 0x44, 0xff}), kml.Width(0.5)),
			kml.PolyStyle(kml.Color(statusColours[s]))))
	}
	meta := kml.ExtendedData(
		kml.Data("layer", kml.Value(string(t.Layer))),
		kml.Data("as_of", kml.Value(t.AsOf)),
		kml.Data("computed_at", kml.Value(t.ComputedAt)),
		kml.Data("method", kml.Value(string(method))),
		kml.Data("source", kml.Value(t.Source)),
	)
	if t.Breakdown != "" {
		meta.Append(kml.Data("breakdown", kml.Value(t.Breakdown)))
	}
	if t.Approximate() > 0 {
		meta.Append(kml.Data("boundary_note", kml.Value(geo.BoundaryNote)))
	}
	doc.Append(meta)
	schema := kml.NamedSchema(string(t.Layer), string(t.Layer))
	for _, c := range Columns {
		schema.Append(kml.SimpleField(c, kmlTypes[ColumnTypes[c]]))
	}
	doc.Append(schema)
	for _, r := range t.Rows {
		fields := kml.SchemaData(schema.URL())
		for i, v := range r.Values() {
			fields.Append(kml.SimpleData(Columns[i], kmlValue(v)))
		}
		data := kml.ExtendedData(fields)
		pm := kml.Placemark(
			kml.Name(r.Name),
			kml.Description(fmt.Sprintf("%s · %s — %s/%d (%.2f%%) %s", r.Code, r.District,
				formatValue(r.Covered), r.Population, 100*r.Share, r.Status)),
			kml.StyleURL("#"+string(r.Status)),
			data,
		)
		if len(r.Geometry) > 0 {
			g := geom.NewMultiPolygon(geom.XY)
			if _, err := g.SetCoords(geomCoords(r.Geometry)); err != nil {
				return fmt.Errorf("%w: commune %s: %v", geo.ErrInvalidGeometry, r.Code, err)
			}
			pm.Append(kmlgeom.EncodeMultiPolygon(g))
		}
		doc.Append(pm)
	}
	return kml.KML(doc).Write(w)
}

// kmlValue writes a Row value as a SimpleData's text: a bool as 1 or 0,
// both valid xsd:boolean, because GDAL reads a bool field's "true" as 0;
// anything else as formatValue does.
func kmlValue(v any) string {
	if b, ok := v.(bool); ok {
		if b {
			return "1"
		}
		return "0"
	}
	return formatValue(v)
}

// title names the file's figures: Phủ Sóng — layer[ — breakdown] — date.
func (t *Table) title() string {
	if t.Breakdown != "" {
		return fmt.Sprintf("Phủ Sóng — %s — %s — %s", t.Layer, t.Breakdown, t.AsOf)
	}
	return fmt.Sprintf("Phủ Sóng — %s — %s", t.Layer, t.AsOf)
}

// Description is the one paragraph that tells a reader of an exported file
// what the figures are.
func (t *Table) Description() string {
	of := ""
	if t.Breakdown != "" {
		of = fmt.Sprintf(" of breakdown %q only", t.Breakdown)
	}
	s := fmt.Sprintf("Coverage layer %q: people covered per commune%s, from the filings in force on %s, computed %s by method %s (%g m cells; covered ≥ %g%%, partial ≥ %g%%). Source: %s",
		t.Layer, of, t.AsOf, t.ComputedAt, t.Method.Name, t.Method.CellSizeM,
		100*t.Method.CoveredThreshold, 100*t.Method.PartialThreshold, t.Source)
	if t.Approximate() > 0 {
		s += " " + geo.BoundaryNote
	}
	return s
}

// geomCoords turns mp into go-geom's nested coordinates for its KML
// encoder.
func geomCoords(mp orb.MultiPolygon) [][][]geom.Coord {
	out := make([][][]geom.Coord, len(mp))
	for i, p := range mp {
		out[i] = make([][]geom.Coord, len(p))
		for j, r := range p {
			out[i][j] = make([]geom.Coord, len(r))
			for k, pt := range r {
				out[i][j][k] = geom.Coord{pt[0], pt[1]}
			}
		}
	}
	return out
}
