package geo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// Submission is a provider's filing once read and validated: one layer, the
// date the data describes, and its footprints and commune declarations.
type Submission struct {
	Layer        Layer
	AsOf         string // YYYY-MM-DD
	Features     int    // features (or CSV rows) read
	Footprints   []Footprint
	Declarations []Declaration
}

// FilingRules are what a filing is checked against.
type FilingRules struct {
	Provider string
	// Layers the provider may file; empty means every layer.
	Layers []Layer
	// Communes holds the codes of the communes of the store; a declaration
	// must name one of them.
	Communes map[string]bool
	// UnitSet names the unit set of Communes where the store keeps several,
	// so that an unknown code's problem says which set it was looked up in.
	UnitSet string
	// Extent is the communes' bounding box; every footprint position must
	// lie within it widened by MarginDeg on each side.
	Extent    orb.Bound
	MarginDeg float64
	// Today is the latest allowed as_of, YYYY-MM-DD.
	Today string
	// GivenLayer and GivenAsOf, when not empty, are the filing's layer and
	// date given apart from a GeoJSON file (a submission's query
	// parameters): they take the place of the file's members "layer" and
	// "as_of", so that a file without them (or with other values) can be
	// filed as it is. ParseFilingCSV takes its own.
	GivenLayer string
	GivenAsOf  string
	// MaxFeatures caps the features of one filing; MaxProblems the
	// problems reported (the rest are counted, not listed).
	MaxFeatures int
	MaxProblems int
}

// DefaultMaxFeatures and DefaultMaxProblems are the limits when the rules
// leave them zero. A national operator's filing of the Vietnam scenario
// has about 40,000 footprints.
const (
	DefaultMaxFeatures = 250000
	DefaultMaxProblems = 1000
	DefaultMarginDeg   = 0.5 // about 50 km
)

// Technologies lists, per layer, the technologies a filing may name, in
// their canonical spelling; matching ignores case.
var Technologies = map[Layer][]string{
	Mobile:    {"2G", "3G", "4G", "5G"},
	Phone:     {"fixed_line"},
	Broadband: {"FTTH", "xDSL", "cable", "fixed_wireless"},
	Broadcast: {"DVB-T2", "DVB-T", "analogue_tv", "FM", "AM", "satellite", "cable", "IPTV"},
}

// canonicalTechnology returns the canonical spelling of tech in layer l,
// or "" and the layer that has it when it belongs elsewhere.
func canonicalTechnology(l Layer, tech string) (string, Layer) {
	for _, t := range Technologies[l] {
		if strings.EqualFold(t, tech) {
			return t, l
		}
	}
	for _, other := range Layers {
		for _, t := range Technologies[other] {
			if strings.EqualFold(t, tech) {
				return "", other
			}
		}
	}
	return "", ""
}

// problems collects a filing's problems up to a cap.
type problems struct {
	list  []FeatureProblem
	max   int
	extra int
}

func (ps *problems) add(feature int, field, code, format string, args ...any) {
	ps.addAt(feature, 0, field, code, format, args...)
}

// addAt adds a problem known to be at a line of the file.
func (ps *problems) addAt(feature, line int, field, code, format string, args ...any) {
	ps.put(FeatureProblem{Feature: feature, Line: line, Field: field, Code: code, Message: fmt.Sprintf(format, args...)})
}

func (ps *problems) put(p FeatureProblem) {
	if len(ps.list) >= ps.max {
		ps.extra++
		return
	}
	ps.list = append(ps.list, p)
}

func (ps *problems) err() error {
	if len(ps.list) == 0 {
		return nil
	}
	return &InputError{Problems: ps.list, Truncated: ps.extra > 0}
}

func (r *FilingRules) defaults() {
	if r.MaxFeatures <= 0 {
		r.MaxFeatures = DefaultMaxFeatures
	}
	if r.MaxProblems <= 0 {
		r.MaxProblems = DefaultMaxProblems
	}
	if r.MarginDeg <= 0 {
		r.MarginDeg = DefaultMarginDeg
	}
	if r.Today == "" {
		r.Today = time.Now().UTC().Format(time.DateOnly)
	}
}

