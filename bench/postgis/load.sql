-- Turns the tables ogr2ogr loaded (communes_raw, footprints_raw) into the two
-- tables every formulation reads, in schema :schema:
--   communes(code, pop, geom)            pop: census people, null counted as 0
--   footprints(operator, technology, geom)
-- with GiST indexes and fresh statistics, as an analyst would set them up.
-- Variables: schema, code_col (the commune key), pop_col.
\set ON_ERROR_STOP on
SET search_path = :"schema", public;

CREATE TABLE communes AS
SELECT :"code_col"::text AS code, COALESCE(:"pop_col", 0)::bigint AS pop, geom
FROM communes_raw;
ALTER TABLE communes ADD PRIMARY KEY (code);

-- Every scenario footprint is one circle: keep it a Polygon.
CREATE TABLE footprints AS
SELECT operator::text AS operator, technology::text AS technology, geom
FROM footprints_raw;

CREATE INDEX communes_geom ON communes USING gist (geom);
CREATE INDEX footprints_geom ON footprints USING gist (geom);
ANALYZE communes;
ANALYZE footprints;

-- Per-commune shares of every formulation, for the comparison with ours.
CREATE TABLE results (
  formulation text NOT NULL,
  breakdown   text NOT NULL,   -- our keys: all, provider:<operator>, multi
  code        text NOT NULL,
  share       float8 NOT NULL  -- 0–1; a commune without a row is 0
);

SELECT count(*) AS communes, sum(pop) AS people,
       count(*) FILTER (WHERE NOT ST_IsValid(geom)) AS invalid
FROM communes;
SELECT operator, count(*) AS footprints FROM footprints GROUP BY operator ORDER BY operator;

-- Our calculator's per-commune figures (bench/calctime -figures), copied in
-- by bench/postgis.sh.
CREATE TABLE ours (
  breakdown  text NOT NULL,
  code       text NOT NULL,
  population bigint NOT NULL,
  covered    float8 NOT NULL,
  share      float8 NOT NULL
);
