// The unit sets (versions of the administrative units: the 2019 communes,
// the 2020 mergers, the units of 1 July 2025): the picker that chooses the
// set every figure is asked on (?units=, &units= in the URL; by default the
// set in force on the map's date), the line that says which set is drawn,
// and how a unit's parent is named — a district (huyện) before the 2025
// reform, the province (tỉnh) after, nothing when the set does not say.
import type { ParentLevel, UnitSet, UnitsMember } from "./api";
import { h } from "./dom";
import { fmtDate, fmtInt, t } from "./i18n";

/** What a set is, in words: "210 xã/phường, từ 01/01/2020 đến 30/06/2025" (its validity only as far as it is known). */
export function setWhat(s: Pick<UnitSet, "units" | "valid_from" | "valid_to">): string {
  const parts = [t("units.count", { n: fmtInt(s.units) })];
  if (s.valid_from && s.valid_to) parts.push(t("units.fromTo", { from: fmtDate(s.valid_from), to: fmtDate(s.valid_to) }));
  else if (s.valid_from) parts.push(t("units.from", { from: fmtDate(s.valid_from) }));
  else if (s.valid_to) parts.push(t("units.to", { to: fmtDate(s.valid_to) }));
  return parts.join(", ");
}

/**
 * A unit's parent as the page names it: a district's name as stored (it
 * carries its type, "Huyện Tân Lạc"), the province's with "Tỉnh" in front
 * unless the name has it already, and "" when the level is unknown.
 */
export function parentText(level: ParentLevel | undefined, name: string | undefined): string {
  if (!name) return "";
  if (level === "province") return /^tỉnh\s/i.test(name) ? name : t("parent.province", { name });
  return level === "" ? "" : name;
}

/**
 * The level of the parents of an answer's units: the set's, or "district"
 * for an older service that names no set (its parents were districts).
 */
export function parentLevel(units: Pick<UnitsMember, "parent_level"> | undefined): ParentLevel {
  return units ? units.parent_level : "district";
}

/** The set of a name or id as ?units= takes it (a name first, as the service does), or null. */
export function findSet(sets: readonly UnitSet[], ref: string): UnitSet | null {
  return sets.find((s) => s.name === ref) ?? sets.find((s) => String(s.id) === ref) ?? null;
}

export interface UnitsPickerOptions {
  /** Called with the set chosen (its name), or null for the set in force on the date. */
  onChange: (units: string | null) => void;
}

/**
 * The set picker: "By date (automatic)" and one option per set. Hidden while
 * the service has one set or none (nothing to choose), as is the line
 * saying which set is drawn.
 */
export class UnitsPicker {
  readonly el: HTMLElement;
  private readonly select: HTMLSelectElement;
  private readonly label: HTMLLabelElement;
  private readonly hint: HTMLElement;
  private readonly drawnLine: HTMLElement;
  private sets: UnitSet[] = [];
  private value: string | null = null;
  private drawn: UnitsMember | null = null;

  constructor(private readonly opt: UnitsPickerOptions) {
    this.label = h("label", { for: "units-select" });
    this.select = h("select", { id: "units-select", "aria-describedby": "units-hint units-drawn" });
    this.hint = h("p", { class: "help", id: "units-hint" });
    this.drawnLine = h("p", { class: "units-drawn", id: "units-drawn", role: "status" });
    this.el = h("div", { class: "field units-picker", id: "units-picker", hidden: true }, this.label, this.select, this.hint, this.drawnLine);
    this.select.addEventListener("change", () => {
      const v = this.select.value || null;
      if (v === this.value) return;
      this.value = v;
      this.opt.onChange(v);
    });
  }

  /** The sets the service has, earliest first. */
  setSets(sets: UnitSet[]): void {
    this.sets = sets;
    this.render();
  }

  /**
   * The set of a name or id as ?units= takes it, or null when the service
   * has none such (a link's mistyped set).
   */
  find(ref: string): UnitSet | null {
    return findSet(this.sets, ref);
  }

  /** How many sets the service has (0 before they are known or from an older service). */
  get count(): number {
    return this.sets.length;
  }

  /** Shows a choice made elsewhere (the URL). */
  set(units: string | null): void {
    this.value = units;
    this.sync();
  }

  /** Says which set the figures drawn are on (the layer's answer's units). */
  showDrawn(units: UnitsMember | undefined): void {
    this.drawn = units ?? null;
    this.sync();
  }

  render(): void {
    this.label.textContent = t("units.label");
    this.hint.textContent = t("units.hint");
    this.select.replaceChildren(
      h("option", { value: "" }, t("units.auto")),
      ...this.sets.map((s) => h("option", { value: s.name }, [t("units.option", { name: s.name, what: setWhat(s) }), s.in_force ? t("units.inForce") : ""].filter(Boolean).join(" "))),
    );
    this.el.hidden = this.sets.length < 2;
    this.sync();
  }

  private sync(): void {
    // A set named by its id in a link shows as its option.
    const chosen = this.value ? this.find(this.value) : null;
    this.select.value = chosen ? chosen.name : "";
    const d = this.drawn;
    this.drawnLine.hidden = !d;
    this.drawnLine.textContent = d ? t("units.drawn", { name: d.name, what: setWhat(d) }) : "";
    if (d) this.drawnLine.dataset.units = d.name;
    else delete this.drawnLine.dataset.units;
  }
}
