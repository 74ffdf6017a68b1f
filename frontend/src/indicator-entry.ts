// Entering indicator values, for an admin: a form for one value (an
// entered indicator, its date, optionally a commune or district, the value
// or its numerator and denominator, the source) sent to
// POST /api/v1/indicators/{id}/values, and a CSV upload sent to
// POST /api/v1/indicators/import. The service checks everything and lists
// every problem at once; each is shown beside its field (or its CSV line)
// in the user's language, with the service's own message. The admin token
// is kept like the provider's (token.ts), under its own key.
import { ApiError, fetchJSON, type CommuneCollection, type Indicator, type IndicatorBoard, type IndicatorProblem } from "./api";
import { h, replace } from "./dom";
import { fmtInt, isKey, t, type Key } from "./i18n";
import { indicatorTitle } from "./indicators";
import { readToken, tokenField } from "./token";

const TOKEN_KEY = "phusong.adminToken";

export interface EntryOptions {
  communes: () => CommuneCollection | null;
  /** Reloads the board (and the map's indicator) after values were stored. */
  refresh: () => Promise<void>;
}

/** The form's fields, by the name the service gives them in its problems. */
const FIELDS = ["indicator", "as_of", "unit_code", "value", "numerator", "denominator", "source"] as const;
type Field = (typeof FIELDS)[number];

/** A number as typed: "72,5" or "72.5" (a comma is the Vietnamese decimal mark); null when it is not one. */
export function parseNumber(s: string): number | null {
  const v = s.trim().replace(/\s/g, "");
  if (!/^-?\d+([.,]\d+)?$/.test(v)) return null;
  return Number(v.replace(",", "."));
}

/** The field a problem is about: "values[0].source" → "source". */
function fieldOf(p: IndicatorProblem): string {
  const f = p.field.replace(/\[\d+\]/g, "");
  return f.slice(f.lastIndexOf(".") + 1);
}

/** The explanation of a problem in the user's language: by its code, else by its field, else "". */
function explain(p: IndicatorProblem): string {
  const k = `indproblem.${p.code}`;
  if (isKey(k)) return t(k);
  const f = `indfield.${fieldOf(p)}`;
  return isKey(f) ? t("indproblem.field", { field: t(f as Key) }) : "";
}

type Outcome =
  | { kind: "idle" }
  | { kind: "busy" }
  | { kind: "stored"; n: number }
  | { kind: "problems"; problems: IndicatorProblem[] }
  | { kind: "error"; message: string };

export class IndicatorEntry {
  readonly el: HTMLElement;
  private indicators: Indicator[] = [];
  private chosen = "";
  private mode: "value" | "fraction" = "value";
  private form: Record<Field, string> = { indicator: "", as_of: new Date().toISOString().slice(0, 10), unit_code: "", value: "", numerator: "", denominator: "", source: "" };
  private outcome: Outcome = { kind: "idle" };
  private csv: { name: string; text: string } | null = null;
  private csvOutcome: Outcome = { kind: "idle" };
  private open = false;

  constructor(private readonly o: EntryOptions) {
    this.el = h("section", { class: "ind-entry", id: "indicator-entry", "aria-labelledby": "indicator-entry-title" });
  }

  /** The entered indicators of the board, for the form's list. */
  setBoard(b: IndicatorBoard): void {
    this.indicators = b.indicators.filter((x) => x.kind === "entered");
    if (!this.indicators.some((x) => x.id === this.chosen)) this.chosen = this.indicators[0]?.id ?? "";
    this.render();
  }

  private problemsByField(): Map<string, IndicatorProblem[]> {
    const m = new Map<string, IndicatorProblem[]>();
    if (this.outcome.kind !== "problems") return m;
    for (const p of this.outcome.problems) {
      const f = (FIELDS as readonly string[]).includes(fieldOf(p)) ? fieldOf(p) : "";
      m.set(f, [...(m.get(f) ?? []), p]);
    }
    return m;
  }

