// Commune names as HTML over the map, in the page's own font: MapLibre's
// text needs glyph files, and none are fetched from anywhere. Names show
// from zoom LABEL_MIN_ZOOM; where two would overlap, the commune with more
// people keeps its name.
import type { Map as MapLibreMap } from "maplibre-gl";
import { h } from "./dom";

export const LABEL_MIN_ZOOM = 9.6;

interface Label {
  code: string;
  lngLat: [number, number];
  population: number;
  el: HTMLSpanElement;
  w: number;
  h: number;
  shown: boolean;
}

export class CommuneLabels {
  private labels: Label[] = [];
  private frame = 0;
  private measured = false;

  constructor(
    private readonly map: MapLibreMap,
    private readonly layer: HTMLElement,
  ) {
    map.on("move", () => this.schedule());
    map.on("resize", () => this.schedule());
  }

  /** Replaces the labels; items in any order. */
  set(items: { code: string; name: string; population: number; lngLat: [number, number] }[]): void {
    this.layer.replaceChildren();
    this.labels = items
      .slice()
      .sort((a, b) => b.population - a.population)
      .map((it) => {
        const el = h("span", { class: "commune-label", "data-code": it.code }, it.name);
        this.layer.append(el);
        return { code: it.code, lngLat: it.lngLat, population: it.population, el, w: 0, h: 0, shown: true };
      });
    this.measured = false;
    this.schedule();
  }

  /** Marks the selected commune's name, which is always shown. */
  select(code: string | null): void {
    for (const l of this.labels) l.el.classList.toggle("selected", l.code === code);
    this.schedule();
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.place();
    });
  }

  private place(): void {
    const zoom = this.map.getZoom();
    const visible = zoom >= LABEL_MIN_ZOOM;
    this.layer.classList.toggle("hidden", !visible);
    if (!visible || this.labels.length === 0) return;
    if (!this.measured) {
      // One layout pass for all labels, the first time they are shown.
      for (const l of this.labels) {
        l.w = l.el.offsetWidth;
        l.h = l.el.offsetHeight;
      }
      this.measured = true;
    }
    const width = this.layer.clientWidth;
    const height = this.layer.clientHeight;
    const placed: [number, number, number, number][] = [];
    const ordered = this.labels.filter((l) => l.el.classList.contains("selected")).concat(this.labels.filter((l) => !l.el.classList.contains("selected")));
    for (const l of ordered) {
      const p = this.map.project(l.lngLat);
      const x0 = p.x - l.w / 2;
      const y0 = p.y - l.h / 2;
      const box: [number, number, number, number] = [x0 - 2, y0 - 1, x0 + l.w + 2, y0 + l.h + 1];
      const onScreen = box[2] > 0 && box[0] < width && box[3] > 0 && box[1] < height;
      const free = onScreen && !placed.some((b) => b[0] < box[2] && box[0] < b[2] && b[1] < box[3] && box[1] < b[3]);
      if (free) {
        placed.push(box);
        l.el.style.transform = `translate(${Math.round(x0)}px, ${Math.round(y0)}px)`;
      }
      if (free !== l.shown) {
        l.el.classList.toggle("off", !free);
        l.shown = free;
      }
    }
  }
}
