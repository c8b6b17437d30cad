-- Abuse at national scale: bots registering leaked NIKs with throwaway addresses.

-- NIK checks in priority order (NikCheckPriority): the statement that learns a fact raises the
-- priority of the registration's open check (email verified: 10); the claim takes the highest
-- priority first, then the most overdue, through the index below, whatever the size of the queue.
-- The default is the lowest class, so every existing insert of a job stays what it was.
ALTER TABLE verification_job ADD COLUMN priority smallint NOT NULL DEFAULT 0;
UPDATE verification_job j SET priority = 10
    FROM registration r
    WHERE r.id = j.registration_id AND j.kind = 'NIK_CHECK' AND j.state IN ('PENDING', 'RUNNING') AND r.email_verified;
DROP INDEX verification_job_due;
CREATE INDEX verification_job_claim ON verification_job (kind, priority DESC, run_after) WHERE state IN ('PENDING', 'RUNNING');

-- Registrations per email address per wave, by a keyed digest of the address's canonical form
-- (EmailAddress.canonical): the conditional upsert on this row keeps an address within the limit
-- when registrations using it race, as household does for a family card. A registration remembers
-- the digest it counted under, so its release gives the use back.
CREATE TABLE wave_email (
    wave_id      bigint  NOT NULL,
    email_digest bytea   NOT NULL,
    registered   integer NOT NULL CHECK (registered >= 0),
    PRIMARY KEY (wave_id, email_digest)
);
ALTER TABLE registration ADD COLUMN email_use_digest bytea;

-- Registration attempts per source (a keyed digest of the caller's IPv4 address or IPv6 /64, never
-- the address) in the current minute: one row per source, reset when a new minute starts. Rows
-- change in place (no indexed column changes within a minute), so its updates stay HOT; the
-- retention run forgets rows an hour old.
CREATE TABLE request_source (
    source_digest bytea       PRIMARY KEY,
    window_start  timestamptz NOT NULL,
    requests      integer     NOT NULL
) WITH (fillfactor = 70);

-- An operator voided the registration after an identity check outside the system proved it was
-- made with someone else's NIK (status VOIDED). void_case is the case reference of that check,
-- unique per wave, so repeating the call answers the same void instead of voiding anything else.
ALTER TABLE registration ADD COLUMN voided_at timestamptz, ADD COLUMN void_case text;
CREATE UNIQUE INDEX registration_void_case ON registration (wave_id, void_case) WHERE void_case IS NOT NULL;