  /** A labelled input with its problems under it (aria-invalid and described by them). */
  private input(field: Field, label: string, attrs: Record<string, string | boolean>, problems: Map<string, IndicatorProblem[]>, help?: string): HTMLElement {
    const id = `value-${field.replaceAll("_", "-")}`;
    const mine = problems.get(field) ?? [];
    const input = h("input", { id, name: field, value: this.form[field], "aria-invalid": mine.length ? "true" : undefined, "aria-describedby": [help ? `${id}-help` : "", mine.length ? `${id}-error` : ""].join(" ").trim() || undefined, ...attrs });
    input.addEventListener("input", () => (this.form[field] = input.value));
    return h(
      "div",
      { class: `field${mine.length ? " has-problem" : ""}`, "data-field": field },
      h("label", { for: id }, label),
      input,
      help ? h("p", { class: "help", id: `${id}-help` }, help) : null,
      mine.length ? h("p", { class: "field-error", id: `${id}-error` }, ...mine.map((p) => problemLine(p))) : null,
    );
  }

  render(): void {
    const problems = this.problemsByField();
    const select = h(
      "select",
      { id: "value-indicator", name: "indicator" },
      ...this.indicators.map((x) => h("option", { value: x.id, selected: x.id === this.chosen }, indicatorTitle(x))),
    );
    select.addEventListener("change", () => {
      this.chosen = select.value;
      this.render();
    });
    const ind = this.indicators.find((x) => x.id === this.chosen);
    const modes = h(
      "div",
      { class: "overlay-options ind-modes", role: "radiogroup", "aria-label": t("ind.form.mode") },
      ...(["value", "fraction"] as const).map((m) => {
        const r = h("input", { type: "radio", name: "value-mode", id: `value-mode-${m}`, value: m, checked: this.mode === m });
        r.addEventListener("change", () => {
          if (r.checked) {
            this.mode = m;
            this.render();
          }
        });
        return h("div", { class: "overlay-option" }, r, h("label", { for: `value-mode-${m}` }, t(m === "value" ? "ind.form.modeValue" : "ind.form.modeFraction")));
      }),
    );
    const unitList = h("datalist", { id: "value-unit-list" }, ...this.unitOptions());
    const decimal = { inputmode: "decimal", autocomplete: "off", type: "text" };
    const formEl = h(
      "form",
      { id: "value-form", novalidate: true },
      h("div", { class: "field", "data-field": "indicator" }, h("label", { for: "value-indicator" }, t("ind.form.indicator")), select, ...(problems.get("indicator") ?? []).map((p) => h("p", { class: "field-error" }, problemLine(p)))),
      ind ? h("p", { class: "help" }, t("ind.form.unitOf", { unit: t(`ind.unit.${ind.unit}` as Key) })) : null,
      h(
        "div",
        { class: "field-row" },
        this.input("as_of", t("ind.form.asOf"), { type: "date", required: true }, problems),
        this.input("unit_code", t("ind.form.unit"), { type: "text", list: "value-unit-list", autocomplete: "off" }, problems, t("ind.form.unitHelp")),
      ),
      unitList,
      h("fieldset", { class: "field" }, h("legend", {}, t("ind.form.mode")), modes),
      this.mode === "value"
        ? this.input("value", ind?.unit === "percent" ? t("ind.form.valuePercent") : t("ind.form.value"), decimal, problems)
        : h("div", { class: "field-row" }, this.input("numerator", t("ind.form.numerator"), decimal, problems), this.input("denominator", t("ind.form.denominator"), decimal, problems)),
      this.input("source", t("ind.form.source"), { type: "text", required: true, autocomplete: "off" }, problems, t("ind.form.sourceHelp")),
      h("div", { class: "actions" }, h("button", { type: "submit", class: "btn btn-primary", id: "value-submit", disabled: this.outcome.kind === "busy" || !ind }, t("ind.form.submit"))),
      h("div", { id: "value-result", class: "upload-result", role: "status", "aria-live": "polite", tabindex: "-1" }, ...this.outcomeView(this.outcome, problems.get("") ?? [], "value")),
    );
    formEl.addEventListener("submit", (e) => {
      e.preventDefault();
      void this.submit();
    });

    const file = h("input", { id: "indicator-csv", type: "file", accept: ".csv,text/csv" });
    file.addEventListener("change", () => {
      const f = file.files?.[0];
      if (!f) return;
      void f.text().then((text) => {
        this.csv = { name: f.name, text };
        this.csvOutcome = { kind: "idle" };
        this.render();
      });
    });
    const importBtn = h("button", { type: "button", class: "btn", id: "indicator-import", disabled: !this.csv || this.csvOutcome.kind === "busy" }, t("ind.csv.import"));
    importBtn.addEventListener("click", () => void this.importCSV());

    const details = h(
      "details",
      { class: "ind-admin", id: "indicator-admin", open: this.open },
      h("summary", { id: "indicator-entry-title" }, t("ind.form.title")),
      h("p", { class: "help" }, t("ind.form.intro")),
      tokenField("indicator-token", TOKEN_KEY, t("ind.form.token"), t("ind.form.tokenHelp")),
      h("h3", { class: "ind-subtitle" }, t("ind.form.one")),
      formEl,
      h("h3", { class: "ind-subtitle" }, t("ind.csv.title")),
      h("p", { class: "help" }, t("ind.csv.help")),
      h("div", { class: "field" }, h("label", { for: "indicator-csv" }, t("ind.csv.file")), file, this.csv ? h("p", { class: "help" }, this.csv.name) : null),
      h("div", { class: "actions" }, importBtn),
      h("div", { id: "indicator-csv-result", class: "upload-result", role: "status", "aria-live": "polite", tabindex: "-1" }, ...this.outcomeView(this.csvOutcome, this.csvOutcome.kind === "problems" ? this.csvOutcome.problems : [], "csv")),
    );
    details.addEventListener("toggle", () => (this.open = details.open));
    replace(this.el, details);
  }

