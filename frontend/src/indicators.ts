// The resolution's scoreboard: "3/12 chỉ tiêu đạt và vượt" in large type
// on a date the user picks, the resolution it comes from, and one card per
// indicator with its latest value, source and date, its target and
// deadline, met or not, its trend with the target line and its forecast.
// Every figure is the service's (GET /api/v1/indicators[?as_of=]); the
// page only formats it. Computed indicators link to the coverage target
// they follow; indicators with values per commune can colour the map.
import { fetchJSON, type Indicator, type IndicatorBoard, type IndicatorUnit } from "./api";
import { lineChart } from "./chart";
import { h, replace } from "./dom";
import { fmtDate, fmtDateTime, fmtDec, fmtInt, fmtPct, lang, t } from "./i18n";
import { reportHref } from "./provinces";

export interface IndicatorsOptions {
  /** The board's date (YYYY-MM-DD), or null for today; kept in the URL. */
  asOf: () => string | null;
  setAsOf: (d: string | null) => void;
  /** Opens the targets tab on a coverage target. */
  showTarget: (id: number) => void;
  /** Colours the map by an indicator's per-unit values. */
  showOnMap: (ind: Indicator) => void;
  /** Called after every load, so that the entry form lists the indicators. */
  loaded: (board: IndicatorBoard) => void;
  /** The province chosen in a national store, which the report's link is of; null for the whole store. */
  province?: () => string | null;
}

/** A value in its unit, as the board shows it: 72,5% · 6,32 · 1.234 · mức 3. */
export function fmtIndicator(v: number, unit: IndicatorUnit): string {
  switch (unit) {
    case "percent":
      return fmtPct(v / 100, Number.isInteger(v) ? 0 : 1);
    case "count":
      return fmtInt(v);
    case "level":
      return t("ind.level", { n: fmtDec(v, 1) });
    default:
      return fmtDec(v, 2);
  }
}

/**
 * A text of the service in the user's language: the seed writes some notes
 * as "Vietnamese / English"; a text without the separator is shown whole.
 */
export function bilingual(s: string): string {
  const i = s.indexOf(" / ");
  if (i < 0) return s;
  return lang() === "en" ? s.slice(i + 3) : s.slice(0, i);
}

export function indicatorTitle(x: { title_vi: string; title_en: string }): string {
  return lang() === "en" ? x.title_en : x.title_vi;
}

/** The badge's state: met, not met, no value, or no target to meet. */
function badge(ind: Indicator): { key: "met" | "notMet" | "noData" | "noTarget"; cls: string } {
  if (ind.met === true) return { key: "met", cls: "met-yes" };
  if (ind.met === false) return { key: "notMet", cls: "met-bad" };
  if (!ind.latest) return { key: "noData", cls: "met-no" };
  return { key: "noTarget", cls: "met-no" };
}

/** The value axis of an indicator's chart: 0–100 for percent, else from 0 to a round number above every value. */
function domain(ind: Indicator): [number, number] {
  const values = ind.trend.map((p) => p.value).concat(ind.target ?? [], ind.forecast?.value ?? []);
  if (values.length === 0) return [0, 1];
  if (ind.unit === "percent") {
    const lo = Math.min(...values);
    return [lo >= 60 ? Math.min(90, Math.floor(lo / 10) * 10) : 0, 100];
  }
  const hi = Math.max(...values, 0);
  if (hi <= 0) return [0, 1];
  const step = 10 ** Math.floor(Math.log10(hi));
  return [0, Math.ceil((hi * 1.05) / step) * step];
}

function trendChart(ind: Indicator): SVGSVGElement | null {
  const pts = ind.trend.map((p) => ({ date: p.as_of, value: p.value }));
  if (pts.length === 0) return null;
  const first = pts[0];
  const last = pts[pts.length - 1];
  const fmt = (v: number) => fmtIndicator(v, ind.unit);
  return lineChart({
    points: pts,
    goal: ind.target ?? undefined,
    forecastPoint: ind.met !== true && ind.forecast?.value != null && ind.forecast.at ? { date: ind.forecast.at, value: ind.forecast.value } : undefined,
    domain: domain(ind),
    format: ind.unit === "percent" ? (v) => fmtPct(v / 100, 0) : (v) => (ind.unit === "count" ? fmtInt(v) : fmtDec(v, 1)),
    width: 300,
    height: 96,
    label: t("ind.chart", {
      from: fmtDate(first.date),
      a: fmt(first.value),
      to: fmtDate(last.date),
      b: fmt(last.value),
      goal: ind.target === null ? "—" : fmt(ind.target),
    }),
  });
}

