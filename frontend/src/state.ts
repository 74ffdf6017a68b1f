// The view's state lives in the URL's fragment, so that a link shows the
// same view: #tab=map&layer=mobile&by=provider:viettel&commune=04882&map=9.50/20.7500/105.3500
// (zoom/latitude/longitude); the gaps view adds &district=150&remote=true&sort=-people_not_covered,
// an overlay of the people's squares adds &overlay=people or &overlay=uncovered, the date
// (&as_of=2015-12-31), the unit set the figures are on when one is chosen
// instead of the set in force on that date (&units=2019, a name or id of
// GET /api/v1/unit-sets), the province the figures are summed on in a
// national store (&province=25, a GSO code of GET /api/v1/provinces) and an indicator whose per-commune values colour the
// map (&indicator=internet-users). The what-if tool's hypothetical sites go in
// &sites=105.35123,20.75000,3000,4G;104.9,20.9,5000,FTTH: per site its longitude, latitude
// (decimal degrees, EPSG:4326), radius in metres (10–50000) and technology, sites separated by
// ";", at most 100. A site that does not read so is left out, and parseSites says which and why.
// The fragment never reaches the server, and no token is ever put in it.
//
// as_of is the application's one date, so that everything a user sees is of
// the same day: the map's colours, the summary and its districts, the
// downloads, the gaps view and the indicators' board follow it, whether it
// is set by the map's date bar (datebar.ts) or the board's date field. The
// targets (each with its own history), the what-if tool and the commune
// card (GET /api/v1/communes/{code} has no date; the card says so) are of
// now. A date after today is set aside with a message.
import { isLayer, type LayerId } from "./api";

export type Tab = "map" | "indicators" | "targets" | "gaps" | "whatif" | "upload";
const TABS: Tab[] = ["map", "indicators", "targets", "gaps", "whatif", "upload"];

/**
 * The squares drawn over the choropleth: where people live ("people"), or
 * where the people the map's layer does not cover live ("uncovered").
 */
export type Overlay = "people" | "uncovered";
const OVERLAYS: Overlay[] = ["people", "uncovered"];

export interface View {
  zoom: number;
  lat: number;
  lon: number;
}

export interface State {
  tab: Tab;
  layer: LayerId;
  /** The breakdown the map is coloured by: "all", "provider:NAME", "technology:NAME", "largest" or "multi". */
  by: string;
  commune: string | null;
  view: View | null;
  /** The gaps view's filters and sort: a district code, remote "true"/"false" (null: every commune), a column. */
  district: string | null;
  remote: "true" | "false" | null;
  sort: string | null;
  /** The people overlay shown, or null for none. */
  overlay: Overlay | null;
  /** The date everything but the targets, what-if and card is seen as of (YYYY-MM-DD), or null for now. */
  asOf: string | null;
  /**
   * The unit set every figure is asked on (?units=: its name or id), or null
   * for the set in force on asOf (the service's default).
   */
  units: string | null;
  /**
   * The province every figure is summed on (?province=: its GSO code), or
   * null for the whole store; whether it exists is checked against GET /api/v1/provinces.
   */
  province: string | null;
  /** The indicator whose per-unit values colour the map instead of the coverage layer, or null. */
  indicator: string | null;
  /** The what-if tool's hypothetical sites (parseSites). */
  sites: SiteRef[];
}

/** A hypothetical site as the URL keeps it: the layer follows from the technology (whatif.ts). */
export interface SiteRef {
  lon: number;
  lat: number;
  radius_m: number;
  technology: string;
}

/** What a site of the URL may be (as POST /api/v1/whatif accepts). */
export const SITE_LIMITS = { maxSites: 100, minRadius: 10, maxRadius: 50000, maxLat: 85 } as const;
const SITE_NUMBER = /^-?\d{1,3}(\.\d{1,8})?$/;
const SITE_RADIUS = /^\d{1,5}$/;
const SITE_TECHNOLOGY = /^[A-Za-z0-9_]{1,24}$/;

/** A problem of one site of the URL: its number (from 1), the text given and the reason (an i18n key's suffix). */
export interface SiteProblem {
  n: number;
  text: string;
  reason: "format" | "lon" | "lat" | "radius" | "technology" | "tooMany";
}

/**
 * Reads the sites parameter strictly: each site is exactly
 * lon,lat,radius_m,technology with plain decimal numbers in range; any
 * other is left out and named in problems.
 */
export function parseSites(v: string | null): { sites: SiteRef[]; problems: SiteProblem[] } {
  const sites: SiteRef[] = [];
  const problems: SiteProblem[] = [];
  if (!v) return { sites, problems };
  v.split(";").forEach((text, i) => {
    const n = i + 1;
    const parts = text.split(",");
    if (parts.length !== 4) return problems.push({ n, text, reason: "format" });
    const [lonS, latS, radS, tech] = parts.map((x) => x.trim());
    const lon = Number(lonS);
    const lat = Number(latS);
    const radius = Number(radS);
    if (!SITE_NUMBER.test(lonS) || !(Math.abs(lon) <= 180)) return problems.push({ n, text, reason: "lon" });
    if (!SITE_NUMBER.test(latS) || !(Math.abs(lat) <= SITE_LIMITS.maxLat)) return problems.push({ n, text, reason: "lat" });
    if (!SITE_RADIUS.test(radS) || radius < SITE_LIMITS.minRadius || radius > SITE_LIMITS.maxRadius) return problems.push({ n, text, reason: "radius" });
    if (!SITE_TECHNOLOGY.test(tech)) return problems.push({ n, text, reason: "technology" });
    if (sites.length >= SITE_LIMITS.maxSites) return problems.push({ n, text, reason: "tooMany" });
    sites.push({ lon, lat, radius_m: radius, technology: tech });
  });
  return { sites, problems };
}

