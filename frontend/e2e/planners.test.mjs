// A planner's path through the map (issue 18, items 5, 6, 8 and 18):
// finding a commune by typing, seeing the map of a past date, downloading
// what the map shows, moving the map from the summary's districts, the
// fit-province button and the commune card's actions, and the map showing
// the province again when a tab widens the side panel.
//
// Run alone with PHUSONG_E2E=planners (see lib.mjs).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { api, artifacts, base, canvasPoint, chooseCommune, expectedColour, near, newPage, openMap, parseShown, waitMap, waitRendered } from "./lib.mjs";

/** Waits until the map has settled with the layer's figures as of a date drawn (every commune rendered has the API's share of that date). */
async function waitRenderedAt(page, layer, asOf) {
  const { body } = await api(`/api/v1/layers/${layer}/communes?as_of=${asOf}`);
  const expected = Object.fromEntries(body.features.map((f) => [f.properties.code, f.properties.share_covered]));
  await waitMap(
    page,
    (exp) => {
      const drawn = window.__phusong.renderedCommunes();
      return drawn.length > 0 && drawn.every((p) => exp[p.code] === undefined || exp[p.code] === p.share_covered);
    },
    expected,
  );
  return new Map(body.features.map((f) => [f.properties.code, f.properties]));
}

/** Whether box a [w, s, e, n] lies within box b, to a small tolerance. */
function within(a, b, eps = 1e-6) {
  return a[0] >= b[0] - eps && a[1] >= b[1] - eps && a[2] <= b[2] + eps && a[3] <= b[3] + eps;
}

/**
 * A date of the figures' history on which the layer's colours differ from
 * now (the latest such date), with a commune whose class differs.
 */
async function dateWithOtherColours(layer) {
  const { body: now } = await api(`/api/v1/layers/${layer}/communes`);
  const nowBy = new Map(now.features.map((f) => [f.properties.code, f.properties]));
  const { body: hist } = await api(`/api/v1/communes/${now.features[0].properties.code}/history`);
  const dates = [...new Set(hist.layers[layer].map((p) => p.date))].sort().reverse();
  for (const d of dates) {
    const { body: then } = await api(`/api/v1/layers/${layer}/communes?as_of=${d}`);
    const changed = then.features.filter((f) => !near(expectedColour(f.properties), expectedColour(nowBy.get(f.properties.code)), 20));
    if (changed.length >= 5) return { date: d, changed: changed.map((f) => f.properties.code), then: new Map(then.features.map((f) => [f.properties.code, f.properties])), now: nowBy };
  }
  throw new Error(`no date of ${layer}'s history has other colours than now`);
}

