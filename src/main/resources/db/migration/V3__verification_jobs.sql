-- The verification pipeline's durable work: one row per piece of outside work a registration
-- needs (email code, Dukcapil NIK check). Rows are inserted in the registration's own statement,
-- so no registration exists without its jobs and no job without its registration.
CREATE TABLE verification_job (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    registration_id uuid        NOT NULL REFERENCES registration (id) ON DELETE CASCADE,
    kind            text        NOT NULL,
    -- PENDING: waiting for run_after; RUNNING: claimed under a lease; DONE / FAILED: terminal.
    state           text        NOT NULL DEFAULT 'PENDING',
    -- Bumped when the work is asked for again (email resend) while a claim is running, so that
    -- claim's completion puts the job back instead of closing it.
    revision        integer     NOT NULL DEFAULT 1,
    attempts        integer     NOT NULL DEFAULT 0,
    run_after       timestamptz NOT NULL,
    lease_token     uuid,
    lease_until     timestamptz,
    -- A reason code such as "dukcapil-5xx", never personal data.
    last_error      text,
    created_at      timestamptz NOT NULL,
    finished_at     timestamptz
);
-- Due work per kind; terminal rows drop out of the index.
CREATE INDEX verification_job_due ON verification_job (kind, run_after) WHERE state IN ('PENDING', 'RUNNING');
-- At most one open job per registration and kind: asking again (resend) updates it.
CREATE UNIQUE INDEX verification_job_one_open ON verification_job (registration_id, kind)
    WHERE state IN ('PENDING', 'RUNNING');

-- The email code of a registration. The code itself is derived from a secret, the registration id
-- and the issue number, so a retried send mails the same code; only its keyed digest is stored.
-- It expires a fixed time after sent_at (EmailCodeRules.CODE_LIFETIME).
CREATE TABLE email_code (
    registration_id uuid        PRIMARY KEY REFERENCES registration (id) ON DELETE CASCADE,
    issue           integer     NOT NULL,
    code_digest     bytea       NOT NULL,
    requested_at    timestamptz NOT NULL,
    sent_at         timestamptz,
    used_at         timestamptz,
    failed_attempts integer     NOT NULL DEFAULT 0,
    locked_until    timestamptz
);

-- Pace and daily quota of each outside service, shared by every worker instance: a worker
-- reserves the next free slot with one UPDATE before it calls out.
CREATE TABLE outbound_gate (
    name       text        PRIMARY KEY,
    next_slot  timestamptz NOT NULL,
    quota_day  date        NOT NULL,
    used_today integer     NOT NULL
);

ALTER TABLE registration ADD COLUMN nik_reason text;
-- The upload event finds its registration by the object key it names.
CREATE INDEX registration_by_pending_key ON registration (ktp_pending_key) WHERE ktp_pending_key IS NOT NULL;
