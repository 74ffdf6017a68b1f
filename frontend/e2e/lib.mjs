// What every browser test file of the map application shares (*.test.mjs
// here): Debian's Chromium driven by playwright-core against the real
// binary, which cmd/phusong's TestE2E_Browser builds, starts on a free port
// with a temporary database and a provider token, then runs each test file,
// one after another, with
//
//   PHUSONG_URL        the service, e.g. http://127.0.0.1:40123
//   PHUSONG_TOKEN      a token of a provider that may file every layer
//   PHUSONG_ADMIN_TOKEN an admin token (the indicator values' form; its tests are skipped when unset)
//   PHUSONG_CHROMIUM   the browser (default /usr/bin/chromium)
//   PHUSONG_ARTIFACTS  where screenshots go (default frontend/test-results)
//   PHUSONG_NODEMO_URL a service whose demonstration filings `phusong demo remove` deleted
//   PHUSONG_TILES_URL  a second service on the 11,163 communes of Vietnam, whose
//                      map draws vector tiles (the tile-mode test is skipped when unset)
//   PHUSONG_SETS_URL   a service with several unit sets (2019, 2020, 2025: units.test.mjs,
//                      skipped when unset)
//   PHUSONG_PROVINCES_URL a service on the communes of three provinces (the
//                      province selector: provinces.test.mjs, skipped when unset)
//
// What is drawn is checked on the canvas (its pixels, or MapLibre's rendered
// features), not only in the DOM. Any request to a host other than the
// service fails the run; any script or console error, and any answer ≥ 400
// to a request of the page that its test did not declare, fails the test.
//
// Importing this module launches the browser before the file's tests and
// closes it after them; it fails the file if any request went to another
// host.
//
// Every wait waits for the state its test then asserts (the map drawn with
// the view's tiles loaded and the features asserted rendered, a text shown),
// never for an earlier flag or a fixed time: on a loaded machine anything
// else fails by chance.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const base = process.env.PHUSONG_URL;
export const token = process.env.PHUSONG_TOKEN;
export const tilesBase = process.env.PHUSONG_TILES_URL || "";
export const noDemoBase = process.env.PHUSONG_NODEMO_URL || "";
export const setsBase = (process.env.PHUSONG_SETS_URL || "").replace(/\/$/, "");
export const provincesBase = (process.env.PHUSONG_PROVINCES_URL || "").replace(/\/$/, "");
if (!base || !token) throw new Error("PHUSONG_URL and PHUSONG_TOKEN must be set: run these tests through `make test` (cmd/phusong TestE2E_Browser)");
export const artifacts = process.env.PHUSONG_ARTIFACTS || fileURLToPath(new URL("../test-results/", import.meta.url));
mkdirSync(artifacts, { recursive: true });

// The policy the page needs (README, "The web application"): nothing
// inline, nothing from another host, MapLibre's worker from the service
// itself. The test adds it to the page's answer when the service does not
// send a policy of its own.
export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

// The choropleth's classes (frontend/src/scale.ts), over the map's background at the fill's opacity.
export const PALETTE = ["#fde725", "#a0da39", "#4ac16d", "#1fa187", "#365c8d"].map(hex);
export const BACKGROUND = hex("#e8ecf0");
export const OPACITY = 0.92;
export const LAYERS = ["mobile", "broadband", "phone", "broadcast"];

export function hex(s) {
  return [1, 3, 5].map((i) => parseInt(s.slice(i, i + 2), 16));
}

export function expectedColour(p) {
  const cls = p.status === "covered" ? 4 : p.status === "partial" ? (p.share_covered >= 0.75 ? 3 : 2) : p.share_covered >= 0.25 ? 1 : 0;
  return PALETTE[cls].map((c, i) => Math.round(c * OPACITY + BACKGROUND[i] * (1 - OPACITY)));
}

export function near(a, b, tolerance = 8) {
  return a.every((v, i) => Math.abs(v - b[i]) <= tolerance);
}

/** A number as the page shows it: "854.131" or "94,0%" (vi), "854,131" or "94.0%" (en). */
export function parseShown(text, lang) {
  let s = text.replace(/[%\s\u00a0]/g, "").replace("−", "-");
  s = lang === "vi" ? s.replace(/\./g, "").replace(",", ".") : s.replace(/,/g, "");
  return Number(s);
}

/** A whole number in a text with words around it: "8.675 người" → 8675 (vi). */
export function parseCount(text, lang) {
  return parseShown(text.replace(/[^\d.,−-]/g, ""), lang);
}

/** The page position of a commune's label point when it is on the bare canvas (not under a panel or control), or null. */
export async function canvasPoint(page, code) {
  return page.evaluate((c) => {
    const ll = window.__phusong.labelPoint(c);
    if (!ll) return null;
    const [x, y] = window.__phusong.project(ll);
    const r = document.getElementById("map").getBoundingClientRect();
    const el = document.elementFromPoint(r.left + x, r.top + y);
    return el && el.tagName === "CANVAS" ? [r.left + x, r.top + y] : null;
  }, code);
}

export async function api(path, init = {}) {
  const res = await fetch(base + path, init);
  const body = await res.json();
  return { status: res.status, body };
}

export const auth = { Authorization: `Bearer ${token}` };
export const adminToken = process.env.PHUSONG_ADMIN_TOKEN || "";

