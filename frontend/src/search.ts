// The commune finder: a type-ahead over the communes' names (WAI-ARIA
// combobox with a listbox popup). It ignores the type word (Xã, Phường,
// Thị trấn, also typed without tone marks: "xa", "phuong", "thi tran") and
// diacritics ("tan lac" finds "Xã Tân Lạc", "dong" finds "Đồng"), ranks the
// names that start with what was typed first, then those with a word that
// does, then the rest that contain it, and shows each commune's district,
// since two districts may have communes of the same name. Arrow keys move
// through the list, Enter chooses, Escape closes it (and clears the text
// when it is already closed).
import type { CommuneProps } from "./api";
import { h } from "./dom";
import { t } from "./i18n";
import { parentText } from "./units";

/** At most this many communes are listed at once; the count says how many match. */
const SHOWN = 12;

/** A text folded for matching: lower case, no tone marks or other diacritics, đ as d, single spaces. */
export function fold(s: string): string {
  return s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[đĐ]/g, "d")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** The type words that start a commune's name, folded, longest first. */
const TYPE_WORDS = ["thi tran", "phuong", "xa", "tt"];

/** A folded name or query without its leading type word ("xa tan lac" → "tan lac"). */
export function stripType(folded: string): string {
  for (const w of TYPE_WORDS) {
    if (folded === w) return "";
    if (folded.startsWith(w + " ")) return folded.slice(w.length + 1);
  }
  return folded;
}

interface Entry {
  code: string;
  name: string;
  district: string;
  /** The name folded, without its type word. */
  key: string;
  /** The district folded. */
  districtKey: string;
}

/**
 * How well an entry matches a folded query: 0 the name starts with it,
 * 1 a word of the name does, 2 the name contains it, 3 only the name and
 * district together do ("tan lac lac son"); -1 no match.
 */
export function rank(e: Pick<Entry, "key" | "districtKey">, q: string): number {
  if (!q) return -1;
  if (e.key.startsWith(q)) return 0;
  if (` ${e.key}`.includes(` ${q}`)) return 1;
  if (e.key.includes(q)) return 2;
  if (`${e.key} ${stripType(e.districtKey)}`.includes(q) || `${e.key} ${e.districtKey}`.includes(q)) return 3;
  return -1;
}

export interface CommuneSearchOptions {
  /** Called with the commune chosen. */
  onSelect: (code: string) => void;
}

export class CommuneSearch {
  readonly input: HTMLInputElement;
  private readonly list: HTMLUListElement;
  private readonly status: HTMLElement;
  private entries: Entry[] = [];
  private matches: Entry[] = [];
  private total = 0;
  private active = -1;
  private selected: string | null = null;
  private readonly collator = new Intl.Collator("vi");

  constructor(
    box: HTMLElement,
    private readonly opt: CommuneSearchOptions,
  ) {
    this.input = h("input", {
      id: "commune-search",
      type: "text",
      role: "combobox",
      autocomplete: "off",
      spellcheck: "false",
      "aria-autocomplete": "list",
      "aria-expanded": "false",
      "aria-controls": "commune-options",
      "aria-describedby": "commune-search-hint",
    });
    this.list = h("ul", { id: "commune-options", class: "combo-list", role: "listbox", hidden: true });
    this.status = h("p", { class: "visually-hidden", id: "commune-search-status", role: "status" });
    box.append(this.input, this.list, h("p", { class: "help", id: "commune-search-hint" }), this.status);
    this.render();
    this.input.addEventListener("input", () => this.search(true));
    this.input.addEventListener("keydown", (e) => this.key(e));
    this.input.addEventListener("focus", () => this.input.select());
    // Leaving the field closes the list and shows the chosen commune's name again.
    this.input.addEventListener("blur", () => {
      this.close();
      this.showSelected();
    });
    // Clicks on an option must not take the focus from the field first.
    this.list.addEventListener("mousedown", (e) => e.preventDefault());
    this.list.addEventListener("click", (e) => {
      const li = (e.target as HTMLElement).closest<HTMLElement>("[role=option]");
      if (li?.dataset.code) this.choose(li.dataset.code);
    });
  }

