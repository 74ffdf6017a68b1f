// Unit sets in the page (issue 15, items 1, 5 and 6): the set picker, the
// map drawn on the set chosen (by date or by name, &units= in the link), the
// commune card's lineage, and the parent named by its level (huyện before
// the 2025 reform, tỉnh after).
//
// It runs against PHUSONG_SETS_URL, a service whose database has several
// sets (2019, 2020, 2025); without it its tests are skipped. The sets and
// their unit counts are read from GET /api/v1/unit-sets, never assumed.
//
// Run alone with PHUSONG_E2E=units (see lib.mjs).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { join } from "node:path";
import { artifacts, newPage, openMap, setsBase, waitMap } from "./lib.mjs";

const url = setsBase;
const skip = url ? false : "PHUSONG_SETS_URL is not set: no service with several unit sets to test the set picker on";

/** GET of the sets' service, which must answer 200. */
async function get(path) {
  const res = await fetch(url + path);
  assert.equal(res.status, 200, `GET ${path}`);
  return res.json();
}

/** The sets, the one in force today, the earliest (the 2019 communes) and the one in force on a day. */
async function sets() {
  const body = await get("/api/v1/unit-sets");
  const all = body.unit_sets;
  assert.ok(all.length >= 3, `the service has several unit sets (${all.map((s) => s.name).join(", ")})`);
  const latest = all.find((s) => s.id === body.in_force);
  const earliest = all.find((s) => s.name === "2019") ?? all[0];
  const on = (d) => all.find((s) => (s.valid_from === null || s.valid_from <= d) && (s.valid_to === null || d <= s.valid_to));
  return { all, latest, earliest, on };
}

/** The mobile layer's share per code on a set (query: ?units= or ?as_of=), as the service answers it. */
async function layerOf(query) {
  const body = await get(`/api/v1/layers/mobile/communes?${query}`);
  return { units: body.units, shares: Object.fromEntries(body.features.map((f) => [f.properties.code, f.properties.share_covered])), features: body.features };
}

/**
 * Waits until the map draws the set: the page's layer answer is of that set
 * with its count of units, MapLibre's source holds exactly those units, and
 * every commune rendered is one of them with the service's share on it (the
 * sets share some codes; their shares tell them apart), covering at least
 * nine in ten of them (the province is in view).
 */
async function waitDrawn(page, set, shares) {
  await waitMap(
    page,
    ({ id, units, shares }) => {
      const d = window.__phusong.drawnUnits();
      if (!d || !d.units || d.units.id !== id || d.features !== units) return false;
      if (window.__phusong.sourceCommunes().length !== units) return false;
      const drawn = window.__phusong.renderedCommunes();
      if (!drawn.every((p) => shares[p.code] === p.share_covered)) return false;
      return new Set(drawn.map((p) => p.code)).size >= 0.9 * units;
    },
    { id: set.id, units: set.units, shares },
    { timeout: 30000 },
  );
}

