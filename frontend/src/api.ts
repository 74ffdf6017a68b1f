// Types of the service's answers (the README's API section is the
// contract) and the one fetch helper that turns problem documents into
// errors.
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from "geojson";

export const LAYERS = ["mobile", "broadband", "phone", "broadcast"] as const;
export type LayerId = (typeof LAYERS)[number];

export function isLayer(v: unknown): v is LayerId {
  return typeof v === "string" && (LAYERS as readonly string[]).includes(v);
}

export interface LayerInfo {
  id: LayerId;
  title_vi: string;
  title_en: string;
  description_vi: string;
  description_en: string;
}

/** Figures summed over a district or the province, with numerators and denominators. */
export interface Rollup {
  code?: string;
  name?: string;
  population: number;
  covered: number;
  share: number;
  communes: number;
  communes_covered: number;
  communes_partial: number;
  communes_none: number;
  communes_reached: number;
  share_reached: number;
  /** The share covered at or above which a commune counts in communes_reached (the layer's communes target's). */
  reached_threshold: number;
}

export interface Method {
  name: string;
  cell_size_m: number;
  covered_threshold: number;
  partial_threshold: number;
  /** The population rule: "even", or "grid-<name>-v1" (people placed by a population grid, e.g. grid-worldpop-v1). */
  population?: string;
  rules?: Record<string, string>;
}

export type Status = "covered" | "partial" | "none";

export interface CommuneProps {
  code: string;
  name: string;
  type: string;
  district: string;
  district_code: string;
  population: number;
  population_covered: number;
  share_covered: number;
  status: Status;
  boundary: string;
}

export type CommuneFeature = Feature<Polygon | MultiPolygon, CommuneProps>;

export interface CommuneCollection extends FeatureCollection<Polygon | MultiPolygon, CommuneProps> {
  layer: LayerId;
  computed_at: string;
  method: Method;
  breakdown: string;
  breakdown_value?: string;
  boundary_note?: string;
  approximate_boundaries?: number;
}

export interface SummaryAll {
  computed_at: string;
  method: Method;
  layers: Record<LayerId, Rollup>;
}

export interface BreakdownSummary {
  key: string;
  kind: string;
  value?: string;
  province: Rollup;
  districts: Rollup[];
}

export interface LayerSummary {
  layer: LayerId;
  computed_at: string;
  method: Method;
  province: Rollup;
  districts: Rollup[];
  breakdowns?: BreakdownSummary[];
}

export interface CommuneFigure {
  population_covered: number;
  share_covered: number;
  status: Status;
}

export interface CommuneCard {
  code: string;
  name: string;
  type: string;
  district: string;
  district_code: string;
  population: number;
  boundary: string;
  boundary_note?: string;
  computed_at: string;
  layers: (CommuneFigure & {
    layer: LayerId;
    breakdowns: (CommuneFigure & { key: string; kind: string; value?: string })[];
  })[];
}

export interface FilingProblem {
  feature: number;
  line?: number;
  field: string;
  code: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  problems?: FilingProblem[];
  problems_truncated?: boolean;
}

export interface FilingAnswer {
  id?: number;
  provider: string;
  layer: LayerId;
  as_of: string;
  dry_run: boolean;
  report?: {
    format: string;
    features: number;
    footprints: number;
    declarations: number;
    technologies: string[];
  };
  before: Rollup;
  after: Rollup;
  change: { covered: number; share: number; communes_reached: number };
  figures_pending?: boolean;
}

export interface PageConfig {
  basemap_url: string;
}

/** An answer other than 2xx, with its problem document when there is one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem?: Problem,
  ) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
  }
}

/** Fetches JSON; a non-2xx answer throws an ApiError carrying its problem document. */
export async function fetchJSON<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  const type = res.headers.get("Content-Type") || "";
  if (!res.ok) {
    let problem: Problem | undefined;
    if (type.includes("json")) problem = (await res.json().catch(() => undefined)) as Problem | undefined;
    throw new ApiError(res.status, problem);
  }
  return (await res.json()) as T;
}

/** The layer as GeoJSON, for one breakdown ("all", "provider:viettel", "technology:4G"…). */
export function communesURL(layer: LayerId, breakdown: string): string {
  const q = breakdown && breakdown !== "all" ? `?breakdown=${encodeURIComponent(breakdown)}` : "";
  return `/api/v1/layers/${layer}/communes${q}`;
}

// ---- targets, gaps and what-if (README, "Targets and planning")

