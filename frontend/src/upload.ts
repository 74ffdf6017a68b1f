// The provider upload page: a token (token.ts: kept in sessionStorage for
// this browser session only, never in the URL), a GeoJSON or CSV file, a dry
// run that shows the validation report or the figures before and after,
// then the submission. The file's features are drawn on the map, those with
// problems in magenta.
import type { Feature, FeatureCollection, Geometry } from "geojson";
import { ApiError, LAYERS, fetchJSON, type CommuneCollection, type FilingAnswer, type FilingProblem, type LayerId, type LayerInfo, type Rollup } from "./api";
import { layerTitle } from "./card";
import { h, replace } from "./dom";
import { fieldText, fmtBytes, fmtDate, fmtInt, fmtPct, fmtPoints, fmtSigned, httpProblemText, lang, problemText, t, techName } from "./i18n";
import { MyFilings } from "./myfilings";
import type { MapView } from "./map";
import { readToken, tokenField } from "./token";

const TOKEN_KEY = "phusong.token";

export interface UploadDeps {
  map: MapView;
  layerInfo: () => LayerInfo[];
  /** The communes now on the map, to draw declarations by commune code. */
  communes: () => CommuneCollection | null;
  /** Shows a layer on the map (the filing's, once it is known). */
  showLayer: (layer: LayerId) => void;
  /** Reloads every figure after an accepted filing. */
  refresh: () => Promise<void>;
}

interface Chosen {
  name: string;
  size: number;
  text: string;
  csv: boolean;
  /** The parsed GeoJSON, when it parses, for drawing. */
  json: unknown;
}

type Outcome =
  | { kind: "idle" }
  | { kind: "busy"; message: string }
  | { kind: "answer"; answer: FilingAnswer; submitted: boolean }
  | { kind: "problems"; problems: FilingProblem[]; truncated: boolean }
  | { kind: "error"; message: string };

export class UploadPage {
  private file: Chosen | null = null;
  private csvLayer: LayerId = "broadband";
  private csvAsOf = new Date().toISOString().slice(0, 10);
  private outcome: Outcome = { kind: "idle" };
  /** The file and options of the last dry run without problems: submit is allowed for exactly these. */
  private validated: string | null = null;
  private idempotencyKey = "";
  /** Whether the provider confirmed a dry run that lowers the province's covered people. */
  private confirmed = false;

  private readonly mine: MyFilings;

  constructor(
    private readonly root: HTMLElement,
    private readonly deps: UploadDeps,
  ) {
    this.mine = new MyFilings({ ...deps, token: () => this.token() });
    this.render();
  }

  /** Called when the page is shown: draws the file's features again. */
  activate(): void {
    void this.draw(this.outcome.kind === "problems" ? new Set(this.outcome.problems.map((p) => p.feature)) : new Set(), false);
  }

  private token(): string {
    return readToken(TOKEN_KEY);
  }

  /** What the submission depends on: the file and, for CSV, its layer and date. */
  private fingerprint(): string {
    if (!this.file) return "";
    return [this.file.name, this.file.size, this.file.text.length, this.file.csv ? `${this.csvLayer}|${this.csvAsOf}` : ""].join("|");
  }

