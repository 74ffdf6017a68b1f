// The basemap under the communes: the style the service's config names,
// either its own (/basemap/style.json, when it serves a local PMTiles
// archive with --basemap) or a configured URL. The service's style names
// no glyphs: MapLibre then draws the place names with the browser's own
// fonts, so a local basemap makes no request to any other host.
import type { Map as MapLibreMap } from "maplibre-gl";

/** Metadata of a basemap layer drawn over the communes (the service's style marks its place names so). */
export const OVER_COMMUNES = "phusong:over-communes";

/**
 * Moves the basemap's layers marked OVER_COMMUNES above the page's own, in
 * their order: the names stay legible over the choropleth, while roads and
 * rivers stay under it.
 */
export function raiseBasemapLabels(map: MapLibreMap): void {
  for (const l of map.getStyle().layers) {
    const metadata = (l as { metadata?: Record<string, unknown> }).metadata;
    if (metadata?.[OVER_COMMUNES] === true) map.moveLayer(l.id);
  }
}
