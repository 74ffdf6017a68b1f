-- Providers, their bearer tokens, idempotent submissions and the audit log.
CREATE TABLE providers (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  layers TEXT NOT NULL,           -- comma-separated layers the provider may file
  created_at TEXT NOT NULL
);

-- A token is shown once; only the SHA-256 of its secret is kept. The row id
-- is part of the token so that it is found without comparing secrets in SQL.
CREATE TABLE tokens (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  secret_hash BLOB NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('provider', 'admin')),
  provider_id INTEGER REFERENCES providers (id),
  created_at TEXT NOT NULL,
  revoked_at TEXT,
  CHECK ((role = 'provider') = (provider_id IS NOT NULL))
);
CREATE INDEX tokens_provider ON tokens (provider_id);

-- The first answer to a submission with an Idempotency-Key, replayed to a
-- retry with the same key and body.
CREATE TABLE idempotency_keys (
  principal TEXT NOT NULL,
  key TEXT NOT NULL,
  body_sha256 BLOB NOT NULL,
  filing_id INTEGER NOT NULL REFERENCES filings (id),
  status INTEGER,
  response BLOB,
  created_at TEXT NOT NULL,
  PRIMARY KEY (principal, key)
);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,            -- "admin", "provider:NAME" or "cli"
  action TEXT NOT NULL,           -- e.g. filing.submit, filing.withdraw, provider.add
  target TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL DEFAULT ''
);

ALTER TABLE filings ADD COLUMN report TEXT NOT NULL DEFAULT '{}';  -- JSON: counts and warnings
ALTER TABLE filings ADD COLUMN format TEXT NOT NULL DEFAULT '';     -- geojson or csv
