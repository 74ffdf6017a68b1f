// An indicator's values per commune (or per district) on the map: the
// communes coloured by the value in force on the board's date
// (GET /api/v1/indicators/{id} → units) in five classes of the coverage
// layers' viridis scale, light for low values, grey where the indicator has
// no value, with its own legend and a button back to the coverage layers.
// A commune without its own value takes its district's.
import type { ExpressionSpecification } from "maplibre-gl";
import { fetchJSON, type CommuneCollection, type CommuneProps, type IndicatorDetail } from "./api";
import { h } from "./dom";
import { fmtDate, t } from "./i18n";
import { fmtIndicator, indicatorTitle } from "./indicators";
import type { MapView } from "./map";
import { COLOURS } from "./scale";

/** The colour of a commune without a value: a grey lighter than every class, darker than the background. */
export const NO_VALUE = "#c5ccd3";

export interface IndicatorMapOptions {
  map: MapView;
  legend: HTMLElement;
  communes: () => CommuneCollection | null;
  /** Called when the map goes back to the coverage layer (legend and colours). */
  restore: () => void;
  onError: (e: unknown) => void;
}

/** Five classes of equal width over the values' range, as four breaks. */
export function breaks(values: number[]): number[] {
  if (values.length === 0) return [];
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  if (hi === lo) return [];
  return [1, 2, 3, 4].map((i) => lo + ((hi - lo) * i) / 5);
}

/** The class (0 lightest … 4 darkest) of a value. */
export function classOfValue(v: number, b: number[]): number {
  if (b.length === 0) return 4;
  let c = 0;
  while (c < b.length && v >= b[c]) c++;
  return c;
}

export class IndicatorMap {
  private detail: IndicatorDetail | null = null;
  /** Each commune's value (its own, or its district's). */
  private byCommune = new Map<string, number>();
  private breaks: number[] = [];

  constructor(private readonly o: IndicatorMapOptions) {}

  /** The indicator shown, or null. */
  get shown(): string | null {
    return this.detail?.id ?? null;
  }

  /** Fetches the indicator's values per unit on the date and colours the map by them. */
  async show(id: string, asOf: string | null): Promise<boolean> {
    try {
      const d = await fetchJSON<IndicatorDetail>(`/api/v1/indicators/${encodeURIComponent(id)}${asOf ? `?as_of=${encodeURIComponent(asOf)}` : ""}`);
      this.detail = d;
      await this.apply();
      return true;
    } catch (e) {
      this.o.onError(e);
      return false;
    }
  }

  /** Colours the map again (after the coverage layer was redrawn under it). */
  async apply(): Promise<void> {
    const d = this.detail;
    if (!d) return;
    const own = new Map(d.units.map((u) => [u.code, u.value]));
    this.byCommune.clear();
    for (const f of this.o.communes()?.features ?? []) {
      const p = f.properties;
      const v = own.get(p.code) ?? own.get(p.district_code);
      if (v !== undefined) this.byCommune.set(p.code, v);
    }
    const values = d.units.map((u) => u.value);
    this.breaks = breaks(values);
    const colourOf = (v: number) => COLOURS[classOfValue(v, this.breaks)];
    // Commune codes first; a district's value colours its communes without their own.
    const communeCodes = new Set((this.o.communes()?.features ?? []).map((f) => f.properties.code));
    const byCode = new Map<string, string>();
    const byDistrict = new Map<string, string>();
    for (const u of d.units) {
      if (communeCodes.size === 0 || communeCodes.has(u.code)) byCode.set(u.code, colourOf(u.value));
      else byDistrict.set(u.code, colourOf(u.value));
    }
    // A match needs at least one label; its labels must differ (hence the maps).
    const match = (get: ExpressionSpecification, m: Map<string, string>, otherwise: string | ExpressionSpecification) =>
      m.size === 0 ? otherwise : (["match", get, ...[...m].flat(), otherwise] as unknown as ExpressionSpecification);
    const colour = match(["get", "code"], byCode, match(["to-string", ["get", "district_code"]], byDistrict, NO_VALUE));
    await this.o.map.setFill(colour);
    this.renderLegend();
  }

  /** Back to the coverage layer. */
  clear(): void {
    if (!this.detail) return;
    this.detail = null;
    this.byCommune.clear();
    void this.o.map.setFill(null);
    this.o.restore();
  }

  /** The tooltip's second line for a commune while an indicator is shown, else null. */
  describe(p: Pick<CommuneProps, "code">): string | null {
    const d = this.detail;
    if (!d) return null;
    const v = this.byCommune.get(p.code);
    return `${indicatorTitle(d)}: ${v === undefined ? t("ind.noData") : fmtIndicator(v, d.unit)}`;
  }

  renderLegend(): void {
    const d = this.detail;
    if (!d) return;
    const fmt = (v: number) => fmtIndicator(v, d.unit);
    const rows: HTMLElement[] = [];
    const b = this.breaks;
    const values = d.units.map((u) => u.value);
    if (b.length === 0 && values.length > 0) {
      rows.push(h("li", { class: "legend-row", "data-class": 4 }, h("span", { class: "swatch c4", "aria-hidden": "true" }), h("span", { class: "legend-range" }, fmt(values[0]))));
    } else if (values.length > 0) {
      const lo = Math.min(...values);
      const hi = Math.max(...values);
      const edges = [lo, ...b, hi];
      for (let c = 4; c >= 0; c--) {
        rows.push(
          h(
            "li",
            { class: "legend-row", "data-class": c },
            h("span", { class: `swatch c${c}`, "aria-hidden": "true" }),
            h("span", { class: "legend-range" }, c === 4 ? `${fmt(edges[c])} – ${fmt(edges[c + 1])}` : `${fmt(edges[c])} – < ${fmt(edges[c + 1])}`),
          ),
        );
      }
    }
    rows.push(h("li", { class: "legend-row", "data-class": "none" }, h("span", { class: "swatch swatch-novalue", "aria-hidden": "true" }), h("span", { class: "legend-range" }, t("ind.noData"))));
    const back = h("button", { type: "button", class: "btn-small", id: "indicator-map-back" }, "← ", t("ind.backToCoverage"));
    back.addEventListener("click", () => this.clear());
    const latest = d.units.reduce((m, u) => (u.as_of > m ? u.as_of : m), "");
    this.o.legend.replaceChildren(
      h("h2", { class: "legend-title", id: "legend-title", "data-indicator": d.id }, indicatorTitle(d)),
      h("ul", { class: "legend-list indicator-legend", "aria-labelledby": "legend-title" }, ...rows),
      h(
        "p",
        { class: "help" },
        d.target !== null ? t(d.direction === "lower" ? "ind.targetAtMost" : "ind.targetAtLeast", { v: fmt(d.target) }) : t("ind.noTargetStated"),
        latest ? ` · ${t("ind.unitsAsOf", { n: String(d.units.length), date: fmtDate(latest) })}` : "",
      ),
      back,
    );
  }
}