  /** The texts of the current language. */
  render(): void {
    this.input.placeholder = t("search.placeholder");
    this.list.setAttribute("aria-label", t("search.listLabel"));
    const hint = this.list.parentElement?.querySelector("#commune-search-hint");
    if (hint) hint.textContent = t("search.hint");
    if (!this.list.hidden) this.search(false);
  }

  /** The communes to search. */
  set(communes: CommuneProps[]): void {
    this.entries = communes.map((p) => {
      // The parent as the set has it: a district, the province ("Tỉnh Phú Thọ"), or none; an older service gives districts only.
      const parent = p.parent_level !== undefined ? parentText(p.parent_level, p.parent_name) : (p.district ?? "");
      return { code: p.code, name: p.name, district: parent, key: stripType(fold(p.name)), districtKey: fold(parent) };
    });
    this.showSelected();
  }

  /** Shows the commune selected elsewhere (the map, the URL), or none. */
  setSelected(code: string | null): void {
    this.selected = code;
    if (document.activeElement !== this.input) this.showSelected();
  }

  private showSelected(): void {
    const e = this.entries.find((x) => x.code === this.selected);
    this.input.value = e ? e.name : "";
  }

  private search(open: boolean): void {
    const q = stripType(fold(this.input.value));
    const ranked: { e: Entry; r: number }[] = [];
    for (const e of this.entries) {
      const r = rank(e, q);
      if (r >= 0) ranked.push({ e, r });
    }
    ranked.sort((a, b) => a.r - b.r || this.collator.compare(a.e.key, b.e.key) || this.collator.compare(a.e.district, b.e.district));
    this.total = ranked.length;
    this.matches = ranked.slice(0, SHOWN).map((x) => x.e);
    this.active = -1;
    if (!q) {
      this.close();
      this.status.textContent = "";
      return;
    }
    this.status.textContent = this.total === 0 ? t("search.none") : t("search.count", { n: this.total });
    if (open) this.open();
    this.draw();
  }

  private draw(): void {
    const items = this.matches.map((e, i) =>
      h(
        "li",
        {
          id: `commune-opt-${e.code}`,
          role: "option",
          class: "combo-option",
          "data-code": e.code,
          "aria-selected": String(i === this.active),
        },
        h("span", { class: "combo-name" }, e.name),
        " ",
        h("span", { class: "combo-district" }, e.district),
      ),
    );
    if (this.matches.length === 0) items.push(h("li", { class: "combo-empty", role: "presentation" }, t("search.none")));
    else if (this.total > this.matches.length) items.push(h("li", { class: "combo-more", role: "presentation" }, t("search.more", { n: this.total - this.matches.length })));
    this.list.replaceChildren(...items);
    const cur = this.matches[this.active];
    if (cur) {
      this.input.setAttribute("aria-activedescendant", `commune-opt-${cur.code}`);
      this.list.querySelector(`#commune-opt-${CSS.escape(cur.code)}`)?.scrollIntoView({ block: "nearest" });
    } else this.input.removeAttribute("aria-activedescendant");
  }

  private open(): void {
    this.list.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
  }

  private close(): void {
    this.list.hidden = true;
    this.active = -1;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  }

  private key(e: KeyboardEvent): void {
    const n = this.matches.length;
    switch (e.key) {
      case "ArrowDown":
      case "ArrowUp": {
        e.preventDefault();
        if (this.list.hidden) {
          this.search(true);
          if (this.list.hidden) return;
        }
        if (n === 0) return;
        const step = e.key === "ArrowDown" ? 1 : -1;
        this.active = this.active < 0 ? (step > 0 ? 0 : n - 1) : (this.active + step + n) % n;
        this.draw();
        return;
      }
      case "Enter": {
        if (this.list.hidden || n === 0) return;
        e.preventDefault();
        // Enter without moving takes the best match.
        this.choose(this.matches[Math.max(0, this.active)].code);
        return;
      }
      case "Escape":
        if (!this.list.hidden) {
          e.preventDefault();
          this.close();
        } else if (this.input.value) {
          e.preventDefault();
          this.input.value = "";
        }
        return;
    }
  }

  private choose(code: string): void {
    this.selected = code;
    this.close();
    this.showSelected();
    this.status.textContent = "";
    this.opt.onSelect(code);
  }
}
