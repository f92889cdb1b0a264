-- 0013: term-commitment lists (任期目标公开承诺清单).
--
-- A list belongs to a community (unit_id, and its path for scope) and a term;
-- one list per community per term start (unique index). Its items are the
-- committee members' and the organisation's own commitments: member_name
-- and member_post as the list publishes them ('' for the organisation as a
-- whole), member_account_id when the member holds an account. An item's
-- state is in_progress → verifying (销号 requested with evidence) → done
-- (verified by the street) or back to in_progress (returned with a reason);
-- each step is an UPDATE … WHERE status = <the state read>, so a raced
-- second step changes no row and is refused. Overdue is derived on read
-- (due_date before today and not done), never stored.
--
-- commitment_events is the item's append-only history: creation, progress
-- (percent, note, photos), request_close (evidence note and photos), verify
-- and return (reason). Residents' comments and objections are one of each
-- kind per resident per item (unique index); the resident and account are
-- kept for that rule and never shown in public. Dates are YYYY-MM-DD text
-- (Shanghai), times epoch seconds.

CREATE TABLE commitment_lists (
	id {{id}},
	unit_id BIGINT NOT NULL REFERENCES units(id),
	unit_path {{ctext}} NOT NULL,
	term_start TEXT NOT NULL,
	term_end TEXT NOT NULL CHECK (term_end > term_start),
	title TEXT NOT NULL,
	created_by BIGINT REFERENCES accounts(id),
	is_demo INTEGER NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX commitment_lists_term ON commitment_lists (unit_id, term_start);
CREATE INDEX commitment_lists_unit_path ON commitment_lists (unit_path, id);

CREATE TABLE commitment_items (
	id {{id}},
	list_id BIGINT NOT NULL REFERENCES commitment_lists(id),
	unit_id BIGINT NOT NULL REFERENCES units(id),
	unit_path {{ctext}} NOT NULL,                 -- the list's community
	member_name TEXT NOT NULL DEFAULT '',         -- '': the organisation as a whole
	member_post TEXT NOT NULL DEFAULT '',
	member_account_id BIGINT REFERENCES accounts(id),
	title TEXT NOT NULL,
	detail TEXT NOT NULL DEFAULT '',
	category TEXT NOT NULL,
	target TEXT NOT NULL,
	due_date TEXT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('in_progress', 'verifying', 'done')),
	percent INTEGER NOT NULL DEFAULT 0 CHECK (percent BETWEEN 0 AND 100),
	return_reason TEXT,                           -- the last return's, NULL when none
	verified_by BIGINT REFERENCES accounts(id),
	verified_at BIGINT,
	created_by BIGINT REFERENCES accounts(id),
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX commitment_items_list ON commitment_items (list_id, id);
CREATE INDEX commitment_items_unit_path ON commitment_items (unit_path, id);
CREATE INDEX commitment_items_member ON commitment_items (member_account_id);

CREATE TABLE commitment_events (
	id {{id}},
	item_id BIGINT NOT NULL REFERENCES commitment_items(id),
	kind TEXT NOT NULL CHECK (kind IN ('created', 'progress', 'request_close', 'verify',
		'return')),
	percent INTEGER,                              -- progress: the new percentage
	note TEXT NOT NULL DEFAULT '',
	reason TEXT NOT NULL DEFAULT '',
	photos TEXT NOT NULL DEFAULT '[]',            -- JSON array of attachment ids
	actor_id BIGINT REFERENCES accounts(id),
	at BIGINT NOT NULL
);
CREATE INDEX commitment_events_item ON commitment_events (item_id, id);

CREATE TABLE commitment_comments (
	id {{id}},
	item_id BIGINT NOT NULL REFERENCES commitment_items(id),
	unit_path {{ctext}} NOT NULL,                 -- the item's community
	kind TEXT NOT NULL CHECK (kind IN ('comment', 'objection')),
	text TEXT NOT NULL,
	resident_id BIGINT NOT NULL REFERENCES residents(id),
	account_id BIGINT NOT NULL REFERENCES accounts(id),
	answer TEXT,
	answered_by BIGINT REFERENCES accounts(id),
	answered_at BIGINT,
	created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX commitment_comments_one ON commitment_comments (item_id, resident_id, kind);
CREATE INDEX commitment_comments_unit_path ON commitment_comments (unit_path, id);
