// A minimal page over the API: a layer switcher, an SVG choropleth of the
// communes by share of population covered, and the province summary. The
// full map application replaces it; the API is the contract.

// Colour scale from the viridis family, readable with colour-blindness.
const STATUS = [
  { key: "covered", vi: "Phủ sóng (≥ 95%)", en: "covered", colour: "#2a788e" },
  { key: "partial", vi: "Một phần (≥ 50%)", en: "partial", colour: "#7ad151" },
  { key: "none", vi: "Chưa phủ (< 50%)", en: "none", colour: "#fde725" },
];

const fmt = new Intl.NumberFormat("vi-VN");
const pct = (v) => (100 * v).toLocaleString("vi-VN", { maximumFractionDigits: 1 }) + "%";

async function getJSON(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  return res.json();
}

function el(tag, attrs = {}, text) {
  const e = document.createElementNS(tag === "path" ? "http://www.w3.org/2000/svg" : "http://www.w3.org/1999/xhtml", tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function drawMap(fc) {
  const svg = document.getElementById("map");
  svg.replaceChildren();
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  const each = (g, fn) => (g.type === "Polygon" ? [g.coordinates] : g.coordinates).forEach((p) => p.forEach((r) => r.forEach(fn)));
  fc.features.forEach((f) => each(f.geometry, ([x, y]) => { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }));
  const k = Math.cos(((y0 + y1) / 2) * Math.PI / 180);
  svg.setAttribute("viewBox", `${x0 * k} ${-y1} ${(x1 - x0) * k} ${y1 - y0}`);
  const colour = Object.fromEntries(STATUS.map((s) => [s.key, s.colour]));
  for (const f of fc.features) {
    const polys = f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates;
    const d = polys.map((p) => p.map((r) => "M" + r.map(([x, y]) => `${(x * k).toFixed(5)},${(-y).toFixed(5)}`).join("L") + "Z").join("")).join("");
    const path = el("path", { d, fill: colour[f.properties.status] || "#ccc", "data-code": f.properties.code });
    path.addEventListener("mouseenter", () => showDetail(f.properties));
    svg.appendChild(path);
  }
  const legend = document.getElementById("legend");
  legend.replaceChildren(...STATUS.map((s) => { const e = el("span", {}, `${s.vi} · ${s.en}`); e.style.setProperty("--c", s.colour); return e; }));
  document.getElementById("note").textContent = fc.boundary_note ? `⚠ ${fc.boundary_note}` : "";
}

function showDetail(p) {
  const d = document.getElementById("detail");
  d.replaceChildren(
    el("strong", {}, p.name), el("br"), document.createTextNode(`${p.district} · mã ${p.code}`), el("br"),
    document.createTextNode(`${fmt.format(p.population_covered)} / ${fmt.format(p.population)} người (${pct(p.share_covered)})`),
  );
}

function drawSummary(layer, s) {
  const t = document.getElementById("summary");
  const rows = [["", "Dân số phủ sóng", "Xã đạt"]];
  rows.push(["Toàn tỉnh", `${pct(s.province.share)} (${fmt.format(Math.round(s.province.covered))} / ${fmt.format(s.province.population)})`,
    `${s.province.communes_reached} / ${s.province.communes}`]);
  for (const d of s.districts) rows.push([d.name, pct(d.share), `${d.communes_reached} / ${d.communes}`]);
  t.replaceChildren(...rows.map((r, i) => {
    const tr = el("tr");
    r.forEach((c, j) => tr.appendChild(el(i === 0 ? "th" : "td", j > 0 ? { class: "num" } : {}, c)));
    return tr;
  }));
  const m = s.method;
  const footer = document.getElementById("method");
  footer.textContent = `Phương pháp / method: ${m.name}, ô lưới ${m.cell_size_m} m, phủ sóng ≥ ${pct(m.covered_threshold)}, một phần ≥ ${pct(m.partial_threshold)} · tính lúc ${s.computed_at}`;
  footer.title = Object.values(m.rules || {}).join("\n");
}

async function show(layer, buttons) {
  buttons.forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.layer === layer)));
  const [fc, summary] = await Promise.all([getJSON(`/api/v1/layers/${layer}/communes`), getJSON(`/api/v1/summary?layer=${layer}`)]);
  drawMap(fc);
  drawSummary(layer, summary);
}

async function main() {
  const { layers } = await getJSON("/api/v1/layers");
  const nav = document.getElementById("layers");
  const buttons = layers.map((l) => {
    const b = el("button", { type: "button", "data-layer": l.id, title: l.description_vi }, `${l.title_vi} · ${l.title_en}`);
    b.addEventListener("click", () => show(l.id, buttons));
    return b;
  });
  nav.replaceChildren(...buttons);
  await show("mobile", buttons);
}

main().catch((e) => { document.getElementById("detail").textContent = "Lỗi / error: " + e.message; });
