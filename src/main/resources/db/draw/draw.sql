-- The ranking of one wave's draw, as one set-based statement inside PostgreSQL (WaveDrawStatement
-- runs it; bench/bench.py --draw-only times this same file). It reads the registrations and writes
-- only draw_rank, so it holds no registration's row lock however long it runs; the verdicts reach
-- the registrations afterwards in short batches (db/draw/verdicts.sql). Nothing is loaded into the
-- function.
--
-- Eligible are the wave's registrations that still hold their place (not released, rejected or
-- withdrawn) and, when the wave demands it, whose NIK check is VERIFIED. Each one's rank is the
-- SHA-256 of the seed bytes followed by the UTF-8 bytes of its id in canonical lowercase text (the
-- published rank is its hex); ordering the digests bytewise is ordering the lowercase hex ranks. The
-- quota lowest ranks are selected. Returns how many were ranked and how many fell within the quota.
--
-- Parameters (named, bound by Hibernate; bench substitutes literals) are seed, waveId, quota and
-- requireVerified. Comment lines are removed before the statement is sent.
WITH eligible AS (
    SELECT id, sha256(CAST(:seed AS bytea) || convert_to(CAST(id AS text), 'UTF8')) AS digest
    FROM registration
    WHERE wave_id = CAST(:waveId AS bigint)
      AND released_at IS NULL AND status NOT IN ('REJECTED', 'WITHDRAWN')
      AND (nik_verification = 'VERIFIED' OR NOT CAST(:requireVerified AS boolean))),
ranked AS (
    INSERT INTO draw_rank (wave_id, registration_id, digest, selected)
    SELECT CAST(:waveId AS bigint), id, digest, row_number() OVER (ORDER BY digest, id) <= CAST(:quota AS integer)
    FROM eligible
    RETURNING selected)
SELECT count(*) AS ranked, count(*) FILTER (WHERE selected) AS within_quota FROM ranked
