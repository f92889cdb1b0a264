-- 0001_core: the smallest schema — instance-wide settings.
-- (schema_migrations itself is created by the migration runner.)
CREATE TABLE meta (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
