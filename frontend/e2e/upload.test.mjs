// Browser tests of the provider's upload tab being forgiving (issue 18,
// item 3): the parser chosen by the file's extension and content, the layer
// and date asked for GeoJSON files too, suggestions for commune codes
// without their leading zeros and for swapped coordinates, the problems
// drawn and zoomed to on the map, and the time of a 1 MB dry run. The
// shared set-up is in lib.mjs.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { api, artifacts, auth, newPage, openMap, token, waitMap } from "./lib.mjs";

/** The shared scenario file of 1,078 synthetic mobile footprints (1.0 MB), which has a layer but no as_of. */
const scenario = fileURLToPath(new URL("../../../shared/data/scenarios/hoabinh_mobile_seed1.geojson", import.meta.url));

const dryRun = "/api/v1/filings?dry_run=true";
const square = (x, y, d) => [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]];
const footprint = (coordinates, technology = "4G") => ({ type: "Feature", properties: { technology }, geometry: { type: "Polygon", coordinates } });

async function openUpload(page) {
  await openMap(page, "#tab=upload");
  await page.fill("#upload-token", token);
}

/** Chooses a file (name and text) as a provider would. */
async function choose(page, name, text, mimeType = "") {
  await page.setInputFiles("#upload-file", { name, mimeType, buffer: Buffer.from(text) });
  await page.locator("#upload-drop").filter({ hasText: name }).waitFor();
}

/** The rows of the problems table: feature, code, hint, suggestion and text. */
async function problemRows(page) {
  await page.locator("#upload-problems").waitFor();
  return page.$$eval("#upload-problems tbody tr", (trs) =>
    trs.map((tr) => {
      const hint = tr.querySelector(".problem-hint");
      return { feature: Number(tr.dataset.feature), code: tr.dataset.code, hint: hint?.dataset.hint, suggestion: hint?.dataset.suggestion, text: tr.textContent };
    }),
  );
}

