-- 0017: deliberation meetings (issue 14): the representative roster, the
-- meeting types' settings, meetings with invitations, attendance,
-- proposals, votes and the resolution.
--
-- representatives: the roster of a community (or a street), the phone sealed
-- like a resident's (phone_enc, phone_mask). meeting_types: one row per type,
-- district-wide quorum_pct and pass_pct; each meeting copies them when it is
-- created, so a later change never rewrites a closed meeting's outcome.
-- meeting_invitees keeps the representative's kind at invitation (the public
-- counts by kind) and present (NULL until attendance is recorded). One vote
-- per representative per proposal: the primary key of meeting_votes.
-- matter_id names the matters module's row without a foreign key (matters sit
-- above meetings; the server checks it through an installed hook).

CREATE TABLE meeting_types (
	type TEXT PRIMARY KEY,
	quorum_pct INTEGER NOT NULL CHECK (quorum_pct BETWEEN 0 AND 100),
	pass_pct INTEGER NOT NULL CHECK (pass_pct BETWEEN 0 AND 100),
	updated_by BIGINT REFERENCES accounts(id),
	updated_at BIGINT
);
INSERT INTO meeting_types (type, quorum_pct, pass_pct) VALUES
	('yishi_yiyi', 50, 50), ('hearing', 50, 50), ('coordination', 50, 50),
	('council', 50, 50), ('homeland_council', 50, 50), ('joint_committee', 50, 50),
	('party_org', 50, 50), ('two_committees', 50, 50), ('party_members', 50, 50),
	('residents', 50, 50);

CREATE TABLE representatives (
	id {{id}},
	unit_id BIGINT NOT NULL REFERENCES units(id),
	unit_path {{ctext}} NOT NULL,
	name TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('building_leader', 'party_member', 'resident', 'owner',
		'women', 'volunteer', 'organisation', 'committee_member')),
	organisation TEXT NOT NULL DEFAULT '',
	phone_enc {{blob}},
	phone_mask TEXT,
	account_id BIGINT REFERENCES accounts(id),
	active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX representatives_unit_path ON representatives (unit_path, id);
CREATE INDEX representatives_unit ON representatives (unit_id, id);
CREATE UNIQUE INDEX representatives_account ON representatives (unit_id, account_id);

CREATE TABLE meetings (
	id {{id}},
	unit_id BIGINT NOT NULL REFERENCES units(id),
	unit_path {{ctext}} NOT NULL,
	type TEXT NOT NULL REFERENCES meeting_types(type),
	matter_id BIGINT,
	title TEXT NOT NULL,
	starts_at BIGINT NOT NULL,
	ends_at BIGINT,
	place TEXT NOT NULL DEFAULT '',
	venue_id BIGINT REFERENCES venues(id),
	booking_id BIGINT REFERENCES bookings(id),
	agenda TEXT NOT NULL DEFAULT '',
	state TEXT NOT NULL CHECK (state IN ('scheduled', 'held', 'closed', 'cancelled')),
	quorum_pct INTEGER NOT NULL,
	pass_pct INTEGER NOT NULL,
	cancel_reason TEXT NOT NULL DEFAULT '',
	resolution TEXT,
	minutes TEXT NOT NULL DEFAULT '',
	photos TEXT NOT NULL DEFAULT '[]',
	project_id BIGINT REFERENCES projects(id),
	passed INTEGER NOT NULL DEFAULT 0,
	created_by BIGINT REFERENCES accounts(id),
	created_at BIGINT NOT NULL,
	held_at BIGINT,
	closed_at BIGINT,
	cancelled_at BIGINT,
	updated_at BIGINT NOT NULL
);
CREATE INDEX meetings_unit_path ON meetings (unit_path, id);
CREATE INDEX meetings_unit ON meetings (unit_id);
CREATE INDEX meetings_matter ON meetings (matter_id, starts_at);

CREATE TABLE meeting_invitees (
	meeting_id BIGINT NOT NULL REFERENCES meetings(id),
	representative_id BIGINT NOT NULL REFERENCES representatives(id),
	kind TEXT NOT NULL,
	present INTEGER CHECK (present IN (0, 1)),
	PRIMARY KEY (meeting_id, representative_id)
);
CREATE INDEX meeting_invitees_rep ON meeting_invitees (representative_id);

CREATE TABLE meeting_proposals (
	id {{id}},
	meeting_id BIGINT NOT NULL REFERENCES meetings(id),
	title TEXT NOT NULL,
	text TEXT NOT NULL DEFAULT '',
	proposer_id BIGINT REFERENCES representatives(id),
	adopted INTEGER NOT NULL DEFAULT 0,
	created_by BIGINT REFERENCES accounts(id),
	created_at BIGINT NOT NULL
);
CREATE INDEX meeting_proposals_meeting ON meeting_proposals (meeting_id, id);

CREATE TABLE meeting_votes (
	proposal_id BIGINT NOT NULL REFERENCES meeting_proposals(id),
	representative_id BIGINT NOT NULL REFERENCES representatives(id),
	vote TEXT NOT NULL CHECK (vote IN ('for', 'against', 'abstain')),
	created_at BIGINT NOT NULL,
	PRIMARY KEY (proposal_id, representative_id)
);

CREATE TABLE meeting_appointees (
	id {{id}},
	meeting_id BIGINT NOT NULL REFERENCES meetings(id),
	name TEXT NOT NULL,
	role TEXT NOT NULL,
	representative_id BIGINT REFERENCES representatives(id)
);
CREATE INDEX meeting_appointees_meeting ON meeting_appointees (meeting_id, id);
