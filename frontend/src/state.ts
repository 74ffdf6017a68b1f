// The view's state lives in the URL's fragment, so that a link shows the
// same view: #tab=map&layer=mobile&by=provider:viettel&commune=04882&map=9.50/20.7500/105.3500
// (zoom/latitude/longitude); the gaps view adds &district=150&remote=true&sort=-people_not_covered,
// an overlay of the people's squares adds &overlay=people or &overlay=uncovered, the date
// (&as_of=2015-12-31) and an indicator whose per-commune values colour the
// map (&indicator=internet-users). The fragment
// never reaches the server, and no token is ever put in it.
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
  /** The indicator whose per-unit values colour the map instead of the coverage layer, or null. */
  indicator: string | null;
}

const BREAKDOWN = /^(all|largest|multi|(provider|technology):[^&#]{1,100})$/;
const CODE = /^[0-9A-Za-z_-]{1,32}$/;
const SORT = /^-?[a-z_]{1,32}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const INDICATOR = /^[a-z0-9][a-z0-9-]{0,63}$/;

export function parseState(hash: string): State {
  const p = new URLSearchParams(hash.replace(/^#/, ""));
  const tab = p.get("tab") as Tab;
  const layer = p.get("layer");
  const by = p.get("by") || "all";
  const commune = p.get("commune");
  const district = p.get("district");
  const remote = p.get("remote");
  const sort = p.get("sort");
  const overlay = p.get("overlay") as Overlay;
  const asOf = p.get("as_of");
  const indicator = p.get("indicator");
  return {
    tab: TABS.includes(tab) ? tab : "map",
    layer: isLayer(layer) ? layer : "mobile",
    by: BREAKDOWN.test(by) ? by : "all",
    commune: commune && CODE.test(commune) ? commune : null,
    view: parseView(p.get("map")),
    district: district && CODE.test(district) ? district : null,
    remote: remote === "true" || remote === "false" ? remote : null,
    sort: sort && SORT.test(sort) ? sort : null,
    overlay: OVERLAYS.includes(overlay) ? overlay : null,
    asOf: asOf && DATE.test(asOf) && !Number.isNaN(Date.parse(asOf)) ? asOf : null,
    indicator: indicator && INDICATOR.test(indicator) ? indicator : null,
  };
}

function parseView(v: string | null): View | null {
  if (!v) return null;
  const [z, lat, lon] = v.split("/").map(Number);
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
  if (s.indicator) p.set("indicator", s.indicator);
  if (s.view) p.set("map", `${s.view.zoom.toFixed(2)}/${s.view.lat.toFixed(4)}/${s.view.lon.toFixed(4)}`);
  // URLSearchParams escapes ":" and "/"; both are safe in a fragment and easier to read as they are.
  return "#" + p.toString().replace(/%3A/g, ":").replace(/%2F/g, "/");
}

/** Writes the state to the URL without adding a history entry for every pan. */
export function writeState(s: State): void {
  const hash = formatState(s);
  if (location.hash !== hash) history.replaceState(null, "", hash);
}