/** The sites parameter of a list of sites ("" for none): 5 decimals of a degree (about 1 m), whole metres. */
export function formatSites(sites: SiteRef[]): string {
  return sites.map((s) => `${s.lon.toFixed(5)},${s.lat.toFixed(5)},${Math.round(s.radius_m)},${s.technology}`).join(";");
}

const BREAKDOWN = /^(all|largest|multi|(provider|technology):[^&#]{1,100})$/;
const CODE = /^[0-9A-Za-z_-]{1,32}$/;
const SORT = /^-?[a-z_]{1,32}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const INDICATOR = /^[a-z0-9][a-z0-9-]{0,63}$/;
/** A unit set's name or id as ?units= takes it (1–100 characters); whether the set exists is checked against GET /api/v1/unit-sets. */
const UNITS = /^[^&#\s][^&#]{0,99}$/;
/** A province's GSO code as ?province= takes it (two digits, "01" to "96"); whether it exists is checked against GET /api/v1/provinces. */
const PROVINCE = /^\d{1,3}$/;

/**
 * A part of a link that was not used: the key, its value as written, and
 * why (a key of i18n.ts's "link.*" texts) — so that the page can say so
 * instead of silently showing something else.
 */
export interface Ignored {
  key: string;
  value: string;
  reason: "tab" | "layer" | "by" | "commune" | "map" | "units" | "province" | "value";
}

/**
 * Reads the state from a fragment. Values that are present but not valid
 * fall back to the default and are listed in ignored, when given.
 */
export function parseState(hash: string, ignored: Ignored[] = []): State {
  const p = new URLSearchParams(hash.replace(/^#/, ""));
  /** The value of key if valid, else null; a present, invalid value is reported. */
  const read = <T extends string>(key: string, valid: (v: string) => boolean, reason: Ignored["reason"] = "value"): T | null => {
    const v = p.get(key);
    if (v === null || v === "") return null;
    if (valid(v)) return v as T;
    ignored.push({ key, value: v, reason });
    return null;
  };
  const tab = read<Tab>("tab", (v) => TABS.includes(v as Tab), "tab");
  const layer = read<LayerId>("layer", isLayer, "layer");
  const by = read("by", (v) => BREAKDOWN.test(v), "by");
  const commune = read("commune", (v) => CODE.test(v), "commune");
  const district = read("district", (v) => CODE.test(v));
  const remote = read<"true" | "false">("remote", (v) => v === "true" || v === "false");
  const sort = read("sort", (v) => SORT.test(v));
  const overlay = read<Overlay>("overlay", (v) => OVERLAYS.includes(v as Overlay));
  const asOf = read("as_of", (v) => DATE.test(v) && !Number.isNaN(Date.parse(v)));
  const indicator = read("indicator", (v) => INDICATOR.test(v));
  const units = read("units", (v) => UNITS.test(v), "units");
  const province = read("province", (v) => PROVINCE.test(v), "province");
  const view = read("map", (v) => parseView(v) !== null, "map");
  return {
    tab: tab ?? "map",
    layer: layer ?? "mobile",
    by: by ?? "all",
    commune,
    view: parseView(view),
    district,
    remote,
    sort,
    overlay,
    asOf,
    units,
    province,
    indicator,
    sites: parseSites(p.get("sites")).sites,
  };
}

function parseView(v: string | null): View | null {
  if (!v) return null;
  const parts = v.split("/");
  if (parts.length !== 3) return null;
  const [z, lat, lon] = parts.map(Number);
  if (![z, lat, lon].every(Number.isFinite) || z < 0 || z > 22 || Math.abs(lat) > 85 || Math.abs(lon) > 180) return null;
  return { zoom: z, lat, lon };
}

export function formatState(s: State): string {
  const p = new URLSearchParams();
  if (s.tab !== "map") p.set("tab", s.tab);
  p.set("layer", s.layer);
  if (s.by !== "all") p.set("by", s.by);
  if (s.commune) p.set("commune", s.commune);
  if (s.district) p.set("district", s.district);
  if (s.remote) p.set("remote", s.remote);
  if (s.sort) p.set("sort", s.sort);
  if (s.overlay) p.set("overlay", s.overlay);
  if (s.asOf) p.set("as_of", s.asOf);
  if (s.units) p.set("units", s.units);
  if (s.province) p.set("province", s.province);
  if (s.indicator) p.set("indicator", s.indicator);
  if (s.sites.length) p.set("sites", formatSites(s.sites));
  if (s.view) p.set("map", `${s.view.zoom.toFixed(2)}/${s.view.lat.toFixed(4)}/${s.view.lon.toFixed(4)}`);
  // URLSearchParams escapes ":" and "/"; both are safe in a fragment and easier to read as they are.
  return "#" + p.toString().replace(/%3A/g, ":").replace(/%2F/g, "/").replace(/%2C/g, ",").replace(/%3B/g, ";");
}

/**
 * Writes the state to the URL. A pan, a zoom or a filter replaces the
 * current history entry (Back does not step through every pan); push adds
 * an entry, for a change of tab, so that Back returns to the previous tab
 * rather than out of the application.
 */
export function writeState(s: State, push = false): void {
  const hash = formatState(s);
  if (location.hash === hash) return;
  if (push) history.pushState(null, "", hash);
  else history.replaceState(null, "", hash);
}
