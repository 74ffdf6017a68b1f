-- Sets each formulation's per-commune shares beside our calculator's
-- (table ours, loaded from calctime -figures), one line per formulation and
-- breakdown, space-separated for bench/postgis.sh:
--   formulation breakdown pg_share our_share communes within_1pt mean_abs_pts max_abs_pts population_mismatches
-- Province shares weight each commune's share by its census population; a
-- commune with no result row counts as 0.
\set ON_ERROR_STOP on
SET search_path = :"schema", public;

WITH keys AS (
  SELECT DISTINCT formulation, breakdown FROM results
), pg AS (
  SELECT k.formulation, k.breakdown, c.code, c.pop, COALESCE(r.share, 0) AS share
  FROM keys k
  CROSS JOIN communes c
  LEFT JOIN results r
    ON r.formulation = k.formulation AND r.breakdown = k.breakdown AND r.code = c.code
)
SELECT pg.formulation, pg.breakdown,
       round((sum(pg.pop * pg.share) / sum(pg.pop))::numeric, 6),
       round((sum(o.covered) / sum(o.population))::numeric, 6),
       count(*),
       count(*) FILTER (WHERE abs(pg.share - o.share) <= 0.01),
       round(100 * avg(abs(pg.share - o.share))::numeric, 3),
       round(100 * max(abs(pg.share - o.share))::numeric, 2),
       count(*) FILTER (WHERE pg.pop <> o.population)
FROM pg
JOIN ours o ON o.breakdown = pg.breakdown AND o.code = pg.code
GROUP BY pg.formulation, pg.breakdown
ORDER BY pg.formulation, pg.breakdown;
