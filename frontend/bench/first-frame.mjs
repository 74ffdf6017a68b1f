// The web application's measured goals (BENCHMARKS.md, "The web
// application"): the first frame with commune polygons and the JavaScript
// and CSS transferred, each of RUNS page loads in a fresh browser context
// (empty cache, no service worker, nothing kept), desktop 1366×850, against
// a running service:
//
//   PHUSONG_URL=http://127.0.0.1:8080 node bench/first-frame.mjs
//
// (`make bench-frontend` builds the binary, starts it on a new database and
// runs this.) The first frame is the page's own mark
// (window.__phusong.firstCommuneFrame(): performance.now() at the first
// frame MapLibre rendered with a commune polygon, i.e. milliseconds after
// navigation started). Bytes are the bodies as sent (Brotli, which Chromium
// asks for, or gzip) plus headers.
import { chromium } from "playwright-core";

const base = process.env.PHUSONG_URL;
if (!base) throw new Error("PHUSONG_URL must be set, e.g. PHUSONG_URL=http://127.0.0.1:8080");
const runs = Number(process.env.RUNS || 5);
const verbose = !!process.env.VERBOSE;

const browser = await chromium.launch({
  executablePath: process.env.PHUSONG_CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const frames = [];
let transferred = 0;
let files = [];
for (let i = 0; i < runs; i++) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 850 } });
  const page = await context.newPage();
  const sizes = [];
  page.on("requestfinished", async (req) => {
    const path = new URL(req.url()).pathname;
    const type = req.resourceType();
    if (!(type === "script" || type === "stylesheet" || /\.(m?js|css)$/.test(path))) return;
    const res = await req.response();
    const body = Number((await res?.headerValue("content-length")) ?? 0);
    const s = await req.sizes();
    sizes.push({ path, bytes: body + s.responseHeadersSize, body, encoding: (await res?.headerValue("content-encoding")) ?? "uncompressed" });
  });
  await page.goto(`${base}/`);
  await page.waitForFunction(() => window.__phusong?.firstCommuneFrame?.() > 0, null, { timeout: 60000, polling: 50 });
  const frame = await page.evaluate(() => window.__phusong.firstCommuneFrame());
  await page.waitForLoadState("networkidle");
  if (verbose) {
    const detail = await page.evaluate(() => ({
      marks: performance.getEntriesByType("mark").map((m) => `${m.name} ${m.startTime.toFixed(0)}`),
      resources: performance
        .getEntriesByType("resource")
        .map((r) => `${new URL(r.name).pathname}${new URL(r.name).search} ${r.startTime.toFixed(0)}→${r.responseEnd.toFixed(0)}`),
      nav: performance.getEntriesByType("navigation").map((n) => `html →${n.responseEnd.toFixed(0)} dcl ${n.domContentLoadedEventEnd.toFixed(0)}`),
    }));
    console.log(JSON.stringify(detail, null, 1));
  }
  frames.push(frame);
  transferred = sizes.reduce((a, s) => a + s.bytes, 0);
  files = sizes.map((s) => `${s.path} ${(s.body / 1024).toFixed(1)} KB ${s.encoding}`);
  console.log(`run ${i + 1}: first frame with commune polygons ${frame.toFixed(0)} ms; JS+CSS ${(transferred / 1024).toFixed(1)} KB`);
  await context.close();
}
await browser.close();

const med = median(frames);
console.log(`first frame with commune polygons, median of ${runs}: ${med.toFixed(0)} ms (min ${Math.min(...frames).toFixed(0)}, max ${Math.max(...frames).toFixed(0)}; goal ≤ 1500 ms)`);
console.log(`JavaScript and CSS transferred: ${(transferred / 1024).toFixed(1)} KB as sent, headers included (goal ≤ 450 KB): ${files.join(", ")}`);
