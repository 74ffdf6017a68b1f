-- Communes: a GeoPackage feature table in EPSG:4326. boundary says whether
-- geom is the approximate shape Phủ Sóng computed or an imported source.
CREATE TABLE communes (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  geom MULTIPOLYGON,
  code TEXT NOT NULL UNIQUE,
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
  boundary TEXT NOT NULL
);

INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id)
VALUES ('communes', 'features', 'communes',
        'Communes (xã, phường, thị trấn) with census population, 2019', 4326);
INSERT INTO gpkg_geometry_columns VALUES ('communes', 'geom', 'MULTIPOLYGON', 4326, 0, 0);
