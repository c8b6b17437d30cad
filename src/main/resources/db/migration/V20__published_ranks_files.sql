-- A drawn wave's list of ranks is a file in the bucket (RanksFile), not a query per reader: a
-- national wave's list is far larger than a Lambda response may be. ranks_generation counts the
-- versions of the list: 1 at the draw, one more with each release after it (which takes a
-- registration off the list and may select the next rank). ranks_published is the version the
-- published file shows; the file is written again while it is behind.
ALTER TABLE wave ADD COLUMN ranks_generation integer NOT NULL DEFAULT 0,
                 ADD COLUMN ranks_published integer NOT NULL DEFAULT 0;

UPDATE wave SET ranks_generation = 1 WHERE drawn_at IS NOT NULL;

-- The draw starts the list at version 1; every release after it lowers draw_eligible
-- (redraw_after_release) in the release's transaction, and the list's version moves with it. Kept
-- here rather than by the application, so no write of the wave's row from an older copy can set a
-- version back.
CREATE FUNCTION ranks_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.drawn_at IS NULL AND NEW.drawn_at IS NOT NULL THEN
        NEW.ranks_generation := OLD.ranks_generation + 1;
    ELSIF OLD.drawn_at IS NOT NULL AND NEW.draw_eligible IS DISTINCT FROM OLD.draw_eligible THEN
        NEW.ranks_generation := OLD.ranks_generation + 1;
    ELSE
        NEW.ranks_generation := OLD.ranks_generation;
    END IF;
    NEW.ranks_published := greatest(OLD.ranks_published, NEW.ranks_published);
    RETURN NEW;
END
$$;
CREATE TRIGGER wave_ranks_changed BEFORE UPDATE ON wave
    FOR EACH ROW EXECUTE FUNCTION ranks_changed();

-- Only drawn waves whose file is behind are looked at, by the schedule that publishes them.
CREATE INDEX wave_ranks_behind ON wave (id) WHERE ranks_published < ranks_generation;
