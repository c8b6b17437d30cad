-- The retention job looks for registrations that still hold personal data, wave by wave, every
-- day; erased rows (most of a wave once its retention has run) drop out of this index.
CREATE INDEX registration_unerased ON registration (wave_id) WHERE erased_at IS NULL;
