// The province selector of a national store (issue 20, item 4): the
// selector in the header, the province in the link (&province=), the map
// fitted to it, the summary of it, a reload that keeps it, an unknown
// province said and set aside.
//
// It runs against PHUSONG_PROVINCES_URL, a service whose units are the
// communes of three provinces (Sơn La 14, Hòa Bình 17, Phú Thọ 25, cut from
// the national file at test time); without it its tests are skipped. The
// provinces, their extents and their figures are read from the API, never
// assumed.
//
// Run alone with PHUSONG_E2E=provinces (see lib.mjs).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { newPage, parseShown, provincesBase, waitMap } from "./lib.mjs";

const url = provincesBase;
const skip = url ? false : "PHUSONG_PROVINCES_URL is not set: no service with several provinces to test the selector on";

/** GET of the provinces' service, which must answer 200. */
async function get(path) {
  const res = await fetch(url + path);
  assert.equal(res.status, 200, `GET ${path}`);
  return res.json();
}

/**
 * Waits until the mobile layer's summary row shows these people (the
 * denominator of "covered / people"), as the page formats them in lang, and
 * fails with what it shows when it does not within 10 s.
 */
async function expectPeople(page, lang, want) {
  const cell = page.locator('#summary tr[data-layer="mobile"] [data-field="population"] .fraction');
  const shown = async () => parseShown(((await cell.textContent()) ?? "").split("/")[1]?.replace(/[^\d.,]/g, "") ?? "", lang);
  const until = Date.now() + 10000;
  let got = await shown();
  while (got !== want && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
    got = await shown();
  }
  assert.equal(got, want, "the summary's people");
}

