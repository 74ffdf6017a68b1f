package geo

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// FeatureProblem is one thing wrong with one feature of an input file.
// Feature is the 0-based index in the features array (or the data row of a
// CSV file), or -1 for the file as a whole; Line is the line in the file
// where it is known (CSV rows, JSON syntax errors), else 0, and Column the
// column on that line (JSON syntax errors).
//
// Hint, when set, names a likely cause the file's own values point to
// (HintLeadingZeros, HintSwappedLonLat) and Suggestion the value that would
// be right under that cause ("04882"; "105.34,20.81" as longitude,latitude):
// a suggestion, never applied by the service.
type FeatureProblem struct {
	Feature    int    `json:"feature"`
	Line       int    `json:"line,omitempty"`
	Column     int    `json:"column,omitempty"`
	Field      string `json:"field"`
	Code       string `json:"code"`
	Message    string `json:"message"`
	Hint       string `json:"hint,omitempty"`
	Suggestion string `json:"suggestion,omitempty"`
}

func (p FeatureProblem) String() string {
	where := "file"
	if p.Feature >= 0 {
		where = fmt.Sprintf("feature %d", p.Feature)
	}
	if p.Line > 0 {
		where += fmt.Sprintf(" (line %d)", p.Line)
	}
	if p.Field != "" {
		where += ": " + p.Field
	}
	return where + ": " + p.Message
}

// InputError lists every problem found in an input file. It wraps
// ErrInvalidInput.
type InputError struct {
	Problems []FeatureProblem
	// Truncated is true when more problems were found than Problems holds.
	Truncated bool
}

// ErrInvalidInput is wrapped by every error about input that cannot be
// used, other than geometry: an InputError listing a file's problems, and
// the calculator's bad options, shares, weights or duplicate codes.
var ErrInvalidInput = errors.New("invalid input")

// maxListedProblems caps how many problems an InputError's message shows;
// Problems holds them all.
const maxListedProblems = 20

func (e *InputError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d problem(s):", len(e.Problems))
	for i, p := range e.Problems {
		if i == maxListedProblems {
			fmt.Fprintf(&b, "\n  … and %d more", len(e.Problems)-i)
			break
		}
		b.WriteString("\n  " + p.String())
	}
	return b.String()
}

func (e *InputError) Unwrap() error { return ErrInvalidInput }

// Problem codes: what is wrong, for programs; the message says it for people.
const (
	ProblemInvalid           = "invalid"      // a commune file's problem
	ProblemJSONSyntax        = "json_syntax"  // not JSON; line and column given
	ProblemInvalidUTF8       = "invalid_utf8" // the file is not UTF-8 text
	ProblemNotCollection     = "not_feature_collection"
	ProblemNoFeatures        = "no_features"            // the collection is empty
	ProblemTooManyFeatures   = "too_many_features"      // over the feature limit
	ProblemMissingLayer      = "missing_layer"          // no "layer" member
	ProblemUnknownLayer      = "unknown_layer"          // not one of the four layers
	ProblemLayerNotAllowed   = "layer_not_allowed"      // the provider may not file this layer
	ProblemMissingAsOf       = "missing_as_of"          // no "as_of" member
	ProblemBadAsOf           = "bad_as_of"              // not a date YYYY-MM-DD, or before 1990
	ProblemFutureAsOf        = "future_as_of"           // after today
	ProblemNotFeature        = "not_feature"            // an element of features is not a Feature
	ProblemMissingTechnology = "missing_technology"     // no technology property
	ProblemUnknownTechnology = "unknown_technology"     // not a technology of any layer
	ProblemTechNotAllowed    = "technology_not_allowed" // a technology of another layer
	ProblemBadProgramme      = "bad_programme"          // broadcast: not central or local
	ProblemBadService        = "bad_service"            // broadcast: not tv or radio
	ProblemBadSpeed          = "bad_speed"              // min_down_mbps/min_up_mbps not a number ≥ 0
	ProblemBadGeometry       = "bad_geometry"           // not GeoJSON geometry
	ProblemGeometryType      = "geometry_type"          // not a Polygon or MultiPolygon
	ProblemTooFewPositions   = "too_few_positions"      // a ring of fewer than 4 positions
	ProblemUnclosedRing      = "unclosed_ring"          // first and last positions differ
	ProblemOutOfRange        = "coordinate_out_of_range"
	ProblemFarFromProvince   = "far_from_province"    // outside the communes' extent plus a margin
	ProblemSelfIntersection  = "self_intersection"    // a ring crosses or touches itself
	ProblemHoleOutsideShell  = "hole_outside_shell"   // a hole crosses its shell, runs along it or lies outside it
	ProblemHolesOverlap      = "holes_overlap"        // two holes of a polygon cross, run along each other, or one is inside the other
	ProblemPartsOverlap      = "parts_overlap"        // two polygons of a MultiPolygon cross, run along each other, or one is inside the other
	ProblemMissingCommune    = "missing_commune_code" // a declaration without commune_code
	ProblemUnknownCommune    = "unknown_commune"      // a code that is not a commune here
	ProblemBadShare          = "bad_share"            // share missing, not a number, or outside 0–1
	ProblemDuplicate         = "duplicate_declaration"
	ProblemCSVHeader         = "csv_header" // a CSV without the required columns
	ProblemCSVRow            = "csv_row"    // a row that is not CSV or has the wrong number of fields
)

