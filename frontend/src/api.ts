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

/** The level of a unit's parent: a district (huyện) before the 2025 reform, the province after, "" when unknown. */
export type ParentLevel = "district" | "province" | "";

export interface CommuneProps {
  code: string;
  name: string;
  type: string;
  /** The district's name and code, only where the parent is a district (parent_level). */
  district: string;
  district_code: string;
  population: number;
  population_covered: number;
  share_covered: number;
  status: Status;
  boundary: string;
  /** The parent unit: a district's code and name, or the province's; absent from an older service. */
  parent_code?: string;
  parent_name?: string;
  parent_level?: ParentLevel;
  /** The unit set's own population figure (people), where it differs from population. */
  population_own?: number;
  /** A declaration made on another unit set was carried to this unit by its people. */
  carried?: boolean;
}

export type CommuneFeature = Feature<Polygon | MultiPolygon, CommuneProps>;

export interface CommuneCollection extends FeatureCollection<Polygon | MultiPolygon, CommuneProps> {
  layer: LayerId;
  computed_at: string;
  /** The date of the data (YYYY-MM-DD), "" before any filing. */
  data_as_of: string;
  method: Method;
  breakdown: string;
  breakdown_value?: string;
  boundary_note?: string;
  approximate_boundaries?: number;
  /** The unit set drawn; absent from an older service. */
  units?: UnitsMember;
}

export interface SummaryAll {
  computed_at: string;
  method: Method;
  layers: Record<LayerId, Rollup>;
  /** The date of the data (YYYY-MM-DD), "" before any filing. */
  data_as_of: string;
  /** Demonstration filings are in force on data_as_of. */
  demo: boolean;
  /** The unit set of the figures; absent from an older service. */
  units?: UnitsMember;
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
  data_as_of: string;
  demo: boolean;
  units?: UnitsMember;
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
  parent_code?: string;
  parent_name?: string;
  parent_level?: ParentLevel;
  population_own?: number;
  carried?: boolean;
  units?: UnitsMember;
  lineage?: Lineage;
}

// ---- unit sets: versions of the administrative units (README, "Unit sets")

/** The unit set of an answer's figures. */
export interface UnitsMember {
  id: number;
  name: string;
  /** First day in force (YYYY-MM-DD), null: since ever. */
  valid_from: string | null;
  /** Last day in force, null while no later set exists. */
  valid_to: string | null;
  parent_level: ParentLevel;
  /** "date": the set in force on the figures' day; "request": named by ?units=. */
  chosen: "date" | "request";
  /** How many units the set has. */
  units: number;
}

/** A unit set as GET /api/v1/unit-sets lists it. */
export interface UnitSet {
  id: number;
  name: string;
  valid_from: string | null;
  valid_to: string | null;
  units: number;
  parent_level: ParentLevel;
  source: string;
  /** The set in force today. */
  in_force: boolean;
  population_basis: boolean;
  /** People counted on the one population surface. */
  people: number;
  /** The sum of the set's own population figures. */
  own_people: number;
}

/** GET /api/v1/unit-sets: every set, earliest first. */
export interface UnitSets {
  today: string;
  in_force: number;
  unit_sets: UnitSet[];
  population_rule: string;
  carry_rule: string;
}

/** A unit of the set before or after, with the people it shares with the card's unit. */
export interface LineageUnit {
  code: string;
  name: string;
  people: number;
  /** The part of the earlier unit's people (0–1). */
  share_of_old: number;
  /** The part of the later unit's people (0–1). */
  share_of_new: number;
}

/** The units of another set a unit was formed from, or became. */
export interface LineageStep {
  /** The day the later set took effect (YYYY-MM-DD; "" for a set in force since ever). */
  on: string;
  /** The other set's name. */
  set: string;
  units: LineageUnit[];
  /** People shared with units holding less than 5% of either unit. */
  others: number;
}

/** What a unit was formed from in the set before its own, and what it became in the set after. */
export interface Lineage {
  formed?: LineageStep;
  became?: LineageStep;
}

export interface FilingProblem {
  feature: number;
  line?: number;
  /** The column on line, for a JSON syntax error. */
  column?: number;
  field: string;
  code: string;
  message: string;
  /** A likely cause (leading_zeros, swapped_lon_lat) and the value it suggests. */
  hint?: string;
  suggestion?: string;
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
  /** In a dry run: the provider's filings in force today that this one would replace. */
  supersedes?: SupersededFiling[];
  figures_pending?: boolean;
}

/** A filing of the provider as "My filings" lists it. */
export interface ListedFiling {
  id: number;
  provider: string;
  layer: LayerId;
  as_of: string;
  submitted_at: string;
  withdrawn_at?: string;
  demo: boolean;
  source: string;
  format?: string;
  report?: { technologies?: string[]; footprints?: number; declarations?: number };
  status: "in_force" | "superseded" | "withdrawn";
}

