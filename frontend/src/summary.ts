// The summary panel: for each layer, the share of the population covered
// and the share of communes reached, always with numerator and denominator;
// then the current layer by district.
import { LAYERS, type LayerId, type LayerInfo, type LayerSummary, type SummaryAll } from "./api";
import { layerTitle } from "./card";
import { h } from "./dom";
import { fmtInt, fmtPct, t } from "./i18n";
import { parentLevel, parentText } from "./units";

function bar(share: number): HTMLElement {
  const meter = h("span", { class: "bar", "aria-hidden": "true" }, h("span", { class: "bar-fill" }));
  (meter.firstChild as HTMLElement).style.width = `${Math.max(0, Math.min(1, share)) * 100}%`;
  return meter;
}

export function renderSummary(el: HTMLElement, s: SummaryAll, info: LayerInfo[], current: LayerId): void {
  const rows = LAYERS.map((id) => {
    const r = s.layers[id];
    if (!r) return null;
    return h(
      "tr",
      { "data-layer": id, class: id === current ? "current" : undefined },
      h("th", { scope: "row" }, layerTitle(info, id)),
      h(
        "td",
        { "data-field": "population" },
        h("span", { class: "big" }, fmtPct(r.share)),
        bar(r.share),
        h("span", { class: "fraction" }, t("summary.people", { n: fmtInt(r.covered), d: fmtInt(r.population) })),
      ),
      h(
        "td",
        { "data-field": "communes" },
        h("span", { class: "big" }, fmtPct(r.share_reached)),
        bar(r.share_reached),
        h("span", { class: "fraction" }, t("summary.communesOf", { n: fmtInt(r.communes_reached), d: fmtInt(r.communes) })),
        h("span", { class: "fraction", "data-field": "reached-threshold" }, t("summary.reachedAt", { threshold: fmtPct(r.reached_threshold, 0) })),
      ),
    );
  });
  el.replaceChildren(
    h(
      "table",
      { class: "summary-table" },
      h("caption", { class: "visually-hidden" }, t("summary.title")),
      h(
        "thead",
        {},
        h("tr", {}, h("th", { scope: "col" }, t("summary.layer")), h("th", { scope: "col" }, t("summary.population")), h("th", { scope: "col" }, t("summary.communes"))),
      ),
      h("tbody", {}, ...rows),
    ),
  );
}

/**
 * The current layer by the units' parents: by district (huyện) on a set
 * whose parents are districts, the province's one row (tỉnh) on a set whose
 * parent is the province, hidden when the set names no parent level. With
 * onDistrict each parent's name is a button (and its row clickable) that
 * brings its units into view.
 */
export function renderDistricts(el: HTMLElement, s: LayerSummary, info: LayerInfo[], onDistrict?: (code: string) => void): void {
  const level = parentLevel(s.units);
  el.hidden = level === "";
  el.dataset.level = level;
  const rows = [...s.districts]
    .sort((a, b) => a.share - b.share)
    .map((d) => {
      const name = parentText(level, d.name) || d.code || "";
      let head: HTMLElement | string = name;
      if (onDistrict && d.code) {
        const code = d.code;
        head = h("button", { type: "button", class: "link district-link", title: t("summary.showDistrict", { name }) }, name);
        head.addEventListener("click", (e) => {
          e.stopPropagation();
          onDistrict(code);
        });
      }
      const tr = h(
        "tr",
        { "data-district": d.code ?? "", class: onDistrict && d.code ? "clickable" : undefined },
        h("th", { scope: "row" }, head),
        h("td", { class: "num" }, fmtPct(d.share), h("span", { class: "fraction" }, `${fmtInt(d.covered)} / ${fmtInt(d.population)}`)),
        h("td", { class: "num" }, `${fmtInt(d.communes_reached)} / ${fmtInt(d.communes)}`),
      );
      // The whole row answers a pointer; the name's button is the keyboard's way.
      if (onDistrict && d.code) tr.addEventListener("click", () => onDistrict(d.code ?? ""));
      return tr;
    });
  el.replaceChildren(
    h("summary", {}, t(level === "province" ? "summary.byProvince" : "summary.byDistrict", { layer: layerTitle(info, s.layer) })),
    h(
      "table",
      { class: "district-table" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, t(level === "province" ? "summary.province" : "summary.district")),
          h("th", { scope: "col", class: "num" }, t("summary.population")),
          h("th", { scope: "col", class: "num" }, t("summary.communesAt", { threshold: fmtPct(s.province.reached_threshold, 0) })),
        ),
      ),
      h("tbody", {}, ...rows),
    ),
  );
}
