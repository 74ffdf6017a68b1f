// The province selector of a national store (issue 20): "Cả nước" (the
// whole store, the default) or one province, whose figures the summary, the
// gaps and the targets then show (?province=, &province= in the URL) and
// whose extent the map fits. A store of one province (Hòa Bình's) shows no
// selector: there is nothing to choose.
import type { Province } from "./api";
import { h } from "./dom";
import { t } from "./i18n";
import { parentText } from "./units";

/** The province of a GSO code, or null. */
export function findProvince(provinces: readonly Province[], code: string): Province | null {
  return provinces.find((p) => p.code === code) ?? null;
}

/** A territory as a target names it: "Toàn quốc" for "" (the whole store), "Tỉnh Phú Thọ" for a province's code (the code itself when unknown). */
export function territoryText(provinces: readonly Province[], territory: string): string {
  if (territory === "") return t("province.national");
  return parentText("province", findProvince(provinces, territory)?.name ?? territory);
}

/** The progress report's address in the page's language: of one province (with its targets and the national ones) when one is chosen. */
export function reportHref(lang: string, province: string | null): string {
  return `/api/v1/report?lang=${lang}${province ? `&province=${encodeURIComponent(province)}` : ""}`;
}

export interface ProvincePickerOptions {
  /** Called with the province chosen (its code), or null for the whole country. */
  onChange: (province: string | null) => void;
}

/** The selector in the page's header, hidden while the service has one province or none. */
export class ProvincePicker {
  readonly el: HTMLElement;
  private readonly select: HTMLSelectElement;
  private readonly label: HTMLLabelElement;
  private provinces: Province[] = [];
  private value: string | null = null;

  constructor(private readonly opt: ProvincePickerOptions) {
    this.label = h("label", { for: "province-select" });
    this.select = h("select", { id: "province-select" });
    this.el = h("div", { class: "province-picker", id: "province-picker", hidden: true }, this.label, this.select);
    this.select.addEventListener("change", () => {
      const v = this.select.value || null;
      if (v === this.value) return;
      this.value = v;
      this.opt.onChange(v);
    });
  }

  /** The provinces the service has, by code. */
  setProvinces(provinces: Province[]): void {
    this.provinces = provinces;
    this.render();
  }

  /** The province of a code, or null when the service has none such (a link's mistyped code). */
  find(code: string): Province | null {
    return findProvince(this.provinces, code);
  }

  /** Whether the selector is offered: the service has more than one province. */
  get shown(): boolean {
    return this.provinces.length > 1;
  }

  /** The provinces known (none before they are loaded or from an older service). */
  get list(): readonly Province[] {
    return this.provinces;
  }

  /** Shows a choice made elsewhere (the URL). */
  set(code: string | null): void {
    this.value = code;
    this.select.value = code && this.find(code) ? code : "";
  }

  render(): void {
    this.label.textContent = t("province.label");
    this.select.replaceChildren(h("option", { value: "" }, t("province.all")), ...this.provinces.map((p) => h("option", { value: p.code }, p.name)));
    this.el.hidden = !this.shown;
    this.set(this.value);
  }
}
