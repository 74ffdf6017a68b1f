// The choropleth's colour classes: five steps of the viridis scale, light
// for little coverage and dark for full, readable with every common kind
// of colour-blindness and in greyscale (the lightness falls step by step).
// The classes follow the service's thresholds (statuses covered / partial /
// none), so a commune's colour always agrees with its status.
import type { Method, Status } from "./api";
import { h } from "./dom";
import { fmtPct, t, type Key } from "./i18n";

export const COLOURS = ["#fde725", "#a0da39", "#4ac16d", "#1fa187", "#365c8d"] as const;

export interface Thresholds {
  covered: number;
  partial: number;
  /** The step inside "none" (half the partial threshold) and inside "partial" (between the two, to 5%). */
  lowMid: number;
  highMid: number;
}

export function thresholds(m: Pick<Method, "covered_threshold" | "partial_threshold">): Thresholds {
  const covered = m.covered_threshold;
  const partial = m.partial_threshold;
  return { covered, partial, lowMid: Math.round((partial / 2) * 20) / 20, highMid: Math.round(((partial + covered) / 2) * 20) / 20 };
}

/** The class (0 lightest … 4 darkest) of a commune with this status and share. */
export function classOf(status: Status, share: number, th: Thresholds): number {
  if (status === "covered") return 4;
  if (status === "partial") return share >= th.highMid ? 3 : 2;
  return share >= th.lowMid ? 1 : 0;
}

/**
 * The MapLibre expression that computes classOf's colour from a feature's
 * properties, or from the what-if tool's after-figures where it set them as
 * feature states (MapView.setWhatIfFigures).
 */
export function fillColour(th: Thresholds): unknown[] {
  const status = ["coalesce", ["feature-state", "whatif_status"], ["get", "status"]];
  const share = ["coalesce", ["feature-state", "whatif_share"], ["get", "share_covered"]];
  return ["match", status, "covered", COLOURS[4], "partial", ["step", share, COLOURS[2], th.highMid, COLOURS[3]], ["step", share, COLOURS[0], th.lowMid, COLOURS[1]]];
}

/** The lines the map can draw over the colours, each explained by the legend while it is drawn. */
export type Outline = "commune" | "district" | "province" | "selected" | "gaps" | "whatif" | "sites";

export interface LegendOptions {
  /** The provider or technology the map is coloured by, as the page names it, or null for every one together. */
  what?: string | null;
  /** The outlines on the map now, in the order the legend lists them. */
  outlines?: Outline[];
}

const OUTLINE_KEYS: Record<Outline, Key> = {
  commune: "legend.lineCommune",
  district: "legend.lineDistrict",
  province: "legend.lineProvince",
  selected: "legend.lineSelected",
  gaps: "legend.lineGaps",
  whatif: "legend.lineWhatif",
  sites: "legend.lineSites",
};

/**
 * The legend: what the colours are of (the provider or technology chosen),
 * the five classes, darkest first, grouped by status with the thresholds,
 * and a key to every outline drawn.
 */
export function renderLegend(el: HTMLElement, th: Thresholds, opt: LegendOptions = {}): void {
  const row = (cls: number, from: number, to: number | null) =>
    h(
      "li",
      { class: "legend-row", "data-class": cls },
      h("span", { class: `swatch c${cls}`, "aria-hidden": "true" }),
      h("span", { class: "legend-range" }, to === null ? `≥ ${fmtPct(from, 0)}` : `${fmtPct(from, 0)} – < ${fmtPct(to, 0)}`),
    );
  const group = (status: Status, label: string, rows: HTMLElement[]) =>
    h("li", { class: `legend-group ${status}` }, h("span", { class: "legend-status" }, label), h("ul", {}, ...rows));
  const outlines = opt.outlines ?? [];
  el.replaceChildren(
    h("h2", { class: "legend-title", id: "legend-title" }, opt.what ? t("legend.titleOf", { what: opt.what }) : t("legend.title")),
    h(
      "ul",
      { class: "legend-list", "aria-labelledby": "legend-title" },
      group("covered", t("legend.covered", { threshold: fmtPct(th.covered, 0) }), [row(4, th.covered, null)]),
      group("partial", t("legend.partial", { threshold: fmtPct(th.partial, 0) }), [row(3, th.highMid, th.covered), row(2, th.partial, th.highMid)]),
      group("none", t("legend.none", { threshold: fmtPct(th.partial, 0) }), [row(1, th.lowMid, th.partial), row(0, 0, th.lowMid)]),
    ),
    outlines.length === 0
      ? ""
      : h(
          "ul",
          { class: "legend-lines", "aria-label": t("legend.lines") },
          ...outlines.map((o) =>
            h("li", { class: "legend-line", "data-outline": o }, h("span", { class: `line-key line-${o}`, "aria-hidden": "true" }), t(OUTLINE_KEYS[o])),
          ),
        ),
  );
}