describe("planners", () => {
  test("the commune finder finds a commune typed without tone marks or type word, chosen with the keyboard alone", async () => {
    const { body } = await api("/api/v1/layers/mobile/communes");
    const inTanLac = body.features.filter((f) => f.properties.district === "Huyện Tân Lạc").map((f) => f.properties);
    assert.ok(inTanLac.length > 12, "the seed has Huyện Tân Lạc's communes");
    const page = await newPage();
    await openMap(page);
    // The 210-option dropdown is gone; the finder is a combobox.
    assert.equal(await page.locator("#commune-select").count(), 0);
    const box = page.locator("#commune-search");
    assert.equal(await box.getAttribute("role"), "combobox");
    assert.equal(await box.getAttribute("aria-expanded"), "false");
    await box.focus();
    await page.keyboard.type("tan lac");
    await page.locator("#commune-options[role=listbox]:not([hidden])").waitFor();
    assert.equal(await box.getAttribute("aria-expanded"), "true");
    // No commune of the seed is named Tân Lạc: the district's communes are listed, each with its district shown.
    await page.locator("#commune-search-status", { hasText: `${inTanLac.length} xã khớp` }).waitFor({ state: "attached" });
    const options = page.locator("#commune-options [role=option]");
    assert.equal(await options.count(), 12);
    for (const text of await page.locator("#commune-options .combo-district").allTextContents()) assert.equal(text, "Huyện Tân Lạc");

    // Without tone marks and type word, the name that starts so first: "xa tan lap" → Xã Tân Lập.
    await box.fill("");
    await page.keyboard.type("xa tan lap");
    const first = page.locator("#commune-options [role=option]").first();
    await page.locator("#commune-options [role=option] .combo-name", { hasText: "Xã Tân Lập" }).first().waitFor();
    assert.equal(await first.locator(".combo-name").textContent(), "Xã Tân Lập");
    // đ is typed d; "phuong" is a type word too.
    for (const [typed, want] of [
      ["dong chum", "Xã Đồng Chum"],
      ["phuong tan hoa", "Phường Tân Hòa"],
      ["TÂN LẬP", "Xã Tân Lập"],
    ]) {
      await box.fill(typed);
      await page.waitForFunction(([w]) => document.querySelector("#commune-options [role=option] .combo-name")?.textContent === w, [want]);
    }
    // Escape closes the list, a second Escape clears the text.
    await page.keyboard.press("Escape");
    assert.equal(await box.getAttribute("aria-expanded"), "false");
    await page.keyboard.press("Escape");
    assert.equal(await box.inputValue(), "");

    // Arrow keys move the active option; Enter chooses it.
    await page.keyboard.type("tan lac");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    const second = page.locator("#commune-options [role=option]").nth(1);
    const code = await second.getAttribute("data-code");
    const name = await second.locator(".combo-name").textContent();
    assert.equal(await box.getAttribute("aria-activedescendant"), `commune-opt-${code}`);
    assert.equal(await second.getAttribute("aria-selected"), "true");
    await page.keyboard.press("Enter");
    await page.locator("#card:not([aria-busy]) #card-title", { hasText: name }).waitFor();
    assert.equal(await page.locator("#card-title").getAttribute("data-code"), code);
    assert.equal(await box.inputValue(), name);
    assert.match(page.url(), new RegExp(`commune=${code}`));
    // The map shows the commune chosen, selected.
    await waitMap(
      page,
      (c) => {
        const ll = window.__phusong.labelPoint(c);
        const [w, s, e, n] = window.__phusong.mapBounds();
        return window.__phusong.state().commune === c && ll && ll[0] > w && ll[0] < e && ll[1] > s && ll[1] < n;
      },
      code,
    );
  });

  test("the date control redraws the map's colours and the summary for that date, kept in the URL", async () => {
    const { date, changed, then, now } = await dateWithOtherColours("mobile");
    const { body: summaryThen } = await api(`/api/v1/summary?as_of=${date}`);
    const page = await newPage({ width: 1366, height: 850 });
    await openMap(page);
    await waitRendered(page, "mobile");
    await page.locator("#asof-date").fill(date);
    await waitRenderedAt(page, "mobile", date);
    assert.match(page.url(), new RegExp(`as_of=${date}`));
    // The colours on the canvas are those of the date, not of now.
    const codes = [];
    for (const code of changed) if (codes.length < 3 && (await canvasPoint(page, code))) codes.push(code);
    assert.ok(codes.length > 0, "a commune whose colour changed is on the bare canvas");
    const lls = await page.evaluate((cs) => cs.map((c) => window.__phusong.labelPoint(c)), codes);
    const px = await page.evaluate((ll) => window.__phusong.pixelsAt(ll), lls);
    codes.forEach((c, i) => {
      assert.ok(near(px[i], expectedColour(then.get(c))), `${c} drawn ${px[i]}, want ${expectedColour(then.get(c))} of ${date}`);
      assert.ok(!near(px[i], expectedColour(now.get(c))), `${c} still has today's colour`);
    });
    // The summary and the data-date line are of the date.
    const big = await page.locator('#summary tr[data-layer="mobile"] td[data-field="population"] .big').textContent();
    assert.ok(Math.abs(parseShown(big, "vi") - 100 * summaryThen.layers.mobile.share) <= 0.05 + 1e-9, `summary ${big} vs ${summaryThen.layers.mobile.share}`);
    await page.locator(`#method-line time.view-date[datetime="${date}"]`).waitFor();
    const [y, m, d] = date.split("-");
    assert.match(await page.locator("#method-line").textContent(), new RegExp(`^Bản đồ ngày ${d}/${m}/${y} · `));

    // A reload shows the same date from the URL.
    await page.reload();
    await waitRenderedAt(page, "mobile", date);
    assert.equal(await page.locator("#asof-date").inputValue(), date);
    await page.locator(`#method-line time.view-date[datetime="${date}"]`).waitFor();

    // The slider's last step is now.
    await page.locator("#asof-slider").focus();
    await page.keyboard.press("End");
    await waitRendered(page, "mobile");
    assert.doesNotMatch(page.url(), /as_of=/);
    assert.equal(await page.locator("#method-line time.view-date").count(), 0);

    // A date in the future is refused with a message, and nothing is asked of the service.
    await page.locator("#asof-date").fill("2099-01-01");
    const error = page.locator("#asof-error");
    await error.waitFor();
    assert.match(await error.textContent(), /01\/01\/2099 ở tương lai/);
    assert.doesNotMatch(page.url(), /as_of=/);

    // So is a link's future date: the map shows now, and says why.
    const linked = await newPage();
    await openMap(linked, "#layer=mobile&as_of=2099-01-01");
    await waitRendered(linked, "mobile");
    await linked.locator("#asof-error", { hasText: "2099" }).waitFor();
    assert.doesNotMatch(linked.url(), /as_of=/);
    // And a day that does not exist.
    const impossible = await newPage();
    await openMap(impossible, "#layer=mobile&as_of=2021-02-30");
    await waitRendered(impossible, "mobile");
    await impossible.locator("#asof-error", { hasText: "2021-02-30" }).waitFor();
    assert.match(await impossible.locator("#asof-error").textContent(), /không hợp lệ/);
    assert.doesNotMatch(impossible.url(), /as_of=/);
  });

  test("each download holds the layer and the date the map shows", async () => {
    const { date } = await dateWithOtherColours("broadband");
    const { body: fc } = await api(`/api/v1/layers/broadband/communes?as_of=${date}`);
    const page = await newPage();
    await openMap(page, `#layer=broadband&as_of=${date}`);
    await waitRenderedAt(page, "broadband", date);
    const links = page.locator("#downloads a[data-format]");
    assert.deepEqual(await links.evaluateAll((as) => as.map((a) => a.dataset.format)), ["gpkg", "csv", "geojson", "kml"]);
    const files = {};
    for (const f of ["gpkg", "csv", "geojson", "kml"]) {
      const [dl] = await Promise.all([page.waitForEvent("download"), page.click(`#downloads a[data-format="${f}"]`)]);
      assert.equal(dl.suggestedFilename(), `phusong-broadband-${date}.${f}`);
      const path = join(artifacts, `planners-${f}`);
      await dl.saveAs(path);
      files[f] = readFileSync(path);
      // The same bytes as the service's export of that layer and date.
      const res = await fetch(`${base}/api/v1/export/broadband.${f}?as_of=${date}`);
      assert.ok(Buffer.from(await res.arrayBuffer()).equals(files[f]), `${f}: the download is the export of broadband on ${date}`);
    }
    // GeoPackage: an SQLite file with GeoPackage's application id.
    assert.equal(files.gpkg.subarray(0, 16).toString("latin1"), "SQLite format 3\u0000");
    assert.equal(files.gpkg.subarray(68, 72).toString("latin1"), "GPKG");
    // CSV: one row per commune, the figures of the date.
    const lines = files.csv.toString("utf8").replace(/^\uFEFF/, "").trim().split("\r\n");
    const header = csvFields(lines[0]);
    assert.equal(lines.length - 1, fc.features.length);
    const want = new Map(fc.features.map((f) => [f.properties.code, f.properties.share_covered]));
    for (const line of lines.slice(1)) {
      const cells = csvFields(line);
      assert.equal(cells[header.indexOf("layer")], "broadband");
      assert.equal(cells[header.indexOf("as_of")], date);
      const code = cells[header.indexOf("code")];
      assert.ok(Math.abs(Number(cells[header.indexOf("share_covered")]) - want.get(code)) < 0.006, `${code} share`);
    }
    // GeoJSON and KML: every commune.
    const gj = JSON.parse(files.geojson.toString("utf8"));
    assert.equal(gj.features.length, fc.features.length);
    assert.equal((files.kml.toString("utf8").match(/<Placemark/g) ?? []).length, fc.features.length);
    // The buttons follow the layer: another layer, other links.
    await page.click("label[for=layer-phone]");
    await waitRenderedAt(page, "phone", date);
    assert.equal(await page.locator('#downloads a[data-format="csv"]').getAttribute("href"), `/api/v1/export/phone.csv?as_of=${date}`);

    // And the provider the map is coloured by: its figures only, named in the file.
    const provider = await page.locator("#provider-select option[value^='provider:']").first().getAttribute("value");
    await page.selectOption("#provider-select", provider);
    const { body: byProvider } = await api(`/api/v1/layers/phone/communes?as_of=${date}&breakdown=${encodeURIComponent(provider)}`);
    const shares = Object.fromEntries(byProvider.features.map((f) => [f.properties.code, f.properties.share_covered]));
    await waitMap(page, (exp) => {
      const drawn = window.__phusong.renderedCommunes();
      return drawn.length > 0 && drawn.every((p) => exp[p.code] === p.share_covered);
    }, shares);
    await page.locator("#downloads-what", { hasText: "riêng" }).waitFor();
    const [dl] = await Promise.all([page.waitForEvent("download"), page.click('#downloads a[data-format="csv"]')]);
    assert.equal(dl.suggestedFilename(), `phusong-phone-${provider.replace(":", "-")}-${date}.csv`);
    const path = join(artifacts, "planners-provider.csv");
    await dl.saveAs(path);
    const rows = readFileSync(path, "utf8").replace(/^\uFEFF/, "").trim().split("\r\n");
    const head = csvFields(rows[0]);
    assert.equal(head.at(-1), "breakdown");
    assert.equal(rows.length - 1, byProvider.features.length);
    for (const line of rows.slice(1)) {
      const cells = csvFields(line);
      assert.equal(cells.at(-1), provider);
      const code = cells[head.indexOf("code")];
      assert.ok(Math.abs(Number(cells[head.indexOf("share_covered")]) - shares[code]) < 0.006, `${code}: ${provider}'s share`);
    }
  });

  test("a district row moves the map to its district, and the map's button fits the province", async () => {
    const page = await newPage({ width: 1366, height: 850 });
    await openMap(page);
    await waitRendered(page, "mobile");
    const province = await page.evaluate(() => window.__phusong.provinceBounds());
    const zoom0 = await page.evaluate(() => window.__phusong.map.getZoom());
    await page.click("#districts > summary");
    const row = page.locator("#districts tr[data-district]").first();
    const code = await row.getAttribute("data-district");
    const district = await page.evaluate((c) => window.__phusong.districtBounds(c), code);
    // Keyboard: the district's name is a button.
    await row.locator("button.district-link").focus();
    await page.keyboard.press("Enter");
    await waitMap(page, ([d, z]) => window.__phusong.map.getZoom() > z + 0.3, [district, zoom0]);
    const view = await page.evaluate(() => window.__phusong.mapBounds());
    assert.ok(within(district, view), `district ${district} within the view ${view}`);
    assert.ok(!within(province, view), "the view is closer than the province");
    assert.equal(await row.getAttribute("aria-current"), "true");
    // A pointer on another row's figures.
    const other = page.locator("#districts tr[data-district]").nth(3);
    const otherBox = await page.evaluate((c) => window.__phusong.districtBounds(c), await other.getAttribute("data-district"));
    await other.locator("td").first().click();
    await waitMap(page, ([b, p]) => {
      const [w, s, e, n] = window.__phusong.mapBounds();
      return b[0] >= w && b[1] >= s && b[2] <= e && b[3] <= n && e - w < p[2] - p[0];
    }, [otherBox, province]);
    // The map's own button shows the whole province again.
    await page.click("#fit-province");
    await waitMap(page, (p) => {
      const [w, s, e, n] = window.__phusong.mapBounds();
      return p[0] >= w && p[1] >= s && p[2] <= e && p[3] <= n;
    }, province);
    assert.ok(Math.abs((await page.evaluate(() => window.__phusong.map.getZoom())) - zoom0) < 0.3);
  });

  test("the commune card zooms to its commune, opens its district's gaps and the what-if tool there", async () => {
    const page = await newPage({ width: 1366, height: 850 });
    await openMap(page);
    await waitRendered(page, "mobile");
    await page.locator("#tab-gaps:not([hidden])").waitFor();
    const zoom0 = await page.evaluate(() => window.__phusong.map.getZoom());
    const code = await chooseCommune(page, "dong chum");
    await page.locator(`#card:not([aria-busy]) #card-title[data-code="${code}"]`).waitFor();
    const { body: card } = await api(`/api/v1/communes/${code}`);
    // Zoom to: the commune fills the view.
    await page.click("#fit-province");
    await waitMap(page, (z) => window.__phusong.map.getZoom() < z + 0.2, zoom0);
    await page.click('#card [data-action="zoom"]');
    await waitMap(page, (c) => {
      const ll = window.__phusong.labelPoint(c);
      const [w, s, e, n] = window.__phusong.mapBounds();
      return window.__phusong.map.getZoom() > 9.5 && ll[0] > w && ll[0] < e && ll[1] > s && ll[1] < n;
    }, code);
    // Gaps: the gaps tab, filtered to the commune's district, the map on the district.
    await page.click('#card [data-action="gaps"]');
    await page.locator("#tab-gaps[aria-selected=true]").waitFor();
    assert.match(page.url(), new RegExp(`tab=gaps.*district=${card.district_code}`));
    await page.locator("#gaps-table tbody tr").first().waitFor();
    assert.equal(await page.locator("#gaps-district").inputValue(), card.district_code);
    for (const d of await page.locator("#gaps-table tbody tr td:nth-child(3)").allTextContents()) assert.equal(d, card.district);
    const district = await page.evaluate((c) => window.__phusong.districtBounds(c), card.district_code);
    const province = await page.evaluate(() => window.__phusong.provinceBounds());
    await waitMap(page, ([b, p]) => {
      const [w, s, e, n] = window.__phusong.mapBounds();
      return b[0] >= w && b[1] >= s && b[2] <= e && b[3] <= n && e - w < p[2] - p[0];
    }, [district, province]);
    // What-if: the what-if tab, the map on the commune.
    await page.click("#fit-province");
    await waitMap(page, (z) => window.__phusong.map.getZoom() < z + 0.2, zoom0);
    await page.click('#card [data-action="whatif"]');
    await page.locator("#tab-whatif[aria-selected=true]").waitFor();
    await waitMap(page, (c) => {
      const ll = window.__phusong.labelPoint(c);
      const [w, s, e, n] = window.__phusong.mapBounds();
      return window.__phusong.map.getZoom() > 9.5 && ll[0] > w && ll[0] < e && ll[1] > s && ll[1] < n;
    }, code);
    await page.screenshot({ path: join(artifacts, "planners-card-whatif.png") });
  });

  test("when the targets or gaps tab widens the side panel, the map shows the whole province", async () => {
    const page = await newPage({ width: 1366, height: 850 });
    await openMap(page);
    await waitRendered(page, "mobile");
    await page.locator("#tab-targets:not([hidden])").waitFor();
    const zoom0 = await page.evaluate(() => window.__phusong.map.getZoom());
    const province = await page.evaluate(() => window.__phusong.provinceBounds());
    for (const tab of ["targets", "gaps"]) {
      await page.click("#tab-map");
      await page.click("#fit-province");
      await waitMap(page, (z) => window.__phusong.map.getZoom() < z + 0.2, zoom0);
      // The user zooms in on the east of the province.
      await page.evaluate(([[w, s, e, n], z]) => window.__phusong.map.jumpTo({ center: [e - (e - w) / 6, (s + n) / 2], zoom: z + 1.5 }), [province, zoom0]);
      await waitMap(page, (z) => window.__phusong.map.getZoom() > z + 1, zoom0);
      const before = await page.evaluate(() => document.getElementById("map").clientWidth);
      await page.click(`#tab-${tab}`);
      await waitMap(
        page,
        ([p, w0]) => {
          const el = document.getElementById("map");
          const [w, s, e, n] = window.__phusong.mapBounds();
          return el.clientWidth < w0 && window.__phusong.map.getCanvas().clientWidth === el.clientWidth && p[0] >= w && p[1] >= s && p[2] <= e && p[3] <= n;
        },
        [province, before],
      );
      const width = await page.evaluate(() => document.getElementById("map").clientWidth);
      assert.ok(width < before - 50, `${tab}: the map is narrower (${before} → ${width} px)`);
      await page.screenshot({ path: join(artifacts, `planners-refit-${tab}.png`) });
    }
  });
});

/** The fields of one CSV line (RFC 4180 quoting: a boundary's source holds commas). */
function csvFields(line) {
  const out = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      out.push(field);
      field = "";
    } else field += ch;
  }
  out.push(field);
  return out;
}
