-- Where each tailed file was read up to: written in the transaction that logs the lines before
-- that offset, so a restart resumes exactly after the last logged line. path is the file as
-- configured; file_key and head_hash identify the file the offset belongs to (it may be a
-- rotated copy by now): the file system's key (device and inode) and the SHA-256 of its first line.
CREATE TABLE tail_position (
    path       VARCHAR(1024) NOT NULL PRIMARY KEY,
    file_key   VARCHAR(128)  NOT NULL,
    head_hash  VARCHAR(64)   NOT NULL,
    file_offset BIGINT       NOT NULL,
    line       BIGINT        NOT NULL,
    updated_at VARCHAR(40)   NOT NULL
);

-- Idempotency keys of ingest requests, written in the transaction that logs the request's
-- records, with the answer given and the log range, so a retried request is answered again
-- without being logged twice. Rows past expires_at (epoch milliseconds) are ignored and purged.
CREATE TABLE idempotency_key (
    route        VARCHAR(128) NOT NULL,
    idem_key     VARCHAR(255) NOT NULL,
    request_hash VARCHAR(64)  NOT NULL,
    response     TEXT         NOT NULL,
    first_seq    BIGINT       NOT NULL,
    last_seq     BIGINT       NOT NULL,
    created_at   VARCHAR(40)  NOT NULL,
    expires_at   BIGINT       NOT NULL,
    PRIMARY KEY (route, idem_key)
);

CREATE INDEX idempotency_key_expires ON idempotency_key (expires_at);