export interface TargetValue {
  value: number;
  numerator: number;
  denominator: number;
  met: boolean;
  gap_people: number;
  gap_communes: number;
}

export interface TargetPoint {
  date: string;
  value: number;
  met: boolean;
  gap_people: number;
  gap_communes: number;
}

export interface Forecast {
  outcome: string;
  date?: string;
  note?: string;
  note_vi?: string;
  on_track?: boolean;
}

export interface Target {
  id: number;
  layer: LayerId;
  measure: "population" | "communes";
  value: number;
  threshold?: number;
  deadline: string;
  filter: string;
  title_vi: string;
  title_en: string;
  source?: string;
  current: TargetValue;
  remote_communes?: TargetValue;
  forecast?: Forecast;
  history?: TargetPoint[];
}

export interface TargetsAnswer {
  computed_at: string;
  data_as_of: string;
  targets: Target[];
}

export interface GapCommune {
  rank: number;
  code: string;
  name: string;
  district_code: string;
  district: string;
  population: number;
  people_covered: number;
  people_not_covered: number;
  share_covered: number;
  status: Status;
  remote: boolean;
  in_plan: boolean;
}

export interface GapsAnswer {
  layer: LayerId;
  data_as_of: string;
  communes: GapCommune[];
  plan?: { target_id: number; communes: string[]; people_added: number; value_before: number; value_after: number; meets: boolean } | null;
  target?: { id: number; title_vi: string; title_en: string; measure: string; value: number } | null;
  total: { communes: number; people_not_covered: number };
  remote_set?: { communes: number; source: string; note?: string };
}

export interface WhatIfSite {
  lon: number;
  lat: number;
  radius_m: number;
  technology: string;
  layer: LayerId;
}

export interface WhatIfCommune {
  code: string;
  name: string;
  district: string;
  population: number;
  covered_before: number;
  covered_after: number;
  change: number;
  share_before: number;
  share_after: number;
  status_before: Status;
  status_after: Status;
}

export interface WhatIfAnswer {
  layers: Partial<
    Record<
      LayerId,
      {
        province: { before: Rollup; after: Rollup; change: { covered: number; share: number; communes_reached: number } };
        communes?: WhatIfCommune[];
      }
    >
  >;
  targets: { id: number; layer: LayerId; title_vi: string; title_en: string; goal: number; before: TargetValue; after: TargetValue; value_change: number }[];
}

export interface CommuneHistory {
  code: string;
  layers: Partial<Record<LayerId, { date: string; population_covered: number; share_covered: number; status: Status }[]>>;
}

// ---- where people live (README, "People")

/** One square of about 1 km: the census people the population surface places in it. */
export interface PeopleSquare {
  /** Census people placed in the square (whole people, ≥ 1: squares without people are left out). */
  people: number;
  /** Of those, the people the layer does not cover (whole people, 0 … people). */
  uncovered: number;
  /** The code of the commune placing the most people in the square. */
  commune: string;
}

/** GET /api/v1/layers/{layer}/people: the squares with people, for one layer, figures in force today. */
export interface PeopleFeatureCollection extends FeatureCollection<Polygon, PeopleSquare> {
  layer: LayerId;
  computed_at: string;
  /** "even", or "grid-<name>-v1" (e.g. grid-worldpop-v1). */
  population_method: string;
  /** The side of a square, in metres (about 1000). */
  square_m: number;
  /** The layer's province population (people). */
  people: number;
  /** The layer's population − covered people, rounded: the sum of the squares' uncovered. */
  uncovered: number;
  rules: Record<string, string>;
}

/** A commune of a cluster with the uncovered people of its squares there. */
export interface ClusterCommune {
  code: string;
  name: string;
  district?: string;
  uncovered: number;
}

/** A group of neighbouring squares each holding at least min_uncovered uncovered people. */
export interface Cluster {
  rank: number;
  uncovered: number;
  people: number;
  squares: number;
  area_km2: number;
  /** The centre, weighted by uncovered people (EPSG:4326). */
  lon: number;
  lat: number;
  /** West, south, east, north (EPSG:4326). */
  bbox: [number, number, number, number];
  communes: ClusterCommune[];
}

/** GET /api/v1/layers/{layer}/clusters: the largest clusters of people not covered, ranked. */
export interface ClustersAnswer {
  layer: LayerId;
  computed_at: string;
  population_method: string;
  min_uncovered: number;
  uncovered: number;
  clusters: Cluster[];
  rules: Record<string, string>;
}
