package geo

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
)

// CommuneProperties names the GeoJSON properties that hold a commune's
// facts in an imported file. Empty names are not read.
type CommuneProperties struct {
	Code         string
	Name         string
	Type         string
	DistrictCode string
	District     string
	Population   string
	// ProvinceCode and Province name the unit's province; a file with a
	// name only has the code looked up (ProvinceCode).
	ProvinceCode string
	Province     string
}

// DefaultCommuneProperties are the property names of the official Hòa Bình
// boundary file (gso_code, name, district, pop_2019…).
func DefaultCommuneProperties() CommuneProperties {
	return CommuneProperties{Code: "gso_code", Name: "name", Type: "type", DistrictCode: "district_code",
		District: "district", Population: "pop_2019", ProvinceCode: "province_code", Province: "province"}
}

// provinceOf completes a unit's province from what a file gives: the name
// from the code, or the code from the name.
func provinceOf(code, name string) (string, string) {
	switch {
	case code != "" && name == "":
		return code, ProvinceName(code)
	case code == "" && name != "":
		if code = ProvinceCode(name); code != "" {
			return code, ProvinceName(code) // "Ha Noi" → "Hà Nội"
		}
	}
	return code, name
}

// ReadCommunes reads a GeoJSON FeatureCollection of communes. Each feature
// needs a code (string or integer, unique in the file) and a Polygon or
// MultiPolygon geometry with closed rings of at least four positions and
// coordinates in range (longitude −180…180, latitude −90…90). With
// needFacts, the name and the population are read too: a null or
// absent population counts as 0 people and is listed in the warnings (the
// national file lacks it for some communes), but a file in which no feature
// has it is an error, since that is a wrong property name. A commune without
// a name is named by its code in brackets, also with a warning. AreaKm2 is the
// geodesic area of the geometry and Point an interior point. Every problem of the
// file is returned at once, in an *InputError.
func ReadCommunes(r io.Reader, props CommuneProperties, needFacts bool, source string) ([]Commune, []string, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, err
	}
	if ie := checkUTF8(raw); ie != nil {
		return nil, nil, ie
	}
	var fc struct {
		Type     string            `json:"type"`
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(raw, &fc); err != nil {
		return nil, nil, &InputError{Problems: []FeatureProblem{{Feature: -1, Message: jsonProblem(raw, err)}}}
	}
	if fc.Type != "FeatureCollection" {
		return nil, nil, &InputError{Problems: []FeatureProblem{{Feature: -1, Field: "type",
			Message: fmt.Sprintf("the file is a GeoJSON %q, want a FeatureCollection", fc.Type)}}}
	}
	if len(fc.Features) == 0 {
		return nil, nil, &InputError{Problems: []FeatureProblem{{Feature: -1, Field: "features",
			Message: "the FeatureCollection has no features"}}}
	}
	var problems []FeatureProblem
	add := func(i int, field, format string, args ...any) {
		problems = append(problems, FeatureProblem{Feature: i, Field: field, Code: ProblemInvalid, Message: fmt.Sprintf(format, args...)})
	}
	seen := map[string]int{}
	out := make([]Commune, 0, len(fc.Features))
	noPop, havePop, noName := 0, 0, 0
	for i, rawF := range fc.Features {
		var f struct {
			Type       string          `json:"type"`
			Properties map[string]any  `json:"properties"`
			Geometry   json.RawMessage `json:"geometry"`
		}
		if err := json.Unmarshal(rawF, &f); err != nil {
			add(i, "", "not a GeoJSON Feature object: %v", err)
			continue
		}
		if f.Type != "Feature" {
			add(i, "type", "is %q, want \"Feature\"", f.Type)
			continue
		}
		c := Commune{Boundary: source}
		code, ok := propString(f.Properties, props.Code)
		switch {
		case !ok || code == "":
			add(i, "properties."+props.Code, "missing commune code")
		case seen[code] > 0:
			add(i, "properties."+props.Code, "duplicate commune code %q (also feature %d)", code, seen[code]-1)
		default:
			seen[code] = i + 1
		}
		c.Code = code
		c.Name, _ = propString(f.Properties, props.Name)
		c.Type, _ = propString(f.Properties, props.Type)
		c.District, _ = propString(f.Properties, props.District)
		c.DistrictCode, _ = propString(f.Properties, props.DistrictCode)
		c.ProvinceCode, _ = propString(f.Properties, props.ProvinceCode)
		c.Province, _ = propString(f.Properties, props.Province)
		c.ProvinceCode, c.Province = provinceOf(c.ProvinceCode, c.Province)
		if needFacts {
			if c.Name == "" {
				c.Name = "(" + code + ")"
				noName++
			}
			switch n, err := propCount(f.Properties, props.Population); {
			case err != nil:
				add(i, "properties."+props.Population, "%v", err)
			case n < 0:
				noPop++
			default:
				c.Population = n
				havePop++
			}
		}
		mp, msg := readPolygonal(f.Geometry)
		if msg != "" {
			add(i, "geometry", "%s", msg)
			continue
		}
		c.Geometry = mp
		c.AreaKm2 = polygonalAreaM2(mp) / 1e6
		c.Point = interiorPoint(mp)
		out = append(out, c)
	}
	if needFacts && havePop == 0 && len(problems) == 0 {
		add(-1, "properties."+props.Population, "no feature has a population in property %q: is that the right name?", props.Population)
	}
	if len(problems) > 0 {
		return nil, nil, &InputError{Problems: problems}
	}
	var warnings []string
	if noName > 0 {
		warnings = append(warnings, fmt.Sprintf("%d communes have no name in %q and are named by their code", noName, props.Name))
	}
	if noPop > 0 {
		warnings = append(warnings, fmt.Sprintf("%d communes have no population in %q and count as 0 people", noPop, props.Population))
	}
	return out, warnings, nil
}

