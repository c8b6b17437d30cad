-- The outcome notices of one batch of a draw's verdicts, queued in the batch's own transaction right
-- after db/draw/verdicts.sql (OutcomeNotices runs it through WaveDraw's DrawFollowUp hook; bench/
-- bench.py --draw-only runs it with each batch). Never in the draw's publication: a NIK rejection or
-- a void asks for its registration's notice while it holds the draw's lock shared, and would wait
-- for a publication that had queued that notice, while the publication waits for the lock. One
-- set-based statement, nothing loaded into the function: one email job per registration the batch
-- gave a verdict (once the batch ran, draw_rank holds exactly those in its range: it removed the
-- ones released since the ranking), SELECTED always and NOT_SELECTED when the wave was created with
-- notifyNotSelected. They are due when the draw is published or never will be (publishedBy: its time
-- limit and a margin); the draw makes them due at once when it is published sooner, and the worker
-- puts back any it meets before, so nobody is told a verdict that is not published. A notice already
-- waiting for the registration (queued by an earlier run of the draw) is asked for again, due with
-- this run. The worker says what is decided when it mails.
--
-- Parameters (named, bound by Hibernate; bench substitutes literals): waveId, after and last (the
-- batch's range of ids, after excluded), notifyNotSelected, publishedBy, now. Comment lines are
-- removed before the statement is sent.
INSERT INTO verification_job (registration_id, kind, run_after, created_at)
SELECT d.registration_id, 'OUTCOME_NOTICE', CAST(:publishedBy AS timestamptz), CAST(:now AS timestamptz)
FROM draw_rank d
WHERE d.wave_id = CAST(:waveId AS bigint)
  AND d.registration_id > CAST(:after AS uuid) AND d.registration_id <= CAST(:last AS uuid)
  AND (d.selected OR CAST(:notifyNotSelected AS boolean))
ON CONFLICT (registration_id, kind) WHERE state IN ('PENDING', 'RUNNING')
DO UPDATE SET revision = verification_job.revision + 1, run_after = excluded.run_after
