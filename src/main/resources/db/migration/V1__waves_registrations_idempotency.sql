CREATE TABLE wave (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code             text        NOT NULL UNIQUE,
    opens_at         timestamptz NOT NULL,
    closes_at        timestamptz NOT NULL,
    quota            integer     NOT NULL CHECK (quota >= 0),
    -- Maintained in the same transaction as each registration; the CHECK is the last line of
    -- defence against overselling a wave.
    registered_count integer     NOT NULL DEFAULT 0 CHECK (registered_count >= 0 AND registered_count <= quota),
    household_limit  integer     NOT NULL DEFAULT 2 CHECK (household_limit >= 1),
    CHECK (closes_at > opens_at)
);
CREATE INDEX wave_by_closing ON wave (closes_at, opens_at);

-- Personal data lives only in personal_data (AES-GCM ciphertext, bound to the row id).
-- nik_digest and kk_digest are HMACs: they serve uniqueness and lookups without revealing the numbers.
CREATE TABLE registration (
    id                 uuid        PRIMARY KEY,
    wave_id            bigint      NOT NULL REFERENCES wave (id),
    wave_code          text        NOT NULL,
    nik_digest         bytea       NOT NULL,
    kk_digest          bytea       NOT NULL,
    personal_data      bytea       NOT NULL,
    token_digest       bytea       NOT NULL,
    status             text        NOT NULL,
    email_verified     boolean     NOT NULL DEFAULT false,
    nik_verification   text        NOT NULL DEFAULT 'PENDING',
    ktp_status         text        NOT NULL DEFAULT 'MISSING',
    ktp_reason         text,
    ktp_pending_key    text,
    ktp_content_type   text,
    ktp_content_length integer,
    ktp_checksum       text,
    ktp_object_key     text,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL
);
CREATE UNIQUE INDEX registration_one_per_nik_and_wave ON registration (wave_id, nik_digest);
CREATE UNIQUE INDEX registration_by_token ON registration (token_digest);
CREATE INDEX registration_by_household ON registration (wave_id, kk_digest);

-- The first answer to each Idempotency-Key, replayed verbatim to retries. The body can hold the
-- registration token, so it is stored encrypted.
CREATE TABLE idempotency_key (
    key_digest      text        PRIMARY KEY,
    request_digest  bytea       NOT NULL,
    response_status integer     NOT NULL,
    response_body   bytea       NOT NULL,
    location        text,
    created_at      timestamptz NOT NULL
);
CREATE INDEX idempotency_key_by_age ON idempotency_key (created_at);
