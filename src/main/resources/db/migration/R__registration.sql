-- The registration's functions as they are now: their one home. Flyway applies this file after the
-- versioned scripts whenever its text changes, so a change to them is an edit here; the copies in
-- V9, V10 and V15 are what those versions applied, kept as history. A change of a function's
-- parameters or result needs a DROP here first (CREATE OR REPLACE keeps both).

-- The current wave at p_now: of the waves not yet closed, the earliest-opened (ties: the lowest id).
-- It is open when it has opened, else it is the next to open; none when every wave has closed.
-- The one rule for "current wave": the registration below and Wave.currentOrNext ask it, and
-- id.gelombang.wave.CurrentWave, which the in-memory copies use, is tested to answer the same.
CREATE OR REPLACE FUNCTION current_wave(p_now timestamptz) RETURNS SETOF wave
LANGUAGE sql STABLE AS $$
    SELECT * FROM wave w WHERE w.closes_at > p_now ORDER BY w.opens_at, w.id LIMIT 1
$$;

-- Its id, for callers that compare (Wave.currentOrNext's query).
CREATE OR REPLACE FUNCTION current_wave_id(p_now timestamptz) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT id FROM current_wave(p_now)
$$;

-- The STALE answer: every wave as it is now (at least one row, even without any wave).
CREATE OR REPLACE FUNCTION stale_registration_waves()
RETURNS TABLE (outcome text, response_status integer, location text, response_body bytea,
               request_digest bytea, registration_id uuid, wave_id bigint, wave_code text,
               wave_opens_at timestamptz, wave_closes_at timestamptz, wave_household_limit integer, wave_draw boolean)
LANGUAGE sql STABLE AS $$
    SELECT 'STALE', NULL::integer, NULL::text, NULL::bytea, NULL::bytea, NULL::uuid,
           w.id, w.code, w.opens_at, w.closes_at, w.household_limit, w.selection = 'DRAW'
    FROM (SELECT 1) AS one LEFT JOIN wave w ON true
$$;

-- A registration as one statement, so one round trip in one implicit transaction (no BEGIN/COMMIT).
-- The application has already validated the request, sealed the personal data and encrypted every
-- reply the outcome may call for; this function decides the outcome and stores the reply that applies.
--
-- It is VOLATILE PL/pgSQL on purpose: in READ COMMITTED each statement inside takes a fresh
-- snapshot, so the stored reply is read only after the Idempotency-Key's lock is held and sees a
-- reply the previous holder committed (one CTE would read it with the snapshot taken before the
-- lock). The guarantees rest on the key's advisory lock (held: IN_FLIGHT), the partial unique index
-- on (wave, NIK digest), the conditional upserts of the family card and the email address, and the
-- claim of a place in one of the wave's shards, each re-checked on the latest row version.
--
-- The wave the application validated against (from its in-memory copy: id, opening and closing
-- time, household limit, selection; all NULL for "no wave") is compared with the table: on any
-- difference nothing is written and the answer is STALE, one row per wave as it is now, from which
-- the application replaces its copy and repeats the call. p_id NULL means the request failed
-- validation: only IN_FLIGHT, STORED, STALE or RATE_LIMITED can come back, else INVALID, and nothing
-- is written (invalid requests get no stored reply).
--
-- The steps, after the key's lock, its stored reply and the wave's check:
--   1. a source at its limit this minute: RATE_LIMITED, nothing written, no reply stored;
--   2. refusals decided from what is committed, without a lock or a write but one: the wave is not
--      open (CLOSED); the NIK already holds a registration in the wave (DUPLICATE: the holder's NIK
--      check goes first, and a holder without a proved address is marked contested, its row locked); no shard of a first-come wave has room (FULL, or HOUSEHOLD_LIMIT /
--      EMAIL_LIMIT when the family card or the address is at its limit too); the address at its limit;
--   3. the family card's place (conditional upsert: HOUSEHOLD_LIMIT), the address's use (conditional
--      upsert: EMAIL_LIMIT), then a place in a shard (claim_wave_place: FULL when no shard has room);
--   4. the wave read again now that the place is held: an operator's change since the check gives
--      STALE, with every place given back;
--   5. the registration with its shard; a NIK registered by a transaction that committed after step 2
--      gives DUPLICATE (the unique index decides), with every place given back;
--   6. the verification jobs, the email code, the stored reply, and the attempt counted against its
--      source's minute (last, so that row is locked only until the commit).
-- Locks are taken in the order family card, email address, shard, NIK (the unique index), source;
-- the release takes family card, email address, shard, so the two cannot wait on each other in a circle.
--
-- Limits on volume are off when their limit is 0 or their digest NULL: p_email_digest is a keyed
-- digest of the address's canonical form, p_source_digest one of the caller's address (never the
-- address), p_source_window the minute.
--
-- The replies: p_replies[i] with status p_statuses[i] is the reply of the outcome p_reply_outcomes[i]
-- (by name, any order; NULL where the outcome is impossible). A decided outcome without a reply is an
-- error. p_reply_outcomes defaults to the order callers that pass the arrays by position use.
DROP FUNCTION IF EXISTS register_in_one_statement(text, bigint, bytea, timestamptz, text, bigint, timestamptz, timestamptz, integer,
    boolean, uuid, bytea, bytea, bytea, bytea, bytea, text, integer[], bytea[], bytea, integer, bytea, timestamptz, integer);
CREATE OR REPLACE FUNCTION register_in_one_statement(
    p_key_digest text, p_lock_id bigint, p_request_digest bytea, p_now timestamptz,
    p_wave_code text, p_wave_id bigint, p_opens_at timestamptz, p_closes_at timestamptz, p_household_limit integer,
    p_draw boolean,
    p_id uuid, p_nik_digest bytea, p_kk_digest bytea, p_personal_data bytea, p_token_digest bytea,
    p_email_code_digest bytea, p_location text, p_statuses integer[], p_replies bytea[],
    p_email_digest bytea, p_email_limit integer, p_source_digest bytea, p_source_window timestamptz, p_source_limit integer,
    p_reply_outcomes text[] DEFAULT ARRAY['ACCEPTED', 'DUPLICATE', 'HOUSEHOLD_LIMIT', 'FULL', 'CLOSED', 'EMAIL_LIMIT'])
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

    -- The wave as the application chose it: by code, else the current wave if it is open.
    IF p_wave_code IS NOT NULL THEN
        SELECT w.id, w.code, w.opens_at, w.closes_at, w.household_limit, w.selection = 'DRAW', w.place_shards
            INTO v_wave_id, v_wave_code, v_opens_at, v_closes_at, v_household_limit, v_draw, v_place_shards
            FROM wave w WHERE w.code = p_wave_code;
    ELSE
        SELECT w.id, w.code, w.opens_at, w.closes_at, w.household_limit, w.selection = 'DRAW', w.place_shards
            INTO v_wave_id, v_wave_code, v_opens_at, v_closes_at, v_household_limit, v_draw, v_place_shards
            FROM current_wave(p_now) w;
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
        -- NIK only until the registry has answered; a holder that has not proved its email address is
        -- marked contested, and the check releases it without a registry call once the contest's
        -- grace has passed unproved (ContestedHold). Taken while this statement holds no other lock.
        UPDATE registration r SET nik_contested_at = p_now
            WHERE r.wave_id = p_wave_id AND r.nik_digest = p_nik_digest AND r.released_at IS NULL
              AND r.nik_contested_at IS NULL AND NOT r.email_verified AND r.nik_verification = 'PENDING';
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

    v_reply := array_position(p_reply_outcomes, v_outcome);
    IF v_reply IS NULL OR p_replies[v_reply] IS NULL THEN
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

-- The release: the registration leaves the one-per-NIK index (released_at set) and gives back its
-- family-card place, its email address's use and its place in its shard, taking the row, then the
-- family card, the address and the shard: the registration's order. Only the first release of a row
-- changes anything, so a rejection followed by a withdrawal returns each place once. Returns whether
-- this call released it. Before it changes anything it takes its wave's draw lock shared (key
-- 'DRAW', wave id): a draw being published takes it exclusively for a moment, so that no release
-- commits unseen between the publication's count and its commit (V22); releases never wait on each
-- other for it. Its callers hold the registration's row already (a withdrawal, a NIK rejection and a
-- void each lock it first), so the publication, holding the lock, must never wait for a
-- registration's row: its promotions lock the next ranks NOWAIT.
CREATE OR REPLACE FUNCTION release_registration(p_id uuid, p_now timestamptz) RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_wave_id bigint;
    v_kk_digest bytea;
    v_shard smallint;
    v_email_digest bytea;