/** A filing a new one would replace, for the technologies listed. */
export interface SupersededFiling {
  id: number;
  layer: LayerId;
  as_of: string;
  demo: boolean;
  technologies: string[];
  footprints: number;
  declarations: number;
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
  /** The unit set the point is counted on (the one in force on its date). */
  units?: string;
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
  /** The territory the target is of: "" for the whole store, else a province's GSO code ("25"); absent from an older service. */
  territory?: string;
  title_vi: string;
  title_en: string;
  source?: string;
  current: TargetValue;
  remote_communes?: TargetValue;
  forecast?: Forecast;
  history?: TargetPoint[];
}

/** A province of the published units (GET /api/v1/provinces). */
export interface Province {
  /** The GSO code, e.g. "25". */
  code: string;
  name: string;
  communes: number;
  people: number;
  /** The extent of its units: west, south, east, north (EPSG:4326). */
  bbox: [number, number, number, number];
}

/** GET /api/v1/provinces: sorted by code. */
export interface Provinces {
  provinces: Province[];
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
  computed_at: string;
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
  /** Today's figures the sites are added to: the date of their data and when they were computed. */
  data_as_of: string;
  computed_at: string;
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

// ---- the resolution's scoreboard (issue 19, /work/contracts/issue19.md)

/** How an indicator is measured: percent 0–100, a count, a score (e.g. the PCI's 0–10) or a level. */
export type IndicatorUnit = "percent" | "count" | "score" | "level";

/** The resolution an indicator comes from. */
export interface Resolution {
  number: string;
  /** YYYY-MM-DD, or "". */
  date: string;
  title: string;
}

/** A resolution on the board, with how many indicators it set and what its source says of them. */
export interface BoardResolution {
  number: string;
  date: string;
  title: string;
  /** How many indicators the resolution set (15 for 05-NQ/TU), which may be more than the board holds. */
  indicators: number | null;
  note: string;
}

/** The value of an indicator in force on the board's date (the roll-up for per-unit values). */
export interface IndicatorLatest {
  /** In the indicator's unit: percent as 0–100. */
  value: number;
  as_of: string;
  source: string;
  numerator: number | null;
  denominator: number | null;
  entered_by: string;
  entered_at: string;
  /** How many communes or districts the roll-up sums (0: the territory's own value). */
  units: number;
}

/** One point of an indicator's trend: the roll-up on a date that has a value. */
export interface IndicatorPoint {
  as_of: string;
  value: number;
}

/**
 * When the trend reaches the target, as the coverage targets' forecast:
 * value is the target and at the date (for an indicator met already, its
 * value and date); with outcome not_at_current_pace, value is null and at "".
 */
export interface IndicatorForecast {
  value: number | null;
  at: string;
  method: string;
  outcome: string;
  note: string;
  note_vi: string;
}

/** An indicator of a resolution as the board shows it on a date. */
export interface Indicator {
  id: string;
  title_vi: string;
  title_en: string;
  unit: IndicatorUnit;
  direction: "higher" | "lower";
  /** In the indicator's unit (percent as 0–100), or null when the resolution states none. */
  target: number | null;
  /** YYYY-MM-DD, or "". */
  deadline: string;
  resolution: Resolution;
  territory: string;
  kind: "computed" | "entered";
  /** The coverage target a computed indicator follows (GET /api/v1/targets/{id}), else 0. */
  target_id: number;
  note: string;
  order: number;
  retired_at?: string | null;
  /** null: no value on the board's date ("chưa có số liệu"). */
  latest: IndicatorLatest | null;
  /** null: no value or no target. */
  met: boolean | null;
  /** Why there is no value or no met, when so. */
  why?: string;
  trend: IndicatorPoint[];
  forecast: IndicatorForecast | null;
  /** Values exist per commune or district: the map can show them. */
  per_unit: boolean;
}

/** GET /api/v1/indicators[?as_of=]: the scoreboard on a date. */
export interface IndicatorBoard {
  as_of: string;
  met: number;
  total: number;
  with_data: number;
  headline_vi: string;
  headline_en: string;
  rule: string;
  resolutions: BoardResolution[];
  indicators: Indicator[];
  /** The latest date of the values the board shows ("" when none has a value). */
  data_as_of: string;
  /** When the computed indicators' coverage figures were computed (RFC 3339). */
  computed_at: string;
}

/** One stored value of an entered indicator (never changed: a correction is a new row). */
export interface IndicatorValue {
  id: number;
  indicator: string;
  as_of: string;
  /** "" for the whole territory, else a commune or district code. */
  unit_code: string;
  value: number;
  numerator: number | null;
  denominator: number | null;
  source: string;
  entered_at: string;
  entered_by: string;
  corrects: number;
  superseded?: boolean;
}

/** A commune's or district's value in force on the date, for the map. */
export interface IndicatorUnitValue {
  code: string;
  name: string;
  value: number;
  numerator: number | null;
  denominator: number | null;
  as_of: string;
  source: string;
}

/** GET /api/v1/indicators/{id}[?as_of=]: the board's entry with every value and the units' values. */
export interface IndicatorDetail extends Indicator {
  values: IndicatorValue[];
  units: IndicatorUnitValue[];
}

/** One problem of a value: index is its place in the request's values, or for a CSV import its line (1 = the header). */
export interface IndicatorProblem {
  index?: number;
  field: string;
  code: string;
  message: string;
}
