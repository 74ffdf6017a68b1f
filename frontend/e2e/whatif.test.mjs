// Browser tests of the planner's what-if tool (issue 18, items 7 and 12):
// the map recolours a site's commune with the after-figures, the sites live
// in the URL, a site is placed by typed coordinates, dragged, edited and
// removed, every layer a site changes is listed, and small changes show as
// non-zero. PHUSONG_E2E=whatif runs this file alone.
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { api, artifacts, BACKGROUND, expectedColour, hex, near, newPage, openMap, parseShown, waitMap, waitRendered } from "./lib.mjs";

/** The answer of POST /api/v1/whatif for these sites. */
async function whatif(sites) {
  const r = await api("/api/v1/whatif", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ sites }) });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

/** The colour of a commune of this share and status under a site's circle (map.ts: whatif-fill, #0b3d5c at 0.16). */
function underCircle(p) {
  const site = hex("#0b3d5c");
  return expectedColour(p).map((c, i) => Math.round(site[i] * 0.16 + c * 0.84));
}

/**
 * A commune that mobile broadband barely reaches (status none: the least share first, then the most
 * people; Xã Đồng Chum in the seeded Hòa Bình data) and that fixed broadband reaches less than half
 * of, so that a 4G or an FTTH site there changes it whatever the earlier tests filed; and its label point.
 */
async function uncoveredCommune(page) {
  const { body } = await api("/api/v1/layers/mobile/communes");
  const fixed = await api("/api/v1/layers/broadband/communes");
  const fixedShare = new Map(fixed.body.features.map((f) => [f.properties.code, f.properties.share_covered]));
  const list = body.features
    .map((f) => f.properties)
    .filter((p) => p.status === "none" && p.population > 0 && fixedShare.get(p.code) < 0.5);
  list.sort((a, b) => a.share_covered - b.share_covered || b.population - a.population);
  const c = list.find((p) => p.code === "04852" && p.share_covered < 0.01) ?? list[0];
  assert.ok(c, `an uncovered commune among ${body.features.length}`);
  const ll = await page.evaluate((code) => window.__phusong.labelPoint(code), c.code);
  assert.ok(ll, `a label point for ${c.code}`);
  return { commune: c, ll: ll.map((x) => Math.round(x * 1e5) / 1e5) };
}

/** Waits until the province row of a layer shows the API's after-figure. */
async function waitProvince(page, layer, covered) {
  await page.waitForFunction(
    ([l, v]) => !document.querySelector("#whatif-result[aria-busy]") && document.querySelector(`#whatif-province tr[data-layer="${l}"] [data-field="after"]`)?.dataset.value === String(v),
    [layer, Math.round(covered)],
    { timeout: 15000 },
  );
}

/** Waits until the map draws the commune with the after-figure (its feature state) and returns the pixel at its label point. */
async function waitRecoloured(page, code, share, ll) {
  await waitMap(
    page,
    ({ code, share }) => window.__phusong.map.queryRenderedFeatures({ layers: ["commune-fill"] }).some((f) => f.properties.code === code && f.state?.whatif_share === share),
    { code, share },
  );
  const [px] = await page.evaluate((pt) => window.__phusong.pixelsAt([pt]), ll);
  return px;
}

