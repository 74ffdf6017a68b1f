// Package geotiff reads single-band GeoTIFF grids in longitude/latitude
// (EPSG:4326), such as WorldPop population counts, and writes small ones.
// It is pure Go and needs no system library (no GDAL).
//
// Decode and DecodeWindow read:
//
//   - classic TIFF, little- or big-endian, and BigTIFF;
//   - strips or tiles, PlanarConfiguration 1 (or 2, which is the same for
//     one band);
//   - compression none (1), LZW (5) and Deflate (8 and 32946), the LZW
//     decoder being golang.org/x/image/tiff/lzw and Deflate compress/zlib;
//   - predictors 1 (none), 2 (horizontal, for integer and floating-point
//     samples as libtiff writes them) and 3 (floating point);
//   - samples of 8, 16, 32 or 64 bits: unsigned and signed integers and
//     IEEE floats of 32 or 64 bits, all returned as float32;
//   - the GDAL_NODATA tag (42113): pixels equal to it become NaN;
//   - sparse blocks (offset and byte count 0, as GDAL writes with
//     SPARSE_OK=TRUE), read as no data;
//   - georeferencing from ModelPixelScale and ModelTiepoint, or from a
//     ModelTransformation without rotation, north up; PixelIsPoint grids are
//     shifted by half a pixel so that West and North are outer edges.
//
// They refuse, with an error naming the cause and how to convert the file:
//
//   - what is not a TIFF (ErrNotGeoTIFF names a PNG, JPEG, GIF, ZIP, PDF,
//     gzip, HTML, JSON or text file, else shows the first bytes in hex), a
//     TIFF without georeferencing, and a truncated or corrupt file
//     (ErrNotGeoTIFF too: it is not a readable GeoTIFF);
//   - a grid in a projected CRS, in another geographic CRS than WGS 84, or
//     without a CRS (ErrNotGeographic, naming the EPSG code);
//   - more than one band (SamplesPerPixel > 1: a population grid has one,
//     and guessing which band holds the counts would be wrong silently),
//     other compressions (JPEG, ZSTD, LERC, WebP, PackBits…), 1-, 4-, 12-
//     or 16-bit-float and complex samples, rotated or south-up grids,
//     ground control points, and what is too large to hold in memory: more
//     than MaxPixels pixels returned, a strip or tile decoding to more than
//     256 MiB or larger than its compressed bytes can hold
//     (ErrUnsupported, or ErrNotGeoTIFF when the file contradicts itself).
//
// Only the first image of the file is read; overviews are ignored.
//
// Encode writes a striped float32 GeoTIFF, Deflate-compressed with the
// floating-point predictor, that GDAL reads as EPSG:4326 with its nodata
// value.
package geotiff
