-- A wave's places in shards, so that no row is locked by every registration of a wave.
--
-- Until now every accepted registration ran UPDATE wave SET registered_count = registered_count + 1
-- on the wave's one row and held that row's lock until it committed: all registrations of a wave
-- queued behind each other. Now the places of a wave are spread over place_shards rows of
-- wave_place (capacity: places in the shard; taken: places held by a registration). A registration
-- claims a place in a shard that no other transaction holds, starting from a shard picked by its
-- (random) id; the registration row records its shard, so a release gives the place back there.
-- The wave's count is sum(taken), its places left sum(capacity - taken) = quota - sum(taken).
--
-- The invariants, kept by the database for every writer:
--   per shard:  0 <= taken <= capacity                    (CHECK; capacity NULL: no cap, a draw wave)
--   per wave:   sum(capacity) = quota, for a first-come wave (the trigger below)
--   per wave:   sum(taken) = registrations holding a place (the registration and release functions)

-- A registration holds its shard until it commits, so a wave needs more shards than registrations in
-- flight at once: the API's connections (ApiConcurrency, 200 for a wave like April 2020's).
ALTER TABLE wave ADD COLUMN place_shards smallint NOT NULL DEFAULT 256 CHECK (place_shards BETWEEN 1 AND 1024);

CREATE TABLE wave_place (
    wave_id  bigint   NOT NULL REFERENCES wave (id),
    shard    smallint NOT NULL,
    -- NULL for a draw wave: its quota is how many the draw selects, not a cap.
    capacity integer,
    taken    integer  NOT NULL DEFAULT 0,
    PRIMARY KEY (wave_id, shard),
    CONSTRAINT wave_place_within_capacity CHECK (taken >= 0 AND (capacity IS NULL OR taken <= capacity))
) WITH (fillfactor = 50); -- room on each page for the new row versions, so updates stay HOT

-- Sets the capacities of a wave's shards from its quota: every shard keeps what is taken and gets an
-- equal share of the places left (the first shards one more), so the shards fill at about the same
-- moment. A draw wave's shards have no cap. Creates missing shards. Locks all of a first-come wave's
-- shards in shard order first, so it waits for the registrations holding one and the sum it reads is exact.
-- Refuses a quota below the places taken (SQLSTATE 23514, constraint wave_quota_covers_taken_places).
CREATE FUNCTION distribute_wave_places(p_wave_id bigint) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_quota  integer;
    v_draw   boolean;
    v_shards integer;
    v_taken  bigint;
    v_free   bigint;
BEGIN
    SELECT w.quota, w.selection = 'DRAW', w.place_shards INTO STRICT v_quota, v_draw, v_shards
        FROM wave w WHERE w.id = p_wave_id;
    INSERT INTO wave_place (wave_id, shard, capacity, taken)
        SELECT p_wave_id, s, CASE WHEN v_draw THEN NULL ELSE 0 END, 0 FROM generate_series(0, v_shards - 1) AS s
        ON CONFLICT (wave_id, shard) DO NOTHING;
    -- A draw wave's shards are uncapped: nothing to count, so no registration need wait for this.
    IF v_draw THEN
        UPDATE wave_place SET capacity = NULL WHERE wave_id = p_wave_id AND capacity IS NOT NULL;
        RETURN;
    END IF;
    PERFORM 1 FROM wave_place p WHERE p.wave_id = p_wave_id ORDER BY p.shard FOR NO KEY UPDATE;
    SELECT sum(p.taken), count(*) INTO v_taken, v_shards FROM wave_place p WHERE p.wave_id = p_wave_id;
    IF v_taken > v_quota THEN
        RAISE EXCEPTION 'wave % has % places taken, more than the quota %', p_wave_id, v_taken, v_quota
            USING ERRCODE = 'check_violation', CONSTRAINT = 'wave_quota_covers_taken_places';
    END IF;
    v_free := v_quota - v_taken;
    UPDATE wave_place p SET capacity = p.taken + v_free / v_shards + CASE WHEN ranked.i < v_free % v_shards THEN 1 ELSE 0 END
        FROM (SELECT shard, row_number() OVER (ORDER BY shard) - 1 AS i FROM wave_place WHERE wave_id = p_wave_id) AS ranked
        WHERE p.wave_id = p_wave_id AND p.shard = ranked.shard;
END
$$;

-- Whoever writes a wave (operators, configuration, tests, the bench), its shards follow its quota.
CREATE FUNCTION wave_places_follow_quota() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM distribute_wave_places(NEW.id);
    RETURN NULL;
END
$$;
CREATE TRIGGER wave_places_created AFTER INSERT ON wave
    FOR EACH ROW EXECUTE FUNCTION wave_places_follow_quota();
CREATE TRIGGER wave_places_follow_quota AFTER UPDATE OF quota, selection, place_shards ON wave
    FOR EACH ROW WHEN (OLD.quota IS DISTINCT FROM NEW.quota OR OLD.selection IS DISTINCT FROM NEW.selection
                       OR OLD.place_shards IS DISTINCT FROM NEW.place_shards)
    EXECUTE FUNCTION wave_places_follow_quota();