// jsonProblem turns a JSON error into a message with a line and column.
func jsonProblem(raw []byte, err error) string {
	line, col, kind := jsonErrorPos(raw, err)
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case kind == 0:
		return "not valid JSON: " + err.Error()
	case errors.As(err, &se):
		return fmt.Sprintf("not valid JSON at line %d, column %d: %v", line, col, se)
	default:
		errors.As(err, &te)
		return fmt.Sprintf("not a GeoJSON FeatureCollection: at line %d, column %d, %q is a JSON %s", line, col, te.Field, te.Value)
	}
}

// jsonErrorPos returns where a JSON error of encoding/json is in raw: the
// line and column (1-based, in characters) of the character that breaks
// the syntax, or of the end of the file when it ends too soon; for a value
// of the wrong type, where the value ends. kind is 1 for a syntax error, 2
// for a type error, 0 when the error has no position.
func jsonErrorPos(raw []byte, err error) (line, col, kind int) {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		at := se.Offset // bytes read, the offending one included
		if at > 0 && at <= int64(len(raw)) && !strings.HasPrefix(se.Error(), "unexpected end") {
			at--
		}
		line, col = lineCol(raw, at)
		return line, col, 1
	case errors.As(err, &te):
		line, col = lineCol(raw, te.Offset)
		return line, col, 2
	}
	return 0, 0, 0
}

// lineCol returns the line and column (1-based; the column counted in
// characters, as editors count it) of the byte at offset in raw, or of the
// end of raw.
func lineCol(raw []byte, offset int64) (int, int) {
	if offset > int64(len(raw)) {
		offset = int64(len(raw))
	}
	if offset < 0 {
		offset = 0
	}
	before := raw[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	col := utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:]) + 1
	return line, col
}

// propString reads a property as text; integers (as GSO codes sometimes are)
// are written without a decimal point.
func propString(props map[string]any, name string) (string, bool) {
	if name == "" {
		return "", false
	}
	switch v := props[name].(type) {
	case string:
		return strings.TrimSpace(v), true
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1e15 {
			return strconv.FormatInt(int64(v), 10), true
		}
		return strconv.FormatFloat(v, 'f', -1, 64), true
	default:
		return "", false
	}
}

