-- One row per remediation action the server executed: who (the token id, never the token), when,
-- on which storyboard, what was done to which target and what the Kubernetes API answered.
-- api_calls is a JSON array of {method, path, code, summary}; summaries name objects and never
-- carry their data. Versioned 2.1 so that a V2 written beside it on another branch still sorts first.
CREATE TABLE remediation_audit (
    id          BIGINT        NOT NULL PRIMARY KEY,
    executed_at VARCHAR(40)   NOT NULL,
    token_id    VARCHAR(32)   NOT NULL,
    token_role  VARCHAR(16)   NOT NULL,
    storyboard  VARCHAR(128)  NOT NULL,
    action      VARCHAR(64)   NOT NULL,
    target      VARCHAR(512)  NOT NULL,
    status      VARCHAR(16)   NOT NULL,
    message     TEXT          NOT NULL,
    api_calls   TEXT          NOT NULL
);

CREATE INDEX remediation_audit_storyboard ON remediation_audit (storyboard, id);
