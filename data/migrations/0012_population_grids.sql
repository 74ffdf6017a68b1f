-- Population grids (people per pixel, e.g. WorldPop's 30 arc-second grid)
-- that place each commune's census population within it. Every import is
-- kept; meta 'population_grid' holds the id of the grid in use, or 'none'
-- (absent: none) for the even spread. Pixels are the part of the grid that
-- covers the communes, as float32 little-endian, row-major from the top
-- row, NaN where the grid has no data, compressed with zlib.
CREATE TABLE population_grids (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,            -- method id: the surface's population is grid-<name>-v1
  source TEXT NOT NULL,          -- attribution, as given at import
  file_name TEXT NOT NULL,
  file_sha256 TEXT NOT NULL,
  imported_at TEXT NOT NULL,     -- RFC 3339, UTC
  imported_by TEXT NOT NULL,
  west REAL NOT NULL,
  north REAL NOT NULL,
  dx REAL NOT NULL CHECK (dx > 0),
  dy REAL NOT NULL CHECK (dy > 0),
  cols INTEGER NOT NULL CHECK (cols > 0),
  rows INTEGER NOT NULL CHECK (rows > 0),
  people REAL NOT NULL,          -- sum of the kept pixels
  pixels BLOB NOT NULL
);
