-- v1.1 of the contract: registrations that stop holding their place (a NIK the registry rejected,
-- a withdrawal), waves decided by a draw, erasure of personal data, and the operators' audit trail.

-- A registration that no longer holds its NIK, family-card slot and place in the wave: the NIK
-- check rejected it, or its registrant withdrew. Released rows leave the uniqueness rule, so the
-- NIK's rightful owner can register in the same wave.
ALTER TABLE registration ADD COLUMN released_at timestamptz;
DROP INDEX registration_one_per_nik_and_wave;
CREATE UNIQUE INDEX registration_one_per_nik_and_wave ON registration (wave_id, nik_digest) WHERE released_at IS NULL;

-- Erasure: what remains of a withdrawn or retained-past-its-time registration is a record without
-- personal data (id, wave, timestamps, status). The lookup digests are keyed hashes of the NIK and
-- family card, so they go too.
ALTER TABLE registration ALTER COLUMN personal_data DROP NOT NULL;
ALTER TABLE registration ALTER COLUMN nik_digest DROP NOT NULL;
ALTER TABLE registration ALTER COLUMN kk_digest DROP NOT NULL;
ALTER TABLE registration ADD COLUMN withdrawn_at timestamptz;
ALTER TABLE registration ADD COLUMN erased_at timestamptz;

-- The draw's verdict for this registration: SELECTED / NOT_SELECTED and the hex rank it came from.
ALTER TABLE registration ADD COLUMN selection_status text;
ALTER TABLE registration ADD COLUMN selection_rank text;

-- The stored reply knows its registration, so withdrawal can erase it (it holds the token and the
-- personal answer); the request fingerprint is a keyed hash of personal data and goes with it.
ALTER TABLE idempotency_key ADD COLUMN registration_id uuid;
ALTER TABLE idempotency_key ALTER COLUMN request_digest DROP NOT NULL;
CREATE INDEX idempotency_key_by_registration ON idempotency_key (registration_id) WHERE registration_id IS NOT NULL;

-- How a wave selects: FIRST_COME (the quota caps registrations, taken in order) or DRAW (every
-- eligible registration is taken while open; quota is how many the draw selects).
ALTER TABLE wave ADD COLUMN selection text NOT NULL DEFAULT 'FIRST_COME' CHECK (selection IN ('FIRST_COME', 'DRAW'));
-- The quota caps registrations only in first-come waves (V1 named its check implicitly).
DO $$
DECLARE quota_check text;
BEGIN
    SELECT conname INTO STRICT quota_check FROM pg_constraint
    WHERE conrelid = 'wave'::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%registered_count <= quota%';
    EXECUTE format('ALTER TABLE wave DROP CONSTRAINT %I', quota_check);
END $$;
ALTER TABLE wave ADD CONSTRAINT wave_registered_within_quota
    CHECK (registered_count >= 0 AND (selection = 'DRAW' OR registered_count <= quota));
ALTER TABLE wave ADD COLUMN draw_requires_verified_nik boolean NOT NULL DEFAULT false;
-- The 32-byte seed, encrypted like other secrets until the draw reveals it; its SHA-256 (hex) is
-- published while the wave is open.
ALTER TABLE wave ADD COLUMN draw_seed bytea;
ALTER TABLE wave ADD COLUMN draw_commitment text;
ALTER TABLE wave ADD COLUMN drawn_at timestamptz;
ALTER TABLE wave ADD COLUMN draw_eligible integer;
ALTER TABLE wave ADD COLUMN draw_selected integer;
CREATE INDEX registration_by_wave_and_rank ON registration (wave_id, selection_rank) WHERE selection_rank IS NOT NULL;

-- Retention: personal data of a wave's registrations is erased this many days after its close;
-- NOT_SELECTED keeps the selected registrants' data (the programme needs it), ALL erases everyone.
ALTER TABLE wave ADD COLUMN retention_days integer NOT NULL DEFAULT 90 CHECK (retention_days BETWEEN 1 AND 3650);
ALTER TABLE wave ADD COLUMN retention_scope text NOT NULL DEFAULT 'NOT_SELECTED'
    CHECK (retention_scope IN ('NOT_SELECTED', 'ALL'));

-- What operators did: who, what, when, on which wave. Never personal data. Append-only: the
-- trigger refuses every change or deletion of a row once written.
CREATE TABLE operator_audit (
    id        bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        timestamptz NOT NULL,
    actor     text        NOT NULL,
    action    text        NOT NULL,
    wave_code text,
    details   jsonb       NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX operator_audit_by_time ON operator_audit (at);
CREATE FUNCTION operator_audit_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'operator_audit is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER operator_audit_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON operator_audit
    FOR EACH STATEMENT EXECUTE FUNCTION operator_audit_is_append_only();
