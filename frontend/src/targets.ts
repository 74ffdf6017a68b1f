// The targets view: each target's value against its goal (a progress bar
// with the goal marked), met or not, the trend over time, the forecast at
// the current pace, the gap in people and communes, and a link to the gaps
// of its layer. The figures are the service's (GET /api/v1/targets).
import type { LayerId, LayerInfo, Province, Target, TargetPoint, TargetsAnswer } from "./api";
import { layerTitle } from "./card";
import { lineChart } from "./chart";
import { h, replace } from "./dom";
import { fmtDate, fmtDateTime, fmtInt, fmtPct, lang, t } from "./i18n";
import { reportHref, territoryText } from "./provinces";

export interface TargetsOptions {
  info: () => LayerInfo[];
  /**
   * In a national store (more than one province): the provinces and the one
   * chosen (null: the whole country). Each target then names its territory,
   * and with a province chosen only its targets and the national ones are
   * shown. Null in a store of one province: every target, unlabelled.
   */
  territory: () => { provinces: readonly Province[]; province: string | null } | null;
  /** Opens the gaps of a layer. */
  showGaps: (layer: LayerId) => void;
}

export function targetTitle(x: { title_vi: string; title_en: string }): string {
  return lang() === "en" ? x.title_en : x.title_vi;
}

function progress(value: number, goal: number): HTMLElement {
  const bar = h("span", { class: "progress", "aria-hidden": "true" }, h("span", { class: "progress-fill" }), h("span", { class: "progress-goal" }));
  (bar.children[0] as HTMLElement).style.width = `${Math.max(0, Math.min(1, value)) * 100}%`;
  (bar.children[1] as HTMLElement).style.left = `${Math.max(0, Math.min(1, goal)) * 100}%`;
  if (value >= goal) bar.classList.add("met");
  return bar;
}

function forecastText(tg: Target): string {
  const f = tg.forecast;
  if (tg.current.met) return t("targets.met");
  if (!f || f.outcome !== "forecast" || !f.date) return f?.outcome === "not_at_current_pace" ? t("targets.notAtPace") : t("targets.noForecast");
  return `${t("targets.forecastDate", { date: fmtDate(f.date) })} (${f.on_track ? t("targets.onTrack") : t("targets.late")})`;
}

function fraction(tg: Target, n: number, d: number): string {
  return tg.measure === "communes" ? t("targets.communes", { n: fmtInt(n), d: fmtInt(d) }) : t("targets.people", { n: fmtInt(n), d: fmtInt(d) });
}

/**
 * The first point of each new unit set in a target's history (the units of
 * July 2025): commune counts on either side are of different units.
 */
function unitChanges(history: TargetPoint[]): { date: string; label: string }[] {
  const out: { date: string; label: string }[] = [];
  for (let i = 1; i < history.length; i++) {
    const [a, b] = [history[i - 1].units, history[i].units];
    if (a && b && a !== b) out.push({ date: history[i].date, label: t("targets.unitsMark", { units: b }) });
  }
  return out;
}

