package geo

import (
	"errors"

	"github.com/paulmach/orb"
)

// ErrInvalidGeometry is wrapped by every error about a geometry that cannot
// be used: wrong type, out-of-range coordinates, unclosed rings.
var ErrInvalidGeometry = errors.New("invalid geometry")

// Layer names one of the four kinds of infrastructure that Phủ Sóng maps.
type Layer string

// The four layers. What "covered" means for each is stated in the README's
// "How coverage is computed" and in the calculator.
const (
	Broadcast Layer = "broadcast" // central and local radio and television
	Phone     Layer = "phone"     // fixed line, or mobile voice (2G or better)
	Broadband Layer = "broadband" // fixed broadband: FTTH, xDSL, cable, fixed wireless
	Mobile    Layer = "mobile"    // mobile broadband: 3G, 4G, 5G
)

// Layers lists the four layers in the order they are presented.
var Layers = []Layer{Broadcast, Phone, Broadband, Mobile}

// Valid reports whether l is one of the four layers.
func (l Layer) Valid() bool {
	for _, k := range Layers {
		if l == k {
			return true
		}
	}
	return false
}

// Commune is one administrative unit (xã, phường or thị trấn) with its
// census population. Population counts are people at the census; AreaKm2 is
// the official area in km²; Point is an interior point (lon, lat).
type Commune struct {
	Code         string // GSO commune code, e.g. "04807"
	Name         string // with diacritics, e.g. "Phường Phương Lâm"
	Type         string // xã, phường or thị trấn
	DistrictCode string // the parent unit's code: a district's, or since 2025 the province's
	District     string // the parent unit's name
	// ProvinceCode is the GSO code of the unit's province ("" unknown),
	// Province its name: the territory a target or an admin token may be
	// limited to (a national unit set holds every province).
	ProvinceCode string
	Province     string
	// ParentLevel is the level of the parent DistrictCode names:
	// ParentDistrict (huyện), ParentProvince (tỉnh), or "" for none known.
	ParentLevel string
	// Population is the people the figures count: the census population,
	// or for a unit set counted on another set's population surface, the
	// people of that surface within the unit.
	Population int
	// OwnPopulation is the unit set's own population figure (e.g. a merger
	// dossier's) when Population was counted on another set's surface; 0
	// otherwise.
	OwnPopulation   int
	PopulationUrban int
	PopulationRural int
	Point           orb.Point
	AreaKm2         float64
	Geometry        orb.MultiPolygon
	// Boundary says where Geometry comes from: "approximate" for the shapes
	// Phủ Sóng computes from Point and AreaKm2, otherwise the imported
	// source (e.g. a file name).
	Boundary string
}

// Parent levels of Commune.ParentLevel.
const (
	ParentDistrict = "district"
	ParentProvince = "province"
)

// SRID is the spatial reference of every geometry Phủ Sóng stores and
// serves: EPSG:4326, WGS 84 longitude/latitude in degrees.
const SRID = 4326

// BoundaryApproximate marks a commune shape computed from its interior
// point and area rather than imported from an official source: the shapes
// the default data had before it carried real boundaries, which databases
// made then still hold until official ones are imported.
const BoundaryApproximate = "approximate"

// BoundaryNote is said with every set of commune shapes that holds
// approximate ones, in English and Vietnamese.
const BoundaryNote = "Commune shapes marked boundary=approximate are computed by Phủ Sóng from each commune's interior point and area; they are not official boundaries. Ranh giới đánh dấu approximate là hình gần đúng, không phải ranh giới chính thức."

// Footprint is an area a provider declares served by one technology.
// Geometry is in EPSG:4326; holes are respected.
type Footprint struct {
	Provider    string
	Layer       Layer
	Technology  string  // e.g. "4G", "FTTH", "DVB-T2", "fixed_line"
	Programme   string  // broadcast only: "central" or "local"
	Service     string  // broadcast only: "tv" or "radio"
	MinDownMbps float64 // 0 when not stated
	MinUpMbps   float64 // 0 when not stated
	Geometry    orb.MultiPolygon
}

// Declaration is a provider's statement that Share (0–1) of a commune's
// population is served by one technology.
type Declaration struct {
	Provider    string
	Layer       Layer
	Technology  string
	Programme   string // broadcast only: "central" or "local"
	Service     string // broadcast only: "tv" or "radio"
	CommuneCode string
	Share       float64
	// Set is the id of the unit set CommuneCode belongs to; the
	// application carries a declaration made on one set to another
	// (CarryDeclarations). The calculator itself reads codes on the
	// surface it is given.
	Set int64
}
