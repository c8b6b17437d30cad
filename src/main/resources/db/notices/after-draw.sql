-- The outcome notices of a draw, queued in the transaction that publishes it, once every verdict is
-- written (OutcomeNotices runs it; bench/bench.py --draw-only times it beside the draw). One set-based
-- statement, nothing loaded into the function: one email job per drawn registration still holding
-- its place that is told,
-- SELECTED always and NOT_SELECTED when the wave was created with notifyNotSelected. A notice
-- already waiting for a registration is asked for again instead (the worker says what is decided
-- when it mails). Parameters (named, bound by Hibernate; bench substitutes literals): waveId,
-- notifyNotSelected, now. Comment lines are removed before the statement is sent.
INSERT INTO verification_job (registration_id, kind, run_after, created_at)
SELECT r.id, 'OUTCOME_NOTICE', CAST(:now AS timestamptz), CAST(:now AS timestamptz)
FROM registration r
WHERE r.wave_id = CAST(:waveId AS bigint) AND r.selection_rank IS NOT NULL AND r.released_at IS NULL
  AND (r.selection_status = 'SELECTED' OR CAST(:notifyNotSelected AS boolean))
ON CONFLICT (registration_id, kind) WHERE state IN ('PENDING', 'RUNNING')
DO UPDATE SET revision = verification_job.revision + 1