describe("what-if", () => {
  test("a site typed in by coordinates gives the API's figures, recolours its commune, lists every layer it changes, and survives a reload", async () => {
    const page = await newPage();
    await openMap(page, "#tab=whatif&layer=mobile");
    await waitRendered(page, "mobile");
    const { commune, ll } = await uncoveredCommune(page);
    // Before any site: the data date of the figures, as on the map.
    const summary = (await api("/api/v1/summary")).body;
    const [y, m, d] = summary.data_as_of.split("-");
    await page.locator("#whatif-dated", { hasText: `${d}/${m}/${y}` }).waitFor();
    assert.match(await page.locator("#whatif-dated").textContent(), /Số liệu đến ngày \d\d\/\d\d\/\d{4} · tính lúc /);

    // Typed errors are named, in the form, and nothing is placed.
    await page.fill("#whatif-lat", "hai mươi");
    await page.fill("#whatif-lon", "105,3");
    await page.click("#whatif-add");
    await page.locator("#whatif-form-error", { hasText: "Vĩ độ “hai mươi”" }).waitFor();
    assert.equal(await page.locator("#whatif-lat").getAttribute("aria-invalid"), "true");
    assert.equal(await page.locator("#whatif-lon").getAttribute("aria-invalid"), null);
    await page.fill("#whatif-lat", "105.3");
    await page.fill("#whatif-lon", "20.7");
    await page.click("#whatif-add");
    await page.locator("#whatif-form-error", { hasText: "đổi chỗ" }).waitFor();
    assert.equal((await page.evaluate(() => window.__phusong.whatifSites())).length, 0);

    // Typed in the Vietnamese way (decimal comma) at the commune's label point.
    await page.fill("#whatif-lat", String(ll[1]).replace(".", ","));
    await page.fill("#whatif-lon", String(ll[0]));
    await page.click("#whatif-add");
    await page.waitForFunction(() => window.__phusong.whatifSites().length === 1);
    assert.equal(await page.locator("#whatif-form-error").isHidden(), true);
    const sites = await page.evaluate(() => window.__phusong.whatifSites());
    assert.deepEqual(sites, [{ lon: ll[0], lat: ll[1], radius_m: 3000, technology: "4G", layer: "mobile" }]);
    const want = await whatif(sites);
    const p = want.layers.mobile.province;
    assert.ok(p.after.covered > p.before.covered, "the site adds people");
    await waitProvince(page, "mobile", p.after.covered);
    assert.equal(parseShown(await page.locator('#whatif-province tr[data-layer="mobile"] [data-field="after"]').evaluate((el) => el.firstChild.textContent), "vi"), Math.round(p.after.covered));

    // Every layer the API says changes is listed, with each of its changed communes (the first 30).
    const layers = Object.keys(want.layers);
    assert.ok(layers.includes("phone"), `a 4G site changes the phone layer too: ${layers}`);
    for (const l of layers) {
      const changed = want.layers[l].communes;
      const rows = page.locator(`#whatif-communes section[data-layer="${l}"] tbody tr`);
      assert.equal(await rows.count(), Math.min(30, changed.length), `communes listed on ${l}`);
      for (const c of changed.slice(0, 30)) {
        assert.equal(Number(await page.locator(`#whatif-communes section[data-layer="${l}"] tr[data-code="${c.code}"]`).getAttribute("data-share-after")), c.share_after);
      }
    }
    const after = want.layers.mobile.communes.find((c) => c.code === commune.code);
    assert.ok(after && after.share_after > 0, `${commune.name} changes`);

    // The map draws the commune in the class of its after-figure, not of today's (0%).
    const before = underCircle(commune);
    const expected = underCircle({ status: after.status_after, share_covered: after.share_after });
    assert.notDeepEqual(expected, before, "the after-figure is in another class");
    const px = await waitRecoloured(page, commune.code, after.share_after, ll);
    assert.ok(near(px, expected), `${commune.name}: pixel ${px}, after-class colour ${expected} (today's ${before})`);
    await page.screenshot({ path: join(artifacts, "whatif-recoloured.png") });

    // The sites are in the URL: a reload shows the same site, figures and colours.
    const url = page.url();
    assert.match(decodeURIComponent(new URL(url).hash), new RegExp(`sites=${ll[0].toFixed(5)},${ll[1].toFixed(5)},3000,4G`));
    await page.reload();
    await waitRendered(page, "mobile");
    await page.waitForFunction(() => window.__phusong.whatifSites().length === 1);
    assert.deepEqual(await page.evaluate(() => window.__phusong.whatifSites()), sites);
    await waitProvince(page, "mobile", p.after.covered);
    const px2 = await waitRecoloured(page, commune.code, after.share_after, ll);
    assert.ok(near(px2, expected), `after the reload: pixel ${px2}, want ${expected}`);
    // The data date is the answer's.
    const [ay, am, ad] = want.data_as_of.split("-");
    await page.locator("#whatif-dated", { hasText: `${ad}/${am}/${ay}` }).waitFor();
  });

  test("dragging and editing a site changes its figures, and removing it restores the map", async () => {
    const page = await newPage();
    await openMap(page, "#tab=whatif&layer=mobile");
    await waitRendered(page, "mobile");
    const { commune, ll } = await uncoveredCommune(page);
    // Opened from a link with the site (a new document: only the hash would change).
    await page.goto("about:blank");
    await openMap(page, `#tab=whatif&layer=mobile&sites=${ll[0]},${ll[1]},3000,4G`);
    await page.waitForFunction(() => window.__phusong.whatifSites().length === 1);
    const first = await whatif(await page.evaluate(() => window.__phusong.whatifSites()));
    await waitProvince(page, "mobile", first.layers.mobile.province.after.covered);

    // Drag the pin 50 px right and 40 px down.
    const pin = page.locator(".whatif-marker");
    await pin.waitFor();
    const box = await pin.boundingBox();
    const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
    await page.mouse.move(x, y);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++) await page.mouse.move(x + 5 * i, y + 4 * i);
    await page.mouse.up();
    await page.waitForFunction((lon) => window.__phusong.whatifSites()[0]?.lon !== lon, ll[0]);
    const moved = await page.evaluate(() => window.__phusong.whatifSites());
    assert.equal(moved.length, 1, "the drag moves the site and places no other");
    assert.ok(moved[0].lon > ll[0] && moved[0].lat < ll[1], `moved east and south: ${JSON.stringify(moved[0])}`);
    const dragged = await whatif(moved);
    assert.notEqual(Math.round(dragged.layers.mobile.province.after.covered), Math.round(first.layers.mobile.province.after.covered), "the moved site covers other people");
    await waitProvince(page, "mobile", dragged.layers.mobile.province.after.covered);
    assert.match(decodeURIComponent(new URL(page.url()).hash), new RegExp(`sites=${moved[0].lon.toFixed(5)},${moved[0].lat.toFixed(5)},3000,4G`));

    // The keyboard moves a focused pin too: Shift+→ is 10 px east.
    await pin.focus();
    await page.keyboard.down("Shift");
    await page.keyboard.press("ArrowRight");
    await page.keyboard.up("Shift");
    await page.waitForFunction((lon) => window.__phusong.whatifSites()[0]?.lon > lon, moved[0].lon);
    const keyed = await page.evaluate(() => window.__phusong.whatifSites());
    assert.equal(keyed[0].lat, moved[0].lat, "moved east only");
    const keyedWant = await whatif(keyed);
    await waitProvince(page, "mobile", keyedWant.layers.mobile.province.after.covered);

    // Edit it: back to the label point, 5 km and FTTH (broadband).
    await page.click(".whatif-edit");
    await page.locator("#whatif-add", { hasText: "Lưu trạm 1" }).waitFor();
    assert.equal(await page.locator("#whatif-lat").inputValue(), moved[0].lat.toFixed(5));
    await page.fill("#whatif-lat", String(ll[1]));
    await page.fill("#whatif-lon", String(ll[0]));
    await page.fill("#whatif-radius", "5");
    const fibreOption = await page.locator("#whatif-technology option", { hasText: "FTTH" }).getAttribute("value");
    await page.selectOption("#whatif-technology", fibreOption);
    await page.click("#whatif-add");
    await page.waitForFunction(() => window.__phusong.whatifSites()[0]?.radius_m === 5000);
    const edited = await page.evaluate(() => window.__phusong.whatifSites());
    assert.deepEqual(edited, [{ lon: ll[0], lat: ll[1], radius_m: 5000, technology: "FTTH", layer: "broadband" }]);
    const fibre = await whatif(edited);
    assert.ok(fibre.layers.broadband, "a fibre site changes broadband");
    await waitProvince(page, "broadband", fibre.layers.broadband.province.after.covered);
    await page.locator('#whatif-communes section[data-layer="broadband"] tbody tr').first().waitFor();
    assert.equal(await page.locator("#whatif-add").textContent(), "Thêm trạm");

    // Removing it restores today's figures, the URL and the commune's colour.
    await page.click(".whatif-remove");
    await page.waitForFunction(() => window.__phusong.whatifSites().length === 0);
    assert.doesNotMatch(page.url(), /sites=/);
    await waitMap(page, (code) => {
      const fs = window.__phusong.map.queryRenderedFeatures({ layers: ["commune-fill"] }).filter((f) => f.properties.code === code);
      return fs.length > 0 && fs.every((f) => f.state?.whatif_share === undefined) && window.__phusong.map.queryRenderedFeatures({ layers: ["whatif-line"] }).length === 0;
    }, commune.code);
    const [px] = await page.evaluate((pt) => window.__phusong.pixelsAt([pt]), ll);
    assert.ok(near(px, expectedColour(commune)), `${commune.name} back to today's colour: ${px}, want ${expectedColour(commune)} (background ${BACKGROUND})`);
    assert.equal(await page.locator(".whatif-marker").count(), 0);
  });

  test("a small change shows as non-zero, in points and people", async () => {
    const page = await newPage();
    await openMap(page, "#tab=whatif&layer=mobile");
    const { ll } = await uncoveredCommune(page);
    // A site of a few hundred metres: a few dozen people in a province of some 850,000, under
    // 0.005 points (which two decimals would show as 0). The radius is the largest that is so here.
    let radius = null;
    for (const r of [300, 200, 150, 100, 60]) {
      const share = (await whatif([{ lon: ll[0], lat: ll[1], radius_m: r, technology: "4G", layer: "mobile" }])).layers.mobile.province.change.share;
      if (share > 0 && share * 100 < 0.005) {
        radius = r;
        break;
      }
    }
    assert.ok(radius, "a radius whose change is under 0.005 points");
    await page.fill("#whatif-radius", String(radius / 1000));
    await page.fill("#whatif-lat", String(ll[1]));
    await page.fill("#whatif-lon", String(ll[0]));
    await page.click("#whatif-add");
    await page.waitForFunction(() => window.__phusong.whatifSites().length === 1);
    const want = await whatif(await page.evaluate(() => window.__phusong.whatifSites()));
    const p = want.layers.mobile.province;
    assert.ok(p.change.share > 0 && p.change.share * 100 < 0.005, `a change under 0.005 points: ${p.change.share * 100}`);
    await waitProvince(page, "mobile", p.after.covered);
    const cell = page.locator('#whatif-province tr[data-layer="mobile"] [data-field="change"] .fraction');
    const text = await cell.textContent();
    const shown = parseShown(text.replace("điểm", ""), "vi");
    assert.ok(shown > 0, `the change in points is shown non-zero: ${text}`);
    assert.ok(Math.abs(shown - p.change.share * 100) <= 0.5 * Math.abs(shown), `${text} against ${p.change.share * 100}`);
  });

  test("sites of a link that do not read are named, and the others kept", async () => {
    const page = await newPage();
    await openMap(page, "#tab=whatif&layer=mobile&sites=105.3,20.7,3000;105.30000,20.70000,3000,6G;105.35,20.75,2000,4G");
    await page.locator("#whatif-url-problems li").first().waitFor();
    const items = await page.locator("#whatif-url-problems li").allTextContents();
    assert.equal(items.length, 2, items.join(" | "));
    assert.match(items[0], /Trạm 1 .*105\.3,20\.7,3000.*kinh độ,vĩ độ,bán kính/);
    assert.match(items[1], /Trạm 2 .*6G.*4G, 5G/);
    await page.waitForFunction(() => window.__phusong.whatifSites().length === 1);
    assert.deepEqual(await page.evaluate(() => window.__phusong.whatifSites()), [{ lon: 105.35, lat: 20.75, radius_m: 2000, technology: "4G", layer: "mobile" }]);
    // The same in English: the problems, the data date, the changes in points.
    await page.click('.lang button[data-lang="en"]');
    try {
      await page.locator("#whatif-url-problems li", { hasText: "Site 1 of the page's address" }).waitFor();
      assert.match((await page.locator("#whatif-url-problems li").allTextContents())[1], /the technology must be one of 4G, 5G/);
      await page.locator('#whatif-province tr[data-layer="mobile"] [data-field="change"] .fraction', { hasText: / pts$/ }).waitFor();
      assert.match(await page.locator("#whatif-dated").textContent(), /^Figures as of \d{1,2} \w+ \d{4} · computed at /);
    } finally {
      await page.click('.lang button[data-lang="vi"]');
    }
  });
});
