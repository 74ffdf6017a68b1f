// Where people live, on the map: the squares of about 1 km of
// GET /api/v1/layers/{layer}/people drawn over the choropleth, coloured by
// the census people placed in each ("people") or by those of them the map's
// layer does not cover ("uncovered"), with a legend whose caption gives the
// total and the rule that placed the people. The figures are the service's;
// the page sums and formats them only.
import type { ExpressionSpecification } from "maplibre-gl";
import { fetchJSON, type LayerId, type LayerInfo, type PeopleFeatureCollection, type PeopleSquare } from "./api";
import { layerTitle } from "./card";
import { h, replace } from "./dom";
import { fmtInt, t, type Key } from "./i18n";
import type { MapView, PeoplePaint } from "./map";
import type { Overlay, State } from "./state";

/**
 * The classes of an overlay: the lower bounds of five steps (people per
 * square of about 1 km², so per km²) and their colours, light to dark. The
 * bounds are fixed, not quantiles, so that a colour means the same number
 * on every layer and after every filing. People are pink to purple, people
 * not covered orange to dark red: both sequential by lightness (readable in
 * greyscale and with colour-blindness), and neither a hue of the
 * choropleth's viridis scale underneath.
 */
export const CLASSES: Record<Overlay, { property: "people" | "uncovered"; from: number[]; colours: string[]; title: Key }> = {
  people: { property: "people", from: [1, 50, 150, 400, 1000], colours: ["#fcc5c0", "#fa9fb5", "#f768a1", "#c51b8a", "#7a0177"], title: "people.titlePeople" },
  uncovered: { property: "uncovered", from: [1, 10, 30, 100, 250], colours: ["#fdbb84", "#fc8d59", "#ef6548", "#d7301f", "#990000"], title: "people.titleUncovered" },
};

/** The MapLibre expression of a square's class colour, and the squares drawn (those with at least one person of the kind). */
export function peoplePaint(overlay: Overlay): PeoplePaint {
  const c = CLASSES[overlay];
  const steps: (string | number)[] = [c.colours[0]];
  for (let i = 1; i < c.from.length; i++) steps.push(c.from[i], c.colours[i]);
  return { property: c.property, colour: ["step", ["get", c.property], ...steps] as unknown as ExpressionSpecification, min: c.from[0] };
}

/** The population rule in words: the WorldPop grid, an even spread, or the service's own name of another rule. */
export function methodName(method: string): string {
  if (method === "grid-worldpop-v1") return t("people.methodGrid");
  if (method === "even") return t("people.methodEven");
  return method;
}

/** A layer's title to go in a sentence: "(băng rộng di động)", "(mobile broadband)". */
function inSentence(title: string): string {
  return title.charAt(0).toLocaleLowerCase() + title.slice(1);
}

export interface PeopleOptions {
  map: MapView;
  state: State;
  info: () => LayerInfo[];
  /** Writes the state to the URL. */
  save: () => void;
  /** A commune's name from its code, when the page knows it. */
  communeName: (code: string) => string | null;
  /** Opens a commune's card. */
  select: (code: string) => void;
  onError: (e: unknown) => void;
}

export class PeopleOverlay {
  private readonly cache = new Map<LayerId, Promise<PeopleFeatureCollection>>();
  /** The answer drawn now, or null. */
  private shown: PeopleFeatureCollection | null = null;
  private seq = 0;
  private disabled = false;

  constructor(
    private readonly control: HTMLElement,
    private readonly legend: HTMLElement,
    private readonly o: PeopleOptions,
  ) {}

  private load(layer: LayerId): Promise<PeopleFeatureCollection> {
    let p = this.cache.get(layer);
    if (!p) {
      p = fetchJSON<PeopleFeatureCollection>(`/api/v1/layers/${layer}/people`);
      p.catch(() => this.cache.delete(layer));
      this.cache.set(layer, p);
    }
    return p;
  }

  /** Shows an overlay (null: none), in the URL too. */
  set(overlay: Overlay | null): Promise<void> {
    this.o.state.overlay = overlay;
    this.o.save();
    // The radios stay (a rebuilt one would take the keyboard's focus away): only their marks change.
    for (const input of this.control.querySelectorAll<HTMLInputElement>("input[name=overlay]")) input.checked = input.value === (overlay ?? "");
    return this.update();
  }

  /**
   * Draws the state's overlay for the state's layer, fetching the layer's
   * squares when they are not at hand. The people of a square are the same
   * on every layer; the uncovered ones are the layer's, so a layer switch
   * refetches.
   */
  async update(): Promise<void> {
    const n = ++this.seq;
    const { overlay, layer } = this.o.state;
    if (!overlay || this.disabled) {
      this.shown = null;
      this.renderLegend();
      await this.o.map.setPeople(null, null);
      return;
    }
    if (this.shown?.layer !== layer) {
      this.legend.hidden = false;
      this.legend.setAttribute("aria-busy", "true");
      replace(this.legend, h("p", { class: "muted" }, t("people.loading")));
    }
    try {
      const fc = await this.load(layer);
      if (n !== this.seq) return;
      this.shown = fc;
      await this.o.map.setPeople(fc, peoplePaint(overlay));
      this.renderLegend();
    } catch (e) {
      if (n !== this.seq) return;
      this.shown = null;
      this.renderLegend();
      await this.o.map.setPeople(null, null);
      this.o.onError(e);
    }
  }

