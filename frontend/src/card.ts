// The commune card: a commune's figures on the four layers, the providers
// and technologies present, what the unit was formed from and became in the
// other unit sets, and a note when its shape is approximate. The numbers
// are the service's (GET /api/v1/communes/{code}), formatted only.
import { lineChart } from "./chart";
import { LAYERS, type CommuneCard, type CommuneHistory, type LayerId, type LayerInfo, type LineageStep, type Status } from "./api";
import { h, replace } from "./dom";
import { fmtDate, fmtInt, fmtPct, lang, providerName, t, techName } from "./i18n";
import { parentText } from "./units";

export function layerTitle(info: LayerInfo[], id: LayerId): string {
  const l = info.find((x) => x.id === id);
  if (!l) return id;
  return lang() === "en" ? l.title_en : l.title_vi;
}

export function statusChip(s: Status): HTMLElement {
  return h("span", { class: `status status-${s}` }, t(`status.${s}`));
}

/** What the card offers beside its figures: each action shown when given. */
export interface CardActions {
  /** Brings the commune into view. */
  zoom?: () => void;
  /** Opens the gaps of the commune's district (or, where the parent is the province, of every unit). */
  gaps?: () => void;
  /** Opens the what-if tool on the commune. */
  whatif?: () => void;
  /** A note over the figures (they are today's while the map shows another date). */
  note?: string;
}

/** Renders the card of a commune into el; current is the layer shown on the map. */
export function renderCard(el: HTMLElement, card: CommuneCard, info: LayerInfo[], current: LayerId, onClose: () => void, actions: CardActions = {}): void {
  const close = h("button", { type: "button", class: "card-close", "aria-label": t("card.close"), title: t("card.close") }, "×");
  close.addEventListener("click", onClose);
  const action = (name: string, label: string, title: string, run: (() => void) | undefined): HTMLElement | null => {
    if (!run) return null;
    const b = h("button", { type: "button", class: "btn-small", "data-action": name, title }, label);
    b.addEventListener("click", run);
    return b;
  };
  // An older service names no parent level: its parents were districts.
  const level = card.parent_level ?? "district";
  const parent = card.parent_name !== undefined ? parentText(level, card.parent_name) : card.district;
  const gapsLabel =
    level === "district"
      ? [t("card.gaps"), t("card.gapsTitle", { district: parent })]
      : level === "province"
        ? [t("card.gapsProvince"), t("card.gapsTitle", { district: parent })]
        : [t("card.gapsAll"), t("card.gapsAllTitle")];
  const buttons = [
    action("zoom", t("card.zoom"), t("card.zoomTitle", { name: card.name }), actions.zoom),
    action("gaps", gapsLabel[0], gapsLabel[1], actions.gaps),
    action("whatif", t("card.whatif"), t("card.whatifTitle", { name: card.name }), actions.whatif),
  ].filter((b): b is HTMLElement => b !== null);
  const byLayer = new Map(card.layers.map((l) => [l.layer, l]));

  const rows = LAYERS.map((id) => {
    const l = byLayer.get(id);
    if (!l) return null;
    return h(
      "tr",
      { "data-layer": id, class: id === current ? "current" : undefined },
      h("th", { scope: "row" }, layerTitle(info, id)),
      h("td", { class: "num", "data-field": "population_covered" }, fmtInt(l.population_covered)),
      h("td", { class: "num", "data-field": "share_covered" }, fmtPct(l.share_covered)),
      h("td", { "data-field": "status" }, statusChip(l.status)),
    );
  });

  const presence = (id: LayerId) => {
    const l = byLayer.get(id);
    if (!l) return null;
    const present = (kind: string) =>
      l.breakdowns
        .filter((b) => b.kind === kind && b.population_covered > 0)
        .sort((a, b) => b.share_covered - a.share_covered)
        .map((b) => h("li", { class: "chip", "data-key": b.key }, h("span", {}, kind === "provider" ? providerName(b.value ?? b.key) : techName(b.value ?? b.key)), " ", h("span", { class: "chip-num" }, fmtPct(b.share_covered, 0))));
    const providers = present("provider");
    const techs = present("technology");
    return h(
      "div",
      { class: "presence-layer", "data-layer": id },
      h("h4", {}, layerTitle(info, id)),
      h(
        "dl",
        {},
        h("dt", {}, t("card.providers")),
        h("dd", {}, providers.length ? h("ul", { class: "chips" }, ...providers) : h("span", { class: "muted" }, t("card.nothing"))),
        h("dt", {}, t("card.technologies")),
        h("dd", {}, techs.length ? h("ul", { class: "chips" }, ...techs) : h("span", { class: "muted" }, t("card.nothing"))),
      ),
    );
  };

  replace(
    el,
    h(
      "header",
      { class: "card-head" },
      h(
        "div",
        {},
        h("h2", { id: "card-title", "data-code": card.code }, card.name),
        h("p", { class: "card-sub" }, parent ? h("span", { "data-field": "parent", "data-level": level }, parent) : null, parent ? " · " : null, t("card.code", { code: card.code })),
      ),
      close,
    ),
    buttons.length ? h("div", { class: "card-actions", role: "group", "aria-label": t("card.actions") }, ...buttons) : null,
    actions.note ? h("p", { class: "note card-date-note", role: "note" }, actions.note) : null,
    h("p", { class: "card-pop" }, h("span", { class: "muted" }, t("card.population"), ": "), h("strong", { "data-field": "population" }, fmtInt(card.population)), " ", t("card.people")),
    populationOwn(card),
    lineage(card),
    h(
      "table",
      { class: "card-table" },
      h(
        "thead",
        {},
        h("tr", {}, h("th", { scope: "col" }, t("card.layer")), h("th", { scope: "col", class: "num" }, t("card.covered")), h("th", { scope: "col", class: "num" }, t("card.share")), h("th", { scope: "col" }, t("card.status"))),
      ),
      h("tbody", {}, ...rows),
    ),
    card.carried ? h("p", { class: "note card-carried", role: "note", "data-field": "carried" }, card.units?.valid_to === null ? t("card.carriedOld") : t("card.carriedOther")) : null,
    h("section", { class: "presence" }, h("h3", {}, t("card.presence")), presence(current)),
    h("details", { class: "presence" }, h("summary", {}, t("card.otherLayers")), ...LAYERS.filter((id) => id !== current).map(presence)),
    // The history of the commune's share (renderHistory), hidden until it is loaded.
    h("section", { class: "card-history", "data-slot": "history", hidden: true }, h("h3", {}, t("card.history"))),
    card.boundary === "approximate" ? h("p", { class: "note", role: "note" }, t("card.approximate")) : null,
  );
  el.setAttribute("aria-labelledby", "card-title");
}

