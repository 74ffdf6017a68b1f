// A local basemap (phusong serve --basemap FILE.pmtiles): an office with
// no internet still gets roads, rivers and place names under the communes,
// every request going to the service itself. The service here serves a
// small archive of made-up features over Hòa Bình (basemap/basemaptest):
// the highway QL6, the river Đà, a reservoir and five towns.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { artifacts, localBasemapBase, newPage, waitMap } from "./lib.mjs";

const QL6 = [105.125, 20.69]; // on the highway, between two of its vertices, inside the commune set
const HOA_BINH = [105.338, 20.813]; // the town whose name has the highest rank
const ROADS = ["basemap-roads-highway", "basemap-roads-major", "basemap-roads-minor"];
const WATER = ["basemap-water", "basemap-rivers"];

/** The colours on a grid around a place (every 2 px, 120 × 60 px), as drawn now. */
async function pixelsAround(page, lngLat, half = 60) {
  const points = await page.evaluate(
    ({ lngLat, half }) => {
      const m = window.__phusong.map;
      const c = m.project(lngLat);
      const out = [];
      for (let dx = -half; dx <= half; dx += 2) for (let dy = -half / 2; dy <= half / 2; dy += 2) out.push(m.unproject([c.x + dx, c.y + dy]).toArray());
      return out;
    },
    { lngLat, half },
  );
  return page.evaluate((p) => window.__phusong.pixelsAt(p), points);
}

test("a local basemap draws roads, rivers and place names from the service alone, under the communes and names over them", { skip: !localBasemapBase && "PHUSONG_LOCAL_BASEMAP_URL is not set" }, async () => {
  const page = await newPage();
  const tiles = [];
  page.on("response", (r) => {
    if (new URL(r.url()).pathname.startsWith("/basemap/tiles/")) tiles.push({ status: r.status(), encoding: r.headers()["content-encoding"] || "" });
  });
  await page.goto(`${localBasemapBase}/`);
  // Settled with the communes, the roads, the water and the names drawn.
  await waitMap(
    page,
    ({ roads, water }) => {
      const m = window.__phusong.map;
      return (
        window.__phusong.renderedCommunes().length > 0 &&
        m.queryRenderedFeatures({ layers: roads }).length > 0 &&
        m.queryRenderedFeatures({ layers: water }).length > 0 &&
        m.queryRenderedFeatures({ layers: ["basemap-places"] }).length > 0
      );
    },
    { roads: ROADS, water: WATER },
    { timeout: 30000 },
  );
  await page.screenshot({ path: join(artifacts, "basemap-desktop.png") });

  const seen = await page.evaluate(
    ({ roads, water, ql6 }) => {
      const m = window.__phusong.map;
      const order = m.getStyle().layers.map((l) => l.id);
      const p = m.project(ql6);
      const here = m.queryRenderedFeatures([
        [p.x - 3, p.y - 3],
        [p.x + 3, p.y + 3],
      ]);
      return {
        order,
        here: here.map((f) => f.layer.id),
        roads: [...new Set(m.queryRenderedFeatures({ layers: roads }).map((f) => f.sourceLayer))],
        water: [...new Set(m.queryRenderedFeatures({ layers: water }).map((f) => `${f.sourceLayer}:${f.properties.kind}`))],
        places: m.queryRenderedFeatures({ layers: ["basemap-places"] }).map((f) => f.properties.name),
        attribution: document.querySelector(".maplibregl-ctrl-attrib-inner")?.textContent ?? "",
      };
    },
    { roads: ROADS, water: WATER, ql6: QL6 },
  );
  // The basemap's layers go under the communes, its names over them.
  const at = (id) => seen.order.indexOf(id);
  assert.ok(at("basemap-water") >= 0 && at("basemap-water") < at("commune-fill"), `water under the communes: ${seen.order}`);
  assert.ok(at("basemap-roads-highway") < at("commune-fill"), "roads under the communes");
  assert.equal(seen.order.at(-1), "basemap-places", "the place names are drawn last, over the communes");
  // On the highway, the commune is drawn over the road (top first).
  assert.ok(seen.here.includes("basemap-roads-highway"), `the highway at QL6: ${seen.here}`);
  assert.ok(seen.here.indexOf("commune-fill") < seen.here.indexOf("basemap-roads-highway"), `the commune over the road: ${seen.here}`);
  assert.deepEqual(seen.roads, ["roads"]);
  assert.ok(seen.water.includes("water:river") && seen.water.includes("water:lake"), `rivers and lakes: ${seen.water}`);
  assert.ok(seen.places.includes("Hòa Bình"), `place names: ${seen.places}`);
  assert.match(seen.attribution, /OpenStreetMap/);

  // The names are drawn (by MapLibre with the browser's fonts, no glyph
  // files): around Hòa Bình, the text and its halo change pixels that
  // change back when the names' layer is hidden.
  const withNames = await pixelsAround(page, HOA_BINH);
  await page.evaluate(() => window.__phusong.map.setLayoutProperty("basemap-places", "visibility", "none"));
  await waitMap(page, () => window.__phusong.map.getLayoutProperty("basemap-places", "visibility") === "none");
  const withoutNames = await pixelsAround(page, HOA_BINH);
  const changed = withNames.filter((c, i) => c.some((v, k) => Math.abs(v - withoutNames[i][k]) > 40)).length;
  assert.ok(withNames.length > 900 && changed >= 25, `${changed} of ${withNames.length} pixels around Hòa Bình differ with the names and without`);

  // The road shows through the communes: hiding it changes pixels about it.
  const withRoad = await pixelsAround(page, QL6, 12);
  await page.evaluate(() => window.__phusong.map.setLayoutProperty("basemap-roads-highway", "visibility", "none"));
  await waitMap(page, () => window.__phusong.map.getLayoutProperty("basemap-roads-highway", "visibility") === "none");
  const withoutRoad = await pixelsAround(page, QL6, 12);
  const roadPixels = withRoad.filter((c, i) => c.some((v, k) => Math.abs(v - withoutRoad[i][k]) > 6)).length;
  assert.ok(roadPixels >= 2, `${roadPixels} of ${withRoad.length} pixels about QL6 differ with the highway and without`);

  // Every tile came from the service: gzip-compressed as stored, or none (204) where the archive has none.
  assert.ok(tiles.length > 0, "no basemap tile was requested");
  for (const t of tiles) assert.ok((t.status === 200 && t.encoding === "gzip") || t.status === 204, `a tile answered ${t.status} ${t.encoding}`);
  const requested = await page.evaluate(() => performance.getEntriesByType("resource").map((e) => new URL(e.name).origin));
  assert.deepEqual([...new Set(requested)], [localBasemapBase], "every request went to the service");
});
