-- Draws that nobody can foresee and anyone can check (contract v1.2).
--
-- A seed made outside the system: only its commitment is stored until the draw, where the operator
-- hands in the seed itself. The revealed seed of any draw is public from then on and kept in clear,
-- so publishing a draw needs no key. The highest selected rank (null when every eligible registration
-- is selected) and the key of the public file that lists every eligible registration's rank.
ALTER TABLE wave ADD COLUMN draw_seed_outside boolean NOT NULL DEFAULT false;
ALTER TABLE wave ADD COLUMN draw_seed_revealed bytea;
ALTER TABLE wave ADD COLUMN draw_cutoff_rank text;
ALTER TABLE wave ADD COLUMN draw_ranks_key text;

-- No re-roll: the keyed NIK digest of each registration withdrawn from a draw wave before its draw,
-- and nothing else. The draw deletes its wave's rows in its own transaction.
CREATE TABLE draw_withdrawal (
    wave_id    bigint NOT NULL,
    nik_digest bytea  NOT NULL,
    PRIMARY KEY (wave_id, nik_digest)
);
GRANT SELECT, INSERT, UPDATE, DELETE ON draw_withdrawal TO gelombang_app;

-- A registration whose NIK withdrew from the same draw wave is refused (SQLSTATE GW409, which the
-- application answers with 409 /withdrawn-from-draw); the whole statement is undone, places included.
-- AFTER the row is in: by then the one-per-NIK index has waited for a withdrawal that was committing,
-- and this query, run afresh, sees the digest it recorded.
CREATE FUNCTION refuse_withdrawn_from_draw() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM draw_withdrawal d WHERE d.wave_id = NEW.wave_id AND d.nik_digest = NEW.nik_digest) THEN
        RAISE EXCEPTION 'withdrawn from this draw' USING ERRCODE = 'GW409';
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER registration_not_withdrawn_from_draw AFTER INSERT ON registration
    FOR EACH ROW EXECUTE FUNCTION refuse_withdrawn_from_draw();

-- A drawn registration that stops being eligible after the draw (its NIK check rejected, or it is
-- withdrawn or voided: each releases it) gives up its verdict. When it was SELECTED, the lowest-ranked
-- registration still eligible and NOT_SELECTED takes the place (and is told, as the draw tells the
-- selected), so the wave keeps its quota selected; the published eligible and selected counts and the
-- cutoff follow, and the published ranks stay what anyone recomputes from the seed. The next one is
-- locked and re-checked (a concurrent release may have promoted it already: the scan moves on), and
-- the wave's row last, so releases in one wave never wait on each other in a circle.
CREATE FUNCTION redraw_after_release() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v_next uuid;
    v_next_rank text;
BEGIN
    IF OLD.selection_status = 'SELECTED' THEN
        UPDATE registration SET selection_status = 'NOT_SELECTED',
               status = CASE WHEN status = 'SELECTED' THEN 'NOT_SELECTED' ELSE status END
            WHERE id = NEW.id;
        SELECT r.id, r.selection_rank INTO v_next, v_next_rank FROM registration r
            WHERE r.wave_id = NEW.wave_id AND r.selection_status = 'NOT_SELECTED' AND r.status = 'NOT_SELECTED'
              AND r.released_at IS NULL AND r.erased_at IS NULL
            ORDER BY r.selection_rank, r.id LIMIT 1
            FOR UPDATE;
        IF v_next IS NOT NULL THEN
            UPDATE registration SET selection_status = 'SELECTED', status = 'SELECTED', updated_at = NEW.released_at
                WHERE id = v_next;
            INSERT INTO verification_job (registration_id, kind, run_after, created_at)
                VALUES (v_next, 'OUTCOME_NOTICE', NEW.released_at, NEW.released_at)
                ON CONFLICT (registration_id, kind) WHERE state IN ('PENDING', 'RUNNING')
                DO UPDATE SET revision = verification_job.revision + 1;
            UPDATE wave SET draw_eligible = draw_eligible - 1,
                   draw_cutoff_rank = CASE WHEN draw_eligible - 1 <= draw_selected THEN NULL ELSE v_next_rank END
                WHERE id = NEW.wave_id;
        ELSE
            UPDATE wave SET draw_eligible = draw_eligible - 1, draw_selected = draw_selected - 1, draw_cutoff_rank = NULL
                WHERE id = NEW.wave_id;
        END IF;
    ELSE
        UPDATE wave SET draw_eligible = draw_eligible - 1,
               draw_cutoff_rank = CASE WHEN draw_eligible - 1 <= draw_selected THEN NULL ELSE draw_cutoff_rank END
            WHERE id = NEW.wave_id;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER registration_redrawn_after_release AFTER UPDATE OF released_at ON registration
    FOR EACH ROW WHEN (OLD.released_at IS NULL AND NEW.released_at IS NOT NULL AND OLD.selection_status IS NOT NULL)
    EXECUTE FUNCTION redraw_after_release();
