-- SES bounce and complaint feedback, and the registrant correcting their address.
--
-- email_digest: keyed digest (HMAC with the lookup key) of the address the email worker last mailed,
-- written before it mails, so a bounce or complaint (which carries only the address) finds every
-- registration using it without the address being stored anywhere in clear. Erased with the rest.
-- email_undeliverable: BOUNCED (a permanent bounce) or COMPLAINED; NULL while mail can go there.
-- email_changes / email_changes_since: how often the registrant changed the address in the current
-- day-long window, so a token cannot be used to mail codes to address after address.
ALTER TABLE registration
    ADD COLUMN email_digest bytea,
    ADD COLUMN email_undeliverable text CHECK (email_undeliverable IN ('BOUNCED', 'COMPLAINED')),
    ADD COLUMN email_undeliverable_at timestamptz,
    ADD COLUMN email_changes smallint NOT NULL DEFAULT 0,
    ADD COLUMN email_changes_since timestamptz;

CREATE INDEX registration_by_email_digest ON registration (email_digest) WHERE email_digest IS NOT NULL;
