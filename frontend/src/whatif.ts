// The what-if tool: a click on the map places a hypothetical site (the
// technology and radius chosen here); every change sends all the sites to
// POST /api/v1/whatif (debounced) and shows the province's figures and the
// communes that change, before and after, and every target before and
// after. Nothing is stored.
import { ApiError, LAYERS, fetchJSON, type LayerId, type LayerInfo, type WhatIfAnswer, type WhatIfSite } from "./api";
import { layerTitle, statusChip } from "./card";
import { h, replace } from "./dom";
import { fmtDec, fmtInt, fmtPct, fmtPoints, fmtSigned, t, techName } from "./i18n";
import { circle, type MapView } from "./map";
import type { State } from "./state";
import { targetTitle } from "./targets";

export interface WhatIfOptions {
  map: MapView;
  state: State;
  info: () => LayerInfo[];
  select: (code: string) => void;
}

/** What a site can be: the technologies the service accepts for a hypothetical site, by layer. */
const KINDS: { layer: LayerId; technology: string }[] = [
  { layer: "mobile", technology: "4G" },
  { layer: "mobile", technology: "5G" },
  { layer: "mobile", technology: "3G" },
  { layer: "mobile", technology: "2G" },
  { layer: "broadband", technology: "FTTH" },
  { layer: "broadband", technology: "fixed_wireless" },
  { layer: "phone", technology: "fixed_line" },
];

const MAX_SITES = 100;
const DEBOUNCE_MS = 250;
const SHOWN_COMMUNES = 30;

export class WhatIfView {
  private sites: WhatIfSite[] = [];
  private answer: WhatIfAnswer | null = null;
  private error = "";
  private busy = false;
  private seq = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private kind = 0;
  private radiusKm = 3;

  constructor(
    private readonly el: HTMLElement,
    private readonly o: WhatIfOptions,
  ) {}

  activate(): void {
    this.o.map.setPlacing((ll) => this.add(ll));
    this.render(true);
    this.draw();
  }

  deactivate(): void {
    this.o.map.setPlacing(null);
    void this.o.map.setWhatIf({ type: "FeatureCollection", features: [] }, []);
  }

  /** The sites placed, for the browser tests. */
  get placed(): WhatIfSite[] {
    return this.sites.map((s) => ({ ...s }));
  }

  add([lon, lat]: [number, number]): void {
    if (this.sites.length >= MAX_SITES) {
      this.error = t("whatif.tooMany", { n: MAX_SITES });
      this.render();
      return;
    }
    const k = KINDS[this.kind];
    this.sites.push({ lon: Math.round(lon * 1e5) / 1e5, lat: Math.round(lat * 1e5) / 1e5, radius_m: Math.round(this.radiusKm * 1000), technology: k.technology, layer: k.layer });
    this.changed();
  }

  remove(i: number | null): void {
    if (i === null) this.sites = [];
    else this.sites.splice(i, 1);
    this.changed();
  }

  private changed(): void {
    this.error = "";
    this.draw();
    clearTimeout(this.timer);
    if (this.sites.length === 0) {
      // With no site, the figures are today's again: after = before.
      this.seq++;
      this.answer = this.answer ? neutral(this.answer) : null;
      this.busy = false;
      this.render();
      this.draw();
      return;
    }
    this.busy = true;
    this.render();
    this.timer = setTimeout(() => void this.compute(), DEBOUNCE_MS);
  }

  private async compute(): Promise<void> {
    const n = ++this.seq;
    const body = JSON.stringify({ sites: this.sites });
    try {
      const a = await fetchJSON<WhatIfAnswer>("/api/v1/whatif", { method: "POST", headers: { "Content-Type": "application/json" }, body });
      if (n !== this.seq) return;
      this.answer = a;
      this.error = "";
    } catch (e) {
      if (n !== this.seq) return;
      this.error = e instanceof ApiError ? `${e.status} ${e.message}` : String(e);
    }
    this.busy = false;
    this.render();
    this.draw();
  }

  /** The layer whose communes are listed and outlined: the map's. */
  private get layer(): LayerId {
    return this.o.state.layer;
  }

