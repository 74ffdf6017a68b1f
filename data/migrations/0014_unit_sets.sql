-- Unit sets: the store keeps several commune sets (the administrative
-- units of one period: 2019's communes, 2020's after the mergers, the two
-- tiers of July 2025), each in force from valid_from (NULL: since ever)
-- until the day before the next set's. parent_level names the level of
-- every unit's parent (district_code and district hold the parent):
-- 'district' (huyện) before 2025, 'province' (tỉnh) after, '' none.
CREATE TABLE unit_sets (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE CHECK (name <> ''),
  valid_from TEXT UNIQUE,
  source TEXT NOT NULL DEFAULT '',
  parent_level TEXT NOT NULL DEFAULT '' CHECK (parent_level IN ('', 'district', 'province')),
  created_at TEXT NOT NULL
);
INSERT INTO unit_sets (id, name, valid_from, source, parent_level, created_at)
VALUES (1, 'communes', NULL, '', 'district', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));

-- The coverage views join communes by code; codes repeat across sets, so
-- they are rebuilt to take the units of the set the figures were computed
-- on (coverage_runs.unit_set).
DROP VIEW coverage_broadcast;
DROP VIEW coverage_phone;
DROP VIEW coverage_broadband;
DROP VIEW coverage_mobile;

-- A commune code is unique within its set only: the table is rebuilt
-- (SQLite cannot drop the old UNIQUE), keeping every row and its fid.
CREATE TABLE communes_sets (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  geom MULTIPOLYGON,
  set_id INTEGER NOT NULL DEFAULT 1 REFERENCES unit_sets (id),
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  type TEXT NOT NULL DEFAULT '',
  district_code TEXT NOT NULL DEFAULT '',
  district TEXT NOT NULL DEFAULT '',
  population INTEGER NOT NULL CHECK (population >= 0),
  population_urban INTEGER,
  population_rural INTEGER,
  lon REAL,
  lat REAL,
  area_km2 REAL,
  boundary TEXT NOT NULL,
  remote INTEGER NOT NULL DEFAULT 0 CHECK (remote IN (0, 1)),
  UNIQUE (set_id, code)
);
INSERT INTO communes_sets (fid, geom, set_id, code, name, type, district_code, district, population,
  population_urban, population_rural, lon, lat, area_km2, boundary, remote)
SELECT fid, geom, 1, code, name, type, district_code, district, population,
  population_urban, population_rural, lon, lat, area_km2, boundary, remote FROM communes;
DROP TABLE communes;
ALTER TABLE communes_sets RENAME TO communes;

ALTER TABLE coverage_runs ADD COLUMN unit_set INTEGER NOT NULL DEFAULT 1;

-- The set a filing's commune codes were read on; NULL: the set in force
-- on its as_of date.
ALTER TABLE filings ADD COLUMN unit_set INTEGER;

CREATE VIEW coverage_broadcast AS
SELECT c.fid AS fid, c.geom AS geom, c.code AS code, c.name AS name, c.type AS type,
       c.district_code AS district_code, c.district AS district,
       cc.population AS population, cc.population_covered AS population_covered,
       cc.share_covered AS share_covered, cc.status AS status, c.boundary AS boundary,
       r.computed_at AS computed_at
FROM communes c
JOIN commune_coverage cc ON cc.commune_code = c.code AND cc.layer = 'broadcast' AND cc.breakdown = 'all'
JOIN coverage_runs r ON r.id = cc.run_id AND r.unit_set = c.set_id;

CREATE VIEW coverage_phone AS
SELECT c.fid AS fid, c.geom AS geom, c.code AS code, c.name AS name, c.type AS type,
       c.district_code AS district_code, c.district AS district,
       cc.population AS population, cc.population_covered AS population_covered,
       cc.share_covered AS share_covered, cc.status AS status, c.boundary AS boundary,
       r.computed_at AS computed_at
FROM communes c
JOIN commune_coverage cc ON cc.commune_code = c.code AND cc.layer = 'phone' AND cc.breakdown = 'all'
JOIN coverage_runs r ON r.id = cc.run_id AND r.unit_set = c.set_id;

CREATE VIEW coverage_broadband AS
SELECT c.fid AS fid, c.geom AS geom, c.code AS code, c.name AS name, c.type AS type,
       c.district_code AS district_code, c.district AS district,
       cc.population AS population, cc.population_covered AS population_covered,
       cc.share_covered AS share_covered, cc.status AS status, c.boundary AS boundary,
       r.computed_at AS computed_at
FROM communes c
JOIN commune_coverage cc ON cc.commune_code = c.code AND cc.layer = 'broadband' AND cc.breakdown = 'all'
JOIN coverage_runs r ON r.id = cc.run_id AND r.unit_set = c.set_id;

CREATE VIEW coverage_mobile AS
SELECT c.fid AS fid, c.geom AS geom, c.code AS code, c.name AS name, c.type AS type,
       c.district_code AS district_code, c.district AS district,
       cc.population AS population, cc.population_covered AS population_covered,
       cc.share_covered AS share_covered, cc.status AS status, c.boundary AS boundary,
       r.computed_at AS computed_at
FROM communes c
JOIN commune_coverage cc ON cc.commune_code = c.code AND cc.layer = 'mobile' AND cc.breakdown = 'all'
JOIN coverage_runs r ON r.id = cc.run_id AND r.unit_set = c.set_id;
