-- 0012: keyed hash chains (issue 11, section 3).
--
-- The audit chain was unkeyed BLAKE2b: anyone who could write the database
-- could rewrite a row and recompute the chain after it, or cut rows off the
-- end and move audit_head back. Entries are now MACs under a key derived from
-- secret.key, which the database never holds (src/core/chain.h), and the
-- chain's head is anchored outside the database (DIR/audit.anchors).
--
-- chain_heads holds, per chain: the newest entry (seq, head), where the chain
-- starts after a purge (base_seq, base_head: the last removed entry and its
-- MAC), and whether the rows have been re-chained with the key (keyed). The
-- key is not available to SQL, so existing rows keep their unkeyed hashes here
-- and are re-chained by the first command that loads the key, which records
-- an audit.rechain row. Appends lock the chain's row, as audit_head did.
CREATE TABLE chain_heads (
	name TEXT PRIMARY KEY,
	seq BIGINT NOT NULL,
	head TEXT NOT NULL,
	base_seq BIGINT NOT NULL DEFAULT 0,
	base_head TEXT NOT NULL,
	keyed INTEGER NOT NULL DEFAULT 0,
	updated BIGINT NOT NULL DEFAULT 0
-- @sqlite
) WITHOUT ROWID; -- one b-tree lookup by name per append, not an index and the table
-- @end
-- @pg
);
-- @end
INSERT INTO chain_heads (name, seq, head, base_seq, base_head, keyed, updated)
SELECT 'audit', last_id, last_hash,
	COALESCE((SELECT MIN(id) FROM audit_log), last_id + 1) - 1,
	COALESCE((SELECT value FROM meta WHERE key = 'audit_anchor'),
		'0000000000000000000000000000000000000000000000000000000000000000'),
	0, 0
FROM audit_head;
DROP TABLE audit_head;
DELETE FROM meta WHERE key = 'audit_anchor';
