-- 0003: the appeal closed loop (诉求/微事务): categories and their deadlines,
-- the holiday calendar for working-day deadlines, appeals with their
-- append-only event timeline, photos (attachments), the message centre, the
-- notifier's outbox and supervision notices.
--
-- An appeal carries two paths: unit_path, where the problem is (the grid or
-- community it was reported in), and handler_path, the unit now responsible.
-- An account sees an appeal when either lies inside its subtree.

CREATE TABLE holidays (
	day TEXT PRIMARY KEY,            -- 'YYYY-MM-DD' (Asia/Shanghai)
	kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
	name TEXT NOT NULL DEFAULT '',
	updated_at BIGINT NOT NULL
);

CREATE TABLE appeal_categories (
	id {{id}},
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	name_en TEXT NOT NULL DEFAULT '',
	level TEXT NOT NULL CHECK (level IN ('grid', 'community', 'street', 'department')),
	accept_amount INTEGER NOT NULL CHECK (accept_amount > 0),
	accept_unit TEXT NOT NULL CHECK (accept_unit IN ('hours', 'workdays')),
	handle_amount INTEGER NOT NULL CHECK (handle_amount > 0),
	handle_unit TEXT NOT NULL CHECK (handle_unit IN ('hours', 'workdays')),
	active INTEGER NOT NULL DEFAULT 1,
	sort INTEGER NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);

INSERT INTO appeal_categories (code, name, name_en, level, accept_amount, accept_unit, handle_amount, handle_unit, sort, created_at, updated_at) VALUES
 ('dispute', '纠纷调解', 'Dispute mediation', 'community', 24, 'hours', 5, 'workdays', 10, 0, 0),
 ('environment', '环境卫生', 'Environment and sanitation', 'grid', 4, 'hours', 2, 'workdays', 20, 0, 0),
 ('illegal_construction', '违章搭建与停车', 'Illegal construction and parking', 'street', 24, 'hours', 10, 'workdays', 30, 0, 0),
 ('property', '物业管理', 'Property management', 'community', 24, 'hours', 5, 'workdays', 40, 0, 0),
 ('facility_repair', '设施维修', 'Facility repair', 'community', 4, 'hours', 3, 'workdays', 50, 0, 0),
 ('traffic', '交通出行', 'Traffic', 'department', 24, 'hours', 10, 'workdays', 60, 0, 0),
 ('safety_hazard', '安全隐患', 'Safety hazard', 'grid', 2, 'hours', 24, 'hours', 70, 0, 0),
 ('elderly_care', '养老助餐', 'Elderly care and meals', 'community', 24, 'hours', 3, 'workdays', 80, 0, 0),
 ('epidemic', '疫情防控', 'Epidemic prevention', 'community', 2, 'hours', 24, 'hours', 90, 0, 0),
 ('noise', '噪声扰民', 'Noise', 'grid', 4, 'hours', 2, 'workdays', 100, 0, 0),
 ('other', '其他', 'Other', 'community', 24, 'hours', 5, 'workdays', 110, 0, 0);

-- Photos: content-addressed files under DIR/attachments, one row each.
CREATE TABLE attachments (
	id TEXT PRIMARY KEY,             -- SHA-256 hex of the stored bytes
	mime TEXT NOT NULL,
	size BIGINT NOT NULL,
	width INTEGER,
	height INTEGER,
	uploader_id BIGINT,
	created_at BIGINT NOT NULL
);

-- Case numbers: one counter per Shanghai day.
CREATE TABLE appeal_counters (
	day TEXT PRIMARY KEY,
	last BIGINT NOT NULL
);

