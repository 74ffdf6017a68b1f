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
}

export interface Method {
  name: string;
  cell_size_m: number;
  covered_threshold: number;
  partial_threshold: number;
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
