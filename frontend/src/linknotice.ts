// A notice over the page when a link (the URL's fragment, state.ts) had
// parts the page could not use: which key, its value as written and why, in
// the page's language, until dismissed. Without it a mistyped link would
// silently show something else.
import { LAYERS } from "./api";
import { h } from "./dom";
import { t } from "./i18n";
import type { Ignored } from "./state";

export class LinkNotice {
  private items: Ignored[] = [];

  constructor(private readonly el: HTMLElement) {}

  /** Shows these parts (after the ones shown, without repeating one); none and nothing shown hides it. */
  add(list: Ignored[]): void {
    for (const i of list) if (!this.items.some((x) => x.key === i.key && x.value === i.value)) this.items.push(i);
    this.render();
  }

  /** Replaces what is shown: a new link was opened. */
  set(list: Ignored[]): void {
    this.items = [];
    this.add(list);
  }

  render(): void {
    this.el.hidden = this.items.length === 0;
    if (this.items.length === 0) return void this.el.replaceChildren();
    const close = h("button", { type: "button", class: "link-notice-close", "aria-label": t("link.dismiss"), title: t("link.dismiss") }, "×");
    close.addEventListener("click", () => {
      this.items = [];
      this.render();
    });
    const why = (i: Ignored) => (i.reason === "layer" ? t("link.layer", { list: LAYERS.join(", ") }) : t(`link.${i.reason}`));
    this.el.replaceChildren(
      h("div", {}, h("p", {}, t("link.ignored")), h("ul", {}, ...this.items.map((i) => h("li", {}, h("code", {}, `${i.key}=${i.value}`), ": ", why(i))))),
      close,
    );
  }
}
