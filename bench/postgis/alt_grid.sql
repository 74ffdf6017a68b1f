-- ALTERNATIVE, union of all operators, sampled as our calculator does:
-- the centres of a square grid of 0.005° (about 550 m) inside each commune
-- (ST_SquareGrid), and the share of them that some footprint covers. Our
-- calculator uses 100 m cells, which here would be 30 times as many points;
-- communes smaller than a cell get no point and count as uncovered.
\set ON_ERROR_STOP on
SET search_path = :"schema", public;
DELETE FROM results WHERE formulation = 'grid';

CREATE TEMP TABLE samples AS
SELECT c.code, ST_Centroid(g.geom) AS pt
FROM communes c, ST_SquareGrid(0.005, c.geom) g
WHERE ST_Intersects(c.geom, ST_Centroid(g.geom));

INSERT INTO results
SELECT 'grid', 'all', s.code,
       avg(CASE WHEN EXISTS (SELECT 1 FROM footprints f WHERE ST_Intersects(f.geom, s.pt))
                THEN 1 ELSE 0 END)
FROM samples s
GROUP BY s.code;
