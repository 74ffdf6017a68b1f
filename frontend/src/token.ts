// A token field: a password input with show and forget buttons, its value
// kept in sessionStorage (this browser session only, never in the URL). The
// provider's upload and the admin's indicator values each keep their own
// token under their own key, so that entering one never replaces the other.
import { h } from "./dom";
import { t } from "./i18n";

/** The token stored under key, or "" (also when storage is refused). */
export function readToken(key: string): string {
  try {
    return sessionStorage.getItem(key) ?? "";
  } catch {
    return "";
  }
}

/** Stores the token under key; "" forgets it. */
export function storeToken(key: string, v: string): void {
  try {
    if (v) sessionStorage.setItem(key, v);
    else sessionStorage.removeItem(key);
  } catch {
    // Storage refused (private mode): the token is still read from the field.
  }
}

/**
 * The field: a label, the input (id) with its show/hide and forget buttons,
 * and a help line (id-help) saying where the token is kept.
 */
export function tokenField(id: string, key: string, label: string, help: string): HTMLElement {
  const input = h("input", {
    id,
    type: "password",
    autocomplete: "off",
    spellcheck: "false",
    "aria-describedby": `${id}-help`,
    value: readToken(key),
  });
  input.addEventListener("input", () => storeToken(key, input.value.trim()));
  const show = h("button", { type: "button", class: "btn-small", "aria-controls": id, "aria-pressed": "false" }, t("upload.tokenShow"));
  show.addEventListener("click", () => {
    const shown = input.type === "text";
    input.type = shown ? "password" : "text";
    show.textContent = shown ? t("upload.tokenShow") : t("upload.tokenHide");
    show.setAttribute("aria-pressed", String(!shown));
  });
  const forget = h("button", { type: "button", class: "btn-small" }, t("upload.tokenForget"));
  forget.addEventListener("click", () => {
    storeToken(key, "");
    input.value = "";
    input.focus();
  });
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    h("div", { class: "input-with-buttons" }, input, show, forget),
    h("p", { id: `${id}-help`, class: "help" }, help),
  );
}
