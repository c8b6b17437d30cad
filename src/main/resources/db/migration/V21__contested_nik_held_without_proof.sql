-- When someone else was first refused for this registration's NIK (409 /duplicate-registration)
-- while the registration had not proved its email address. From then on it keeps the NIK only for
-- the contest's grace (VerificationConfig.Dukcapil.contestGrace, ContestedHold): a squatter that
-- never proves an address loses the NIK without a registry call, so bots with leaked NIK lists spend
-- none of the registry's quota. Set once, by the registration statement (R__registration.sql).
ALTER TABLE registration ADD COLUMN nik_contested_at timestamptz;