describe("unit sets", { skip }, () => {
  test("the page opens on today's set; the picker redraws the map on the 2019 set and keeps it in the link and after a reload", async () => {
    const { all, latest, earliest } = await sets();
    const now = await layerOf("");
    assert.equal(now.units.id, latest.id);
    assert.equal(now.features.length, latest.units);
    const page = await newPage();
    await openMap(page, "", url);
    await waitDrawn(page, latest, now.shares);

    // The picker: by date (the default, nothing in the link), then one option per set.
    const picker = page.locator("#units-select");
    assert.ok(await picker.isVisible());
    assert.equal(await picker.inputValue(), "");
    const options = await picker.locator("option").evaluateAll((os) => os.map((o) => [o.value, o.textContent]));
    assert.equal(options.length, all.length + 1);
    assert.equal(options[0][1], "Theo ngày (tự động)");
    for (const [i, s] of all.entries()) {
      assert.equal(options[i + 1][0], s.name);
      assert.ok(options[i + 1][1].startsWith(`${s.name} — ${s.units} xã/phường`), options[i + 1][1]);
    }
    assert.ok(!(await page.evaluate(() => location.hash)).includes("units="));
    // The line says which set is drawn.
    const line = page.locator("#units-drawn");
    assert.match(await line.textContent(), new RegExp(`^Đơn vị: ${latest.name} \\(${latest.units} xã/phường`));

    // Choosing the 2019 set: its units drawn, the set in the link and in every figure asked for.
    const old = await layerOf(`units=${encodeURIComponent(earliest.name)}`);
    assert.equal(old.features.length, earliest.units);
    const asked = [];
    page.on("request", (r) => {
      const u = new URL(r.url());
      if (/^\/api\/v1\/(layers\/[a-z]+\/communes|summary|communes\/[^/]+)$/.test(u.pathname)) asked.push(u);
    });
    await picker.selectOption(earliest.name);
    await waitDrawn(page, earliest, old.shares);
    assert.match(await page.evaluate(() => location.hash), new RegExp(`[#&]units=${earliest.name}(&|$)`));
    assert.ok(asked.length >= 2, "the summary and the layer were asked again");
    for (const u of asked) assert.equal(u.searchParams.get("units"), earliest.name, `${u.pathname}${u.search}`);
    assert.match(await line.textContent(), new RegExp(`^Đơn vị: ${earliest.name} \\(${earliest.units} xã/phường`));
    // The downloads are of the set shown.
    for (const href of await page.locator("#downloads a.download").evaluateAll((as) => as.map((a) => a.getAttribute("href")))) {
      assert.equal(new URL(href, url).searchParams.get("units"), earliest.name, href);
    }

    // The link opens on that set.
    await page.reload();
    await waitDrawn(page, earliest, old.shares);
    assert.equal(await page.locator("#units-select").inputValue(), earliest.name);

    // And "by date" brings today's set back, without units= in the link.
    await page.locator("#units-select").selectOption("");
    await waitDrawn(page, latest, now.shares);
    assert.ok(!(await page.evaluate(() => location.hash)).includes("units="));
  });

  test("a link naming no set of the service says so and shows today's set, without a failed request", async () => {
    const { latest } = await sets();
    const now = await layerOf("");
    const page = await newPage();
    await openMap(page, "#units=no-such-set", url);
    await waitDrawn(page, latest, now.shares);
    await page.locator("#link-notice code", { hasText: "units=no-such-set" }).waitFor();
    assert.match(await page.locator("#link-notice").textContent(), /không có bộ đơn vị hành chính này/);
    assert.equal(await page.locator("#units-select").inputValue(), "");
    assert.ok(!(await page.evaluate(() => location.hash)).includes("units="));
  });

  test("a date in 2022, by date, draws the set in force then", async () => {
    const { on } = await sets();
    const day = "2022-06-30";
    const set = on(day);
    assert.ok(set, `a set is in force on ${day}`);
    const then = await layerOf(`as_of=${day}`);
    assert.equal(then.units.id, set.id);
    assert.equal(then.units.chosen, "date");
    const page = await newPage();
    await openMap(page, `#as_of=${day}`, url);
    await waitDrawn(page, set, then.shares);
    assert.equal(await page.locator("#units-select").inputValue(), "");
    assert.match(await page.locator("#units-drawn").textContent(), new RegExp(`^Đơn vị: ${set.name} \\(${set.units} xã/phường`));
    // The date bar's field, too: today again draws today's set.
    const { latest } = await sets();
    const now = await layerOf("");
    await page.locator("#asof-now").click();
    await waitDrawn(page, latest, now.shares);
  });

  test("the card of a current unit tells what it was formed from, with shares, and names its parent by its level", async () => {
    const { latest, all } = await sets();
    const now = await layerOf("");
    // A unit of today's set formed from two or more units of the set before.
    let card = null;
    for (const f of now.features.slice(0, 40)) {
      const c = await get(`/api/v1/communes/${f.properties.code}`);
      if ((c.lineage?.formed?.units.length ?? 0) >= 2) {
        card = c;
        break;
      }
    }
    assert.ok(card, "a unit of today's set has a lineage");
    const formed = card.lineage.formed;
    const before = all.find((s) => s.name === formed.set);
    assert.ok(before, `the lineage names a set of the service (${formed.set})`);
    // The units named are the earlier set's.
    const earlier = await layerOf(`units=${encodeURIComponent(formed.set)}`);
    for (const u of formed.units) assert.ok(u.code in earlier.shares, `${u.code} is a unit of ${formed.set}`);

    const page = await newPage();
    await openMap(page, `#commune=${card.code}`, url);
    const line = page.locator('#card [data-lineage="formed"]');
    await line.waitFor();
    const text = (await line.textContent()).replace(/\u00a0/g, " ");
    const [y, m, d] = formed.on.split("-");
    assert.ok(text.startsWith(`Thành lập ngày ${d}/${m}/${y} từ `), text);
    assert.ok(text.includes(`của bộ ${formed.set}`), text);
    for (const u of formed.units) {
      const pct = `${Math.round(u.share_of_old * 100)}%`;
      assert.ok(text.includes(`${u.name} (${pct})`), `${u.name} (${pct}) in: ${text}`);
    }
    assert.equal(await page.locator("#card .lineage-unit").count(), formed.units.length);

    // The parent by its level: the province (tỉnh) on the units of July 2025, a district otherwise.
    const parent = (await page.locator('#card [data-field="parent"]').textContent()).trim();
    if (latest.parent_level === "province") {
      assert.match(parent, /^Tỉnh /);
      assert.equal(await page.locator("#card [data-action=gaps]").textContent(), "Vùng chưa phủ của tỉnh");
      // The summary's rows are the province's, not districts'.
      await page.locator("#districts tbody tr").first().waitFor({ state: "attached" });
      assert.match(await page.locator("#districts > summary").textContent(), /^Theo tỉnh — /);
      assert.equal(await page.locator("#districts thead th").first().textContent(), "Tỉnh");
      for (const row of await page.locator("#districts tbody th").allTextContents()) assert.match(row, /^Tỉnh /);
      // No district lines on units without districts: the legend keys the province's only.
      assert.equal(await page.locator('#legend [data-outline="district"]').count(), 0);
      assert.equal(await page.locator('#legend [data-outline="province"]').count(), 1);
    } else {
      assert.equal(parent, card.parent_name);
    }
    // The set's own population figure, where it differs, beside the one counted.
    if (card.population_own !== undefined && card.population_own !== card.population) {
      await page.locator('#card [data-field="population_own"]').waitFor();
    }
    await waitDrawn(page, latest, now.shares);
    await page.screenshot({ path: join(artifacts, "units-card.png") });

    // On the 2019-style set of districts the same page says huyện: the card of one of the units formed from.
    const older = formed.units[0];
    await page.locator("#units-select").selectOption(formed.set);
    if (before.parent_level === "district") {
      await waitMap(page, (name) => window.__phusong.drawnUnits()?.units?.name === name, formed.set);
      await page.evaluate((c) => (location.hash = location.hash.replace(/&?commune=[^&]*/, "") + `&commune=${c}`), older.code);
      await page.locator(`#card-title[data-code="${older.code}"]`).waitFor();
      await page.locator('#card [data-lineage="became"]').waitFor();
      assert.equal(await page.locator("#card [data-action=gaps]").textContent(), "Vùng chưa phủ của huyện");
      assert.match(await page.locator("#districts > summary").textContent(), /^Theo huyện — /);
      assert.equal(await page.locator('#legend [data-outline="district"]').count(), 1);
      // Its share over time, on its own set (the history of a unit that is not today's).
      await page.locator("#card .card-history:not([hidden]) svg").waitFor();
    }
  });

  test("the gaps view names the units' parent by its level: the province without a district filter, districts on the 2019 set", async () => {
    const { latest, earliest } = await sets();
    const page = await newPage();
    await openMap(page, "#tab=gaps", url);
    const head = page.locator("#gaps-table thead");
    await head.waitFor();
    if (latest.parent_level === "province") {
      await page.locator("#gaps-table thead button[data-sort=district]", { hasText: "Tỉnh" }).waitFor();
      assert.equal(await page.locator("#gaps-district").count(), 0);
      for (const cell of await page.locator("#gaps-table tbody tr td:nth-child(3)").allTextContents()) assert.match(cell, /^Tỉnh /);
    }
    if (earliest.parent_level === "district") {
      await page.goto(`${url}/#tab=gaps&units=${encodeURIComponent(earliest.name)}`);
      await page.reload();
      await page.locator("#gaps-table thead button[data-sort=district]", { hasText: "Huyện, thành phố" }).waitFor();
      await page.locator("#gaps-district").waitFor();
      assert.ok((await page.locator("#gaps-district option").count()) > 2);
    }
  });

  test("in English the lineage says formed and became", async () => {
    const { all } = await sets();
    const now = await layerOf("");
    let code = null;
    for (const f of now.features.slice(0, 40)) {
      const c = await get(`/api/v1/communes/${f.properties.code}`);
      if (c.lineage?.formed) {
        code = c.code;
        break;
      }
    }
    assert.ok(code);
    const page = await newPage();
    await openMap(page, `#commune=${code}`, url);
    await page.click('.lang button[data-lang="en"]');
    await page.locator('#card [data-lineage="formed"]', { hasText: /^Formed on \d{1,2} [A-Z][a-z]{2} \d{4} from / }).waitFor();
    assert.equal(await page.locator("#units-select option").first().textContent(), "By date (automatic)");
    assert.equal(await page.locator("#units-select option").count(), all.length + 1);
  });

  test("each target's chart marks the days its points change unit set, as the report does", async () => {
    const { targets } = await get("/api/v1/targets");
    const page = await newPage();
    await openMap(page, "#tab=targets", url);
    await page.locator("#targets [data-target-id]").first().waitFor();
    let marked = 0;
    for (const tg of targets) {
      const want = tg.history.filter((p, i) => i > 0 && p.units && tg.history[i - 1].units && p.units !== tg.history[i - 1].units).map((p) => p.date);
      const card = page.locator(`#targets [data-target-id="${tg.id}"]`);
      const got = await card.locator("svg.chart line.chart-mark").evaluateAll((ls) => ls.map((l) => l.dataset.date));
      assert.deepEqual(got, want, `target ${tg.id}: marks at the first date of each new set`);
      marked += got.length;
    }
    // The default data's history runs across both reforms: 2019 → 2020 → 2025.
    assert.ok(marked >= 2 * targets.length, `${marked} marks on ${targets.length} charts`);
    const labels = await page.locator("#targets svg.chart .chart-mark-label").allTextContents();
    // In the page's language (an earlier test of this file chose English, which the browser remembers).
    assert.ok(labels.some((l) => /^(đơn vị|units) 2025$/.test(l)), `labels ${labels}`);
  });
});