/** Fills the card's history slot with the commune's share on the layer over time (hidden when there is none). */
export function renderHistory(el: HTMLElement, hist: CommuneHistory, info: LayerInfo[], layer: LayerId): void {
  const slot = el.querySelector<HTMLElement>("[data-slot=history]");
  const points = (hist.layers[layer] ?? []).map((p) => ({ date: p.date, value: p.share_covered }));
  if (!slot || points.length < 2) return;
  const first = points[0];
  const last = points[points.length - 1];
  replace(
    slot,
    h("h3", {}, t("card.history")),
    lineChart({
      points,
      width: 340,
      height: 96,
      label: t("card.historyLabel", { layer: layerTitle(info, layer), from: fmtDate(first.date), a: fmtPct(first.value), to: fmtDate(last.date), b: fmtPct(last.value) }),
    }),
  );
  slot.hidden = false;
}

/**
 * The set's own population figure where it differs from the one counted
 * (population: the first set's census on the one population surface), so
 * that a merger dossier's figure is seen beside it, not mistaken for it.
 */
function populationOwn(card: CommuneCard): HTMLElement | null {
  if (card.population_own === undefined || card.population_own === card.population) return null;
  return h(
    "p",
    { class: "card-pop-own", "data-field": "population_own", title: t("card.populationOwnHelp") },
    t("card.populationOwn", { set: card.units?.name ?? "", n: fmtInt(card.population_own) }),
  );
}

/** One step of the lineage as a line: each unit with the part of the older unit's people it shares. */
function lineageLine(step: LineageStep, kind: "formed" | "became", card: CommuneCard): HTMLElement {
  const items: (HTMLElement | string)[] = [];
  step.units.forEach((u, i) => {
    if (i > 0) items.push(", ");
    const [older, newer] = kind === "formed" ? [u.name, card.name] : [card.name, u.name];
    items.push(
      h(
        "span",
        {
          class: "lineage-unit",
          "data-code": u.code,
          "data-share": u.share_of_old,
          title: t("card.lineageUnit", { people: fmtInt(u.people), old: fmtPct(u.share_of_old, 0), new: fmtPct(u.share_of_new, 0), older, newer }),
        },
        u.name,
        " (",
        fmtPct(u.share_of_old, 0),
        ")",
      ),
    );
  });
  // The line's text with the list put in its place, so that each language orders its words.
  const key = kind === "became" ? "card.became" : step.on ? "card.formed" : "card.formedSince";
  const [before, after] = t(key, { date: step.on ? fmtDate(step.on) : "", set: step.set, list: "\u0000" }).split("\u0000");
  const others = step.others > 0 ? `; ${t("card.lineageOthers", { n: fmtInt(step.others) })}` : "";
  return h("li", { "data-lineage": kind, "data-set": step.set }, before ?? "", ...items, after ?? "", others, ".");
}

/** What the unit was formed from in the set before its own and what it became in the set after; null when neither is known. */
function lineage(card: CommuneCard): HTMLElement | null {
  const l = card.lineage;
  const steps = [l?.formed ? lineageLine(l.formed, "formed", card) : null, l?.became ? lineageLine(l.became, "became", card) : null].filter((x): x is HTMLElement => x !== null);
  if (steps.length === 0) return null;
  return h("section", { class: "card-lineage", "data-slot": "lineage" }, h("h3", {}, t("card.lineage")), h("ul", {}, ...steps), h("p", { class: "help" }, t("card.lineageHelp")));
}
