-- A job ends FAILED after max-attempts refusals of its own request (the outside service answered
-- and said no to this one), counted here. attempts goes on counting every try, outages included, for
-- the backoff; an outage never brings a job nearer to its end, so a check that waited out a long
-- registry outage still has all its refusals left.
ALTER TABLE verification_job ADD COLUMN failures integer NOT NULL DEFAULT 0;
