#!/usr/bin/env python3
"""Per-commune coverage shares on a regular cell grid, computed with GDAL.

An independent check of the calculator's population surfaces (package geo),
run by TestCrossCheck_HoaBinhWorldPopGDAL. It shares no code with the
calculator: GDAL does the geometry, numpy the sums.

What it computes, on the grid of --cols x --rows cells of --dlon x --dlat
degrees whose south-west corner is (--lon0, --lat0), EPSG:4326:

  1. weight w of each cell: the value of the population-grid pixel that
     contains the cell's centre, by gdal.Warp with nearest-neighbour
     resampling onto the cells; pixels with no data, and cells beyond the
     population grid, weigh 0. With --even every cell weighs 1.
  2. the commune owning each cell, by gdal.RasterizeLayer: without
     ALL_TOUCHED a cell is burnt when its centre is inside the polygon.
     Communes are drawn in descending order of code, so that where they
     overlap the last drawn, the smallest code, owns the cell.
  3. covered cells, by rasterizing the footprints (all of them, as one 0/1
     mask) with the same centre rule.
  4. per commune: W = sum of w over its cells, Wc = sum of w over its
     covered cells, share = Wc / W; where W is 0 (no cell with data), the
     share of its cells that are covered.

Output, on stdout: CSV with the header code,population,cells,weight,share,
one row per commune in the order of the communes file.

Where it differs from the calculator by design:
  - The calculator hands out whole people: cell k of a commune gets
    floor(p * W(k+1) / W) - floor(p * W(k) / W), W(k) being the weight of
    its first k cells in row order. Here shares are ratios of sums of
    weights. The two differ by less than one person per run of consecutive
    covered cells, which is a few tenths of a point in a commune with
    fewer people than cells and many patches of coverage.
  - A cell centre exactly on a polygon's edge: the calculator counts it as
    inside (for communes and footprints alike); GDAL's scanline fill
    decides such centres by its own half-open rule.
  - A commune with no cell of its own (smaller than a cell, or taken by
    neighbours) takes, as in the calculator, the coverage of the one cell
    holding its area centroid; here that is OGR's centroid, and the row
    says cells 0 and weight 0.
  - A commune of population 0 is spread evenly by the calculator whatever
    the weights; here its share is still weighted. Hoa Binh has none.
  - gdal.Warp maps a cell centre to a pixel through GDAL's transformer
    (run exactly, without its linear approximation); a centre within
    rounding of a pixel edge may land in the neighbouring pixel.

--dump-grid PREFIX also writes the window of the population grid covering
the cell grid (with one pixel to spare on each side), for the Go test to
build its surface from the same numbers without a GeoTIFF reader of ours:
PREFIX.json holds west, north (outer edges of the top-left pixel), dx, dy
(pixel size in degrees, > 0), cols, rows; PREFIX.f32 the values as
little-endian float32, row-major, top row first, NaN where there is no
data.
"""

import argparse
import csv
import json
import math
import sys

import numpy as np
from osgeo import gdal, ogr, osr

gdal.UseExceptions()
ogr.UseExceptions()


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--communes", required=True, help="GeoJSON with properties gso_code, pop_2019")
    p.add_argument("--footprints", required=True, help="GeoJSON of coverage polygons")
    p.add_argument("--grid", help="population GeoTIFF (EPSG:4326); needed unless --even")
    p.add_argument("--even", action="store_true", help="every cell weighs 1")
    p.add_argument("--lon0", type=float, required=True, help="west edge of the cell grid, degrees")
    p.add_argument("--lat0", type=float, required=True, help="south edge of the cell grid, degrees")
    p.add_argument("--dlon", type=float, required=True, help="cell width, degrees")
    p.add_argument("--dlat", type=float, required=True, help="cell height, degrees")
    p.add_argument("--cols", type=int, required=True)
    p.add_argument("--rows", type=int, required=True)
    p.add_argument("--dump-grid", metavar="PREFIX", help="write the population window to PREFIX.json and PREFIX.f32")
    a = p.parse_args(argv)
    if not a.even and not a.grid:
        p.error("--grid is required unless --even")
    if not (a.dlon > 0 and a.dlat > 0 and a.cols > 0 and a.rows > 0):
        p.error("cell size and grid dimensions must be positive")
    if a.dump_grid and not a.grid:
        p.error("--dump-grid needs --grid")
    return a


def wgs84():
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)  # lon, lat
    return srs


def cell_raster(a, data_type):
    """An in-memory raster on the cell grid, zero-filled, top row first."""
    ds = gdal.GetDriverByName("MEM").Create("", a.cols, a.rows, 1, data_type)
    north = a.lat0 + a.rows * a.dlat
    ds.SetGeoTransform((a.lon0, a.dlon, 0.0, north, 0.0, -a.dlat))
    ds.SetProjection(wgs84().ExportToWkt())
    ds.GetRasterBand(1).Fill(0)
    return ds


def read_communes(path):
    """Communes as (code, population, geometry WKB), in file order."""
    ds = ogr.Open(path)
    layer = ds.GetLayer(0)
    out = []
    for f in layer:
        code = f.GetField("gso_code")
        pop = f.GetField("pop_2019")
        g = f.GetGeometryRef()
        if code is None or g is None:
            raise SystemExit(f"{path}: feature {f.GetFID()} has no gso_code or no geometry")
        out.append((str(code), int(pop or 0), g.ExportToWkb()))
    codes = [c[0] for c in out]
    if len(set(codes)) != len(codes):
        raise SystemExit(f"{path}: repeated gso_code")
    return out


