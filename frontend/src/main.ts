// Phủ Sóng's web application: wires the service's figures to the map, the
// panels and the URL. Every figure shown comes from the API; the page only
// formats it.
import "./style.css";
import type { IControl, StyleSpecification } from "maplibre-gl";
import {
  ApiError,
  LAYERS,
  communesURL,
  fetchJSON,
  isLayer,
  type CommuneCard,
  type CommuneCollection,
  type CommuneHistory,
  type CommuneProps,
  type LayerId,
  type LayerInfo,
  type LayerSummary,
  type PageConfig,
  type Province,
  type Provinces,
  type SummaryAll,
  type UnitSets,
} from "./api";
import { layerTitle, renderCard, renderHistory } from "./card";
import { DateBar, dateProblem } from "./datebar";
import { CommuneSearch } from "./search";
import { byId, h, replace } from "./dom";
import { fmtDate, fmtDateTime, fmtInt, fmtPct, lang, mapLocale, providerName, setLang, t, techName, translateDocument, type Lang } from "./i18n";
import { COMMUNE_FILL, MapView, PEOPLE_FILL, bboxOfGeometry } from "./map";
import { dissolve, labelPoint } from "./outlines";
import { Tabs } from "./panels";
import { PeopleOverlay } from "./people";
import { LinkNotice } from "./linknotice";
import { renderLegend, thresholds, type Outline, type Thresholds } from "./scale";
import { parseState, writeState, type Ignored, type State, type Tab } from "./state";
import { type FigureChange, loadChanges, renderChanges } from "./changes";
import { renderDistricts, renderSummary } from "./summary";
import { GapsView } from "./gaps";
import { IndicatorEntry } from "./indicator-entry";
import { IndicatorMap } from "./indicator-map";
import { IndicatorsView } from "./indicators";
import { TargetsView } from "./targets";
import { UploadPage } from "./upload";
import { WhatIfView } from "./whatif";
import { UnitsPicker, findSet, parentLevel, parentText } from "./units";
import { ProvincePicker, findProvince } from "./provinces";

performance.mark("phusong:start");
// What a link asked for that the page cannot show is said (LinkNotice), not dropped silently.
const linkIgnored: Ignored[] = [];
const state: State = parseState(location.hash, linkIgnored);
const linkedView = state.view !== null;