BEGIN
    PERFORM pg_advisory_xact_lock_shared(1146241367, CAST(wave_id AS integer)) FROM registration WHERE id = p_id;
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

-- Only the application's role may call them (functions are executable by PUBLIC by default); they run
-- with the caller's rights, which V8 limits to rows.
REVOKE ALL ON FUNCTION current_wave(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION current_wave(timestamptz) TO gelombang_app;
REVOKE ALL ON FUNCTION current_wave_id(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION current_wave_id(timestamptz) TO gelombang_app;
REVOKE ALL ON FUNCTION stale_registration_waves() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION stale_registration_waves() TO gelombang_app;
REVOKE ALL ON FUNCTION register_in_one_statement(text, bigint, bytea, timestamptz, text, bigint, timestamptz, timestamptz, integer,
    boolean, uuid, bytea, bytea, bytea, bytea, bytea, text, integer[], bytea[], bytea, integer, bytea, timestamptz, integer, text[])
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION register_in_one_statement(text, bigint, bytea, timestamptz, text, bigint, timestamptz, timestamptz, integer,
    boolean, uuid, bytea, bytea, bytea, bytea, bytea, text, integer[], bytea[], bytea, integer, bytea, timestamptz, integer, text[])
    TO gelombang_app;
REVOKE ALL ON FUNCTION release_registration(uuid, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION release_registration(uuid, timestamptz) TO gelombang_app;
