-- A registration as one statement, so one round trip in one implicit transaction (no BEGIN/COMMIT).
-- The application has already validated the request, sealed the personal data and encrypted every
-- reply the outcome may call for; this function decides the outcome and stores the reply that applies.
--
-- It is VOLATILE PL/pgSQL on purpose: in READ COMMITTED each statement inside takes a fresh
-- snapshot, so the stored reply is read only after the Idempotency-Key's lock is held and sees a
-- reply the previous holder committed (one CTE would read it with the snapshot taken before the
-- lock). The guarantees rest where they rested before: the key's advisory lock (held: IN_FLIGHT),
-- the partial unique index on (wave, NIK digest), the conditional household upsert and the
-- conditional UPDATE of the wave, both re-checked on the latest row version.
--
-- The wave the application validated against (from its in-memory copy: id, opening and closing
-- time, household limit, selection; all NULL for "no wave") is compared with the table: on any
-- difference nothing is written and the answer is STALE, one row per wave as it is now, from which
-- the application replaces its copy and repeats the call.
--
-- p_id NULL means the request failed validation: only IN_FLIGHT, STORED or STALE can come back,
-- else INVALID, and nothing is written (invalid requests get no stored reply).
-- p_statuses and p_replies hold the reply of each outcome in this order:
-- ACCEPTED, DUPLICATE, HOUSEHOLD_LIMIT, FULL, CLOSED (encrypted bodies; NULL where impossible).
CREATE FUNCTION register_in_one_statement(
    p_key_digest text, p_lock_id bigint, p_request_digest bytea, p_now timestamptz,
    p_wave_code text, p_wave_id bigint, p_opens_at timestamptz, p_closes_at timestamptz, p_household_limit integer,
    p_draw boolean,
    p_id uuid, p_nik_digest bytea, p_kk_digest bytea, p_personal_data bytea, p_token_digest bytea,
    p_email_code_digest bytea, p_location text, p_statuses integer[], p_replies bytea[])
