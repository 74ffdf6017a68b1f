// The map: MapLibre GL JS drawing the communes as a choropleth, with
// district and province outlines, hover and selection, the names of the
// communes, the squares of where people live (or of those not covered),
// and the features of an upload. By default the style has no
// source but the service's own GeoJSON and no glyphs or sprites, so the map
// makes no request to any other host; a basemap style, when the service is
// configured with one, is drawn underneath.
import "maplibre-gl/dist/maplibre-gl.css";
import workerUrl from "maplibre-gl/dist/maplibre-gl-worker.mjs?url";
import {
  Map as MapLibreMap,
  Marker,
  NavigationControl,
  Popup,
  ScaleControl,
  prewarm,
  setWorkerUrl,
  type ExpressionSpecification,
  type FilterSpecification,
  type GeoJSONSource,
  type LayerSpecification,
  type LngLatBoundsLike,
  type MapLayerMouseEvent,
  type StyleSpecification,
  type VectorTileSource,
} from "maplibre-gl";
import type { FeatureCollection, Geometry, MultiLineString, Position } from "geojson";
import type { CommuneCollection, CommuneProps, LayerId, PeopleFeatureCollection, PeopleSquare } from "./api";
import { raiseBasemapLabels } from "./basemap";
import { CommuneLabels } from "./labels";
import { fillColour, type Thresholds } from "./scale";
import type { View } from "./state";

setWorkerUrl(workerUrl);
// Start the worker (it loads its own 0.5 MB module) while the page fetches
// its figures, not after the map is made.
prewarm();

/** The background of the map without a basemap: a quiet grey-blue, lighter than every class colour. */
const BACKGROUND = "#e8ecf0";

export const COMMUNE_FILL = "commune-fill";
export const PEOPLE_FILL = "people-fill";
export const GAPS_LINE = "gaps-line";
export const WHATIF_CHANGED = "whatif-changed";
export const WHATIF_LINE = "whatif-line";

/** A filter (or case condition) true for the communes whose code is in codes. */
function codesFilter(codes: string[]): ExpressionSpecification {
  return ["in", ["get", "code"], ["literal", codes]];
}

/** A circle of radius metres about a point, as a 64-sided polygon in EPSG:4326. */
export function circle(lon: number, lat: number, radius: number): Position[][] {
  const dLat = radius / 110574;
  const dLon = radius / (111320 * Math.cos((lat * Math.PI) / 180));
  const ring: Position[] = [];
  for (let i = 0; i <= 64; i++) {
    const a = (i / 64) * 2 * Math.PI;
    ring.push([lon + dLon * Math.cos(a), lat + dLat * Math.sin(a)]);
  }
  return [ring];
}

const EMPTY: FeatureCollection = { type: "FeatureCollection", features: [] };

export interface MapViewOptions {
  container: HTMLElement;
  labelLayer: HTMLElement;
  tooltip: HTMLElement;
  basemap: StyleSpecification | null;
  view: View | null;
  /** Called with the commune clicked on the map. */
  onSelect: (code: string) => void;
  /** Called when the user has moved the map. */
  onViewChange: (view: View) => void;
  /** The tooltip's text of a commune under the pointer. */
  describe: (p: CommuneProps) => [string, string];
  /** The popup's content for a square of the people overlay clicked on the map. */
  describeSquare: (p: PeopleSquare) => HTMLElement;
  /** MapLibre's own texts in the page's language (i18n.ts mapLocale). */
  locale?: Record<string, string>;
}

/** How the people overlay draws its squares: which property, coloured how, and which squares at all. */
export interface PeoplePaint {
  property: "people" | "uncovered";
  /** A MapLibre colour expression of the property. */
  colour: ExpressionSpecification;
  /** Squares drawn: those whose property is at least this. */
  min: number;
}

