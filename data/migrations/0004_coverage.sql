-- The calculator's latest figures per layer, breakdown and commune, written
-- after every recompute so that GIS users and reports read what the API serves.
CREATE TABLE coverage_runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  computed_at TEXT NOT NULL,
  method TEXT NOT NULL          -- JSON: the method's name and parameters
);

CREATE TABLE commune_coverage (
  run_id INTEGER NOT NULL REFERENCES coverage_runs (id) ON DELETE CASCADE,
  layer TEXT NOT NULL,
  breakdown TEXT NOT NULL,      -- all, provider:NAME, technology:T, largest, multi
  commune_code TEXT NOT NULL,
  population INTEGER NOT NULL,
  population_covered REAL NOT NULL,
  share_covered REAL NOT NULL,
  status TEXT NOT NULL,
  PRIMARY KEY (run_id, layer, breakdown, commune_code)
);
