// The what-if tool: a click on the map, or a pair of typed coordinates,
// places a hypothetical site (the technology and radius chosen here); a site
// can be dragged on the map (or moved with the arrow keys once its pin has
// the focus), edited or removed. Every change sends all the sites to
// POST /api/v1/whatif (debounced) and shows the province's figures, the
// communes that change on every layer the sites affect, before and after,
// and every target before and after; the map colours the communes of its
// layer by the after-figures. The sites live in the URL (state.ts, &sites=),
// so a reload or a link shows them again. Nothing is stored.
import { ApiError, LAYERS, fetchJSON, type LayerId, type LayerInfo, type WhatIfAnswer, type WhatIfCommune, type WhatIfSite } from "./api";
import { layerTitle, statusChip } from "./card";
import { h, replace } from "./dom";
import { fmtDate, fmtDateTime, fmtDec, fmtInt, fmtPct, lang, t, techName, type Key } from "./i18n";
import { circle, type MapView } from "./map";
import { parseSites, SITE_LIMITS, type SiteProblem, type State } from "./state";
import { targetTitle } from "./targets";

export interface WhatIfOptions {
  map: MapView;
  state: State;
  info: () => LayerInfo[];
  select: (code: string) => void;
  /** Writes the state (state.sites included) to the URL. */
  save: () => void;
  /** The date of today's figures and when they were computed, shown before any site is placed. */
  dated: () => { data_as_of: string; computed_at: string } | null;
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

const MAX_SITES = SITE_LIMITS.maxSites;
const DEBOUNCE_MS = 250;
const SHOWN_COMMUNES = 30;

/** A site's kind by its technology (the URL keeps the technology only), or -1. */
function kindOf(technology: string): number {
  return KINDS.findIndex((k) => k.technology.toLowerCase() === technology.toLowerCase());
}

// ---- numbers shown with enough precision to be non-zero

function locale(): string {
  return lang() === "en" ? "en-GB" : "vi-VN";
}

/** The decimals (at least min, at most 6) that show x ≠ 0 as non-zero. */
function digitsFor(x: number, min: number): number {
  if (x === 0 || !Number.isFinite(x)) return min;
  return Math.min(6, Math.max(min, Math.ceil(-Math.log10(Math.abs(x)) + 1e-9)));
}

function signed(x: number, digits: number): string {
  return new Intl.NumberFormat(locale(), { minimumFractionDigits: digits, maximumFractionDigits: digits, signDisplay: "exceptZero" }).format(x);
}

/** A change of a share in percentage points, with as many decimals as it takes to be non-zero: +0,04 điểm %. */
export function fmtPointsPrecise(delta: number): string {
  const v = delta * 100;
  return t("whatif.points", { v: signed(v, digitsFor(v, 2)) });
}

/** A change in people: whole people, or the decimals that a change under half a person needs. */
export function fmtPeoplePrecise(n: number): string {
  return signed(n, Math.abs(n) >= 0.5 ? 0 : digitsFor(n, 1));
}

/** Two shares as percentages with as many decimals (1 to 6) as it takes to tell them apart. */
function pctPair(a: number, b: number): [string, string] {
  let d = 1;
  while (d < 6 && a !== b && fmtPct(a, d) === fmtPct(b, d)) d++;
  return [fmtPct(a, d), fmtPct(b, d)];
}

/** A typed coordinate: a decimal number, with a point or a comma. */
function parseDegrees(s: string): number | null {
  const v = s.trim().replace(/^[−–]/, "-").replace(",", ".");
  return /^-?\d{1,3}(\.\d+)?$/.test(v) ? Number(v) : null;
}

export class WhatIfView {
  private sites: WhatIfSite[] = [];
  private answer: WhatIfAnswer | null = null;
  /** The sites the answer is for (JSON), "" for the neutral answer. */
  private answered = "";
  private error = "";
  private busy = false;
  private seq = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private kind = 0;
  private radiusKm = 3;
  /** The site the form edits, or null when it adds one. */
  private editing: number | null = null;
  /** The sites of the URL that were left out, and why. */
  private urlProblems: SiteProblem[] = [];
  private active = false;

  constructor(
    private readonly el: HTMLElement,
    private readonly o: WhatIfOptions,
  ) {
    this.fromState();
  }

