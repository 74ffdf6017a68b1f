package geotiff

import (
	"bytes"
	"errors"
	"math"
	"testing"
)

// The raster of these tests: 4 × 3 pixels of 0.01°, values 0…11.
//
//	     105.00  105.01  105.02  105.03  105.04
//	21.00  +-------+-------+-------+-------+
//	       |   0   |   1   |   2   |   3   |
//	20.99  +-------+-------+-------+-------+
//	       |   4   |   5   |   6   |   7   |
//	20.98  +-------+-------+-------+-------+
//	       |   8   |   9   |  10   |  11   |
//	20.97  +-------+-------+-------+-------+
func smallRaster(t *testing.T) (*Raster, []byte) {
	t.Helper()
	b := handTIFF(4, 3)
	r, err := decodeBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	return r, b
}

func TestRaster_At(t *testing.T) {
	r, _ := smallRaster(t)
	nan := float32(math.NaN())
	tests := []struct {
		name     string
		lon, lat float64
		want     float32
	}{
		{"inside", 105.015, 20.985, 5},
		{"north-west corner is in", 105, 21, 0},
		{"edge between pixels belongs east", 105.01, 20.995, 1},
		{"edge between rows belongs south", 105.005, 20.99, 4},
		{"east edge is out", 105.04, 20.985, nan},
		{"south edge is out", 105.005, 20.97, nan},
		{"west of it", 104.999, 20.985, nan},
		{"north of it", 105.005, 21.001, nan},
		{"NaN", math.NaN(), 20.985, nan},
		{"last pixel", 105.0399, 20.9701, 11},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := r.At(tt.lon, tt.lat); !sameFloat(got, tt.want) {
				t.Errorf("At(%g, %g) = %v, want %v", tt.lon, tt.lat, got, tt.want)
			}
		})
	}
	w, s, e, n := r.Bounds()
	if math.Abs(w-105) > 1e-12 || math.Abs(s-20.97) > 1e-12 || math.Abs(e-105.04) > 1e-12 || math.Abs(n-21) > 1e-12 {
		t.Errorf("Bounds() = %g, %g, %g, %g", w, s, e, n)
	}
}

func TestDecodeWindow_Edges(t *testing.T) {
	_, b := smallRaster(t)
	tests := []struct {
		name                     string
		west, south, east, north float64
		want                     []float32 // row-major
		cols                     int
		err                      error
	}{
		{"one pixel inside", 105.012, 20.982, 105.018, 20.988, []float32{5}, 1, nil},
		{"pixel edges exactly: touching pixels left out", 105.01, 20.98, 105.03, 20.99, []float32{5, 6}, 2, nil},
		{"larger than the raster is clamped", 100, 10, 110, 30, []float32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 4, nil},
		{"straddling the east edge", 105.035, 20.975, 106, 20.985, []float32{7, 11}, 1, nil},
		{"touching the east edge only", 105.04, 20.975, 106, 20.985, nil, 0, ErrNoOverlap},
		{"elsewhere", -9.5, 36, 3.3, 43.8, nil, 0, ErrNoOverlap},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := DecodeWindow(bytes.NewReader(b), int64(len(b)), tt.west, tt.south, tt.east, tt.north)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("DecodeWindow: %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Cols != tt.cols {
				t.Errorf("%d columns, want %d", r.Cols, tt.cols)
			}
			compareValues(t, r.Values, tt.want)
			if got := r.At(r.West+r.DX/2, r.North-r.DY/2); got != tt.want[0] {
				t.Errorf("the window's first pixel is at (%g, %g)? At gives %v, want %v", r.West, r.North, got, tt.want[0])
			}
		})
	}
	for _, box := range [][4]float64{{105.02, 20.98, 105.01, 20.99}, {105.01, 20.99, 105.02, 20.99}, {math.NaN(), 20, 106, 21}} {
		if _, err := DecodeWindow(bytes.NewReader(b), int64(len(b)), box[0], box[1], box[2], box[3]); err == nil {
			t.Errorf("DecodeWindow(%v): no error for an empty box", box)
		}
	}
}
