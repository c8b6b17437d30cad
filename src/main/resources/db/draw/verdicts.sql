-- One batch of a draw's verdicts: the next registrations of draw_rank after the id `after`, in id
-- order, get their rank and verdict, each in the batch's own short transaction, so no registration's
-- row is held longer than one batch (WaveDrawStatement runs it until a batch finds no row; bench/
-- bench.py --draw-only times it). Until the draw is published nobody is shown these verdicts
-- (Registration.shownStatus). The UPDATE re-checks eligibility on the latest row version; a
-- registration released since the ranking leaves draw_rank here, one released after its batch leaves
-- it in its release (V22's trigger), so what is left there when the draw is published is what it
-- counts. Writing a verdict again is harmless, so a draw that stopped halfway is simply run again.
--
-- Each statement reaches its rows by key, whatever the planner's statistics say: the ranks were
-- written a moment ago and a wave's last registrations may not be analysed yet, and a planner that
-- believes either table small would read all of it for every batch (the wave's ranks once for each
-- rank of the batch, in a nested loop). So the registrations and the ranks to delete are named by
-- their ids (ANY: an index scan of the primary key), and WaveDrawStatement.readByKeyOnly turns off
-- the scans that read a table, or all of a wave's ranks, whole.
--
-- Parameters (named, bound by Hibernate; bench substitutes literals): waveId, after (an id; the nil
-- UUID for the first batch), batchSize and now. Returns the batch's last id (null when the batch was
-- empty) and how many verdicts it wrote. Comment lines are removed before the statement is sent.
WITH batch AS (
    SELECT registration_id, digest, selected FROM draw_rank
    WHERE wave_id = CAST(:waveId AS bigint) AND registration_id > CAST(:after AS uuid)
    ORDER BY registration_id LIMIT CAST(:batchSize AS integer)),
written AS (
    UPDATE registration r
    SET selection_rank = encode(batch.digest, 'hex'),
        selection_status = CASE WHEN batch.selected THEN 'SELECTED' ELSE 'NOT_SELECTED' END,
        status = CASE WHEN batch.selected THEN 'SELECTED' ELSE 'NOT_SELECTED' END,
        updated_at = CAST(:now AS timestamptz)
    FROM batch
    WHERE r.id = batch.registration_id AND r.released_at IS NULL AND r.status NOT IN ('REJECTED', 'WITHDRAWN')
      AND r.id = ANY (ARRAY(SELECT registration_id FROM batch))
    RETURNING r.id),
released AS (
    DELETE FROM draw_rank d
    WHERE d.wave_id = CAST(:waveId AS bigint)
      AND d.registration_id = ANY (ARRAY(SELECT registration_id FROM batch WHERE registration_id NOT IN (SELECT id FROM written))))
SELECT (SELECT registration_id FROM batch ORDER BY registration_id DESC LIMIT 1) AS last,
       (SELECT count(*) FROM written) AS written
