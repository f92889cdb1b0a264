-- 0016: the community service fund (为民服务专项经费), issue 13.
--
-- fund_entries is the ledger: append-only, one row per allocation, spend,
-- refund or correction, each carrying a keyed MAC (src/core/chain.h, chain
-- "fund") over its fields and the MAC of the entry before (prev_mac), so a
-- row changed in the database no longer verifies (`shuniu verify ledger`).
-- No code updates or deletes a row: a refund or a correction is a new entry
-- naming the one it concerns (ref_seq). seq is given by the chain's head
-- (chain_heads 'fund', whose row lock serialises appends). Entries name the
-- community by id only (no path that a unit move would rewrite); lists join
-- units for the scope. project_title is the project's title when the entry
-- was made; project_id has no foreign key, as the projects are another
-- module's rows.
CREATE TABLE fund_entries (
	seq BIGINT PRIMARY KEY,
	at BIGINT NOT NULL,
	unit_id BIGINT NOT NULL REFERENCES units(id),
	year INTEGER NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('allocation', 'spend', 'refund', 'correction')),
	amount_fen BIGINT NOT NULL,
	project_id BIGINT,
	project_title TEXT,
	ref_seq BIGINT REFERENCES fund_entries(seq),
	note TEXT NOT NULL,
	actor_id BIGINT NOT NULL DEFAULT 0,
	actor_name TEXT NOT NULL,
	prev_mac TEXT NOT NULL,
	mac TEXT NOT NULL
);
CREATE INDEX fund_entries_unit_year ON fund_entries (unit_id, year, kind);
CREATE INDEX fund_entries_project ON fund_entries (project_id);
CREATE INDEX fund_entries_ref ON fund_entries (ref_seq);

-- One row per community and year, only ever locked (UPDATE ... SET unit_id =
-- unit_id) first in every transaction that can lower that balance, so racing
-- spends queue up and each sees the one before it.
CREATE TABLE fund_balance_locks (
	unit_id BIGINT NOT NULL REFERENCES units(id),
	year INTEGER NOT NULL,
	PRIMARY KEY (unit_id, year)
);

-- Spend requests: every spend starts here. One at or below the approval
-- threshold is recorded at once (state 'recorded', entry_seq set); one above
-- it waits ('pending') until the street approves (its entry appended then)
-- or rejects it. A meal point's month is billed once: the partial unique
-- index holds that under any concurrency.
CREATE TABLE fund_spends (
	id {{id}},
	unit_id BIGINT NOT NULL REFERENCES units(id),
	year INTEGER NOT NULL,
	project_id BIGINT NOT NULL,
	project_title TEXT NOT NULL,
	amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
	note TEXT NOT NULL,
	meal_point_id BIGINT,
	month TEXT,
	state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'rejected', 'recorded')),
	reason TEXT,
	requested_by BIGINT NOT NULL DEFAULT 0,
	requested_name TEXT NOT NULL,
	requested_at BIGINT NOT NULL,
	decided_by BIGINT,
	decided_name TEXT,
	decided_at BIGINT,
	entry_seq BIGINT REFERENCES fund_entries(seq)
);
CREATE INDEX fund_spends_unit ON fund_spends (unit_id, id);
CREATE UNIQUE INDEX fund_spends_meal_month ON fund_spends (meal_point_id, month)
	WHERE meal_point_id IS NOT NULL AND state <> 'rejected';

-- The fund chain is keyed from its first entry. Its 'keyed' flag says instead
-- whether DIR/fund.anchors has been started: the first write after this
-- migration starts it and sets the flag; from then on a missing file is a
-- fault that `shuniu verify ledger` reports.
INSERT INTO chain_heads (name, seq, head, base_seq, base_head, keyed, updated)
VALUES ('fund', 0, '0000000000000000000000000000000000000000000000000000000000000000', 0,
	'0000000000000000000000000000000000000000000000000000000000000000', 0, 0);