// propCount reads a count of people: −1 when absent or null.
func propCount(props map[string]any, name string) (int, error) {
	v, ok := props[name]
	if !ok || v == nil {
		return -1, nil
	}
	var f float64
	switch t := v.(type) {
	case float64:
		f = t
	case string:
		p, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
		if err != nil {
			return 0, fmt.Errorf("population %q is not a number", t)
		}
		f = p
	default:
		return 0, fmt.Errorf("population is a %T, want a number", v)
	}
	if f < 0 || f != math.Trunc(f) || f > 1e9 {
		return 0, fmt.Errorf("population %v is not a whole number of people between 0 and 1e9", f)
	}
	return int(f), nil
}

// readPolygonal decodes a GeoJSON geometry that must be a Polygon or a
// MultiPolygon, returning it as a MultiPolygon or a message saying what is
// wrong.
func readPolygonal(raw json.RawMessage) (orb.MultiPolygon, string) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, "missing geometry, want a Polygon or MultiPolygon"
	}
	g, err := geojson.UnmarshalGeometry(raw)
	if err != nil {
		return nil, "not a GeoJSON geometry: " + err.Error()
	}
	var mp orb.MultiPolygon
	switch t := g.Geometry().(type) {
	case orb.Polygon:
		mp = orb.MultiPolygon{t}
	case orb.MultiPolygon:
		mp = t
	default:
		return nil, fmt.Sprintf("is a %s, want a Polygon or MultiPolygon", g.Type)
	}
	if msg := CheckPolygonal(mp); msg != "" {
		return nil, msg
	}
	return mp, ""
}

// CheckPolygonal returns "" when mp can be used as an area in EPSG:4326: at
// least one polygon, every ring closed with four or more positions, and
// every coordinate a finite longitude in −180…180 and latitude in −90…90.
// Otherwise it returns what is wrong, naming the polygon, ring and position.
func CheckPolygonal(mp orb.MultiPolygon) string {
	if len(mp) == 0 {
		return "has no polygon"
	}
	for pi, p := range mp {
		if len(p) == 0 {
			return fmt.Sprintf("polygon %d has no ring", pi)
		}
		for ri, r := range p {
			if len(r) < 4 {
				return fmt.Sprintf("polygon %d ring %d has %d positions, want at least 4", pi, ri, len(r))
			}
			if r[0] != r[len(r)-1] {
				return fmt.Sprintf("polygon %d ring %d is not closed (first and last positions differ)", pi, ri)
			}
			for k, pt := range r {
				if math.IsNaN(pt[0]) || math.IsNaN(pt[1]) || pt[0] < -180 || pt[0] > 180 || pt[1] < -90 || pt[1] > 90 {
					return fmt.Sprintf("polygon %d ring %d position %d (%g, %g) is out of range: want longitude −180…180, latitude −90…90",
						pi, ri, k, pt[0], pt[1])
				}
			}
		}
	}
	return ""
}

// polygonalAreaM2 is the area in m² on the WGS 84 sphere approximation.
func polygonalAreaM2(mp orb.MultiPolygon) float64 {
	return math.Abs(orbgeo.Area(mp))
}

// interiorPoint is the area-weighted centroid of mp when it lies inside mp,
// otherwise the centroid of its largest polygon's bounds moved onto the
// polygon's first vertex as a last resort; it is only used to place the
// population of a commune too small to hold a grid cell.
func interiorPoint(mp orb.MultiPolygon) orb.Point {
	c, _ := planar.CentroidArea(mp)
	if planar.MultiPolygonContains(mp, c) {
		return c
	}
	best, bestArea := 0, -1.0
	for i, p := range mp {
		if a := math.Abs(planar.Area(p)); a > bestArea {
			best, bestArea = i, a
		}
	}
	pc, _ := planar.CentroidArea(mp[best])
	if planar.PolygonContains(mp[best], pc) {
		return pc
	}
	return mp[best][0][0]
}
