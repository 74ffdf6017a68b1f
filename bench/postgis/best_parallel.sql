-- BEST, every breakdown, on every core: best_breakdowns.sql run by :parts
-- sessions at once, session :part taking the communes of one band of
-- latitude (an equal share of communes each) and the footprints that meet
-- them. A footprint on the edge of two bands is dissolved in both; each
-- commune is clipped once. bench/postgis.sh deletes the old rows first and
-- times the slowest session.
\set ON_ERROR_STOP on
SET search_path = :"schema", public;

CREATE TEMP TABLE my_communes AS
SELECT code, geom
FROM (SELECT code, geom, ntile(:parts) OVER (ORDER BY ST_Y(ST_PointOnSurface(geom)), code) - 1 AS part
      FROM communes) c
WHERE part = :part;
ALTER TABLE my_communes ADD PRIMARY KEY (code);
CREATE INDEX ON my_communes USING gist (geom);
ANALYZE my_communes;

CREATE TEMP TABLE my_footprints AS
SELECT f.operator, f.geom
FROM footprints f
WHERE EXISTS (SELECT 1 FROM my_communes c WHERE c.geom && f.geom);

CREATE TEMP TABLE dissolved AS
SELECT 'provider:' || operator AS breakdown, ST_Union(geom) AS geom
FROM my_footprints
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
SELECT 'best_parallel', p.breakdown, c.code,
       least(1, sum(ST_Area(ST_Intersection(c.geom, p.geom))) / ST_Area(c.geom))
FROM my_communes c
JOIN pieces p ON p.geom && c.geom
GROUP BY p.breakdown, c.code;
