-- 0015: 微实事 — residents propose small community projects and choose them by ballot.
--
-- A round belongs to a community (unit_id, unit_path: staff scope) with a
-- budget and two windows, proposals first, voting after. Its state is read
-- from the clock against the windows; only publishing is stored
-- (published_at), when the results are frozen into the proposals' votes,
-- vote_rank and chosen columns and each chosen proposal becomes a project
-- (project_id: the project made by projects' project_create(); no foreign
-- key, so this migration does not depend on the projects table's).
--
-- A proposal names its proposer (account and resident record) for staff;
-- the public view never shows them. One ballot per resident record and per
-- account per round: two unique indexes, which hold under any concurrency
-- on both databases. A ballot's choices are rows of micro_choices, each
-- naming the round again so a proposal's votes are one index range.

CREATE TABLE micro_rounds (
	id {{id}},
	unit_id BIGINT NOT NULL REFERENCES units(id),
	unit_path {{ctext}} NOT NULL,
	title TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	budget_fen BIGINT NOT NULL CHECK (budget_fen > 0),
	proposal_start BIGINT NOT NULL,
	proposal_end BIGINT NOT NULL,
	voting_start BIGINT NOT NULL,
	voting_end BIGINT NOT NULL,
	published_at BIGINT,
	published_by BIGINT REFERENCES accounts(id),
	created_by BIGINT REFERENCES accounts(id),
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	CHECK (proposal_end > proposal_start),
	CHECK (voting_start >= proposal_end),
	CHECK (voting_end > voting_start)
);
CREATE INDEX micro_rounds_path ON micro_rounds (unit_path, id);
CREATE INDEX micro_rounds_unit ON micro_rounds (unit_id, id);

CREATE TABLE micro_proposals (
	id {{id}},
	round_id BIGINT NOT NULL REFERENCES micro_rounds(id),
	account_id BIGINT REFERENCES accounts(id),   -- the proposer's account (NULL: made by the demo)
	resident_id BIGINT REFERENCES residents(id), -- the proposer's resident record
	title TEXT NOT NULL,
	description TEXT NOT NULL,
	estimate_fen BIGINT NOT NULL CHECK (estimate_fen >= 0),
	photos TEXT NOT NULL DEFAULT '[]',           -- JSON array of attachment ids
	status TEXT NOT NULL CHECK (status IN ('submitted', 'admitted', 'declined')),
	cost_fen BIGINT CHECK (cost_fen >= 0),       -- the admitted, costed estimate
	decline_reason TEXT NOT NULL DEFAULT '',
	decided_by BIGINT REFERENCES accounts(id),
	decided_at BIGINT,
	votes INTEGER,                               -- frozen when the round is published
	vote_rank INTEGER,
	chosen INTEGER NOT NULL DEFAULT 0,
	project_id BIGINT,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	CHECK (status <> 'admitted' OR cost_fen IS NOT NULL)
);
CREATE INDEX micro_proposals_round ON micro_proposals (round_id, id);

CREATE TABLE micro_ballots (
	id {{id}},
	round_id BIGINT NOT NULL REFERENCES micro_rounds(id),
	resident_id BIGINT NOT NULL REFERENCES residents(id),
	account_id BIGINT NOT NULL REFERENCES accounts(id),
	total_fen BIGINT NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX micro_ballots_resident ON micro_ballots (round_id, resident_id);
CREATE UNIQUE INDEX micro_ballots_account ON micro_ballots (round_id, account_id);

CREATE TABLE micro_choices (
	ballot_id BIGINT NOT NULL REFERENCES micro_ballots(id),
	proposal_id BIGINT NOT NULL REFERENCES micro_proposals(id),
	round_id BIGINT NOT NULL REFERENCES micro_rounds(id),
	PRIMARY KEY (ballot_id, proposal_id)
);
CREATE INDEX micro_choices_round ON micro_choices (round_id, proposal_id);
