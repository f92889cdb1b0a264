-- 0002: the organisation tree, stations, households, residents, Party
-- members, accounts, sessions, API tokens and the audit log.
--
-- Scope. Every row that belongs somewhere in the tree carries unit_path, the
-- materialised path of its unit ("/1/7/42/"). "The subtree of unit U" is the
-- range unit_path >= U.path AND unit_path < U.path with its last '/' replaced
-- by '0' — one B-tree range on both databases ({{ctext}} sorts bytewise).

CREATE TABLE units (
	id {{id}},
	parent_id BIGINT REFERENCES units(id),
	kind TEXT NOT NULL CHECK (kind IN ('district', 'street', 'community', 'grid', 'building')),
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	path {{ctext}} NOT NULL UNIQUE,
	depth INTEGER NOT NULL,
	party_org_name TEXT,
	party_secretary TEXT,
	boundary TEXT,
	min_lng DOUBLE PRECISION, min_lat DOUBLE PRECISION,
	max_lng DOUBLE PRECISION, max_lat DOUBLE PRECISION,
	is_demo INTEGER NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX units_parent ON units (parent_id, id);
CREATE INDEX units_kind_path ON units (kind, path);

CREATE TABLE accounts (
	id {{id}},
	username TEXT NOT NULL UNIQUE,
	display_name TEXT NOT NULL,
	unit_id BIGINT NOT NULL REFERENCES units(id),
	unit_path {{ctext}} NOT NULL,
	roles TEXT NOT NULL,
	resident_id BIGINT,
	password_hash TEXT NOT NULL,
	password_changed_at BIGINT NOT NULL,
	disabled INTEGER NOT NULL DEFAULT 0,
	last_login_at BIGINT,
	is_demo INTEGER NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX accounts_unit_path ON accounts (unit_path);

-- Failed sign-ins are counted per user name, whether or not an account
-- has that name, so an unknown user and a wrong password look the same.
CREATE TABLE login_throttle (
	username TEXT PRIMARY KEY,
	failures INTEGER NOT NULL,
	locked_until BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);

CREATE TABLE sessions (
	id {{id}},
	token_hash {{blob}} NOT NULL UNIQUE,
	account_id BIGINT NOT NULL REFERENCES accounts(id),
	csrf_token TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	last_seen_at BIGINT NOT NULL,
	ip TEXT
);
CREATE INDEX sessions_account ON sessions (account_id);

CREATE TABLE api_tokens (
	id {{id}},
	account_id BIGINT NOT NULL REFERENCES accounts(id),
	name TEXT NOT NULL,
	token_hash {{blob}} NOT NULL UNIQUE,
	created_at BIGINT NOT NULL,
	last_used_at BIGINT,
	revoked_at BIGINT
);

CREATE TABLE stations (
	id {{id}},
	grid_id BIGINT NOT NULL REFERENCES units(id),
	unit_path {{ctext}} NOT NULL,
	name TEXT NOT NULL,
	address TEXT NOT NULL DEFAULT '',
	lng DOUBLE PRECISION,
	lat DOUBLE PRECISION,
	opening_hours TEXT NOT NULL DEFAULT '',
	phone TEXT NOT NULL DEFAULT '',
	hub_leader_id BIGINT REFERENCES accounts(id),
	public_code TEXT NOT NULL UNIQUE,
	is_demo INTEGER NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX stations_path ON stations (unit_path, id);

CREATE TABLE households (
	id {{id}},
	building_id BIGINT NOT NULL REFERENCES units(id),
	unit_path {{ctext}} NOT NULL,
	room TEXT NOT NULL,
	address TEXT NOT NULL DEFAULT '',
	is_demo INTEGER NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	UNIQUE (building_id, room)
);
CREATE INDEX households_path ON households (unit_path, id);

CREATE TABLE residents (
	id {{id}},
	household_id BIGINT NOT NULL REFERENCES households(id),
	unit_path {{ctext}} NOT NULL,
	name TEXT NOT NULL,
	gender INTEGER NOT NULL DEFAULT 0,
	birth_date TEXT,
	phone_enc {{blob}},
	phone_bidx {{blob}},
	phone_mask TEXT,
	id_enc {{blob}},
	id_bidx {{blob}},
	id_mask TEXT,
	tags TEXT NOT NULL DEFAULT '',
	is_demo INTEGER NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX residents_path ON residents (unit_path, id);
CREATE INDEX residents_household ON residents (household_id);
CREATE INDEX residents_phone_bidx ON residents (phone_bidx);
CREATE UNIQUE INDEX residents_id_bidx ON residents (id_bidx);
CREATE INDEX residents_name ON residents (name);

CREATE TABLE party_members (
	id {{id}},
	resident_id BIGINT NOT NULL UNIQUE REFERENCES residents(id),
	branch_unit_id BIGINT NOT NULL REFERENCES units(id),
	unit_path {{ctext}} NOT NULL,
	joined_on TEXT,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX party_members_path ON party_members (unit_path, id);

CREATE TABLE central_households (
	id {{id}},
	household_id BIGINT NOT NULL UNIQUE REFERENCES households(id),
	party_member_id BIGINT NOT NULL REFERENCES party_members(id),
	unit_path {{ctext}} NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE INDEX central_households_path ON central_households (unit_path, id);

CREATE TABLE central_household_links (
	central_id BIGINT NOT NULL REFERENCES central_households(id),
	household_id BIGINT NOT NULL REFERENCES households(id),
	PRIMARY KEY (central_id, household_id)
);

-- Append-only: no code path updates or deletes rows except purge_audit,
-- which refuses rows younger than 180 days. Each row's hash covers its
-- fields and the previous row's hash; audit_head serialises appends.
CREATE TABLE audit_log (
	id {{id}},
	at BIGINT NOT NULL,
	actor_id BIGINT,
	actor_name TEXT NOT NULL,
	ip TEXT NOT NULL DEFAULT '',
	action TEXT NOT NULL,
	object_type TEXT NOT NULL DEFAULT '',
	object_id TEXT NOT NULL DEFAULT '',
	outcome TEXT NOT NULL,
	details TEXT NOT NULL DEFAULT '{}',
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE TABLE audit_head (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	last_id BIGINT NOT NULL,
	last_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
