-- Erasure of keyed digests that outlive their registrations, a wave schedule published after commit,
-- and retention that finds every wave due.

-- A family card's count (household) and an address's count (wave_email) hold a keyed digest of the
-- number or address. A row whose count falls to 0 (the last registration using it was released,
-- withdrew, or the registration that counted it was refused after all) is deleted in the same
-- statement, so no digest stays behind without a live registration needing it. The limits stay
-- exact: a registration racing the deletion waits on the row's lock in its INSERT ... ON CONFLICT,
-- then inserts afresh (count 1) once the deletion commits, or counts on if it rolled back.
CREATE FUNCTION household_forget_when_unused() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM household WHERE wave_id = NEW.wave_id AND kk_digest = NEW.kk_digest AND registered = 0;
    RETURN NULL;
END $$;
CREATE TRIGGER household_forget_when_unused AFTER UPDATE OF registered ON household
    FOR EACH ROW WHEN (NEW.registered = 0) EXECUTE FUNCTION household_forget_when_unused();

CREATE FUNCTION wave_email_forget_when_unused() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM wave_email WHERE wave_id = NEW.wave_id AND email_digest = NEW.email_digest AND registered = 0;
    RETURN NULL;
END $$;
CREATE TRIGGER wave_email_forget_when_unused AFTER UPDATE OF registered ON wave_email
    FOR EACH ROW WHEN (NEW.registered = 0) EXECUTE FUNCTION wave_email_forget_when_unused();

DELETE FROM household WHERE registered = 0;
DELETE FROM wave_email WHERE registered = 0;

-- Retention of a wave is done (the retention job set this) when nothing in its scope holds personal
-- data and no kept registration can still fall into the scope (no open NIK check). Until then the
-- published schedule keeps the wave, whatever its age, so the job keeps waking for it. A change of
-- the wave's retention settings opens it again.
ALTER TABLE wave ADD COLUMN retention_done_at timestamptz;

CREATE FUNCTION wave_retention_reopened() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.retention_days IS DISTINCT FROM OLD.retention_days OR NEW.retention_scope IS DISTINCT FROM OLD.retention_scope
            OR NEW.closes_at IS DISTINCT FROM OLD.closes_at THEN
        NEW.retention_done_at := NULL;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER wave_retention_reopened BEFORE UPDATE ON wave
    FOR EACH ROW EXECUTE FUNCTION wave_retention_reopened();

-- The published schedule (schedule/waves.json) follows the database: every change of what it shows
-- raises generation in the changing transaction; the publisher, after the commit and under an
-- advisory lock, reads the waves afresh and records the generation it published. A publication
-- that never happened (the function died, S3 refused) shows as published_generation < generation,
-- which reads that reach the database repair.
CREATE TABLE wave_schedule (
    id                   boolean PRIMARY KEY DEFAULT true CHECK (id),
    generation           bigint  NOT NULL,
    published_generation bigint  NOT NULL
);
INSERT INTO wave_schedule (id, generation, published_generation) VALUES (true, 1, 0);

CREATE FUNCTION wave_schedule_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE wave_schedule SET generation = generation + 1;
    RETURN NULL;
END $$;
CREATE TRIGGER wave_schedule_changed_by_insert_or_delete AFTER INSERT OR DELETE ON wave
    FOR EACH ROW EXECUTE FUNCTION wave_schedule_changed();
-- Only what the schedule shows: a draw's own writes (drawn_at, counts) never queue on this row.
CREATE TRIGGER wave_schedule_changed_by_update AFTER UPDATE ON wave
    FOR EACH ROW WHEN (NEW.code IS DISTINCT FROM OLD.code OR NEW.opens_at IS DISTINCT FROM OLD.opens_at
        OR NEW.closes_at IS DISTINCT FROM OLD.closes_at OR NEW.quota IS DISTINCT FROM OLD.quota
        OR NEW.retention_days IS DISTINCT FROM OLD.retention_days OR NEW.selection IS DISTINCT FROM OLD.selection
        OR NEW.draw_commitment IS DISTINCT FROM OLD.draw_commitment
        OR NEW.retention_done_at IS DISTINCT FROM OLD.retention_done_at)
    EXECUTE FUNCTION wave_schedule_changed();
