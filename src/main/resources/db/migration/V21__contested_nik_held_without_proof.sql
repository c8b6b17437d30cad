-- When someone else was first refused for this registration's NIK (409 /duplicate-registration)
-- while the registration had not proved its email address. From then on it keeps the NIK only for
-- the contest's grace (VerificationConfig.Dukcapil.contestGrace, ContestedHold): a squatter that
-- never proves an address loses the NIK without a registry call, so bots with leaked NIK lists spend
-- none of the registry's quota. Set once, by the registration statement (R__registration.sql).
ALTER TABLE registration ADD COLUMN nik_contested_at timestamptz;

-- A NIK registered again after the registry, or the contest's grace, released it in this wave is
-- contested from the start (V17 already puts its check first): a squatter that registers the NIK again
-- the moment it is released then also has only the grace to prove an address, and is released again
-- without a registry call, instead of being checked at once (a full leaked record would pass).
CREATE OR REPLACE FUNCTION nik_check_priority_after_rejection() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.priority < 20 AND EXISTS (
            SELECT 1 FROM registration mine JOIN registration earlier
                ON earlier.nik_digest = mine.nik_digest AND earlier.wave_id = mine.wave_id AND earlier.id <> mine.id
            WHERE mine.id = NEW.registration_id
              AND earlier.released_at IS NOT NULL AND earlier.nik_verification = 'REJECTED') THEN
        NEW.priority := 20;
        UPDATE registration SET nik_contested_at = coalesce(NEW.created_at, now())
            WHERE id = NEW.registration_id AND nik_contested_at IS NULL AND NOT email_verified;
    END IF;
    RETURN NEW;
END
$$;
