-- BEST, union of all operators: dissolve every footprint once, cut the
-- dissolved coverage into small pieces for the index, then clip each commune
-- against the pieces its box meets and add up the areas (the pieces of a
-- subdivided polygon do not overlap, so no union is needed per commune).
--
-- A share is a ratio of two areas inside one commune, where the scale of
-- longitude and latitude is constant to well under 0.1 %, so both are taken
-- planar in EPSG:4326: this is faster than ST_Area(geography) and, since the
-- edges are straight in longitude/latitude (as in GeoJSON and in our
-- calculator), no less exact. The canonical files use geography.
\set ON_ERROR_STOP on
SET search_path = :"schema", public;
DELETE FROM results WHERE formulation = 'best' AND breakdown = 'all';

CREATE TEMP TABLE dissolved AS
SELECT ST_Union(geom) AS geom FROM footprints;

CREATE TEMP TABLE pieces AS
SELECT ST_Subdivide(geom, 128) AS geom FROM dissolved;
CREATE INDEX ON pieces USING gist (geom);
ANALYZE pieces;

INSERT INTO results
SELECT 'best', 'all', c.code,
       least(1, sum(ST_Area(ST_Intersection(c.geom, p.geom))) / ST_Area(c.geom))
FROM communes c
JOIN pieces p ON p.geom && c.geom
GROUP BY c.code;
