// "My filings" on the upload page: the provider's filings (GET
// /api/v1/filings with its token), each with its status, a button that
// draws its features on the map and a Withdraw button that asks first.
import type { Feature, FeatureCollection, Geometry, MultiPolygon, Polygon } from "geojson";
import { ApiError, fetchJSON, type CommuneCollection, type LayerId, type LayerInfo, type ListedFiling } from "./api";
import { layerTitle } from "./card";
import { h, replace } from "./dom";
import { fmtDate, fmtInt, httpProblemText, t, techName, type Key } from "./i18n";
import type { MapView } from "./map";

export interface MyFilingsDeps {
  map: MapView;
  token: () => string;
  layerInfo: () => LayerInfo[];
  communes: () => CommuneCollection | null;
  showLayer: (layer: LayerId) => void;
  /** Reloads every figure after a withdrawal. */
  refresh: () => Promise<void>;
}

type State = { kind: "closed" } | { kind: "busy" } | { kind: "list"; filings: ListedFiling[] } | { kind: "error"; message: string };

const statusKeys: Record<ListedFiling["status"], Key> = {
  in_force: "mine.inForce",
  superseded: "mine.superseded",
  withdrawn: "mine.withdrawn",
};

export class MyFilings {
  /** Kept across the upload page's renders, so that the list stays open. */
  readonly el = h("section", { class: "my-filings", id: "my-filings", "aria-labelledby": "my-filings-title" });
  private state: State = { kind: "closed" };
  private note = "";

  constructor(private readonly deps: MyFilingsDeps) {
    this.render();
  }

  /** Reloads the list if it is shown (after a submission). */
  async reloadIfOpen(): Promise<void> {
    if (this.state.kind === "list") await this.load();
  }

  render(): void {
    const load = h("button", { type: "button", class: "btn", id: "my-filings-load" }, this.state.kind === "closed" ? t("mine.show") : t("mine.reload"));
    load.addEventListener("click", () => void this.load());
    replace(
      this.el,
      h("h3", { id: "my-filings-title" }, t("mine.title")),
      h("div", { class: "actions" }, load),
      this.note ? h("p", { class: "msg msg-ok", id: "my-filings-note", role: "status" }, this.note) : null,
      this.body(),
    );
  }

  private body(): HTMLElement | null {
    const s = this.state;
    switch (s.kind) {
      case "closed":
        return null;
      case "busy":
        return h("p", { class: "msg" }, t("mine.loading"));
      case "error":
        return h("p", { class: "msg msg-error", id: "my-filings-error" }, s.message);
      case "list":
        if (!s.filings.length) return h("p", { class: "help", id: "my-filings-empty" }, t("mine.none"));
        return this.table(s.filings);
    }
  }

