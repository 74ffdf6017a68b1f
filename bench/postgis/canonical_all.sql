-- CANONICAL, union of all operators: for each commune, the union of the
-- footprints that intersect it, clipped to the commune. Areas by
-- ST_Area(geography), on the WGS84 spheroid, in m². (least() skips NULLs:
-- the COALESCE must come inside it, or a commune that no footprint meets
-- would count as covered.)
\set ON_ERROR_STOP on
SET search_path = :"schema", public;
DELETE FROM results WHERE formulation = 'canonical' AND breakdown = 'all';

INSERT INTO results
SELECT 'canonical', 'all', c.code,
       least(1, COALESCE(ST_Area(ST_Intersection(c.geom, u.geom)::geography), 0)
                / ST_Area(c.geom::geography))
FROM communes c
CROSS JOIN LATERAL (
  SELECT ST_Union(f.geom) AS geom
  FROM footprints f
  WHERE ST_Intersects(f.geom, c.geom)
) u;
