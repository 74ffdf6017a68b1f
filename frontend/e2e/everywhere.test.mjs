// Browser tests of what every user meets (issue 18, items 14–17 and the
// accessibility goal): the phone's tab strip, history and links, the
// language of MapLibre's controls and of the title, the legend, and axe-core
// on every tab in both languages on a desktop and a phone.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, test } from "node:test";
import { api, artifacts, chooseCommune, newPage, openMap, waitMap, waitRendered } from "./lib.mjs";

const DESKTOP = { width: 1366, height: 850 };
const PHONE = { width: 390, height: 844 };
const TABS = ["map", "indicators", "targets", "gaps", "whatif", "upload"];
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** Switches the page's language and waits until the title says it. */
async function setLanguage(page, l) {
  await page.click(`.lang button[data-lang="${l}"]`);
  await page.waitForFunction((l) => document.documentElement.lang === l && document.title === (l === "en" ? "Phủ Sóng — infrastructure coverage map" : "Phủ Sóng — bản đồ phủ sóng hạ tầng"), l);
}

/** Waits until the service's optional tabs (targets, gaps…) are offered. */
async function waitTabs(page) {
  await page.waitForFunction(() => ["indicators", "targets", "gaps", "whatif"].every((t) => !document.getElementById(`tab-${t}`).hidden));
}

/** Shows a tab and waits until its panel has its content (nothing in it still loading). */
async function showTab(page, tab) {
  await page.click(`#tab-${tab}`);
  await page.waitForFunction((tab) => {
    const panel = document.getElementById(`panel-${tab}`);
    if (panel.hidden || panel.querySelector("[aria-busy=true]")) return false;
    if (tab === "map") return document.querySelectorAll("#summary tr[data-layer]").length > 0;
    if (tab === "gaps") return !!panel.querySelector(".gaps-table tbody tr");
    if (tab === "targets") return !!panel.querySelector("[data-target-id]");
    if (tab === "upload") return !!panel.querySelector("form, input[type=file]");
    return panel.children.length > 0 && panel.textContent.trim().length > 40;
  }, tab);
}