CREATE TABLE appeals (
	id {{id}},
	case_no TEXT NOT NULL UNIQUE,
	category_id BIGINT NOT NULL REFERENCES appeal_categories(id),
	title TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL CHECK (status IN ('submitted', 'accepted', 'rejected', 'dispatched',
		'handling', 'resolved', 'closed', 'rated', 'merged')),
	channel TEXT NOT NULL CHECK (channel IN ('app', 'qr', 'phone', 'walk_in', 'hotline',
		'patrol', 'open311')),
	unit_id BIGINT NOT NULL REFERENCES units(id),
	unit_path {{ctext}} NOT NULL,
	handler_unit_id BIGINT NOT NULL REFERENCES units(id),
	handler_path {{ctext}} NOT NULL,
	assignee_id BIGINT REFERENCES accounts(id),
	dispatcher_unit_id BIGINT REFERENCES units(id),
	dispatcher_path {{ctext}},
	resolved_by BIGINT REFERENCES accounts(id),
	station_id BIGINT REFERENCES stations(id),
	address TEXT NOT NULL DEFAULT '',
	lng DOUBLE PRECISION,
	lat DOUBLE PRECISION,
	photos TEXT NOT NULL DEFAULT '[]',
	reporter_id BIGINT REFERENCES accounts(id),
	created_by BIGINT REFERENCES accounts(id),
	contact_name TEXT NOT NULL DEFAULT '',
	contact_phone_enc {{blob}},
	contact_phone_mask TEXT NOT NULL DEFAULT '',
	phone_last4 TEXT NOT NULL DEFAULT '',
	search_text TEXT NOT NULL DEFAULT '',
	idem_key TEXT UNIQUE,
	accept_due BIGINT NOT NULL,
	handle_due BIGINT,
	accepted_at BIGINT,
	dispatched_at BIGINT,
	resolved_at BIGINT,
	closed_at BIGINT,
	rated_at BIGINT,
	rating TEXT CHECK (rating IN ('satisfied', 'basically_satisfied', 'unsatisfied')),
	rework_count INTEGER NOT NULL DEFAULT 0,
	reopen_count INTEGER NOT NULL DEFAULT 0,
	escalations INTEGER NOT NULL DEFAULT 0,
	overdue_at BIGINT,
	supervised_at BIGINT,
	extension_hours INTEGER,
	extension_reason TEXT,
	merged_into BIGINT REFERENCES appeals(id),
	version INTEGER NOT NULL DEFAULT 0,
	is_demo INTEGER NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
-- Few indexes on purpose: every submission pays for each. Queues by status
-- read appeal_scope; filtered lists, KPIs and hotspots start from a path range.
CREATE INDEX appeals_path ON appeals (unit_path, id);
CREATE INDEX appeals_handler ON appeals (handler_path, id);
CREATE INDEX appeals_reporter ON appeals (reporter_id, id);

-- Who may see an appeal, as rows: one per unit on the path of its place or
-- of its handler (the union of their ancestors), carrying the appeal's
-- status. A unit's work queue — scope, status, newest first — is then one
-- index range read backwards, whatever the level of the unit.
CREATE TABLE appeal_scope (
	unit_id BIGINT NOT NULL,
	appeal_id BIGINT NOT NULL REFERENCES appeals(id),
	status TEXT NOT NULL
);
CREATE INDEX appeal_scope_status ON appeal_scope (unit_id, status, appeal_id);
CREATE INDEX appeal_scope_appeal ON appeal_scope (appeal_id);

-- The timeline: append-only, one row per action.
CREATE TABLE appeal_events (
	id {{id}},
	appeal_id BIGINT NOT NULL REFERENCES appeals(id),
	at BIGINT NOT NULL,
	actor_id BIGINT REFERENCES accounts(id),
	actor_name TEXT NOT NULL,
	action TEXT NOT NULL,
	from_status TEXT,
	to_status TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	photos TEXT NOT NULL DEFAULT '[]',
	details TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX appeal_events_appeal ON appeal_events (appeal_id, id);

CREATE TABLE appeal_links (
	appeal_id BIGINT NOT NULL REFERENCES appeals(id),
	other_id BIGINT NOT NULL REFERENCES appeals(id),
	created_at BIGINT NOT NULL,
	PRIMARY KEY (appeal_id, other_id)
);

-- The in-app message centre. A message goes to one account, or to every
-- staff account of a unit (unit_id); reads are recorded per account.
CREATE TABLE messages (
	id {{id}},
	account_id BIGINT REFERENCES accounts(id),
	unit_id BIGINT REFERENCES units(id),
	appeal_id BIGINT REFERENCES appeals(id),
	kind TEXT NOT NULL,
	title TEXT NOT NULL,
	body TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL
);
CREATE INDEX messages_account ON messages (account_id, id);
CREATE INDEX messages_unit ON messages (unit_id, id);
CREATE TABLE message_reads (
	message_id BIGINT NOT NULL REFERENCES messages(id),
	account_id BIGINT NOT NULL REFERENCES accounts(id),
	read_at BIGINT NOT NULL,
	PRIMARY KEY (message_id, account_id)
);

-- Supervision notices (督办) raised by the SLA sweeper.
CREATE TABLE supervisions (
	id {{id}},
	appeal_id BIGINT NOT NULL REFERENCES appeals(id),
	kind TEXT NOT NULL CHECK (kind IN ('accept_overdue', 'handle_overdue')),
	unit_id BIGINT NOT NULL REFERENCES units(id),
	unit_path {{ctext}} NOT NULL,
	due_at BIGINT NOT NULL,
	created_at BIGINT NOT NULL,
	escalated_at BIGINT,
	UNIQUE (appeal_id, kind, due_at, unit_id)
);
CREATE INDEX supervisions_path ON supervisions (unit_path, id);

-- The notifier's outbox, written in the same transaction as the change it
-- reports, delivered afterwards with retries.
CREATE TABLE notifications (
	id {{id}},
	appeal_id BIGINT REFERENCES appeals(id),
	event TEXT NOT NULL,
	payload TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	attempts INTEGER NOT NULL DEFAULT 0,
	next_attempt_at BIGINT NOT NULL,
	delivered_at BIGINT,
	last_error TEXT
);
CREATE INDEX notifications_pending ON notifications (delivered_at, next_attempt_at);
