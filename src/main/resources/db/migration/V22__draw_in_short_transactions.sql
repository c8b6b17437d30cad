-- A draw that never holds its registrations' rows for longer than a short batch (docs/decisions/0009).
--
-- The ranks of a draw being made: every registration eligible when the ranking ran, its rank (the
-- SHA-256 digest; hex is the published form) and whether it fell within the quota. Written in one
-- statement that locks no registration row, copied onto the registrations in short batches, counted
-- when the draw is published, then deleted. A release while the draw is made deletes its row here.
CREATE TABLE draw_rank (
    wave_id         bigint  NOT NULL,
    registration_id uuid    NOT NULL,
    digest          bytea   NOT NULL,
    selected        boolean NOT NULL,
    PRIMARY KEY (wave_id, registration_id)
);
GRANT SELECT, INSERT, UPDATE, DELETE ON draw_rank TO gelombang_app;

-- The call that is making the wave's draw, and until when its lease runs: the call renews it with
-- each batch and each try of its publication; another call waits for it meanwhile and takes over
-- once it has run out (that call died). Both null when no draw is being made.
ALTER TABLE wave ADD COLUMN draw_running_until timestamptz;
ALTER TABLE wave ADD COLUMN draw_call uuid;

-- A release while the draw is being made (verdicts written on some rows, the draw not yet
-- published): the registration leaves the ranks and gives up its verdict and rank, whether its batch
-- had run or not; the publication counts what is left and gives the places to the next ranks. Releases take the wave's draw lock
-- shared (release_registration, before their row) and the publication takes it exclusively, so
-- none commits unseen between its count and its commit. After the draw, as V16 made it, except that
-- the next rank's notice is due at once even when its NOT_SELECTED one was queued to wait for the
-- publication (db/notices/draw-batch.sql), and that the next rank is sought past the cutoff (the
-- highest rank selected; every eligible rank below it is selected), so that the index is entered
-- there rather than read through every selected registration.
CREATE OR REPLACE FUNCTION redraw_after_release() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v_next uuid;
    v_next_rank text;
BEGIN
    IF (SELECT drawn_at FROM wave WHERE id = NEW.wave_id) IS NULL THEN
        DELETE FROM draw_rank WHERE wave_id = NEW.wave_id AND registration_id = NEW.id;
        UPDATE registration SET selection_status = NULL, selection_rank = NULL,
               status = CASE WHEN status IN ('SELECTED', 'NOT_SELECTED') THEN 'REGISTERED' ELSE status END
            WHERE id = NEW.id;
        RETURN NULL;
    END IF;
    IF OLD.selection_status = 'SELECTED' THEN
        UPDATE registration SET selection_status = 'NOT_SELECTED',
               status = CASE WHEN status = 'SELECTED' THEN 'NOT_SELECTED' ELSE status END
            WHERE id = NEW.id;
        SELECT r.id, r.selection_rank INTO v_next, v_next_rank FROM registration r
            WHERE r.wave_id = NEW.wave_id AND r.selection_status = 'NOT_SELECTED' AND r.status = 'NOT_SELECTED'
              AND r.released_at IS NULL AND r.erased_at IS NULL
              AND r.selection_rank > (SELECT draw_cutoff_rank FROM wave WHERE id = NEW.wave_id)
            ORDER BY r.selection_rank, r.id LIMIT 1
            FOR UPDATE;
        IF v_next IS NOT NULL THEN
            UPDATE registration SET selection_status = 'SELECTED', status = 'SELECTED', updated_at = NEW.released_at
                WHERE id = v_next;
            INSERT INTO verification_job (registration_id, kind, run_after, created_at)
                VALUES (v_next, 'OUTCOME_NOTICE', NEW.released_at, NEW.released_at)
                ON CONFLICT (registration_id, kind) WHERE state IN ('PENDING', 'RUNNING')
                DO UPDATE SET revision = verification_job.revision + 1,
                              run_after = least(verification_job.run_after, excluded.run_after);
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
