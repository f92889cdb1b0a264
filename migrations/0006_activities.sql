-- 0006: community activities (活动报名).
--
-- An activity is organised by a unit, or by a volunteer team in its name
-- (there is no teams table yet: the team is a name). It may reserve a venue:
-- booking_id is the staff booking made for it through the booking rules, so
-- its slots are held in booking_slots like any other booking's.
--
-- A sign-up is confirmed, waitlisted or cancelled; the waitlist is in id
-- order. Capacity holds because every sign-up and cancel transaction first
-- takes the activity row's lock, then counts. The partial unique indexes allow
-- one live (not cancelled) sign-up per account and per resident record, so a
-- resident who cancelled may sign up again, at the back of the queue.
-- Attendance is checked_in_at: set means attended.

CREATE TABLE activities (
	id {{id}},
	unit_id BIGINT NOT NULL REFERENCES units(id),
	unit_path {{ctext}} NOT NULL,
	organiser_kind TEXT NOT NULL CHECK (organiser_kind IN ('unit', 'volunteer_team')),
	organiser_name TEXT NOT NULL DEFAULT '',     -- the team's name; '' for the unit
	title TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	starts_at BIGINT NOT NULL,
	ends_at BIGINT NOT NULL CHECK (ends_at > starts_at),
	place TEXT NOT NULL DEFAULT '',
	venue_id BIGINT REFERENCES venues(id),
	booking_id BIGINT REFERENCES bookings(id),
	capacity INTEGER NOT NULL CHECK (capacity > 0),
	signup_opens_at BIGINT NOT NULL,
	signup_closes_at BIGINT NOT NULL CHECK (signup_closes_at > signup_opens_at),
	eligibility TEXT NOT NULL DEFAULT '',        -- resident tags, comma list; any one suffices
	check_in_code TEXT NOT NULL UNIQUE,          -- on the activity's check-in QR code
	status TEXT NOT NULL CHECK (status IN ('published', 'cancelled')),
	cancel_reason TEXT NOT NULL DEFAULT '',
	created_by BIGINT NOT NULL REFERENCES accounts(id),
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX activities_unit_path ON activities (unit_path, starts_at);
CREATE INDEX activities_starts ON activities (starts_at);
CREATE INDEX activities_venue ON activities (venue_id, starts_at);

CREATE TABLE activity_signups (
	id {{id}},
	activity_id BIGINT NOT NULL REFERENCES activities(id),
	account_id BIGINT REFERENCES accounts(id),   -- the resident's account, when they have one
	resident_id BIGINT REFERENCES residents(id), -- the resident record, when known
	signed_up_by BIGINT NOT NULL REFERENCES accounts(id),
	status TEXT NOT NULL CHECK (status IN ('confirmed', 'waitlisted', 'cancelled')),
	promoted_at BIGINT,                          -- moved from the waitlist
	checked_in_at BIGINT,
	checked_in_by BIGINT REFERENCES accounts(id),
	cancel_reason TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	CHECK (account_id IS NOT NULL OR resident_id IS NOT NULL)
);
CREATE INDEX activity_signups_activity ON activity_signups (activity_id, status, id);
CREATE INDEX activity_signups_account ON activity_signups (account_id, id);
CREATE INDEX activity_signups_resident ON activity_signups (resident_id, id);
CREATE UNIQUE INDEX activity_signups_live_account ON activity_signups (activity_id, account_id)
	WHERE status <> 'cancelled';
CREATE UNIQUE INDEX activity_signups_live_resident ON activity_signups (activity_id, resident_id)
	WHERE status <> 'cancelled';