  /** Forgets the squares (after a filing) and draws the overlay again. */
  refresh(): Promise<void> {
    this.cache.clear();
    this.shown = null;
    return this.update();
  }

  /**
   * Tile mode (a commune set as large as Vietnam's): the squares of the
   * whole set would be tens of megabytes, so the control is switched off.
   */
  disable(): void {
    this.disabled = true;
    this.renderControl();
    void this.update();
  }

  /** The control: three radios (none, people, uncovered), in the current language; the focus stays on the one that had it. */
  renderControl(): void {
    const current = this.o.state.overlay ?? "";
    const focused = this.control.contains(document.activeElement) ? document.activeElement?.id : undefined;
    const options: [string, Key][] = [
      ["", "people.off"],
      ["people", "people.people"],
      ["uncovered", "people.uncovered"],
    ];
    replace(
      this.control,
      ...options.map(([value, key]) => {
        const id = `overlay-${value || "off"}`;
        const input = h("input", { type: "radio", name: "overlay", value, id, checked: value === current, disabled: this.disabled });
        input.addEventListener("change", () => {
          if (input.checked) void this.set(value === "people" || value === "uncovered" ? value : null);
        });
        return h("div", { class: "overlay-option" }, input, h("label", { for: id }, t(key)));
      }),
      this.disabled ? h("p", { class: "help" }, t("people.tiles")) : null,
    );
    if (focused) document.getElementById(focused)?.focus();
  }

  /** The legend of the overlay drawn: its title, its classes darkest first, the total and the population rule. */
  renderLegend(): void {
    const el = this.legend;
    const overlay = this.o.state.overlay;
    const fc = this.shown;
    el.removeAttribute("aria-busy");
    if (!overlay || !fc) {
      el.hidden = true;
      el.replaceChildren();
      return;
    }
    const c = CLASSES[overlay];
    const rows = c.from
      .map((from, i) => {
        const next = c.from[i + 1];
        const range = next === undefined ? `≥ ${fmtInt(from)}` : from === next - 1 ? fmtInt(from) : `${fmtInt(from)} – ${fmtInt(next - 1)}`;
        return h("li", { class: "legend-row", "data-class": i }, h("span", { class: `swatch ${overlay === "people" ? "p" : "u"}${i}`, "aria-hidden": "true" }), h("span", { class: "legend-range" }, range));
      })
      .reverse();
    // The total is the page's own sum of the squares drawn, so that the
    // caption says what the map shows (the service's `uncovered` is the same
    // number, by its rounding rule).
    let total = 0;
    for (const f of fc.features) total += f.properties[c.property];
    const caption =
      overlay === "uncovered"
        ? t("people.caption", { n: fmtInt(total), layer: inSentence(layerTitle(this.o.info(), fc.layer)) })
        : t("people.captionPeople", { n: fmtInt(total), squares: fmtInt(fc.features.length) });
    const method = h("p", { class: "people-method", id: "people-method", "data-method": fc.population_method }, t("people.method", { method: methodName(fc.population_method) }));
    method.title = Object.values(fc.rules).join("\n");
    el.hidden = false;
    replace(
      el,
      h("h2", { class: "legend-title", id: "people-legend-title" }, t(c.title)),
      h("ul", { class: "legend-list people-classes", "aria-labelledby": "people-legend-title" }, ...rows),
      h("p", { class: "people-caption", id: "people-caption", "data-overlay": overlay, "data-layer": fc.layer, "data-total": total }, caption),
      method,
    );
  }

  /** The popup of a square clicked on the map: its people, those not covered, and its commune, with a way to the commune's card. */
  describeSquare(p: PeopleSquare): HTMLElement {
    const layer = this.shown?.layer ?? this.o.state.layer;
    const name = this.o.communeName(p.commune) ?? p.commune;
    const open = h("button", { type: "button", class: "link", "data-code": p.commune }, t("people.openCard"));
    open.addEventListener("click", () => this.o.select(p.commune));
    return h(
      "div",
      { class: "square", "data-commune": p.commune },
      h("strong", {}, t("people.square")),
      h(
        "dl",
        {},
        h("dt", {}, t("people.squarePeople")),
        h("dd", { "data-field": "people" }, fmtInt(p.people)),
        h("dt", {}, t("people.squareUncovered", { layer: inSentence(layerTitle(this.o.info(), layer)) })),
        h("dd", { "data-field": "uncovered" }, fmtInt(p.uncovered)),
        h("dt", {}, t("people.squareCommune")),
        h("dd", { "data-field": "commune" }, name),
      ),
      open,
    );
  }
}