export class MapView {
  readonly map: MapLibreMap;
  readonly ready: Promise<void>;
  readonly labels: CommuneLabels;
  /** Milliseconds from navigation to the first frame with commune polygons (performance.now()), once drawn. */
  firstCommuneFrame: number | null = null;
  private drawnNow: () => void = () => undefined;
  /** Resolved at the first frame with commune polygons (work that can wait goes after it). */
  readonly drawn = new Promise<void>((resolve) => (this.drawnNow = resolve));
  private hovered: string | null = null;
  private selected: string | null = null;
  private fitted = false;
  private bounds: [number, number, number, number] | null = null;
  /** The province chosen's extent (setFocus), fitted instead of bounds. */
  private focus: [number, number, number, number] | null = null;
  /** In tile mode, the unit set (?units=) of the tiles, or null for the set in force today. */
  private tileUnits: string | null = null;
  /** In tile mode, the coverage layer whose tiles the communes source shows (also its source layer); null with GeoJSON. */
  private tileLayer: LayerId | null = null;

  constructor(private readonly opt: MapViewOptions) {
    const style: StyleSpecification = opt.basemap ?? {
      version: 8,
      sources: {},
      layers: [{ id: "background", type: "background", paint: { "background-color": BACKGROUND } }],
    };
    this.map = new MapLibreMap({
      container: opt.container,
      style,
      center: opt.view ? [opt.view.lon, opt.view.lat] : [105.3, 20.7],
      zoom: opt.view ? opt.view.zoom : 8,
      minZoom: 5,
      maxZoom: 16,
      dragRotate: false,
      pitchWithRotate: false,
      touchPitch: false,
      attributionControl: opt.basemap ? { compact: true } : false,
      fadeDuration: 0,
      locale: opt.locale,
    });
    this.fitted = opt.view !== null;
    this.userMoved = opt.view !== null;
    this.map.touchZoomRotate.disableRotation();
    this.map.keyboard.disableRotation();
    this.map.addControl(new NavigationControl({ showCompass: false }), "top-right");
    this.map.addControl(this.scale, "bottom-right");
    this.labels = new CommuneLabels(this.map, opt.labelLayer);
    // Sources and layers go in as soon as the style is parsed, not at "load"
    // (after the first, empty frame), so the worker tiles the communes while
    // WebGL starts up.
    this.ready = new Promise((resolve) => {
      const go = () => {
        performance.mark("phusong:style-load");
        resolve();
      };
      if (this.map.isStyleLoaded()) go();
      else this.map.once("style.load", go);
    });
    this.ready.then(() => this.addLayers());
    this.map.on("moveend", (e) => {
      // The view goes into the URL once the user has moved the map; until
      // then a link fits the province to whatever screen opens it.
      if ((e as { originalEvent?: Event }).originalEvent) this.userMoved = true;
      if (!this.userMoved) return;
      const c = this.map.getCenter();
      opt.onViewChange({ zoom: this.map.getZoom(), lat: c.lat, lon: c.lng });
    });
  }

  private userMoved = false;
  private readonly scale = new ScaleControl({ unit: "metric" });

  /**
   * Puts MapLibre's own texts in another language: the table its controls
   * read, and the texts already on the page (the zoom buttons' titles, the
   * canvas's label, the scale).
   */
  setLocale(locale: Record<string, string>): void {
    Object.assign((this.map as unknown as { _locale: Record<string, string> })._locale, locale);
    const c = this.map.getContainer();
    const label = (selector: string, key: string) =>
      c.querySelectorAll(selector).forEach((el) => {
        el.setAttribute("title", locale[key]);
        el.setAttribute("aria-label", locale[key]);
      });
    label(".maplibregl-ctrl-zoom-in", "NavigationControl.ZoomIn");
    label(".maplibregl-ctrl-zoom-out", "NavigationControl.ZoomOut");
    label(".maplibregl-ctrl-compass", "NavigationControl.ResetBearing");
    label(".maplibregl-ctrl-attrib-button", "AttributionControl.ToggleAttribution");
    label(".maplibregl-popup-close-button", "Popup.Close");
    this.map.getCanvas().setAttribute("aria-label", locale["Map.Title"]);
    this.scale.setUnit("metric");
  }
  private popup: Popup | null = null;
  /** Whether the people overlay is drawn (clicks then show a square, and the choropleth steps back). */
  private peopleShown = false;