describe("forgiving uploads", () => {
  test("a .geojson that is not valid JSON gets the JSON error with line and column, not CSV's missing columns", async () => {
    const page = await newPage(undefined, { expect: [{ status: 422, path: dryRun }] });
    await openUpload(page);
    // Written by a script, not a GIS: a line of JavaScript before the JSON (the old page took it for CSV).
    await choose(page, "export.geojson", 'var coverage = {"type":"FeatureCollection","features":[]}');
    await page.click("#upload-dry-run");
    let rows = await problemRows(page);
    assert.deepEqual(rows.map((r) => r.code), ["json_syntax"], JSON.stringify(rows));
    assert.ok(rows[0].text.includes("ở dòng 1, cột 1"), rows[0].text);

    // A comma missing at the end of line 3, seen at the start of line 4.
    const broken = '{"type": "FeatureCollection",\n "layer": "mobile",\n "as_of": "2025-06-30"\n "features": []}';
    await choose(page, "missing-comma.geojson", broken, "application/geo+json");
    await page.click("#upload-dry-run");
    await page.locator('#upload-problems .problem-snippet[data-line="4"]').waitFor();
    rows = await problemRows(page);
    assert.deepEqual(rows.map((r) => r.code), ["json_syntax"]);
    assert.ok(rows[0].text.includes("Không phải JSON hợp lệ ở dòng 4, cột 2"), rows[0].text);
    assert.ok(!rows[0].text.includes("CSV"), rows[0].text);
    // The line is shown with the character where the syntax breaks marked.
    assert.equal(await page.locator("#upload-problems .problem-snippet mark").textContent(), '"');
    assert.equal(await page.locator("#upload-problems .problem-snippet").textContent(), ' "features": []}');
    await page.click('.lang button[data-lang="en"]');
    await page.locator("#upload-problems").filter({ hasText: "Not valid JSON at line 4, column 2" }).waitFor();
    await page.click('.lang button[data-lang="vi"]');
    await page.close();
  });

  test("a GeoJSON without as_of is filed with the date field, without editing the file", async () => {
    const filing = { type: "FeatureCollection", layer: "mobile", features: [footprint(square(105.31, 20.81, 0.02))] };
    const page = await newPage();
    await openUpload(page);
    await choose(page, "no-date.geojson", JSON.stringify(filing), "application/geo+json");
    // The layer comes from the file; the date is asked for.
    assert.equal(await page.locator("#upload-layer").inputValue(), "mobile");
    assert.equal(await page.locator("#upload-asof").inputValue(), "");
    assert.ok((await page.locator("#upload-options-help").textContent()).includes("Tệp không ghi ngày số liệu (as_of)"));
    await page.fill("#upload-asof", "2020-01-15");
    await page.click("#upload-dry-run");
    await page.locator("#upload-valid").waitFor();
    if (await page.locator("#upload-confirm").count()) await page.check("#upload-confirm");
    await page.click("#upload-submit");
    await page.locator("#upload-accepted").waitFor();
    const id = Number((await page.locator("#upload-accepted").textContent()).match(/\d+/)[0]);
    const stored = await api(`/api/v1/filings/${id}`, { headers: auth });
    assert.equal(stored.status, 200);
    assert.equal(stored.body.filing.as_of, "2020-01-15");
    assert.equal(stored.body.filing.layer, "mobile");
    // Taken back, so that the other tests see the figures they expect.
    const gone = await fetch(`${process.env.PHUSONG_URL}/api/v1/filings/${id}`, { method: "DELETE", headers: auth });
    assert.equal(gone.status, 200);
    await page.close();
  });

  test("a commune code without its leading zero is suggested with it (4882 → 04882), and restored on request", async () => {
    const page = await newPage(undefined, { expect: [{ status: 422, path: dryRun }] });
    await openUpload(page);
    await choose(page, "from-excel.csv", "commune_code,technology,share\n4882,FTTH,0.4\n", "text/csv");
    await page.selectOption("#upload-layer", "broadband");
    await page.fill("#upload-asof", "2020-01-15");
    await page.click("#upload-dry-run");
    const rows = await problemRows(page);
    assert.equal(rows.length, 1, JSON.stringify(rows));
    assert.equal(rows[0].code, "unknown_commune");
    assert.equal(rows[0].hint, "leading_zeros");
    assert.equal(rows[0].suggestion, "04882");
    assert.ok(rows[0].text.includes("Có phải là 04882?"), rows[0].text);
    await page.click('.lang button[data-lang="en"]');
    await page.locator("#upload-problems .problem-hint").filter({ hasText: "Did you mean 04882?" }).waitFor();
    await page.click('.lang button[data-lang="vi"]');
    // The page writes the zero back into the file it sends, and checks it again.
    await page.click("#upload-restore-zeros");
    await page.locator("#upload-valid").waitFor();
    assert.equal(await page.locator("#upload-problems").count(), 0);
    await page.close();
  });

  test("a position with latitude and longitude swapped is suggested so", async () => {
    const swapped = square(105.3, 20.8, 0.02).map((ring) => ring.map(([x, y]) => [y, x]));
    const filing = { type: "FeatureCollection", layer: "mobile", as_of: "2020-01-15", features: [footprint(square(105.3, 20.8, 0.02)), footprint(swapped)] };
    const page = await newPage(undefined, { expect: [{ status: 422, path: dryRun }] });
    await openUpload(page);
    await choose(page, "lat-lon.geojson", JSON.stringify(filing, null, 1), "application/geo+json");
    await page.click("#upload-dry-run");
    const rows = await problemRows(page);
    assert.deepEqual(rows.map((r) => `${r.feature}:${r.code}:${r.hint}:${r.suggestion}`), ["1:coordinate_out_of_range:swapped_lon_lat:105.3,20.8"]);
    assert.ok(rows[0].text.includes("Vĩ độ và kinh độ bị đảo?"), rows[0].text);
    await page.click('.lang button[data-lang="en"]');
    await page.locator("#upload-problems .problem-hint").filter({ hasText: "Latitude and longitude swapped?" }).waitFor();
    await page.click('.lang button[data-lang="vi"]');
    await page.close();
  });

  test("the problem features are drawn, filled on top, and the map zooms to them", async () => {
    // Two good footprints at opposite corners of the province and a small one with an unknown technology between them.
    const bad = square(105.33, 20.78, 0.02);
    const filing = {
      type: "FeatureCollection",
      layer: "mobile",
      as_of: "2020-01-15",
      features: [footprint(square(104.9, 20.9, 0.05)), footprint(bad, "6G"), footprint(square(105.7, 20.35, 0.05))],
    };
    const page = await newPage(undefined, { expect: [{ status: 422, path: dryRun }] });
    await openUpload(page);
    await choose(page, "three.geojson", JSON.stringify(filing), "application/geo+json");
    await page.click("#upload-dry-run");
    const rows = await problemRows(page);
    assert.deepEqual(rows.map((r) => `${r.feature}:${r.code}`), ["1:unknown_technology"]);
    // Fitted to the problem feature, not to the file: it is in view, at a street-level zoom.
    await waitMap(page, () => window.__phusong.map.queryRenderedFeatures({ layers: ["upload-fill"] }).some((f) => f.properties.index === 1));
    const view = await page.evaluate(() => {
      const m = window.__phusong.map;
      const b = m.getBounds();
      return { zoom: m.getZoom(), w: b.getWest(), e: b.getEast(), s: b.getSouth(), n: b.getNorth(), filled: m.queryRenderedFeatures({ layers: ["upload-fill"] }).map((f) => f.properties.index) };
    });
    assert.ok(view.zoom >= 11, `zoom ${view.zoom}`);
    assert.ok(view.w <= 105.33 && view.e >= 105.35 && view.s <= 20.78 && view.n >= 20.8, JSON.stringify(view));
    assert.deepEqual([...new Set(view.filled)], [1], "only the problem feature is filled");
    // On the canvas: the problem feature's middle is tinted magenta (#c2255c at 0.35) over what is under it.
    const centre = [105.34, 20.79];
    const read = () => page.evaluate(async (ll) => {
      const p = window.__phusong.pixelsAt([ll]);
      window.__phusong.map.triggerRepaint();
      return (await p)[0];
    }, centre);
    const tinted = await read();
    await page.evaluate(() => window.__phusong.map.setLayoutProperty("upload-fill", "visibility", "none"));
    const under = await read();
    await page.evaluate(() => window.__phusong.map.setLayoutProperty("upload-fill", "visibility", "visible"));
    const want = under.map((c, i) => Math.round(c * 0.65 + [0xc2, 0x25, 0x5c][i] * 0.35));
    assert.ok(tinted.every((c, i) => Math.abs(c - want[i]) <= 10), `pixel ${tinted}, want ${want} (${under} under the fill)`);
    await page.screenshot({ path: join(artifacts, "upload-problem-zoom.png") });
    await page.close();
  });

  test("a 1 MB dry run in the page takes about what it takes with curl (measured)", { skip: !existsSync(scenario) && "no shared scenario file" }, async () => {
    const raw = readFileSync(scenario, "utf8");
    const t0 = performance.now();
    const direct = await api(`${dryRun}&as_of=2025-06-30`, { method: "POST", headers: { ...auth, "Content-Type": "application/geo+json" }, body: raw });
    const curlMs = performance.now() - t0;
    assert.equal(direct.status, 200, JSON.stringify(direct.body).slice(0, 500));

    const page = await newPage();
    await openUpload(page);
    const c0 = performance.now();
    await choose(page, "hoabinh_mobile_seed1.geojson", raw);
    await waitMap(page, () => window.__phusong.map.queryRenderedFeatures({ layers: ["upload-line"] }).length > 100, null, { timeout: 60000 });
    const chooseMs = performance.now() - c0;
    // The file has no as_of: the date field gives it.
    await page.fill("#upload-asof", "2025-06-30");
    // What the dry run sends to the map: nothing, since the file is drawn already and the layer shown.
    await page.evaluate(() => {
      window.__sets = [];
      for (const id of ["upload", "communes"]) {
        const src = window.__phusong.map.getSource(id);
        const set = src.setData.bind(src);
        src.setData = (d) => {
          window.__sets.push(id);
          return set(d);
        };
      }
    });
    const start = await page.evaluate(() => performance.now());
    await page.click("#upload-dry-run");
    await page.locator("#upload-valid").waitFor({ timeout: 60000 });
    const shownMs = (await page.evaluate(() => performance.now())) - start;
    await waitMap(page, () => window.__phusong.map.queryRenderedFeatures({ layers: ["upload-line"] }).length > 100, null, { timeout: 60000 });
    const settledMs = (await page.evaluate(() => performance.now())) - start;
    console.log(
      `measure: 1 MB dry run (${raw.length} bytes, 1,078 footprints): fetch from node ${curlMs.toFixed(0)} ms; ` +
        `page: choosing the file until drawn ${chooseMs.toFixed(0)} ms, click to figures shown ${shownMs.toFixed(0)} ms, to the map settled ${settledMs.toFixed(0)} ms`,
    );
    assert.deepEqual(await page.evaluate(() => window.__sets), [], "the dry run sent nothing again to the map");
    const covered = await page.locator('#upload-figures tr[data-field="covered"] td').nth(1).textContent();
    assert.equal(Number(covered.replace(/\D/g, "")), Math.round(direct.body.after.covered));
    await page.close();
  });
});
