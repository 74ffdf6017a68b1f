// District and province outlines, dissolved in the browser from the commune
// polygons: the union of each district's communes, then of the districts.
// A union (not "edges that two communes share") is what stays correct on
// official boundaries, whose neighbours overlap and leave slivers. It runs
// one district per task after the first frame, so it never delays the map.
// polygon-clipping fails on some inputs whose vertices nearly coincide
// (the approximate shapes' arcs do); coordinates are snapped to 1e-6° (about
// 11 cm, far below a pixel), then 1e-5° if that still fails.
import type { Feature, FeatureCollection, MultiLineString, MultiPolygon, Polygon, Position } from "geojson";
import polygonClipping, { type MultiPolygon as ClipMulti, type Polygon as ClipPolygon } from "polygon-clipping";
import polylabel from "polylabel";
import type { CommuneFeature } from "./api";

type Geom = ClipPolygon | ClipMulti;

export type OutlineFeature = Feature<MultiLineString, { kind: "district" | "province"; code: string }>;

function coords(g: Polygon | MultiPolygon): Position[][][] {
  return g.type === "Polygon" ? [g.coordinates] : g.coordinates;
}

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** The rings of a union as lines; holes included, as they are edges of the union. */
function asLines(mp: Position[][][]): MultiLineString {
  return { type: "MultiLineString", coordinates: mp.flatMap((poly) => poly) };
}

/**
 * The district a commune lies in, for its outline: its parent where the
 * parent is a district (an older service names only district_code), null
 * where the parent is the province or unknown (the units of July 2025).
 */
export function districtOf(p: CommuneFeature["properties"]): string | null {
  if (p.parent_level === undefined) return p.district_code;
  return p.parent_level === "district" ? (p.parent_code ?? null) : null;
}

/**
 * Dissolves the communes by district (districtOf), then the districts into
 * the province; communes with no district go into the province directly,
 * with no district line. A district whose union fails (polygon-clipping
 * gives up on some degenerate inputs) is left out with a warning rather
 * than drawn wrong.
 */
export async function dissolve(features: CommuneFeature[]): Promise<FeatureCollection<MultiLineString>> {
  const byDistrict = new Map<string | null, Position[][][][]>();
  for (const f of features) {
    if (!f.geometry) continue;
    const code = districtOf(f.properties);
    const list = byDistrict.get(code) ?? [];
    list.push(coords(f.geometry));
    byDistrict.set(code, list);
  }
  const out: OutlineFeature[] = [];
  const unions: Position[][][][] = [];
  for (const [code, polys] of byDistrict) {
    await nextTask();
    const u = union(polys, code === null ? "units without a district" : `district ${code}`);
    if (!u) continue;
    unions.push(u);
    if (code !== null) out.push({ type: "Feature", properties: { kind: "district", code }, geometry: asLines(u) });
  }
  await nextTask();
  const all = unions.length > 0 ? union(unions, "province") : null;
  if (all) out.push({ type: "Feature", properties: { kind: "province", code: "" }, geometry: asLines(withoutSlivers(all)) });
  return { type: "FeatureCollection", features: out };
}

function snap(polys: Position[][][][], factor: number): Geom[] {
  const r = (v: number) => Math.round(v * factor) / factor;
  return polys.map((mp) => mp.map((polygon) => polygon.map((ring) => ring.map(([x, y]) => [r(x), r(y)])))) as Geom[];
}

/** The union of multipolygons, or null (with a warning) when it cannot be computed. */
function union(polys: Position[][][][], what: string): Position[][][] | null {
  let err: unknown;
  for (const factor of [1e6, 1e5]) {
    const g = snap(polys, factor);
    try {
      return polygonClipping.union(g[0], ...g.slice(1)) as Position[][][];
    } catch (e) {
      err = e;
    }
  }
  console.warn(`${what}: outline left out`, err);
  return null;
}

/**
 * The share of a territory's area below which a hole in its union is a
 * sliver: official boundaries of different sources (the units of July 2025)
 * leave thin gaps between neighbours, which are no edge of the province.
 */
const SLIVER_SHARE = 0.002;

/** A union without the holes smaller than SLIVER_SHARE of its whole area. */
function withoutSlivers(mp: Position[][][]): Position[][][] {
  const total = mp.reduce((a, poly) => a + (poly.length > 0 ? ringArea(poly[0]) : 0), 0);
  return mp.map((poly) => poly.filter((ring, i) => i === 0 || ringArea(ring) >= SLIVER_SHARE * total));
}

/** Planar area of a ring in square degrees; only compared between rings of one territory. */
function ringArea(ring: Position[]): number {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
  return Math.abs(a / 2);
}

/**
 * Where a commune's name goes: the point of its largest polygon farthest
 * from the edges, which lies inside even a crescent-shaped commune (a
 * centroid need not).
 */
export function labelPoint(f: CommuneFeature): [number, number] | null {
  if (!f.geometry) return null;
  let best: Position[][] | null = null;
  let bestArea = -1;
  for (const poly of coords(f.geometry)) {
    const a = poly.length > 0 ? ringArea(poly[0]) : 0;
    if (a > bestArea) {
      best = poly;
      bestArea = a;
    }
  }
  if (!best) return null;
  const p = polylabel(best as number[][][], 0.0005);
  return [p[0], p[1]];
}
