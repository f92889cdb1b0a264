-- 0014: projects (便民实事, 微实事 and more).
--
-- A project belongs to a unit (street, community or grid) and a year. Its
-- state moves proposed → approved → in_progress → completed, or to cancelled
-- with a reason; every move is a conditional UPDATE on the state read and a
-- project_events row. Sources: the appeals that led to it (project_appeals),
-- a hotspot snapshot (projects.hotspot, JSON text: grid, category, count,
-- appeal ids, days, taken_at) and the commitment items it serves
-- (project_items; the items are the commitments module's, checked by the
-- server through commitments.h when linked, so the link names no table of
-- that module).

CREATE TABLE projects (
	id {{id}},
	unit_id BIGINT NOT NULL REFERENCES units(id),
	unit_path {{ctext}} NOT NULL,
	year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
	type TEXT NOT NULL CHECK (type IN ('dispute_mediation', 'meal_delivery', 'environment',
		'epidemic_prevention', 'illegal_construction', 'micro', 'other')),
	title TEXT NOT NULL,
	goal TEXT NOT NULL DEFAULT '',
	budget_fen BIGINT NOT NULL CHECK (budget_fen >= 0),
	responsible_unit_id BIGINT REFERENCES units(id),
	responsible_person TEXT NOT NULL DEFAULT '',
	state TEXT NOT NULL CHECK (state IN ('proposed', 'approved', 'in_progress', 'completed',
		'cancelled')),
	percent INTEGER NOT NULL DEFAULT 0 CHECK (percent BETWEEN 0 AND 100),
	outcome TEXT NOT NULL DEFAULT '',
	outcome_photos TEXT NOT NULL DEFAULT '[]',
	cancel_reason TEXT NOT NULL DEFAULT '',
	hotspot TEXT,
	created_by BIGINT REFERENCES accounts(id),
	approved_by BIGINT REFERENCES accounts(id),
	approved_at BIGINT,
	started_at BIGINT,
	completed_at BIGINT,
	cancelled_at BIGINT,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX projects_unit_path ON projects (unit_path, id);
CREATE INDEX projects_year ON projects (year, id);
CREATE INDEX projects_responsible ON projects (responsible_unit_id);

CREATE TABLE project_milestones (
	id {{id}},
	project_id BIGINT NOT NULL REFERENCES projects(id),
	title TEXT NOT NULL,
	due_date TEXT NOT NULL,              -- YYYY-MM-DD, Shanghai
	done_at BIGINT,
	done_by BIGINT REFERENCES accounts(id)
);
CREATE INDEX project_milestones_project ON project_milestones (project_id, id);

-- The timeline: created, updated, approved, started, progress, milestone_done,
-- completed, cancelled, sources.
CREATE TABLE project_events (
	id {{id}},
	project_id BIGINT NOT NULL REFERENCES projects(id),
	kind TEXT NOT NULL,
	percent INTEGER,
	note TEXT NOT NULL DEFAULT '',
	photos TEXT NOT NULL DEFAULT '[]',
	milestone_id BIGINT REFERENCES project_milestones(id),
	actor_id BIGINT REFERENCES accounts(id),
	at BIGINT NOT NULL
);
CREATE INDEX project_events_project ON project_events (project_id, id);

CREATE TABLE project_appeals (
	project_id BIGINT NOT NULL REFERENCES projects(id),
	appeal_id BIGINT NOT NULL REFERENCES appeals(id),
	created_at BIGINT NOT NULL,
	PRIMARY KEY (project_id, appeal_id)
);
CREATE INDEX project_appeals_appeal ON project_appeals (appeal_id);

CREATE TABLE project_items (
	project_id BIGINT NOT NULL REFERENCES projects(id),
	item_id BIGINT NOT NULL,
	created_at BIGINT NOT NULL,
	PRIMARY KEY (project_id, item_id)
);
CREATE INDEX project_items_item ON project_items (item_id);