/** Waits until the summary's line names the province (code, or "" for the whole country) and the map has settled on its box. */
async function waitProvince(page, code, bbox) {
  await page.waitForFunction((c) => (document.getElementById("summary-scope")?.dataset.province ?? "") === c, code);
  await waitMap(
    page,
    ({ bbox }) => {
      if (!bbox) return window.__phusong.renderedCommunes().length > 0;
      const [w, s, e, n] = window.__phusong.mapBounds();
      // The view holds the province's centre, and is neither much larger nor much smaller than its box.
      const [cx, cy] = [(bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2];
      const span = Math.max(bbox[2] - bbox[0], bbox[3] - bbox[1]);
      const view = Math.max(e - w, n - s);
      return w < cx && cx < e && s < cy && cy < n && view >= span * 0.9 && view <= span * 3;
    },
    { bbox },
    { timeout: 30000 },
  );
}

/** The map's view, [west, south, east, north]. */
const bounds = (page) => page.evaluate(() => window.__phusong.mapBounds());

describe("provinces", { skip }, () => {
  test("the selector lists the provinces; choosing one fits the map and sums its figures, in the link and after a reload", async () => {
    const { provinces } = await get("/api/v1/provinces");
    assert.deepEqual(
      provinces.map((p) => p.code),
      ["14", "17", "25"],
    );
    const phuTho = provinces.find((p) => p.code === "25");
    const sonLa = provinces.find((p) => p.code === "14");
    const national = await get("/api/v1/summary");
    const ptSummary = await get("/api/v1/summary?province=25");
    const slSummary = await get("/api/v1/summary?province=14");
    assert.notEqual(ptSummary.layers.mobile.population, slSummary.layers.mobile.population);

    const page = await newPage();
    await page.goto(`${url}/`);
    await waitProvince(page, "", null);
    const select = page.locator("#province-select");
    assert.ok(await select.isVisible(), "the selector is shown in a store of several provinces");
    assert.equal(await select.inputValue(), "");
    const options = await select.locator("option").evaluateAll((os) => os.map((o) => [o.value, o.textContent]));
    assert.deepEqual(options, [["", "Cả nước"], ...provinces.map((p) => [p.code, p.name])]);
    await expectPeople(page, "vi", national.layers.mobile.population);

    // Phú Thọ: the link, the summary, the map.
    await select.selectOption("25");
    await waitProvince(page, "25", phuTho.bbox);
    assert.match(page.url(), /[#&]province=25(&|$)/);
    await expectPeople(page, "vi", ptSummary.layers.mobile.population);
    assert.match(await page.locator("#summary-scope").textContent(), /Tỉnh Phú Thọ/);
    const ptView = await bounds(page);

    // Sơn La: both change.
    await select.selectOption("14");
    await waitProvince(page, "14", sonLa.bbox);
    assert.match(page.url(), /[#&]province=14(&|$)/);
    await expectPeople(page, "vi", slSummary.layers.mobile.population);
    const slView = await bounds(page);
    assert.ok(slView[0] < ptView[0] - 0.3, `the map moved west to Sơn La (${slView} after ${ptView})`);

    // A reload keeps the province, the summary and the view.
    await page.reload();
    await waitProvince(page, "14", sonLa.bbox);
    assert.equal(await select.inputValue(), "14");
    await expectPeople(page, "vi", slSummary.layers.mobile.population);

    // The whole country again: no province in the link.
    await select.selectOption("");
    await waitProvince(page, "", null);
    assert.doesNotMatch(page.url(), /province=/);
    await expectPeople(page, "vi", national.layers.mobile.population);
  });

  test("a link opens on its province; an unknown province is said and the whole country shown; English labels", async () => {
    const { provinces } = await get("/api/v1/provinces");
    const phuTho = provinces.find((p) => p.code === "25");
    const ptSummary = await get("/api/v1/summary?province=25");
    const national = await get("/api/v1/summary");

    const page = await newPage();
    await page.goto(`${url}/#province=25`);
    await waitProvince(page, "25", phuTho.bbox);
    assert.equal(await page.locator("#province-select").inputValue(), "25");
    await expectPeople(page, "vi", ptSummary.layers.mobile.population);
    assert.ok(await page.locator("#link-notice").isHidden());

    // English: the selector's label and its whole-country option, the summary's line.
    await page.locator('.lang button[data-lang="en"]').click();
    assert.equal(await page.locator('label[for="province-select"]').textContent(), "Province");
    assert.equal(await page.locator('#province-select option[value=""]').textContent(), "Whole country");
    assert.match(await page.locator("#summary-scope").textContent(), /^Figures of: Phú Thọ province$/);
    await expectPeople(page, "en", ptSummary.layers.mobile.population);

    // The targets' progress report is Phú Thọ's, and says so.
    await page.click("#tab-targets");
    await page.waitForFunction(() => document.getElementById("targets-report")?.getAttribute("href") === "/api/v1/report?lang=en&province=25");
    const report = await fetch(`${url}/api/v1/report?lang=en&province=25`);
    assert.equal(report.status, 200);
    assert.match(await report.text(), /id="scope">Scope: <strong>Phú Thọ \(25\)<\/strong>/);
    // The indicators' board is the province's: the seeded resolution is Hòa Bình's, so Phú Thọ has none.
    const hbBoard = await get("/api/v1/indicators?province=17");
    assert.ok(hbBoard.indicators.length > 0 && (await get("/api/v1/indicators?province=25")).indicators.length === 0);
    await page.click("#tab-indicators");
    await page.waitForFunction(() => document.getElementById("indicators-report")?.getAttribute("href") === "/api/v1/report?lang=en&province=25");
    assert.equal(await page.locator("#indicators [data-indicator-id]").count(), 0);
    await page.locator("#province-select").selectOption("17");
    await page.waitForFunction((n) => document.querySelectorAll("#indicators [data-indicator-id]").length === n, hbBoard.indicators.length);
    await page.waitForFunction(() => document.getElementById("indicators-report")?.getAttribute("href") === "/api/v1/report?lang=en&province=17");
    await page.click("#tab-targets");
    await page.locator("#province-select").selectOption("");
    await page.waitForFunction(() => document.getElementById("targets-report")?.getAttribute("href") === "/api/v1/report?lang=en");

    // An unknown province: the notice names it, the page shows the whole country.
    const bad = await newPage();
    await bad.goto(`${url}/#province=99`);
    await waitProvince(bad, "", null);
    const notice = bad.locator("#link-notice");
    assert.ok(await notice.isVisible());
    assert.match(await notice.textContent(), /province=99/);
    assert.equal(await bad.locator("#province-select").inputValue(), "");
    await expectPeople(bad, "en", national.layers.mobile.population);
    assert.doesNotMatch(bad.url(), /province=/);
  });
});
