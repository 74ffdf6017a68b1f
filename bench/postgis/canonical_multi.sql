-- CANONICAL, two or more operators ("multi"): per commune, the union of each
-- operator's footprints, then the union of the pairwise intersections of
-- those unions, clipped to the commune. Areas by ST_Area(geography).
\set ON_ERROR_STOP on
SET search_path = :"schema", public;
DELETE FROM results WHERE formulation = 'canonical' AND breakdown = 'multi';

INSERT INTO results
SELECT 'canonical', 'multi', c.code,
       least(1, COALESCE(ST_Area(ST_Intersection(c.geom, m.geom)::geography), 0)
                / ST_Area(c.geom::geography))
FROM communes c
CROSS JOIN LATERAL (
  WITH per_operator AS (
    SELECT f.operator, ST_Union(f.geom) AS geom
    FROM footprints f
    WHERE ST_Intersects(f.geom, c.geom)
    GROUP BY f.operator
  )
  SELECT ST_Union(ST_Intersection(a.geom, b.geom)) AS geom
  FROM per_operator a JOIN per_operator b ON a.operator < b.operator
) m;
