-- The operator's triage state of each storyboard: open (the default, and what a storyboard with
-- no row is), acknowledged or resolved. One row per storyboard that was ever set; who set it last
-- and when. Every change is also a remediation_audit row (action 'triage'), written in the same
-- transaction. Versioned 2.2 to sort after the audit table of V2_1.
CREATE TABLE storyboard_triage (
    storyboard  VARCHAR(128)  NOT NULL PRIMARY KEY,
    status      VARCHAR(16)   NOT NULL,
    changed_at  VARCHAR(40)   NOT NULL,
    token_id    VARCHAR(32)   NOT NULL,
    token_role  VARCHAR(16)   NOT NULL
);
