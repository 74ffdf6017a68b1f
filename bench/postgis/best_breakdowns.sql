-- BEST, every breakdown PostGIS computes here (all, each operator, two or
-- more operators) in one pass: dissolve each operator's footprints once;
-- "all" is the union of the three dissolved operators, "multi" the union of
-- their pairwise intersections; subdivide the five coverages, then clip each
-- commune against the pieces its box meets and add up the areas. Areas are
-- planar in EPSG:4326, as ratios within a commune (see best_all.sql).
\set ON_ERROR_STOP on
SET search_path = :"schema", public;
DELETE FROM results WHERE formulation = 'best';

CREATE TEMP TABLE dissolved AS
SELECT 'provider:' || operator AS breakdown, ST_Union(geom) AS geom
FROM footprints
GROUP BY operator;

INSERT INTO dissolved
SELECT 'all', ST_Union(geom) FROM dissolved;

INSERT INTO dissolved
SELECT 'multi', ST_Union(ST_Intersection(a.geom, b.geom))
FROM dissolved a
JOIN dissolved b ON a.breakdown < b.breakdown
WHERE a.breakdown LIKE 'provider:%' AND b.breakdown LIKE 'provider:%';

CREATE TEMP TABLE pieces AS
SELECT breakdown, ST_Subdivide(geom, 128) AS geom FROM dissolved;
CREATE INDEX ON pieces USING gist (geom);
ANALYZE pieces;

INSERT INTO results
SELECT 'best', p.breakdown, c.code,
       least(1, sum(ST_Area(ST_Intersection(c.geom, p.geom))) / ST_Area(c.geom))
FROM communes c
JOIN pieces p ON p.geom && c.geom
GROUP BY p.breakdown, c.code;