  private draw(): void {
    const fc = {
      type: "FeatureCollection" as const,
      features: this.sites.map((s, i) => ({
        type: "Feature" as const,
        properties: { index: i },
        geometry: { type: "Polygon" as const, coordinates: circle(s.lon, s.lat, s.radius_m) },
      })),
    };
    const changed = this.sites.length ? (this.answer?.layers[this.layer]?.communes ?? []).filter((c) => c.change !== 0).map((c) => c.code) : [];
    void this.o.map.setWhatIf(fc, changed);
  }

  private controls(): HTMLElement {
    const tech = h(
      "select",
      { id: "whatif-technology" },
      ...KINDS.map((k, i) => h("option", { value: String(i) }, `${techName(k.technology)} — ${layerTitle(this.o.info(), k.layer)}`)),
    );
    tech.value = String(this.kind);
    tech.addEventListener("change", () => (this.kind = Number(tech.value)));
    const radius = h("input", { id: "whatif-radius", type: "number", min: 0.1, max: 50, step: 0.5, value: this.radiusKm, inputmode: "decimal" });
    radius.addEventListener("change", () => {
      const v = Number(radius.value);
      if (Number.isFinite(v) && v >= 0.01 && v <= 50) this.radiusKm = v;
      else radius.value = String(this.radiusKm);
    });
    return h(
      "div",
      { class: "field-row" },
      h("div", { class: "field" }, h("label", { for: "whatif-technology" }, t("whatif.technology")), tech),
      h("div", { class: "field" }, h("label", { for: "whatif-radius" }, t("whatif.radius")), radius),
    );
  }

  private siteList(): HTMLElement {
    if (this.sites.length === 0) return h("p", { class: "muted", id: "whatif-sites" }, t("whatif.noSites"));
    const items = this.sites.map((s, i) => {
      const b = h("button", { type: "button", class: "btn-small", "aria-label": t("whatif.remove", { n: i + 1 }), title: t("whatif.remove", { n: i + 1 }) }, "×");
      b.addEventListener("click", () => this.remove(i));
      return h(
        "li",
        { "data-lon": s.lon, "data-lat": s.lat, "data-radius": s.radius_m, "data-technology": s.technology },
        h("span", {}, t("whatif.site", { n: i + 1, tech: techName(s.technology), radius: fmtDec(s.radius_m / 1000), lat: s.lat.toFixed(4), lon: s.lon.toFixed(4) })),
        b,
      );
    });
    const all = h("button", { type: "button", class: "btn", id: "whatif-clear" }, t("whatif.removeAll"));
    all.addEventListener("click", () => this.remove(null));
    return h("div", { id: "whatif-sites" }, h("ol", { class: "site-list" }, ...items), all);
  }