  /** The choropleth's opacity: lighter over a basemap, and lighter still under the people overlay, so that its squares read. */
  private fillOpacity(): number {
    if (this.peopleShown) return 0.3;
    return this.opt.basemap ? 0.72 : 0.92;
  }

  private addLayers(): void {
    const m = this.map;
    const opacity = this.fillOpacity();
    // In tile mode setTiles replaces this source by the layer's vector tiles.
    m.addSource("communes", { type: "geojson", data: EMPTY, promoteId: "code" });
    m.addSource("outlines", { type: "geojson", data: EMPTY });
    m.addSource("upload", { type: "geojson", data: EMPTY });
    m.addSource("whatif", { type: "geojson", data: EMPTY });
    m.addSource("people", { type: "geojson", data: EMPTY });
    m.addLayer({ id: COMMUNE_FILL, type: "fill", source: "communes", paint: { "fill-color": "#ccc", "fill-opacity": opacity } });
    // The squares go over the choropleth and under every outline, so that
    // the communes and districts stay readable through them.
    m.addLayer({
      id: PEOPLE_FILL,
      type: "fill",
      source: "people",
      layout: { visibility: "none" },
      paint: { "fill-color": "#ccc", "fill-opacity": 0.78, "fill-outline-color": "rgba(255, 255, 255, 0.25)" },
    });
    m.addLayer({
      id: "commune-line",
      type: "line",
      source: "communes",
      paint: { "line-color": "#ffffff", "line-opacity": 0.75, "line-width": ["interpolate", ["linear"], ["zoom"], 7, 0.3, 11, 1.2] },
    });
    m.addLayer({
      id: "district-line",
      type: "line",
      source: "outlines",
      filter: ["==", ["get", "kind"], "district"],
      layout: { "line-join": "round" },
      paint: { "line-color": "#26323f", "line-opacity": 0.85, "line-width": ["interpolate", ["linear"], ["zoom"], 7, 0.9, 11, 2.2] },
    });
    m.addLayer({
      id: "province-line",
      type: "line",
      source: "outlines",
      filter: ["==", ["get", "kind"], "province"],
      layout: { "line-join": "round" },
      paint: { "line-color": "#0e1a26", "line-width": ["interpolate", ["linear"], ["zoom"], 7, 2, 11, 3.5] },
    });
    // The gaps view's communes (orange; those of the smallest plan thicker)
    // and the what-if tool's changed communes (purple) and circles.
    m.addLayer({
      id: GAPS_LINE,
      type: "line",
      source: "communes",
      filter: codesFilter([]),
      layout: { "line-join": "round" },
      paint: { "line-color": "#d9480f", "line-width": ["case", codesFilter([]), 3.5, 1.6] },
    });
    m.addLayer({
      id: WHATIF_CHANGED,
      type: "line",
      source: "communes",
      filter: codesFilter([]),
      layout: { "line-join": "round" },
      paint: { "line-color": "#862e9c", "line-width": 2.5 },
    });
    m.addLayer({ id: "whatif-fill", type: "fill", source: "whatif", paint: { "fill-color": "#0b3d5c", "fill-opacity": 0.16 } });
    m.addLayer({ id: WHATIF_LINE, type: "line", source: "whatif", paint: { "line-color": "#0b3d5c", "line-width": 2, "line-dasharray": [3, 2] } });
    const selected: ExpressionSpecification = ["boolean", ["feature-state", "selected"], false];
    const hovered: ExpressionSpecification = ["boolean", ["feature-state", "hover"], false];
    m.addLayer({
      id: "commune-hover",
      type: "line",
      source: "communes",
      // Hidden until first needed (hover, select): drawn with opacity 0 over every
      // commune, these three layers were software WebGL's work on every frame.
      layout: { visibility: "none" },
      paint: { "line-color": "#0e1a26", "line-width": 2.5, "line-opacity": ["case", hovered, 1, 0] },
    });
    m.addLayer({
      id: "commune-selected-casing",
      type: "line",
      source: "communes",
      layout: { "line-join": "round", visibility: "none" },
      paint: { "line-color": "#ffffff", "line-width": 6, "line-opacity": ["case", selected, 1, 0] },
    });
    m.addLayer({
      id: "commune-selected",
      type: "line",
      source: "communes",
      layout: { "line-join": "round", visibility: "none" },
      paint: { "line-color": "#0e1a26", "line-width": 3, "line-opacity": ["case", selected, 1, 0] },
    });
    const problem: ExpressionSpecification = ["boolean", ["get", "problem"], false];
    m.addLayer({
      id: "upload-fill",
      type: "fill",
      source: "upload",
      // Only the features with problems are filled: a large file's hundreds of overlapping
      // translucent footprints made every frame slow where WebGL runs in software.
      filter: problem,
      paint: { "fill-color": "#c2255c", "fill-opacity": 0.35 },
    });
    m.addLayer({
      id: "upload-line",
      type: "line",
      source: "upload",
      layout: { "line-sort-key": ["case", problem, 1, 0] },
      paint: {
        "line-color": ["case", problem, "#c2255c", "#0b3d5c"],
        "line-width": ["case", problem, 3.5, 1.2],
        "line-dasharray": [2, 1.5],
      },
    });
    raiseBasemapLabels(m);

    m.on("mousemove", COMMUNE_FILL, (e) => this.hover(e));
    m.on("mouseleave", COMMUNE_FILL, () => this.hover(null));
    m.on("click", (e) => {
      // A click on a site's marker, or the one a drag of it ends with, places nothing.
      const target = e.originalEvent.target;
      if (target instanceof Element && target.closest(".whatif-marker")) return;
      if (performance.now() - this.markerDraggedAt < 400) return;
      this.placing?.([e.lngLat.lng, e.lngLat.lat]);
    });
    m.on("click", COMMUNE_FILL, (e) => {
      if (this.placing || performance.now() - this.markerDraggedAt < 400) return;
      // Over the people overlay a click shows the square (whose popup opens the commune's card).
      if (this.peopleShown && m.queryRenderedFeatures(e.point, { layers: [PEOPLE_FILL] }).length > 0) return;
      const code = e.features?.[0]?.properties?.code;
      if (typeof code === "string") this.opt.onSelect(code);
    });
    m.on("click", PEOPLE_FILL, (e) => {
      const p = e.features?.[0]?.properties as PeopleSquare | undefined;
      if (this.placing || !p) return;
      this.popup?.remove();
      this.popup = new Popup({ closeButton: true, maxWidth: "280px", className: "square-popup" }).setLngLat(e.lngLat).setDOMContent(this.opt.describeSquare(p)).addTo(m);
    });
  }

