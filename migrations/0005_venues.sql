-- 0005: venue booking (预约场地).
--
-- A venue belongs to a unit (a community, a grid's station); its rules and
-- weekly opening hours are columns (hours as JSON text, checked by the
-- server). A booking holds one row in booking_slots per slot of its time,
-- keyed by (venue_id, slot_start): two bookings of the same slot cannot both
-- be inserted, whatever the timing of the requests — the database refuses the
-- second one. Slots are freed (deleted) when a booking is cancelled or
-- rejected; the booking row stays for the record.

CREATE TABLE venues (
	id {{id}},
	unit_id BIGINT NOT NULL REFERENCES units(id),
	unit_path {{ctext}} NOT NULL,
	name TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	address TEXT NOT NULL DEFAULT '',
	capacity INTEGER NOT NULL CHECK (capacity > 0),
	slot_minutes INTEGER NOT NULL CHECK (slot_minutes IN (15, 30, 60, 120)),
	opening_hours TEXT NOT NULL,          -- {"mon": [["08:00", "12:00"], ...], ...}
	min_notice_minutes INTEGER NOT NULL DEFAULT 0 CHECK (min_notice_minutes >= 0),
	max_days_ahead INTEGER NOT NULL DEFAULT 14 CHECK (max_days_ahead > 0),
	max_duration_minutes INTEGER NOT NULL DEFAULT 240 CHECK (max_duration_minutes > 0),
	weekly_quota INTEGER NOT NULL DEFAULT 0 CHECK (weekly_quota >= 0),  -- 0: no limit
	approval_required INTEGER NOT NULL DEFAULT 0,
	public_code TEXT NOT NULL UNIQUE,     -- on the venue's check-in QR code
	active INTEGER NOT NULL DEFAULT 1,
	is_demo INTEGER NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX venues_unit_path ON venues (unit_path, id);

CREATE TABLE venue_blackouts (
	id {{id}},
	venue_id BIGINT NOT NULL REFERENCES venues(id),
	starts_at BIGINT NOT NULL,
	ends_at BIGINT NOT NULL CHECK (ends_at > starts_at),
	reason TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL
);
CREATE INDEX venue_blackouts_venue ON venue_blackouts (venue_id, starts_at);

CREATE TABLE bookings (
	id {{id}},
	venue_id BIGINT NOT NULL REFERENCES venues(id),
	unit_path {{ctext}} NOT NULL,         -- the venue's, for scoped lists
	account_id BIGINT REFERENCES accounts(id),   -- the resident's account, when they have one
	resident_id BIGINT REFERENCES residents(id), -- the resident it is for, when known
	booked_by BIGINT NOT NULL REFERENCES accounts(id),
	for_unit_id BIGINT REFERENCES units(id),     -- staff booking for their unit
	starts_at BIGINT NOT NULL,
	ends_at BIGINT NOT NULL CHECK (ends_at > starts_at),
	purpose TEXT NOT NULL,
	attendees INTEGER NOT NULL DEFAULT 1 CHECK (attendees > 0),
	status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'cancelled',
		'checked_in', 'no_show')),
	reason TEXT NOT NULL DEFAULT '',
	decided_by BIGINT REFERENCES accounts(id),
	decided_at BIGINT,
	checked_in_at BIGINT,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX bookings_venue ON bookings (venue_id, starts_at);
CREATE INDEX bookings_account ON bookings (account_id, starts_at);
CREATE INDEX bookings_resident ON bookings (resident_id, starts_at);
-- the no-show sweep: approved bookings whose time has passed
CREATE INDEX bookings_due ON bookings (status, ends_at);
CREATE INDEX bookings_unit_path ON bookings (unit_path, id);

CREATE TABLE booking_slots (
	venue_id BIGINT NOT NULL REFERENCES venues(id),
	slot_start BIGINT NOT NULL,
	booking_id BIGINT NOT NULL REFERENCES bookings(id),
	PRIMARY KEY (venue_id, slot_start)
);
CREATE INDEX booking_slots_booking ON booking_slots (booking_id);
