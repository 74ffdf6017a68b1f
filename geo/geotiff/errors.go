package geotiff

import (
	"bytes"
	"errors"
	"fmt"
	"unicode/utf8"
)

// Sentinel errors, wrapped with the details of what is wrong; test them with
// errors.Is.
var (
	// ErrNotGeoTIFF: the input is not a readable GeoTIFF. It is not a TIFF
	// at all, a TIFF without georeferencing, or a truncated or corrupt one.
	ErrNotGeoTIFF = errors.New("geotiff: not a readable GeoTIFF")
	// ErrUnsupported: a valid TIFF using a feature this package does not
	// read (compression, sample type, several bands, rotation) or too large
	// to hold in memory. The message says how to convert it.
	ErrUnsupported = errors.New("geotiff: unsupported GeoTIFF")
	// ErrNotGeographic: the grid is not in longitude/latitude on WGS 84
	// (EPSG:4326), or says nothing of its coordinate reference system.
	ErrNotGeographic = errors.New("geotiff: not in EPSG:4326")
	// ErrNoOverlap: the box given to DecodeWindow does not meet the raster.
	ErrNoOverlap = errors.New("geotiff: no overlap")
)

// corrupt returns an ErrNotGeoTIFF error for a TIFF whose structure is
// broken.
func corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: corrupt TIFF: %s", ErrNotGeoTIFF, fmt.Sprintf(format, args...))
}

// unsupported returns an ErrUnsupported error.
func unsupported(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrUnsupported, fmt.Sprintf(format, args...))
}

// notTIFF returns the ErrNotGeoTIFF error for a file whose first bytes,
// head, are not a TIFF header; it names the kind of file they look like,
// since a user who uploads the wrong file wants to know which one it was.
func notTIFF(head []byte, size int64) error {
	return fmt.Errorf("%w: not a TIFF file: %s", ErrNotGeoTIFF, describe(head, size))
}

// magics are the first bytes of file kinds that users mistake for a
// GeoTIFF.
var magics = []struct {
	prefix, kind string
}{
	{"\x89PNG\r\n\x1a\n", "it starts like a PNG image"},
	{"\xff\xd8\xff", "it starts like a JPEG image"},
	{"GIF87a", "it starts like a GIF image"},
	{"GIF89a", "it starts like a GIF image"},
	{"PK\x03\x04", "it starts like a ZIP archive (unzip it and give the .tif inside)"},
	{"PK\x05\x06", "it starts like an empty ZIP archive"},
	{"%PDF-", "it starts like a PDF document"},
	{"\x1f\x8b", "it starts like gzip-compressed data (gunzip it first)"},
	{"BM", "it starts like a BMP image"},
	{"\x00\x00\x00\x0cjP  ", "it starts like a JPEG 2000 image"},
	{"CDF\x01", "it starts like a netCDF file"},
	{"CDF\x02", "it starts like a netCDF file"},
	{"\x89HDF\r\n\x1a\n", "it starts like an HDF5 or netCDF-4 file"},
}

// describe says what head, the first bytes of a file of size bytes, looks
// like.
func describe(head []byte, size int64) string {
	if size == 0 {
		return "the file is empty"
	}
	for _, m := range magics {
		if bytes.HasPrefix(head, []byte(m.prefix)) {
			return m.kind
		}
	}
	text := bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	text = bytes.TrimLeft(text, " \t\r\n")
	lower := bytes.ToLower(text)
	switch {
	case bytes.HasPrefix(lower, []byte("<!doctype html")), bytes.HasPrefix(lower, []byte("<html")):
		return "it starts like an HTML page (a download that returned an error page?)"
	case bytes.HasPrefix(lower, []byte("<?xml")):
		return "it starts like an XML document"
	case bytes.HasPrefix(text, []byte("{")), bytes.HasPrefix(text, []byte("[")):
		return "it starts like JSON text (GeoJSON?)"
	case isText(head):
		return fmt.Sprintf("it starts like text: %q", head)
	}
	return fmt.Sprintf("its first bytes are % x", head)
}

// isText reports whether b is printable UTF-8 text, allowing for a rune cut
// at its end.
func isText(b []byte) bool {
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n <= 1 {
			return len(b) < utf8.UTFMax && !utf8.FullRune(b)
		}
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f {
			return false
		}
		b = b[n:]
	}
	return true
}