-- Claims one place in the wave and returns its shard; NULL when no shard has room.
-- A shard with room that no other transaction holds (SKIP LOCKED), from p_start up, then from 0 up
-- to p_start: concurrent registrations start from different shards and pass over each other's.
-- When every shard with room is held by another transaction (the wave's last places are being
-- claimed, or an operator is changing the quota), it sleeps a moment and looks again, until it gets a
-- place or no shard has room (as committed): so FULL is answered only when the wave is full.
-- It never waits for a shard's lock. A waiting FOR UPDATE keeps the lock of every row it checks again
-- and finds full, so waiting registrations would hold shards while waiting for other shards, and
-- deadlock in circles; a registration that sleeps instead waits for no one.
CREATE FUNCTION claim_wave_place(p_wave_id bigint, p_start integer) RETURNS smallint
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_shard smallint;
    v_pause double precision := 0.001;
BEGIN
    LOOP
        UPDATE wave_place p SET taken = p.taken + 1
            WHERE p.wave_id = p_wave_id AND (p.capacity IS NULL OR p.taken < p.capacity) AND p.shard = (
                SELECT c.shard FROM wave_place c
                WHERE c.wave_id = p_wave_id AND c.shard >= p_start AND (c.capacity IS NULL OR c.taken < c.capacity)
                ORDER BY c.shard LIMIT 1 FOR NO KEY UPDATE SKIP LOCKED)
            RETURNING p.shard INTO v_shard;
        IF FOUND THEN
            RETURN v_shard;
        END IF;
        UPDATE wave_place p SET taken = p.taken + 1
            WHERE p.wave_id = p_wave_id AND (p.capacity IS NULL OR p.taken < p.capacity) AND p.shard = (
                SELECT c.shard FROM wave_place c
                WHERE c.wave_id = p_wave_id AND c.shard < p_start AND (c.capacity IS NULL OR c.taken < c.capacity)
                ORDER BY c.shard LIMIT 1 FOR NO KEY UPDATE SKIP LOCKED)
            RETURNING p.shard INTO v_shard;
        IF FOUND THEN
            RETURN v_shard;
        END IF;
        IF NOT EXISTS (SELECT 1 FROM wave_place c
                       WHERE c.wave_id = p_wave_id AND (c.capacity IS NULL OR c.taken < c.capacity)) THEN
            RETURN NULL;
        END IF;
        -- About a commit's time, jittered so that the waiting registrations do not look all at once.
        PERFORM pg_sleep(v_pause * (0.5 + random()));
        v_pause := least(v_pause * 2, 0.016);
    END LOOP;
END
$$;

-- The shards of the waves that exist, and the place of each registration that holds one, dealt out in
-- turn so that no shard holds more than its capacity; then the capacities from each wave's quota.
ALTER TABLE registration ADD COLUMN place_shard smallint;
INSERT INTO wave_place (wave_id, shard, capacity, taken)
    SELECT w.id, s, NULL, 0 FROM wave w, generate_series(0, w.place_shards - 1) AS s;
UPDATE registration r SET place_shard = dealt.shard
    FROM (SELECT r.id, (row_number() OVER (PARTITION BY r.wave_id ORDER BY r.created_at, r.id) - 1) % w.place_shards AS shard
          FROM registration r JOIN wave w ON w.id = r.wave_id WHERE r.released_at IS NULL) AS dealt
    WHERE r.id = dealt.id;
UPDATE wave_place p SET taken = held.places
    FROM (SELECT wave_id, place_shard, count(*) AS places FROM registration
          WHERE place_shard IS NOT NULL GROUP BY wave_id, place_shard) AS held
    WHERE p.wave_id = held.wave_id AND p.shard = held.place_shard;
SELECT distribute_wave_places(id) FROM wave;

-- A registration's place is a real shard of its wave. The foreign keys to wave itself go: each insert
-- into registration or household took a FOR KEY SHARE lock on the wave's one row until commit (with
-- many at once, a new MultiXact of all of them on that row for every insert). The place's shard row
-- is one the inserting transaction has just updated itself, and household rows are only written by
-- the registration function, for the wave it has just read.
ALTER TABLE registration DROP CONSTRAINT registration_wave_id_fkey;
ALTER TABLE household DROP CONSTRAINT household_wave_id_fkey;
ALTER TABLE registration ADD CONSTRAINT registration_place_fkey
    FOREIGN KEY (wave_id, place_shard) REFERENCES wave_place (wave_id, shard);

ALTER TABLE wave DROP CONSTRAINT wave_registered_within_quota;
ALTER TABLE wave DROP COLUMN registered_count;

