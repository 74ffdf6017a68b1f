-- What a GIS client lists when it opens the store. GDAL (and so QGIS)
-- lists every table of a GeoPackage, registered or not, unless
-- gpkg_contents holds an 'attributes' entry (its GPKG driver's
-- LIST_ALL_TABLES=AUTO); with none, planners saw tokens, audit_log,
-- filings and the other internal tables as 16 layers. Registering the
-- attributes view figures_info switches GDAL to listing gpkg_contents only:
-- communes, footprints, the coverage figures of each layer as a feature
-- layer ready to style, and figures_info.
--
-- Each coverage_<layer> view joins the latest run's figures of the whole
-- layer (breakdown 'all') with the communes' geometry: one feature per
-- commune, fid the commune's, the figures as the calculator stored them
-- (population_covered in people, not rounded; share_covered 0..1). Views
-- follow every recompute with nothing to rewrite.

CREATE VIEW coverage_broadcast AS
SELECT c.fid AS fid, c.geom AS geom, c.code AS code, c.name AS name, c.type AS type,
       c.district_code AS district_code, c.district AS district,
       cc.population AS population, cc.population_covered AS population_covered,
       cc.share_covered AS share_covered, cc.status AS status, c.boundary AS boundary,
       r.computed_at AS computed_at
FROM communes c
JOIN commune_coverage cc ON cc.commune_code = c.code AND cc.layer = 'broadcast' AND cc.breakdown = 'all'
JOIN coverage_runs r ON r.id = cc.run_id;

INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id)
VALUES ('coverage_broadcast', 'features', 'coverage_broadcast',
        'Broadcast (a central and a local programme, TV or radio): people covered per commune, the latest figures; status covered, partial or none', 4326);
INSERT INTO gpkg_geometry_columns VALUES ('coverage_broadcast', 'geom', 'MULTIPOLYGON', 4326, 0, 0);

CREATE VIEW coverage_phone AS
SELECT c.fid AS fid, c.geom AS geom, c.code AS code, c.name AS name, c.type AS type,
       c.district_code AS district_code, c.district AS district,
       cc.population AS population, cc.population_covered AS population_covered,
       cc.share_covered AS share_covered, cc.status AS status, c.boundary AS boundary,
       r.computed_at AS computed_at
FROM communes c
JOIN commune_coverage cc ON cc.commune_code = c.code AND cc.layer = 'phone' AND cc.breakdown = 'all'
JOIN coverage_runs r ON r.id = cc.run_id;

INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id)
VALUES ('coverage_phone', 'features', 'coverage_phone',
        'Phone (fixed line and 2G–5G): people covered per commune, the latest figures; status covered, partial or none', 4326);
INSERT INTO gpkg_geometry_columns VALUES ('coverage_phone', 'geom', 'MULTIPOLYGON', 4326, 0, 0);

CREATE VIEW coverage_broadband AS
SELECT c.fid AS fid, c.geom AS geom, c.code AS code, c.name AS name, c.type AS type,
       c.district_code AS district_code, c.district AS district,
       cc.population AS population, cc.population_covered AS population_covered,
       cc.share_covered AS share_covered, cc.status AS status, c.boundary AS boundary,
       r.computed_at AS computed_at
FROM communes c
JOIN commune_coverage cc ON cc.commune_code = c.code AND cc.layer = 'broadband' AND cc.breakdown = 'all'
JOIN coverage_runs r ON r.id = cc.run_id;

INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id)
VALUES ('coverage_broadband', 'features', 'coverage_broadband',
        'Fixed broadband (FTTH, xDSL, cable, fixed wireless): people covered per commune, the latest figures; status covered, partial or none', 4326);
INSERT INTO gpkg_geometry_columns VALUES ('coverage_broadband', 'geom', 'MULTIPOLYGON', 4326, 0, 0);

CREATE VIEW coverage_mobile AS
SELECT c.fid AS fid, c.geom AS geom, c.code AS code, c.name AS name, c.type AS type,
       c.district_code AS district_code, c.district AS district,
       cc.population AS population, cc.population_covered AS population_covered,
       cc.share_covered AS share_covered, cc.status AS status, c.boundary AS boundary,
       r.computed_at AS computed_at
FROM communes c
JOIN commune_coverage cc ON cc.commune_code = c.code AND cc.layer = 'mobile' AND cc.breakdown = 'all'
JOIN coverage_runs r ON r.id = cc.run_id;

INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id)
VALUES ('coverage_mobile', 'features', 'coverage_mobile',
        'Mobile broadband (3G, 4G, 5G): people covered per commune, the latest figures; status covered, partial or none', 4326);
INSERT INTO gpkg_geometry_columns VALUES ('coverage_mobile', 'geom', 'MULTIPOLYGON', 4326, 0, 0);

-- When the figures of the coverage_ layers were computed, and by what
-- method (JSON), as export_info tells it in an exported file.
CREATE VIEW figures_info AS
SELECT id AS fid, computed_at, method FROM coverage_runs;

INSERT INTO gpkg_contents (table_name, data_type, identifier, description)
VALUES ('figures_info', 'attributes', 'figures_info',
        'When the figures of the coverage_ layers were computed, and the method');
