package data

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"

	"github.com/phusong/phusong/geo"
	"github.com/phusong/phusong/geo/geotiff"
)

// seedGridTIFF is the part of WorldPop's 2020 population grid of Vietnam
// (30 arc-seconds, UN-adjusted; CC BY 4.0, see the README's sources) that
// covers the seed territory, SeedGridBox, written by geotiff.Encode.
// TestSeedGrid_IsTheWorldPopCrop checks it against the original and
// rewrites it with -update-seed.
//
//go:embed seed/worldpop_hoabinh_2020.tif
var seedGridTIFF []byte

// SeedGridBox is the seed grid's extent (west, south, east, north):
// the former Hòa Bình province with a margin of about 5 km.
var SeedGridBox = [4]float64{104.75, 20.25, 105.95, 21.20}

// SeedGridSource is the attribution stored with the seed grid.
const SeedGridSource = "WorldPop (www.worldpop.org) and CIESIN, Columbia University (2018): Global High Resolution Population Denominators Project, " +
	"funded by the Bill and Melinda Gates Foundation (OPP1134076); Vietnam 2020, 1 km, UN-adjusted (vnm_ppp_2020_1km_Aggregated_UNadj). CC BY 4.0."

// SeedGridFile names the seed grid as stored.
const SeedGridFile = "worldpop_hoabinh_2020.tif (crop of vnm_ppp_2020_1km_Aggregated_UNadj.tif)"

// SeedGrid returns the seed's population grid and its description.
func SeedGrid() (*geo.PopulationGrid, PopulationGridInfo, error) {
	r, err := geotiff.Decode(bytes.NewReader(seedGridTIFF), int64(len(seedGridTIFF)))
	if err != nil {
		return nil, PopulationGridInfo{}, fmt.Errorf("seed population grid: %w", err)
	}
	sum := sha256.Sum256(seedGridTIFF)
	return GridFromRaster(r, "worldpop"), PopulationGridInfo{Source: SeedGridSource, File: SeedGridFile, FileSHA256: hex.EncodeToString(sum[:])}, nil
}

// GridFromRaster makes a population grid named name of a decoded GeoTIFF.
func GridFromRaster(r *geotiff.Raster, name string) *geo.PopulationGrid {
	return &geo.PopulationGrid{Name: name, West: r.West, North: r.North, DX: r.DX, DY: r.DY, Cols: r.Cols, Rows: r.Rows, Values: r.Values}
}
