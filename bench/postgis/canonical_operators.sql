-- CANONICAL, each operator alone: the same per-commune union and clip, one
-- union per operator present in the commune. Areas by ST_Area(geography).
\set ON_ERROR_STOP on
SET search_path = :"schema", public;
DELETE FROM results WHERE formulation = 'canonical' AND breakdown LIKE 'provider:%';

INSERT INTO results
SELECT 'canonical', 'provider:' || u.operator, c.code,
       least(1, ST_Area(ST_Intersection(c.geom, u.geom)::geography)
                / ST_Area(c.geom::geography))
FROM communes c
CROSS JOIN LATERAL (
  SELECT f.operator, ST_Union(f.geom) AS geom
  FROM footprints f
  WHERE ST_Intersects(f.geom, c.geom)
  GROUP BY f.operator
) u;