// checkHeader validates the layer and as_of of a filing, whatever its format.
func (r *FilingRules) checkHeader(ps *problems, layer, asOf string, haveLayer, haveAsOf bool) Layer {
	l := Layer(layer)
	switch {
	case !haveLayer || layer == "":
		ps.add(-1, "layer", ProblemMissingLayer, "the filing names no layer: want one of broadcast, phone, broadband, mobile")
	case !l.Valid():
		ps.add(-1, "layer", ProblemUnknownLayer, "layer %q is not one of broadcast, phone, broadband, mobile", layer)
	case len(r.Layers) > 0 && !containsLayer(r.Layers, l):
		ps.add(-1, "layer", ProblemLayerNotAllowed, "provider %s may not file layer %s (allowed: %s)", r.Provider, l, layerList(r.Layers))
	}
	switch d, err := time.Parse(time.DateOnly, asOf); {
	case !haveAsOf || asOf == "":
		ps.add(-1, "as_of", ProblemMissingAsOf, "the filing has no as_of: the date the data describes, YYYY-MM-DD")
	case err != nil:
		ps.add(-1, "as_of", ProblemBadAsOf, "as_of %q is not a date YYYY-MM-DD", asOf)
	case d.Year() < 1990:
		ps.add(-1, "as_of", ProblemBadAsOf, "as_of %s is before 1990", asOf)
	case asOf > r.Today:
		ps.add(-1, "as_of", ProblemFutureAsOf, "as_of %s is in the future (today is %s)", asOf, r.Today)
	}
	return l
}

func containsLayer(ls []Layer, l Layer) bool {
	for _, x := range ls {
		if x == l {
			return true
		}
	}
	return false
}

func layerList(ls []Layer) string {
	s := make([]string, len(ls))
	for i, l := range ls {
		s[i] = string(l)
	}
	return strings.Join(s, ", ")
}

// ParseFilingGeoJSON reads and validates a filing in GeoJSON: a
// FeatureCollection with the foreign members "layer" and "as_of" (or
// these given apart: FilingRules.GivenLayer, GivenAsOf), whose
// features are footprints (Polygon or MultiPolygon geometry, properties
// technology and, for broadcast, programme and service, optional
// min_down_mbps and min_up_mbps) or commune declarations (null geometry,
// properties commune_code, technology, share 0–1). Every problem is found
// and returned at once in an *InputError; a filing with any problem yields
// no submission.
func ParseFilingGeoJSON(raw []byte, r FilingRules) (*Submission, error) {
	return ParseFilingGeoJSONContext(context.Background(), raw, r)
}