  private province(a: WhatIfAnswer): HTMLElement {
    const rows = LAYERS.map((id) => {
      const l = a.layers[id];
      if (!l) return null;
      const p = l.province;
      return h(
        "tr",
        { "data-layer": id, class: id === this.layer ? "current" : undefined },
        h("th", { scope: "row" }, layerTitle(this.o.info(), id)),
        h("td", { class: "num", "data-field": "before", "data-value": Math.round(p.before.covered) }, fmtInt(p.before.covered), h("span", { class: "fraction" }, fmtPct(p.before.share))),
        h("td", { class: "num", "data-field": "after", "data-value": Math.round(p.after.covered) }, fmtInt(p.after.covered), h("span", { class: "fraction" }, fmtPct(p.after.share))),
        h("td", { class: `num change${p.change.covered > 0 ? " up" : ""}`, "data-field": "change" }, fmtSigned(p.change.covered), h("span", { class: "fraction" }, fmtPoints(p.change.share))),
      );
    });
    return h(
      "table",
      { class: "before-after", id: "whatif-province" },
      h("caption", {}, t("whatif.province")),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("whatif.layer")), h("th", { scope: "col", class: "num" }, t("whatif.before")), h("th", { scope: "col", class: "num" }, t("whatif.after")), h("th", { scope: "col", class: "num" }, t("whatif.change")))),
      h("tbody", {}, ...rows),
    );
  }

  private communes(a: WhatIfAnswer): HTMLElement {
    const list = (a.layers[this.layer]?.communes ?? []).filter((c) => c.change !== 0).sort((x, y) => y.change - x.change);
    const caption = t("whatif.communes", { layer: layerTitle(this.o.info(), this.layer) });
    if (list.length === 0) return h("div", { id: "whatif-communes" }, h("h3", { class: "sub-title" }, caption), h("p", { class: "muted" }, t("whatif.noChange")));
    const rows = list.slice(0, SHOWN_COMMUNES).map((c) => {
      const name = h("button", { type: "button", class: "link" }, c.name);
      name.addEventListener("click", () => this.o.select(c.code));
      return h(
        "tr",
        { "data-code": c.code },
        h("th", { scope: "row" }, name, h("span", { class: "fraction" }, c.district)),
        h("td", { class: "num" }, fmtPct(c.share_before), " ", statusChip(c.status_before)),
        h("td", { class: "num" }, fmtPct(c.share_after), " ", statusChip(c.status_after)),
        h("td", { class: "num change up" }, fmtSigned(c.change)),
      );
    });
    return h(
      "div",
      { id: "whatif-communes", class: "table-wrap" },
      h(
        "table",
        { class: "before-after" },
        h("caption", {}, caption),
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("gaps.commune")), h("th", { scope: "col", class: "num" }, t("whatif.before")), h("th", { scope: "col", class: "num" }, t("whatif.after")), h("th", { scope: "col", class: "num" }, t("whatif.change")))),
        h("tbody", {}, ...rows),
      ),
      list.length > SHOWN_COMMUNES ? h("p", { class: "help" }, t("whatif.more", { n: fmtInt(list.length - SHOWN_COMMUNES) })) : null,
    );
  }

  private targets(a: WhatIfAnswer): HTMLElement {
    const rows = a.targets.map((x) =>
      h(
        "tr",
        { "data-target-id": x.id },
        h("th", { scope: "row" }, targetTitle(x)),
        h("td", { class: "num", "data-field": "before" }, fmtPct(x.before.value), x.before.met ? " ✓" : ""),
        h("td", { class: "num", "data-field": "after" }, fmtPct(x.after.value), x.after.met ? " ✓" : ""),
        h("td", { class: `num change${x.value_change > 0 ? " up" : ""}` }, fmtPoints(x.value_change)),
      ),
    );
    return h(
      "table",
      { class: "before-after", id: "whatif-targets" },
      h("caption", {}, t("whatif.targets")),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("whatif.target")), h("th", { scope: "col", class: "num" }, t("whatif.before")), h("th", { scope: "col", class: "num" }, t("whatif.after")), h("th", { scope: "col", class: "num" }, t("whatif.change")))),
      h("tbody", {}, ...rows),
    );
  }

  private dyn: HTMLElement | null = null;

  /** Builds the panel (the controls once, so that editing them is never interrupted) and its figures. */
  render(full = false): void {
    if (full || !this.dyn || !this.el.contains(this.dyn)) {
      this.dyn = h("div", { class: "whatif-dyn" });
      replace(
        this.el,
        h("h2", { class: "panel-title" }, t("whatif.title")),
        h("p", { class: "help" }, t("whatif.intro")),
        this.controls(),
        h("p", { class: "legend-inline whatif-legend" }, h("span", { class: "key key-site" }), t("whatif.legend")),
        this.dyn,
      );
    }
    const a = this.answer;
    replace(
      this.dyn,
      h("h3", { class: "sub-title" }, t("whatif.sites")),
      this.siteList(),
      h("div", { id: "whatif-status", role: "status", class: "whatif-status" }, this.busy ? t("whatif.computing") : ""),
      this.error ? h("p", { class: "msg msg-error" }, t("app.error", { detail: this.error })) : null,
      h("div", { id: "whatif-result", "aria-busy": this.busy ? "true" : undefined, class: this.busy ? "stale" : undefined }, a ? this.province(a) : null, a ? this.communes(a) : null, a ? this.targets(a) : null),
    );
  }
}

/** The answer with no hypothetical site: every figure after as before, nothing changed. */
function neutral(a: WhatIfAnswer): WhatIfAnswer {
  const layers: WhatIfAnswer["layers"] = {};
  for (const id of LAYERS) {
    const l = a.layers[id];
    if (l) layers[id] = { province: { before: l.province.before, after: l.province.before, change: { covered: 0, share: 0, communes_reached: 0 } }, communes: [] };
  }
  return { layers, targets: a.targets.map((x) => ({ ...x, after: x.before, value_change: 0 })) };
}
