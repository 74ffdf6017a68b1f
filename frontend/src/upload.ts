// The provider upload page: a token (token.ts: kept in sessionStorage for
// this browser session only, never in the URL), a GeoJSON or CSV file, a dry
// run that shows the validation report or the figures before and after,
// then the submission. The file's features are drawn on the map, those with
// problems in magenta.
import type { Feature, FeatureCollection, Geometry } from "geojson";
import { ApiError, LAYERS, fetchJSON, type CommuneCollection, type FilingAnswer, type FilingProblem, type LayerId, type LayerInfo, type Rollup } from "./api";
import { layerTitle } from "./card";
import { h, replace } from "./dom";
import { fieldText, fmtBytes, fmtDate, fmtInt, fmtPct, fmtPoints, fmtSigned, httpProblemText, lang, problemHintText, problemText, t, techName } from "./i18n";
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
  /** GeoJSON: whether the file names a valid layer and a date YYYY-MM-DD of its own. */
  hasLayer: boolean;
  hasAsOf: boolean;
  /** The file's features for the map, worked out once per file (features()). */
  drawable?: { geometry: Geometry; index: number }[];
  /** Whether the page changed the file (restored leading zeros). */
  edited?: boolean;
}

/** Whether a file is CSV: by its extension first (.geojson and .json are JSON whatever they hold), then by its content. */
export function isCSV(name: string, type: string, text: string): boolean {
  if (/\.(geo)?json$/i.test(name)) return false;
  const json = /^\uFEFF?\s*[{[]/.test(text);
  if (/\.csv$/i.test(name) || type === "text/csv") return !json; // a CSV never opens with { or [
  if (/json/i.test(type)) return false;
  return !json;
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
  /** What the map shows of the file (file, problems): the same is not sent to the map again. */
  private drawnKey = "";

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
    return [this.file.name, this.file.size, this.file.text.length, this.file.edited ? "edited" : "", this.csvLayer, this.csvAsOf].join("|");
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
    if (this.file && (this.file.csv || this.file.json)) {
      const csv = this.file.csv;
      const layerSelect = h(
        "select",
        { id: "upload-layer", "aria-describedby": csv ? null : "upload-options-help" },
        // A GeoJSON file without a layer of its own: nothing chosen until the provider chooses.
        !csv && !this.csvLayer ? h("option", { value: "", selected: true }, t("upload.chooseLayer")) : null,
        ...LAYERS.map((id) => h("option", { value: id, selected: id === this.csvLayer }, layerTitle(this.deps.layerInfo(), id))),
      );
      layerSelect.addEventListener("change", () => {
        this.csvLayer = layerSelect.value as LayerId;
        this.invalidate();
      });
      const asOf = h("input", { id: "upload-asof", type: "date", value: this.csvAsOf, required: true, "aria-describedby": csv ? null : "upload-options-help" });
      asOf.addEventListener("change", () => {
        this.csvAsOf = asOf.value;
        this.invalidate();
      });
      const help = csv ? null : [!this.file.hasAsOf ? t("upload.noAsOf") : "", !this.file.hasLayer ? t("upload.noLayer") : "", this.file.hasAsOf && this.file.hasLayer ? t("upload.fromFile") : ""].filter(Boolean).join(" ");
      csvOptions = h(
        "div",
        {},
        h(
          "div",
          { class: "field-row" },
          h("div", { class: "field" }, h("label", { for: "upload-layer" }, csv ? t("upload.csvLayer") : t("upload.layer")), layerSelect),
          h("div", { class: "field" }, h("label", { for: "upload-asof" }, csv ? t("upload.csvAsOf") : t("upload.asOf")), asOf),
        ),
        help ? h("p", { class: "help", id: "upload-options-help" }, help) : null,
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
    const csv = isCSV(f.name, f.type, text);
    let json: unknown = null;
    if (!csv) {
      try {
        json = JSON.parse(text.replace(/^\uFEFF/, ""));
      } catch {
        json = null; // the service reports where the syntax breaks
      }
    }
    const head = (json ?? {}) as { layer?: unknown; as_of?: unknown };
    const layer = typeof head.layer === "string" && (LAYERS as readonly string[]).includes(head.layer) ? (head.layer as LayerId) : null;
    const asOf = typeof head.as_of === "string" && /^\d{4}-\d{2}-\d{2}$/.test(head.as_of) ? head.as_of : null;
    this.file = { name: f.name, size: f.size, text, csv, json, hasLayer: !!layer, hasAsOf: !!asOf };
    if (!csv) {
      // The fields start from the file's own layer and date; a file without them gets them here.
      this.csvLayer = layer ?? ("" as LayerId);
      this.csvAsOf = asOf ?? "";
    } else {
      this.csvLayer ||= "broadband";
      this.csvAsOf ||= new Date().toISOString().slice(0, 10);
    }
    if (layer) this.deps.showLayer(layer);
    this.drawnKey = "";
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
    if (!this.file.csv && this.file.json && !this.csvLayer) return this.fail(t("upload.needLayer"), "upload-layer");
    if (!this.file.csv && this.file.json && !this.csvAsOf) return this.fail(t("upload.needAsOf"), "upload-asof");
    const q = new URLSearchParams();
    if (dryRun) q.set("dry_run", "true");
    // For CSV the only place of the layer and date; for GeoJSON they take the place of the file's.
    if (this.csvLayer) q.set("layer", this.csvLayer);
    if (this.csvAsOf) q.set("as_of", this.csvAsOf);
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
      // The answer first; the map after, and only what changed on it.
      this.shown();
      this.deps.showLayer(answer.layer);
      await this.draw(new Set(), false);
      if (!dryRun) await Promise.all([this.deps.refresh(), this.mine.reloadIfOpen()]);
      return;
    } catch (e) {
      this.validated = null;
      if (e instanceof ApiError && e.status === 422 && e.problem?.problems) {
        const problems = e.problem.problems;
        this.outcome = { kind: "problems", problems, truncated: !!e.problem.problems_truncated };
        this.shown();
        await this.draw(new Set(problems.map((p) => p.feature)));
        return;
      } else if (e instanceof ApiError) {
        this.outcome = { kind: "error", message: t("upload.failed", { status: e.status, detail: httpProblemText(e) }) };
      } else {
        this.outcome = { kind: "error", message: t("upload.failed", { status: "—", detail: String(e) }) };
      }
    }
    this.shown();
  }

  /** Shows the outcome and moves the focus to it. */
  private shown(): void {
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
    if (!this.file) return [];
    if (!this.file.drawable || this.file.drawable.length === 0) this.file.drawable = this.readFeatures();
    return this.file.drawable;
  }

  private readFeatures(): { geometry: Geometry; index: number }[] {
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
        // A position out of range (latitude and longitude swapped) cannot be drawn: the problem says where it is.
        if (drawablePositions(g.coordinates)) out.push({ geometry: g, index: i });
        return;
      }
      const code = (f?.properties as { commune_code?: unknown } | null | undefined)?.commune_code;
      const cg = typeof code === "string" ? byCode.get(code) : undefined;
      if (cg) out.push({ geometry: cg, index: i });
    });
    return out;
  }

  /**
   * Draws the file's features, those with problems filled and on top, and
   * with move brings them into view: the problem features all (at once, no
   * animation), else the file. The same drawing is not sent to the map
   * again (a large file's features are tiled anew on every change).
   */
  private async draw(problems: Set<number>, move = true): Promise<void> {
    const features = this.features();
    const key = `${this.file?.name}|${this.file?.text.length}|${[...problems].join(",")}`;
    if (key !== this.drawnKey) {
      this.drawnKey = key;
      const fc: FeatureCollection = {
        type: "FeatureCollection",
        features: features.map(({ geometry, index }) => ({ type: "Feature", geometry, properties: { index, problem: problems.has(index) } })),
      };
      await this.deps.map.setUpload(fc.features.length ? fc : null);
    }
    if (!move) return;
    const wanted = features.filter((f) => problems.has(f.index));
    if (wanted.length) this.deps.map.fitGeometry({ type: "GeometryCollection", geometries: wanted.map((f) => f.geometry) }, 12);
    else if (features.length) this.deps.map.fitGeometry({ type: "GeometryCollection", geometries: features.map((f) => f.geometry) }, 10);
  }

  private showFeature(index: number): void {
    const f = this.features().find((x) => x.index === index);
    if (f) this.deps.map.fitGeometry(f.geometry, 12);
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
      const hint = problemHintText(p.hint, p.suggestion);
      return h(
        "tr",
        { "data-feature": p.feature, "data-line": p.line ?? null, "data-code": p.code },
        h("td", {}, where),
        withLines ? h("td", { class: "num" }, p.line && p.line > 0 ? fmtInt(p.line) : "—") : null,
        h(
          "td",
          {},
          explanation ? h("strong", { class: "problem-title" }, explanation) : null,
          p.line && p.column ? h("span", { class: "problem-where" }, " " + t("upload.atLineCol", { line: fmtInt(p.line), column: fmtInt(p.column) })) : null,
          p.line && p.column ? this.snippet(p.line, p.column) : null,
          fieldText(p.field) ? h("span", { class: "problem-field" }, fieldText(p.field)) : null,
          hint ? h("span", { class: "problem-hint", "data-hint": p.hint ?? null, "data-suggestion": p.suggestion ?? null }, hint) : null,
          // The service's own words are English: shown as the detail in English, or when no explanation exists.
          !explanation || lang() === "en" ? h("span", { class: "server-msg" }, p.message) : null,
        ),
      );
    });
    const table = h(
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
    const zeros = problems.filter((p) => p.hint === "leading_zeros" && p.suggestion && p.feature >= 0);
    if (!zeros.length) return table;
    const fix = h("button", { type: "button", class: "btn", id: "upload-restore-zeros" }, t("upload.restoreZeros", { n: fmtInt(zeros.length), count: zeros.length }));
    fix.addEventListener("click", () => void this.restoreZeros(zeros));
    return h("div", {}, table, fix);
  }

  /** The file's line, around column, with the character there marked (a JSON syntax error). */
  private snippet(line: number, column: number): HTMLElement | null {
    const text = this.file?.text.replace(/^\uFEFF/, "");
    if (text === undefined) return null;
    const src = text.split("\n")[line - 1];
    if (src === undefined) return null;
    const chars = Array.from(src.replace(/\r$/, ""));
    const at = column - 1;
    const from = Math.max(0, at - 30);
    const to = Math.min(chars.length, at + 30);
    return h(
      "code",
      { class: "problem-snippet", "data-line": line, "data-column": column },
      (from > 0 ? "…" : "") + chars.slice(from, at).join(""),
      h("mark", {}, chars[at] ?? " "),
      chars.slice(at + 1, to).join("") + (to < chars.length ? "…" : ""),
    );
  }

  /**
   * Writes the suggested codes into the file as sent (not the provider's
   * file on disk) and checks it again: a spreadsheet's 4882 becomes 04882.
   */
  private async restoreZeros(zeros: FilingProblem[]): Promise<void> {
    const f = this.file;
    if (!f) return;
    const byFeature = new Map(zeros.map((p) => [p.feature, p.suggestion as string]));
    let text = f.text;
    if (f.csv) {
      const lines = text.split("\n");
      const header = parseCSV(lines[0] ?? "")[0]?.map((c) => c.replace(/^\uFEFF/, "").trim().toLowerCase()) ?? [];
      const col = header.indexOf("commune_code");
      for (const p of zeros) {
        const i = (p.line ?? 0) - 1;
        const cells = i > 0 && col >= 0 ? parseCSV(lines[i] ?? "")[0] : undefined;
        if (!cells) continue;
        cells[col] = byFeature.get(p.feature) ?? cells[col];
        const cr = lines[i].endsWith("\r") ? "\r" : "";
        lines[i] = cells.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(",") + cr;
      }
      text = lines.join("\n");
    } else {
      const features = (f.json as { features?: { properties?: Record<string, unknown> | null }[] } | null)?.features;
      if (!Array.isArray(features)) return;
      for (const [i, code] of byFeature) {
        const props = features[i]?.properties;
        if (props) props.commune_code = code;
      }
      text = JSON.stringify(f.json);
    }
    this.file = { ...f, text, size: new Blob([text]).size, drawable: undefined, edited: true };
    this.drawnKey = "";
    await this.send(true);
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

/** Whether every position of a geometry's coordinates is a longitude and latitude the map can draw. */
function drawablePositions(c: unknown): boolean {
  if (!Array.isArray(c)) return false;
  if (typeof c[0] === "number") return Math.abs(c[0]) <= 180 && Math.abs(Number(c[1])) <= 90;
  return c.every(drawablePositions);
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
