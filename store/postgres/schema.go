package postgres

// migrations are applied in order, each in its own transaction under the
// migration lock; schema_version records how many ran. Never edit one that
// shipped: append a new one.
//
// Times are bigint Unix milliseconds (0: none), as in the SQLite backend,
// so both backends keep and compare exactly the same instants; audit times
// also keep their canonical RFC 3339 text (the hash covers it).
//
// reads and photos are range-partitioned by day on captured_at (partitions
// reads_dYYYYMMDD and photos_dYYYYMMDD are created on demand); their
// DEFAULT partitions reads_kept and photos_kept hold the reads retention
// keeps past their day (DESIGN rule 6 exceptions) and reads of days older
// than the last purge. read_keys maps a read id to its row (a partitioned
// table cannot enforce a unique id across days).
var migrations = []string{
	// 1: accounts, tokens, cameras, plate dictionary, reads, photos, audit.
	`CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE meta(key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE users(
	username text PRIMARY KEY, display_name text NOT NULL, role text NOT NULL,
	serial text NOT NULL, team text NOT NULL DEFAULT '', trained_on text NOT NULL DEFAULT '',
	designated_by text NOT NULL DEFAULT '', password_hash bytea NOT NULL,
	disabled boolean NOT NULL DEFAULT false, demo boolean NOT NULL DEFAULT false,
	failed_logins integer NOT NULL DEFAULT 0, locked_until bigint NOT NULL DEFAULT 0,
	created_at bigint NOT NULL);
CREATE INDEX users_team ON users(team);
CREATE TABLE tokens(
	hash text PRIMARY KEY, kind text NOT NULL, username text NOT NULL, family text NOT NULL,
	expires_at bigint NOT NULL, family_expires_at bigint NOT NULL,
	used boolean NOT NULL DEFAULT false, revoked boolean NOT NULL DEFAULT false);
CREATE INDEX tokens_family ON tokens(family);
CREATE INDEX tokens_expiry ON tokens(family_expires_at);
CREATE TABLE cameras(
	id text PRIMARY KEY, name text NOT NULL, lat double precision NOT NULL, lon double precision NOT NULL,
	owner text NOT NULL, token_hash text UNIQUE);
CREATE TABLE plates(id bigserial PRIMARY KEY, plate text NOT NULL UNIQUE, canon text NOT NULL);
CREATE INDEX plates_prefix ON plates(plate COLLATE "C");
CREATE INDEX plates_canon ON plates(canon COLLATE "C");
CREATE INDEX plates_trgm ON plates USING gin(plate gin_trgm_ops);
CREATE INDEX plates_canon_trgm ON plates USING gin(canon gin_trgm_ops);
CREATE SEQUENCE read_rid;
CREATE TABLE read_keys(id text PRIMARY KEY, rid bigint NOT NULL, captured_at bigint NOT NULL);
CREATE INDEX read_keys_time ON read_keys(captured_at);
CREATE TABLE reads(
	rid bigint NOT NULL, id text NOT NULL, camera_id text NOT NULL,
	captured_at bigint NOT NULL, plate_id bigint NOT NULL, state text NOT NULL,
	confidence double precision NOT NULL, make text NOT NULL, color text NOT NULL, body_type text NOT NULL,
	features text NOT NULL, feature_mask bigint NOT NULL,
	box_x integer NOT NULL, box_y integer NOT NULL, box_w integer NOT NULL, box_h integer NOT NULL,
	v_status text, v_plate text, v_plate_id bigint, v_state text, v_by text, v_at bigint,
	retained boolean NOT NULL DEFAULT false,
	PRIMARY KEY (captured_at, rid)) PARTITION BY RANGE (captured_at);
CREATE INDEX reads_plate ON reads(plate_id, captured_at);
CREATE INDEX reads_vplate ON reads(v_plate_id, captured_at) WHERE v_plate_id IS NOT NULL;
CREATE INDEX reads_camera ON reads(camera_id, captured_at);
CREATE TABLE reads_kept PARTITION OF reads DEFAULT;
CREATE TABLE photos(rid bigint NOT NULL, captured_at bigint NOT NULL, jpeg bytea NOT NULL,
	PRIMARY KEY (captured_at, rid)) PARTITION BY RANGE (captured_at);
CREATE TABLE photos_kept PARTITION OF photos DEFAULT;
CREATE TABLE retentions(
	id bigserial PRIMARY KEY, read_id text NOT NULL, report_number text NOT NULL,
	category text NOT NULL, reason text NOT NULL, by_user text NOT NULL, at bigint NOT NULL,
	search_id text NOT NULL, export_id text NOT NULL);
CREATE INDEX retentions_read ON retentions(read_id);
CREATE TABLE searches(
	id text PRIMARY KEY, username text NOT NULL, created_at bigint NOT NULL,
	request text NOT NULL, hash text NOT NULL);
CREATE INDEX searches_created ON searches(created_at);
CREATE TABLE audit(
	seq bigint PRIMARY KEY, at text NOT NULL, at_ms bigint NOT NULL, actor text NOT NULL,
	role text NOT NULL, action text NOT NULL, report_number text NOT NULL,
	purpose_category text NOT NULL, purpose text NOT NULL, query text NOT NULL,
	result_count integer NOT NULL, workstation text NOT NULL, outcome text NOT NULL,
	reason text NOT NULL, prev_hash text NOT NULL, hash text NOT NULL);
CREATE INDEX audit_actor ON audit(actor, seq);
CREATE INDEX audit_report ON audit(report_number, seq);
CREATE INDEX audit_at ON audit(at_ms);
CREATE INDEX audit_action ON audit(action, at_ms);
CREATE TABLE idempotency(
	username text NOT NULL, key text NOT NULL, route text NOT NULL, status integer NOT NULL,
	body bytea NOT NULL, created_at bigint NOT NULL, PRIMARY KEY(username, key));
CREATE TABLE exports(
	id text PRIMARY KEY, kind text NOT NULL, username text NOT NULL, report_number text NOT NULL,
	search_id text NOT NULL, read_ids text NOT NULL, at bigint NOT NULL);`,
	// 2: hotlist requests, entries, alerts, alert verifications and acks.
	`CREATE TABLE hotlist_requests(
	id text PRIMARY KEY, body text NOT NULL, requested_by text NOT NULL, requested_at bigint NOT NULL,
	status text NOT NULL, decided_by text NOT NULL DEFAULT '', decided_at bigint NOT NULL DEFAULT 0,
	reason text NOT NULL DEFAULT '', entry_id text NOT NULL DEFAULT '', notice text NOT NULL DEFAULT '');
CREATE INDEX hotlist_requests_by ON hotlist_requests(requested_by, requested_at);
CREATE INDEX hotlist_requests_status ON hotlist_requests(status, requested_at);
CREATE TABLE hotlist_entries(
	id text PRIMARY KEY, plate text NOT NULL, state text NOT NULL, list text NOT NULL,
	expires_at bigint NOT NULL, request_id text NOT NULL, report_number text NOT NULL,
	vehicle_description text NOT NULL, instructions text NOT NULL, contact text NOT NULL,
	requested_by text NOT NULL, created_at bigint NOT NULL, status text NOT NULL,
	ended_by text NOT NULL DEFAULT '', ended_at bigint NOT NULL DEFAULT 0, end_reason text NOT NULL DEFAULT '');
CREATE INDEX hotlist_entries_active ON hotlist_entries(status, expires_at);
CREATE INDEX hotlist_entries_list ON hotlist_entries(list, status);
CREATE TABLE alerts(
	seq bigserial PRIMARY KEY, read_id text NOT NULL, entry_id text NOT NULL,
	list text NOT NULL, match text NOT NULL, requested_by text NOT NULL, at bigint NOT NULL,
	data text NOT NULL);
CREATE INDEX alerts_read ON alerts(read_id);
CREATE INDEX alerts_at ON alerts(at);
CREATE TABLE alert_verifications(
	alert_id text NOT NULL, username text NOT NULL, status text NOT NULL, at bigint NOT NULL,
	PRIMARY KEY(alert_id, username));
CREATE TABLE alert_acks(
	alert_id text NOT NULL, username text NOT NULL, note text NOT NULL, at bigint NOT NULL,
	PRIMARY KEY(alert_id, username));
INSERT INTO meta(key, value) VALUES ('hotlist_generation', '0') ON CONFLICT(key) DO NOTHING;`,
	// 3: supervision: search returns and outcomes, audit reviews.
	`CREATE TABLE search_returns(
	search_id text NOT NULL, read_id text NOT NULL, captured_at bigint NOT NULL,
	PRIMARY KEY(search_id, read_id));
CREATE TABLE search_outcomes(
	search_id text PRIMARY KEY, outcome text NOT NULL, note text NOT NULL, by_user text NOT NULL, at bigint NOT NULL);
CREATE TABLE audit_reviews(
	id text PRIMARY KEY, seq bigint NOT NULL, verdict text NOT NULL, note text NOT NULL,
	reviewer text NOT NULL, at bigint NOT NULL);
CREATE INDEX audit_reviews_seq ON audit_reviews(seq);`,
	// 4: training attempts.
	`CREATE TABLE training_attempts(
	id bigserial PRIMARY KEY, username text NOT NULL, exercise_id text NOT NULL,
	answer text NOT NULL, correct boolean NOT NULL, at bigint NOT NULL);
CREATE INDEX training_attempts_user ON training_attempts(username, id);`,
	// 5: the shared sign-in state: failed sign-ins per username (known or
	// not), second factors, MFA tokens, restricted token families.
	authMigration,
	// 6: accountability: hit outcomes and the plate-free daily counters.
	accountMigration,
	// 7: analyses and the reads each returned.
	analysisMigration,
	// 8: leases of the periodic jobs (one node at a time).
	leasesMigration,
	// 9: plate searches without visiting every day (search.go).
	plateKeysMigration,
	// 10: the trigram indexes without a pending list (search.go).
	trigramMigration,
	// 11: the trigram indexes with a short pending list (bulk.go).
	pendingListMigration,
	// 12: plate pages cut and counted on covering indexes (search.go).
	coveringKeysMigration,
	// 13: fuzzy patterns on the plates' own trigram index (search.go).
	canonTrigramMigration,
}

// SchemaVersion is the schema version this program brings a database to.
var SchemaVersion = len(migrations)