-- The registration in one statement (V9), with its place claimed in a shard instead of on the wave's
-- row, and with nothing inserted that a refusal would have to delete again. Same parameters and answer
-- as V9; see V9 for the contract. The order of the steps:
--   1. the Idempotency-Key's lock (held: IN_FLIGHT) and its stored reply (STORED);
--   2. the wave as the application validated it (else STALE; p_id NULL: INVALID; not open: CLOSED);
--   3. refusals decided from what is committed, without a lock or a write: the NIK already holds a
--      registration in the wave (DUPLICATE); no shard of a first-come wave has room (FULL, or
--      HOUSEHOLD_LIMIT when the family card is at its limit too);
--   4. the family card's place (conditional upsert, re-checked on the newest row version:
--      HOUSEHOLD_LIMIT), then a place in a shard (claim_wave_place: FULL when no shard has room);
--   5. the wave read again now that the place is held: an operator's change since step 2 (times,
--      household limit) gives STALE, with both places given back;
--   6. the registration with its shard; a NIK registered by a transaction that committed after step 3
--      gives DUPLICATE (the unique index decides), with both places given back;
--   7. the verification jobs, the email code and the stored reply.
-- Locks are taken in the order family card, shard, NIK (the unique index), as the release takes
-- family card then shard, so the two cannot wait on each other in a circle. The shard is held from
-- step 4 until commit; every other registration passes over it to another shard.
CREATE OR REPLACE FUNCTION register_in_one_statement(
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
    v_wave_code text;
    v_opens_at timestamptz;
    v_closes_at timestamptz;
    v_household_limit integer;
    v_draw boolean;
    v_place_shards integer;
    v_shard smallint;
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

    IF v_wave_id IS NULL OR NOT (v_opens_at <= p_now AND v_closes_at > p_now) THEN
        v_outcome := 'CLOSED';
    ELSIF EXISTS (SELECT 1 FROM registration r
                  WHERE r.wave_id = p_wave_id AND r.nik_digest = p_nik_digest AND r.released_at IS NULL) THEN
        v_outcome := 'DUPLICATE';
    ELSIF NOT p_draw AND NOT EXISTS (SELECT 1 FROM wave_place p WHERE p.wave_id = p_wave_id AND p.taken < p.capacity) THEN
        v_outcome := CASE WHEN EXISTS (SELECT 1 FROM household h WHERE h.wave_id = p_wave_id AND h.kk_digest = p_kk_digest
                                       AND h.registered >= p_household_limit)
                          THEN 'HOUSEHOLD_LIMIT' ELSE 'FULL' END;
    ELSE
        INSERT INTO household (wave_id, kk_digest, registered) VALUES (p_wave_id, p_kk_digest, 1)
        ON CONFLICT (wave_id, kk_digest) DO UPDATE SET registered = household.registered + 1
            WHERE household.registered < p_household_limit;
        IF NOT FOUND THEN
            v_outcome := 'HOUSEHOLD_LIMIT';
        ELSE
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
                                          status, place_shard, created_at, updated_at)
                VALUES (p_id, p_wave_id, v_wave_code, p_nik_digest, p_kk_digest,
                        p_personal_data, p_token_digest, 'REGISTERED', v_shard, p_now, p_now)
                ON CONFLICT (wave_id, nik_digest) WHERE released_at IS NULL DO NOTHING;
                v_outcome := CASE WHEN FOUND THEN 'ACCEPTED' ELSE 'DUPLICATE' END;
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
                UPDATE household SET registered = registered - 1 WHERE wave_id = p_wave_id AND kk_digest = p_kk_digest;
                IF v_outcome = 'STALE' THEN
                    RETURN QUERY SELECT * FROM stale_registration_waves();
                    RETURN;
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

-- Releases a registration: it leaves the one-per-NIK index (released_at set) and gives back its
-- family-card place and its place in its shard. Only the first release of a row changes anything, so
-- a rejection followed by a withdrawal returns each place once. Returns whether this call released it.
-- Takes the row, then the family card, then the shard: the registration's order for the last two.
CREATE FUNCTION release_registration(p_id uuid, p_now timestamptz) RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_wave_id bigint;
    v_kk_digest bytea;
    v_shard smallint;
BEGIN
    UPDATE registration SET released_at = p_now, updated_at = p_now
        WHERE id = p_id AND released_at IS NULL
        RETURNING wave_id, kk_digest, place_shard INTO v_wave_id, v_kk_digest, v_shard;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    UPDATE household SET registered = registered - 1 WHERE wave_id = v_wave_id AND kk_digest = v_kk_digest;
    UPDATE wave_place SET taken = taken - 1 WHERE wave_id = v_wave_id AND shard = v_shard;
    RETURN true;
END
$$;

-- Only the application's role may call them; they run with the caller's rights. The trigger's
-- function needs no grant (triggers are not called), the function it calls does.
REVOKE ALL ON FUNCTION distribute_wave_places(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION distribute_wave_places(bigint) TO gelombang_app;
REVOKE ALL ON FUNCTION wave_places_follow_quota() FROM PUBLIC;
REVOKE ALL ON FUNCTION claim_wave_place(bigint, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION claim_wave_place(bigint, integer) TO gelombang_app;
REVOKE ALL ON FUNCTION release_registration(uuid, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION release_registration(uuid, timestamptz) TO gelombang_app;