  /** The communes (and their districts) of the map, for the unit field's suggestions. */
  private unitOptions(): HTMLOptionElement[] {
    const fc = this.o.communes();
    if (!fc) return [];
    const districts = new Map<string, string>();
    const out: HTMLOptionElement[] = [];
    for (const f of fc.features) {
      const p = f.properties;
      out.push(h("option", { value: p.code }, `${p.name} — ${p.district}`));
      if (p.district_code) districts.set(p.district_code, p.district);
    }
    for (const [code, name] of districts) out.push(h("option", { value: code }, name));
    return out;
  }

  /** The unit's code from what was typed: a code as it is, or a commune's or district's name (any case). */
  private unitCode(typed: string): string {
    const s = typed.trim();
    const fc = this.o.communes();
    if (!s || !fc) return s;
    const norm = (x: string) => x.normalize("NFC").toLocaleLowerCase("vi");
    const byName = fc.features.filter((f) => norm(f.properties.name) === norm(s));
    if (fc.features.some((f) => f.properties.code === s)) return s;
    if (byName.length === 1) return byName[0].properties.code;
    const district = fc.features.find((f) => norm(f.properties.district) === norm(s));
    return district?.properties.district_code || s;
  }

  private async submit(): Promise<void> {
    const token = readToken(TOKEN_KEY);
    const local: IndicatorProblem[] = [];
    if (!token) local.push({ field: "token", code: "need_token", message: "" });
    const row: Record<string, string | number> = { as_of: this.form.as_of, unit_code: this.unitCode(this.form.unit_code), source: this.form.source.trim() };
    const numbers: Field[] = this.mode === "value" ? ["value"] : ["numerator", "denominator"];
    for (const f of numbers) {
      if (this.form[f].trim() === "") continue; // the service says what is missing
      const v = parseNumber(this.form[f]);
      if (v === null) local.push({ field: f, code: "not_a_number", message: this.form[f] });
      else row[f] = v;
    }
    if (local.length) {
      this.outcome = { kind: "problems", problems: local };
      this.render();
      return this.focusFirstProblem();
    }
    this.outcome = { kind: "busy" };
    this.render();
    try {
      const answer = await fetchJSON<{ values?: unknown[] }>(`/api/v1/indicators/${encodeURIComponent(this.chosen)}/values`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ values: [row] }),
      });
      this.outcome = { kind: "stored", n: Array.isArray(answer.values) ? answer.values.length : 1 };
      this.form.value = this.form.numerator = this.form.denominator = "";
      await this.o.refresh();
    } catch (e) {
      this.outcome = failure(e);
    }
    this.render();
    if (this.outcome.kind === "problems") this.focusFirstProblem();
    else document.getElementById("value-result")?.focus();
  }

  private focusFirstProblem(): void {
    const el = this.el.querySelector<HTMLElement>("[aria-invalid=true]") ?? document.getElementById("value-result");
    el?.focus();
  }

  private async importCSV(): Promise<void> {
    const token = readToken(TOKEN_KEY);
    if (!token) {
      this.csvOutcome = { kind: "problems", problems: [{ field: "token", code: "need_token", message: "" }] };
      return this.render();
    }
    if (!this.csv) return;
    this.csvOutcome = { kind: "busy" };
    this.render();
    try {
      const answer = await fetchJSON<{ values?: unknown[]; stored?: number }>("/api/v1/indicators/import", {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "text/csv", Accept: "application/json" },
        body: this.csv.text,
      });
      this.csvOutcome = { kind: "stored", n: answer.stored ?? (Array.isArray(answer.values) ? answer.values.length : 0) };
      await this.o.refresh();
    } catch (e) {
      this.csvOutcome = failure(e);
    }
    this.render();
    document.getElementById("indicator-csv-result")?.focus();
  }

  /** What the last submission gave: stored, every problem, or an error. */
  private outcomeView(o: Outcome, problems: IndicatorProblem[], what: "value" | "csv"): HTMLElement[] {
    switch (o.kind) {
      case "idle":
        return [];
      case "busy":
        return [h("p", { class: "muted" }, t("ind.form.sending"))];
      case "error":
        return [h("p", { class: "msg msg-error" }, o.message)];
      case "stored":
        return [h("p", { class: "msg msg-ok", id: `${what}-stored` }, t(what === "csv" ? "ind.csv.stored" : "ind.form.stored", { n: fmtInt(o.n), count: o.n }))];
      case "problems": {
        const all = o.problems;
        const head = h("p", { class: "msg msg-error", id: `${what}-rejected` }, t("ind.form.rejected", { n: fmtInt(all.length), count: all.length }));
        if (what === "value") return [head, ...problems.map((p) => h("p", { class: "field-error" }, problemLine(p)))];
        return [head, problemsTable(all)];
      }
    }
  }
}

