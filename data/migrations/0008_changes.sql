-- The change log: each time the published figures changed, the writes
-- that changed them (audit_log ids after audit_after up to audit_upto) and
-- the province figures of every layer before and after, so that "why did
-- the figure drop?" has an answer.
CREATE TABLE changes (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,                 -- when the new figures were published, RFC 3339 UTC
  generation TEXT NOT NULL,         -- the snapshot's generation
  audit_after INTEGER NOT NULL,
  audit_upto INTEGER NOT NULL,
  before_json TEXT,                 -- {layer: Rollup} of the province; NULL when unknown
  after_json TEXT NOT NULL
);
CREATE INDEX changes_at ON changes (at);
