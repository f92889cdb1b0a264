-- 0019: matters (议题) and the 四议两公开 procedure, issue 14.
--
-- A matter belongs to a community or a street and a year. Its source is a
-- resident's proposal (a note), a hotspot (a snapshot, JSON text, as
-- projects.hotspot), appeals (matter_appeals) or a staff member. `major` is
-- decided when it is created from the unit's matter_settings (or forced by
-- staff) and kept with its reason. `state` moves with each step as one
-- guarded UPDATE … WHERE state = <from>; matter_steps holds each step done,
-- one of each kind per matter (the unique index) and a meeting serving one
-- step only (the unique index on meeting_id; NULLs are distinct). Meetings
-- and projects are other modules' rows: their ids carry no foreign key and
-- are checked through meetings.h and projects.h.
--
-- Objections are taken while the published resolution is disclosed: one per
-- resident per matter (matter_objections_one); staff answer each.

CREATE TABLE matter_settings (
	unit_id BIGINT PRIMARY KEY REFERENCES units(id),
	major_spending_fen BIGINT NOT NULL CHECK (major_spending_fen >= 0),
	major_land INTEGER NOT NULL CHECK (major_land IN (0, 1)),
	major_facility INTEGER NOT NULL CHECK (major_facility IN (0, 1)),
	disclosure_days INTEGER NOT NULL CHECK (disclosure_days BETWEEN 1 AND 30),
	updated_by BIGINT REFERENCES accounts(id),
	updated_at BIGINT NOT NULL
);

CREATE TABLE matters (
	id {{id}},
	unit_id BIGINT NOT NULL REFERENCES units(id),
	unit_path {{ctext}} NOT NULL,
	year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
	title TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	category TEXT NOT NULL CHECK (category IN ('spending', 'land', 'facility', 'other')),
	amount_fen BIGINT NOT NULL CHECK (amount_fen >= 0),
	major INTEGER NOT NULL CHECK (major IN (0, 1)),
	major_reason TEXT CHECK (major_reason IN ('amount', 'land', 'facility', 'staff')),
	source_kind TEXT NOT NULL CHECK (source_kind IN ('resident', 'hotspot', 'appeals', 'staff')),
	source_note TEXT NOT NULL DEFAULT '',
	hotspot TEXT,
	state TEXT NOT NULL CHECK (state IN ('new', 'proposed', 'deliberated', 'reviewed', 'decided',
		'disclosing', 'implementing', 'done')),
	project_id BIGINT,
	created_by BIGINT REFERENCES accounts(id),
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX matters_unit_path ON matters (unit_path, id);
CREATE INDEX matters_year ON matters (year, major, id);
CREATE INDEX matters_project ON matters (project_id);

CREATE TABLE matter_appeals (
	matter_id BIGINT NOT NULL REFERENCES matters(id),
	appeal_id BIGINT NOT NULL REFERENCES appeals(id),
	PRIMARY KEY (matter_id, appeal_id)
);
CREATE INDEX matter_appeals_appeal ON matter_appeals (appeal_id);

-- step: propose, deliberate, review, decide, publish_resolution, implement,
-- publish_result. days: the disclosure period of publish_resolution.
CREATE TABLE matter_steps (
	id {{id}},
	matter_id BIGINT NOT NULL REFERENCES matters(id),
	step TEXT NOT NULL CHECK (step IN ('propose', 'deliberate', 'review', 'decide',
		'publish_resolution', 'implement', 'publish_result')),
	meeting_id BIGINT,
	meeting_type TEXT,
	text TEXT NOT NULL DEFAULT '',
	days INTEGER,
	project_id BIGINT,
	done_by BIGINT REFERENCES accounts(id),
	done_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX matter_steps_one ON matter_steps (matter_id, step);
CREATE UNIQUE INDEX matter_steps_meeting ON matter_steps (meeting_id);

CREATE TABLE matter_objections (
	id {{id}},
	matter_id BIGINT NOT NULL REFERENCES matters(id),
	resident_id BIGINT NOT NULL REFERENCES residents(id),
	account_id BIGINT REFERENCES accounts(id),
	text TEXT NOT NULL,
	answer TEXT,
	answered_by BIGINT REFERENCES accounts(id),
	answered_at BIGINT,
	created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX matter_objections_one ON matter_objections (matter_id, resident_id);