function renderTarget(tg: Target, o: TargetsOptions): HTMLElement {
  const cur = tg.current;
  const history = tg.history ?? [];
  const first = history[0];
  const last = history[history.length - 1];
  const chart =
    history.length > 1
      ? lineChart({
          points: history,
          goal: tg.value,
          marks: unitChanges(history),
          forecast: !cur.met && tg.forecast?.outcome === "forecast" ? tg.forecast.date : undefined,
          label: t("targets.chart", {
            from: fmtDate(first.date),
            a: fmtPct(first.value),
            to: fmtDate(last.date),
            b: fmtPct(last.value),
            goal: fmtPct(tg.value, 0),
          }),
        })
      : null;
  const link = h("a", { href: `#tab=gaps&layer=${tg.layer}`, class: "target-link" }, t("targets.gapsLink"), " →");
  link.addEventListener("click", (e) => {
    e.preventDefault();
    o.showGaps(tg.layer);
  });
  const titleId = `target-${tg.id}-title`;
  const territory = o.territory();
  return h(
    "article",
    { class: `target${cur.met ? " is-met" : ""}`, "data-target-id": tg.id, "data-layer": tg.layer, "aria-labelledby": titleId },
    h("p", { class: "target-layer" }, layerTitle(o.info(), tg.layer)),
    territory ? h("p", { class: "target-territory", "data-field": "territory", "data-territory": tg.territory ?? "" }, territoryText(territory.provinces, tg.territory ?? "")) : null,
    h("h3", { id: titleId, class: "target-title" }, targetTitle(tg)),
    h(
      "div",
      { class: "target-figure" },
      h("span", { class: "target-value", "data-field": "value" }, fmtPct(cur.value)),
      h("span", { class: "target-goal" }, t("targets.goal", { goal: fmtPct(tg.value, 0) })),
      h("span", { class: `met-chip ${cur.met ? "met-yes" : "met-no"}`, "data-field": "met", "data-met": String(cur.met) }, cur.met ? `✓ ${t("targets.met")}` : t("targets.notMet")),
    ),
    progress(cur.value, tg.value),
    h("p", { class: "fraction", "data-field": "fraction" }, fraction(tg, cur.numerator, cur.denominator)),
    tg.measure === "communes" && tg.threshold ? h("p", { class: "help" }, t("targets.measureCommunes", { threshold: fmtPct(tg.threshold, 0) })) : null,
    chart ? h("div", { class: "target-chart" }, chart) : null,
    h(
      "dl",
      { class: "target-facts" },
      h("dt", {}, t("targets.gap")),
      h(
        "dd",
        { "data-field": "gap" },
        h("span", { "data-field": "gap_people" }, t("targets.gapPeople", { n: fmtInt(cur.gap_people) })),
        " · ",
        h("span", { "data-field": "gap_communes" }, t("targets.gapCommunes", { n: fmtInt(cur.gap_communes) })),
      ),
      h("dt", {}, t("targets.forecast")),
      h("dd", { "data-field": "forecast", class: tg.forecast?.outcome === "not_at_current_pace" && !cur.met ? "warn" : undefined }, forecastText(tg)),
      h("dt", {}, t("targets.deadline", { date: "" }).trim()),
      h("dd", {}, fmtDate(tg.deadline)),
    ),
    tg.remote_communes && tg.filter === ""
      ? h(
          "p",
          { class: "help" },
          t("targets.remote", {
            value: fmtPct(tg.remote_communes.value),
            n: fmtInt(tg.remote_communes.numerator),
            d: fmtInt(tg.remote_communes.denominator),
          }),
        )
      : null,
    link,
  );
}

export class TargetsView {
  private data: TargetsAnswer | null = null;
  private loading: Promise<void> | null = null;

  constructor(
    private readonly el: HTMLElement,
    private readonly o: TargetsOptions,
  ) {}

  /** Loads the targets (again after a filing) and draws them. */
  activate(force = false): Promise<void> {
    if (force) this.data = null;
    if (this.data) {
      this.render();
      return Promise.resolve();
    }
    if (!this.loading || force) {
      replace(this.el, h("h2", { class: "panel-title" }, t("targets.title")), h("p", { class: "muted" }, t("app.loading")));
      this.loading = fetch("/api/v1/targets")
        .then((r) => (r.ok ? (r.json() as Promise<TargetsAnswer>) : Promise.reject(new Error(`HTTP ${r.status}`))))
        .then((d) => {
          this.data = d;
          this.render();
        })
        .catch((e) => {
          replace(this.el, h("h2", { class: "panel-title" }, t("targets.title")), h("p", { class: "msg msg-error" }, t("app.error", { detail: String(e) })));
        })
        .finally(() => (this.loading = null));
    }
    return this.loading ?? Promise.resolve();
  }

  render(): void {
    const d = this.data;
    if (!d) return;
    const province = this.o.territory()?.province ?? null;
    const shown = province === null ? d.targets : d.targets.filter((tg) => !tg.territory || tg.territory === province);
    replace(
      this.el,
      h("h2", { class: "panel-title" }, t("targets.title")),
      h("p", { class: "help" }, t("targets.intro"), " ", t("targets.dataAsOf", { date: fmtDate(d.data_as_of) }), " · ", t("method.computedAt", { at: fmtDateTime(d.computed_at) })),
      h("p", {}, h("a", { href: reportHref(lang(), province), hreflang: lang(), target: "_blank", rel: "noopener", class: "btn btn-link", id: "targets-report" }, t("targets.report"))),
      shown.length
        ? h("div", { class: "targets", id: "targets" }, ...shown.map((tg) => renderTarget(tg, this.o)))
        : h("p", { class: "muted" }, t("targets.none")),
    );
  }
}