  /**
   * Takes the sites of the state (the URL's; hash is the link they were
   * read from), naming those of the URL left out: by parseSites, or for a
   * technology no site can have.
   */
  fromState(hash = location.hash): void {
    const raw = new URLSearchParams(hash.replace(/^#/, "")).get("sites");
    this.urlProblems = parseSites(raw).problems;
    const sites: WhatIfSite[] = [];
    const given = raw ? raw.split(";") : [];
    for (const s of this.o.state.sites) {
      const k = kindOf(s.technology);
      if (k < 0) {
        const n = given.findIndex((x) => x.split(",")[3]?.trim() === s.technology) + 1;
        this.urlProblems.push({ n, text: given[n - 1] ?? s.technology, reason: "technology" });
        continue;
      }
      sites.push({ lon: s.lon, lat: s.lat, radius_m: s.radius_m, technology: KINDS[k].technology, layer: KINDS[k].layer });
    }
    this.urlProblems.sort((a, b) => a.n - b.n);
    this.sites = sites;
    this.o.state.sites = sites.map(({ lon, lat, radius_m, technology }) => ({ lon, lat, radius_m, technology }));
    if (this.active) {
      this.changed(false);
      this.render();
    }
  }

  activate(): void {
    this.active = true;
    this.o.map.setPlacing((ll) => this.add(ll));
    this.render(true);
    this.draw();
    // Sites from the URL, or placed while the tab was away: compute them.
    if (this.sites.length && this.answered !== JSON.stringify(this.sites) && !this.busy) this.changed(false);
  }

  deactivate(): void {
    this.active = false;
    this.o.map.setPlacing(null);
    void this.o.map.setWhatIf({ type: "FeatureCollection", features: [] }, []);
    void this.o.map.setWhatIfFigures([]);
    this.o.map.setSiteMarkers([], () => "", () => undefined);
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
    this.sites.push({ lon: round5(lon), lat: round5(lat), radius_m: Math.round(this.radiusKm * 1000), technology: k.technology, layer: k.layer });
    this.changed();
  }

  /** Moves a site (a drag of its pin). */
  move(i: number, [lon, lat]: [number, number]): void {
    const s = this.sites[i];
    if (!s) return;
    s.lon = round5(lon);
    s.lat = round5(lat);
    if (this.editing === i) this.fillForm(s);
    this.changed();
  }

  remove(i: number | null): void {
    if (i === null) this.sites = [];
    else this.sites.splice(i, 1);
    this.stopEditing();
    this.changed();
  }

  /** After any change of the sites: the URL, the drawing, and the figures again (debounced). */
  private changed(save = true): void {
    this.error = "";
    this.o.state.sites = this.sites.map(({ lon, lat, radius_m, technology }) => ({ lon, lat, radius_m, technology }));
    if (save) this.o.save();
    this.draw();
    clearTimeout(this.timer);
    if (this.sites.length === 0) {
      // With no site, the figures are today's again: after = before.
      this.seq++;
      this.answer = this.answer ? neutral(this.answer) : null;
      this.answered = "";
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
    const key = JSON.stringify(this.sites);
    try {
      const a = await fetchJSON<WhatIfAnswer>("/api/v1/whatif", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ sites: this.sites }) });
      if (n !== this.seq) return;
      this.answer = a;
      this.answered = key;
      this.error = "";
    } catch (e) {
      if (n !== this.seq) return;
      this.error = e instanceof ApiError ? `${e.status} ${e.message}` : String(e);
    }
    this.busy = false;
    this.render();
    this.draw();
  }

  /** The map's layer: its communes are recoloured, and listed first. */
  private get layer(): LayerId {
    return this.o.state.layer;
  }

  private draw(): void {
    if (!this.active) return;
    const fc = {
      type: "FeatureCollection" as const,
      features: this.sites.map((s, i) => ({
        type: "Feature" as const,
        properties: { index: i },
        geometry: { type: "Polygon" as const, coordinates: circle(s.lon, s.lat, s.radius_m) },
      })),
    };
    const list = this.sites.length && this.answered ? (this.answer?.layers[this.layer]?.communes ?? []).filter((c) => c.change !== 0) : [];
    void this.o.map.setWhatIf(
      fc,
      list.map((c) => c.code),
    );
    // The after-figures are those of every provider and technology together: the map shows them only so.
    const recolour = this.o.state.by === "all" && !this.o.state.indicator;
    void this.o.map.setWhatIfFigures(recolour ? list.map((c) => ({ code: c.code, share: c.share_after, status: c.status_after })) : []);
    this.o.map.setSiteMarkers(
      this.sites.map((s) => [s.lon, s.lat]),
      (i) => t("whatif.marker", { n: i + 1 }),
      (i, ll) => this.move(i, ll),
    );
  }

