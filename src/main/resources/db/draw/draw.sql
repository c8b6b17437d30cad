-- The draw of one wave, as one set-based statement inside PostgreSQL (WaveDrawStatement runs it;
-- bench/bench.py --draw-only times this same file). Nothing is loaded into the function.
--
-- Eligible are the wave's registrations that still hold their place (not released, rejected or
-- withdrawn) and, when the wave demands it, whose NIK check is VERIFIED. Each one's rank is the
-- SHA-256 of the seed bytes followed by the UTF-8 bytes of its id in canonical lowercase text, as
-- hex; ordering the digests bytewise is ordering the lowercase hex ranks. The quota lowest ranks
-- are SELECTED, the others NOT_SELECTED. The UPDATE re-checks eligibility on the latest row version,
-- and the counts and the highest selected rank (the published cutoff) come from the rows it really changed.
--
-- Parameters (named, bound by Hibernate; bench substitutes literals) are seed, waveId, quota,
-- requireVerified and now. Comment lines are removed before the statement is sent.
WITH eligible AS (
    SELECT id, sha256(CAST(:seed AS bytea) || convert_to(CAST(id AS text), 'UTF8')) AS digest
    FROM registration
    WHERE wave_id = CAST(:waveId AS bigint)
      AND released_at IS NULL AND status NOT IN ('REJECTED', 'WITHDRAWN')
      AND (nik_verification = 'VERIFIED' OR NOT CAST(:requireVerified AS boolean))),
ranked AS (
    SELECT id, encode(digest, 'hex') AS rank,
           CASE WHEN row_number() OVER (ORDER BY digest, id) <= CAST(:quota AS integer)
                THEN 'SELECTED' ELSE 'NOT_SELECTED' END AS verdict
    FROM eligible),
drawn AS (
    UPDATE registration r
    SET selection_rank = ranked.rank, selection_status = ranked.verdict, status = ranked.verdict,
        updated_at = CAST(:now AS timestamptz)
    FROM ranked
    WHERE r.id = ranked.id AND r.released_at IS NULL AND r.status NOT IN ('REJECTED', 'WITHDRAWN')
    RETURNING r.selection_status, r.selection_rank)
SELECT count(*) AS eligible, count(*) FILTER (WHERE selection_status = 'SELECTED') AS selected,
       max(selection_rank) FILTER (WHERE selection_status = 'SELECTED') AS highest_selected_rank FROM drawn