  /** Draws the page; called again on every change and on a language switch. */
  render(): void {
    const fileInput = h("input", { id: "upload-file", type: "file", accept: ".geojson,.json,.csv,application/geo+json,application/json,text/csv", class: "visually-hidden" });
    fileInput.addEventListener("change", () => {
      const f = fileInput.files?.[0];
      if (f) void this.choose(f);
    });
    const drop = h(
      "label",
      { for: "upload-file", class: "drop", id: "upload-drop" },
      h("span", { class: "drop-icon", "aria-hidden": "true" }, "⇪"),
      h("span", {}, this.file ? t("upload.chosen", { name: this.file.name, size: fmtBytes(this.file.size) }) : t("upload.drop")),
    );
    drop.addEventListener("dragover", (e) => {
      e.preventDefault();
      drop.classList.add("over");
    });
    drop.addEventListener("dragleave", () => drop.classList.remove("over"));
    drop.addEventListener("drop", (e) => {
      e.preventDefault();
      drop.classList.remove("over");
      const f = e.dataTransfer?.files?.[0];
      if (f) void this.choose(f);
    });

    let csvOptions: HTMLElement | null = null;
    if (this.file?.csv) {
      const layerSelect = h(
        "select",
        { id: "upload-layer" },
        ...LAYERS.map((id) => h("option", { value: id, selected: id === this.csvLayer }, layerTitle(this.deps.layerInfo(), id))),
      );
      layerSelect.addEventListener("change", () => {
        this.csvLayer = layerSelect.value as LayerId;
        this.invalidate();
      });
      const asOf = h("input", { id: "upload-asof", type: "date", value: this.csvAsOf, required: true });
      asOf.addEventListener("change", () => {
        this.csvAsOf = asOf.value;
        this.invalidate();
      });
      csvOptions = h(
        "div",
        { class: "field-row" },
        h("div", { class: "field" }, h("label", { for: "upload-layer" }, t("upload.csvLayer")), layerSelect),
        h("div", { class: "field" }, h("label", { for: "upload-asof" }, t("upload.csvAsOf")), asOf),
      );
    }

    const busy = this.outcome.kind === "busy";
    const dry = h("button", { type: "button", class: "btn", id: "upload-dry-run", disabled: busy }, t("upload.dryRun"));
    dry.addEventListener("click", () => void this.send(true));
    const validated = !busy && this.validated !== null && this.validated === this.fingerprint();
    const needsConfirm = this.needsConfirm();
    const submit = h(
      "button",
      { type: "button", class: "btn btn-primary", id: "upload-submit", disabled: !validated || (needsConfirm && !this.confirmed), "aria-describedby": "upload-submit-hint" },
      t("upload.submit"),
    );
    submit.addEventListener("click", () => void this.send(false));

    replace(
      this.root,
      h("h2", { class: "panel-title" }, t("upload.title")),
      h("p", { class: "muted" }, t("upload.intro")),
      tokenField("upload-token", TOKEN_KEY, t("upload.token"), t("upload.tokenHelp")),
      h("div", { class: "field" }, h("span", { class: "label", id: "upload-file-label" }, t("upload.file")), fileInput, drop),
      csvOptions,
      h("div", { class: "actions" }, dry, submit),
      h("p", { id: "upload-submit-hint", class: "help" }, needsConfirm && !this.confirmed ? t("upload.confirmHint") : t("upload.submitHint")),
      h("div", { id: "upload-result", class: "upload-result", role: "status", "aria-live": "polite", tabindex: "-1" }, ...this.renderOutcome()),
      this.mine.el,
    );
    this.mine.render();
    const confirm = this.root.querySelector<HTMLInputElement>("#upload-confirm");
    confirm?.addEventListener("change", () => {
      this.confirmed = confirm.checked;
      // Only the button and its hint change: the result keeps its place and focus.
      submit.disabled = !validated || !this.confirmed;
      const hint = this.root.querySelector("#upload-submit-hint");
      if (hint) hint.textContent = this.confirmed ? t("upload.submitHint") : t("upload.confirmHint");
    });
  }

  /** A dry run that lowers the province's covered people needs the provider's explicit confirmation before Submit. */
  private needsConfirm(): boolean {
    const o = this.outcome;
    return o.kind === "answer" && !o.submitted && o.answer.change.covered < 0;
  }

  private invalidate(): void {
    this.validated = null;
    this.confirmed = false;
    this.outcome = { kind: "idle" };
    this.render();
  }

