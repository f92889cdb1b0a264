-- 0004: residents' self-registration (居民注册). A resident signs up in the
-- app with a phone number and a password and names the grid they live in;
-- the account exists at once (role resident, no resident record) and a
-- pending registration waits until a grid worker or community staff confirms
-- which resident record it is (or creates one in a household) or rejects it.
--
-- The phone is stored like residents' phones: sealed (phone_enc), a keyed
-- blind index for matching candidate residents (phone_bidx) and a mask for
-- lists. The name is plain text, as residents' names are.

CREATE TABLE registrations (
	id {{id}},
	account_id BIGINT NOT NULL REFERENCES accounts(id),
	unit_id BIGINT NOT NULL REFERENCES units(id),
	unit_path {{ctext}} NOT NULL,
	name TEXT NOT NULL,
	phone_enc {{blob}} NOT NULL,
	phone_bidx {{blob}} NOT NULL,
	phone_mask TEXT NOT NULL,
	address TEXT NOT NULL DEFAULT '',
	note TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'rejected', 'cancelled')),
	resident_id BIGINT REFERENCES residents(id),
	household_id BIGINT REFERENCES households(id),
	decided_by BIGINT REFERENCES accounts(id),
	decided_at BIGINT,
	reason TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX registrations_path ON registrations (unit_path, id);
CREATE INDEX registrations_account ON registrations (account_id, id);
-- At most one pending registration per account.
CREATE UNIQUE INDEX registrations_one_pending ON registrations (account_id) WHERE status = 'pending';

-- A resident record belongs to at most one account (NULL, unbound, many times).
-- Accounts made before this migration stored 0 for "no resident".
UPDATE accounts SET resident_id = NULL WHERE resident_id = 0;
CREATE UNIQUE INDEX accounts_resident ON accounts (resident_id);