// ParseFilingGeoJSONContext is ParseFilingGeoJSON that gives up when ctx
// ends, returning ctx.Err(): a server passes the request's context so that
// a client that goes away, or a deadline, stops the work. Validation
// checks ctx between features and every few thousand vertices of a ring;
// only the reading of the JSON itself, linear in the input, runs to its
// end.
func ParseFilingGeoJSONContext(ctx context.Context, raw []byte, r FilingRules) (*Submission, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r.defaults()
	if ie := checkUTF8(raw); ie != nil {
		return nil, ie
	}
	// A byte-order mark, as Windows editors write, is not JSON but no
	// reason to refuse a file; lines and columns are the editor's.
	raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
	ps := &problems{max: r.MaxProblems}
	var fc struct {
		Type     string            `json:"type"`
		Layer    *string           `json:"layer"`
		AsOf     *string           `json:"as_of"`
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(raw, &fc); err != nil {
		p := FeatureProblem{Feature: -1, Code: ProblemJSONSyntax, Message: jsonProblem(raw, err)}
		var kind int
		p.Line, p.Column, kind = jsonErrorPos(raw, err)
		if kind != 1 {
			p.Code = ProblemNotCollection
		}
		return nil, &InputError{Problems: []FeatureProblem{p}}
	}
	if fc.Type != "FeatureCollection" {
		return nil, &InputError{Problems: []FeatureProblem{{Feature: -1, Field: "type", Code: ProblemNotCollection,
			Message: fmt.Sprintf("the file is a GeoJSON %q, want a FeatureCollection", fc.Type)}}}
	}
	layerName, haveLayer := deref(fc.Layer), fc.Layer != nil
	if r.GivenLayer != "" {
		layerName, haveLayer = r.GivenLayer, true
	}
	asOf, haveAsOf := deref(fc.AsOf), fc.AsOf != nil
	if r.GivenAsOf != "" {
		asOf, haveAsOf = r.GivenAsOf, true
	}
	layer := r.checkHeader(ps, layerName, asOf, haveLayer, haveAsOf)
	switch {
	case len(fc.Features) == 0:
		ps.add(-1, "features", ProblemNoFeatures, "the filing has no features")
	case len(fc.Features) > r.MaxFeatures:
		ps.add(-1, "features", ProblemTooManyFeatures, "the filing has %d features; at most %d are taken in one filing", len(fc.Features), r.MaxFeatures)
		return nil, ps.err()
	}
	sub := &Submission{Layer: layer, AsOf: asOf, Features: len(fc.Features)}
	var stopped error // ctx's error, once a check has seen it
	stop := func() bool {
		stopped = ctx.Err()
		return stopped != nil
	}
	v := validator{rules: &r, ps: ps, layer: layer, seen: map[declKey]int{}, stop: stop,
		extent: orb.Bound{Min: orb.Point{r.Extent.Min[0] - r.MarginDeg, r.Extent.Min[1] - r.MarginDeg},
			Max: orb.Point{r.Extent.Max[0] + r.MarginDeg, r.Extent.Max[1] + r.MarginDeg}}}
	for i, rawF := range fc.Features {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var f struct {
			Type       string          `json:"type"`
			Properties json.RawMessage `json:"properties"`
			Geometry   json.RawMessage `json:"geometry"`
		}
		if err := json.Unmarshal(rawF, &f); err != nil || f.Type != "Feature" {
			ps.add(i, "type", ProblemNotFeature, "not a GeoJSON Feature object")
			continue
		}
		props := map[string]any{}
		if len(f.Properties) > 0 && string(f.Properties) != "null" {
			dec := json.NewDecoder(bytes.NewReader(f.Properties))
			dec.UseNumber()
			if err := dec.Decode(&props); err != nil {
				ps.add(i, "properties", ProblemNotFeature, "properties is not a JSON object")
				continue
			}
		}
		if len(f.Geometry) == 0 || string(f.Geometry) == "null" {
			if d, ok := v.declaration(i, -1, props); ok {
				sub.Declarations = append(sub.Declarations, d)
			}
			continue
		}
		if fp, ok := v.footprint(i, props, f.Geometry); ok {
			sub.Footprints = append(sub.Footprints, fp)
		}
		if v.stopped {
			return nil, stopped
		}
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	for i := range sub.Footprints {
		sub.Footprints[i].Provider, sub.Footprints[i].Layer = r.Provider, layer
	}
	for i := range sub.Declarations {
		sub.Declarations[i].Provider, sub.Declarations[i].Layer = r.Provider, layer
	}
	return sub, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// validator checks features one by one against the rules.
type validator struct {
	rules  *FilingRules
	ps     *problems
	layer  Layer
	extent orb.Bound
	seen   map[declKey]int
	// stop reports that the caller's context has ended; stopped records
	// that a check gave up because of it.
	stop    func() bool
	stopped bool
	rings   ringChecker
	// codeLengths are the lengths of the communes' codes, found when first needed.
	codeLengths map[int]bool
}

type declKey struct{ code, tech, programme, service string }

// item checks the properties every feature has: technology and, for
// broadcast, programme and service. It returns the canonical values.
func (v *validator) item(i, line int, props map[string]any) (tech, programme, service string, ok bool) {
	ok = true
	bad := func(field, code, format string, args ...any) {
		v.ps.addAt(i, line, field, code, format, args...)
		ok = false
	}
	raw, _ := props["technology"].(string)
	raw = strings.TrimSpace(raw)
	switch canon, other := canonicalTechnology(v.layer, raw); {
	case raw == "":
		bad("properties.technology", ProblemMissingTechnology, "missing technology")
	case canon != "":
		tech = canon
	case other != "" && v.layer.Valid():
		bad("properties.technology", ProblemTechNotAllowed, "technology %q belongs to layer %s, not %s (allowed: %s)",
			raw, other, v.layer, strings.Join(Technologies[v.layer], ", "))
	case v.layer.Valid():
		bad("properties.technology", ProblemUnknownTechnology, "unknown technology %q (allowed in %s: %s)",
			raw, v.layer, strings.Join(Technologies[v.layer], ", "))
	}
	if v.layer == Broadcast {
		programme, _ = props["programme"].(string)
		service, _ = props["service"].(string)
		programme, service = strings.ToLower(strings.TrimSpace(programme)), strings.ToLower(strings.TrimSpace(service))
		if programme != "central" && programme != "local" {
			bad("properties.programme", ProblemBadProgramme, "programme %q: want central or local", programme)
		}
		if service != "tv" && service != "radio" {
			bad("properties.service", ProblemBadService, "service %q: want tv or radio", service)
		}
	}
	return tech, programme, service, ok
}

// number reads an optional numeric property; absent is (0, true).
func number(props map[string]any, name string) (float64, bool) {
	switch n := props[name].(type) {
	case nil:
		_, present := props[name]
		return 0, !present
	case json.Number:
		f, err := n.Float64()
		return f, err == nil && !math.IsInf(f, 0) && !math.IsNaN(f)
	}
	return 0, false
}

func (v *validator) footprint(i int, props map[string]any, rawGeom json.RawMessage) (Footprint, bool) {
	tech, programme, service, ok := v.item(i, 0, props)
	fp := Footprint{Technology: tech, Programme: programme, Service: service}
	for _, sp := range []struct {
		name string
		dst  *float64
	}{{"min_down_mbps", &fp.MinDownMbps}, {"min_up_mbps", &fp.MinUpMbps}} {
		f, good := number(props, sp.name)
		if !good || f < 0 || f > 1e6 {
			v.ps.add(i, "properties."+sp.name, ProblemBadSpeed, "%s must be a number of Mbit/s from 0 to 1,000,000", sp.name)
			ok = false
		}
		*sp.dst = f
	}
	g, err := geojson.UnmarshalGeometry(rawGeom)
	if err != nil {
		v.ps.add(i, "geometry", ProblemBadGeometry, "not a GeoJSON geometry: %v", err)
		return fp, false
	}
	switch t := g.Geometry().(type) {
	case orb.Polygon:
		fp.Geometry = orb.MultiPolygon{t}
	case orb.MultiPolygon:
		fp.Geometry = t
	default:
		v.ps.add(i, "geometry", ProblemGeometryType, "a footprint is a Polygon or MultiPolygon, not a %s (a declaration has geometry null)", g.Type)
		return fp, false
	}
	return fp, v.area(i, fp.Geometry) && ok
}

// area checks a footprint's rings: enough positions, closed, coordinates
// in range and near the province, then how the rings lie together
// (checkRings): none crossing itself, holes inside their shells and apart,
// polygons apart.
func (v *validator) area(i int, mp orb.MultiPolygon) bool {
	if len(mp) == 0 {
		v.ps.add(i, "geometry", ProblemTooFewPositions, "the geometry has no polygon")
		return false
	}
	where := func(pi, ri int) string {
		if len(mp) == 1 {
			return fmt.Sprintf("geometry.coordinates[%d]", ri)
		}
		return fmt.Sprintf("geometry.coordinates[%d][%d]", pi, ri)
	}
	for pi, p := range mp {
		if len(p) == 0 {
			v.ps.add(i, "geometry", ProblemTooFewPositions, "polygon %d has no ring", pi)
			return false
		}
		for ri, r := range p {
			if len(r) < 4 {
				v.ps.add(i, where(pi, ri), ProblemTooFewPositions, "ring has %d positions; a closed ring needs at least 4", len(r))
				return false
			}
			if r[0] != r[len(r)-1] {
				v.ps.add(i, where(pi, ri), ProblemUnclosedRing, "ring is not closed: its first position %v differs from its last %v", r[0], r[len(r)-1])
				return false
			}
			for k, pt := range r {
				if !inRange(pt) {
					v.ps.put(v.swapped(FeatureProblem{Feature: i, Field: fmt.Sprintf("%s[%d]", where(pi, ri), k), Code: ProblemOutOfRange,
						Message: fmt.Sprintf("position (%g, %g) is out of range: want longitude −180…180, latitude −90…90", pt[0], pt[1])}, pt))
					return false
				}
			}
			for k, pt := range r {
				if !v.extent.IsEmpty() && !v.extent.Contains(pt) {
					v.ps.put(v.swapped(FeatureProblem{Feature: i, Field: fmt.Sprintf("%s[%d]", where(pi, ri), k), Code: ProblemFarFromProvince,
						Message: fmt.Sprintf("position (%g, %g) is more than %g° outside the communes' extent %v–%v: is it in this province, as longitude then latitude?",
							pt[0], pt[1], v.rules.MarginDeg, v.rules.Extent.Min, v.rules.Extent.Max)}, pt))
					return false
				}
			}
		}
	}
	rp, err := v.rings.check(mp, v.stop)
	if err != nil {
		v.stopped = true
		return false
	}
	if rp != nil {
		v.ps.add(i, where(rp.Part, rp.Ring), rp.Code, "%s", rp.Message)
		return false
	}
	return true
}

func inRange(pt orb.Point) bool {
	return pt[0] >= -180 && pt[0] <= 180 && pt[1] >= -90 && pt[1] <= 90
}

// swapped adds to p, a problem of position pt, the hint that latitude and
// longitude are swapped when pt's two numbers the other way round lie
// near the province.
func (v *validator) swapped(p FeatureProblem, pt orb.Point) FeatureProblem {
	sw := orb.Point{pt[1], pt[0]}
	if v.extent.IsEmpty() || !inRange(sw) || !v.extent.Contains(sw) {
		return p
	}
	p.Hint, p.Suggestion = HintSwappedLonLat, fmt.Sprintf("%g,%g", sw[0], sw[1])
	p.Message += fmt.Sprintf("; latitude and longitude swapped? (%g, %g), longitude first, is in the province", sw[0], sw[1])
	return p
}

// maxCodeLength bounds the codes leadingZeros pads to.
const maxCodeLength = 16

// leadingZeros returns the commune code that code is with the leading
// zeros a spreadsheet drops from a number (4882 for 04882), or "".
func (v *validator) leadingZeros(code string) string {
	if code == "" || strings.Trim(code, "0123456789") != "" {
		return ""
	}
	if v.codeLengths == nil {
		v.codeLengths = map[int]bool{}
		for c := range v.rules.Communes {
			v.codeLengths[len(c)] = true
		}
	}
	for n := len(code) + 1; n <= maxCodeLength; n++ { // the shortest first
		if v.codeLengths[n] {
			if padded := strings.Repeat("0", n-len(code)) + code; v.rules.Communes[padded] {
				return padded
			}
		}
	}
	return ""
}

func (v *validator) declaration(i, line int, props map[string]any) (Declaration, bool) {
	tech, programme, service, ok := v.item(i, line, props)
	d := Declaration{Technology: tech, Programme: programme, Service: service}
	bad := func(field, code, format string, args ...any) {
		v.ps.addAt(i, line, field, code, format, args...)
		ok = false
	}
	switch code := props["commune_code"].(type) {
	case string:
		d.CommuneCode = strings.TrimSpace(code)
	case json.Number:
		d.CommuneCode = code.String()
	}
	switch {
	case d.CommuneCode == "":
		bad("properties.commune_code", ProblemMissingCommune, "a declaration (geometry null) needs commune_code")
	case !v.rules.Communes[d.CommuneCode]:
		ok = false
		p := FeatureProblem{Feature: i, Line: line, Field: "properties.commune_code", Code: ProblemUnknownCommune,
			Message: fmt.Sprintf("commune code %q is not a commune of this province", d.CommuneCode)}
		if v.rules.UnitSet != "" {
			p.Message = fmt.Sprintf("commune code %q is not a unit of set %q, the set these declarations are read on; "+
				"declarations made on another set name it with ?units= (GET /api/v1/unit-sets lists the sets)", d.CommuneCode, v.rules.UnitSet)
		}
		if padded := v.leadingZeros(d.CommuneCode); padded != "" {
			p.Hint, p.Suggestion = HintLeadingZeros, padded
			p.Message += fmt.Sprintf("; did you mean %q? (a spreadsheet drops the leading zeros of a number)", padded)
		}
		v.ps.put(p)
	}
	share, good := number(props, "share")
	if _, present := props["share"]; !present || !good || share < 0 || share > 1 {
		bad("properties.share", ProblemBadShare, "share must be a number from 0 to 1 (the share of the commune's population served)")
	}
	d.Share = share
	if ok {
		k := declKey{d.CommuneCode, tech, programme, service}
		if first, dup := v.seen[k]; dup {
			bad("properties.commune_code", ProblemDuplicate, "commune %s, technology %s is declared twice (also feature %d)", d.CommuneCode, tech, first)
		} else {
			v.seen[k] = i
		}
	}
	return d, ok
}
