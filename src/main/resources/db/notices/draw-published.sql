-- A published draw's outcome notices, queued by its batches to wait for the publication at the
-- latest (db/notices/draw-batch.sql), made due now, in a transaction of its own right after the
-- publication commits and before the draw's ranks are deleted (OutcomeNotices runs it through
-- WaveDraw's DrawFollowUp hook; bench/bench.py --draw-only times it). SKIP LOCKED: a notice another
-- transaction holds (a release asking for it again, which makes it due itself; a worker claiming it)
-- is left as it is, so this never waits for a release, nor a release for it. A notice the worker
-- put back to wait for the publication (OutcomeNoticeHandler) is made due too. A notice a worker
-- holds keeps its revision: one that read the draw as unpublished puts it back until the lease of
-- the call it saw has run out, a minute and a half at most, and one that read it published mails it
-- (a new revision would have it mailed twice). Set-based, nothing loaded into the function. If it fails or runs out of time, the notices go when they were due.
--
-- Parameters (named, bound by Hibernate; bench substitutes literals): waveId, publishedBy, now.
-- Comment lines are removed before the statement is sent.
UPDATE verification_job SET run_after = CAST(:now AS timestamptz)
WHERE id IN (SELECT j.id FROM draw_rank d
             JOIN verification_job j ON j.registration_id = d.registration_id
             WHERE d.wave_id = CAST(:waveId AS bigint) AND j.kind = 'OUTCOME_NOTICE'
               AND j.state IN ('PENDING', 'RUNNING')
               AND (j.run_after = CAST(:publishedBy AS timestamptz) OR j.last_error = 'draw-not-published')
             FOR UPDATE OF j SKIP LOCKED)
