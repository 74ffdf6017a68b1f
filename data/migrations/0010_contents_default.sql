-- GeoPackage 1.3 Req 13 gives gpkg_contents.last_change the default
-- strftime('%Y-%m-%dT%H:%M:%fZ','now') to the letter, and GDAL's
-- validate_gpkg.py compares the text: 0001 wrote it with a space after the
-- comma, so every store failed. SQLite cannot alter a default, so both core
-- tables are rebuilt: renaming gpkg_contents first makes SQLite point the
-- foreign key of gpkg_geometry_columns at the old copy, so that the old
-- tables can be dropped child first with foreign keys on and nothing
-- dangling, in this one transaction.
ALTER TABLE gpkg_contents RENAME TO gpkg_contents_0001;
ALTER TABLE gpkg_geometry_columns RENAME TO gpkg_geometry_columns_0001;

CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY,
  data_type TEXT NOT NULL,
  identifier TEXT UNIQUE,
  description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE,
  min_y DOUBLE,
  max_x DOUBLE,
  max_y DOUBLE,
  srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
);

-- A last_change not in the standard's form (YYYY-MM-DDTHH:MM:SS.SSSZ, UTC)
-- is rewritten in it; one SQLite cannot read becomes the time of this
-- migration rather than a value that fails Req 15.
INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change,
                           min_x, min_y, max_x, max_y, srs_id)
SELECT table_name, data_type, identifier, description,
       CASE
         WHEN last_change GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'
           THEN last_change
         ELSE COALESCE(strftime('%Y-%m-%dT%H:%M:%fZ', last_change), strftime('%Y-%m-%dT%H:%M:%fZ','now'))
       END,
       min_x, min_y, max_x, max_y, srs_id
FROM gpkg_contents_0001;

CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL,
  column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL,
  z TINYINT NOT NULL,
  m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents (table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
);

INSERT INTO gpkg_geometry_columns SELECT * FROM gpkg_geometry_columns_0001;

DROP TABLE gpkg_geometry_columns_0001;
DROP TABLE gpkg_contents_0001;
