-- Territories, as data/migrations/0015_territories.sql: each unit's
-- province, a target's territory, an admin token's province.
ALTER TABLE communes ADD COLUMN province_code TEXT NOT NULL DEFAULT '';
ALTER TABLE communes ADD COLUMN province TEXT NOT NULL DEFAULT '';
CREATE INDEX communes_province ON communes (set_id, province_code);
ALTER TABLE targets ADD COLUMN territory TEXT NOT NULL DEFAULT '';
ALTER TABLE tokens ADD COLUMN province TEXT NOT NULL DEFAULT '';
