package geotiff_test

import (
	"bytes"
	"fmt"
	"math"

	"github.com/phusong/phusong/geo/geotiff"
)

// A grid of 3 × 2 cells of 0.5°, people per cell, the sea as no data,
// written and read back whole and by window.
func Example() {
	nan := float32(math.NaN())
	grid := &geotiff.Raster{
		Cols: 3, Rows: 2,
		West: 105, North: 21, DX: 0.5, DY: 0.5,
		EPSG: 4326, NoData: -99999, HasNoData: true,
		Values: []float32{120, 80, nan, 300, 40, nan},
	}
	var file bytes.Buffer
	if err := geotiff.Encode(&file, grid); err != nil {
		panic(err)
	}
	data := bytes.NewReader(file.Bytes())

	r, err := geotiff.Decode(data, data.Size())
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Bounds())
	fmt.Println(r.At(105.2, 20.3), r.At(106.2, 20.3), r.At(110, 20))

	w, err := geotiff.DecodeWindow(data, data.Size(), 105.6, 20.2, 105.9, 20.4)
	if err != nil {
		panic(err)
	}
	fmt.Println(w.Cols, w.Rows, w.West, w.North, w.Values)
	// Output:
	// 105 20 106.5 21
	// 300 NaN NaN
	// 1 1 105.5 20.5 [40]
}
