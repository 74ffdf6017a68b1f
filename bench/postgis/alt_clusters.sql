-- ALTERNATIVE, union of all operators: find the groups of footprints that
-- touch one another (ST_ClusterIntersecting), dissolve each group on its
-- own, then subdivide and clip as best_all.sql does. It would pay where the
-- footprints fall into many small groups; here most of them form one.
\set ON_ERROR_STOP on
SET search_path = :"schema", public;
DELETE FROM results WHERE formulation = 'clusters';

CREATE TEMP TABLE clusters AS
SELECT unnest(ST_ClusterIntersecting(geom)) AS geom FROM footprints;

SELECT count(*) AS clusters FROM clusters;

CREATE TEMP TABLE pieces AS
SELECT ST_Subdivide(ST_UnaryUnion(geom), 128) AS geom FROM clusters;
CREATE INDEX ON pieces USING gist (geom);
ANALYZE pieces;

INSERT INTO results
SELECT 'clusters', 'all', c.code,
       least(1, sum(ST_Area(ST_Intersection(c.geom, p.geom))) / ST_Area(c.geom))
FROM communes c
JOIN pieces p ON p.geom && c.geom
GROUP BY c.code;
