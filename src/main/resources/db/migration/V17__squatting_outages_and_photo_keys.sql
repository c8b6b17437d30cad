-- NIK squatting without a way round, and a registry outage that holds nobody's NIK for ever.

-- A NIK check queued for a NIK that the registry already rejected in the same wave (its earlier
-- registration was REJECTED and released) is a re-registration after a rejection: checked in the
-- contested class (NikCheckPriority.CONTESTED), so a squatter who registers the owner's NIK again at
-- once with a new Idempotency-Key holds it only until the registry answers, not for the hours a
-- wave's queue runs behind. Decided when the check is queued, in the statement that queues it
-- (a trigger, so that every statement that inserts a NIK check gets the same rule), from the
-- registration it belongs to; registration_by_nik (V14) serves the look-up.
CREATE FUNCTION nik_check_priority_after_rejection() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.priority < 20 AND EXISTS (
            SELECT 1 FROM registration mine JOIN registration earlier
                ON earlier.nik_digest = mine.nik_digest AND earlier.wave_id = mine.wave_id AND earlier.id <> mine.id
            WHERE mine.id = NEW.registration_id
              AND earlier.released_at IS NOT NULL AND earlier.nik_verification = 'REJECTED') THEN
        NEW.priority := 20;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER nik_check_priority_after_rejection BEFORE INSERT ON verification_job
    FOR EACH ROW WHEN (NEW.kind = 'NIK_CHECK') EXECUTE FUNCTION nik_check_priority_after_rejection();

-- The last attempt found the outside service down (no answer, 5xx, throttled, circuit open): the
-- job waits for the service, however long, instead of running out of attempts. The operator's
-- funnel counts the NIK checks that wait so (nikChecksWaitingOnRegistry).
ALTER TABLE verification_job ADD COLUMN awaiting_service boolean NOT NULL DEFAULT false;

-- NIK checks that ended FAILED because the registry was down left their registration PENDING,
-- holding its NIK for ever: they run again, under the rule above.
UPDATE verification_job j SET state = 'PENDING', attempts = 0, run_after = now(), finished_at = NULL, awaiting_service = true
    FROM registration r
    WHERE r.id = j.registration_id AND j.kind = 'NIK_CHECK' AND j.state = 'FAILED'
      AND r.nik_verification = 'PENDING' AND r.released_at IS NULL AND r.erased_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM verification_job open
                      WHERE open.registration_id = j.registration_id AND open.kind = 'NIK_CHECK'
                        AND open.state IN ('PENDING', 'RUNNING'))
      AND j.id = (SELECT max(latest.id) FROM verification_job latest
                  WHERE latest.registration_id = j.registration_id AND latest.kind = 'NIK_CHECK');

-- The accepted photo's key is chosen with the first upload URL, before any object can exist there,
-- and every later confirm writes to it: erasure deletes it whatever a confirm did before its commit
-- failed. Registrations with an upload URL outstanding get the key their confirm would have chosen.
UPDATE registration SET ktp_object_key = 'ktp/' || substr(ktp_pending_key, length('pending/') + 1)
    WHERE ktp_pending_key LIKE 'pending/%' AND ktp_object_key IS NULL;