// Hints: a likely cause of a problem, with a Suggestion.
const (
	// HintLeadingZeros: an unknown commune code that is a known one with
	// the leading zeros a spreadsheet drops (4882 for 04882).
	HintLeadingZeros = "leading_zeros"
	// HintSwappedLonLat: a position out of range or far from the province
	// that lies in the province with its two numbers swapped.
	HintSwappedLonLat = "swapped_lon_lat"
)

// FilingHintCodes are every hint a filing's problems can carry.
var FilingHintCodes = []string{HintLeadingZeros, HintSwappedLonLat}

// FilingProblemCodes are every code a filing's problems can carry (all the
// Problem codes but ProblemInvalid, which is a commune file's), for clients
// that explain them, such as the web application's upload page.
var FilingProblemCodes = []string{
	ProblemJSONSyntax, ProblemInvalidUTF8, ProblemNotCollection, ProblemNoFeatures, ProblemTooManyFeatures,
	ProblemMissingLayer, ProblemUnknownLayer, ProblemLayerNotAllowed, ProblemMissingAsOf, ProblemBadAsOf,
	ProblemFutureAsOf, ProblemNotFeature, ProblemMissingTechnology, ProblemUnknownTechnology, ProblemTechNotAllowed,
	ProblemBadProgramme, ProblemBadService, ProblemBadSpeed, ProblemBadGeometry, ProblemGeometryType,
	ProblemTooFewPositions, ProblemUnclosedRing, ProblemOutOfRange, ProblemFarFromProvince, ProblemSelfIntersection,
	ProblemHoleOutsideShell, ProblemHolesOverlap, ProblemPartsOverlap,
	ProblemMissingCommune, ProblemUnknownCommune, ProblemBadShare, ProblemDuplicate, ProblemCSVHeader, ProblemCSVRow,
}

// checkUTF8 returns a problem naming the line of the first byte that is
// not UTF-8, or nil. Files are read as UTF-8 so that names with
// diacritics survive; anything else would be stored garbled.
func checkUTF8(raw []byte) *InputError {
	if utf8.Valid(raw) {
		return nil
	}
	bad := 0
	for bad < len(raw) {
		r, size := utf8.DecodeRune(raw[bad:])
		if r == utf8.RuneError && size <= 1 {
			break
		}
		bad += size
	}
	line, col := lineCol(raw, int64(bad))
	return &InputError{Problems: []FeatureProblem{{Feature: -1, Line: line, Code: ProblemInvalidUTF8,
		Message: fmt.Sprintf("the file is not UTF-8 text: byte %d (line %d, column %d) is not UTF-8; save it as UTF-8", bad, line, col)}}}
}