/** One problem: its explanation in the user's language, then the service's own words. */
function problemLine(p: IndicatorProblem): HTMLElement {
  const text = p.code === "need_token" ? t("ind.form.needToken") : p.code === "not_a_number" ? t("ind.form.notNumber", { v: p.message }) : explain(p);
  const server = p.code === "need_token" || p.code === "not_a_number" ? "" : p.message;
  return h(
    "span",
    { class: "problem", "data-field": fieldOf(p), "data-code": p.code },
    text ? h("strong", { class: "problem-title" }, text) : null,
    server && server !== text ? h("span", { class: "server-msg", lang: "en" }, server) : null,
  );
}

function problemsTable(problems: IndicatorProblem[]): HTMLElement {
  return h(
    "table",
    { class: "problems", id: "indicator-csv-problems" },
    h("caption", {}, t("upload.problems")),
    h("thead", {}, h("tr", {}, h("th", { scope: "col", class: "num" }, t("upload.line")), h("th", { scope: "col" }, t("ind.csv.column")), h("th", { scope: "col" }, t("upload.problem")))),
    h(
      "tbody",
      {},
      ...problems.map((p) =>
        h(
          "tr",
          { "data-code": p.code, "data-line": p.index ?? "" },
          h("td", { class: "num" }, p.index !== undefined && p.index > 0 ? fmtInt(p.index) : "—"),
          h("td", {}, p.field ? h("code", {}, p.field) : "—"),
          h("td", {}, problemLine(p)),
        ),
      ),
    ),
  );
}

/** An answer other than 2xx: its listed problems, or a sentence. */
function failure(e: unknown): Outcome {
  if (e instanceof ApiError) {
    const listed = e.problem?.problems as unknown as IndicatorProblem[] | undefined;
    if (listed && listed.length) return { kind: "problems", problems: listed };
    if (e.status === 401 || e.status === 403) return { kind: "error", message: t("ind.form.refused", { detail: e.message }) };
    return { kind: "error", message: t("app.error", { detail: `${e.status} ${e.message}` }) };
  }
  return { kind: "error", message: t("app.error", { detail: String(e) }) };
}
