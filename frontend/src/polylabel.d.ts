declare module "polylabel" {
  /** The pole of inaccessibility of a polygon (rings of [x, y]): the point inside it farthest from its edges. */
  export default function polylabel(polygon: number[][][], precision?: number, debug?: boolean): [number, number] & { distance: number };
}
