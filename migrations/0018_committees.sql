-- 0018: area joint committees (片区型"大党委"), the organisation register and
-- the four lists (needs, resources, projects, responsibilities), issue 14.
--
-- An organisation (government body, resident unit, enterprise, social
-- organisation, school) is kept by a street or the district, with a contact
-- person and a phone sealed as residents' phones are (phone_enc, a mask for
-- lists). A committee belongs to a street or the district and spans two or
-- more of its communities (committee_communities, whose paths make the
-- committee visible to those communities' staff).
--
-- A need or a resource belongs to at most one committee project: the
-- cproject_id column, set by the same guarded UPDATE that moves it from open
-- (available) to matched (committed), so two projects racing for one
-- resource change it once; the loser's UPDATE changes no row and its whole
-- transaction rolls back. States are checked here as well as in the server.

CREATE TABLE organisations (
	id {{id}},
	unit_id BIGINT NOT NULL REFERENCES units(id),
	unit_path {{ctext}} NOT NULL,
	name TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('gov', 'resident_unit', 'enterprise', 'social_org',
		'school', 'other')),
	contact_person TEXT NOT NULL DEFAULT '',
	phone_enc {{blob}},
	phone_mask TEXT,
	address TEXT NOT NULL DEFAULT '',
	note TEXT NOT NULL DEFAULT '',
	created_by BIGINT REFERENCES accounts(id),
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX organisations_name ON organisations (unit_id, name);
CREATE INDEX organisations_unit_path ON organisations (unit_path, id);

CREATE TABLE joint_committees (
	id {{id}},
	unit_id BIGINT NOT NULL REFERENCES units(id),
	unit_path {{ctext}} NOT NULL,
	name TEXT NOT NULL,
	secretary TEXT NOT NULL DEFAULT '',
	note TEXT NOT NULL DEFAULT '',
	created_by BIGINT REFERENCES accounts(id),
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX joint_committees_name ON joint_committees (unit_id, name);
CREATE INDEX joint_committees_unit_path ON joint_committees (unit_path, id);

CREATE TABLE committee_communities (
	committee_id BIGINT NOT NULL REFERENCES joint_committees(id),
	community_id BIGINT NOT NULL REFERENCES units(id),
	unit_path {{ctext}} NOT NULL,
	PRIMARY KEY (committee_id, community_id)
);
CREATE INDEX committee_communities_path ON committee_communities (unit_path);
CREATE INDEX committee_communities_unit ON committee_communities (community_id);

CREATE TABLE committee_members (
	committee_id BIGINT NOT NULL REFERENCES joint_committees(id),
	organisation_id BIGINT NOT NULL REFERENCES organisations(id),
	role TEXT NOT NULL,
	joined_at BIGINT NOT NULL,
	PRIMARY KEY (committee_id, organisation_id)
);
CREATE INDEX committee_members_org ON committee_members (organisation_id);

CREATE TABLE committee_projects (
	id {{id}},
	committee_id BIGINT NOT NULL REFERENCES joint_committees(id),
	title TEXT NOT NULL,
	detail TEXT NOT NULL DEFAULT '',
	state TEXT NOT NULL CHECK (state IN ('planned', 'running', 'done')),
	project_id BIGINT REFERENCES projects(id),
	created_by BIGINT REFERENCES accounts(id),
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	started_at BIGINT,
	done_at BIGINT
);
CREATE INDEX committee_projects_committee ON committee_projects (committee_id, id);

CREATE TABLE committee_needs (
	id {{id}},
	committee_id BIGINT NOT NULL REFERENCES joint_committees(id),
	community_id BIGINT NOT NULL REFERENCES units(id),
	community_path {{ctext}} NOT NULL,
	title TEXT NOT NULL,
	detail TEXT NOT NULL DEFAULT '',
	source TEXT NOT NULL CHECK (source IN ('resident', 'appeal', 'hotspot', 'visit')),
	hotspot TEXT,                         -- the snapshot, JSON text
	organisation_id BIGINT REFERENCES organisations(id),
	wants TEXT NOT NULL DEFAULT '',       -- resource kinds, comma-separated
	state TEXT NOT NULL CHECK (state IN ('open', 'matched', 'met')),
	cproject_id BIGINT REFERENCES committee_projects(id),
	created_by BIGINT REFERENCES accounts(id),
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	met_at BIGINT,
	CHECK ((state = 'open') = (cproject_id IS NULL) OR state = 'met')
);
CREATE INDEX committee_needs_committee ON committee_needs (committee_id, id);
CREATE INDEX committee_needs_cproject ON committee_needs (cproject_id);
CREATE INDEX committee_needs_community ON committee_needs (community_path);

CREATE TABLE committee_need_appeals (
	need_id BIGINT NOT NULL REFERENCES committee_needs(id),
	appeal_id BIGINT NOT NULL REFERENCES appeals(id),
	PRIMARY KEY (need_id, appeal_id)
);
CREATE INDEX committee_need_appeals_appeal ON committee_need_appeals (appeal_id);

CREATE TABLE committee_resources (
	id {{id}},
	committee_id BIGINT NOT NULL REFERENCES joint_committees(id),
	organisation_id BIGINT NOT NULL REFERENCES organisations(id),
	kind TEXT NOT NULL CHECK (kind IN ('room', 'volunteers', 'money', 'skills', 'equipment')),
	title TEXT NOT NULL,
	detail TEXT NOT NULL DEFAULT '',
	quantity BIGINT,
	quantity_unit TEXT NOT NULL DEFAULT '',
	amount_fen BIGINT,
	state TEXT NOT NULL CHECK (state IN ('available', 'committed', 'used')),
	cproject_id BIGINT REFERENCES committee_projects(id),
	created_by BIGINT REFERENCES accounts(id),
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	used_at BIGINT,
	CHECK ((kind = 'money') = (amount_fen IS NOT NULL AND quantity IS NULL)),
	CHECK ((state = 'available') = (cproject_id IS NULL) OR state = 'used')
);
CREATE INDEX committee_resources_committee ON committee_resources (committee_id, id);
CREATE INDEX committee_resources_cproject ON committee_resources (cproject_id);
CREATE INDEX committee_resources_org ON committee_resources (organisation_id);

CREATE TABLE committee_responsibilities (
	id {{id}},
	committee_id BIGINT NOT NULL REFERENCES joint_committees(id),
	cproject_id BIGINT REFERENCES committee_projects(id),
	need_id BIGINT REFERENCES committee_needs(id),
	organisation_id BIGINT REFERENCES organisations(id),
	person TEXT NOT NULL DEFAULT '',
	task TEXT NOT NULL,
	due_date TEXT NOT NULL,               -- YYYY-MM-DD, Shanghai
	state TEXT NOT NULL CHECK (state IN ('open', 'done')),
	created_by BIGINT REFERENCES accounts(id),
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	done_at BIGINT,
	CHECK ((cproject_id IS NULL) <> (need_id IS NULL)),
	CHECK (organisation_id IS NOT NULL OR person <> '')
);
CREATE INDEX committee_responsibilities_committee ON committee_responsibilities (committee_id, due_date, id);
CREATE INDEX committee_responsibilities_cproject ON committee_responsibilities (cproject_id);
CREATE INDEX committee_responsibilities_need ON committee_responsibilities (need_id);
CREATE INDEX committee_responsibilities_org ON committee_responsibilities (organisation_id);