  // ---- the form: technology and radius (for clicks too), and typed coordinates

  private form: HTMLFormElement | null = null;

  private field<K extends "select" | "input">(name: string): HTMLElementTagNameMap[K] {
    return this.form?.querySelector(`#whatif-${name}`) as HTMLElementTagNameMap[K];
  }

  private controls(): HTMLElement {
    const tech = h(
      "select",
      { id: "whatif-technology" },
      ...KINDS.map((k, i) => h("option", { value: String(i) }, `${techName(k.technology)} — ${layerTitle(this.o.info(), k.layer)}`)),
    );
    tech.value = String(this.kind);
    tech.addEventListener("change", () => {
      if (this.editing === null) this.kind = Number(tech.value);
    });
    const radius = h("input", { id: "whatif-radius", type: "number", min: 0.01, max: 50, step: "any", value: this.radiusKm, inputmode: "decimal", "aria-describedby": "whatif-form-error" });
    radius.addEventListener("change", () => {
      const v = Number(radius.value);
      if (this.editing !== null) return;
      if (Number.isFinite(v) && v >= 0.01 && v <= 50) this.radiusKm = v;
      else radius.value = String(this.radiusKm);
    });
    const coord = (id: "lat" | "lon") =>
      h(
        "div",
        { class: "field" },
        h("label", { for: `whatif-${id}` }, t(id === "lat" ? "whatif.lat" : "whatif.lon")),
        h("input", { id: `whatif-${id}`, type: "text", inputmode: "decimal", autocomplete: "off", spellcheck: "false", "aria-describedby": "whatif-form-error" }),
      );
    const submit = h("button", { type: "submit", class: "btn btn-primary", id: "whatif-add" }, t("whatif.add"));
    const centre = h("button", { type: "button", class: "btn", id: "whatif-centre" }, t("whatif.center"));
    centre.addEventListener("click", () => {
      const c = this.o.map.map.getCenter();
      this.field<"input">("lat").value = c.lat.toFixed(5);
      this.field<"input">("lon").value = c.lng.toFixed(5);
    });
    const cancel = h("button", { type: "button", class: "btn", id: "whatif-cancel", hidden: true }, t("whatif.cancel"));
    cancel.addEventListener("click", () => this.stopEditing());
    const form = h(
      "form",
      { id: "whatif-form", novalidate: true, "aria-labelledby": "whatif-coords-title" },
      h(
        "div",
        { class: "field-row wide-first" },
        h("div", { class: "field" }, h("label", { for: "whatif-technology" }, t("whatif.technology")), tech),
        h("div", { class: "field" }, h("label", { for: "whatif-radius" }, t("whatif.radius")), radius),
      ),
      h("h3", { class: "sub-title", id: "whatif-coords-title" }, t("whatif.coords")),
      h("p", { class: "help", id: "whatif-editing", hidden: true }),
      h("div", { class: "field-row" }, coord("lat"), coord("lon")),
      h("p", { class: "msg msg-error", id: "whatif-form-error", role: "alert", hidden: true }),
      h("div", { class: "whatif-actions" }, submit, centre, cancel),
    );
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.submitForm();
    });
    this.form = form;
    return form;
  }

  /** Reads and checks the form; adds a site, or saves the one edited. */
  private submitForm(): void {
    const latIn = this.field<"input">("lat");
    const lonIn = this.field<"input">("lon");
    const radIn = this.field<"input">("radius");
    const lat = parseDegrees(latIn.value);
    const lon = parseDegrees(lonIn.value);
    const radius = Number(radIn.value.replace(",", "."));
    const errors: string[] = [];
    const latBad = lat === null || Math.abs(lat) > SITE_LIMITS.maxLat;
    const lonBad = lon === null || Math.abs(lon) > 180;
    const radBad = radIn.value.trim() === "" || !Number.isFinite(radius) || radius < 0.01 || radius > 50;
    if (latBad) errors.push(t("whatif.errLat", { v: latIn.value.trim() }));
    if (lonBad) errors.push(t("whatif.errLon", { v: lonIn.value.trim() }));
    if (radBad) errors.push(t("whatif.errRadius", { v: radIn.value.trim() }));
    // A latitude out of range that would be a fine longitude, and the other way round.
    if (lat !== null && lon !== null && Math.abs(lat) > SITE_LIMITS.maxLat && Math.abs(lon) <= SITE_LIMITS.maxLat && Math.abs(lat) <= 180) errors.push(t("whatif.swapped"));
    for (const [el, bad] of [
      [latIn, latBad],
      [lonIn, lonBad],
      [radIn, radBad],
    ] as const) {
      if (bad) el.setAttribute("aria-invalid", "true");
      else el.removeAttribute("aria-invalid");
    }
    const box = this.form?.querySelector<HTMLElement>("#whatif-form-error");
    if (box) {
      box.hidden = errors.length === 0;
      box.replaceChildren(...errors.flatMap((x, i) => (i ? [h("br"), x] : [x])));
    }
    if (errors.length || lat === null || lon === null) return;
    const k = KINDS[Number(this.field<"select">("technology").value)] ?? KINDS[0];
    const site: WhatIfSite = { lon: round5(lon), lat: round5(lat), radius_m: Math.round(radius * 1000), technology: k.technology, layer: k.layer };
    if (this.editing !== null && this.sites[this.editing]) {
      this.sites[this.editing] = site;
      this.stopEditing();
      this.changed();
      return;
    }
    if (this.sites.length >= MAX_SITES) {
      this.error = t("whatif.tooMany", { n: MAX_SITES });
      this.render();
      return;
    }
    this.sites.push(site);
    this.changed();
  }

  private fillForm(s: WhatIfSite): void {
    if (!this.form) return;
    this.field<"input">("lat").value = s.lat.toFixed(5);
    this.field<"input">("lon").value = s.lon.toFixed(5);
    this.field<"input">("radius").value = String(s.radius_m / 1000);
    this.field<"select">("technology").value = String(Math.max(0, kindOf(s.technology)));
  }

  /** Puts a site's parameters in the form, whose button then saves them. */
  edit(i: number): void {
    const s = this.sites[i];
    if (!s || !this.form) return;
    this.editing = i;
    this.fillForm(s);
    this.formMode();
    this.field<"input">("lat").focus();
  }

  private stopEditing(): void {
    if (this.editing === null) return;
    this.editing = null;
    if (this.form) {
      this.field<"input">("radius").value = String(this.radiusKm);
      this.field<"select">("technology").value = String(this.kind);
    }
    this.formMode();
  }

  /** The form's buttons and note for adding or for editing. */
  private formMode(): void {
    if (!this.form) return;
    const i = this.editing;
    const note = this.form.querySelector<HTMLElement>("#whatif-editing");
    if (note) {
      note.hidden = i === null;
      note.textContent = i === null ? "" : t("whatif.editing", { n: i + 1 });
    }
    const add = this.form.querySelector<HTMLElement>("#whatif-add");
    if (add) add.textContent = i === null ? t("whatif.add") : t("whatif.save", { n: i + 1 });
    const cancel = this.form.querySelector<HTMLElement>("#whatif-cancel");
    if (cancel) cancel.hidden = i === null;
  }

  // ---- the figures

  private siteList(): HTMLElement {
    if (this.sites.length === 0) return h("p", { class: "muted", id: "whatif-sites" }, t("whatif.noSites"));
    const items = this.sites.map((s, i) => {
      const edit = h("button", { type: "button", class: "btn-small whatif-edit", "aria-label": t("whatif.edit", { n: i + 1 }), title: t("whatif.edit", { n: i + 1 }) }, "✎");
      edit.addEventListener("click", () => this.edit(i));
      const b = h("button", { type: "button", class: "btn-small whatif-remove", "aria-label": t("whatif.remove", { n: i + 1 }), title: t("whatif.remove", { n: i + 1 }) }, "×");
      b.addEventListener("click", () => this.remove(i));
      return h(
        "li",
        { "data-lon": s.lon, "data-lat": s.lat, "data-radius": s.radius_m, "data-technology": s.technology, class: this.editing === i ? "editing" : undefined },
        h("span", {}, t("whatif.site", { n: i + 1, tech: techName(s.technology), radius: fmtDec(s.radius_m / 1000), lat: s.lat.toFixed(5), lon: s.lon.toFixed(5) })),
        h("span", { class: "site-buttons" }, edit, b),
      );
    });
    const all = h("button", { type: "button", class: "btn", id: "whatif-clear" }, t("whatif.removeAll"));
    all.addEventListener("click", () => this.remove(null));
    return h("div", { id: "whatif-sites" }, h("ol", { class: "site-list" }, ...items), all);
  }

  /** The data date of the figures (the answer's, or today's before any site) and when they were computed. */
  private dated(): HTMLElement | null {
    const d = this.answer ?? this.o.dated();
    if (!d) return null;
    const date = d.data_as_of
      ? h("time", { class: "data-date", datetime: d.data_as_of }, fmtDate(d.data_as_of))
      : h("span", { class: "data-date" }, t("method.noData"));
    return h("p", { class: "help whatif-dated", id: "whatif-dated" }, t("method.dataAsOf"), " ", date, " · ", t("method.computedAt", { at: fmtDateTime(d.computed_at) }));
  }

  private province(a: WhatIfAnswer): HTMLElement {
    const rows = LAYERS.map((id) => {
      const l = a.layers[id];
      if (!l) return null;
      const p = l.province;
      const [sb, sa] = pctPair(p.before.share, p.after.share);
      return h(
        "tr",
        { "data-layer": id, class: id === this.layer ? "current" : undefined },
        h("th", { scope: "row" }, layerTitle(this.o.info(), id)),
        h("td", { class: "num", "data-field": "before", "data-value": Math.round(p.before.covered) }, fmtInt(p.before.covered), h("span", { class: "fraction" }, sb)),
        h("td", { class: "num", "data-field": "after", "data-value": Math.round(p.after.covered) }, fmtInt(p.after.covered), h("span", { class: "fraction" }, sa)),
        h(
          "td",
          { class: `num change${p.change.covered > 0 ? " up" : ""}`, "data-field": "change", "data-change": p.change.covered, "data-share-change": p.change.share },
          fmtPeoplePrecise(p.change.covered),
          h("span", { class: "fraction" }, fmtPointsPrecise(p.change.share)),
        ),
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

  /** The communes that change on one layer. */
  private layerCommunes(id: LayerId, all: WhatIfCommune[]): HTMLElement {
    const list = all.filter((c) => c.change !== 0 || c.share_after !== c.share_before).sort((x, y) => y.change - x.change);
    const caption = t("whatif.communes", { layer: layerTitle(this.o.info(), id) });
    if (list.length === 0) return h("section", { class: "whatif-layer", "data-layer": id }, h("h3", { class: "sub-title" }, caption), h("p", { class: "muted" }, t("whatif.noChange")));
    const rows = list.slice(0, SHOWN_COMMUNES).map((c) => {
      const name = h("button", { type: "button", class: "link" }, c.name);
      name.addEventListener("click", () => this.o.select(c.code));
      const [sb, sa] = pctPair(c.share_before, c.share_after);
      return h(
        "tr",
        { "data-code": c.code, "data-share-after": c.share_after, "data-status-after": c.status_after },
        h("th", { scope: "row" }, name, h("span", { class: "fraction" }, c.district)),
        h("td", { class: "num", "data-field": "before" }, sb, " ", statusChip(c.status_before)),
        h("td", { class: "num", "data-field": "after" }, sa, " ", statusChip(c.status_after)),
        h(
          "td",
          { class: `num change${c.change > 0 ? " up" : ""}`, "data-field": "change" },
          fmtPeoplePrecise(c.change),
          h("span", { class: "fraction" }, fmtPointsPrecise(c.share_after - c.share_before)),
        ),
      );
    });
    return h(
      "section",
      { class: "whatif-layer table-wrap", "data-layer": id },
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

  /** The communes that change on every layer the sites affect, the map's layer first. */
  private communes(a: WhatIfAnswer): HTMLElement {
    const ids = [this.layer, ...LAYERS.filter((id) => id !== this.layer)].filter((id) => a.layers[id]);
    if (this.sites.length === 0 || ids.length === 0) {
      return h("div", { id: "whatif-communes" }, h("h3", { class: "sub-title" }, t("whatif.communes", { layer: layerTitle(this.o.info(), this.layer) })), h("p", { class: "muted" }, t("whatif.noChange")));
    }
    return h(
      "div",
      { id: "whatif-communes" },
      h("p", { class: "help", id: "whatif-layers" }, t("whatif.layers", { layers: ids.map((id) => layerTitle(this.o.info(), id)).join(", ") })),
      ...ids.map((id) => this.layerCommunes(id, a.layers[id]?.communes ?? [])),
    );
  }

  private targets(a: WhatIfAnswer): HTMLElement {
    const rows = a.targets.map((x) => {
      const [vb, va] = pctPair(x.before.value, x.after.value);
      return h(
        "tr",
        { "data-target-id": x.id },
        h("th", { scope: "row" }, targetTitle(x)),
        h("td", { class: "num", "data-field": "before" }, vb, x.before.met ? " ✓" : ""),
        h("td", { class: "num", "data-field": "after" }, va, x.after.met ? " ✓" : ""),
        h("td", { class: `num change${x.value_change > 0 ? " up" : ""}`, "data-field": "change" }, fmtPointsPrecise(x.value_change)),
      );
    });
    return h(
      "table",
      { class: "before-after", id: "whatif-targets" },
      h("caption", {}, t("whatif.targets")),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("whatif.target")), h("th", { scope: "col", class: "num" }, t("whatif.before")), h("th", { scope: "col", class: "num" }, t("whatif.after")), h("th", { scope: "col", class: "num" }, t("whatif.change")))),
      h("tbody", {}, ...rows),
    );
  }

  /** The sites of the URL left out, each with its reason. */
  private problems(): HTMLElement | null {
    if (this.urlProblems.length === 0) return null;
    const list = KINDS.map((k) => k.technology).join(", ");
    return h(
      "ul",
      { class: "msg msg-error", id: "whatif-url-problems" },
      ...this.urlProblems.map((p) => h("li", {}, t("whatif.urlProblem", { n: p.n, text: p.text, reason: t(`whatif.reason.${p.reason}` as Key, { list }) }))),
    );
  }

  /** How the map shows the after-figures. */
  private mapNote(): HTMLElement | null {
    if (this.sites.length === 0) return null;
    const recolour = this.o.state.by === "all" && !this.o.state.indicator;
    return h("p", { class: "help", id: "whatif-map-note" }, recolour ? t("whatif.mapAfter", { layer: layerTitle(this.o.info(), this.layer) }) : t("whatif.mapBy"));
  }

  private dyn: HTMLElement | null = null;

  /** Builds the panel (the form once, so that typing in it is never interrupted) and its figures. */
  render(full = false): void {
    if (full || !this.dyn || !this.el.contains(this.dyn)) {
      this.dyn = h("div", { class: "whatif-dyn" });
      const editing = this.editing;
      replace(
        this.el,
        h("h2", { class: "panel-title" }, t("whatif.title")),
        h("p", { class: "help" }, t("whatif.intro")),
        this.controls(),
        h("p", { class: "legend-inline whatif-legend" }, h("span", { class: "key key-site" }), t("whatif.legend")),
        this.dyn,
      );
      if (editing !== null && this.sites[editing]) {
        this.fillForm(this.sites[editing]);
        this.formMode();
      } else this.editing = null;
    }
    const a = this.answer;
    replace(
      this.dyn,
      this.problems(),
      h("h3", { class: "sub-title" }, t("whatif.sites")),
      this.siteList(),
      h("div", { id: "whatif-status", role: "status", class: "whatif-status" }, this.busy ? t("whatif.computing") : ""),
      this.error ? h("p", { class: "msg msg-error" }, t("app.error", { detail: this.error })) : null,
      this.dated(),
      this.mapNote(),
      h("div", { id: "whatif-result", "aria-busy": this.busy ? "true" : undefined, class: this.busy ? "stale" : undefined }, a ? this.province(a) : null, a ? this.communes(a) : null, a ? this.targets(a) : null),
    );
  }
}

function round5(x: number): number {
  return Math.round(x * 1e5) / 1e5;
}

/** The answer with no hypothetical site: every figure after as before, nothing changed. */
function neutral(a: WhatIfAnswer): WhatIfAnswer {
  const layers: WhatIfAnswer["layers"] = {};
  for (const id of LAYERS) {
    const l = a.layers[id];
    if (l) layers[id] = { province: { before: l.province.before, after: l.province.before, change: { covered: 0, share: 0, communes_reached: 0 } }, communes: [] };
  }
  return { ...a, layers, targets: a.targets.map((x) => ({ ...x, after: x.before, value_change: 0 })) };
}
