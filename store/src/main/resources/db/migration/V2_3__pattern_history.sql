-- What earlier runs of the engine saw of each behaviour pattern, for rarity: per scope (a
-- workload, a container or a host) and behaviour (parent>child and the command's first word, the
-- file class or the port), how often, on how many distinct UTC days, and when first and last
-- (ISO-8601 instants). Days are merged as io.sightline.engine.rarity.Sightings#plus says: a day
-- within first_seen..last_seen is not counted again.
CREATE TABLE pattern_history (
    scope       VARCHAR(512)  NOT NULL,
    behaviour   VARCHAR(512)  NOT NULL,
    seen_count  BIGINT        NOT NULL,
    seen_days   INTEGER       NOT NULL,
    first_seen  VARCHAR(40)   NOT NULL,
    last_seen   VARCHAR(40)   NOT NULL,
    PRIMARY KEY (scope, behaviour)
);

-- The last ingest log entry whose patterns the server merged into pattern_history (one row, id 1):
-- a restart replays the log, and what it counts up to this entry is history already.
CREATE TABLE pattern_history_mark (
    id             INTEGER NOT NULL PRIMARY KEY,
    merged_through BIGINT  NOT NULL
);
