-- ALTERNATIVE, union of all operators: dissolve tile by tile on a grid of
-- 0.25° squares (ST_SquareGrid), each footprint cut to the tiles it meets,
-- so that no union grows to the size of the country; the tiles' pieces do
-- not overlap, so each commune adds up its clipped areas.
\set ON_ERROR_STOP on
SET search_path = :"schema", public;
DELETE FROM results WHERE formulation = 'tiles';

CREATE TEMP TABLE tiles AS
SELECT row_number() OVER () AS id, t.geom
FROM (SELECT ST_SetSRID(ST_Extent(geom)::geometry, 4326) AS extent FROM footprints) e,
     ST_SquareGrid(0.25, e.extent) t;
CREATE INDEX ON tiles USING gist (geom);
ANALYZE tiles;

CREATE TEMP TABLE pieces AS
SELECT ST_Subdivide(ST_Union(ST_ClipByBox2D(f.geom, t.geom)), 128) AS geom
FROM tiles t
JOIN footprints f ON f.geom && t.geom
GROUP BY t.id;
CREATE INDEX ON pieces USING gist (geom);
ANALYZE pieces;

INSERT INTO results
SELECT 'tiles', 'all', c.code,
       least(1, sum(ST_Area(ST_Intersection(c.geom, p.geom))) / ST_Area(c.geom))
FROM communes c
JOIN pieces p ON p.geom && c.geom
GROUP BY c.code;
