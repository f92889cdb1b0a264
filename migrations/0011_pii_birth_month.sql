-- 0011: keep only the birth month, and mask ID numbers down to region and check.
--
-- The ID mask "320506********1234" hid exactly the eight birth-date digits
-- while birth_date was stored and answered in plaintext: anyone with
-- resident:read rebuilt the whole number, and the two plaintext columns
-- undid the encryption at rest. Now residents keep birth_ym ("YYYY-MM"),
-- which is all the age rules need, and the mask keeps the region and the
-- check character only ("320506***********4"). The old mask holds both, so
-- the new one is computed from it without decrypting anything.

ALTER TABLE residents ADD COLUMN birth_ym TEXT;
UPDATE residents SET birth_ym = substr(birth_date, 1, 7) WHERE length(birth_date) = 10;
UPDATE residents SET id_mask = substr(id_mask, 1, 6) || '***********' || substr(id_mask, 18, 1)
WHERE length(id_mask) = 18;
-- @sqlite
-- overwrite the freed pages that held the old values (this connection)
PRAGMA secure_delete = ON;
-- @end
ALTER TABLE residents DROP COLUMN birth_date;
