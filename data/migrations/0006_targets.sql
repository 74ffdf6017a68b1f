-- Targets: the province's goals, as data an admin can change. A target
-- counts either the share of people covered (measure 'population') or the
-- share of communes reached (measure 'communes'): a commune is reached when
-- its share covered is at least the target's threshold. filter limits a
-- target to remote communes ('remote'), to the others ('not_remote'), or
-- not at all (''). A retired target is kept, with retired_at set.
CREATE TABLE targets (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  layer TEXT NOT NULL CHECK (layer IN ('broadcast', 'phone', 'broadband', 'mobile')),
  measure TEXT NOT NULL CHECK (measure IN ('population', 'communes')),
  value REAL NOT NULL CHECK (value > 0 AND value <= 1),
  threshold REAL NOT NULL DEFAULT 0 CHECK (threshold >= 0 AND threshold <= 1),
  deadline TEXT NOT NULL,        -- YYYY-MM-DD
  filter TEXT NOT NULL DEFAULT '' CHECK (filter IN ('', 'remote', 'not_remote')),
  title_vi TEXT NOT NULL,
  title_en TEXT NOT NULL,
  source TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,      -- RFC 3339, UTC
  updated_at TEXT NOT NULL,
  retired_at TEXT
);

-- The seed: the targets of the province's ICT resolution. The deadlines are
-- placeholders for the admin to set from the resolution in force.
INSERT INTO targets (layer, measure, value, threshold, deadline, filter, title_vi, title_en, source, created_at, updated_at)
SELECT layer, measure, value, threshold, '2030-12-31', '', title_vi, title_en,
       'Nghị quyết 05-NQ/TU (2011) của Tỉnh ủy Hòa Bình và các văn bản tiếp theo',
       strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
FROM (
  SELECT 1 AS k, 'mobile' AS layer, 'population' AS measure, 0.95 AS value, 0 AS threshold,
         'Băng rộng di động phủ sóng ít nhất 95% dân số' AS title_vi,
         'Mobile broadband covers at least 95% of the population' AS title_en
  UNION ALL SELECT 2, 'broadcast', 'communes', 1, 0.5,
         '100% số xã thu được phát thanh, truyền hình của trung ương và địa phương',
         'Central and local radio and television received in 100% of communes'
  UNION ALL SELECT 3, 'phone', 'communes', 1, 0.5,
         '100% số xã có điện thoại',
         'Telephone in 100% of communes'
  UNION ALL SELECT 4, 'broadband', 'communes', 1, 0.5,
         'Băng rộng cố định đến 100% số xã, kể cả xã vùng sâu, vùng xa',
         'Fixed broadband in 100% of communes, remote communes included'
) ORDER BY k;

-- Remote communes (vùng sâu, vùng xa: especially difficult communes), an
-- attribute of the commune that targets, summaries and gaps filter by. The
-- source of the set (an approximation, an imported file) is meta's
-- remote_source.
ALTER TABLE communes ADD COLUMN remote INTEGER NOT NULL DEFAULT 0 CHECK (remote IN (0, 1));