// A link's date that cannot be shown (not a date, or after today) is set
// aside before any figure is asked for, and the date bar says why (so the
// link notice does not say it again).
const linkDate = new URLSearchParams(location.hash.replace(/^#/, "")).get("as_of");
const badLinkDate = linkDate !== null && (state.asOf === null || dateProblem(linkDate) !== null) ? linkDate : null;
if (badLinkDate !== null) state.asOf = null;

/**
 * A URL of the API's figures with the application's date (state.asOf) as
 * ?as_of= and its unit set (state.units) as ?units=, each when one is
 * chosen: without them the service answers for today, on the set in force.
 */
function figuresURL(url: string, asOf = state.asOf, units = state.units): string {
  const q = new URLSearchParams();
  if (asOf) q.set("as_of", asOf);
  if (units) q.set("units", units);
  const qs = q.toString();
  return qs ? `${url}${url.includes("?") ? "&" : "?"}${qs}` : url;
}

// The unit sets, for the picker and to check a link's &units= before any
// figure is asked on it (an unknown set is said and set aside, as a bad
// date is). An older service has none: the picker stays hidden.
const unitSetsP = fetchJSON<UnitSets>("/api/v1/unit-sets").catch(() => null);
if (state.units !== null) {
  const sets = await unitSetsP;
  const ref = state.units;
  if (findSet(sets?.unit_sets ?? [], ref) === null) {
    linkIgnored.push({ key: "units", value: ref, reason: "units" });
    state.units = null;
  }
}

// The provinces of a national store, for the selector and to check a link's
// &province= before any figure is asked on it (an unknown one is said and
// the page shows the whole country). An older service has none.
const provincesP: Promise<Province[]> = fetchJSON<Provinces>("/api/v1/provinces").then(
  (r) => r.provinces,
  () => [],
);
if (state.province !== null && findProvince(await provincesP, state.province) === null) {
  linkIgnored.push({ key: "province", value: state.province, reason: "province" });
  state.province = null;
}

/**
 * A URL of GET /api/v1/summary (query: its other parameters) with the
 * application's date, unit set and province (?province=), each when chosen.
 */
function summaryURL(query = ""): string {
  const q = new URLSearchParams(query);
  if (state.province) q.set("province", state.province);
  const qs = q.toString().replace(/%3A/g, ":");
  return figuresURL(qs ? `/api/v1/summary?${qs}` : "/api/v1/summary");
}

// Data, fetched once and kept until an accepted filing changes it.
let info: LayerInfo[] = [];
let summary: SummaryAll | null = null;
let communes: CommuneCollection | null = null;
let card: CommuneCard | null = null;
const communeCache = new Map<string, Promise<CommuneCollection>>();
const breakdownCache = new Map<string, Promise<{ provider: LayerSummary; technology: LayerSummary }>>();

function loadCommunes(layer: LayerId, by: string): Promise<CommuneCollection> {
  const key = `${layer}|${by}|${state.asOf ?? ""}|${state.units ?? ""}`;
  let p = communeCache.get(key);
  if (!p) {
    p = fetchJSON<CommuneCollection>(figuresURL(communesURL(layer, by)));
    p.catch(() => communeCache.delete(key));
    communeCache.set(key, p);
  }
  return p;
}

function loadBreakdowns(layer: LayerId): Promise<{ provider: LayerSummary; technology: LayerSummary }> {
  const key = `${layer}|${state.asOf ?? ""}|${state.units ?? ""}|${state.province ?? ""}`;
  let p = breakdownCache.get(key);
  if (!p) {
    p = Promise.all([
      fetchJSON<LayerSummary>(summaryURL(`layer=${layer}&breakdown=provider`)),
      fetchJSON<LayerSummary>(summaryURL(`layer=${layer}&breakdown=technology`)),
    ]).then(([provider, technology]) => ({ provider, technology }));
    p.catch(() => breakdownCache.delete(key));
    breakdownCache.set(key, p);
  }
  return p;
}

/**
 * Above this many communes (the 11,163 of Vietnam, not the 210 of Hòa Bình)
 * the map draws vector tiles (/tiles/{layer}/{z}/{x}/{y}.mvt) instead of
 * downloading a layer's whole GeoJSON: no names, district outlines, commune
 * finder or provider and technology colouring then, which need every polygon
 * or figures the tiles do not carry.
 */
const TILE_MODE_COMMUNES = 2000;

// Start every request at once: the communes of the first layer are the
// critical path to the first frame. The summary says how many communes
// there are, hence whether the layer's GeoJSON is wanted at all (in tile
// mode it is never requested: tens of megabytes). A link's provider or
// technology is checked (showLayer) before its figures are asked for. The
// map draws every province whichever is chosen: with one chosen, the
// store's size is the provinces' communes together.
const summaryP = fetchJSON<SummaryAll>(summaryURL());
let tileMode = false;
const tileModeP = (
  state.province === null
    ? summaryP.then((s) => Object.values(s.layers).some((r) => r.communes > TILE_MODE_COMMUNES))
    : provincesP.then((ps) => ps.reduce((n, p) => n + p.communes, 0) > TILE_MODE_COMMUNES)
).then(
  (tiles) => (tileMode = tiles),
  () => false,
);
const firstCommunes = tileModeP.then((tiles) => (tiles || state.by !== "all" ? null : loadCommunes(state.layer, state.by)));
firstCommunes.then(() => performance.mark("phusong:communes"), () => undefined);
const configP = fetchJSON<PageConfig>("/api/v1/config").catch(() => ({ basemap_url: "" }));
const infoP = fetchJSON<{ layers: LayerInfo[] }>("/api/v1/layers").then((r) => r.layers);

setLang(lang());
translateDocument();

const statusEl = byId("app-status");
function showError(e: unknown): void {
  const detail = e instanceof ApiError ? `${e.status} ${e.message}` : String(e);
  statusEl.textContent = t("app.error", { detail });
  statusEl.classList.add("error");
  statusEl.hidden = false;
  console.error(e);
}

/** A basemap style fetched by the page (so a failure falls back to none), or null. */
async function basemapStyle(url: string): Promise<StyleSpecification | null> {
  if (!url) return null;
  try {
    return await fetchJSON<StyleSpecification>(url);
  } catch (e) {
    console.warn("basemap style not loaded; drawing without it", e);
    return null;
  }
}

let th: Thresholds | null = null;

const mapView = new MapView({
  container: byId("map"),
  labelLayer: byId("labels"),
  tooltip: byId("tooltip"),
  basemap: await basemapStyle((await configP).basemap_url),
  view: state.view,
  onSelect: (code) => void selectCommune(code, false),
  onViewChange: (view) => {
    state.view = view;
    writeState(state);
  },
  // Tiles below zoom 8 carry only the code and the figures.
  describe: (p: CommuneProps) => [
    p.name ?? p.code,
    indicatorMap.describe(p) ?? (p.district ? `${p.district} · ${fmtPct(p.share_covered)}` : fmtPct(p.share_covered)),
  ],
  describeSquare: (p) => people.describeSquare(p),
  locale: mapLocale(),
});
// A link's province: the map opens on it (unless the link has its own view).
if (state.province) mapView.setFocus(findProvince(await provincesP, state.province)?.bbox ?? null, false);

const people = new PeopleOverlay(byId("people-options"), byId("people-legend"), {
  map: mapView,
  state,
  info: () => info,
  save: () => writeState(state),
  communeName: (code) => communes?.features.find((f) => f.properties.code === code)?.properties.name ?? null,
  select: (code) => void selectCommune(code, false),
  onError: showError,
});
void tileModeP.then((tiles) => tiles && people.disable());

const tabs = new Tabs(byId("tabs"), (tab: Tab) => {
  state.tab = tab;
  // A new history entry: Back returns to the previous tab.
  writeState(state, true);
  activateTab(tab);
  refitIfNarrowed();
});

let mapWidth = byId("map").clientWidth;
/** Where the map goes when a tab narrows it (the gaps of a district), instead of the province. */
let fitOnNarrow: [number, number, number, number] | null = null;

/**
 * When a tab widens the side panel (targets, gaps, indicators on a
 * desktop) the map is narrower: it takes its new size at once and shows the
 * whole province again (or the box asked for), rather than a cut view. A
 * wider map keeps its view.
 */
function refitIfNarrowed(): void {
  const w = byId("map").clientWidth;
  const box = fitOnNarrow;
  fitOnNarrow = null;
  if (w === mapWidth) {
    if (box) mapView.fitBox(box);
    return;
  }
  const narrower = w < mapWidth;
  mapWidth = w;
  mapView.map.resize();
  if (box) mapView.fitBox(box);
  else if (narrower) mapView.fitProvince(false);
}

/** Starts the view of a tab and stops the others' drawings on the map. */
function activateTab(tab: Tab): void {
  if (tab === "upload") upload.activate();
  else void mapView.setUpload(null);
  if (tab === "targets") void targets.activate();
  if (tab === "indicators") void indicators.activate();
  if (tab === "gaps") void gaps.activate();
  else gaps.deactivate();
  if (tab === "whatif") whatif.activate();
  else whatif.deactivate();
  drawLegend();
}

const targets = new TargetsView(byId("panel-targets"), {
  info: () => info,
  territory: () => (provincePicker.shown ? { provinces: provincePicker.list, province: state.province } : null),
  showGaps: (layer) => {
    tabs.select("gaps", false);
    state.tab = "gaps";
    writeState(state, true);
    void showLayer(layer, "all");
    activateTab("gaps");
  },
});

// The resolution's scoreboard, its entry form for an admin, and an indicator's values per commune on the map.
const indicatorMap = new IndicatorMap({
  map: mapView,
  legend: byId("legend"),
  communes: () => communes,
  restore: () => {
    state.indicator = null;
    writeState(state);
    drawLegend();
  },
  onError: showError,
});

const entry = new IndicatorEntry({
  communes: () => communes,
  refresh: async () => {
    await indicators.activate(true);
    if (state.indicator) await indicatorMap.show(state.indicator, state.asOf);
  },
});

const indicators = new IndicatorsView(byId("panel-indicators"), {
  asOf: () => state.asOf,
  province: () => state.province,
  // The board's date is the application's: the map and its summary follow it.
  setAsOf: (d) => {
    const problem = d ? dateProblem(d) : null;
    if (problem) return dateBar.showProblem(problem);
    void applyDate(d);
  },
  showTarget: (id) => {
    tabs.select("targets", false);
    state.tab = "targets";
    writeState(state, true);
    void targets.activate().then(() => {
      const el = document.querySelector<HTMLElement>(`#targets [data-target-id="${id}"]`);
      el?.scrollIntoView({ block: "start" });
      el?.classList.add("flash");
    });
  },
  showOnMap: (ind) => {
    state.indicator = ind.id;
    writeState(state);
    void indicatorMap.show(ind.id, state.asOf).then((ok) => {
      // On a phone the map is below the panel.
      if (ok && window.innerWidth <= 760) byId("map").scrollIntoView({ behavior: "smooth", block: "center" });
    });
  },
  loaded: (b) => entry.setBoard(b),
});
indicators.setTail(entry.el);

const gaps = new GapsView(byId("panel-gaps"), {
  map: mapView,
  state,
  info: () => info,
  communes: () => communes,
  save: () => writeState(state),
  showLayer: (layer) => void showLayer(layer, "all"),
  select: (code) => void selectCommune(code, true),
  showCluster: (c) => {
    // The cluster among its people not covered: the overlay on, the map on its box.
    mapView.fitBox(c.bbox);
    void people.set("uncovered");
    // On a phone the map is below the panel.
    if (window.innerWidth <= 760) byId("map").scrollIntoView({ behavior: "smooth", block: "center" });
  },
});

const whatif = new WhatIfView(byId("panel-whatif"), {
  map: mapView,
  state,
  info: () => info,
  select: (code) => void selectCommune(code, true),
  save: () => writeState(state),
  dated: () => summary,
});

const upload = new UploadPage(byId("panel-upload"), {
  map: mapView,
  layerInfo: () => info,
  communes: () => communes,
  showLayer: (layer) => {
    if (layer !== state.layer) void showLayer(layer, "all");
  },
  refresh: refreshAll,
});

// ---- the layer switcher and the breakdown selectors

function renderLayerSwitcher(): void {
  const box = byId("layer-options");
  box.replaceChildren(
    ...LAYERS.map((id) => {
      const input = h("input", { type: "radio", name: "layer", value: id, id: `layer-${id}`, checked: id === state.layer });
      input.addEventListener("change", () => {
        indicatorMap.clear();
        if (input.checked) void showLayer(id, state.by);
      });
      const r = summary?.layers[id];
      return h(
        "div",
        { class: "layer-option" },
        input,
        h(
          "label",
          { for: `layer-${id}` },
          h("span", { class: "layer-name" }, layerTitle(info, id)),
          r ? h("span", { class: "layer-figure" }, fmtPct(r.share)) : null,
        ),
      );
    }),
  );
}

/** The chosen layer's description, as text (a tooltip is out of reach on a touch screen). */
function renderLayerAbout(): void {
  const el = byId("layer-about");
  const l = info.find((x) => x.id === state.layer);
  const text = l ? (lang() === "en" ? l.description_en : l.description_vi) : "";
  el.hidden = !text;
  el.replaceChildren(h("span", { class: "layer-about-lead" }, t("layers.about")), " ", text);
}

/**
 * The name of the provider or technology the map is coloured by, set with
 * the selectors (renderSelectors), or null for every provider together:
 * the legend and the downloads name it.
 */
let breakdownShown: string | null = null;

/** The coverage legend with what it is of and a key to the outlines drawn now; an indicator's legend takes its place while shown. */
function drawLegend(): void {
  if (!th || indicatorMap.shown) return;
  const lines: Outline[] = ["commune"];
  // District lines only where the units' parents are districts (not on the units of July 2025).
  if (!tileMode) lines.push(...(parentLevel(communes?.units) === "district" ? (["district", "province"] as const) : (["province"] as const)));
  if (state.commune) lines.push("selected");
  if (state.tab === "gaps") lines.push("gaps");
  if (state.tab === "whatif") lines.push("whatif", "sites");
  renderLegend(byId("legend"), th, { what: breakdownShown, outlines: lines });
}

async function renderSelectors(): Promise<void> {
  const providerSel = byId<HTMLSelectElement>("provider-select");
  const techSel = byId<HTMLSelectElement>("technology-select");
  const layer = state.layer;
  const b = await loadBreakdowns(layer);
  if (layer !== state.layer) return;
  const providers = (b.provider.breakdowns ?? []).filter((x) => x.kind === "provider");
  const largest = (b.provider.breakdowns ?? []).find((x) => x.kind === "largest");
  const opts: HTMLOptionElement[] = [h("option", { value: "all" }, t("filters.allProviders"))];
  for (const p of providers) opts.push(h("option", { value: p.key }, providerName(p.value ?? p.key)));
  if (providers.length > 1) {
    if (largest?.value) opts.push(h("option", { value: "largest" }, t("filters.largest", { name: providerName(largest.value) })));
    opts.push(h("option", { value: "multi" }, t("filters.multi")));
  }
  providerSel.replaceChildren(...opts);
  providerSel.disabled = providers.length === 0;
  providerSel.value = state.by.startsWith("technology:") ? "all" : state.by;
  const techs = (b.technology.breakdowns ?? []).filter((x) => x.kind === "technology");
  techSel.replaceChildren(
    h("option", { value: "all" }, t("filters.allTechnologies")),
    ...techs.map((x) => h("option", { value: x.key }, techName(x.value ?? x.key))),
  );
  techSel.disabled = techs.length === 0;
  techSel.value = state.by.startsWith("technology:") ? state.by : "all";
  // Tiles carry the figures of every provider and technology together only.
  if (tileMode) providerSel.disabled = techSel.disabled = true;

  // What the map is coloured by, with the province's figure of that choice.
  const line = byId("selection-line");
  const chosen = [...(b.provider.breakdowns ?? []), ...(b.technology.breakdowns ?? [])].find((x) => x.key === state.by);
  if (chosen && state.by !== "all") {
    const what =
      chosen.kind === "provider"
        ? providerName(chosen.value ?? "")
        : chosen.kind === "technology"
          ? techName(chosen.value ?? "")
          : chosen.kind === "largest"
            ? t("filters.largest", { name: providerName(chosen.value ?? "") })
            : t("filters.multi");
    line.textContent = t("summary.selection", {
      what,
      share: fmtPct(chosen.province.share),
      n: fmtInt(chosen.province.covered),
      d: fmtInt(chosen.province.population),
    });
    line.hidden = false;
    breakdownShown = what;
  } else {
    line.hidden = true;
    breakdownShown = null;
  }
  renderExports();
  drawLegend();
  renderDistricts(byId("districts"), b.provider, info, showDistrict);
}

for (const id of ["provider-select", "technology-select"]) {
  byId<HTMLSelectElement>(id).addEventListener("change", (e) => {
    indicatorMap.clear();
    void showLayer(state.layer, (e.target as HTMLSelectElement).value);
  });
}

// ---- the communes on the map

let labelsFor: CommuneCollection | null = null;
let outlinesFor = "";

/** After the first frame: the names and the district outlines, which need the shapes only once. */
function decorate(fc: CommuneCollection): void {
  const shapes = fc.features.map((f) => f.properties.code).join(",") + fc.features.length;
  if (labelsFor === null || outlinesFor !== shapes) {
    outlinesFor = shapes;
    // After the first frame with communes: the names' points and the
    // outlines' unions took the main thread (and a core) while the first
    // frame was being made.
    void mapView.drawn.then(() => setTimeout(() => {
      mapView.labels.set(
        fc.features.flatMap((f) => {
          const p = labelPoint(f);
          return p ? [{ code: f.properties.code, name: f.properties.name, population: f.properties.population, lngLat: p }] : [];
        }),
      );
      if (state.commune) mapView.labels.select(state.commune);
      void dissolve(fc.features).then((o) => mapView.setOutlines(o));
    }, 0));
  }
  if (labelsFor === null) void loadDates(fc);
  labelsFor = fc;
  renderCommuneSelect(fc);
  const note = byId("map-note");
  note.hidden = !fc.boundary_note;
  note.textContent = fc.boundary_note ? t("note.approximate") : "";
}

function renderCommuneSelect(fc: CommuneCollection): void {
  search.set(fc.features.map((f) => f.properties));
  search.setSelected(state.commune);
}

// The commune finder (type-ahead) in place of a list of every commune.
const search = new CommuneSearch(byId("commune-search-box"), { onSelect: (code) => void selectCommune(code, true) });

// ---- the date the map is seen as of, one for the whole application

const dateBar = new DateBar({ onChange: (d) => void applyDate(d) });
byId("date-slot").replaceWith(dateBar.el);
if (state.asOf) dateBar.set(state.asOf);

// The unit set every figure is on, beside the date that chooses it by default.
const unitsPicker = new UnitsPicker({ onChange: (u) => void applyUnits(u) });
dateBar.el.after(unitsPicker.el);
unitsPicker.set(state.units);
void unitSetsP.then((sets) => sets && unitsPicker.setSets(sets.unit_sets));

/** Shows every figure of the map panel (and the indicators' board) as of a date (null: now). */
async function applyDate(d: string | null): Promise<void> {
  state.asOf = d;
  writeState(state);
  dateBar.set(d);
  if (state.indicator) void indicatorMap.show(state.indicator, d);
  if (state.tab === "indicators") void indicators.activate();
  await refigure();
}

/** Shows every figure of the map panel on a unit set (its name), or on the set in force on the date (null). */
async function applyUnits(u: string | null): Promise<void> {
  state.units = u;
  writeState(state);
  unitsPicker.set(u);
  await refigure();
}

// The province the summary, gaps and targets are of, in the header (every
// tab follows it), beside the language.
const provincePicker = new ProvincePicker({ onChange: (p) => void applyProvince(p) });
document.querySelector(".topbar .lang")?.before(provincePicker.el);
provincePicker.set(state.province);
const scopeEl = h("p", { class: "summary-scope", id: "summary-scope", hidden: true });
byId("summary").before(scopeEl);
void provincesP.then((ps) => {
  provincePicker.setProvinces(ps);
  renderScope();
  if (state.tab === "targets") targets.render();
  if (state.tab === "indicators") indicators.render();
});

/** Says whose figures the summary shows, where there is a choice of province. */
function renderScope(): void {
  const p = state.province ? provincePicker.find(state.province) : null;
  scopeEl.hidden = !provincePicker.shown;
  scopeEl.textContent = t("summary.scope", { name: p ? parentText("province", p.name) : t("province.all") });
  if (p) scopeEl.dataset.province = p.code;
  else delete scopeEl.dataset.province;
}

/**
 * Shows a province (its code), or the whole country (null): the map fits
 * its extent (fit: false keeps a link's view), and the summary, the gaps and
 * the targets are of it.
 */
async function applyProvince(code: string | null): Promise<void> {
  showProvince(code, true);
  await refigure();
}

/** What follows a province at once: the URL, the selector, the map's extent, the summary's line and the targets. */
function showProvince(code: string | null, fit: boolean): void {
  state.province = code;
  writeState(state);
  provincePicker.set(code);
  mapView.setFocus(code ? (provincePicker.find(code)?.bbox ?? null) : null, fit);
  renderScope();
  if (state.tab === "targets") targets.render();
  if (state.tab === "indicators") void indicators.activate();
}

/**
 * After the date, the unit set or the province changed: the summary, the layer and the
 * views that follow them, unless another change came in the meantime.
 */
async function refigure(): Promise<void> {
  const asked = `${state.asOf}|${state.units}|${state.province}`;
  const current = () => `${state.asOf}|${state.units}|${state.province}` === asked;
  renderExports();
  try {
    const s = await fetchJSON<SummaryAll>(summaryURL());
    if (!current()) return;
    summary = s;
    renderSummary(byId("summary"), s, info, state.layer);
    renderLayerSwitcher();
  } catch (e) {
    showError(e);
  }
  if (!current()) return;
  await showLayer(state.layer, state.by);
}

/** The dates on which a filing took effect, for the date bar's slider (from a commune's history: the same dates for every commune). */
async function loadDates(fc: CommuneCollection): Promise<void> {
  const first: string | undefined = fc.features[0]?.properties.code;
  if (!first) return;
  const hist = await fetchJSON<CommuneHistory>(historyURL(first, fc.units?.id)).catch(() => null);
  if (!hist) return;
  dateBar.setDates(Object.values(hist.layers).flatMap((pts) => pts.map((p) => p.date)));
}

// ---- downloads of what the map shows

const EXPORTS: [string, string][] = [
  ["gpkg", "GeoPackage"],
  ["csv", "CSV"],
  ["geojson", "GeoJSON"],
  ["kml", "KML"],
];

/** Links to the layer's figures as files, of the breakdown and date shown (GET /api/v1/export/{layer}.{format}). */
function renderExports(): void {
  const p = new URLSearchParams();
  if (state.asOf) p.set("as_of", state.asOf);
  if (state.units) p.set("units", state.units);
  const by = state.by !== "all" && breakdownShown ? state.by : null;
  if (by) p.set("breakdown", by);
  const qs = p.toString().replace(/%3A/g, ":");
  const q = qs ? `?${qs}` : "";
  const layer = layerTitle(info, state.layer);
  const date = state.asOf ? fmtDate(state.asOf) : t("date.nowText");
  const what = by ? breakdownShown : null;
  replace(
    byId("downloads"),
    h("h3", { class: "downloads-title", id: "downloads-title" }, t("export.title")),
    h("p", { class: "help", id: "downloads-what" }, what ? t("export.whatBy", { layer, what, date }) : t("export.what", { layer, date })),
    h(
      "div",
      { class: "download-buttons", role: "group", "aria-labelledby": "downloads-title", "aria-describedby": "downloads-what" },
      ...EXPORTS.map(([f, name]) =>
        h(
          "a",
          { class: "download", href: `/api/v1/export/${state.layer}.${f}${q}`, download: "", "data-format": f, title: t("export.one", { format: name, layer: what ? `${layer} (${what})` : layer, date }) },
          name,
        ),
      ),
    ),
  );
}

// ---- the districts of the summary, the province

/** The box of the units of a parent, a district or the province (all of them when code is null). */
function communesBox(code: string | null): [number, number, number, number] | null {
  let b: [number, number, number, number] | null = null;
  for (const f of communes?.features ?? []) {
    if (code !== null && (f.properties.parent_code ?? f.properties.district_code) !== code) continue;
    const fb = bboxOfGeometry(f.geometry);
    if (fb) b = b ? [Math.min(b[0], fb[0]), Math.min(b[1], fb[1]), Math.max(b[2], fb[2]), Math.max(b[3], fb[3])] : fb;
  }
  return b;
}

/** Brings a district's communes into view and marks its row. */
function showDistrict(code: string): void {
  const b = communesBox(code);
  if (b) mapView.fitBox(b, 12);
  for (const tr of document.querySelectorAll<HTMLElement>("#districts tr[data-district]")) {
    const on = tr.dataset.district === code;
    tr.classList.toggle("current", on);
    if (on) tr.setAttribute("aria-current", "true");
    else tr.removeAttribute("aria-current");
  }
  // On a phone the map is above the summary.
  if (window.innerWidth <= 760) byId("map").scrollIntoView({ behavior: "smooth", block: "center" });
}

/** The map's button that shows the whole province again. */
class FitProvinceControl implements IControl {
  private el: HTMLElement | null = null;
  button: HTMLButtonElement | null = null;
  onAdd(): HTMLElement {
    this.button = h("button", { type: "button", class: "fit-province", id: "fit-province" });
    this.button.addEventListener("click", () => mapView.fitProvince());
    this.render();
    this.el = h("div", { class: "maplibregl-ctrl maplibregl-ctrl-group" }, this.button);
    return this.el;
  }
  onRemove(): void {
    this.el?.remove();
  }
  render(): void {
    if (!this.button) return;
    this.button.title = t("map.fitProvince");
    this.button.setAttribute("aria-label", t("map.fitProvince"));
    this.button.replaceChildren(h("span", { class: "fit-icon", "aria-hidden": "true" }));
  }
}
const fitControl = new FitProvinceControl();
mapView.map.addControl(fitControl, "top-right");

/** Shows a layer coloured by a breakdown ("all" for every provider together). */
async function showLayer(layer: LayerId, by: string, fromLink = false): Promise<void> {
  if (await tileModeP) by = "all";
  if (by !== "all") {
    // Keep the provider or technology if the layer has it.
    const b = await loadBreakdowns(layer).catch(() => null);
    const keys = new Set([...(b?.provider.breakdowns ?? []), ...(b?.technology.breakdowns ?? [])].map((x) => x.key));
    if (!keys.has(by)) {
      if (fromLink && b) linkNotice.add([{ key: "by", value: by, reason: "by" }]);
      by = "all";
    }
  }
  state.layer = layer;
  state.by = by;
  writeState(state);
  renderExports();
  if (changes) renderChanges(byId("changes"), changes, layer);
  for (const input of document.querySelectorAll<HTMLInputElement>("input[name=layer]")) input.checked = input.value === layer;
  renderLayerAbout();
  document.querySelectorAll("#summary tr[data-layer]").forEach((tr) => tr.classList.toggle("current", tr.getAttribute("data-layer") === layer));
  document.querySelectorAll("#card tr[data-layer]").forEach((tr) => tr.classList.toggle("current", tr.getAttribute("data-layer") === layer));
  const selectors = renderSelectors().catch(showError);
  // The uncovered people are the layer's: the overlay follows it.
  if (state.overlay) void people.update();
  // The gaps and what-if views follow the map's layer.
  if (state.tab === "gaps") void gaps.activate();
  if (state.tab === "whatif") whatif.render();
  try {
    if (tileMode) {
      const s = summary ?? (await summaryP);
      communes = null;
      th = thresholds(s.method);
      drawLegend();
      unitsPicker.showDrawn(s.units);
      await mapView.setTiles(layer, th, state.units);
      if (indicatorMap.shown) await indicatorMap.apply();
      renderMethod(s);
      if (state.tab === "whatif") whatif.activate();
      statusEl.hidden = true;
      if (card) renderCardNow();
      await selectors;
      return;
    }
    const asOf = state.asOf;
    const units = state.units;
    const fc = await loadCommunes(layer, by);
    if (layer !== state.layer || by !== state.by || asOf !== state.asOf || units !== state.units) return;
    const setChanged = communes?.units?.id !== fc.units?.id;
    communes = fc;
    unitsPicker.showDrawn(fc.units);
    // The card is of a unit of the set drawn: on another set, the unit of that code (if any) or none.
    if (setChanged && card && card.units?.id !== fc.units?.id) void selectCommune(fc.features.some((f) => f.properties.code === card?.code) ? card.code : null, false);
    // The gaps' district filter and column follow the set's parent level.
    if (setChanged && state.tab === "gaps") void gaps.activate();
    th = thresholds(fc.method);
    drawLegend();
    await mapView.setCommunes(fc, th);
    if (indicatorMap.shown) await indicatorMap.apply();
    decorate(fc);
    renderMethod(fc);
    if (state.tab === "whatif") whatif.activate();
    statusEl.hidden = true;
  } catch (e) {
    showError(e);
  }
  if (card) renderCardNow();
  await selectors;
}

/**
 * Says how the figures were computed, the date of their data (the latest
 * date a filing in force took effect) and when they were computed: the
 * two differ, and an official needs both.
 */
function renderMethod(fc: Pick<CommuneCollection, "method" | "computed_at" | "data_as_of">): void {
  const m = fc.method;
  const el = byId("method-line");
  const date = fc.data_as_of
    ? h("time", { class: "data-date", datetime: fc.data_as_of }, fmtDate(fc.data_as_of))
    : h("span", { class: "data-date" }, t("method.noData"));
  // Tiles are of now only (the date bar is off in tile mode).
  const seen = state.asOf && !tileMode ? [t("date.seen"), " ", h("time", { class: "view-date", datetime: state.asOf }, fmtDate(state.asOf)), " · "] : [];
  el.replaceChildren(
    ...seen,
    t("method.line", { name: m.name, cell: fmtInt(m.cell_size_m) }),
    " · ",
    t("method.dataAsOf"),
    " ",
    date,
    " · ",
    t("method.computedAt", { at: fmtDateTime(fc.computed_at) }),
  );
  el.title = Object.values(m.rules ?? {}).join("\n");
}

/** Shows the demonstration banner while demonstration filings are in force. */
function renderDemo(s: Pick<SummaryAll, "demo"> | null): void {
  const el = byId("demo-banner");
  el.hidden = !s?.demo;
  if (!s?.demo) return el.replaceChildren();
  const [before, after] = t("demo.remove", { command: "\u0000" }).split("\u0000");
  el.replaceChildren(h("strong", {}, t("demo.banner")), " ", before ?? "", h("code", {}, "phusong demo remove"), after ?? "");
}

// ---- the commune card

const cardEl = byId("card");

const historyCache = new Map<string, Promise<CommuneHistory | null>>();

/** GET /api/v1/communes/{code}/history, on the unit set of that id when given. */
function historyURL(code: string, units?: number): string {
  return `/api/v1/communes/${encodeURIComponent(code)}/history` + (units === undefined ? "" : `?units=${units}`);
}

function renderCardNow(): void {
  if (!card) return;
  const code = card.code;
  const c = card;
  renderCard(cardEl, c, info, state.layer, () => void selectCommune(null, false), {
    zoom: () => {
      const f = communes?.features.find((x) => x.properties.code === c.code);
      const box = f ? bboxOfGeometry(f.geometry) : null;
      if (box) mapView.fitBox(box, 12);
    },
    // The gaps of the commune's district; on the province's units, of every unit.
    gaps: tabShown("gaps") ? () => openGapsOf((c.parent_level ?? "district") === "district" ? (c.parent_code ?? c.district_code) : "") : undefined,
    whatif: tabShown("whatif") ? () => openWhatIfAt(c.code) : undefined,
    // The card's figures are today's (GET /api/v1/communes has no date): say so when the map shows another day.
    note: state.asOf ? t("card.todayNote", { date: fmtDate(state.asOf) }) : undefined,
  });
  // The history of the unit on the card's own set.
  const url = historyURL(code, c.units?.id);
  let hist = historyCache.get(url);
  if (!hist) {
    // An older service has no history: the slot stays hidden.
    hist = fetchJSON<CommuneHistory>(url).catch(() => null);
    historyCache.set(url, hist);
  }
  void hist.then((x) => {
    if (x && card?.code === code) renderHistory(cardEl, x, info, state.layer);
  });
}

/** Whether a tab is offered (the service has its endpoint). */
function tabShown(tab: Tab): boolean {
  return !document.getElementById(`tab-${tab}`)?.hidden;
}

/** Opens a tab from the page's own action (not its button) as a click on it does, then fits the map to box (or refits the province) if the panel widened. */
function openTab(tab: Tab, box: [number, number, number, number] | null): void {
  tabs.select(tab, false);
  state.tab = tab;
  // A new history entry, as a tab's button makes: Back returns to the previous tab.
  writeState(state, true);
  activateTab(tab);
  fitOnNarrow = box;
  refitIfNarrowed();
}

/** The card's "gaps": the gaps view filtered to the commune's district, the map on that district. */
function openGapsOf(district: string): void {
  state.district = district || null;
  openTab("gaps", district ? communesBox(district) : null);
}

/** The card's "what-if": the what-if view with the map centred on the commune. */
function openWhatIfAt(code: string): void {
  const f = communes?.features.find((x) => x.properties.code === code);
  openTab("whatif", f ? bboxOfGeometry(f.geometry) : null);
}

async function selectCommune(code: string | null, fly: boolean, fromLink = false): Promise<void> {
  // A link's commune that the map does not have is said, and no card is asked for.
  if (code && fromLink && communes && !communes.features.some((f) => f.properties.code === code)) {
    linkNotice.add([{ key: "commune", value: code, reason: "commune" }]);
    code = null;
  }
  state.commune = code;
  writeState(state);
  void mapView.select(code);
  drawLegend();
  search.setSelected(code);
  if (!code) {
    card = null;
    cardEl.hidden = true;
    cardEl.replaceChildren();
    return;
  }
  if (fly) {
    const f = communes?.features.find((x) => x.properties.code === code);
    if (f) mapView.showGeometry(f.geometry, 11);
  }
  cardEl.hidden = false;
  cardEl.setAttribute("aria-busy", "true");
  if (!card || card.code !== code) cardEl.replaceChildren(h("p", { class: "muted" }, t("card.loading")));
  try {
    // The card has no date: it is of the unit of the set the map draws (the link's, or the date's when there are several).
    const sets = await unitSetsP;
    const units = state.units ?? ((sets?.unit_sets.length ?? 0) > 1 ? communes?.units?.name : undefined);
    const c = await fetchJSON<CommuneCard>(figuresURL(`/api/v1/communes/${encodeURIComponent(code)}`, null, units ?? null));
    if (state.commune !== code) return;
    card = c;
    renderCardNow();
    cardEl.removeAttribute("aria-busy");
    if (fly) cardEl.focus({ preventScroll: window.innerWidth > 760 });
    // On a phone the card is below the map: bring its top into view.
    else if (window.innerWidth <= 760) cardEl.scrollIntoView({ behavior: "smooth", block: "nearest" });
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      if (fromLink) linkNotice.add([{ key: "commune", value: code, reason: "commune" }]);
      return void selectCommune(null, false);
    }
    showError(e);
  }
}

// ---- after a filing: every figure again

async function refreshAll(): Promise<void> {
  communeCache.clear();
  historyCache.clear();
  breakdownCache.clear();
  summary = await fetchJSON<SummaryAll>(summaryURL());
  renderDemo(summary);
  mapView.reloadTiles();
  void people.refresh();
  renderSummary(byId("summary"), summary, info, state.layer);
  void showChanges();
  renderLayerSwitcher();
  await showLayer(state.layer, state.by);
  if (state.commune) await selectCommune(state.commune, false);
  void targets.activate(true).then(() => state.tab !== "targets" || targets.render());
  if (state.tab === "gaps") void gaps.activate(true);
}

// ---- the change log

let changes: FigureChange[] | null = null;

async function showChanges(): Promise<void> {
  try {
    changes = await loadChanges();
    renderChanges(byId("changes"), changes, state.layer);
  } catch {
    // The log is a help, not a figure: the page works without it.
  }
}

// ---- language

function applyLang(l: Lang): void {
  setLang(l);
  translateDocument();
  for (const b of document.querySelectorAll<HTMLButtonElement>(".lang button")) b.setAttribute("aria-pressed", String(b.dataset.lang === l));
  renderLayerSwitcher();
  renderLayerAbout();
  people.renderControl();
  people.renderLegend();
  unitsPicker.render();
  provincePicker.render();
  renderScope();
  if (summary) renderSummary(byId("summary"), summary, info, state.layer);
  renderDemo(summary);
  if (changes) renderChanges(byId("changes"), changes, state.layer);
  if (indicatorMap.shown) indicatorMap.renderLegend();
  else drawLegend();
  mapView.setLocale(mapLocale());
  linkNotice.render();
  if (communes) {
    renderMethod(communes);
    renderCommuneSelect(communes);
    byId("map-note").textContent = communes.boundary_note ? t("note.approximate") : "";
  }
  renderCardNow();
  search.render();
  dateBar.render();
  fitControl.render();
  renderExports();
  void renderSelectors();
  upload.render();
  if (state.tab === "targets") targets.render();
  if (state.tab === "indicators") indicators.render();
  entry.render();
  if (state.tab === "gaps") gaps.render();
  if (state.tab === "whatif") whatif.render(true);
  statusEl.textContent = statusEl.classList.contains("error") ? statusEl.textContent : t("app.loading");
}

for (const b of document.querySelectorAll<HTMLButtonElement>(".lang button")) {
  b.addEventListener("click", () => applyLang(b.dataset.lang === "en" ? "en" : "vi"));
}

// ---- start

/** Hooks for the browser tests and for debugging: what is drawn, not only the DOM. */
declare global {
  interface Window {
    __phusong?: unknown;
  }
}
window.__phusong = {
  map: mapView.map,
  state: () => ({ ...state }),
  firstCommuneFrame: () => mapView.firstCommuneFrame,
  tileMode: () => tileMode,
  renderedCommunes: () => mapView.map.queryRenderedFeatures({ layers: [COMMUNE_FILL] }).map((f) => f.properties),
  renderedSquares: () => mapView.map.queryRenderedFeatures({ layers: [PEOPLE_FILL] }).map((f) => f.properties),
  pixelsAt: (lngLats: [number, number][]) => mapView.pixelsAt(lngLats),
  labelPoint: (code: string) => {
    const f = communes?.features.find((x) => x.properties.code === code);
    return f ? labelPoint(f) : null;
  },
  whatifSites: () => whatif.placed,
  /** The unit set of the communes drawn (the layer's answer's units) and how many features the answer had. */
  drawnUnits: () => (communes ? { units: communes.units ?? null, features: communes.features.length } : null),
  /** The codes of the communes source's features MapLibre holds (all of the loaded tiles, drawn or not). */
  sourceCommunes: () => [...new Set(mapView.map.querySourceFeatures("communes").map((f) => f.properties?.code as string))],
  /** The map's view and the province's box, [west, south, east, north]. */
  mapBounds: () => mapView.map.getBounds().toArray().flat(),
  provinceBounds: () => communesBox(null),
  districtBounds: (code: string) => communesBox(code),
  project: (lngLat: [number, number]) => {
    const p = mapView.map.project(lngLat);
    return [p.x, p.y];
  },
};

const linkNotice = new LinkNotice(byId("link-notice"));
// The link's date is said by the date bar (badLinkDate), not again here.
linkNotice.set(linkIgnored.filter((i) => i.key !== "as_of"));

// ---- the link edited in the address bar, or Back and Forward between tabs: applied without a reload

// The link as it was navigated to (the event's newURL), not location.hash when
// the handler runs: a view still being drawn may have rewritten the
// address (writeState) in between.
window.addEventListener("hashchange", (e) => void applyLink(new URL(e.newURL).hash));

async function applyLink(hash: string): Promise<void> {
  // An in-page anchor (the skip link's #main) is not a view: the view's link is put back.
  const anchor = decodeURIComponent(hash.slice(1));
  if (anchor && !anchor.includes("=") && document.getElementById(anchor)) return writeState(state);
  const ignored: Ignored[] = [];
  const next = parseState(hash, ignored);
  linkNotice.set(ignored);
  const before = { ...state };
  Object.assign(state, next);
  // A link without a view leaves the map where it is.
  if (!next.view) state.view = before.view;
  else if (JSON.stringify(next.view) !== JSON.stringify(before.view)) mapView.map.jumpTo({ center: [next.view.lon, next.view.lat], zoom: next.view.zoom });
  if (next.tab !== before.tab) {
    tabs.select(next.tab, false);
    state.tab = tabs.tab;
    activateTab(state.tab);
  }
  if (next.overlay !== before.overlay) {
    state.overlay = before.overlay;
    void people.set(next.overlay);
  }
  if (next.indicator !== before.indicator) {
    if (next.indicator) void indicatorMap.show(next.indicator, state.asOf);
    else indicatorMap.clear();
  }
  if (JSON.stringify(next.sites) !== JSON.stringify(before.sites)) whatif.fromState(hash);
  let dateChanged = next.asOf !== before.asOf;
  const datePr = next.asOf ? dateProblem(next.asOf) : null;
  if (dateChanged && datePr) {
    state.asOf = before.asOf;
    dateBar.showProblem(datePr);
    dateChanged = false;
  }
  let unitsChanged = next.units !== before.units;
  if (unitsChanged && next.units !== null && unitsPicker.find(next.units) === null) {
    linkNotice.add([{ key: "units", value: next.units, reason: "units" }]);
    state.units = before.units;
    unitsChanged = false;
  }
  unitsPicker.set(state.units);
  // A link's unknown province is said, and the page shows the whole country.
  if (next.province !== null && provincePicker.find(next.province) === null) {
    linkNotice.add([{ key: "province", value: next.province, reason: "province" }]);
    state.province = null;
  }
  const provinceChanged = state.province !== before.province;
  // Without a view of its own the link opens on the province.
  if (provinceChanged) showProvince(state.province, !next.view);
  // A new date, set or province redraws the summary and the layer (the link's layer, if it changed too).
  if (dateChanged || unitsChanged) await applyDate(state.asOf);
  else if (provinceChanged) await refigure();
  else if (next.layer !== before.layer || next.by !== before.by) await showLayer(next.layer, next.by, true);
  else if (state.tab === "gaps" && (next.district !== before.district || next.remote !== before.remote || next.sort !== before.sort)) void gaps.activate(true);
  if (next.commune !== before.commune) await selectCommune(next.commune, next.commune !== null, true);
  writeState(state);
}

applyLang(lang());
tabs.select(state.tab, false);
if (state.tab === "upload") upload.activate();
mapWidth = byId("map").clientWidth;
window.addEventListener("resize", () => (mapWidth = byId("map").clientWidth));
if (badLinkDate !== null) dateBar.showProblem(dateProblem(badLinkDate) ?? t("date.invalid", { date: badLinkDate }));
void tileModeP.then((tiles) => tiles && dateBar.disable(t("date.tiles")));

try {
  const [i, s] = await Promise.all([infoP, summaryP]);
  info = i;
  summary = s;
  renderDemo(s);
  renderLayerSwitcher();
  renderSummary(byId("summary"), s, info, state.layer);
  void showChanges();
} catch (e) {
  showError(e);
}
await firstCommunes.catch(() => undefined);
await showLayer(isLayer(state.layer) ? state.layer : "mobile", state.by, true);
if (state.commune) void selectCommune(state.commune, false, true);
if (state.indicator) void indicatorMap.show(state.indicator, state.asOf);
void tabs.probeFuture().then(() => {
  const before = state.tab;
  tabs.select(state.tab, false);
  state.tab = tabs.tab;
  writeState(state);
  // The card's gaps and what-if actions, now that their tabs are known.
  renderCardNow();
  // A linked view stays as the link has it; otherwise a wider panel refits the province.
  if (linkedView) {
    mapWidth = byId("map").clientWidth;
    mapView.map.resize();
  } else refitIfNarrowed();
  if (before === state.tab && state.tab !== "map" && state.tab !== "upload") activateTab(state.tab);
});
