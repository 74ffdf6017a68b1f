-- Indicators: every indicator of a resolution, the coverage ones computed
-- from a target (kind 'computed', target_id) and the others entered from
-- surveys and records (kind 'entered'). Nothing here is changed or deleted
-- but an indicator's retired_at: an entered value that was wrong is
-- corrected by a new row, so that the board of any past day can be told
-- again as it was. The default rows are written by SeedDefault.
CREATE TABLE resolutions (
  number TEXT PRIMARY KEY,            -- e.g. 05-NQ/TU
  date TEXT NOT NULL DEFAULT '',      -- YYYY-MM-DD
  title TEXT NOT NULL DEFAULT '',
  indicators INTEGER,                 -- how many indicators the resolution sets; NULL: not stated
  note TEXT NOT NULL DEFAULT ''
);

CREATE TABLE indicators (
  id TEXT PRIMARY KEY,                -- a slug, e.g. internet-users
  title_vi TEXT NOT NULL,
  title_en TEXT NOT NULL,
  unit TEXT NOT NULL CHECK (unit IN ('percent', 'count', 'score', 'level')),
  direction TEXT NOT NULL CHECK (direction IN ('higher', 'lower')),
  target REAL,                        -- percent as 0–100; NULL: no number stated
  deadline TEXT NOT NULL DEFAULT '',  -- YYYY-MM-DD or ''
  resolution TEXT REFERENCES resolutions (number),
  territory TEXT NOT NULL,            -- a province code
  kind TEXT NOT NULL CHECK (kind IN ('computed', 'entered')),
  target_id INTEGER REFERENCES targets (id),
  note TEXT NOT NULL DEFAULT '',
  ord INTEGER NOT NULL DEFAULT 0,     -- the board's order
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  retired_at TEXT,
  CHECK ((kind = 'computed') = (target_id IS NOT NULL))
);

CREATE TABLE indicator_values (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  indicator TEXT NOT NULL REFERENCES indicators (id),
  as_of TEXT NOT NULL,                -- YYYY-MM-DD: the day the value is of
  unit_code TEXT NOT NULL DEFAULT '', -- '': the whole territory; else a commune or district code
  value REAL NOT NULL,                -- numerator/denominator (×100 for percent) when those are given
  numerator REAL,
  denominator REAL,
  source TEXT NOT NULL CHECK (source <> ''),
  entered_at TEXT NOT NULL,
  entered_by TEXT NOT NULL,
  corrects INTEGER REFERENCES indicator_values (id),
  CHECK ((numerator IS NULL) = (denominator IS NULL)),
  CHECK (denominator IS NULL OR denominator > 0)
);
CREATE INDEX indicator_values_key ON indicator_values (indicator, unit_code, as_of);

CREATE TRIGGER indicator_values_no_update BEFORE UPDATE ON indicator_values
BEGIN SELECT RAISE(ABORT, 'indicator values are never changed: enter a correction'); END;
CREATE TRIGGER indicator_values_no_delete BEFORE DELETE ON indicator_values
BEGIN SELECT RAISE(ABORT, 'indicator values are never deleted: enter a correction'); END;
CREATE TRIGGER indicators_no_delete BEFORE DELETE ON indicators
BEGIN SELECT RAISE(ABORT, 'indicators are never deleted: retire them'); END;
CREATE TRIGGER indicators_only_retire BEFORE UPDATE ON indicators
WHEN NEW.id IS NOT OLD.id OR NEW.title_vi IS NOT OLD.title_vi OR NEW.title_en IS NOT OLD.title_en
  OR NEW.unit IS NOT OLD.unit OR NEW.direction IS NOT OLD.direction OR NEW.target IS NOT OLD.target
  OR NEW.deadline IS NOT OLD.deadline OR NEW.resolution IS NOT OLD.resolution OR NEW.territory IS NOT OLD.territory
  OR NEW.kind IS NOT OLD.kind OR NEW.target_id IS NOT OLD.target_id OR NEW.note IS NOT OLD.note
  OR NEW.ord IS NOT OLD.ord OR NEW.created_at IS NOT OLD.created_at OR NEW.created_by IS NOT OLD.created_by
BEGIN SELECT RAISE(ABORT, 'an indicator is never changed, only retired'); END;
