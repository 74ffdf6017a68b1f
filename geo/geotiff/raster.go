package geotiff

import "math"

// Raster is one band of a north-up grid in geographic coordinates.
//
// Pixel (row, col) spans longitudes [West+col·DX, West+(col+1)·DX) and
// latitudes (North−(row+1)·DY, North−row·DY]; row 0 is the northernmost.
type Raster struct {
	Cols, Rows  int
	West, North float64 // outer edges of the top-left pixel (degrees)
	DX, DY      float64 // pixel width and height in degrees, both > 0 (rows go south)
	EPSG        int     // 4326 for WGS 84 geographic
	NoData      float64 // meaningful when HasNoData
	HasNoData   bool
	Values      []float32 // Rows*Cols, row-major, top row first; no-data pixels are NaN
}

// At returns the value of the pixel holding lon/lat (degrees, EPSG:4326),
// NaN outside the raster or where there is no data. A point on the edge
// between two pixels (to a billionth of a pixel) belongs to the one east or
// south of it; the raster's east and south edges are outside it.
func (r *Raster) At(lon, lat float64) float32 {
	x := snap((lon - r.West) / r.DX)
	y := snap((r.North - lat) / r.DY)
	// The comparisons are false for NaN, which lands outside too.
	if !(x >= 0 && y >= 0 && x < float64(r.Cols) && y < float64(r.Rows)) {
		return float32(math.NaN())
	}
	col, row := int(x), int(y)
	i := row*r.Cols + col
	if col >= r.Cols || row >= r.Rows || i >= len(r.Values) {
		return float32(math.NaN())
	}
	return r.Values[i]
}

// Bounds returns the outer edges of the raster: west, south, east and north,
// in degrees.
func (r *Raster) Bounds() (west, south, east, north float64) {
	return r.West, r.North - float64(r.Rows)*r.DY, r.West + float64(r.Cols)*r.DX, r.North
}

// snap rounds a position counted in pixels to the nearest pixel edge when
// it is within a billionth of a pixel of it, so that a coordinate written
// in decimal degrees on an edge (105.01 on a grid of 0.01° from 105) is on
// it, whatever the rounding of the division.
func snap(x float64) float64 {
	if e := math.Round(x); math.Abs(x-e) < 1e-9 {
		return e
	}
	return x
}