  private table(filings: ListedFiling[]): HTMLElement {
    const rows = filings.map((f) => {
      const show = h("button", { type: "button", class: "link my-filing-show", "aria-label": t("mine.showOnMapOf", { id: f.id }) }, t("mine.showOnMap"));
      show.addEventListener("click", () => void this.showOnMap(f));
      const withdraw = f.status === "withdrawn" ? null : h("button", { type: "button", class: "link my-filing-withdraw", "aria-label": t("mine.withdrawOf", { id: f.id }) }, t("mine.withdraw"));
      withdraw?.addEventListener("click", () => void this.withdraw(f));
      const techs = (f.report?.technologies ?? []).map(techName).join(", ") || "—";
      const status = t(statusKeys[f.status]) + (f.withdrawn_at ? ` (${fmtDate(f.withdrawn_at.slice(0, 10))})` : "");
      return h(
        "tr",
        { "data-filing": f.id, "data-status": f.status },
        h("td", {}, `#${f.id}`),
        h("td", {}, fmtDate(f.as_of)),
        h("td", {}, layerTitle(this.deps.layerInfo(), f.layer)),
        h("td", {}, techs),
        h("td", { class: `filing-status status-${f.status}` }, status),
        h("td", { class: "filing-actions" }, show, withdraw),
      );
    });
    return h(
      "table",
      { class: "problems my-filings-table", id: "my-filings-table" },
      h("caption", { class: "visually-hidden" }, t("mine.title")),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, t("upload.supFiling")),
          h("th", { scope: "col" }, t("upload.supAsOf")),
          h("th", { scope: "col" }, t("mine.layer")),
          h("th", { scope: "col" }, t("mine.technologies")),
          h("th", { scope: "col" }, t("mine.status")),
          h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, t("mine.actions"))),
        ),
      ),
      h("tbody", {}, ...rows),
    );
  }

  private headers(): Record<string, string> | null {
    const token = this.deps.token();
    if (!token) {
      this.state = { kind: "error", message: t("upload.needToken") };
      this.render();
      document.getElementById("upload-token")?.focus();
      return null;
    }
    return { Authorization: `Bearer ${token}` };
  }

  private async load(): Promise<void> {
    const headers = this.headers();
    if (!headers) return;
    this.state = { kind: "busy" };
    this.render();
    try {
      const { filings } = await fetchJSON<{ filings: ListedFiling[] }>("/api/v1/filings", { headers });
      this.state = { kind: "list", filings };
    } catch (e) {
      this.state = { kind: "error", message: failure("mine.loadFailed", e) };
    }
    this.render();
  }

  private async withdraw(f: ListedFiling): Promise<void> {
    if (!window.confirm(t("mine.confirmWithdraw", { id: f.id, date: fmtDate(f.as_of), layer: layerTitle(this.deps.layerInfo(), f.layer) }))) return;
    const headers = this.headers();
    if (!headers) return;
    this.note = "";
    try {
      await fetchJSON(`/api/v1/filings/${f.id}`, { method: "DELETE", headers });
      this.note = t("mine.withdrawn.ok", { id: f.id });
    } catch (e) {
      this.state = { kind: "error", message: failure("mine.withdrawFailed", e) };
      this.render();
      return;
    }
    // The figures first, then the list: once the list says "withdrawn", the map and summary agree.
    await this.deps.refresh();
    await this.load();
  }

  /** Draws the filing's footprints, and its declarations as their communes, then brings them into view. */
  private async showOnMap(f: ListedFiling): Promise<void> {
    const headers = this.headers();
    if (!headers) return;
    let fc: FeatureCollection<Geometry | null>;
    try {
      fc = await fetchJSON<FeatureCollection<Geometry | null>>(`/api/v1/filings/${f.id}/features`, { headers });
    } catch (e) {
      this.state = { kind: "error", message: failure("mine.loadFailed", e) };
      this.render();
      return;
    }
    this.deps.showLayer(f.layer);
    const byCode = new Map<string, Geometry>();
    for (const c of this.deps.communes()?.features ?? []) byCode.set(c.properties.code, c.geometry);
    const drawn: Feature[] = [];
    const polygons: Polygon["coordinates"][] = [];
    fc.features.forEach((ft, index) => {
      const code = ft.properties?.commune_code;
      const g = ft.geometry ?? (typeof code === "string" ? byCode.get(code) : undefined);
      if (!g || (g.type !== "Polygon" && g.type !== "MultiPolygon")) return;
      drawn.push({ type: "Feature", geometry: g, properties: { index, problem: false, filing: f.id } });
      if (g.type === "Polygon") polygons.push(g.coordinates);
      else polygons.push(...(g as MultiPolygon).coordinates);
    });
    await this.deps.map.setUpload(drawn.length ? { type: "FeatureCollection", features: drawn } : null);
    if (polygons.length) this.deps.map.showGeometry({ type: "MultiPolygon", coordinates: polygons }, 12);
    this.note = t("mine.shown", { id: f.id, n: fmtInt(drawn.length), count: drawn.length });
    this.render();
  }
}

/** A failed request said in the page's language. */
function failure(key: "mine.loadFailed" | "mine.withdrawFailed", e: unknown): string {
  if (e instanceof ApiError) return t(key, { status: e.status, detail: httpProblemText(e) });
  return t(key, { status: "—", detail: String(e) });
}
