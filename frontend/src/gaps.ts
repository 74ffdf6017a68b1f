// The gaps view: the communes of a layer ranked by people not covered
// (GET /api/v1/gaps), filtered by district and remoteness, sortable by any
// column, outlined on the map, with the smallest plan that meets the
// layer's target, the largest clusters of people not covered
// (GET /api/v1/layers/{layer}/clusters) and a CSV download of the table as
// shown.
import { LAYERS, fetchJSON, type Cluster, type ClustersAnswer, type CommuneCollection, type GapCommune, type GapsAnswer, type LayerId, type LayerInfo, type ParentLevel } from "./api";
import { layerTitle, statusChip } from "./card";
import { h, replace } from "./dom";
import { fmtDate, fmtDateTime, fmtDec, fmtInt, fmtPct, t, type Key } from "./i18n";
import type { MapView } from "./map";
import { targetTitle } from "./targets";
import type { State } from "./state";
import { parentLevel, parentText } from "./units";

export interface GapsOptions {
  map: MapView;
  state: State;
  info: () => LayerInfo[];
  communes: () => CommuneCollection | null;
  /** Writes the state to the URL. */
  save: () => void;
  /** Shows another layer on the map (and so in this view). */
  showLayer: (layer: LayerId) => void;
  /** Opens a commune's card and brings it into view. */
  select: (code: string) => void;
  /** Shows a cluster on the map, among the people not covered. */
  showCluster: (c: Cluster) => void;
}

/** The clusters listed: the largest ten, as the service ranks them. */
const CLUSTERS = 10;
/** The communes named in a cluster's line; the others are counted. */
const CLUSTER_COMMUNES = 3;

type Column = "rank" | "name" | "district" | "population" | "people_not_covered" | "share_covered" | "remote";

const COLUMNS: { key: Column; title: Key; num?: boolean }[] = [
  { key: "rank", title: "gaps.rank", num: true },
  { key: "name", title: "gaps.commune" },
  { key: "district", title: "gaps.district" },
  { key: "population", title: "gaps.population", num: true },
  { key: "people_not_covered", title: "gaps.notCovered", num: true },
  { key: "share_covered", title: "gaps.share", num: true },
  { key: "remote", title: "gaps.isRemote" },
];

const collator = new Intl.Collator("vi");

function compare(a: GapCommune, b: GapCommune, col: Column): number {
  switch (col) {
    case "name":
    case "district":
      return collator.compare(a[col], b[col]) || a.rank - b.rank;
    case "remote":
      return Number(a.remote) - Number(b.remote) || a.rank - b.rank;
    default:
      return a[col] - b[col] || a.rank - b.rank;
  }
}

/**
 * A CSV field: quoted when it holds a separator, a quote or a line break.
 * Text (names, codes: from an imported commune file) that starts with =, +,
 * -, @, a tab or a carriage return gets a leading single quote, so that a
 * spreadsheet shows it rather than running it as a formula (OWASP, "CSV
 * Injection"; the service's CSV files do the same, geo/export.CSVText).
 * Numbers are the figures and stay numbers.
 */