/** The forecast of an indicator not met yet: the date it meets its target at the trend's pace, or that it does not. */
function forecastText(ind: Indicator): string | null {
  const f = ind.forecast;
  if (!f || ind.met === true || !ind.latest) return null;
  if (f.outcome === "not_at_current_pace") return t("targets.notAtPace");
  if (f.value === null || !f.at) return null;
  return t("ind.forecastValue", { v: fmtIndicator(f.value, ind.unit), date: fmtDate(f.at) });
}

function targetText(ind: Indicator): string {
  if (ind.target === null) return t("ind.noTargetStated");
  const v = fmtIndicator(ind.target, ind.unit);
  return ind.direction === "lower" ? t("ind.targetAtMost", { v }) : t("ind.targetAtLeast", { v });
}

function renderIndicator(ind: Indicator, o: IndicatorsOptions): HTMLElement {
  const b = badge(ind);
  const latest = ind.latest;
  const titleId = `indicator-${ind.id}-title`;
  const chart = trendChart(ind);
  const forecast = forecastText(ind);
  let computed: HTMLElement | null = null;
  if (ind.kind === "computed") {
    const link = h("a", { href: "#tab=targets", class: "target-link", "data-target-id": ind.target_id }, t("ind.computedLink"), " →");
    link.addEventListener("click", (e) => {
      e.preventDefault();
      o.showTarget(ind.target_id);
    });
    computed = h("p", { class: "help ind-computed" }, t("ind.computed"), " ", link);
  }
  let onMap: HTMLElement | null = null;
  if (ind.per_unit) {
    onMap = h("button", { type: "button", class: "btn btn-small ind-map", "data-action": "show-on-map" }, t("ind.showOnMap"));
    onMap.addEventListener("click", () => o.showOnMap(ind));
  }
  return h(
    "article",
    {
      class: `target indicator ind-${b.key}`,
      "data-indicator-id": ind.id,
      "data-kind": ind.kind,
      "aria-labelledby": titleId,
    },
    h("p", { class: "target-layer" }, t(ind.kind === "computed" ? "ind.kindComputed" : "ind.kindEntered"), ` · ${ind.resolution.number}`),
    h("h3", { id: titleId, class: "target-title" }, indicatorTitle(ind)),
    h(
      "div",
      { class: "target-figure" },
      h("span", { class: "target-value", "data-field": "value" }, latest ? fmtIndicator(latest.value, ind.unit) : "—"),
      h("span", { class: "target-goal", "data-field": "target" }, targetText(ind)),
      h("span", { class: `met-chip ${b.cls}`, "data-field": "met", "data-met": String(ind.met), "data-badge": b.key }, b.key === "met" ? `✓ ${t("ind.met")}` : t(`ind.${b.key}`)),
    ),
    latest
      ? h(
          "p",
          { class: "help ind-source", "data-field": "source" },
          t("ind.asOfSource", { date: fmtDate(latest.as_of), source: latest.source }),
          latest.units > 0 ? ` · ${t("ind.rolledUp", { n: fmtInt(latest.units) })}` : null,
        )
      : null,
    chart ? h("div", { class: "target-chart ind-chart" }, chart) : null,
    h(
      "dl",
      { class: "target-facts" },
      h("dt", {}, t("ind.deadline")),
      h("dd", { "data-field": "deadline" }, ind.deadline ? fmtDate(ind.deadline) : "—"),
      forecast ? h("dt", {}, t("ind.forecast")) : null,
      forecast ? h("dd", { "data-field": "forecast", class: ind.forecast?.outcome === "not_at_current_pace" ? "warn" : undefined }, forecast) : null,
    ),
    !latest && ind.why ? h("p", { class: "help ind-why" }, bilingual(ind.why)) : null,
    ind.note && ind.kind !== "computed" ? h("p", { class: "help ind-note" }, bilingual(ind.note)) : null,
    computed,
    onMap,
  );
}

export class IndicatorsView {
  private data: IndicatorBoard | null = null;
  private loading: Promise<void> | null = null;
  /** The form below the board (indicator-entry.ts), kept across redraws. */
  private tail: HTMLElement | null = null;

  constructor(
    private readonly el: HTMLElement,
    private readonly o: IndicatorsOptions,
  ) {}

  /** Puts the entry form below the board. */
  setTail(el: HTMLElement): void {
    this.tail = el;
  }

  get board(): IndicatorBoard | null {
    return this.data;
  }

