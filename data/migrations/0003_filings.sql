-- Provider filings. A filing is never overwritten: a later filing of the same
-- provider, layer and technology supersedes an earlier one from its as_of on,
-- and a withdrawn filing stays, marked by withdrawn_at.
CREATE TABLE filings (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  provider TEXT NOT NULL,
  layer TEXT NOT NULL CHECK (layer IN ('broadcast', 'phone', 'broadband', 'mobile')),
  as_of TEXT NOT NULL,          -- YYYY-MM-DD, the date the data describes
  submitted_at TEXT NOT NULL,   -- RFC 3339, UTC
  withdrawn_at TEXT,
  demo INTEGER NOT NULL DEFAULT 0 CHECK (demo IN (0, 1)),
  source TEXT NOT NULL DEFAULT ''
);
CREATE INDEX filings_provider_layer ON filings (provider, layer, as_of);

-- Footprints: a GeoPackage feature table, so GIS tools can show what was filed.
CREATE TABLE footprints (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  geom MULTIPOLYGON,
  filing_id INTEGER NOT NULL REFERENCES filings (id) ON DELETE CASCADE,
  provider TEXT NOT NULL,
  layer TEXT NOT NULL,
  technology TEXT NOT NULL,
  programme TEXT NOT NULL DEFAULT '',
  service TEXT NOT NULL DEFAULT '',
  min_down_mbps REAL NOT NULL DEFAULT 0,
  min_up_mbps REAL NOT NULL DEFAULT 0
);
CREATE INDEX footprints_filing ON footprints (filing_id);

INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id)
VALUES ('footprints', 'features', 'footprints', 'Coverage footprints filed by providers', 4326);
INSERT INTO gpkg_geometry_columns VALUES ('footprints', 'geom', 'MULTIPOLYGON', 4326, 0, 0);

-- Declarations: a share (0–1) of a commune's population served.
CREATE TABLE declarations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  filing_id INTEGER NOT NULL REFERENCES filings (id) ON DELETE CASCADE,
  commune_code TEXT NOT NULL,
  technology TEXT NOT NULL,
  programme TEXT NOT NULL DEFAULT '',
  service TEXT NOT NULL DEFAULT '',
  share REAL NOT NULL CHECK (share >= 0 AND share <= 1)
);
CREATE INDEX declarations_filing ON declarations (filing_id);
