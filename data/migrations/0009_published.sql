-- The value of each target on each history date as first published, so
-- that when a correction filed later changes the past, the history shows
-- both the value as known now and the value officials were given.
CREATE TABLE target_published (
  target_id INTEGER NOT NULL REFERENCES targets (id) ON DELETE CASCADE,
  as_of TEXT NOT NULL,
  value REAL NOT NULL,
  met INTEGER NOT NULL CHECK (met IN (0, 1)),
  published_at TEXT NOT NULL,          -- RFC 3339, UTC: when it was first computed
  PRIMARY KEY (target_id, as_of)
);