describe("everywhere", () => {
  test("on a phone every tab is in sight, the selectors' choices read whole, and the gaps table fits in English", async () => {
    const page = await newPage(PHONE);
    await openMap(page);
    await setLanguage(page, "vi");
    await waitTabs(page);
    const tabs = await page.evaluate(() =>
      [...document.querySelectorAll("#tabs [role=tab]:not([hidden])")].map((b) => {
        const r = b.getBoundingClientRect();
        return { tab: b.dataset.tab, left: r.left, right: r.right, width: r.width, text: b.textContent, clipped: b.scrollWidth > b.clientWidth };
      }),
    );
    assert.deepEqual(tabs.map((t) => t.tab), TABS, "every tab is offered");
    for (const t of tabs) assert.ok(t.left >= 0 && t.right <= PHONE.width && !t.clipped, `the tab "${t.text}" is in sight: ${JSON.stringify(t)}`);
    const strip = await page.evaluate(() => {
      const nav = document.getElementById("tabs");
      return { scroll: nav.scrollWidth, client: nav.clientWidth };
    });
    assert.ok(strip.scroll <= strip.client, `the tab strip does not scroll sideways: ${JSON.stringify(strip)}`);

    // The selectors' chosen texts fit their boxes ("Tất cả nhà cung cấp", not "Tất cả nhà cung c").
    await page.waitForFunction(() => document.querySelectorAll("#provider-select option").length > 1);
    for (const l of ["vi", "en"]) {
      await setLanguage(page, l);
      await page.waitForFunction((l) => document.querySelector("#provider-select option").textContent === (l === "en" ? "All providers" : "Tất cả nhà cung cấp"), l);
      const fits = await page.evaluate(() =>
        ["provider-select", "technology-select"].map((id) => {
          const sel = document.getElementById(id);
          const probe = document.createElement("span");
          probe.style.font = getComputedStyle(sel).font;
          probe.style.position = "absolute";
          probe.style.whiteSpace = "nowrap";
          probe.textContent = sel.selectedOptions[0].textContent;
          document.body.append(probe);
          const text = probe.getBoundingClientRect().width;
          probe.remove();
          // The box's room for text: its width less its padding and the arrow.
          return { id, text, room: sel.clientWidth - 18 - 28, label: sel.selectedOptions[0].textContent };
        }),
      );
      for (const f of fits) assert.ok(f.text <= f.room, `${l}: "${f.label}" fits #${f.id}: ${JSON.stringify(f)}`);
    }

    // English is the wider language: the gaps table has no column past the phone's edge.
    await showTab(page, "gaps");
    const table = await page.evaluate(() => {
      const wrap = document.querySelector("#panel-gaps .table-wrap");
      return { scroll: wrap.scrollWidth, client: wrap.clientWidth, heads: [...wrap.querySelectorAll("thead th")].map((th) => th.textContent.trim()) };
    });
    assert.ok(table.heads.includes("Commune"), `the table is in English: ${table.heads}`);
    assert.ok(table.scroll <= table.client + 1, `the gaps table fits the phone's width: ${JSON.stringify(table)}`);
    await page.screenshot({ path: join(artifacts, "everywhere-phone-gaps.png") });
  });

  test("tabs are history entries: Back returns to the previous tab, and panning the map adds none", async () => {
    const page = await newPage(DESKTOP);
    await openMap(page);
    await setLanguage(page, "vi");
    await waitTabs(page);
    await showTab(page, "targets");
    assert.match(page.url(), /tab=targets/);
    await showTab(page, "gaps");
    assert.match(page.url(), /tab=gaps/);

    // A drag of the map: the view goes into the URL, replacing the entry.
    const entries = await page.evaluate(() => history.length);
    const box = await page.locator("#map canvas").boundingBox();
    const x = box.x + box.width * 0.7;
    const y = box.y + box.height * 0.5;
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x - 60, y - 30, { steps: 6 });
    await page.mouse.up();
    await page.waitForFunction(() => /[#&]map=/.test(location.hash));
    await waitMap(page);
    assert.equal(await page.evaluate(() => history.length), entries, "a pan adds no history entry");

    await page.goBack();
    await page.waitForFunction(() => !document.getElementById("panel-targets").hidden && /tab=targets/.test(location.hash));
    assert.equal(await page.locator("#tab-targets").getAttribute("aria-selected"), "true");
    await page.goBack();
    await page.waitForFunction(() => !document.getElementById("panel-map").hidden && !/tab=/.test(location.hash));
    assert.equal(await page.locator("#tab-map").getAttribute("aria-selected"), "true");
    assert.ok(page.url().startsWith(`${new URL(page.url()).origin}/`), "still in the application");
    await page.goForward();
    await page.waitForFunction(() => !document.getElementById("panel-targets").hidden);
  });

  test("a link edited in the address bar applies without a reload", async () => {
    const page = await newPage(DESKTOP);
    await openMap(page);
    await setLanguage(page, "vi");
    await waitTabs(page);
    const { body } = await api("/api/v1/layers/phone/communes");
    const commune = body.features[3].properties;
    await page.evaluate(() => (window.__sameDocument = true));
    await page.evaluate((code) => (location.hash = `#layer=phone&commune=${code}`), commune.code);
    await page.waitForFunction(() => document.getElementById("layer-phone").checked);
    await waitRendered(page, "phone", "all", 0.5);
    await page.locator("#card h2", { hasText: commune.name }).waitFor();
    // The skip link's #main is an anchor, not a view: the view stays, and so does its link.
    await page.evaluate(() => {
      window.__anchors = [];
      addEventListener("hashchange", (e) => window.__anchors.push(new URL(e.newURL).hash));
    });
    await page.focus(".skip-link");
    await page.keyboard.press("Enter");
    await page.waitForFunction(
      (code) => window.__anchors.includes("#main") && location.hash.includes(`commune=${code}`) && location.hash.includes("layer=phone"),
      commune.code,
    );
    assert.equal(await page.locator("#layer-phone").isChecked(), true);
    assert.equal(await page.locator("#card").isHidden(), false);
    await page.evaluate(() => (location.hash = "#tab=gaps&layer=phone"));
    await page.waitForFunction(() => !document.getElementById("panel-gaps").hidden && document.getElementById("card").hidden);
    assert.equal(await page.evaluate(() => window.__sameDocument), true, "the page was not reloaded");
  });

  test("a bad link says which of its parts were ignored, in both languages, and the notice can be dismissed", async () => {
    const page = await newPage(DESKTOP);
    await openMap(page, "#layer=foo&commune=99999&map=abc&by=provider:nobody");
    await setLanguage(page, "vi");
    const notice = page.locator("#link-notice");
    await page.waitForFunction(() => document.querySelectorAll("#link-notice li").length === 4);
    const text = await notice.textContent();
    assert.match(text, /Một phần của đường dẫn không dùng được/);
    for (const part of ["layer=foo", "commune=99999", "map=abc", "by=provider:nobody"]) assert.ok(text.includes(part), `the notice names ${part}: ${text}`);
    assert.match(text, /không có lớp bản đồ này/);
    assert.match(text, /không có xã, phường, thị trấn nào mang mã này/);
    // What was valid was used: the map shows the default layer, no commune card.
    assert.equal(await page.locator("#layer-mobile").isChecked(), true);
    assert.equal(await page.locator("#card").isHidden(), true);
    await setLanguage(page, "en");
    await page.waitForFunction(() => /Part of the link could not be used/.test(document.getElementById("link-notice").textContent));
    assert.match(await notice.textContent(), /no commune has this code/);
    await page.click("#link-notice .link-notice-close");
    await notice.waitFor({ state: "hidden" });

    // The same for a link edited later, and a good link says nothing.
    await page.evaluate(() => (location.hash = "#tab=nowhere&layer=broadband"));
    await page.waitForFunction(() => /tab=nowhere/.test(document.getElementById("link-notice").textContent) && document.getElementById("layer-broadband").checked);
    await page.evaluate(() => (location.hash = "#layer=phone"));
    await page.waitForFunction(() => document.getElementById("link-notice").hidden && document.getElementById("layer-phone").checked);
  });

  test("MapLibre's controls and the page's title follow the language", async () => {
    const page = await newPage(DESKTOP);
    await openMap(page);
    await setLanguage(page, "vi");
    const labels = () =>
      page.evaluate(() => ({
        zoomIn: document.querySelector(".maplibregl-ctrl-zoom-in").getAttribute("aria-label"),
        zoomOut: document.querySelector(".maplibregl-ctrl-zoom-out").getAttribute("title"),
        canvas: document.querySelector(".maplibregl-canvas").getAttribute("aria-label"),
        title: document.title,
      }));
    assert.deepEqual(await labels(), { zoomIn: "Phóng to", zoomOut: "Thu nhỏ", canvas: "Bản đồ", title: "Phủ Sóng — bản đồ phủ sóng hạ tầng" });
    await setLanguage(page, "en");
    assert.deepEqual(await labels(), { zoomIn: "Zoom in", zoomOut: "Zoom out", canvas: "Map", title: "Phủ Sóng — infrastructure coverage map" });
    await setLanguage(page, "vi");
    assert.equal((await labels()).zoomIn, "Phóng to");
    // The controls work after the switch: Zoom in zooms.
    const z = await page.evaluate(() => window.__phusong.map.getZoom());
    await page.click(".maplibregl-ctrl-zoom-in");
    await waitMap(page, (z) => window.__phusong.map.getZoom() > z + 0.5, z);
  });

  test("the legend names the provider chosen, keys every outline drawn, hides no label, and the charts' axes are legible", async () => {
    const page = await newPage(DESKTOP);
    await openMap(page);
    await setLanguage(page, "vi");
    await page.waitForFunction(() => document.querySelectorAll("#provider-select option").length > 1);
    const outlines = () => page.evaluate(() => [...document.querySelectorAll("#legend [data-outline]")].map((li) => li.dataset.outline));
    assert.deepEqual(await outlines(), ["commune", "district", "province"]);
    assert.equal(await page.locator("#legend .legend-title").textContent(), "Tỷ lệ dân số được phủ sóng");

    const provider = await page.evaluate(() => {
      const o = [...document.querySelectorAll("#provider-select option")].find((x) => x.value.startsWith("provider:"));
      return { value: o.value, text: o.textContent };
    });
    await page.selectOption("#provider-select", provider.value);
    await page.waitForFunction((name) => document.querySelector("#legend .legend-title").textContent.includes(name), provider.text);
    await waitRendered(page, "mobile", provider.value, 0.5);
    assert.equal(await page.locator("#legend .legend-title").textContent(), `Tỷ lệ dân số được phủ sóng: ${provider.text}`);

    // A selected commune, then the gaps' and the what-if's outlines, each keyed while drawn.
    const { body } = await api("/api/v1/layers/mobile/communes");
    await chooseCommune(page, body.features[0].properties.name);
    await page.waitForFunction(() => !!document.querySelector('#legend [data-outline="selected"]'));
    await showTab(page, "gaps");
    await page.waitForFunction(() => !!document.querySelector('#legend [data-outline="gaps"]'));
    await showTab(page, "whatif");
    await page.waitForFunction(() => ["whatif", "sites"].every((o) => document.querySelector(`#legend [data-outline="${o}"]`)));
    assert.equal(await page.locator('#legend [data-outline="gaps"]').count(), 0, "the gaps' outline is keyed only while drawn");

    // Opaque over the names drawn beneath it.
    const bg = await page.evaluate(() => getComputedStyle(document.querySelector(".legend-box")).backgroundColor);
    assert.equal(bg, "rgb(255, 255, 255)");

    // The layer's description is text on the page, not a tooltip out of reach of a finger.
    await showTab(page, "map");
    const about = await page.locator("#layer-about").textContent();
    const { body: layers } = await api("/api/v1/layers");
    assert.ok(about.includes(layers.layers.find((l) => l.id === "mobile").description_vi), `the description shows: ${about}`);

    // The targets' charts: axis text at least 11 px on the screen, on a desktop and a phone.
    for (const vp of [DESKTOP, PHONE]) {
      await page.setViewportSize(vp);
      await showTab(page, "targets");
      await page.waitForFunction(() => [...document.querySelectorAll("#panel-targets .chart-axis")].some((t) => t.getBoundingClientRect().width > 0));
      const sizes = await page.evaluate(() =>
        [...document.querySelectorAll("#panel-targets .chart-axis")]
          .filter((t) => t.getBoundingClientRect().width > 0)
          .map((t) => parseFloat(getComputedStyle(t).fontSize) * t.ownerSVGElement.getScreenCTM().a),
      );
      assert.ok(sizes.length > 0 && Math.min(...sizes) >= 11, `${vp.width} px: axis text ${Math.min(...sizes).toFixed(1)} px`);
    }
  });

  test("axe-core finds no critical or serious violation on any tab, in either language, on a desktop or a phone", async () => {
    const { body } = await api("/api/v1/layers/mobile/communes");
    // A commune's card open too (its chips were the one violation before).
    const code = body.features.find((f) => f.properties.status === "partial")?.properties.code ?? body.features[0].properties.code;
    const found = [];
    let runs = 0;
    for (const [name, vp] of [["desktop", DESKTOP], ["phone", PHONE]]) {
      const page = await newPage(vp);
      await openMap(page, `#commune=${code}`);
      await setLanguage(page, "vi");
      await page.locator("#card .card-table").waitFor();
      await waitTabs(page);
      // The page's policy allows no inline script: axe goes in by the test's own channel.
      await page.evaluate(axeSource);
      for (const l of ["vi", "en"]) {
        await setLanguage(page, l);
        for (const tab of TABS) {
          await showTab(page, tab);
          const violations = await page.evaluate(async () => {
            const r = await window.axe.run(document, { resultTypes: ["violations"] });
            return r.violations
              .filter((v) => v.impact === "critical" || v.impact === "serious")
              .map((v) => `${v.id} (${v.impact}, ${v.nodes.length}×): ${v.nodes.slice(0, 3).map((n) => `${n.target.join(" ")} — ${n.failureSummary}`).join(" | ")}`);
          });
          runs++;
          for (const v of violations) found.push(`${name} ${l} ${tab}: ${v}`);
        }
      }
    }
    console.log(`measure: axe-core on ${runs} views (${TABS.length} tabs × 2 languages × desktop and phone): ${found.length} critical or serious violations`);
    assert.equal(runs, 24);
    assert.deepEqual(found, []);
  });
});