RETURNS TABLE (outcome text, response_status integer, location text, response_body bytea,
               request_digest bytea, registration_id uuid, wave_id bigint, wave_code text,
               wave_opens_at timestamptz, wave_closes_at timestamptz, wave_household_limit integer, wave_draw boolean)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
    v_wave_id bigint;
    v_opens_at timestamptz;
    v_closes_at timestamptz;
    v_household_limit integer;
    v_draw boolean;
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
        SELECT w.id, w.opens_at, w.closes_at, w.household_limit, w.selection = 'DRAW'
            INTO v_wave_id, v_opens_at, v_closes_at, v_household_limit, v_draw
            FROM wave w WHERE w.code = p_wave_code;
    ELSE
        SELECT w.id, w.opens_at, w.closes_at, w.household_limit, w.selection = 'DRAW'
            INTO v_wave_id, v_opens_at, v_closes_at, v_household_limit, v_draw
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

    IF v_wave_id IS NULL OR NOT (v_opens_at <= p_now AND v_closes_at > p_now) THEN
        v_outcome := 'CLOSED';
    ELSE
        INSERT INTO registration (id, wave_id, wave_code, nik_digest, kk_digest, personal_data, token_digest,
                                  status, created_at, updated_at)
        SELECT p_id, w.id, w.code, p_nik_digest, p_kk_digest, p_personal_data, p_token_digest, 'REGISTERED', p_now, p_now
            FROM wave w WHERE w.id = p_wave_id
        ON CONFLICT (wave_id, nik_digest) WHERE released_at IS NULL DO NOTHING;
        IF NOT FOUND THEN
            v_outcome := 'DUPLICATE';
        ELSE
            INSERT INTO household (wave_id, kk_digest, registered) VALUES (p_wave_id, p_kk_digest, 1)
            ON CONFLICT (wave_id, kk_digest) DO UPDATE SET registered = household.registered + 1
                WHERE household.registered < p_household_limit;
            IF NOT FOUND THEN
                v_outcome := 'HOUSEHOLD_LIMIT';
                DELETE FROM registration WHERE id = p_id;
            ELSE
                -- Last, so the wave's row lock is held for as short a time as possible.
                UPDATE wave SET registered_count = registered_count + 1
                WHERE id = p_wave_id AND (selection = 'DRAW' OR registered_count < quota)
                  AND opens_at <= p_now AND closes_at > p_now
                  AND opens_at = p_opens_at AND closes_at = p_closes_at AND household_limit = p_household_limit;
                IF FOUND THEN
                    v_outcome := 'ACCEPTED';
                    INSERT INTO verification_job (registration_id, kind, run_after, created_at)
                        SELECT p_id, kind, p_now, p_now FROM unnest(ARRAY['EMAIL_CODE', 'NIK_CHECK']) AS kind;
                    INSERT INTO email_code (registration_id, issue, code_digest, requested_at)
                        VALUES (p_id, 1, p_email_code_digest, p_now);
                ELSE
                    SELECT CASE
                        WHEN w.opens_at <> p_opens_at OR w.closes_at <> p_closes_at OR w.household_limit <> p_household_limit
                            THEN 'STALE'
                        WHEN w.opens_at <= p_now AND w.closes_at > p_now THEN 'FULL'
                        ELSE 'CLOSED' END INTO v_outcome
                        FROM wave w WHERE w.id = p_wave_id;
                    DELETE FROM registration WHERE id = p_id;
                    UPDATE household SET registered = registered - 1 WHERE wave_id = p_wave_id AND kk_digest = p_kk_digest;
                    IF v_outcome = 'STALE' THEN
                        RETURN QUERY SELECT * FROM stale_registration_waves();
                        RETURN;
                    END IF;
                END IF;
            END IF;
        END IF;
    END IF;

    v_reply := array_position(ARRAY['ACCEPTED', 'DUPLICATE', 'HOUSEHOLD_LIMIT', 'FULL', 'CLOSED'], v_outcome);
    IF p_replies[v_reply] IS NULL THEN
        RAISE EXCEPTION 'no reply given for outcome %', v_outcome;
    END IF;
    INSERT INTO idempotency_key (key_digest, request_digest, response_status, response_body, location,
                                 registration_id, created_at)
    VALUES (p_key_digest, p_request_digest, p_statuses[v_reply], p_replies[v_reply],
            CASE WHEN v_outcome = 'ACCEPTED' THEN p_location END,
            CASE WHEN v_outcome = 'ACCEPTED' THEN p_id END, p_now);
    RETURN QUERY SELECT v_outcome, NULL::integer, NULL::text, NULL::bytea, NULL::bytea, NULL::uuid,
            NULL::bigint, NULL::text, NULL::timestamptz, NULL::timestamptz, NULL::integer, NULL::boolean;
END
$$;

-- The STALE answer: every wave as it is now (at least one row, even without any wave).
CREATE FUNCTION stale_registration_waves()
RETURNS TABLE (outcome text, response_status integer, location text, response_body bytea,
               request_digest bytea, registration_id uuid, wave_id bigint, wave_code text,
               wave_opens_at timestamptz, wave_closes_at timestamptz, wave_household_limit integer, wave_draw boolean)
LANGUAGE sql STABLE AS $$
    SELECT 'STALE', NULL::integer, NULL::text, NULL::bytea, NULL::bytea, NULL::uuid,
           w.id, w.code, w.opens_at, w.closes_at, w.household_limit, w.selection = 'DRAW'
    FROM (SELECT 1) AS one LEFT JOIN wave w ON true
$$;

-- Only the application's role may call them (functions are executable by PUBLIC by default); they run
-- with the caller's rights, which V8 limits to rows.
REVOKE ALL ON FUNCTION stale_registration_waves() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION stale_registration_waves() TO gelombang_app;
REVOKE ALL ON FUNCTION register_in_one_statement(text, bigint, bytea, timestamptz, text, bigint, timestamptz, timestamptz, integer,
    boolean, uuid, bytea, bytea, bytea, bytea, bytea, text, integer[], bytea[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION register_in_one_statement(text, bigint, bytea, timestamptz, text, bigint, timestamptz, timestamptz, integer,
    boolean, uuid, bytea, bytea, bytea, bytea, bytea, text, integer[], bytea[]) TO gelombang_app;
