// Browser tests of the map application (the shared set-up and helpers are
// in lib.mjs; TestE2E_Browser runs every *.test.mjs here).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { adminToken, api, artifacts, auth, BACKGROUND, base, hex, canvasPoint, chooseCommune, CSP, expectedColour, LAYERS, near, newPage, noDemoBase, OPACITY, openMap, PALETTE, parseCount, parseShown, tilesBase, token, waitMap, waitRendered } from "./lib.mjs";

describe("map application", () => {
  test("the map draws the communes, fast and small", async () => {
    const page = await newPage();
    const transferred = { js: 0, css: 0, files: [] };
    page.on("requestfinished", async (req) => {
      const type = req.resourceType();
      const path = new URL(req.url()).pathname;
      const kind = type === "stylesheet" || path.endsWith(".css") ? "css" : type === "script" || /\.m?js$/.test(path) ? "js" : null;
      if (!kind) return;
      // The body as sent (Brotli or gzip), from Content-Length: Chromium reports no sizes for a worker's script.
      const res = await req.response();
      const body = Number((await res?.headerValue("content-length")) ?? 0);
      const sizes = await req.sizes();
      transferred[kind] += body + sizes.responseHeadersSize;
      transferred.files.push(`${path} ${body} B ${(await res?.headerValue("content-encoding")) ?? "uncompressed"}`);
    });
    await openMap(page);
    const firstFrame = await page.evaluate(() => window.__phusong.firstCommuneFrame());
    await page.waitForLoadState("networkidle");
    const want = await waitRendered(page, "mobile", "all", 0.9);

    const drawn = await page.evaluate(() => window.__phusong.renderedCommunes());
    const codes = new Set(drawn.map((p) => p.code));
    assert.ok(codes.size >= want.size * 0.9, `${codes.size} of ${want.size} communes rendered`);

    // The canvas has each commune's class colour at its label point.
    const sample = [...want.values()].filter((_, i) => i % 7 === 0);
    const points = await page.evaluate((cs) => cs.map((c) => window.__phusong.labelPoint(c)), sample.map((p) => p.code));
    const pixels = await page.evaluate((pts) => window.__phusong.pixelsAt(pts), points);
    let matched = 0;
    sample.forEach((p, i) => {
      if (near(pixels[i], expectedColour(p))) matched++;
    });
    assert.ok(matched >= sample.length * 0.9, `${matched} of ${sample.length} sampled communes have their class colour: ${JSON.stringify(pixels.slice(0, 5))}`);

    const kb = (n) => (n / 1024).toFixed(1);
    console.log(`measure: first frame with commune polygons ${firstFrame.toFixed(0)} ms after navigation (goal ≤ 1500 ms, median of 5 fresh contexts: make bench-frontend)`);
    console.log(`measure: JavaScript ${kb(transferred.js)} KB + CSS ${kb(transferred.css)} KB = ${kb(transferred.js + transferred.css)} KB transferred, compressed as sent (goal ≤ 450 KB): ${transferred.files.join(", ")}`);
    // A measurement, not a timed assertion (timings are make bench's and the
    // closing note's): the page must only have drawn a frame with communes.
    assert.ok(firstFrame > 0, `no frame with commune polygons (${firstFrame})`);
    assert.ok(transferred.js + transferred.css <= 450 * 1024, `${transferred.js + transferred.css} bytes of JS and CSS`);
    assert.ok(transferred.files.some((f) => f.includes("worker")), `the worker script is counted: ${transferred.files}`);
    await page.screenshot({ path: join(artifacts, "desktop.png") });
    await page.close();
  });

  test("a banner on every tab says the data are demonstration data, and goes after `phusong demo remove`", async () => {
    const { body } = await api("/api/v1/summary");
    assert.equal(body.demo, true, "the seeded service has demonstration filings in force");
    const page = await newPage();
    await openMap(page);
    const banner = page.locator("#demo-banner");
    await banner.waitFor({ state: "visible" });
    assert.match(await banner.textContent(), /Dữ liệu minh họa/);
    assert.equal(await banner.locator("code").textContent(), "phusong demo remove");
    for (const tab of ["targets", "gaps", "upload", "map"]) {
      await page.click(`#tab-${tab}`);
      await page.waitForFunction((t) => !document.getElementById(`panel-${t}`).hidden, tab);
      assert.ok(await banner.isVisible(), `the banner shows on the ${tab} tab`);
    }
    await page.click('.lang button[data-lang="en"]');
    await page.waitForFunction(() => /Demonstration data/.test(document.getElementById("demo-banner").textContent));
    assert.match(await banner.textContent(), /stop the service/);
    await page.click('.lang button[data-lang="vi"]');
    await page.waitForFunction(() => /Dữ liệu minh họa/.test(document.getElementById("demo-banner").textContent));
    await page.close();

    if (!noDemoBase) return;
    const res = await fetch(`${noDemoBase}/api/v1/summary`);
    assert.equal((await res.json()).demo, false, "no demonstration filing after `phusong demo remove`");
    const clean = await newPage();
    await clean.goto(`${noDemoBase}/`);
    // The banner is decided by the summary, which the layer switcher is drawn from.
    await clean.waitForFunction(() => document.querySelectorAll("#summary tr[data-layer]").length > 0);
    assert.equal(await clean.locator("#demo-banner").isVisible(), false);
    await clean.close();
  });

  test("the map says the date of its data and when it was computed", async () => {
    const { body } = await api("/api/v1/summary");
    assert.match(body.data_as_of, /^\d{4}-\d{2}-\d{2}$/);
    const page = await newPage();
    await openMap(page);
    const date = page.locator("#method-line time.data-date");
    await date.waitFor();
    assert.equal(await date.getAttribute("datetime"), body.data_as_of);
    const [y, m, d] = body.data_as_of.split("-");
    assert.equal(await date.textContent(), `${d}/${m}/${y}`);
    assert.match(await page.locator("#method-line").textContent(), new RegExp(`Số liệu đến ngày ${d}/${m}/${y} · tính lúc `));
    // The targets tab says the date of its own answer's data too.
    const { body: targets } = await api("/api/v1/targets");
    const [ty, tm, td] = targets.data_as_of.split("-");
    await page.click("#tab-targets");
    const help = page.locator("#panel-targets p.help").first();
    await help.waitFor();
    assert.match(await help.textContent(), new RegExp(`Số liệu đến ngày ${td}/${tm}/${ty} · tính lúc `));
    await page.close();
  });

  test("the report prints to few A4 pages, its content from the first, and fits a phone's width", async () => {
    const page = await newPage({ width: 390, height: 844 });
    await page.goto(`${base}/api/v1/report`);
    await page.locator("section h2").first().waitFor();
    // On a phone nothing is wider than the screen: wide tables scroll in their own box.
    assert.ok(
      (await page.evaluate(() => document.documentElement.scrollWidth)) <= 390,
      `the report is ${await page.evaluate(() => document.documentElement.scrollWidth)} px wide on a 390 px screen`,
    );
    // Printed: the indicators board starts on the first page, right after the title.
    await page.emulateMedia({ media: "print" });
    const firstPage = ((297 - 24) / 25.4) * 96; // A4 less the page's margins, in CSS px
    await page.setViewportSize({ width: Math.floor(((210 - 24) / 25.4) * 96), height: 1000 });
    const boardTop = await page.evaluate(() => document.querySelector("table.indicators tbody tr").getBoundingClientRect().top + window.scrollY);
    assert.ok(boardTop < firstPage / 2, `the board's first row is ${boardTop} px down, past the first half page`);
    const pdf = await page.pdf({ format: "A4" });
    const pageCount = (pdf.toString("latin1").match(/\/Type\s*\/Page(?!s)/g) ?? []).length;
    assert.ok(pageCount >= 1 && pageCount <= 4, `${pageCount} A4 pages`);
    await page.close();
  });

  test("switching layer changes the colours", async () => {
    const page = await newPage();
    await openMap(page);
    const mobile = await waitRendered(page, "mobile");
    const { body } = await api("/api/v1/layers/broadband/communes");
    const broadband = new Map(body.features.map((f) => [f.properties.code, f.properties]));
    const changed = [...mobile.values()]
      .filter((p) => !near(expectedColour(p), expectedColour(broadband.get(p.code)), 20))
      .slice(0, 12);
    assert.ok(changed.length >= 5, "the demonstration data has communes of different classes on the two layers");
    const points = await page.evaluate((cs) => cs.map((c) => window.__phusong.labelPoint(c)), changed.map((p) => p.code));
    const beforePx = await page.evaluate((pts) => window.__phusong.pixelsAt(pts), points);

    await page.click("label[for=layer-broadband]");
    await waitRendered(page, "broadband");
    assert.match(page.url(), /layer=broadband/);
    const afterPx = await page.evaluate((pts) => window.__phusong.pixelsAt(pts), points);
    changed.forEach((p, i) => {
      assert.ok(near(beforePx[i], expectedColour(p)), `${p.code} before: ${beforePx[i]} vs ${expectedColour(p)}`);
      assert.ok(near(afterPx[i], expectedColour(broadband.get(p.code))), `${p.code} after: ${afterPx[i]} vs ${expectedColour(broadband.get(p.code))}`);
    });
    assert.equal(await page.locator("#layer-broadband").isChecked(), true);
    await page.close();
  });

  test("a provider or technology colours the map by its own figures", async () => {
    const page = await newPage();
    await openMap(page);
    await waitRendered(page, "mobile");
    await page.selectOption("#provider-select", "provider:viettel");
    await waitRendered(page, "mobile", "provider:viettel");
    assert.match(page.url(), /by=provider:viettel/);
    assert.equal(await page.locator("#technology-select").inputValue(), "all");
    await assert.doesNotReject(page.locator("#selection-line").waitFor({ state: "visible" }));
    await page.selectOption("#technology-select", "technology:5G");
    await waitRendered(page, "mobile", "technology:5G");
    assert.equal(await page.locator("#provider-select").inputValue(), "all");
    await page.close();
  });

  test("clicking a commune shows a card whose numbers equal the API's", async () => {
    const page = await newPage();
    await openMap(page);
    const mobile = await waitRendered(page, "mobile");
    // A populous commune whose label point is on the bare canvas (not under the legend or a control).
    const candidates = [...mobile.values()].sort((a, b) => b.population - a.population).slice(0, 40);
    let target = null;
    let at = null;
    for (const p of candidates) {
      const xy = await page.evaluate((code) => {
        const ll = window.__phusong.labelPoint(code);
        const [x, y] = window.__phusong.project(ll);
        const r = document.getElementById("map").getBoundingClientRect();
        const el = document.elementFromPoint(r.left + x, r.top + y);
        return el && el.tagName === "CANVAS" ? [r.left + x, r.top + y] : null;
      }, p.code);
      if (xy) {
        target = p;
        at = xy;
        break;
      }
    }
    assert.ok(target, "a commune to click");
    await page.mouse.click(at[0], at[1]);
    await page.locator(`#card:not([aria-busy]) #card-title[data-code="${target.code}"]`).waitFor();
    assert.equal(await page.locator("#card-title").textContent(), target.name);
    assert.equal(await page.locator("#card-title").getAttribute("data-code"), target.code);
    assert.match(page.url(), new RegExp(`commune=${target.code}`));
    assert.equal(parseShown(await page.locator('#card [data-field="population"]').textContent(), "vi"), target.population);
    for (const layer of LAYERS) {
      const { body } = await api(`/api/v1/layers/${layer}/communes`);
      const p = body.features.find((f) => f.properties.code === target.code).properties;
      const row = page.locator(`#card tr[data-layer="${layer}"]`);
      assert.equal(parseShown(await row.locator('[data-field="population_covered"]').textContent(), "vi"), p.population_covered, `${layer} people covered`);
      const share = parseShown(await row.locator('[data-field="share_covered"]').textContent(), "vi");
      assert.ok(Math.abs(share - 100 * p.share_covered) <= 0.05 + 1e-9, `${layer} share ${share}% vs ${p.share_covered}`);
      assert.equal(await row.locator(".status").getAttribute("class"), `status status-${p.status}`);
    }
    // Its boundary is the official one: no note calls it approximate.
    assert.equal(await page.locator("#card .note", { hasText: /gần đúng/ }).count(), 0);
    // The history of its share, from the service's history of the commune.
    const hist = await api(`/api/v1/communes/${target.code}/history`);
    assert.ok(hist.body.layers.mobile.length > 1);
    await page.locator('#card [data-slot="history"] svg.chart').waitFor();
    assert.equal(await page.locator('#card [data-slot="history"] svg.chart path.chart-line').count(), 1);
    // The selection is drawn: the selected outline layer has the commune.
    const selected = await page.evaluate(
      (code) => window.__phusong.map.getFeatureState({ source: "communes", id: code }).selected === true,
      target.code,
    );
    assert.ok(selected);
    await page.click(".card-close");
    assert.equal(await page.locator("#card").isHidden(), true);
    await page.close();
  });

  test("a link reproduces the view: layer, commune and map position", async () => {
    const { body } = await api("/api/v1/layers/phone/communes");
    const c = body.features[17].properties;
    const page = await newPage();
    await openMap(page, `#layer=phone&commune=${c.code}&map=10.50/20.8000/105.3000`);
    await waitRendered(page, "phone");
    assert.equal(await page.locator("#layer-phone").isChecked(), true);
    await page.locator(`#card-title[data-code="${c.code}"]`).waitFor();
    assert.equal(await page.locator("#card-title").textContent(), c.name);
    const view = await page.evaluate(() => {
      const m = window.__phusong.map;
      return { zoom: m.getZoom(), lat: m.getCenter().lat, lon: m.getCenter().lng };
    });
    assert.ok(Math.abs(view.zoom - 10.5) < 0.01 && Math.abs(view.lat - 20.8) < 1e-3 && Math.abs(view.lon - 105.3) < 1e-3, JSON.stringify(view));
    // Names show at this zoom, in the page's own font.
    await page.waitForFunction(() => document.querySelectorAll(".commune-label:not(.off)").length > 3);
    const labels = await page.locator(".commune-label:not(.off)").count();
    assert.ok(labels > 3, `${labels} commune names shown`);
    await page.close();
  });

  test("a broken upload shows its problems and changes nothing", async () => {
    const before = await api("/api/v1/summary");
    const filingsBefore = await api("/api/v1/filings", { headers: auth });
    const { body } = await api("/api/v1/layers/mobile/communes");
    const real = body.features[3].properties.code;
    const square = (x, y, d) => [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]];
    const broken = {
      type: "FeatureCollection",
      layer: "mobile",
      as_of: "2025-06-30",
      features: [
        { type: "Feature", properties: { technology: "4G" }, geometry: { type: "Polygon", coordinates: [[[105.3, 20.8], [105.35, 20.8], [105.35, 20.85], [105.31, 20.86]]] } },
        { type: "Feature", properties: { commune_code: "99999", technology: "4G", share: 0.5 }, geometry: null },
        { type: "Feature", properties: { technology: "4G" }, geometry: { type: "Polygon", coordinates: square(105.1, 20.6, 0.05) } },
        { type: "Feature", properties: { commune_code: real, technology: "4G", share: 1.5 }, geometry: null },
      ],
    };
    // The dry run of a file with problems is refused with them.
    const page = await newPage(undefined, { expect: [{ status: 422, path: "/api/v1/filings?dry_run=true" }] });
    await openMap(page, "#tab=upload");
    await page.fill("#upload-token", token);
    await page.setInputFiles("#upload-file", { name: "broken.geojson", mimeType: "application/geo+json", buffer: Buffer.from(JSON.stringify(broken)) });
    await page.click("#upload-dry-run");
    await page.locator("#upload-problems").waitFor();
    const rows = await page.$$eval("#upload-problems tbody tr", (trs) => trs.map((tr) => [Number(tr.dataset.feature), tr.dataset.code]));
    const got = new Set(rows.map(([f, c]) => `${f}:${c}`));
    for (const want of ["0:unclosed_ring", "1:unknown_commune", "3:bad_share"]) assert.ok(got.has(want), `${want} in ${[...got]}`);
    assert.ok(!rows.some(([f]) => f === 2), "the good feature has no problem");
    assert.equal(await page.locator("#upload-submit").isDisabled(), true);
    // The file's features are on the map, the ones with problems marked. The page fits the map to the
    // problem features (upload.test.mjs); the good one is seen with the whole province in view.
    await page.evaluate(() => window.__phusong.map.jumpTo({ center: [105.3, 20.7], zoom: 8 }));
    await waitMap(page, () => {
      const drawn = new Set(window.__phusong.map.queryRenderedFeatures({ layers: ["upload-line"] }).map((f) => f.properties.index));
      return drawn.has(2) && drawn.has(3);
    });
    const drawn = await page.evaluate(() =>
      window.__phusong.map.queryRenderedFeatures({ layers: ["upload-line"] }).map((f) => [f.properties.index, f.properties.problem]),
    );
    const problemOf = new Map(drawn);
    assert.equal(problemOf.get(3), true, `feature 3 (a declaration) drawn as its commune, with a problem: ${JSON.stringify(drawn)}`);
    assert.equal(problemOf.get(2), false, "feature 2 drawn without a problem");
    await page.screenshot({ path: join(artifacts, "upload-problems.png") });

    const after = await api("/api/v1/summary");
    assert.deepEqual(after.body.layers, before.body.layers, "the figures did not change");
    const filingsAfter = await api("/api/v1/filings", { headers: auth });
    assert.equal(filingsAfter.body.filings.length, filingsBefore.body.filings.length, "no filing was stored");
    // The token stays in the session, never in the URL.
    assert.ok(!page.url().includes(token));
    assert.equal(await page.evaluate(() => sessionStorage.getItem("phusong.token")), token);
    await page.close();
  });

  test("a CSV upload asks for its layer and date and reports problems by row", async () => {
    const { body } = await api("/api/v1/layers/broadband/communes");
    const [a, b] = [body.features[10].properties.code, body.features[11].properties.code];
    const csv = `commune_code,technology,share\n${a},FTTH,0.35\n99999,FTTH,0.5\n${b},FTTH,1.7\n`;
    const filingsBefore = await api("/api/v1/filings", { headers: auth });
    const page = await newPage(undefined, { expect: [{ status: 422, path: "/api/v1/filings?dry_run=true" }] });
    await openMap(page, "#tab=upload");
    await page.fill("#upload-token", token);
    await page.setInputFiles("#upload-file", { name: "ftth.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await page.selectOption("#upload-layer", "broadband");
    await page.fill("#upload-asof", "2025-06-30");
    await page.click("#upload-dry-run");
    await page.locator("#upload-problems").waitFor();
    const rows = await page.$$eval("#upload-problems tbody tr", (trs) => trs.map((tr) => `${tr.dataset.feature}:${tr.dataset.code}`));
    assert.deepEqual(rows.sort(), ["1:unknown_commune", "2:bad_share"]);
    // Rows are counted one way: the file's own line numbers (the header is line 1), in one column.
    assert.deepEqual(await page.locator("#upload-problems thead th").allTextContents(), ["Dòng", "Lỗi"]);
    const lines = await page.$$eval("#upload-problems tbody tr", (trs) => trs.map((tr) => `${tr.cells[0].textContent}:${tr.dataset.line}:${tr.dataset.code}`));
    assert.deepEqual(lines.sort(), ["3:3:unknown_commune", "4:4:bad_share"]);
    // In Vietnamese the explanation and the field are Vietnamese, without the service's English or raw codes.
    const text = await page.locator('#upload-problems tr[data-code="unknown_commune"]').textContent();
    assert.ok(text.includes("Mã xã không có trong tỉnh") && text.includes("Mã xã (commune_code)"), text);
    assert.ok(!text.includes("is not a commune") && !text.includes("unknown_commune"), text);
    const filingsAfter = await api("/api/v1/filings", { headers: auth });
    assert.equal(filingsAfter.body.filings.length, filingsBefore.body.filings.length, "no filing was stored");
    await page.close();
  });

  test("upload errors are said in English too: plurals, and an unknown token", async () => {
    const one = { type: "FeatureCollection", layer: "mobile", as_of: "2025-06-30", features: [{ type: "Feature", properties: { technology: "4G" }, geometry: null }] };
    const page = await newPage(undefined, {
      expect: [
        { status: 422, path: "/api/v1/filings?dry_run=true" },
        { status: 401, path: "/api/v1/filings?dry_run=true" },
      ],
    });
    await openMap(page, "#tab=upload");
    await page.click('.lang button[data-lang="en"]');
    await page.fill("#upload-token", token);
    await page.setInputFiles("#upload-file", { name: "one.geojson", mimeType: "application/geo+json", buffer: Buffer.from(JSON.stringify(one)) });
    await page.click("#upload-dry-run");
    await page.locator("#upload-rejected").waitFor();
    const n = await page.locator("#upload-problems tbody tr").count();
    assert.equal(await page.locator("#upload-rejected").textContent(), `The file was rejected: ${n} ${n === 1 ? "problem" : "problems"}. Nothing was stored.`);
    await page.fill("#upload-token", "not-a-token");
    await page.click("#upload-dry-run");
    await page.locator("#upload-result .msg-error").filter({ hasText: "401" }).waitFor();
    assert.equal(await page.locator("#upload-result .msg-error").textContent(), "Could not submit (401): The token is unknown or revoked");
    await page.click('.lang button[data-lang="vi"]');
    await page.close();
  });

  test("a good upload shows a dry run, then changes the figures", async () => {
    const { body } = await api("/api/v1/layers/mobile/communes");
    // The commune with the most people not covered, covered whole by one footprint over its bounding box.
    const worst = body.features.sort((a, b) => b.properties.population - b.properties.population_covered - (a.properties.population - a.properties.population_covered))[0];
    const xs = [];
    const ys = [];
    JSON.stringify(worst.geometry.coordinates).replace(/\[(-?[\d.]+),(-?[\d.]+)\]/g, (_, x, y) => {
      xs.push(Number(x));
      ys.push(Number(y));
      return "";
    });
    const [x0, x1, y0, y1] = [Math.min(...xs) - 0.005, Math.max(...xs) + 0.005, Math.min(...ys) - 0.005, Math.max(...ys) + 0.005];
    const filing = {
      type: "FeatureCollection",
      layer: "mobile",
      as_of: "2025-06-30",
      features: [{ type: "Feature", properties: { technology: "4G" }, geometry: { type: "Polygon", coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]] } }],
    };
    const raw = JSON.stringify(filing);
    const dry = await api("/api/v1/filings?dry_run=true", { method: "POST", headers: { ...auth, "Content-Type": "application/geo+json" }, body: raw });
    assert.equal(dry.status, 200);
    assert.ok(dry.body.after.covered > dry.body.before.covered);

    const page = await newPage();
    await openMap(page, "#tab=upload");
    await page.fill("#upload-token", token);
    await page.setInputFiles("#upload-file", { name: "coverage.geojson", mimeType: "application/geo+json", buffer: Buffer.from(raw) });
    await page.click("#upload-dry-run");
    await page.locator("#upload-valid").waitFor();
    const cell = async (field, col) => parseShown(await page.locator(`#upload-figures tr[data-field="${field}"] td`).nth(col).textContent(), "vi");
    assert.equal(await cell("covered", 0), Math.round(dry.body.before.covered));
    assert.equal(await cell("covered", 1), Math.round(dry.body.after.covered));
    assert.equal(await page.locator("#upload-submit").isEnabled(), true);
    await page.screenshot({ path: join(artifacts, "upload-dry-run.png") });

    await page.click("#upload-submit");
    await page.locator("#upload-accepted").waitFor();
    const now = await api("/api/v1/summary");
    assert.ok(Math.abs(now.body.layers.mobile.covered - dry.body.after.covered) < 1, "the stored filing gives the dry run's figures");
    // The page shows the new figures: the summary panel and the map.
    await page.click("#tab-map");
    await page.waitForFunction(
      (want) => document.querySelector('#summary tr[data-layer="mobile"] [data-field="population"] .fraction')?.textContent.split("/")[0].replace(/\D/g, "") === String(want),
      Math.round(now.body.layers.mobile.covered),
    );
    const shown = parseShown(await page.locator('#summary tr[data-layer="mobile"] [data-field="population"] .big').textContent(), "vi");
    assert.ok(Math.abs(shown - 100 * now.body.layers.mobile.share) <= 0.05 + 1e-9, `summary shows ${shown}%, the API ${now.body.layers.mobile.share}`);
    const fraction = await page.locator('#summary tr[data-layer="mobile"] [data-field="population"] .fraction').textContent();
    assert.equal(parseShown(fraction.split("/")[0], "vi"), Math.round(now.body.layers.mobile.covered));
    await waitRendered(page, "mobile");
    const drawn = await page.evaluate((code) => window.__phusong.renderedCommunes().find((p) => p.code === code), worst.properties.code);
    assert.equal(drawn.status, "covered", `${worst.properties.code} is drawn as covered`);
    // "Recent changes" lists the filing, with the province's mobile figure before and after, as the change log says.
    const log = await api("/api/v1/changes?limit=1");
    const change = log.body.changes[0];
    assert.equal(change.writes[0].action, "filing.submit");
    await page.click("#changes summary");
    const item = page.locator(`#changes [data-change="${change.id}"]`);
    await item.waitFor();
    assert.ok((await item.locator('[data-action="filing.submit"]').textContent()).includes(change.writes[0].target.replace("filing ", "")));
    const [before, after] = (await item.locator('[data-field="change-share"]').textContent()).split("→").map((x) => parseShown(x.split("(")[0], "vi"));
    assert.ok(Math.abs(before - 100 * change.before.mobile.share) <= 0.005 + 1e-9 && Math.abs(after - 100 * change.after.mobile.share) <= 0.005 + 1e-9,
      `recent changes show ${before}% → ${after}%, the log ${change.before.mobile.share} → ${change.after.mobile.share}`);
    await page.screenshot({ path: join(artifacts, "recent-changes.png") });
    await page.close();
  });

  test("a superseding dry run lists what it replaces, and Submit needs the confirmation", async () => {
    // A broadband filing of three communes that nobody covers, then a file of one of them for a later date:
    // it supersedes the first for FTTH, and the province loses two communes' people.
    const { body } = await api("/api/v1/layers/broadband/communes");
    const bare = body.features.filter((f) => f.properties.population_covered === 0 && f.properties.population > 0).slice(0, 3);
    assert.equal(bare.length, 3, "three communes without broadband");
    const codes = bare.map((f) => f.properties.code);
    const first = `commune_code,technology,share\n${codes.map((c) => `${c},FTTH,1`).join("\n")}\n`;
    const stored = await api("/api/v1/filings?layer=broadband&as_of=2025-05-01", { method: "POST", headers: { ...auth, "Content-Type": "text/csv" }, body: first });
    assert.equal(stored.status, 201);
    const csv = `commune_code,technology,share\n${codes[0]},FTTH,1\n`;
    const dry = await api("/api/v1/filings?dry_run=true&layer=broadband&as_of=2025-05-02", { method: "POST", headers: { ...auth, "Content-Type": "text/csv" }, body: csv });
    assert.equal(dry.status, 200);
    assert.ok(dry.body.supersedes.some((f) => f.id === stored.body.id), "the API names the filing replaced");
    assert.ok(dry.body.change.covered < 0);

    const page = await newPage();
    await openMap(page, "#tab=upload");
    await page.fill("#upload-token", token);
    await page.setInputFiles("#upload-file", { name: "one.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await page.selectOption("#upload-layer", "broadband");
    await page.fill("#upload-asof", "2025-05-02");
    await page.click("#upload-dry-run");
    await page.locator("#upload-supersedes").waitFor();
    const listed = await page.$$eval("#upload-supersedes tbody tr", (trs) => trs.map((tr) => Number(tr.dataset.filing)));
    assert.deepEqual(listed, dry.body.supersedes.map((f) => f.id));
    const row = page.locator(`#upload-supersedes tr[data-filing="${stored.body.id}"]`);
    const cells = await row.locator("td").allTextContents();
    assert.equal(cells[1], "01/05/2025");
    assert.ok(cells[2].includes("FTTH"), cells[2]);
    assert.equal(cells[3], "0 / 3");
    // The figures fall, so Submit waits for an explicit confirmation.
    assert.ok(parseShown(await page.locator('#upload-figures tr[data-field="covered"] td.change').textContent(), "vi") < 0);
    assert.equal(await page.locator("#upload-submit").isDisabled(), true);
    assert.ok((await page.locator('label[for="upload-confirm"]').textContent()).includes("Tôi hiểu"));
    await page.check("#upload-confirm");
    assert.equal(await page.locator("#upload-submit").isEnabled(), true);
    await page.uncheck("#upload-confirm");
    assert.equal(await page.locator("#upload-submit").isDisabled(), true);
    await page.screenshot({ path: join(artifacts, "upload-supersedes.png") });
    await page.check("#upload-confirm");
    await page.click("#upload-submit");
    await page.locator("#upload-accepted").waitFor();
    const filings = await api("/api/v1/filings", { headers: auth });
    assert.equal(filings.body.filings[0].as_of, "2025-05-02", "the confirmed filing is stored");
    await page.close();
  });

  test("a provider withdraws a filing from the page", async () => {
    // The filing the previous test submitted supersedes an earlier one; withdrawing it puts the earlier one back in force.
    const before = await api("/api/v1/filings", { headers: auth });
    const newest = before.body.filings[0];
    assert.equal(newest.status, "in_force");
    const page = await newPage();
    await openMap(page, "#tab=upload");
    await page.fill("#upload-token", token);
    await page.click("#my-filings-load");
    await page.locator("#my-filings-table tbody tr").first().waitFor();
    const listed = await page.$$eval("#my-filings-table tbody tr", (trs) => trs.map((tr) => [Number(tr.dataset.filing), tr.dataset.status]));
    assert.deepEqual(listed, before.body.filings.map((f) => [f.id, f.status]));
    assert.ok(listed.some(([, status]) => status === "superseded"), "the superseded filing is listed as such");
    const row = page.locator(`#my-filings-table tr[data-filing="${newest.id}"]`);
    assert.equal(await row.locator(".filing-status").textContent(), "Đang có hiệu lực");

    // Its features on the map: the one commune it declares.
    await row.locator(".my-filing-show").click();
    await page.locator("#my-filings-note").waitFor();
    await page.waitForFunction(() => window.__phusong.map.querySourceFeatures("upload").length > 0);

    let asked = "";
    page.once("dialog", (d) => {
      asked = d.message();
      void d.accept();
    });
    await row.locator(".my-filing-withdraw").click();
    await page.locator(`#my-filings-table tr[data-filing="${newest.id}"][data-status="withdrawn"]`).waitFor();
    assert.ok(asked.includes(String(newest.id)), `the confirmation names the filing: ${asked}`);
    assert.equal(await page.locator(`#my-filings-table tr[data-filing="${newest.id}"] .my-filing-withdraw`).count(), 0);
    const after = await api("/api/v1/filings", { headers: auth });
    const withdrawn = after.body.filings.find((f) => f.id === newest.id);
    assert.ok(withdrawn.withdrawn_at, "the service has it withdrawn");
    const back = after.body.filings.find((f) => f.id !== newest.id && f.status === "in_force" && f.layer === newest.layer);
    assert.ok(back, "the filing it superseded counts again");
    assert.equal(await page.locator(`#my-filings-table tr[data-filing="${back.id}"]`).getAttribute("data-status"), "in_force");
    await page.screenshot({ path: join(artifacts, "my-filings.png") });
    await page.close();
  });

  test("the targets view shows the four targets with the API's values", async () => {
    const { body } = await api("/api/v1/targets");
    assert.equal(body.targets.length, 4);
    const page = await newPage();
    await openMap(page, "#tab=targets");
    await page.locator("#targets [data-target-id]").first().waitFor();
    const ids = await page.$$eval("#targets [data-target-id]", (els) => els.map((e) => Number(e.dataset.targetId)));
    assert.deepEqual(ids, body.targets.map((x) => x.id));
    for (const tg of body.targets) {
      const card = page.locator(`#targets [data-target-id="${tg.id}"]`);
      const shown = parseShown(await card.locator('[data-field="value"]').textContent(), "vi");
      assert.ok(Math.abs(shown - 100 * tg.current.value) <= 0.05 + 1e-9, `target ${tg.id}: ${shown}% vs ${tg.current.value}`);
      assert.equal(await card.locator('[data-field="met"]').getAttribute("data-met"), String(tg.current.met));
      assert.equal(parseCount(await card.locator('[data-field="gap_people"]').textContent(), "vi"), tg.current.gap_people);
      assert.equal(parseCount(await card.locator('[data-field="gap_communes"]').textContent(), "vi"), tg.current.gap_communes);
      const forecast = await card.locator('[data-field="forecast"]').textContent();
      if (!tg.current.met && tg.forecast.outcome === "not_at_current_pace") assert.match(forecast, /chưa đạt được với tốc độ hiện tại/);
      if (!tg.current.met && tg.forecast.outcome === "forecast") {
        const [y, m, d] = tg.forecast.date.split("-");
        assert.ok(forecast.includes(`${d}/${m}/${y}`), `forecast ${forecast} vs ${tg.forecast.date}`);
      }
      // The trend is drawn: one chart with a line through the history.
      assert.equal(await card.locator("svg.chart path.chart-line").count(), tg.history.length > 1 ? 1 : 0);
    }
    assert.equal(await page.locator("#targets-report").getAttribute("href"), "/api/v1/report?lang=vi");
    await page.screenshot({ path: join(artifacts, "targets.png") });
    // The link of a target opens the gaps of its layer.
    const tg = body.targets.find((x) => x.layer !== "mobile");
    await page.click(`#targets [data-target-id="${tg.id}"] .target-link`);
    // The link switches the layer after the tab: wait for the gaps of the target's layer, not the first table drawn.
    await page.waitForFunction((layer) => document.getElementById("gaps-layer")?.value === layer && document.querySelector("#gaps-table tbody tr"), tg.layer);
    assert.match(page.url(), /tab=gaps/);
    assert.match(page.url(), new RegExp(`layer=${tg.layer}`));
    assert.equal(await page.locator("#gaps-layer").inputValue(), tg.layer);
    await page.close();
  });

  // The resolution's scoreboard (issue 19): the board as the API tells it,
  // on a date; an admin's value through the form changes the board and the
  // printed report; a bad CSV lists every problem and stores nothing;
  // per-commune values colour the map and the coverage comes back.
  test("the indicators board shows met and not met with trends; an admin's value changes the board and the report", { skip: !adminToken && "PHUSONG_ADMIN_TOKEN is unset" }, async () => {
    const { body: before } = await api("/api/v1/indicators");
    // A value with problems and a bad CSV are refused with them.
    const page = await newPage(
      { width: 1366, height: 850 },
      {
        expect: [
          { status: 400, path: /^\/api\/v1\/indicators\/[^/]+\/values$/ },
          { status: 400, path: "/api/v1/indicators/import" },
        ],
      },
    );
    await openMap(page, "#tab=indicators");
    await page.locator("#indicators [data-indicator-id]").first().waitFor();
    assert.equal(await page.locator("#indicators-headline").textContent(), before.headline_vi);
    assert.match(before.headline_vi, /^\d+\/\d+ chỉ tiêu đạt và vượt$/);
    const ids = await page.$$eval("#indicators [data-indicator-id]", (els) => els.map((e) => e.dataset.indicatorId));
    assert.deepEqual(ids, before.indicators.map((x) => x.id));
    // The resolution's line: its count of indicators and what the article says.
    const resolution = await page.locator(".ind-resolution").first().textContent();
    assert.ok(resolution.includes(before.resolutions[0].number) && resolution.includes("15 chỉ tiêu"), resolution);
    const badges = new Set();
    for (const ind of before.indicators) {
      const card = page.locator(`#indicators [data-indicator-id="${ind.id}"]`);
      assert.equal(await card.locator('[data-field="met"]').getAttribute("data-met"), String(ind.met), ind.id);
      badges.add(await card.locator('[data-field="met"]').getAttribute("data-badge"));
      const shown = await card.locator('[data-field="value"]').textContent();
      if (!ind.latest) assert.equal(shown, "—", ind.id);
      else if (ind.unit === "percent" || ind.unit === "score") assert.ok(Math.abs(parseShown(shown, "vi") - ind.latest.value) <= 0.05 + 1e-9, `${ind.id}: ${shown} vs ${ind.latest.value}`);
      // The trend is drawn: a step line with a step for every later point.
      if (ind.trend.length > 1) {
        const d = await card.locator("svg.chart path.chart-line").getAttribute("d");
        assert.equal((d.match(/V/g) || []).length, ind.trend.length - 1, `${ind.id}: ${d}`);
      }
      if (ind.kind === "computed") assert.equal(await card.locator(".ind-computed a[data-target-id]").getAttribute("data-target-id"), String(ind.target_id));
    }
    assert.ok(badges.has("notMet") || badges.has("met"), `badges ${[...badges]}`);
    assert.ok(badges.has("noData") || badges.has("notMet"), `badges ${[...badges]}`);
    assert.ok(before.indicators.some((x) => x.trend.length > 1), "an indicator with a trend");
    await page.screenshot({ path: join(artifacts, "indicators.png") });

    // As of another date: the board of 2015-12-31, kept in the URL.
    const { body: in2015 } = await api("/api/v1/indicators?as_of=2015-12-31");
    await page.fill("#indicators-asof", "2015-12-31");
    await page.locator("#indicators-asof-line", { hasText: "31/12/2015" }).waitFor();
    assert.equal(await page.locator("#indicators-headline").textContent(), in2015.headline_vi);
    assert.match(page.url(), /as_of=2015-12-31/);
    await page.click("#indicators-today");
    await page.locator("#indicators-asof-line", { hasText: before.as_of.split("-").reverse().join("/") }).waitFor();
    assert.doesNotMatch(page.url(), /as_of=/);

    // The form: every problem the service lists shows by its field, in Vietnamese.
    const ind = before.indicators.find((x) => x.id === "internet-users") ?? before.indicators.find((x) => x.kind === "entered" && x.unit === "percent" && x.target !== null && !x.latest);
    assert.ok(ind && ind.kind === "entered" && ind.target <= 75, "an entered percent indicator with a target ≤ 75%");
    await page.click("#indicator-admin > summary");
    await page.fill("#indicator-token", adminToken);
    await page.selectOption("#value-indicator", ind.id);
    await page.fill("#value-unit-code", "không-có-xã-này");
    await page.fill("#value-value", "75");
    await page.click("#value-submit");
    await page.locator("#value-rejected").waitFor();
    assert.match(await page.locator('[data-field="source"] .field-error [data-code="missing_source"]').textContent(), /Thiếu nguồn/);
    assert.equal(await page.locator('[data-field="unit_code"] .field-error [data-code="unknown_unit"]').count(), 1);
    assert.equal(await page.locator("#value-source").getAttribute("aria-invalid"), "true");
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll("#panel-indicators button, #panel-indicators input, #panel-indicators select")]
        .filter((el) => el.offsetParent !== null)
        .filter((el) => !((el.labels && [...el.labels].map((l) => l.textContent).join("")) || el.getAttribute("aria-label") || el.textContent).trim())
        .map((el) => el.outerHTML.slice(0, 80)),
    );
    assert.deepEqual(unlabelled, []);
    assert.equal((await api("/api/v1/indicators")).body.headline_vi, before.headline_vi, "nothing stored on a problem");
    await page.fill("#value-unit-code", "");
    await page.fill("#value-source", "Điều tra e2e về người dùng Internet");
    await page.click("#value-submit");
    await page.locator("#value-stored").waitFor();
    const { body: after } = await api("/api/v1/indicators");
    assert.equal(after.met, before.met + 1, `${before.headline_vi} → ${after.headline_vi}`);
    await page.locator("#indicators-headline", { hasText: after.headline_vi }).waitFor();
    const card = page.locator(`#indicators [data-indicator-id="${ind.id}"]`);
    assert.equal(await card.locator('[data-field="value"]').textContent(), "75%");
    assert.equal(await card.locator('[data-field="met"]').getAttribute("data-met"), "true");
    assert.match(await card.locator('[data-field="source"]').textContent(), /Điều tra e2e/);
    // The printed report tells the new value.
    const report = await (await fetch(`${base}/api/v1/report`)).text();
    const at = report.indexOf(ind.title_vi);
    assert.ok(at >= 0, "the report lists the indicator");
    assert.match(report.slice(at, at + 1500), /75([,.]0+)?\s*%/, "the report shows the value entered");

    // A bad CSV: every problem by line, nothing stored.
    const perUnit = before.indicators.find((x) => x.kind === "entered" && x.unit === "percent" && x.id !== ind.id && !x.latest);
    const { body: communes } = await api("/api/v1/layers/mobile/communes");
    const [a, b] = [communes.features[3].properties, communes.features[40].properties];
    const today = after.as_of;
    const bad = `indicator,as_of,unit_code,numerator,denominator,source\nno-such-indicator,${today},${a.code},1,2,x\n${perUnit.id},31/02/2024,${a.code},1,2,x\n${perUnit.id},${today},${b.code},abc,100,x\n`;
    await page.setInputFiles("#indicator-csv", { name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from(bad) });
    await page.click("#indicator-import");
    await page.locator("#indicator-csv-problems").waitFor();
    const lines = await page.$$eval("#indicator-csv-problems tbody tr", (rows) => rows.map((r) => Number(r.dataset.line)));
    assert.deepEqual([...new Set(lines)], [2, 3, 4], `problems on lines ${lines}`);
    assert.equal((await api(`/api/v1/indicators/${perUnit.id}`)).body.values.length, 0, "nothing stored from a bad CSV");
    // Per commune: one through the form by the commune's name as a fraction, one through a good CSV.
    await page.selectOption("#value-indicator", perUnit.id);
    await page.fill("#value-unit-code", a.name);
    await page.click("label[for=value-mode-fraction]");
    await page.fill("#value-numerator", "30");
    await page.fill("#value-denominator", "100");
    await page.fill("#value-source", "Khảo sát hộ gia đình e2e");
    await page.click("#value-submit");
    await page.locator("#value-stored").waitFor();
    const good = `chỉ tiêu;ngày;mã đơn vị;tử số;mẫu số;nguồn\n${perUnit.id};${today};${b.code};90;100;Khảo sát hộ gia đình e2e\n`;
    await page.setInputFiles("#indicator-csv", { name: "good.csv", mimeType: "text/csv", buffer: Buffer.from(good) });
    await page.click("#indicator-import");
    await page.locator("#csv-stored").waitFor();
    const detail = (await api(`/api/v1/indicators/${perUnit.id}`)).body;
    assert.deepEqual(detail.units.map((u) => u.code).sort(), [a.code, b.code].sort());
    assert.equal(detail.per_unit, true);

    // On the map: the two communes in the lightest and darkest class, the others without a value.
    const button = page.locator(`#indicators [data-indicator-id="${perUnit.id}"] [data-action="show-on-map"]`);
    await button.click();
    await page.locator(`#legend [data-indicator="${perUnit.id}"]`).waitFor();
    assert.match(page.url(), new RegExp(`indicator=${perUnit.id}`));
    const other = communes.features.find((f) => ![a.code, b.code].includes(f.properties.code) && f.properties.district_code !== "").properties;
    const points = await page.evaluate((cs) => cs.map((c) => window.__phusong.labelPoint(c)), [a.code, b.code, other.code]);
    const blend = (rgb) => rgb.map((c, i) => Math.round(c * OPACITY + BACKGROUND[i] * (1 - OPACITY)));
    await page.waitForFunction(
      ([pts, want]) => window.__phusong.pixelsAt(pts).then((px) => px.every((p, i) => p.every((v, k) => Math.abs(v - want[i][k]) <= 8))),
      [points, [blend(PALETTE[0]), blend(PALETTE[4]), blend(hex("#c5ccd3"))]],
      { timeout: 10000, polling: 250 },
    );
    await page.screenshot({ path: join(artifacts, "indicator-map.png") });
    // And back to the coverage layer.
    await page.click("#indicator-map-back");
    await page.locator("#legend .legend-title", { hasText: "Tỷ lệ dân số được phủ sóng" }).waitFor();
    assert.doesNotMatch(page.url(), /indicator=/);
    await page
      .waitForFunction(
        ([pt, want]) => window.__phusong.pixelsAt([pt]).then(([p]) => p.every((v, k) => Math.abs(v - want[k]) <= 8)),
        [points[0], expectedColour(a)],
        { timeout: 10000, polling: 250 },
      )
      .catch(() => undefined);
    const [px] = await page.evaluate((pts) => window.__phusong.pixelsAt(pts), [points[0]]);
    assert.ok(near(px, expectedColour(a)), `${a.code}: ${px} vs ${expectedColour(a)}`);
    await page.close();

    // On a phone: the board fits, and a value with a decimal comma changes it.
    const { body: mid } = await api("/api/v1/indicators");
    const phone = await newPage({ width: 390, height: 844 });
    await openMap(phone, "#tab=indicators");
    await phone.locator("#indicators [data-indicator-id]").first().waitFor();
    const over = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(over <= 0, `the board is ${over} px wider than the phone`);
    assert.ok((await phone.locator("#indicators svg.chart path.chart-line").count()) >= 1);
    const headlineBox = await phone.locator("#indicators-headline").boundingBox();
    assert.ok(headlineBox.x >= 0 && headlineBox.x + headlineBox.width <= 390, `headline ${JSON.stringify(headlineBox)}`);
    const third = mid.indicators.find((x) => x.kind === "entered" && x.unit === "percent" && x.target !== null && x.target <= 85 && !x.latest && x.id !== perUnit.id);
    await phone.click("#indicator-admin > summary");
    assert.equal(await phone.locator("#indicator-token").inputValue(), "", "the admin token is the session's, not another page's");
    await phone.fill("#indicator-token", adminToken);
    await phone.selectOption("#value-indicator", third.id);
    await phone.fill("#value-value", "85,5");
    await phone.fill("#value-source", "Báo cáo e2e");
    await phone.click("#value-submit");
    await phone.locator("#value-stored").waitFor();
    const { body: last } = await api("/api/v1/indicators");
    assert.equal(last.met, mid.met + 1);
    await phone.locator("#indicators-headline", { hasText: last.headline_vi }).waitFor();
    assert.equal(await phone.locator(`#indicators [data-indicator-id="${third.id}"] [data-field="value"]`).textContent(), "85,5%");
    assert.ok((await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)) <= 0, "the form fits the phone");
    await phone.screenshot({ path: join(artifacts, "phone-indicators.png"), fullPage: true });
    await phone.close();
  });

  test("the gaps table ranks communes as the API does and outlines them on the map", async () => {
    const { body } = await api("/api/v1/gaps?layer=mobile&limit=10000");
    const page = await newPage();
    await openMap(page, "#tab=gaps&layer=mobile");
    await page.locator("#gaps-table tbody tr").first().waitFor();
    const rows = await page.$$eval("#gaps-table tbody tr", (trs) => trs.map((tr) => [tr.dataset.code, tr.querySelector('[data-field="people_not_covered"]').textContent]));
    assert.equal(rows.length, body.communes.length);
    assert.deepEqual(rows.slice(0, 15).map((r) => r[0]), body.communes.slice(0, 15).map((c) => c.code));
    rows.slice(0, 15).forEach(([, v], i) => assert.equal(parseShown(v, "vi"), body.communes[i].people_not_covered));
    assert.equal(Number(await page.locator("#gaps-plan").getAttribute("data-people")), body.plan.people_added);
    assert.equal(Number(await page.locator("#gaps-plan").getAttribute("data-communes")), body.plan.communes.length);
    // Outlined on the map: the highlight layer draws the first communes of the ranking.
    const first = body.communes.slice(0, 8).map((c) => c.code);
    await page.waitForFunction(
      (codes) => {
        const drawn = new Set(window.__phusong.map.queryRenderedFeatures({ layers: ["gaps-line"] }).map((f) => f.properties.code));
        return codes.every((c) => drawn.has(c));
      },
      first,
      { timeout: 10000 },
    );
    await page.screenshot({ path: join(artifacts, "gaps.png") });

    // A row opens the commune's card.
    await page.click(`#gaps-table tbody tr[data-code="${first[0]}"] button.link`);
    await page.locator(`#card-title[data-code="${first[0]}"]`).waitFor();
    assert.match(page.url(), new RegExp(`commune=${first[0]}`));

    // Filters: remote communes only, in the URL, with the API's list.
    const remote = await api("/api/v1/gaps?layer=mobile&remote=true&limit=10000");
    await page.selectOption("#gaps-remote", "true");
    await page.waitForFunction((n) => document.querySelectorAll("#gaps-table tbody tr").length === n, remote.body.communes.length);
    assert.match(page.url(), /remote=true/);
    assert.equal(await page.locator("#gaps-table tbody tr").first().getAttribute("data-code"), remote.body.communes[0].code);
    // Sorting by name, then the CSV of the table as shown.
    await page.click('button[data-sort="name"]');
    assert.match(page.url(), /sort=name/);
    assert.equal(await page.locator('th[aria-sort="ascending"] button[data-sort="name"]').count(), 1);
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#gaps-csv")]);
    const csv = readFileSync(await download.path(), "utf8");
    assert.ok(csv.startsWith("\ufeffrank,code,name,"), csv.slice(0, 40));
    const lines = csv.trim().split(/\r\n/);
    assert.equal(lines.length, remote.body.communes.length + 1);
    const collator = new Intl.Collator("vi");
    const names = [...remote.body.communes].sort((a, b) => collator.compare(a.name, b.name) || a.rank - b.rank);
    assert.equal(lines[1].split(",")[1], names[0].code);
    await page.close();
  });

  test("the gaps CSV quotes text that a spreadsheet would run as a formula", async () => {
    // Names come from an imported commune file: the answer is given a hostile
    // name and district, as such a file could.
    const hostile = { name: '=HYPERLINK("http://evil.example","Xã")', district: "@SUM(A1:A9)", district_code: "-1.5" };
    const page = await newPage();
    await page.route(/\/api\/v1\/gaps\?/, async (route) => {
      const res = await route.fetch();
      const body = await res.json();
      Object.assign(body.communes[0], hostile);
      await route.fulfill({ response: res, json: body });
    });
    await openMap(page, "#tab=gaps&layer=mobile");
    await page.locator("#gaps-table tbody tr").first().waitFor();
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#gaps-csv")]);
    const lines = readFileSync(await download.path(), "utf8").replace(/^\ufeff/, "").trim().split(/\r\n/);
    assert.ok(lines[1].includes(`"'=HYPERLINK(""http://evil.example"",""Xã"")"`), lines[1]);
    // Cell by cell: a quoted cell is unquoted and its doubled quotes undone.
    const cells = (line) => {
      const out = [];
      for (let i = 0; i <= line.length; i++) {
        let v = "";
        if (line[i] === '"') {
          for (i++; i < line.length && !(line[i] === '"' && line[i + 1] !== '"'); i++) v += line[i] === '"' ? line[i++] : line[i];
          i++;
        } else for (; i < line.length && line[i] !== ","; i++) v += line[i];
        out.push(v);
      }
      return out;
    };
    const header = cells(lines[0]);
    const first = Object.fromEntries(cells(lines[1]).map((v, i) => [header[i], v]));
    assert.equal(first.name, "'" + hostile.name);
    assert.equal(first.district, "'" + hostile.district);
    assert.equal(first.district_code, "'" + hostile.district_code);
    // No text cell starts a formula, and the figures stay numbers.
    for (const line of lines.slice(1)) {
      const row = cells(line);
      assert.equal(row.length, header.length, line);
      assert.ok(row.every((v) => !/^[=+\-@\t\r]/.test(v)), line);
      for (const k of ["rank", "population", "people_not_covered", "share_covered"]) assert.match(row[header.indexOf(k)], /^[0-9.]+$/, line);
    }
    await page.close();
  });

  test("the uncovered-people layer draws, and its total equals the API's uncovered people", async () => {
    const page = await newPage({ width: 1366, height: 850 });
    await openMap(page, "#layer=mobile");
    await waitRendered(page, "mobile");
    const [{ body: people }, { body: summary }, { body: communes }] = await Promise.all([
      api("/api/v1/layers/mobile/people"),
      api("/api/v1/summary?layer=mobile"),
      api("/api/v1/layers/mobile/communes"),
    ]);
    assert.ok(people.features.length > 0, "the people answer has squares");
    const apiSum = people.features.reduce((s, f) => s + f.properties.uncovered, 0);
    assert.equal(apiSum, people.uncovered, "the squares' uncovered sum to the answer's");
    // The centres of squares with many people not covered, to compare the canvas before and after.
    const centre = (f) => {
      const ring = f.geometry.coordinates[0];
      const xs = ring.map((p) => p[0]);
      const ys = ring.map((p) => p[1]);
      return [(Math.min(...xs) + Math.max(...xs)) / 2, (Math.min(...ys) + Math.max(...ys)) / 2];
    };
    // Only centres that show a commune's fill: one under an outline or a
    // label cannot change colour, and where those fall moves with the map's
    // size (the demonstration banner above it).
    const fills = PALETTE.map((c) => c.map((v, i) => Math.round(v * OPACITY + BACKGROUND[i] * (1 - OPACITY))));
    const candidates = people.features.filter((f) => f.properties.uncovered >= 30).filter((_, i) => i % 5 === 0).slice(0, 60).map(centre);
    const onCanvas = await page.evaluate((pts) => window.__phusong.pixelsAt(pts), candidates);
    const kept = candidates.map((ll, i) => [ll, onCanvas[i]]).filter(([, px]) => fills.some((c) => near(px, c))).slice(0, 20);
    const sample = kept.map(([ll]) => ll);
    const before = kept.map(([, px]) => px);
    assert.ok(sample.length >= 5, `${sample.length} squares to sample`);
    assert.equal(await page.locator("#people-legend").isHidden(), true, "no overlay legend before the overlay is on");

    // On with the keyboard: the radios of the control, as arrow keys move between them.
    await page.focus("#overlay-off");
    await page.keyboard.press("ArrowRight");
    await page.waitForFunction(() => window.__phusong.state().overlay === "people");
    await page.keyboard.press("ArrowRight");
    await page.waitForFunction(() => window.__phusong.state().overlay === "uncovered");
    assert.equal(await page.locator("#overlay-uncovered").isChecked(), true);
    assert.match(page.url(), /overlay=uncovered/);
    await waitMap(
      page,
      (min) => {
        const drawn = window.__phusong.renderedSquares();
        return document.getElementById("people-caption")?.dataset.overlay === "uncovered" && drawn.length > 0 && drawn.length >= min;
      },
      people.features.filter((f) => f.properties.uncovered > 0).length * 0.5,
    );

    // Drawn: MapLibre renders the squares with people not covered (and only those), and the canvas changed where they are.
    const drawn = await page.evaluate(() => window.__phusong.renderedSquares());
    assert.ok(drawn.length >= people.features.filter((f) => f.properties.uncovered > 0).length * 0.5, `${drawn.length} squares rendered`);
    assert.ok(drawn.every((p) => p.uncovered >= 1 && p.people >= p.uncovered), "only squares with people not covered are drawn");
    const after = await page.evaluate((pts) => window.__phusong.pixelsAt(pts), sample);
    const changed = sample.filter((_, i) => !near(before[i], after[i], 12)).length;
    assert.ok(changed >= sample.length * 0.8, `${changed} of ${sample.length} sampled squares changed colour: ${JSON.stringify([before.slice(0, 3), after.slice(0, 3)])}`);

    // The caption's total (the page's sum of the squares) is the summary's population − covered, and the answer's uncovered.
    const caption = page.locator("#people-caption");
    const text = await caption.textContent();
    assert.match(text, /người chưa được phủ sóng \(băng rộng di động\)/);
    const shown = parseCount(text.split("người")[0], "vi");
    const want = Math.round(summary.province.population - summary.province.covered);
    assert.equal(shown, want, `caption ${text}; summary ${summary.province.population} − ${summary.province.covered}`);
    assert.equal(shown, people.uncovered);
    assert.equal(Number(await caption.getAttribute("data-total")), want);
    const method = await page.locator("#people-method").textContent();
    assert.match(method, people.population_method === "grid-worldpop-v1" ? /WorldPop 2020/ : people.population_method === "even" ? /chia đều/ : new RegExp(people.population_method));
    assert.equal(await page.locator("#people-legend .legend-row").count(), 5);
    await page.screenshot({ path: join(artifacts, "people-uncovered.png") });

    // A click on a square shows its people, those not covered and its commune; the popup opens the commune's card.
    const hit = await page.evaluate(() => {
      const m = window.__phusong.map;
      const r = document.getElementById("map").getBoundingClientRect();
      for (let y = r.height * 0.2; y < r.height * 0.8; y += 9) {
        for (let x = r.width * 0.4; x < r.width * 0.9; x += 9) {
          const el = document.elementFromPoint(r.left + x, r.top + y);
          const f = el?.tagName === "CANVAS" ? m.queryRenderedFeatures([x, y], { layers: ["people-fill"] })[0] : null;
          if (f) return { x: r.left + x, y: r.top + y, p: f.properties };
        }
      }
      return null;
    });
    assert.ok(hit, "a square on the bare canvas");
    await page.mouse.click(hit.x, hit.y);
    const popup = page.locator(".square-popup .square");
    await popup.waitFor();
    assert.equal(parseShown(await popup.locator('[data-field="people"]').textContent(), "vi"), hit.p.people);
    assert.equal(parseShown(await popup.locator('[data-field="uncovered"]').textContent(), "vi"), hit.p.uncovered);
    const commune = communes.features.find((f) => f.properties.code === hit.p.commune);
    assert.equal(await popup.locator('[data-field="commune"]').textContent(), commune.properties.name);
    assert.equal(await page.locator("#card").isHidden(), true, "a click on a square shows the square, not the card");
    await popup.locator("button").click();
    await page.locator(`#card-title[data-code="${hit.p.commune}"]`).waitFor();

    // Another layer: the overlay follows it, with that layer's people not covered.
    const { body: bSummary } = await api("/api/v1/summary?layer=broadband");
    await page.click("label[for=layer-broadband]");
    await page.waitForFunction(() => document.getElementById("people-caption")?.dataset.layer === "broadband", null, { timeout: 15000 });
    assert.equal(Number(await caption.getAttribute("data-total")), Math.round(bSummary.province.population - bSummary.province.covered));
    assert.match(await caption.textContent(), /\(băng rộng cố định\)/);

    // Where people live: every census person in the squares.
    await page.click("label[for=overlay-people]");
    await page.waitForFunction(() => document.getElementById("people-caption")?.dataset.overlay === "people");
    assert.equal(Number(await caption.getAttribute("data-total")), bSummary.province.population);
    await waitMap(page, () => window.__phusong.renderedSquares().length > 0);

    // In English, then off.
    await page.click('.lang button[data-lang="en"]');
    await page.locator("#people-caption", { hasText: / people in [\d,]+ squares/ }).waitFor();
    assert.match(await page.locator("label[for=overlay-uncovered]").textContent(), /People not covered/);
    assert.match(await caption.textContent(), / people in [\d,]+ squares/);
    await page.click("label[for=overlay-uncovered]");
    await page.locator('#people-caption[data-overlay="uncovered"]', { hasText: /people not covered/ }).waitFor();
    const en = await caption.textContent();
    assert.match(en, /people not covered \(fixed broadband\)/);
    assert.equal(parseCount(en.split("people")[0], "en"), Math.round(bSummary.province.population - bSummary.province.covered));
    assert.match(await page.locator("#people-method").textContent(), /People placed by (the WorldPop 2020 grid|an even spread)/);
    await page.click('.lang button[data-lang="vi"]');
    await page.click("label[for=overlay-off]");
    await waitMap(page, () => window.__phusong.renderedSquares().length === 0);
    assert.equal(await page.locator("#people-legend").isHidden(), true);
    assert.doesNotMatch(page.url(), /overlay=/);
    await page.close();
  });

  test("the gaps tab lists the largest clusters of people not covered, and a cluster's button shows it on the map", async () => {
    const { body } = await api("/api/v1/layers/mobile/clusters?limit=10");
    assert.ok(body.clusters.length > 0, "the demonstration data has clusters");
    const page = await newPage({ width: 1366, height: 850 });
    await openMap(page, "#tab=gaps&layer=mobile");
    await page.locator("#clusters .cluster").first().waitFor();
    const items = page.locator("#clusters .cluster");
    assert.equal(await items.count(), body.clusters.length);
    for (const [i, c] of body.clusters.slice(0, 5).entries()) {
      const item = items.nth(i);
      assert.equal(Number(await item.getAttribute("data-rank")), c.rank);
      assert.equal(parseCount(await item.locator('[data-field="uncovered"]').textContent(), "vi"), Math.round(c.uncovered));
      assert.ok((await item.locator('[data-field="communes"]').textContent()).includes(c.communes[0].name));
      const [lat, lon] = (await item.locator('[data-field="at"]').textContent()).split("° B, ").map((x) => parseShown(x.replace("° Đ", ""), "vi"));
      assert.ok(Math.abs(lat - c.lat) < 1e-4 && Math.abs(lon - c.lon) < 1e-4, `cluster ${c.rank} at ${lat}, ${lon} vs ${c.lat}, ${c.lon}`);
    }
    await waitRendered(page, "mobile");
    const zoomBefore = await page.evaluate(() => window.__phusong.map.getZoom());
    const c = body.clusters[1] ?? body.clusters[0];
    await page.click(`#clusters button[data-rank="${c.rank}"]`);
    await page.waitForFunction(
      (c) => {
        const m = window.__phusong.map;
        if (m.isMoving()) return false;
        const b = m.getBounds();
        return b.contains([c.lon, c.lat]) && b.getWest() <= c.bbox[0] + 1e-3 && b.getEast() >= c.bbox[2] - 1e-3;
      },
      c,
      { timeout: 10000 },
    );
    const zoomAfter = await page.evaluate(() => window.__phusong.map.getZoom());
    assert.ok(zoomAfter > zoomBefore + 0.5, `the map zoomed in to the cluster: ${zoomBefore} → ${zoomAfter}`);
    // The squares drawn at the cluster's centre hold people not covered.
    const squaresAtCentre = (c) => {
      const m = window.__phusong.map;
      const p = m.project([c.lon, c.lat]);
      return m.queryRenderedFeatures([[p.x - 20, p.y - 20], [p.x + 20, p.y + 20]], { layers: ["people-fill"] }).map((f) => f.properties.uncovered);
    };
    await waitMap(
      page,
      // waitMap sends the check as text: the query is written out, not called.
      (c) => {
        const m = window.__phusong.map;
        const p = m.project([c.lon, c.lat]);
        const drawn = m.queryRenderedFeatures([[p.x - 20, p.y - 20], [p.x + 20, p.y + 20]], { layers: ["people-fill"] });
        return window.__phusong.state().overlay === "uncovered" && drawn.some((f) => f.properties.uncovered >= c.min);
      },
      { ...c, min: body.min_uncovered },
    );
    assert.match(page.url(), /overlay=uncovered/);
    const atCentre = await page.evaluate(squaresAtCentre, c);
    assert.ok(atCentre.length > 0 && atCentre.some((u) => u >= body.min_uncovered), `squares at the cluster's centre: ${atCentre}`);
    await page.screenshot({ path: join(artifacts, "gaps-clusters.png") });
    await page.click('.lang button[data-lang="en"]');
    assert.equal(await page.locator("#clusters-title").textContent(), "Clusters of people not covered");
    assert.match(await items.first().locator('[data-field="uncovered"]').textContent(), /^[\d,]+ people not covered$/);
    await page.click('.lang button[data-lang="vi"]');
    await page.close();
  });

  test("the people overlay and the clusters work on a 390 px phone", async () => {
    const page = await newPage({ width: 390, height: 844 });
    await openMap(page, "#layer=mobile");
    await waitRendered(page, "mobile");
    const label = page.locator("label[for=overlay-uncovered]");
    const box = await label.boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= 390 && box.height >= 32, `control ${JSON.stringify(box)}`);
    await label.click();
    await waitMap(page, () => document.getElementById("people-caption")?.dataset.overlay === "uncovered" && window.__phusong.renderedSquares().length > 0);
    const { body: people } = await api("/api/v1/layers/mobile/people");
    assert.equal(Number(await page.locator("#people-caption").getAttribute("data-total")), people.uncovered);
    assert.equal(await page.locator("#people-caption").isVisible(), true);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow} px wider than the phone`);
    await page.screenshot({ path: join(artifacts, "phone-people.png"), fullPage: true });
    await page.close();

    const p = await newPage({ width: 390, height: 844 });
    await openMap(p, "#tab=gaps&layer=mobile");
    const button = p.locator("#clusters button[data-rank='1']");
    await button.waitFor();
    const b = await button.boundingBox();
    assert.ok(b.x >= 0 && b.x + b.width <= 390, `button ${JSON.stringify(b)}`);
    const zoom = await p.evaluate(() => window.__phusong.map.getZoom());
    await button.click();
    await p.waitForFunction((z) => !window.__phusong.map.isMoving() && window.__phusong.map.getZoom() > z + 0.3 && window.__phusong.state().overlay === "uncovered", zoom, { timeout: 10000 });
    const over = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(over <= 0, `the gaps page is ${over} px wider than the phone`);
    await p.close();
  });

  test("the what-if tool changes the figures, and removing the site restores them", async () => {
    const { body } = await api("/api/v1/layers/mobile/communes");
    const page = await newPage();
    await openMap(page, "#tab=whatif&layer=mobile");
    await waitRendered(page, "mobile");
    await page.locator("#whatif-technology").waitFor();
    assert.equal(await page.locator("#whatif-radius").inputValue(), "3");
    // An uncovered commune whose label point is on the bare canvas.
    const uncovered = body.features.map((f) => f.properties).filter((p) => p.status === "none" && p.population > 0).sort((a, b) => b.population - a.population);
    let target = null;
    let at = null;
    for (const p of uncovered) {
      at = await canvasPoint(page, p.code);
      if (at) {
        target = p;
        break;
      }
    }
    assert.ok(target, "an uncovered commune to click");
    await page.mouse.click(at[0], at[1]);
    await page.waitForFunction(() => window.__phusong.whatifSites().length > 0);
    const sites = await page.evaluate(() => window.__phusong.whatifSites());
    assert.equal(sites.length, 1);
    assert.equal(sites[0].technology, "4G");
    assert.equal(sites[0].radius_m, 3000);
    const want = await api("/api/v1/whatif", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ sites }) });
    assert.equal(want.status, 200);
    const p = want.body.layers.mobile.province;
    assert.ok(p.after.covered > p.before.covered, "the site adds people");
    const after = page.locator('#whatif-province tr[data-layer="mobile"] [data-field="after"]');
    await page.waitForFunction((v) => document.querySelector('#whatif-province tr[data-layer="mobile"] [data-field="after"]')?.dataset.value === String(v), Math.round(p.after.covered), { timeout: 10000 });
    assert.equal(parseShown(await after.evaluate((el) => el.firstChild.textContent), "vi"), Math.round(p.after.covered));
    const before = Number(await page.locator('#whatif-province tr[data-layer="mobile"] [data-field="before"]').getAttribute("data-value"));
    assert.equal(before, Math.round(p.before.covered));
    // The commune changes, in the list and outlined on the map; the circle is drawn.
    await page.locator(`#whatif-communes section[data-layer="mobile"] tr[data-code="${target.code}"]`).waitFor();
    assert.equal(await page.locator(`#whatif-communes section[data-layer="mobile"] tr[data-code="${target.code}"]`).count(), 1);
    await waitMap(
      page,
      (code) =>
        window.__phusong.map.queryRenderedFeatures({ layers: ["whatif-changed"] }).some((f) => f.properties.code === code) &&
        window.__phusong.map.queryRenderedFeatures({ layers: ["whatif-line"] }).length > 0,
      target.code,
    );
    assert.ok((await page.evaluate(() => window.__phusong.map.queryRenderedFeatures({ layers: ["whatif-line"] }).length)) > 0);
    const tgt = want.body.targets.find((x) => x.layer === "mobile");
    // The cell may end in " ✓" (the target met): read the number alone.
    await page.locator(`#whatif-targets tr[data-target-id="${tgt.id}"] [data-field="after"]`, { hasText: tgt.after.met ? "✓" : /\d/ }).waitFor();
    const tAfterText = await page.locator(`#whatif-targets tr[data-target-id="${tgt.id}"] [data-field="after"]`).textContent();
    const tAfter = parseCount(tAfterText, "vi");
    assert.ok(Math.abs(tAfter - 100 * tgt.after.value) <= 0.05 + 1e-9, `target shown ${tAfterText}, the API says ${100 * tgt.after.value}`);
    assert.equal(tAfterText.includes("✓"), tgt.after.met);
    await page.screenshot({ path: join(artifacts, "whatif.png") });

    // Removing the site restores today's figures.
    await page.click("#whatif-sites li button.whatif-remove");
    await page.waitForFunction(() => document.querySelector('#whatif-province tr[data-layer="mobile"] [data-field="after"]')?.dataset.value === document.querySelector('#whatif-province tr[data-layer="mobile"] [data-field="before"]')?.dataset.value);
    assert.equal((await page.evaluate(() => window.__phusong.whatifSites())).length, 0);
    const now = await api("/api/v1/summary");
    assert.equal(Number(await after.getAttribute("data-value")), Math.round(now.body.layers.mobile.covered));
    await waitMap(page, () => window.__phusong.map.queryRenderedFeatures({ layers: ["whatif-line", "whatif-changed"] }).length === 0);
    await page.close();
  });

  test("the language switch works and is remembered", async () => {
    const page = await newPage();
    await openMap(page);
    assert.equal(await page.locator("#tab-map").textContent(), "Bản đồ");
    assert.equal(await page.evaluate(() => document.documentElement.lang), "vi");
    await page.click('.lang button[data-lang="en"]');
    assert.equal(await page.evaluate(() => document.documentElement.lang), "en");
    assert.equal(await page.locator("#tab-map").textContent(), "Map");
    assert.equal(await page.locator("#tab-upload").textContent(), "Upload");
    assert.match(await page.locator(".legend-title").textContent(), /Share of the population covered/);
    const { body } = await api("/api/v1/summary");
    const fraction = await page.locator('#summary tr[data-layer="mobile"] [data-field="population"] .fraction').textContent();
    assert.match(fraction, / people$/);
    assert.equal(parseShown(fraction.split("/")[1].replace("people", ""), "en"), body.layers.mobile.population);
    await page.reload();
    await page.waitForFunction(() => document.documentElement.lang === "en" && window.__phusong !== undefined);
    assert.equal(await page.locator("#tab-map").textContent(), "Map", "English is remembered");
    await page.click('.lang button[data-lang="vi"]');
    assert.equal(await page.locator("#tab-map").textContent(), "Bản đồ");
    assert.match(await page.locator("label[for=provider-select]").textContent(), /Nhà cung cấp/);
    await page.close();
  });

  test("every control is labelled and reachable by keyboard", async () => {
    const page = await newPage();
    await openMap(page);
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll("button, input, select, [role=tab]")]
        .filter((el) => el.offsetParent !== null || el.classList.contains("visually-hidden"))
        .filter((el) => {
          const name = el.getAttribute("aria-label") || (el.labels && [...el.labels].map((l) => l.textContent).join("")) || el.textContent;
          return !name || !name.trim();
        })
        .map((el) => el.outerHTML.slice(0, 80)),
    );
    assert.deepEqual(unlabelled, []);
    // Arrow keys on the layer radios change the layer.
    await page.focus("#layer-mobile");
    await page.keyboard.press("ArrowRight");
    await page.waitForFunction(() => window.__phusong.state().layer !== "mobile");
    // Tabs: arrow keys move between pages.
    // The tab after the map is the next one shown (targets, gaps and what-if
    // show once their endpoints answer).
    await page.waitForFunction(() => [...document.querySelectorAll("[role=tab]")].every((t) => !t.hidden));
    const next = await page.evaluate(() => {
      const tabs = [...document.querySelectorAll("[role=tab]")].filter((t) => !t.hidden && t.offsetParent !== null);
      return tabs[tabs.findIndex((t) => t.id === "tab-map") + 1].id;
    });
    await page.focus("#tab-map");
    await page.keyboard.press("ArrowRight");
    assert.equal(await page.evaluate(() => document.activeElement.id), next);
    assert.equal(await page.evaluate(() => "tab-" + window.__phusong.state().tab), next);
    // Tab reaches the map canvas, whose keys pan and zoom it.
    await page.focus("#tab-map");
    await page.keyboard.press("Enter");
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press("Tab");
      reached = await page.evaluate(() => document.activeElement?.classList.contains("maplibregl-canvas"));
    }
    assert.ok(reached, "the map canvas is reachable with Tab");
    const zoom = await page.evaluate(() => window.__phusong.map.getZoom());
    await page.keyboard.press("Equal");
    await page.waitForFunction((z) => window.__phusong.map.getZoom() > z + 0.5, zoom);
    await page.close();
  });

  test("the page runs under a strict Content-Security-Policy", async () => {
    const page = await newPage();
    await page.route(`${base}/`, async (route) => {
      const res = await route.fetch();
      const headers = res.headers();
      if (!headers["content-security-policy"]) headers["content-security-policy"] = CSP;
      await route.fulfill({ response: res, headers });
    });
    await page.addInitScript(() => {
      window.__violations = [];
      document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    await openMap(page);
    await waitRendered(page, "mobile");
    await page.click("label[for=layer-phone]");
    await waitRendered(page, "phone");
    await chooseCommune(page, "tan");
    await page.locator("#card:not([aria-busy]) #card-title").waitFor();
    assert.deepEqual(await page.evaluate(() => window.__violations), []);
    await page.close();
  });

  test("the layout works on a 390 px phone", async () => {
    const page = await newPage({ width: 390, height: 844 });
    await openMap(page);
    await waitRendered(page, "mobile");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow} px wider than the phone`);
    const mapBox = await page.locator("#map").boundingBox();
    assert.ok(mapBox.width >= 380 && mapBox.height >= 300, `map ${JSON.stringify(mapBox)}`);
    await page.screenshot({ path: join(artifacts, "phone.png"), fullPage: true });
    await chooseCommune(page, "lac");
    await page.locator("#card:not([aria-busy]) #card-title").waitFor();
    const cardBox = await page.locator("#card").boundingBox();
    assert.ok(cardBox.x >= 0 && cardBox.x + cardBox.width <= 391, `card ${JSON.stringify(cardBox)}`);
    await page.locator("#card").screenshot({ path: join(artifacts, "phone-card.png") });
    await page.close();
    // The targets, gaps and what-if views fit the phone too.
    // Each view measured once its content is in (what could make it wider).
    const content = {
      indicators: "#indicators [data-indicator-id]",
      targets: "#targets [data-target-id]",
      gaps: "#gaps-table tbody tr",
      whatif: "#whatif-technology",
    };
    for (const [tab, shown] of Object.entries(content)) {
      const p = await newPage({ width: 390, height: 844 });
      await openMap(p, `#tab=${tab}`);
      await p.locator(`#panel-${tab} h2`).waitFor();
      await p.locator(`#panel-${tab} ${shown}`).first().waitFor();
      const over = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(over <= 0, `${tab}: the page is ${over} px wider than the phone`);
      await p.screenshot({ path: join(artifacts, `phone-${tab}.png`), fullPage: true });
      await p.close();
    }
  });

  test("a large commune set is drawn from vector tiles, not one GeoJSON", { skip: !tilesBase && "PHUSONG_TILES_URL is unset (no Vietnam commune set)" }, async () => {
    const page = await newPage();
    const requested = [];
    page.on("request", (r) => requested.push(new URL(r.url()).pathname));
    const tile = (layer) => new RegExp(`^/tiles/${layer}/\\d+/\\d+/\\d+\\.mvt$`);
    const tileRequest = (layer) => page.waitForRequest((r) => tile(layer).test(new URL(r.url()).pathname), { timeout: 30000 });
    const mobileTile = tileRequest("mobile");
    // The view's tiles loaded and drawn: the first frame with communes may hold only the first tiles' few.
    await page.goto(`${tilesBase}/`);
    await waitMap(page, () => window.__phusong.renderedCommunes().length > 100, null, { timeout: 30000 });
    assert.equal(await page.evaluate(() => window.__phusong.tileMode()), true);
    assert.equal(await page.evaluate(() => window.__phusong.map.getSource("communes").type), "vector");
    // The people's squares of a set this large would be tens of megabytes: the control is off.
    assert.equal(await page.locator("#overlay-uncovered").isDisabled(), true);
    await mobileTile;
    const drawn = await page.evaluate(() => window.__phusong.renderedCommunes());
    assert.ok(drawn.length > 100, `${drawn.length} communes rendered`);
    assert.ok(drawn.every((p) => typeof p.code === "string" && typeof p.share_covered === "number"));

    // Clicking a commune opens its card (from /api/v1/communes/{code}).
    const hit = await page.evaluate(() => {
      const m = window.__phusong.map;
      const r = document.getElementById("map").getBoundingClientRect();
      for (let y = r.height * 0.3; y < r.height * 0.8; y += 17) {
        for (let x = r.width * 0.3; x < r.width * 0.8; x += 17) {
          const el = document.elementFromPoint(r.left + x, r.top + y);
          const f = el?.tagName === "CANVAS" ? m.queryRenderedFeatures([x, y], { layers: ["commune-fill"] })[0] : null;
          if (f) return { x: r.left + x, y: r.top + y, code: f.properties.code };
        }
      }
      return null;
    });
    assert.ok(hit, "a commune on the bare canvas");
    const cardRequest = page.waitForRequest((r) => new URL(r.url()).pathname === `/api/v1/communes/${hit.code}`, { timeout: 10000 });
    await page.mouse.click(hit.x, hit.y);
    await page.waitForFunction((c) => window.__phusong.state().commune === c && !document.getElementById("card").hidden && !document.getElementById("card").hasAttribute("aria-busy"), hit.code, { timeout: 10000 });
    await cardRequest;

    // Switching layer switches the tiles.
    const broadbandTile = tileRequest("broadband");
    await page.click("label[for=layer-broadband]");
    await waitMap(page, () => window.__phusong.map.getSource("communes")?.tiles?.[0]?.includes("/tiles/broadband/") && window.__phusong.renderedCommunes().length > 100, null, { timeout: 30000 });
    await broadbandTile;

    assert.deepEqual(
      requested.filter((p) => /^\/api\/v1\/layers\/[^/]+\/communes/.test(p)),
      [],
      "the layer GeoJSON was downloaded in tile mode",
    );
    await page.screenshot({ path: join(artifacts, "tiles-vietnam.png") });
    await page.close();
  });
});
