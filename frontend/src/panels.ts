// The pages of the application as tabs (WAI-ARIA tabs: arrow keys move
// between them). Targets, gaps and what-if come with the service's issue 5
// API; their tabs stay hidden until the endpoint answers, so the page never
// offers a view the service cannot fill (an older service has none).
import type { Key } from "./i18n";
import type { Tab } from "./state";

interface Future {
  tab: Tab;
  title: Key;
  /** The endpoint whose answer means the view can be built. */
  probe: string;
  /** Whether the probe's status says the endpoint exists. */
  exists: (status: number) => boolean;
}

const FUTURE: Future[] = [
  // Issue 19's scoreboard of the resolution's indicators.
  { tab: "indicators", title: "tab.indicators", probe: "/api/v1/indicators", exists: (s) => s === 200 },
  { tab: "targets", title: "tab.targets", probe: "/api/v1/targets", exists: (s) => s === 200 },
  { tab: "gaps", title: "tab.gaps", probe: "/api/v1/gaps?layer=mobile", exists: (s) => s === 200 },
  // What-if is POST-only, and a GET of it (refused with 405) would be a failed
  // request on every page load: it came with the targets (issue 5), so their
  // answer tells that it is there.
  { tab: "whatif", title: "tab.whatif", probe: "/api/v1/targets", exists: (s) => s === 200 },
];

export class Tabs {
  private readonly buttons: HTMLButtonElement[];
  private current: Tab = "map";

  constructor(
    list: HTMLElement,
    private readonly onChange: (tab: Tab) => void,
  ) {
    this.buttons = [...list.querySelectorAll<HTMLButtonElement>("[role=tab]")];
    for (const b of this.buttons) {
      b.addEventListener("click", () => this.select(b.dataset.tab as Tab, true));
      b.addEventListener("keydown", (e) => this.key(e, b));
    }
  }

  private visible(): HTMLButtonElement[] {
    return this.buttons.filter((b) => !b.hidden);
  }

  private key(e: KeyboardEvent, b: HTMLButtonElement): void {
    const tabs = this.visible();
    const i = tabs.indexOf(b);
    let next: HTMLButtonElement | undefined;
    if (e.key === "ArrowRight") next = tabs[(i + 1) % tabs.length];
    else if (e.key === "ArrowLeft") next = tabs[(i - 1 + tabs.length) % tabs.length];
    else if (e.key === "Home") next = tabs[0];
    else if (e.key === "End") next = tabs[tabs.length - 1];
    if (!next) return;
    e.preventDefault();
    next.focus();
    this.select(next.dataset.tab as Tab, true);
  }

  /** Shows a tab's panel; notify is false when the state already says so. */
  select(tab: Tab, notify: boolean): void {
    const button = this.buttons.find((b) => b.dataset.tab === tab && !b.hidden);
    if (!button) tab = "map";
    this.current = tab;
    for (const b of this.buttons) {
      const on = b.dataset.tab === tab;
      b.setAttribute("aria-selected", String(on));
      b.tabIndex = on ? 0 : -1;
      const panel = document.getElementById(b.getAttribute("aria-controls") ?? "");
      if (panel) panel.hidden = !on;
    }
    document.getElementById("layout")?.setAttribute("data-tab", tab);
    if (notify) this.onChange(tab);
  }

  get tab(): Tab {
    return this.current;
  }

  /** Asks the service which of the future views it can fill, and shows their tabs. */
  async probeFuture(): Promise<void> {
    // One request per endpoint, however many views it tells of.
    const answers = new Map<string, Promise<number>>();
    const status = (url: string): Promise<number> => {
      let p = answers.get(url);
      if (!p) {
        p = fetch(url, { method: "GET", headers: { Accept: "application/json" } }).then((r) => r.status);
        answers.set(url, p);
      }
      return p;
    };
    await Promise.all(
      FUTURE.map(async (f) => {
        let s = 0;
        try {
          s = await status(f.probe);
        } catch {
          return;
        }
        if (!f.exists(s)) return;
        const button = this.buttons.find((b) => b.dataset.tab === f.tab);
        if (button) button.hidden = false;
      }),
    );
  }
}
