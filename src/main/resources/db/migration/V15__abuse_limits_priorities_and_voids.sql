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

-- The registration in one statement as V10 made it (places in shards, refusals decided before any
-- insert; see V9 and V10 for the contract), with two limits on volume decided inside it, so exactly
-- whatever runs at the same moment; each is off when its limit is 0 or its digest NULL:
--   * registrations per email address per wave: p_email_digest is a keyed digest of the address's
--     canonical form. Refused from what is committed with the other refusals of step 3 (an address
--     at its limit: EMAIL_LIMIT, after the family card's HOUSEHOLD_LIMIT); then, after the family
--     card's place and before the shard's, the conditional upsert on wave_email keeps the count
--     within p_email_limit when registrations using the address race, as household does for a
--     family card. The registration records the digest it counted under (email_use_digest), so
--     release_registration gives the use back; any refusal after the upsert gives it back at once.
--   * registration attempts per source per minute: p_source_digest is a keyed digest of the caller's
--     address (never the address), p_source_window the minute. Beyond p_source_limit attempts this
--     minute the answer is RATE_LIMITED, decided from what is committed, with nothing written and no
--     reply stored (a retry with the same Idempotency-Key after the minute is a first attempt). An
--     attempt is counted when it is decided (a stored reply: accepted or refused), last, so the
--     source's row is locked only from there to the commit; attempts of one source running at the
--     same instant can pass the limit by their number, which a backstop behind the edge allows.
-- Locks in the order family card, email address, shard, NIK (the unique index), source; the release
-- takes family card, email address, shard. Replies, in the order of p_statuses and p_replies:
-- ACCEPTED, DUPLICATE, HOUSEHOLD_LIMIT, FULL, CLOSED, EMAIL_LIMIT.
DROP FUNCTION register_in_one_statement(text, bigint, bytea, timestamptz, text, bigint, timestamptz, timestamptz, integer,
    boolean, uuid, bytea, bytea, bytea, bytea, bytea, text, integer[], bytea[]);
CREATE FUNCTION register_in_one_statement(
    p_key_digest text, p_lock_id bigint, p_request_digest bytea, p_now timestamptz,
    p_wave_code text, p_wave_id bigint, p_opens_at timestamptz, p_closes_at timestamptz, p_household_limit integer,
    p_draw boolean,
    p_id uuid, p_nik_digest bytea, p_kk_digest bytea, p_personal_data bytea, p_token_digest bytea,
    p_email_code_digest bytea, p_location text, p_statuses integer[], p_replies bytea[],
    p_email_digest bytea, p_email_limit integer, p_source_digest bytea, p_source_window timestamptz, p_source_limit integer)
RETURNS TABLE (outcome text, response_status integer, location text, response_body bytea,
               request_digest bytea, registration_id uuid, wave_id bigint, wave_code text,
               wave_opens_at timestamptz, wave_closes_at timestamptz, wave_household_limit integer, wave_draw boolean)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
    v_wave_id bigint;
    v_wave_code text;
    v_opens_at timestamptz;
    v_closes_at timestamptz;
    v_household_limit integer;
    v_draw boolean;
    v_place_shards integer;
    v_shard smallint;
    v_email_limited boolean := p_email_digest IS NOT NULL AND p_email_limit > 0;
    v_email_counted boolean := false;
    v_outcome text;
    v_reply integer;
BEGIN
    IF NOT pg_try_advisory_xact_lock(p_lock_id) THEN
        RETURN QUERY SELECT 'IN_FLIGHT', NULL::integer, NULL::text, NULL::bytea, NULL::bytea, NULL::uuid,
            NULL::bigint, NULL::text, NULL::timestamptz, NULL::timestamptz, NULL::integer, NULL::boolean;
        RETURN;
    END IF;

    RETURN QUERY SELECT 'STORED', k.response_status, k.location, k.response_body, k.request_digest, k.registration_id,
            NULL::bigint, NULL::text, NULL::timestamptz, NULL::timestamptz, NULL::integer, NULL::boolean
        FROM idempotency_key k WHERE k.key_digest = p_key_digest;
    IF FOUND THEN
        RETURN;
    END IF;

    -- The wave as the application chose it: by code, else the earliest-opened wave open now.
    IF p_wave_code IS NOT NULL THEN
        SELECT w.id, w.code, w.opens_at, w.closes_at, w.household_limit, w.selection = 'DRAW', w.place_shards
            INTO v_wave_id, v_wave_code, v_opens_at, v_closes_at, v_household_limit, v_draw, v_place_shards
            FROM wave w WHERE w.code = p_wave_code;
    ELSE
        SELECT w.id, w.code, w.opens_at, w.closes_at, w.household_limit, w.selection = 'DRAW', w.place_shards
            INTO v_wave_id, v_wave_code, v_opens_at, v_closes_at, v_household_limit, v_draw, v_place_shards
            FROM wave w WHERE w.closes_at > p_now ORDER BY w.opens_at, w.id LIMIT 1;
        IF v_opens_at > p_now THEN
            v_wave_id := NULL;
            v_opens_at := NULL;
            v_closes_at := NULL;
            v_household_limit := NULL;
            v_draw := NULL;
        END IF;
    END IF;
    IF v_wave_id IS DISTINCT FROM p_wave_id OR v_opens_at IS DISTINCT FROM p_opens_at
            OR v_closes_at IS DISTINCT FROM p_closes_at OR v_household_limit IS DISTINCT FROM p_household_limit
            OR v_draw IS DISTINCT FROM p_draw THEN
        RETURN QUERY SELECT * FROM stale_registration_waves();
        RETURN;
    END IF;
    IF p_id IS NULL THEN
        RETURN QUERY SELECT 'INVALID', NULL::integer, NULL::text, NULL::bytea, NULL::bytea, NULL::uuid,
            NULL::bigint, NULL::text, NULL::timestamptz, NULL::timestamptz, NULL::integer, NULL::boolean;
        RETURN;
    END IF;

    -- A source at its limit this minute: refused from what is committed, without a lock or a write.
    IF p_source_digest IS NOT NULL AND p_source_limit > 0 AND EXISTS (
            SELECT 1 FROM request_source s WHERE s.source_digest = p_source_digest AND s.window_start = p_source_window
              AND s.requests >= p_source_limit) THEN
        RETURN QUERY SELECT 'RATE_LIMITED', NULL::integer, NULL::text, NULL::bytea, NULL::bytea, NULL::uuid,
            NULL::bigint, NULL::text, NULL::timestamptz, NULL::timestamptz, NULL::integer, NULL::boolean;
        RETURN;
    END IF;

    IF v_wave_id IS NULL OR NOT (v_opens_at <= p_now AND v_closes_at > p_now) THEN
        v_outcome := 'CLOSED';
    ELSIF EXISTS (SELECT 1 FROM registration r
                  WHERE r.wave_id = p_wave_id AND r.nik_digest = p_nik_digest AND r.released_at IS NULL) THEN
        v_outcome := 'DUPLICATE';
        -- Someone else is refused for this NIK: the holder's pending check goes ahead of every other
        -- (NikCheckPriority.CONTESTED), whatever its email and age, so that a squatter holds an owner's
        -- NIK only until the registry has answered. Taken while this statement holds no other lock.
        UPDATE verification_job j SET priority = 20
            FROM registration r
            WHERE r.wave_id = p_wave_id AND r.nik_digest = p_nik_digest AND r.released_at IS NULL
              AND j.registration_id = r.id AND j.kind = 'NIK_CHECK' AND j.state = 'PENDING' AND j.priority < 20;
    ELSIF NOT p_draw AND NOT EXISTS (SELECT 1 FROM wave_place p WHERE p.wave_id = p_wave_id AND p.taken < p.capacity) THEN
        v_outcome := CASE WHEN EXISTS (SELECT 1 FROM household h WHERE h.wave_id = p_wave_id AND h.kk_digest = p_kk_digest
                                       AND h.registered >= p_household_limit)
                          THEN 'HOUSEHOLD_LIMIT'
                          WHEN v_email_limited AND EXISTS (SELECT 1 FROM wave_email e WHERE e.wave_id = p_wave_id
                                       AND e.email_digest = p_email_digest AND e.registered >= p_email_limit)
                          THEN 'EMAIL_LIMIT' ELSE 'FULL' END;
    ELSIF v_email_limited
            AND EXISTS (SELECT 1 FROM wave_email e WHERE e.wave_id = p_wave_id AND e.email_digest = p_email_digest
                        AND e.registered >= p_email_limit)
            AND NOT EXISTS (SELECT 1 FROM household h WHERE h.wave_id = p_wave_id AND h.kk_digest = p_kk_digest
                            AND h.registered >= p_household_limit) THEN
        v_outcome := 'EMAIL_LIMIT';
    ELSE
        INSERT INTO household (wave_id, kk_digest, registered) VALUES (p_wave_id, p_kk_digest, 1)
        ON CONFLICT (wave_id, kk_digest) DO UPDATE SET registered = household.registered + 1
            WHERE household.registered < p_household_limit;
        IF NOT FOUND THEN
            v_outcome := 'HOUSEHOLD_LIMIT';
        ELSE
            IF v_email_limited THEN
                INSERT INTO wave_email (wave_id, email_digest, registered) VALUES (p_wave_id, p_email_digest, 1)
                ON CONFLICT (wave_id, email_digest) DO UPDATE SET registered = wave_email.registered + 1
                    WHERE wave_email.registered < p_email_limit;
                v_email_counted := FOUND;
                IF NOT v_email_counted THEN
                    v_outcome := 'EMAIL_LIMIT';
                END IF;
            END IF;
            IF v_outcome IS NULL THEN
                -- The first shard tried comes from the registration's random id (two of its random bytes).
                v_shard := claim_wave_place(p_wave_id,
                    (get_byte(uuid_send(p_id), 14) * 256 + get_byte(uuid_send(p_id), 15)) % v_place_shards);
                IF v_shard IS NULL THEN
                    v_outcome := 'FULL';
                ELSIF NOT EXISTS (SELECT 1 FROM wave w WHERE w.id = p_wave_id AND w.opens_at = p_opens_at
                                  AND w.closes_at = p_closes_at AND w.household_limit = p_household_limit
                                  AND (w.selection = 'DRAW') = p_draw) THEN
                    v_outcome := 'STALE';
                ELSE
                    INSERT INTO registration (id, wave_id, wave_code, nik_digest, kk_digest, personal_data, token_digest,
                                              status, place_shard, email_use_digest, created_at, updated_at)
                    VALUES (p_id, p_wave_id, v_wave_code, p_nik_digest, p_kk_digest,
                            p_personal_data, p_token_digest, 'REGISTERED', v_shard,
                            CASE WHEN v_email_counted THEN p_email_digest END, p_now, p_now)
                    ON CONFLICT (wave_id, nik_digest) WHERE released_at IS NULL DO NOTHING;
                    v_outcome := CASE WHEN FOUND THEN 'ACCEPTED' ELSE 'DUPLICATE' END;
                END IF;
            END IF;
            IF v_outcome = 'ACCEPTED' THEN
                INSERT INTO verification_job (registration_id, kind, run_after, created_at)
                    SELECT p_id, kind, p_now, p_now FROM unnest(ARRAY['EMAIL_CODE', 'NIK_CHECK']) AS kind;
                INSERT INTO email_code (registration_id, issue, code_digest, requested_at)
                    VALUES (p_id, 1, p_email_code_digest, p_now);
            ELSE
                IF v_shard IS NOT NULL THEN
                    UPDATE wave_place SET taken = taken - 1 WHERE wave_id = p_wave_id AND shard = v_shard;
                END IF;
                IF v_email_counted THEN
                    UPDATE wave_email SET registered = registered - 1
                        WHERE wave_id = p_wave_id AND email_digest = p_email_digest;
                END IF;
                UPDATE household SET registered = registered - 1 WHERE wave_id = p_wave_id AND kk_digest = p_kk_digest;
                IF v_outcome = 'STALE' THEN
                    RETURN QUERY SELECT * FROM stale_registration_waves();
                    RETURN;
                END IF;
            END IF;
        END IF;
    END IF;

    v_reply := array_position(ARRAY['ACCEPTED', 'DUPLICATE', 'HOUSEHOLD_LIMIT', 'FULL', 'CLOSED', 'EMAIL_LIMIT'], v_outcome);
    IF p_replies[v_reply] IS NULL THEN
        RAISE EXCEPTION 'no reply given for outcome %', v_outcome;
    END IF;
    INSERT INTO idempotency_key (key_digest, request_digest, response_status, response_body, location,
                                 registration_id, created_at)
    VALUES (p_key_digest, p_request_digest, p_statuses[v_reply], p_replies[v_reply],
            CASE WHEN v_outcome = 'ACCEPTED' THEN p_location END,
            CASE WHEN v_outcome = 'ACCEPTED' THEN p_id END, p_now);
    -- The attempt is decided: it counts against its source's minute (last, so the row is locked
    -- only until the commit that follows).
    IF p_source_digest IS NOT NULL AND p_source_limit > 0 THEN
        INSERT INTO request_source AS s (source_digest, window_start, requests) VALUES (p_source_digest, p_source_window, 1)
        ON CONFLICT (source_digest) DO UPDATE SET
            requests = CASE WHEN s.window_start = excluded.window_start THEN s.requests + 1 ELSE 1 END,
            window_start = excluded.window_start;
    END IF;
    RETURN QUERY SELECT v_outcome, NULL::integer, NULL::text, NULL::bytea, NULL::bytea, NULL::uuid,
            NULL::bigint, NULL::text, NULL::timestamptz, NULL::timestamptz, NULL::integer, NULL::boolean;
