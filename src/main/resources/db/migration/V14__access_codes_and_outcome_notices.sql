-- v1.2 of the contract: the way back to a registration (a code mailed to its address) and notices of
-- its outcome (outcome notices are verification jobs of their own kind; they need no table).

-- The latest registration of a NIK across waves. Erased rows (withdrawn, or past retention) have no
-- digest any more and are not in this index.
CREATE INDEX registration_by_nik ON registration (nik_digest, created_at) WHERE nik_digest IS NOT NULL;

-- One row per NIK that asked for an access code, whether or not it has a registration: the same
-- row is written either way, so neither the answer nor its timing tells. It holds the per-NIK
-- limits (the admitted requests of the last hour) and the current code, never the code itself:
-- the code is derived from the lookup secret, the NIK and the nonce (so the email worker can mail
-- it), and only its keyed digest is compared. birth_digest is a keyed digest of the NIK with the
-- birth date the request gave; the worker mails the code only when it matches the registration's
-- sealed birth date. key_digest is the request's Idempotency-Key (a repeat issues nothing).
CREATE TABLE access_code (
    nik_digest      bytea         PRIMARY KEY,
    registration_id uuid          REFERENCES registration (id) ON DELETE CASCADE,
    birth_digest    bytea         NOT NULL,
    nonce           bigint        NOT NULL,
    code_digest     bytea         NOT NULL,
    key_digest      bytea,
    requests        timestamptz[] NOT NULL,
    requested_at    timestamptz   NOT NULL,
    -- The code lives ten minutes from here (AccessCodeRules.CODE_LIFETIME); null until mailed.
    sent_at         timestamptz,
    used_at         timestamptz,
    failed_attempts integer       NOT NULL DEFAULT 0
);
-- Erasure finds a registration's code by its id; retention forgets rows once their limits have passed.
CREATE INDEX access_code_by_registration ON access_code (registration_id) WHERE registration_id IS NOT NULL;
CREATE INDEX access_code_by_age ON access_code (requested_at);

-- A draw wave whose NOT_SELECTED registrants are told too (SELECTED ones always are).
ALTER TABLE wave ADD COLUMN notify_not_selected boolean NOT NULL DEFAULT false;