function csvField(v: string | number | boolean): string {
  let s = String(v);
  if (typeof v === "string" && /^[=+\-@\t\r]/.test(s)) s = "'" + s;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export class GapsView {
  private data: GapsAnswer | null = null;
  private key = "";
  private seq = 0;
  /** The clusters of the layer shown (they do not depend on the filters), or null while loading; an error is kept as a message. */
  private clusters: ClustersAnswer | null = null;
  private clustersError: string | null = null;
  private clustersSeq = 0;

  constructor(
    private readonly el: HTMLElement,
    private readonly o: GapsOptions,
  ) {}

  private get sort(): { col: Column; desc: boolean } {
    const s = this.o.state.sort ?? "rank";
    const col = s.replace(/^-/, "") as Column;
    return COLUMNS.some((c) => c.key === col) ? { col, desc: s.startsWith("-") } : { col: "rank", desc: false };
  }

  /**
   * The level of the parents of the units the map draws (the gaps are of
   * the same date and set): the district filter and column are for
   * districts; on the province's units the column names the province and
   * there is nothing to filter; with no level there is neither.
   */
  private get level(): ParentLevel {
    return parentLevel(this.o.communes()?.units);
  }

  private url(): string {
    const s = this.o.state;
    const q = new URLSearchParams({ layer: s.layer, limit: "10000" });
    if (s.district && this.level === "district") q.set("district", s.district);
    if (s.remote) q.set("remote", s.remote);
    // The application's one date (state.ts): the gaps of the day the map shows.
    if (s.asOf) q.set("as_of", s.asOf);
    // And its unit set, when one is chosen instead of the date's.
    if (s.units) q.set("units", s.units);
    // And its province, in a national store.
    if (s.province) q.set("province", s.province);
    return `/api/v1/gaps?${q}`;
  }

  /** Shows the view: loads the gaps of the map's layer with the filters, when they changed. */
  async activate(force = false): Promise<void> {
    const url = this.url();
    if (!force && this.data && url === this.key) {
      this.render();
      return;
    }
    if (force || this.clusters?.layer !== this.o.state.layer) void this.loadClusters();
    const n = ++this.seq;
    this.key = url;
    if (!this.data || this.data.layer !== this.o.state.layer) this.data = null;
    this.render();
    try {
      const d = await fetchJSON<GapsAnswer>(url);
      if (n !== this.seq) return;
      this.data = d;
      this.render();
    } catch (e) {
      if (n !== this.seq) return;
      replace(this.el, h("h2", { class: "panel-title" }, t("gaps.title")), h("p", { class: "msg msg-error" }, t("app.error", { detail: String(e) })));
    }
  }

  private async loadClusters(): Promise<void> {
    const n = ++this.clustersSeq;
    const layer = this.o.state.layer;
    this.clusters = null;
    this.clustersError = null;
    try {
      const c = await fetchJSON<ClustersAnswer>(`/api/v1/layers/${layer}/clusters?limit=${CLUSTERS}`);
      if (n !== this.clustersSeq) return;
      this.clusters = c;
    } catch (e) {
      if (n !== this.clustersSeq) return;
      this.clustersError = String(e);
    }
    if (this.data) this.render();
  }

  /** The largest clusters of people not covered, each with a button that shows it on the map. */
  private clusterList(): HTMLElement {
    const c = this.clusters;
    const head = h("h3", { class: "sub-title", id: "clusters-title" }, t("clusters.title"));
    if (this.clustersError) return h("section", { class: "clusters", id: "clusters" }, head, h("p", { class: "msg msg-error" }, t("app.error", { detail: this.clustersError })));
    if (!c) return h("section", { class: "clusters", id: "clusters", "aria-busy": "true" }, head, h("p", { class: "muted" }, t("clusters.loading")));
    const min = fmtInt(c.min_uncovered);
    const items = c.clusters.map((x) => {
      const named = x.communes.slice(0, CLUSTER_COMMUNES).map((m) => m.name);
      const more = x.communes.length - named.length;
      const show = h("button", { type: "button", class: "btn-small cluster-show", "data-rank": x.rank, "aria-label": t("clusters.showLabel", { rank: fmtInt(x.rank) }) }, t("clusters.show"));
      show.addEventListener("click", () => this.o.showCluster(x));
      return h(
        "li",
        { class: "cluster", "data-rank": x.rank, "data-uncovered": x.uncovered },
        h(
          "div",
          { class: "cluster-head" },
          h("strong", {}, t("clusters.rank", { rank: fmtInt(x.rank) })),
          h("span", { class: "cluster-figure", "data-field": "uncovered" }, t("clusters.uncovered", { n: fmtInt(x.uncovered) })),
        ),
        h(
          "p",
          { class: "cluster-facts" },
          h("span", { "data-field": "area" }, t("clusters.area", { area: fmtDec(x.area_km2, 1) })),
          " · ",
          h("span", { "data-field": "communes" }, named.join(", "), more > 0 ? ` ${t("clusters.more", { n: fmtInt(more) })}` : ""),
          " · ",
          h("span", { "data-field": "at" }, t("clusters.at", { lat: fmtDec(x.lat, 4), lon: fmtDec(x.lon, 4) })),
        ),
        show,
      );
    });
    return h(
      "section",
      { class: "clusters", id: "clusters", "data-layer": c.layer },
      head,
      h("p", { class: "help" }, t("clusters.intro", { min })),
      items.length ? h("ol", { class: "cluster-list", "aria-labelledby": "clusters-title" }, ...items) : h("p", { class: "muted" }, t("clusters.none", { min })),
    );
  }

  /** Leaves the view: the outlines go. */
  deactivate(): void {
    void this.o.map.setGaps([], []);
  }

  private rows(): GapCommune[] {
    const { col, desc } = this.sort;
    const rows = [...(this.data?.communes ?? [])].sort((a, b) => compare(a, b, col));
    return desc ? rows.reverse() : rows;
  }

  private filters(): HTMLElement {
    const s = this.o.state;
    const districts = new Map<string, string>();
    for (const f of this.o.communes()?.features ?? []) if (f.properties.district_code) districts.set(f.properties.district_code, f.properties.district);
    const dsel = h(
      "select",
      { id: "gaps-district" },
      h("option", { value: "" }, t("gaps.allDistricts")),
      ...[...districts].sort((a, b) => collator.compare(a[1], b[1])).map(([code, name]) => h("option", { value: code }, name)),
    );
    dsel.value = s.district ?? "";
    dsel.addEventListener("change", () => {
      s.district = dsel.value || null;
      this.o.save();
      void this.activate();
    });
    const rsel = h(
      "select",
      { id: "gaps-remote" },
      h("option", { value: "" }, t("gaps.remoteAll")),
      h("option", { value: "true" }, t("gaps.remoteOnly")),
      h("option", { value: "false" }, t("gaps.remoteNot")),
    );
    rsel.value = s.remote ?? "";
    rsel.addEventListener("change", () => {
      s.remote = rsel.value === "true" || rsel.value === "false" ? rsel.value : null;
      this.o.save();
      void this.activate();
    });
    const lsel = h("select", { id: "gaps-layer" }, ...LAYERS.map((id) => h("option", { value: id }, layerTitle(this.o.info(), id))));
    lsel.value = s.layer;
    lsel.addEventListener("change", () => this.o.showLayer(lsel.value as LayerId));
    return h(
      "div",
      { class: this.level === "district" ? "field-row field-row-3" : "field-row" },
      h("div", { class: "field" }, h("label", { for: "gaps-layer" }, t("gaps.layer")), lsel),
      this.level === "district" ? h("div", { class: "field" }, h("label", { for: "gaps-district" }, t("gaps.district")), dsel) : null,
      h("div", { class: "field" }, h("label", { for: "gaps-remote" }, t("gaps.remote")), rsel),
    );
  }

  private plan(d: GapsAnswer): HTMLElement {
    const p = d.plan;
    if (!p || !d.target || p.communes.length === 0) return h("section", { class: "plan", id: "gaps-plan" }, h("h3", {}, t("gaps.plan")), h("p", { class: "muted" }, t("gaps.planNone")));
    return h(
      "section",
      { class: "plan", id: "gaps-plan", "data-communes": p.communes.length, "data-people": p.people_added },
      h("h3", {}, t("gaps.plan")),
      h(
        "p",
        {},
        t("gaps.planText", {
          n: fmtInt(p.communes.length),
          people: fmtInt(p.people_added),
          target: targetTitle(d.target),
          before: fmtPct(p.value_before),
          after: fmtPct(p.value_after),
        }),
        " ",
        h("strong", { class: p.meets ? "ok" : "warn" }, p.meets ? t("gaps.planMeets") : t("gaps.planShort")),
      ),
    );
  }

  private table(rows: GapCommune[]): HTMLElement {
    const { col, desc } = this.sort;
    const level = this.level;
    // On the province's units the parent column names the province (the answer's district is empty).
    const parents = new Map<string, string>();
    if (level === "province") for (const f of this.o.communes()?.features ?? []) parents.set(f.properties.code, parentText(level, f.properties.parent_name));
    const columns = COLUMNS.filter((c) => c.key !== "district" || level !== "");
    const head = columns.map((c) => {
      const on = c.key === col;
      const title = c.key === "district" && level === "province" ? t("gaps.province") : t(c.title);
      const b = h("button", { type: "button", class: "sort", "data-sort": c.key }, title, h("span", { class: "sort-mark", "aria-hidden": "true" }, on ? (desc ? " ▼" : " ▲") : ""));
      b.title = t("gaps.sortBy", { col: title });
      b.addEventListener("click", () => {
        // A new column sorts the way that column reads best; the same one flips.
        const firstDesc = c.key === "people_not_covered" || c.key === "population" || c.key === "remote";
        const nextDesc = on ? !desc : firstDesc;
        this.o.state.sort = c.key === "rank" && !nextDesc ? null : `${nextDesc ? "-" : ""}${c.key}`;
        this.o.save();
        this.render();
        (this.el.querySelector(`button[data-sort="${c.key}"]`) as HTMLElement | null)?.focus();
      });
      return h("th", { scope: "col", class: c.num ? "num" : undefined, "aria-sort": on ? (desc ? "descending" : "ascending") : undefined }, b);
    });
    const body = rows.map((r) => {
      const name = h("button", { type: "button", class: "link", "data-code": r.code }, r.name);
      name.addEventListener("click", () => this.o.select(r.code));
      return h(
        "tr",
        { "data-code": r.code, class: r.in_plan ? "in-plan" : undefined },
        h("td", { class: "num" }, fmtInt(r.rank)),
        h("th", { scope: "row" }, r.in_plan ? h("span", { class: "plan-star", title: t("gaps.inPlan"), "aria-label": t("gaps.inPlan") }, "★ ") : null, name),
        level === "" ? null : h("td", {}, level === "province" ? (parents.get(r.code) ?? "") : r.district),
        h("td", { class: "num" }, fmtInt(r.population)),
        h("td", { class: "num", "data-field": "people_not_covered" }, fmtInt(r.people_not_covered)),
        h("td", { class: "num" }, fmtPct(r.share_covered), " ", statusChip(r.status)),
        h("td", {}, r.remote ? t("gaps.yes") : ""),
      );
    });
    return h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "gaps-table", id: "gaps-table" },
        h("caption", { class: "visually-hidden" }, t("gaps.title")),
        h("thead", {}, h("tr", {}, ...head)),
        h("tbody", {}, ...body),
      ),
    );
  }

  private download(rows: GapCommune[]): void {
    const d = this.data;
    if (!d) return;
    const header = ["rank", "code", "name", "district_code", "district", "population", "people_covered", "people_not_covered", "share_covered", "status", "remote", "in_plan"];
    const lines = [header.join(",")];
    for (const r of rows) lines.push(header.map((k) => csvField(r[k as keyof GapCommune])).join(","));
    // A byte-order mark, so that spreadsheets read the Vietnamese names as UTF-8.
    const blob = new Blob(["\ufeff" + lines.join("\r\n") + "\r\n"], { type: "text/csv;charset=utf-8" });
    const a = h("a", { href: URL.createObjectURL(blob), download: `phusong-gaps-${d.layer}-${d.data_as_of}.csv` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }

  render(): void {
    const d = this.data;
    const head = [h("h2", { class: "panel-title" }, t("gaps.title")), h("p", { class: "help" }, t("gaps.intro")), this.filters()];
    if (!d) {
      replace(this.el, ...head, h("p", { class: "muted", "aria-busy": "true" }, t("gaps.loading")));
      return;
    }
    const rows = this.rows();
    const csv = h("button", { type: "button", class: "btn", id: "gaps-csv" }, t("gaps.csv"));
    csv.addEventListener("click", () => this.download(rows));
    csv.disabled = rows.length === 0;
    replace(
      this.el,
      ...head,
      h(
        "p",
        { class: "gaps-total", id: "gaps-total" },
        h("strong", {}, layerTitle(this.o.info(), d.layer)),
        " · ",
        t("gaps.total", { n: fmtInt(d.total.communes), people: fmtInt(d.total.people_not_covered) }),
        " · ",
        t("targets.dataAsOf", { date: fmtDate(d.data_as_of) }),
        " · ",
        t("method.computedAt", { at: fmtDateTime(d.computed_at) }),
      ),
      this.plan(d),
      this.clusterList(),
      h("div", { class: "gaps-actions" }, csv, h("span", { class: "legend-inline" }, h("span", { class: "key key-gap" }), t("gaps.legend"))),
      rows.length ? this.table(rows) : h("p", { class: "muted" }, t("gaps.empty")),
      d.remote_set?.source === "approximate" ? h("p", { class: "help" }, t("gaps.remoteNote")) : null,
    );
    void this.o.map.setGaps(
      d.communes.map((c) => c.code),
      d.plan?.communes ?? [],
    );
  }
}
