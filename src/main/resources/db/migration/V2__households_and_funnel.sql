-- Registrations per family card (KK) per wave. The conditional upsert on this row is what keeps
-- a household within the wave's limit when its members register at the same moment.
CREATE TABLE household (
    wave_id    bigint  NOT NULL REFERENCES wave (id),
    kk_digest  bytea   NOT NULL,
    registered integer NOT NULL CHECK (registered >= 0),
    PRIMARY KEY (wave_id, kk_digest)
);

-- Funnel counters per wave and stage, spread over shards so that thousands of confirmations a
-- second do not queue on one row; the funnel is the sum of at most (stages x shards) rows.
CREATE TABLE wave_funnel (
    wave_id bigint   NOT NULL REFERENCES wave (id),
    stage   text     NOT NULL,
    shard   smallint NOT NULL,
    count   bigint   NOT NULL,
    PRIMARY KEY (wave_id, stage, shard)
);