END
$$;

-- The release as V10 made it (the row, then the family card, then the shard), giving back the
-- registration's email-address use too, between the family card and the shard: the registration's
-- order of those locks.
CREATE OR REPLACE FUNCTION release_registration(p_id uuid, p_now timestamptz) RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_wave_id bigint;
    v_kk_digest bytea;
    v_shard smallint;
    v_email_digest bytea;
BEGIN
    UPDATE registration SET released_at = p_now, updated_at = p_now
        WHERE id = p_id AND released_at IS NULL
        RETURNING wave_id, kk_digest, place_shard, email_use_digest INTO v_wave_id, v_kk_digest, v_shard, v_email_digest;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    UPDATE household SET registered = registered - 1 WHERE wave_id = v_wave_id AND kk_digest = v_kk_digest;
    IF v_email_digest IS NOT NULL THEN
        UPDATE wave_email SET registered = registered - 1 WHERE wave_id = v_wave_id AND email_digest = v_email_digest;
    END IF;
    UPDATE wave_place SET taken = taken - 1 WHERE wave_id = v_wave_id AND shard = v_shard;
    RETURN true;
END
$$;

REVOKE ALL ON FUNCTION register_in_one_statement(text, bigint, bytea, timestamptz, text, bigint, timestamptz, timestamptz, integer,
    boolean, uuid, bytea, bytea, bytea, bytea, bytea, text, integer[], bytea[], bytea, integer, bytea, timestamptz, integer)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION register_in_one_statement(text, bigint, bytea, timestamptz, text, bigint, timestamptz, timestamptz, integer,
    boolean, uuid, bytea, bytea, bytea, bytea, bytea, text, integer[], bytea[], bytea, integer, bytea, timestamptz, integer)
    TO gelombang_app;
