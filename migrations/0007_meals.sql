-- 0007: meal assistance (助餐).
--
-- A meal point belongs to a unit (usually a community) and serves the
-- residents of that unit's subtree. Residents enrol at a point (an
-- application approved by staff), then order a meal for a day before the
-- point's cut-off; delivery orders are grouped into rounds that a volunteer
-- or staff member delivers and confirms. Money is integer fen, and every
-- order keeps the price and subsidy of its day (the point's may change later):
-- the monthly statement sums the orders, never the point's current figures.
--
-- Guarantees held by the database:
--   * one live (pending or approved) enrolment per resident and meal point —
--     a partial unique index;
--   * one live (not cancelled) order per resident and day, whatever the point —
--     a partial unique index, so a resident is never subsidised twice a day;
--   * a point's daily capacity: every order transaction first locks the point's
--     row, then counts, then inserts (the server does this).

CREATE TABLE meal_points (
	id {{id}},
	unit_id BIGINT NOT NULL REFERENCES units(id),
	unit_path {{ctext}} NOT NULL,
	name TEXT NOT NULL,
	address TEXT NOT NULL DEFAULT '',
	daily_capacity INTEGER NOT NULL CHECK (daily_capacity > 0),
	modes TEXT NOT NULL,                 -- comma list of dine_in, meal_delivery, grocery_delivery
	price_fen BIGINT NOT NULL CHECK (price_fen >= 0),
	subsidy_fen BIGINT NOT NULL CHECK (subsidy_fen >= 0 AND subsidy_fen <= price_fen),
	order_cutoff INTEGER NOT NULL CHECK (order_cutoff >= 0 AND order_cutoff < 1440),
	                                     -- minutes after local midnight of the meal's day
	eligibility TEXT NOT NULL,           -- comma list of resident tags, any of them qualifies
	active INTEGER NOT NULL DEFAULT 1,
	is_demo INTEGER NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX meal_points_unit_path ON meal_points (unit_path, id);

CREATE TABLE meal_enrolments (
	id {{id}},
	point_id BIGINT NOT NULL REFERENCES meal_points(id),
	unit_path {{ctext}} NOT NULL,          -- the point's, for staff scope
	resident_id BIGINT NOT NULL REFERENCES residents(id),
	resident_path {{ctext}} NOT NULL,      -- the resident's at application, for grid workers' scope
	applicant_id BIGINT NOT NULL REFERENCES accounts(id),
	applied_as TEXT NOT NULL CHECK (applied_as IN ('self', 'family', 'staff')),
	matched TEXT NOT NULL,                 -- the rule's tags the resident had at application
	note TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
	reason TEXT NOT NULL DEFAULT '',
	decided_by BIGINT REFERENCES accounts(id),
	decided_at BIGINT,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX meal_enrolments_live ON meal_enrolments (point_id, resident_id)
	WHERE status IN ('pending', 'approved');
CREATE INDEX meal_enrolments_unit_path ON meal_enrolments (unit_path, id);
CREATE INDEX meal_enrolments_resident_path ON meal_enrolments (resident_path, id);
CREATE INDEX meal_enrolments_resident ON meal_enrolments (resident_id);

CREATE TABLE meal_rounds (
	id {{id}},
	point_id BIGINT NOT NULL REFERENCES meal_points(id),
	unit_path {{ctext}} NOT NULL,          -- the point's
	day TEXT NOT NULL,                     -- YYYY-MM-DD in Asia/Shanghai
	name TEXT NOT NULL,
	assignee_id BIGINT NOT NULL REFERENCES accounts(id),
	created_by BIGINT NOT NULL REFERENCES accounts(id),
	created_at BIGINT NOT NULL
);
CREATE INDEX meal_rounds_point ON meal_rounds (point_id, day);
CREATE INDEX meal_rounds_assignee ON meal_rounds (assignee_id, day);
CREATE INDEX meal_rounds_unit_path ON meal_rounds (unit_path, id);

CREATE TABLE meal_orders (
	id {{id}},
	point_id BIGINT NOT NULL REFERENCES meal_points(id),
	unit_path {{ctext}} NOT NULL,          -- the point's
	enrolment_id BIGINT NOT NULL REFERENCES meal_enrolments(id),
	resident_id BIGINT NOT NULL REFERENCES residents(id),
	resident_path {{ctext}} NOT NULL,
	day TEXT NOT NULL,                     -- YYYY-MM-DD in Asia/Shanghai
	mode TEXT NOT NULL CHECK (mode IN ('dine_in', 'meal_delivery', 'grocery_delivery')),
	price_fen BIGINT NOT NULL CHECK (price_fen >= 0),
	subsidy_fen BIGINT NOT NULL CHECK (subsidy_fen >= 0 AND subsidy_fen <= price_fen),
	status TEXT NOT NULL CHECK (status IN ('ordered', 'cancelled', 'served', 'delivered')),
	round_id BIGINT REFERENCES meal_rounds(id),
	ordered_by BIGINT NOT NULL REFERENCES accounts(id),
	cancelled_by BIGINT REFERENCES accounts(id),
	cancelled_at BIGINT,
	done_by BIGINT REFERENCES accounts(id),   -- who served or delivered it
	done_at BIGINT,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX meal_orders_live ON meal_orders (resident_id, day) WHERE status <> 'cancelled';
CREATE INDEX meal_orders_point_day ON meal_orders (point_id, day);
CREATE INDEX meal_orders_round ON meal_orders (round_id);
CREATE INDEX meal_orders_unit_path ON meal_orders (unit_path, id);
CREATE INDEX meal_orders_resident_path ON meal_orders (resident_path, day);
CREATE INDEX meal_orders_enrolment ON meal_orders (enrolment_id, day);