  /**
   * Draws the people overlay's squares (fc null or paint null: none) over
   * the choropleth, which steps back while they are shown.
   */
  async setPeople(fc: PeopleFeatureCollection | null, paint: PeoplePaint | null): Promise<void> {
    await this.ready;
    const m = this.map;
    const on = fc !== null && paint !== null;
    this.popup?.remove();
    this.popup = null;
    if (on) {
      (m.getSource("people") as GeoJSONSource).setData(fc);
      m.setPaintProperty(PEOPLE_FILL, "fill-color", paint.colour);
      m.setFilter(PEOPLE_FILL, [">=", ["get", paint.property], paint.min] as FilterSpecification);
    }
    m.setLayoutProperty(PEOPLE_FILL, "visibility", on ? "visible" : "none");
    this.peopleShown = on;
    m.setPaintProperty(COMMUNE_FILL, "fill-opacity", this.fillOpacity());
  }

  /** Fits the map to a box (west, south, east, north), as close as maxZoom. */
  fitBox(b: [number, number, number, number], maxZoom = 12): void {
    this.map.fitBounds(
      [
        [b[0], b[1]],
        [b[2], b[3]],
      ],
      { padding: fitPadding(this.opt.container), maxZoom },
    );
  }

  /** The communes source as setFeatureState names it: with its source layer in tile mode. */
  private communesRef(): { source: string; sourceLayer?: string } {
    return this.tileLayer ? { source: "communes", sourceLayer: this.tileLayer } : { source: "communes" };
  }

