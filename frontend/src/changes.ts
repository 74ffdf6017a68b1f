// "Recent changes" (Thay đổi gần đây): the service's change log, so that a
// planner who sees a figure move can read which filing or withdrawal moved
// it, who made it, from which date it counts, and the province's figure of
// the current layer before and after.
import type { LayerId, Rollup } from "./api";
import { fetchJSON } from "./api";
import { h } from "./dom";
import { fmtPct, fmtPoints, isKey, t } from "./i18n";

export interface ChangeWrite {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  detail: string;
  affects_from?: string;
}

export interface FigureChange {
  id: number;
  at: string;
  generation: string;
  writes: ChangeWrite[];
  before: Partial<Record<LayerId, Rollup>> | null;
  after: Partial<Record<LayerId, Rollup>>;
}

/** How many changes the panel lists. */
const SHOWN = 5;

export async function loadChanges(): Promise<FigureChange[]> {
  const ans = await fetchJSON<{ changes: FigureChange[] }>(`/api/v1/changes?limit=${SHOWN}`);
  return ans.changes;
}

function actionText(w: ChangeWrite): string {
  const key = `changes.action.${w.action}`;
  // "filing 49" is the audit log's name; the sentence names the number.
  const target = w.action.startsWith("filing.") ? w.target.replace(/^filing /, "") : w.target;
  return isKey(key) ? t(key, { target }) : `${w.action} ${w.target}`;
}

/** Renders the list into el (a <details>), the current layer's figures first. */
export function renderChanges(el: HTMLElement, changes: FigureChange[], layer: LayerId): void {
  const items = changes
    .filter((c) => c.before !== null)
    .map((c) => {
      const b = c.before?.[layer];
      const a = c.after[layer];
      const figure =
        b && a ? h("span", { class: "change-figure", "data-field": "change-share" }, `${fmtPct(b.share, 2)} → ${fmtPct(a.share, 2)} (${fmtPoints(a.share - b.share)})`) : null;
      const writes = c.writes.map((w) =>
        h(
          "li",
          { "data-action": w.action },
          h("span", { class: "change-what" }, actionText(w)),
          " — ",
          h("span", { class: "change-who" }, w.actor),
          w.affects_from ? h("span", { class: "change-from" }, ` · ${t("changes.from", { date: w.affects_from })}`) : null,
        ),
      );
      return h(
        "li",
        { class: "change", "data-change": String(c.id) },
        h("time", { datetime: c.at }, c.at.replace("T", " ").replace("Z", " UTC")),
        " ",
        figure,
        writes.length ? h("ul", { class: "change-writes" }, ...writes) : h("p", { class: "help" }, t("changes.noWrite")),
      );
    });
  el.replaceChildren(
    h("summary", {}, t("changes.title")),
    items.length ? h("ol", { class: "changes-list" }, ...items) : h("p", { class: "help" }, t("changes.none")),
  );
}
