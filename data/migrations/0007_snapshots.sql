-- Dated snapshots: the figures as they stood on each date on which a filing
-- took effect (its as_of), so that history and "as of" answers are cheap.
-- inputs_key names what the figures were computed from (communes, method,
-- the filings in force); a recompute reuses a date whose key is unchanged.
CREATE TABLE snapshot_dates (
  as_of TEXT NOT NULL PRIMARY KEY,   -- YYYY-MM-DD: the date the data describes
  inputs_key TEXT NOT NULL,
  computed_at TEXT NOT NULL          -- RFC 3339, UTC
);

-- Per commune and layer, every provider together (breakdown 'all').
CREATE TABLE commune_snapshots (
  as_of TEXT NOT NULL REFERENCES snapshot_dates (as_of) ON DELETE CASCADE,
  layer TEXT NOT NULL,
  commune_code TEXT NOT NULL,
  population INTEGER NOT NULL,
  population_covered REAL NOT NULL,
  share_covered REAL NOT NULL,
  status TEXT NOT NULL,
  PRIMARY KEY (as_of, layer, commune_code)
);

-- Per target: its value on each snapshot date, rewritten by every
-- recompute (targets and remote communes can change without new filings).
CREATE TABLE target_snapshots (
  target_id INTEGER NOT NULL REFERENCES targets (id) ON DELETE CASCADE,
  as_of TEXT NOT NULL,
  value REAL NOT NULL,
  numerator REAL NOT NULL,
  denominator REAL NOT NULL,
  met INTEGER NOT NULL CHECK (met IN (0, 1)),
  gap_people REAL NOT NULL,
  gap_communes INTEGER NOT NULL,
  computed_at TEXT NOT NULL,
  PRIMARY KEY (target_id, as_of)
);