  private async choose(f: File): Promise<void> {
    let text: string;
    try {
      text = await f.text();
    } catch (e) {
      this.file = null;
      this.outcome = { kind: "error", message: t("upload.notReadable", { detail: String(e) }) };
      this.render();
      return;
    }
    const csv = /\.csv$/i.test(f.name) || f.type === "text/csv" || !/^\s*[{[]/.test(text);
    let json: unknown = null;
    if (!csv) {
      try {
        json = JSON.parse(text);
      } catch {
        json = null; // the service reports where the syntax breaks
      }
    }
    this.file = { name: f.name, size: f.size, text, csv, json };
    const layer = (json as { layer?: unknown } | null)?.layer;
    if (typeof layer === "string" && (LAYERS as readonly string[]).includes(layer)) this.deps.showLayer(layer as LayerId);
    this.validated = null;
    this.confirmed = false;
    this.idempotencyKey = "";
    this.outcome = { kind: "idle" };
    this.render();
    void this.draw(new Set());
  }

  private async send(dryRun: boolean): Promise<void> {
    const token = this.token();
    if (!token) return this.fail(t("upload.needToken"), "upload-token");
    if (!this.file) return this.fail(t("upload.needFile"), "upload-file");
    const q = new URLSearchParams();
    if (dryRun) q.set("dry_run", "true");
    if (this.file.csv) {
      q.set("layer", this.csvLayer);
      q.set("as_of", this.csvAsOf);
    }
    const headers: Record<string, string> = {
      Authorization: `Bearer ${token}`,
      "Content-Type": this.file.csv ? "text/csv" : "application/geo+json",
    };
    if (!dryRun) {
      // One key per validated file: a retry after a lost answer is stored once.
      this.idempotencyKey ||= crypto.randomUUID();
      headers["Idempotency-Key"] = this.idempotencyKey;
    }
    const fingerprint = this.fingerprint();
    this.confirmed = false;
    this.outcome = { kind: "busy", message: dryRun ? t("upload.checking") : t("upload.submitting") };
    this.render();
    try {
      const answer = await fetchJSON<FilingAnswer>(`/api/v1/filings${q.size ? "?" + q : ""}`, { method: "POST", headers, body: this.file.text });
      this.validated = dryRun ? fingerprint : null;
      this.outcome = { kind: "answer", answer, submitted: !dryRun };
      this.deps.showLayer(answer.layer);
      await this.draw(new Set());
      if (!dryRun) await Promise.all([this.deps.refresh(), this.mine.reloadIfOpen()]);
    } catch (e) {
      this.validated = null;
      if (e instanceof ApiError && e.status === 422 && e.problem?.problems) {
        this.outcome = { kind: "problems", problems: e.problem.problems, truncated: !!e.problem.problems_truncated };
        await this.draw(new Set(e.problem.problems.map((p) => p.feature)));
      } else if (e instanceof ApiError) {
        this.outcome = { kind: "error", message: t("upload.failed", { status: e.status, detail: httpProblemText(e) }) };
      } else {
        this.outcome = { kind: "error", message: t("upload.failed", { status: "—", detail: String(e) }) };
      }
    }
    this.render();
    document.getElementById("upload-result")?.focus();
  }

  private fail(message: string, focus: string): void {
    this.outcome = { kind: "error", message };
    this.render();
    document.getElementById(focus === "upload-file" ? "upload-drop" : focus)?.focus();
  }

  /** The file's features for the map; declarations are drawn as their commune. */
  private features(): { geometry: Geometry; index: number }[] {
    const out: { geometry: Geometry; index: number }[] = [];
    const communes = this.deps.communes();
    const byCode = new Map<string, Geometry>();
    for (const c of communes?.features ?? []) byCode.set(c.properties.code, c.geometry);
    if (!this.file) return out;
    if (this.file.csv) {
      const rows = parseCSV(this.file.text);
      const header = (rows.shift() ?? []).map((c) => c.replace(/^\uFEFF/, "").trim());
      const col = header.indexOf("commune_code");
      rows.forEach((r, i) => {
        const g = col >= 0 ? byCode.get((r[col] ?? "").trim()) : undefined;
        if (g) out.push({ geometry: g, index: i });
      });
      return out;
    }
    const features = (this.file.json as { features?: unknown } | null)?.features;
    if (!Array.isArray(features)) return out;
    features.forEach((f: Partial<Feature> | null, i) => {
      const g = f?.geometry as Geometry | null | undefined;
      if (g && typeof g === "object" && (g.type === "Polygon" || g.type === "MultiPolygon") && Array.isArray(g.coordinates)) {
        out.push({ geometry: g, index: i });
        return;
      }
      const code = (f?.properties as { commune_code?: unknown } | null | undefined)?.commune_code;
      const cg = typeof code === "string" ? byCode.get(code) : undefined;
      if (cg) out.push({ geometry: cg, index: i });
    });
    return out;
  }

  private async draw(problems: Set<number>, move = true): Promise<void> {
    const fc: FeatureCollection = {
      type: "FeatureCollection",
      features: this.features().map(({ geometry, index }) => ({ type: "Feature", geometry, properties: { index, problem: problems.has(index) } })),
    };
    await this.deps.map.setUpload(fc.features.length ? fc : null);
    const first = fc.features.find((f) => f.properties?.problem) ?? fc.features[0];
    if (first && move) this.deps.map.showGeometry(first.geometry, 10);
  }

  private showFeature(index: number): void {
    const f = this.features().find((x) => x.index === index);
    if (f) this.deps.map.showGeometry(f.geometry, 12);
  }

  private renderOutcome(): (HTMLElement | null)[] {
    const o = this.outcome;
    switch (o.kind) {
      case "idle":
        return [];
      case "busy":
        return [h("p", { class: "msg" }, o.message)];
      case "error":
        return [h("p", { class: "msg msg-error" }, o.message)];
      case "problems":
        return [
          h("p", { class: "msg msg-error", id: "upload-rejected" }, t("upload.rejected", { n: fmtInt(o.problems.length), count: o.problems.length })),
          o.truncated ? h("p", { class: "help" }, t("upload.truncated")) : null,
          h(
            "div",
            { class: "legend-inline" },
            h("span", { class: "key key-problem", "aria-hidden": "true" }),
            t("upload.legendProblems"),
            h("span", { class: "key key-feature", "aria-hidden": "true" }),
            t("upload.legendFeatures"),
          ),
          this.problemsTable(o.problems),
        ];
      case "answer":
        return this.answerView(o.answer, o.submitted);
    }
  }

  /**
   * The problems, by feature (GeoJSON, with the file's line when the service
   * gives it) or by the file's line (CSV: rows are counted one way, as the
   * provider's editor numbers them, header included).
   */
  private problemsTable(problems: FilingProblem[]): HTMLElement {
    const csv = this.file?.csv ?? false;
    const drawn = new Set(this.features().map((f) => f.index));
    const withLines = !csv && problems.some((p) => p.line && p.line > 0);
    const rows = problems.map((p) => {
      const label = csv ? (p.line && p.line > 0 ? fmtInt(p.line) : p.feature < 0 ? t("upload.wholeFile") : "—") : p.feature < 0 ? t("upload.wholeFile") : `#${p.feature}`;
      let where: Node | string = label;
      if (p.feature >= 0 && drawn.has(p.feature)) {
        const b = h("button", { type: "button", class: "link", title: t("upload.showOnMap") }, label);
        b.addEventListener("click", () => this.showFeature(p.feature));
        where = b;
      }
      const explanation = problemText(p.code);
      return h(
        "tr",
        { "data-feature": p.feature, "data-line": p.line ?? null, "data-code": p.code },
        h("td", {}, where),
        withLines ? h("td", { class: "num" }, p.line && p.line > 0 ? fmtInt(p.line) : "—") : null,
        h(
          "td",
          {},
          explanation ? h("strong", { class: "problem-title" }, explanation) : null,
          fieldText(p.field) ? h("span", { class: "problem-field" }, fieldText(p.field)) : null,
          // The service's own words are English: shown as the detail in English, or when no explanation exists.
          !explanation || lang() === "en" ? h("span", { class: "server-msg" }, p.message) : null,
        ),
      );
    });
    return h(
      "table",
      { class: "problems", id: "upload-problems" },
      h("caption", {}, t("upload.problems")),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, csv ? t("upload.line") : t("upload.feature")),
          withLines ? h("th", { scope: "col", class: "num" }, t("upload.line")) : null,
          h("th", { scope: "col" }, t("upload.problem")),
        ),
      ),
      h("tbody", {}, ...rows),
    );
  }

  private answerView(a: FilingAnswer, submitted: boolean): HTMLElement[] {
    const out: HTMLElement[] = [];
    if (submitted) {
      out.push(h("p", { class: "msg msg-ok", id: "upload-accepted" }, t("upload.okSubmit", { id: a.id ?? "?" })));
      if (a.figures_pending) out.push(h("p", { class: "help" }, t("upload.pending")));
    } else {
      out.push(h("p", { class: "msg msg-ok", id: "upload-valid" }, t("upload.okDry")));
    }
    if (a.report) {
      out.push(
        h(
          "p",
          { class: "help" },
          t("upload.report", {
            features: fmtInt(a.report.features),
            footprints: fmtInt(a.report.footprints),
            declarations: fmtInt(a.report.declarations),
            technologies: a.report.technologies.join(", ") || "—",
          }),
        ),
      );
    }
    if (a.supersedes) out.push(...this.supersedesView(a));
    const row = (label: string, field: string, f: (r: Rollup) => string, change: string) =>
      h("tr", { "data-field": field }, h("th", { scope: "row" }, label), h("td", { class: "num" }, f(a.before)), h("td", { class: "num" }, f(a.after)), h("td", { class: "num change" }, change));
    out.push(
      h(
        "table",
        { class: "before-after", id: "upload-figures" },
        h("caption", {}, t("upload.figures", { layer: layerTitle(this.deps.layerInfo(), a.layer) })),
        h(
          "thead",
          {},
          h("tr", {}, h("td"), h("th", { scope: "col", class: "num" }, t("upload.before")), h("th", { scope: "col", class: "num" }, t("upload.after")), h("th", { scope: "col", class: "num" }, t("upload.change"))),
        ),
        h(
          "tbody",
          {},
          row(t("upload.rowPeople"), "covered", (r) => fmtInt(r.covered), fmtSigned(a.change.covered)),
          row(t("upload.rowShare"), "share", (r) => fmtPct(r.share, 2), fmtPoints(a.change.share)),
          row(t("upload.rowCommunes", { threshold: fmtPct(a.before.reached_threshold, 0) }), "communes_reached", (r) => `${fmtInt(r.communes_reached)} / ${fmtInt(r.communes)}`, fmtSigned(a.change.communes_reached)),
        ),
      ),
    );
    if (!submitted && a.change.covered < 0) {
      out.push(
        h(
          "label",
          { class: "confirm", for: "upload-confirm" },
          h("input", { type: "checkbox", id: "upload-confirm", checked: this.confirmed }),
          " ",
          t("upload.confirmDrop", { people: fmtInt(-a.change.covered) }),
        ),
      );
    }
    return out;
  }

  /** The filings a dry run would replace, with what of each stops counting. */
  private supersedesView(a: FilingAnswer): HTMLElement[] {
    const gone = a.supersedes ?? [];
    if (!gone.length) return [h("p", { class: "help", id: "upload-supersedes-none" }, t("upload.supersedesNone"))];
    return [
      h(
        "table",
        { class: "supersedes", id: "upload-supersedes" },
        h("caption", {}, t("upload.supersedes")),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col" }, t("upload.supFiling")),
            h("th", { scope: "col" }, t("upload.supAsOf")),
            h("th", { scope: "col" }, t("upload.supTech")),
            h("th", { scope: "col", class: "num" }, t("upload.supItems")),
          ),
        ),
        h(
          "tbody",
          {},
          ...gone.map((f) =>
            h(
              "tr",
              { "data-filing": f.id },
              h("td", {}, `#${f.id} · ${layerTitle(this.deps.layerInfo(), f.layer)}${f.demo ? " " + t("upload.supDemo") : ""}`),
              h("td", {}, fmtDate(f.as_of)),
              h("td", {}, f.technologies.map(techName).join(", ")),
              h("td", { class: "num" }, `${fmtInt(f.footprints)} / ${fmtInt(f.declarations)}`),
            ),
          ),
        ),
      ),
    ];
  }
}

/** A small CSV reader (RFC 4180 quotes), enough to find each row's commune code. */
function parseCSV(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      field = "";
      if (row.length > 1 || row[0] !== "") rows.push(row);
      row = [];
    } else field += c;
  }
  if (field !== "" || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