let context;
let profile;
const external = [];
/** What the current test's pages did that normal use never does; afterEach fails the test on any. */
let faults = [];
/** The current test's pages, closed after it (a failed test leaves its pages open). */
let pages = [];

/**
 * Opens a page whose script errors, console errors and failed answers fail
 * the test. A test that provokes a failure on purpose (a broken upload, a
 * rejected value) declares it in expect: { status, path } entries, path being
 * the start of the request's path or a RegExp on its path and query. Only
 * those answers are allowed; Chromium's console line for them is judged with
 * the answer.
 */
export async function newPage(viewport = { width: 1440, height: 900 }, { expect = [] } = {}) {
  const page = await context.newPage();
  pages.push(page);
  await page.setViewportSize(viewport);
  page.on("pageerror", (e) => faults.push(`script error on ${page.url()}: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() !== "error" || /^Failed to load resource: the server responded with a status of \d+/.test(m.text())) return;
    faults.push(`console error on ${page.url()}: ${m.text()} (${m.location().url})`);
  });
  page.on("response", (r) => {
    if (r.status() < 400) return;
    const u = new URL(r.url());
    const path = u.pathname + u.search;
    const declared = expect.some((e) => e.status === r.status() && (typeof e.path === "string" ? path.startsWith(e.path) : e.path.test(path)));
    if (!declared) faults.push(`${r.request().method()} ${path} answered ${r.status()} on ${page.url()}`);
  });
  return page;
}

/**
 * Whether the map shows its current view finished: style and sources
 * loaded, the view's tiles loaded and a frame drawn since (MapLibre's
 * loaded() stays false until the frame after a source changes), not moving.
 */
export const mapSettled = () => {
  const m = window.__phusong?.map;
  return !!m && m.loaded() && m.areTilesLoaded() && !m.isMoving();
};

/**
 * Waits until the map has settled (mapSettled) and check(arg) holds in the
 * page, both in the same animation frame: check states what the test then
 * asserts. Both go to the page as the text of one function, so check can use
 * nothing of this file but its argument.
 */
export async function waitMap(page, check = () => true, arg = null, { timeout = 20000 } = {}) {
  // A function, not an expression: Playwright evaluates a string with eval,
  // which the page's Content-Security-Policy refuses.
  const both = new Function("arg", `return (${mapSettled})() && (${check})(arg);`);
  await page.waitForFunction(both, arg, { timeout, polling: "raf" });
}

/** Opens the page at hash and waits until the map has settled with communes drawn. */
export async function openMap(page, hash = "", url = base) {
  await page.goto(`${url}/${hash}`);
  await waitMap(page, () => window.__phusong.renderedCommunes().length > 0, null, { timeout: 30000 });
}

/**
 * Waits until the map has settled with the layer's figures drawn: every
 * commune rendered has the API's share, and at least minShare of the
 * communes the view holds are rendered.
 */
export async function waitRendered(page, layer, by = "all", minShare = 0) {
  const q = by === "all" ? "" : `?breakdown=${encodeURIComponent(by)}`;
  const { body } = await api(`/api/v1/layers/${layer}/communes${q}`);
  const want = new Map(body.features.map((f) => [f.properties.code, f.properties]));
  await waitMap(
    page,
    ({ expected, minShare }) => {
      const drawn = window.__phusong.renderedCommunes();
      if (drawn.length === 0 || !drawn.every((p) => expected[p.code] === undefined || expected[p.code] === p.share_covered)) return false;
      return new Set(drawn.map((p) => p.code)).size >= minShare * Object.keys(expected).length;
    },
    { expected: Object.fromEntries([...want].map(([k, v]) => [k, v.share_covered])), minShare },
  );
  return want;
}

before(async () => {
  profile = mkdtempSync(join(tmpdir(), "phusong-chromium-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.PHUSONG_CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      // Nothing but the service resolves, so a stray request cannot leave the machine even if the test missed it.
      "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    ],
    viewport: { width: 1440, height: 900 },
  });
  context.on("request", (r) => {
    const u = new URL(r.url());
    if ((u.protocol === "http:" || u.protocol === "https:" || u.protocol === "ws:" || u.protocol === "wss:") && u.origin !== base && u.origin !== tilesBase && u.origin !== noDemoBase && u.origin !== setsBase && u.origin !== provincesBase && u.origin !== localBasemapBase) external.push(r.url());
  });
});

afterEach(async () => {
  for (const page of pages) if (!page.isClosed()) await page.close();
  pages = [];
  const found = faults;
  faults = [];
  assert.deepEqual(found, [], "the page had errors or failed requests that the test did not declare");
});

after(async () => {
  assert.deepEqual(external, [], "requests to hosts other than the service");
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/**
 * Chooses a commune with the map panel's finder as a user types it: the
 * text, then Enter on the first match once it is listed. Returns the code
 * of the commune chosen.
 */
export async function chooseCommune(page, text) {
  await page.locator("#commune-search").fill(text);
  const first = page.locator("#commune-options [role=option]").first();
  await first.waitFor();
  const code = await first.getAttribute("data-code");
  await page.locator("#commune-search").press("Enter");
  return code;
}

/**
 * PHUSONG_LOCAL_BASEMAP_URL: a service started with --basemap on a small
 * generated PMTiles archive of Hòa Bình (basemap.test.mjs; skipped when
 * unset). Its requests are the service's own, not another host's.
 */
export const localBasemapBase = process.env.PHUSONG_LOCAL_BASEMAP_URL || "";