-- POST /v1/registrations/access-codes as one statement (one round trip, implicit transaction) that
-- runs the same statements whether or not a registration matches: find the NIK's latest
-- registration that is not withdrawn, write the NIK's row (a new code, if the limits and the
-- Idempotency-Key admit one), and queue the email job (a row only when both a registration matched
-- and a code was issued). The application has computed every digest before the call.
-- p_limited false (the operators' recovery) issues a code whatever the limits.
-- The registration's row is locked (FOR SHARE) before the code's, the order withdrawal takes them,
-- and a withdrawal in progress is waited for: its erased digest then no longer matches.
CREATE FUNCTION request_access_code(
    p_nik_digest bytea, p_birth_digest bytea, p_nonce bigint, p_code_digest bytea, p_key_digest bytea,
    p_now timestamptz, p_per_window integer, p_window_seconds integer, p_interval_seconds integer, p_limited boolean)
RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_registration uuid;
    v_issued boolean;
BEGIN
    SELECT r.id INTO v_registration FROM registration r
    WHERE r.nik_digest = p_nik_digest AND r.status <> 'WITHDRAWN' AND r.erased_at IS NULL
    ORDER BY r.created_at DESC, r.id DESC LIMIT 1
    FOR SHARE;

    INSERT INTO access_code AS a (nik_digest, registration_id, birth_digest, nonce, code_digest, key_digest,
                                  requests, requested_at)
    VALUES (p_nik_digest, v_registration, p_birth_digest, p_nonce, p_code_digest, p_key_digest, ARRAY[p_now], p_now)
    ON CONFLICT (nik_digest) DO UPDATE SET
        registration_id = excluded.registration_id, birth_digest = excluded.birth_digest, nonce = excluded.nonce,
        code_digest = excluded.code_digest, key_digest = excluded.key_digest,
        requests = ARRAY(SELECT t FROM unnest(a.requests) AS t
                         WHERE t > p_now - p_window_seconds * interval '1 second' ORDER BY t) || p_now,
        requested_at = p_now, sent_at = NULL, used_at = NULL, failed_attempts = 0
    WHERE NOT p_limited
       OR ((p_key_digest IS NULL OR a.key_digest IS DISTINCT FROM p_key_digest)
           AND a.requested_at <= p_now - p_interval_seconds * interval '1 second'
           AND (SELECT count(*) FROM unnest(a.requests) AS t
                WHERE t > p_now - p_window_seconds * interval '1 second') < p_per_window)
    RETURNING true INTO v_issued;

    INSERT INTO verification_job (registration_id, kind, run_after, created_at)
    SELECT v_registration, 'ACCESS_CODE', p_now, p_now WHERE v_issued AND v_registration IS NOT NULL
    ON CONFLICT (registration_id, kind) WHERE state IN ('PENDING', 'RUNNING')
    DO UPDATE SET revision = verification_job.revision + 1,
                  run_after = least(verification_job.run_after, excluded.run_after);
END
$$;

-- POST /v1/registrations/access as one statement, the same statements for every outcome: the code
-- is taken only when it was mailed, is unused, within its lifetime and its wrong tries, and both
-- its digest and the birth date's match; then the registration gets the new token's digest (every
-- earlier token stops working) and the code is used. Any other try at a live code counts as wrong.
-- Answers one row: the registration opened, or NULLs. Locks the registration's row before the
-- code's, the order withdrawal and erasure take them.
CREATE FUNCTION open_with_access_code(
    p_nik_digest bytea, p_birth_digest bytea, p_code_digest bytea, p_token_digest bytea, p_now timestamptz,
    p_lifetime_seconds integer, p_max_wrong integer)
RETURNS TABLE (opened_id uuid, opened_wave_code text, opened_status text)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_code access_code%ROWTYPE;
    v_live boolean;
    v_id uuid;
    v_wave_code text;
    v_status text;
BEGIN
    PERFORM 1 FROM registration r
    WHERE r.id = (SELECT a.registration_id FROM access_code a WHERE a.nik_digest = p_nik_digest)
    FOR NO KEY UPDATE;
    SELECT * INTO v_code FROM access_code a WHERE a.nik_digest = p_nik_digest FOR UPDATE;

    v_live := v_code.sent_at IS NOT NULL AND v_code.used_at IS NULL AND v_code.failed_attempts < p_max_wrong
              AND p_now < v_code.sent_at + p_lifetime_seconds * interval '1 second';

    UPDATE registration r SET token_digest = p_token_digest, updated_at = p_now
    WHERE r.id = v_code.registration_id AND v_live
      AND v_code.code_digest = p_code_digest AND v_code.birth_digest = p_birth_digest
      AND r.status <> 'WITHDRAWN' AND r.erased_at IS NULL
    RETURNING r.id, r.wave_code, r.status INTO v_id, v_wave_code, v_status;

    UPDATE access_code a SET used_at = CASE WHEN v_id IS NOT NULL THEN p_now END,
                             failed_attempts = a.failed_attempts + CASE WHEN v_id IS NULL THEN 1 ELSE 0 END
    WHERE a.nik_digest = p_nik_digest AND v_live;

    RETURN QUERY SELECT v_id, v_wave_code, v_status;
END
$$;

REVOKE ALL ON FUNCTION request_access_code(bytea, bytea, bigint, bytea, bytea, timestamptz, integer, integer, integer, boolean)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION request_access_code(bytea, bytea, bigint, bytea, bytea, timestamptz, integer, integer, integer, boolean)
    TO gelombang_app;
REVOKE ALL ON FUNCTION open_with_access_code(bytea, bytea, bytea, bytea, timestamptz, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION open_with_access_code(bytea, bytea, bytea, bytea, timestamptz, integer, integer) TO gelombang_app;