  /**
   * Tile mode, for a large commune set: shows a layer's vector tiles instead
   * of one GeoJSON document, coloured by the thresholds. The tiles' layer is
   * named after the coverage layer, so a switch re-adds the source and the
   * layers drawn from it, in their places and with their filters (the gaps'
   * and what-if outlines filter by code, which every tile carries).
   */
  async setTiles(layer: LayerId, th: Thresholds, units: string | null = null): Promise<void> {
    await this.ready;
    const m = this.map;
    this.th = th;
    m.setPaintProperty(COMMUNE_FILL, "fill-color", fillColour(th) as ExpressionSpecification);
    if (this.tileLayer === layer && this.tileUnits === units) return;
    this.tileUnits = units;
    this.hovered = null;
    const order = m.getStyle().layers;
    const mine = order.map((l, i) => ({ l, next: order[i + 1]?.id })).filter((x) => "source" in x.l && x.l.source === "communes");
    for (const { l } of mine) m.removeLayer(l.id);
    m.removeSource("communes");
    m.addSource("communes", {
      type: "vector",
      tiles: [this.tileURL(layer)],
      minzoom: 0,
      maxzoom: 16,
      promoteId: { [layer]: "code" },
    });
    // Last first, so that each layer's successor is back before it.
    for (const { l, next } of mine.reverse()) m.addLayer({ ...l, "source-layer": layer } as LayerSpecification, next);
    this.tileLayer = layer;
    performance.mark("phusong:set-data");
    if (!this.fitted) {
      this.fitted = true;
      try {
        const tj = (await (await fetch(`/tiles/${layer}.json${this.unitsQuery()}`)).json()) as { bounds?: [number, number, number, number] };
        if (tj.bounds) this.bounds = tj.bounds;
      } catch {
        // Without the extent the map stays where it is.
      }
      this.fitProvince(false);
    }
    if (this.firstCommuneFrame === null) this.watchFirstFrame();
    if (this.selected) m.setFeatureState({ ...this.communesRef(), id: this.selected }, { selected: true });
  }

  /** Tile mode: fetches the tiles again (new figures after a filing). */
  reloadTiles(): void {
    const src = this.tileLayer ? (this.map.getSource("communes") as VectorTileSource | undefined) : undefined;
    if (this.tileLayer) src?.setTiles([this.tileURL(this.tileLayer)]);
  }

  /** ?units= of the tiles' unit set, or "" for the set in force today. */
  private unitsQuery(): string {
    return this.tileUnits ? `?units=${encodeURIComponent(this.tileUnits)}` : "";
  }

  /** The URL template of a layer's vector tiles on the tiles' unit set. */
  private tileURL(layer: LayerId): string {
    return `${location.origin}/tiles/${layer}/{z}/{x}/{y}.mvt${this.unitsQuery()}`;
  }

  /** Shows a layer that starts hidden (once: it then stays). */
  private reveal(layer: string): void {
    if (this.map.getLayer(layer) && this.map.getLayoutProperty(layer, "visibility") === "none") this.map.setLayoutProperty(layer, "visibility", "visible");
  }

