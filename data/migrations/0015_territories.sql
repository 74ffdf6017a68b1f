-- Territories: a national unit set holds every province. Each unit names
-- its province (GSO code and name; '' where the file said none), a target
-- belongs to a territory ('' the whole store, or one province's code), and
-- an admin token may be limited to one province ('' every one).
ALTER TABLE communes ADD COLUMN province_code TEXT NOT NULL DEFAULT '';
ALTER TABLE communes ADD COLUMN province TEXT NOT NULL DEFAULT '';
ALTER TABLE targets ADD COLUMN territory TEXT NOT NULL DEFAULT '';
ALTER TABLE tokens ADD COLUMN province TEXT NOT NULL DEFAULT '';
