// A small line chart in SVG, drawn by the page itself (no chart library):
// a share (0–1) over dates, with a goal line and, optionally, the forecast
// as a dashed line from the latest point to the date the goal is met. Other
// quantities (an indicator's score or count) give their own value axis and
// format, and their forecast as a point (a value expected on a date).
import { fmtPct } from "./i18n";

const NS = "http://www.w3.org/2000/svg";

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, text?: string): SVGElementTagNameMap[K] {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

export interface ChartPoint {
  date: string;
  value: number;
}

export interface ChartOptions {
  points: ChartPoint[];
  /** The goal, drawn as a dashed horizontal line. */
  goal?: number;
  /** The date the goal is met at the current pace, drawn as a dashed line from the last point. */
  forecast?: string;
  /** A forecast value on a date, drawn as a dashed line from the last point (instead of forecast). */
  forecastPoint?: ChartPoint;
  /** The value axis [low, high]; by default 0–1 (a share), starting higher when every value is high. */
  domain?: [number, number];
  /** How the value axis labels its values; by default a percentage of a share. */
  format?: (v: number) => string;
  /** Dates marked by a vertical line with a short label, e.g. the day a new unit set took effect. */
  marks?: { date: string; label: string }[];
  /** The accessible description of the whole chart. */
  label: string;
  width?: number;
  height?: number;
}

const day = (d: string) => Date.parse(`${d}T00:00:00Z`) / 86400000;

/** A line chart of shares over time; the points are sorted by date. */
export function lineChart(o: ChartOptions): SVGSVGElement {
  const W = o.width ?? 320;
  const H = o.height ?? 120;
  const pad = { l: 42, r: 8, t: 8, b: 22 };
  const el = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart", role: "img", "aria-label": o.label });
  // The chart scales with its column; its axis text is kept at 11.5 px or more on the screen whatever the scale.
  new ResizeObserver(([e]) => {
    const w = e.contentRect.width;
    if (w > 0) el.style.setProperty("--axis-size", `${Math.max(11.5, (11.5 * W) / w).toFixed(2)}px`);
  }).observe(el);
  el.append(svg("title", {}, o.label));
  const pts = o.points.filter((p) => Number.isFinite(day(p.date)));
  if (pts.length === 0) return el;
  const x0 = day(pts[0].date);
  let x1 = day(pts[pts.length - 1].date);
  if (o.forecast && Number.isFinite(day(o.forecast))) x1 = Math.max(x1, day(o.forecast));
  if (o.forecastPoint && Number.isFinite(day(o.forecastPoint.date))) x1 = Math.max(x1, day(o.forecastPoint.date));
  if (x1 <= x0) x1 = x0 + 1;
  // The value axis starts at 0 unless every value is high, so that small changes near the goal show.
  const values = pts.map((p) => p.value).concat(o.goal ?? []);
  const [lo, hi] = o.domain ?? [Math.min(...values) >= 0.6 ? Math.min(0.9, Math.floor(Math.min(...values) * 10) / 10) : 0, 1];
  const format = o.format ?? ((v: number) => fmtPct(v, 0));
  const X = (d: number) => pad.l + ((d - x0) / (x1 - x0)) * (W - pad.l - pad.r);
  const Y = (v: number) => pad.t + (1 - (v - lo) / (hi - lo)) * (H - pad.t - pad.b);

  // Grid and value axis.
  const steps = [lo, (lo + hi) / 2, hi];
  for (const v of steps) {
    el.append(svg("line", { x1: pad.l, x2: W - pad.r, y1: Y(v), y2: Y(v), class: "chart-grid" }));
    el.append(svg("text", { x: pad.l - 4, y: Y(v) + 4, class: "chart-axis", "text-anchor": "end" }, format(v)));
  }
  // Years along the time axis: the first and the last, and one between when there is room.
  const y0 = new Date(x0 * 86400000).getUTCFullYear();
  const y1 = new Date(x1 * 86400000).getUTCFullYear();
  const years = y1 - y0 >= 4 ? [y0 + 1, Math.round((y0 + y1) / 2), y1] : [y1];
  for (const y of new Set(years)) {
    const d = Date.UTC(y, 0, 1) / 86400000;
    if (d < x0 || d > x1) continue;
    el.append(svg("line", { x1: X(d), x2: X(d), y1: H - pad.b, y2: H - pad.b + 3, class: "chart-tick" }));
    el.append(svg("text", { x: X(d), y: H - 5, class: "chart-axis", "text-anchor": "middle" }, String(y)));
  }
  if (o.goal !== undefined) el.append(svg("line", { x1: pad.l, x2: W - pad.r, y1: Y(o.goal), y2: Y(o.goal), class: "chart-goal" }));
  for (const m of o.marks ?? []) {
    const d = day(m.date);
    if (!(d >= x0 && d <= x1)) continue;
    el.append(svg("line", { x1: X(d), x2: X(d), y1: pad.t, y2: H - pad.b, class: "chart-mark", "data-date": m.date }));
    el.append(svg("text", { x: X(d) - 3, y: pad.t + 9, class: "chart-axis chart-mark-label", "text-anchor": "end" }, m.label));
  }

  // The history as a step line: a value holds until the next date a filing took effect.
  let d = `M${X(day(pts[0].date)).toFixed(1)},${Y(pts[0].value).toFixed(1)}`;
  for (let i = 1; i < pts.length; i++) d += `H${X(day(pts[i].date)).toFixed(1)}V${Y(pts[i].value).toFixed(1)}`;
  el.append(svg("path", { d, class: "chart-line" }));
  const last = pts[pts.length - 1];
  if (o.forecast && o.goal !== undefined && Number.isFinite(day(o.forecast))) {
    el.append(svg("line", { x1: X(day(last.date)), y1: Y(last.value), x2: X(day(o.forecast)), y2: Y(o.goal), class: "chart-forecast" }));
    el.append(svg("circle", { cx: X(day(o.forecast)), cy: Y(o.goal), r: 3, class: "chart-forecast-dot" }));
  } else if (o.forecastPoint && Number.isFinite(day(o.forecastPoint.date))) {
    const f = o.forecastPoint;
    el.append(svg("line", { x1: X(day(last.date)), y1: Y(last.value), x2: X(day(f.date)), y2: Y(f.value), class: "chart-forecast" }));
    el.append(svg("circle", { cx: X(day(f.date)), cy: Y(f.value), r: 3, class: "chart-forecast-dot" }));
  }
  el.append(svg("circle", { cx: X(day(last.date)), cy: Y(last.value), r: 3.2, class: "chart-dot" }));
  return el;
}