  private hover(e: MapLayerMouseEvent | null): void {
    const f = e?.features?.[0];
    const code = typeof f?.properties?.code === "string" ? (f.properties.code as string) : null;
    if (code !== this.hovered) {
      if (code) this.reveal("commune-hover");
      if (this.hovered) this.map.setFeatureState({ ...this.communesRef(), id: this.hovered }, { hover: false });
      if (code) this.map.setFeatureState({ ...this.communesRef(), id: code }, { hover: true });
      this.hovered = code;
    }
    this.map.getCanvas().style.cursor = this.placing ? "crosshair" : code ? "pointer" : "";
    const tip = this.opt.tooltip;
    if (!e || !f || !code) {
      tip.hidden = true;
      return;
    }
    // The what-if tool's after-figures, where it set them, as the fill draws them.
    const after = f.state?.whatif_share;
    const props = (typeof after === "number" ? { ...f.properties, share_covered: after, status: f.state.whatif_status } : f.properties) as CommuneProps;
    const [title, detail] = this.opt.describe(props);
    tip.replaceChildren(Object.assign(document.createElement("strong"), { textContent: title }), document.createElement("br"), detail);
    tip.hidden = false;
    const { width, height } = this.opt.container.getBoundingClientRect();
    const x = Math.min(e.point.x + 14, width - tip.offsetWidth - 4);
    const y = e.point.y + 14 + tip.offsetHeight > height ? e.point.y - tip.offsetHeight - 10 : e.point.y + 14;
    tip.style.transform = `translate(${Math.max(4, x)}px, ${Math.max(4, y)}px)`;
  }

  /**
   * Colours the communes by another measure than the layer's coverage (an
   * indicator's values per commune), or, with null, by the layer's classes
   * again. The override holds until the next setCommunes or setTiles.
   */
  async setFill(colour: ExpressionSpecification | string | null): Promise<void> {
    await this.ready;
    const c = colour ?? (this.th ? (fillColour(this.th) as ExpressionSpecification) : null);
    if (c) this.map.setPaintProperty(COMMUNE_FILL, "fill-color", c);
  }

  /** The classes the layer is drawn with, for setFill(null). */
  private th: Thresholds | null = null;

  /** Draws a layer's communes coloured by the thresholds; the first call also fits the map to them. */
  async setCommunes(fc: CommuneCollection, th: Thresholds): Promise<void> {
    await this.ready;
    this.th = th;
    this.map.setPaintProperty(COMMUNE_FILL, "fill-color", fillColour(th) as ExpressionSpecification);
    (this.map.getSource("communes") as GeoJSONSource).setData(fc);
    performance.mark("phusong:set-data");
    const before = this.bounds;
    this.bounds = bboxOf(fc);
    if (!this.fitted && this.bounds) {
      this.fitted = true;
      this.fitProvince(false);
    } else if (before && this.bounds && !boxWithin(this.bounds, before)) {
      // Another unit set reaching beyond the last one's extent (a province's
      // units against one part of it): its whole territory is shown.
      this.fitProvince(false);
    }
    if (this.firstCommuneFrame === null) this.watchFirstFrame();
    this.map.once("sourcedata", () => performance.mark("phusong:sourcedata"));
    if (this.selected) this.map.setFeatureState({ ...this.communesRef(), id: this.selected }, { selected: true });
  }

  private watchFirstFrame(): void {
    const check = () => {
      if (this.map.queryRenderedFeatures({ layers: [COMMUNE_FILL] }).length > 0) {
        this.firstCommuneFrame = performance.now();
        this.drawnNow();
        this.map.off("render", check);
        document.documentElement.dataset.mapDrawn = "true";
      }
    };
    this.map.on("render", check);
  }

  /**
   * The extent the map shows as "the whole": a province chosen in a
   * national store (its bbox), or null for every commune drawn. With fit the
   * map goes there now; the first drawing and the map's fit button go there
   * in any case.
   */
  setFocus(box: [number, number, number, number] | null, fit: boolean): void {
    this.focus = box;
    if (fit) this.fitProvince();
  }

  /** Fits the map to the focus (setFocus), else to the communes. */
  fitProvince(animate = true): void {
    const box = this.focus ?? this.bounds;
    if (!box) return;
    const [x0, y0, x1, y1] = box;
    this.map.fitBounds(
      [
        [x0, y0],
        [x1, y1],
      ],
      { padding: fitPadding(this.opt.container), animate },
    );
  }

  async setOutlines(fc: FeatureCollection<MultiLineString>): Promise<void> {
    await this.ready;
    (this.map.getSource("outlines") as GeoJSONSource).setData(fc);
  }

