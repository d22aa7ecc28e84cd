-- The append-only ingest log: every acknowledged record and uploaded document, in the order the
-- engine applies them. seq is assigned by the one server that owns the store.
CREATE TABLE ingest_log (
    seq         BIGINT       NOT NULL PRIMARY KEY,
    stream      VARCHAR(64)  NOT NULL,
    stream_seq  BIGINT       NOT NULL,
    kind        VARCHAR(16)  NOT NULL,
    name        VARCHAR(512) NOT NULL,
    received_at VARCHAR(40)  NOT NULL,
    body        TEXT         NOT NULL
);

CREATE UNIQUE INDEX ingest_log_stream_seq ON ingest_log (stream, stream_seq);

-- API tokens: only a salted SHA-256 of the secret is kept.
CREATE TABLE api_token (
    id          VARCHAR(32)  NOT NULL PRIMARY KEY,
    role        VARCHAR(16)  NOT NULL,
    salt        VARCHAR(64)  NOT NULL,
    secret_hash VARCHAR(128) NOT NULL,
    created_at  VARCHAR(40)  NOT NULL
);