def owners(a, communes):
    """Raster of 1 + the index in communes of each cell's owner; 0 = none."""
    mem = ogr.GetDriverByName("Memory").CreateDataSource("")
    layer = mem.CreateLayer("communes", wgs84(), ogr.wkbUnknown)
    layer.CreateField(ogr.FieldDefn("id", ogr.OFTInteger))
    # Rasterize draws features in layer order, each over the ones before:
    # descending codes leave the smallest code on top. Codes are compared
    # as strings, as the calculator compares them (byte order).
    order = sorted(range(len(communes)), key=lambda i: communes[i][0].encode(), reverse=True)
    for i in order:
        f = ogr.Feature(layer.GetLayerDefn())
        f.SetField("id", i + 1)
        f.SetGeometry(ogr.CreateGeometryFromWkb(communes[i][2]))
        layer.CreateFeature(f)
    ds = cell_raster(a, gdal.GDT_Int32)
    gdal.RasterizeLayer(ds, [1], layer, options=["ATTRIBUTE=id"])
    return ds.GetRasterBand(1).ReadAsArray()


def covered(a, path):
    """0/1 raster of cells whose centre is inside a footprint."""
    src = ogr.Open(path)
    ds = cell_raster(a, gdal.GDT_Byte)
    gdal.RasterizeLayer(ds, [1], src.GetLayer(0), burn_values=[1])
    return ds.GetRasterBand(1).ReadAsArray().astype(bool)


def weights(a):
    """Weight of each cell: the population pixel holding its centre, 0 for no data."""
    if a.even:
        return np.ones((a.rows, a.cols), dtype=np.float64)
    src = gdal.Open(a.grid)
    ds = cell_raster(a, gdal.GDT_Float32)
    nodata = src.GetRasterBand(1).GetNoDataValue()
    gdal.Warp(
        ds,
        src,
        resampleAlg="near",
        srcNodata=nodata,
        errorThreshold=0,  # the exact transformer, not its linear approximation
        warpOptions=["INIT_DEST=0"],
    )
    w = ds.GetRasterBand(1).ReadAsArray().astype(np.float64)
    w[~np.isfinite(w) | (w < 0)] = 0
    return w


def dump_grid(a, prefix):
    """Write the population pixels covering the cell grid, one pixel to spare."""
    src = gdal.Open(a.grid)
    x0, px, rx, y0, ry, py = src.GetGeoTransform()
    if rx != 0 or ry != 0 or not (px > 0 and py < 0):
        raise SystemExit(f"{a.grid}: rotated or south-up grid, not supported")
    east = a.lon0 + a.cols * a.dlon
    north = a.lat0 + a.rows * a.dlat
    c0 = max(0, math.floor((a.lon0 - x0) / px) - 1)
    c1 = min(src.RasterXSize, math.floor((east - x0) / px) + 2)
    r0 = max(0, math.floor((north - y0) / py) - 1)
    r1 = min(src.RasterYSize, math.floor((a.lat0 - y0) / py) + 2)
    if c1 <= c0 or r1 <= r0:
        raise SystemExit(f"{a.grid}: does not reach the cell grid")
    band = src.GetRasterBand(1)
    v = band.ReadAsArray(c0, r0, c1 - c0, r1 - r0).astype(np.float32)
    nodata = band.GetNoDataValue()
    if nodata is not None:
        v[v == np.float32(nodata)] = np.nan
    v.astype("<f4").tofile(prefix + ".f32")
    header = {
        "west": x0 + c0 * px,
        "north": y0 + r0 * py,
        "dx": px,
        "dy": -py,
        "cols": c1 - c0,
        "rows": r1 - r0,
    }
    with open(prefix + ".json", "w") as f:
        json.dump(header, f)


def main(argv):
    a = parse_args(argv)
    communes = read_communes(a.communes)
    own = owners(a, communes)
    cov = covered(a, a.footprints)
    w = weights(a)
    if a.dump_grid:
        dump_grid(a, a.dump_grid)

    n = len(communes) + 1
    ids = own.ravel()
    cells = np.bincount(ids, minlength=n)
    covered_cells = np.bincount(ids, weights=cov.ravel().astype(np.float64), minlength=n)
    wsum = np.bincount(ids, weights=w.ravel(), minlength=n)
    wcov = np.bincount(ids, weights=(w * cov).ravel(), minlength=n)

    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["code", "population", "cells", "weight", "share"])
    north = a.lat0 + a.rows * a.dlat
    for i, (code, pop, wkb) in enumerate(communes):
        k = i + 1
        if cells[k] == 0:
            c = ogr.CreateGeometryFromWkb(wkb).Centroid()
            col = math.floor((c.GetX() - a.lon0) / a.dlon)
            row = math.floor((north - c.GetY()) / a.dlat)
            inside = 0 <= row < a.rows and 0 <= col < a.cols
            share = float(cov[row, col]) if inside else 0.0
        elif wsum[k] > 0:
            share = wcov[k] / wsum[k]
        else:
            share = covered_cells[k] / cells[k]
        out.writerow([code, pop, int(cells[k]), repr(float(wsum[k])), repr(float(share))])


if __name__ == "__main__":
    main(sys.argv[1:])