  /** Marks a commune as selected (or none). */
  async select(code: string | null): Promise<void> {
    await this.ready;
    if (this.selected) this.map.setFeatureState({ ...this.communesRef(), id: this.selected }, { selected: false });
    this.selected = code;
    if (code) {
      this.reveal("commune-selected-casing");
      this.reveal("commune-selected");
      this.map.setFeatureState({ ...this.communesRef(), id: code }, { selected: true });
    }
    this.labels.select(code);
  }

  /** Brings a geometry into view unless it is well inside it already. */
  showGeometry(g: Geometry | null, maxZoom = 11): void {
    const b = g ? bboxOfGeometry(g) : null;
    if (!b) return;
    const view = this.map.getBounds();
    const inside = view.getWest() <= b[0] && view.getEast() >= b[2] && view.getSouth() <= b[1] && view.getNorth() >= b[3];
    if (inside && this.map.getZoom() >= 9) return;
    this.map.fitBounds(b as LngLatBoundsLike, { padding: fitPadding(this.opt.container), maxZoom });
  }

  /** Fits the map to a geometry at once (no animation), whatever the view. */
  fitGeometry(g: Geometry, maxZoom = 12): void {
    const b = bboxOfGeometry(g);
    if (b) this.map.fitBounds(b as LngLatBoundsLike, { padding: fitPadding(this.opt.container), maxZoom, animate: false });
  }

  /** Outlines the gaps view's communes, those of the plan thicker; [] clears. */
  async setGaps(codes: string[], plan: string[]): Promise<void> {
    await this.ready;
    this.map.setFilter(GAPS_LINE, codesFilter(codes));
    this.map.setPaintProperty(GAPS_LINE, "line-width", ["case", codesFilter(plan), 3.5, 1.6]);
  }

  /** Draws the what-if sites (circles) and outlines the communes they change. */
  async setWhatIf(sites: FeatureCollection, changed: string[]): Promise<void> {
    await this.ready;
    (this.map.getSource("whatif") as GeoJSONSource).setData(sites);
    this.map.setFilter(WHATIF_CHANGED, codesFilter(changed));
  }

  /**
   * Recolours communes with the what-if tool's figures after its sites (a
   * share and status per commune code, as feature states that the fill's
   * colour expression prefers to the source's figures); [] restores them.
   */
  async setWhatIfFigures(after: { code: string; share: number; status: string }[]): Promise<void> {
    await this.ready;
    const ref = this.communesRef();
    // States set on an earlier source (another tile layer) went with it.
    if (this.whatIfFor === this.tileLayer) {
      for (const code of this.whatIfCodes) {
        this.map.removeFeatureState({ ...ref, id: code }, "whatif_share");
        this.map.removeFeatureState({ ...ref, id: code }, "whatif_status");
      }
    }
    for (const c of after) this.map.setFeatureState({ ...ref, id: c.code }, { whatif_share: c.share, whatif_status: c.status });
    this.whatIfCodes = after.map((c) => c.code);
    this.whatIfFor = this.tileLayer;
  }

  private whatIfCodes: string[] = [];
  private whatIfFor: LayerId | null = null;

  /**
   * Puts a draggable marker on each what-if site (the keyboard moves a
   * focused one with the arrow keys); moved(i, lngLat) is called when a drag
   * ends. label(i) names a marker for screen readers.
   */
  setSiteMarkers(sites: [number, number][], label: (i: number) => string, moved: (i: number, lngLat: [number, number]) => void): void {
    // The same number of sites: the pins move (one with the focus keeps it).
    if (sites.length === this.markers.length) {
      this.markers.forEach((mk, i) => {
        mk.setLngLat(sites[i]);
        mk.getElement().setAttribute("aria-label", label(i));
        mk.getElement().title = label(i);
      });
      return;
    }
    for (const mk of this.markers) mk.remove();
    this.markers = sites.map((ll, i) => {
      const mk = new Marker({ draggable: true, color: "#0b3d5c", className: "whatif-marker" }).setLngLat(ll).addTo(this.map);
      const el = mk.getElement();
      el.setAttribute("aria-label", label(i));
      el.title = label(i);
      el.dataset.site = String(i);
      mk.on("dragend", () => {
        this.markerDraggedAt = performance.now();
        const p = mk.getLngLat();
        moved(i, [p.lng, p.lat]);
      });
      return mk;
    });
  }