  /** Loads the board on the state's date, of the chosen province (again when force), and draws it. */
  activate(force = false): Promise<void> {
    const asOf = this.o.asOf();
    const province = this.o.province?.() ?? null;
    const key = () => `${this.o.asOf() ?? ""}|${this.o.province?.() ?? ""}`;
    if (this.data && !force && key() === this.wanted) {
      this.render();
      return Promise.resolve();
    }
    this.wanted = key();
    if (!this.data) replace(this.el, h("h2", { class: "panel-title" }, t("ind.title")), h("p", { class: "muted" }, t("app.loading")));
    const q = new URLSearchParams();
    if (asOf) q.set("as_of", asOf);
    if (province) q.set("province", province);
    const qs = q.toString();
    const url = `/api/v1/indicators${qs ? `?${qs}` : ""}`;
    const asked = key();
    const p = fetchJSON<IndicatorBoard>(url)
      .then((d) => {
        if (key() !== asked) return; // a later date or province was asked meanwhile
        this.data = d;
        this.render();
        this.o.loaded(d);
      })
      .catch((e) => {
        replace(this.el, h("h2", { class: "panel-title" }, t("ind.title")), h("p", { class: "msg msg-error" }, t("app.error", { detail: String(e) })), this.tail);
      })
      .finally(() => {
        if (this.loading === p) this.loading = null;
      });
    this.loading = p;
    return p;
  }

  private wanted = "";

  render(): void {
    const d = this.data;
    if (!d) return;
    const dateInput = h("input", { id: "indicators-asof", type: "date", value: this.o.asOf() ?? d.as_of, max: "9999-12-31" });
    dateInput.addEventListener("change", () => {
      if (!dateInput.value) return;
      this.o.setAsOf(dateInput.value);
      void this.activate();
    });
    const today = h("button", { type: "button", class: "btn-small", id: "indicators-today", disabled: !this.o.asOf() }, t("ind.today"));
    today.addEventListener("click", () => {
      this.o.setAsOf(null);
      void this.activate();
    });
    const headline = lang() === "en" ? d.headline_en : d.headline_vi;
    replace(
      this.el,
      h("h2", { class: "panel-title" }, t("ind.title")),
      h(
        "section",
        { class: "ind-board-head", "aria-labelledby": "indicators-headline" },
        h(
          "p",
          { class: "ind-headline", id: "indicators-headline", "data-met": d.met, "data-total": d.total },
          headline || t("ind.headline", { met: fmtInt(d.met), total: fmtInt(d.total) }),
        ),
        h("p", { class: "help", id: "indicators-asof-line" }, t("ind.asOf", { date: fmtDate(d.as_of) }), " · ", t("ind.withData", { n: fmtInt(d.with_data), total: fmtInt(d.total) })),
        // The date of the figures and when they were computed, as the map and the targets say them.
        h(
          "p",
          { class: "help", id: "indicators-data-line" },
          d.data_as_of ? t("targets.dataAsOf", { date: fmtDate(d.data_as_of) }) : t("ind.noDataDate"),
          " · ",
          t("method.computedAt", { at: fmtDateTime(d.computed_at) }),
        ),
        h(
          "div",
          { class: "field ind-date" },
          h("label", { for: "indicators-asof" }, t("ind.dateLabel")),
          h("div", { class: "input-with-buttons" }, dateInput, today),
        ),
        ...d.resolutions.map((r) =>
          h(
            "p",
            { class: "ind-resolution", "data-resolution": r.number },
            // The seed's title names the resolution already; a bare title gets its number and date.
            h("strong", {}, r.title.includes(r.number) ? r.title : `${t("ind.resolution", { number: r.number, date: r.date ? fmtDate(r.date) : "—" })} ${r.title}`),
            h(
              "span",
              { class: "ind-resolution-note" },
              r.indicators ? h("span", { class: "ind-count" }, t("ind.resolutionCount", { n: fmtInt(r.indicators) })) : null,
              " ",
              bilingual(r.note),
            ),
          ),
        ),
        d.rule ? h("details", { class: "ind-rule" }, h("summary", {}, t("ind.rule")), h("p", { class: "help" }, d.rule)) : null,
        h("p", {}, h("a", { href: reportHref(lang(), this.o.province?.() ?? null), hreflang: lang(), target: "_blank", rel: "noopener", class: "btn btn-link", id: "indicators-report" }, t("targets.report"))),
      ),
      d.indicators.length
        ? h("div", { class: "targets indicators", id: "indicators" }, ...d.indicators.map((ind) => renderIndicator(ind, this.o)))
        : h("p", { class: "muted" }, t("ind.none")),
      this.tail,
    );
  }
}