  private markers: Marker[] = [];
  /** When a marker's drag last ended (performance.now()): the click that ends it places nothing. */
  private markerDraggedAt = -Infinity;

  /** While set, a click on the map calls place with its position instead of selecting a commune. */
  setPlacing(place: ((lngLat: [number, number]) => void) | null): void {
    this.placing = place;
    this.map.getCanvas().style.cursor = place ? "crosshair" : "";
  }

  private placing: ((lngLat: [number, number]) => void) | null = null;

  /** Draws the features of an uploaded file; properties.problem marks those with problems. */
  async setUpload(fc: FeatureCollection | null): Promise<void> {
    await this.ready;
    (this.map.getSource("upload") as GeoJSONSource).setData(fc ?? EMPTY);
  }

  /**
   * The colours of the canvas at points on the map (for the browser tests,
   * which check what is drawn, not only the DOM): read in the next frame,
   * while its drawing buffer is still there.
   */
  pixelsAt(lngLats: [number, number][]): Promise<[number, number, number][]> {
    return new Promise((resolve) => {
      this.map.once("render", () => {
        const canvas = this.map.getCanvas();
        const gl = (canvas.getContext("webgl2") ?? canvas.getContext("webgl")) as WebGLRenderingContext | null;
        if (!gl) return resolve([]);
        const ratio = canvas.width / canvas.clientWidth;
        resolve(
          lngLats.map((ll) => {
            const p = this.map.project(ll);
            const px = new Uint8Array(4);
            gl.readPixels(Math.round(p.x * ratio), Math.round(canvas.height - p.y * ratio), 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px);
            return [px[0], px[1], px[2]];
          }),
        );
      });
      this.map.triggerRepaint();
    });
  }
}

function fitPadding(container: HTMLElement): number {
  return container.clientWidth < 500 ? 12 : 36;
}

function bboxOf(fc: FeatureCollection): [number, number, number, number] | null {
  let b: [number, number, number, number] | null = null;
  for (const f of fc.features) {
    const fb = f.geometry ? bboxOfGeometry(f.geometry) : null;
    if (!fb) continue;
    b = b ? [Math.min(b[0], fb[0]), Math.min(b[1], fb[1]), Math.max(b[2], fb[2]), Math.max(b[3], fb[3])] : fb;
  }
  return b;
}

/** The bounding box of a geometry's finite positions, or null. */
export function bboxOfGeometry(g: Geometry): [number, number, number, number] | null {
  let b: [number, number, number, number] | null = null;
  const visit = (c: unknown): void => {
    if (!Array.isArray(c)) return;
    if (c.length >= 2 && typeof c[0] === "number" && typeof c[1] === "number") {
      const [x, y] = c as Position;
      if (!Number.isFinite(x) || !Number.isFinite(y) || Math.abs(x) > 180 || Math.abs(y) > 90) return;
      b = b ? [Math.min(b[0], x), Math.min(b[1], y), Math.max(b[2], x), Math.max(b[3], y)] : [x, y, x, y];
      return;
    }
    for (const x of c) visit(x);
  };
  if (g.type === "GeometryCollection") g.geometries.forEach((x) => visit("coordinates" in x ? x.coordinates : null));
  else visit(g.coordinates);
  return b;
}

/** Whether box a [west, south, east, north] lies within box b, to about a metre. */
function boxWithin(a: [number, number, number, number], b: [number, number, number, number]): boolean {
  const eps = 1e-5;
  return a[0] >= b[0] - eps && a[1] >= b[1] - eps && a[2] <= b[2] + eps && a[3] <= b[3] + eps;
}
