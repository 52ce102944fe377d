-- The awarded project (SPEC §7, 过程管理): the awarded bid's milestones, each report of a
-- deliverable (the history), the payment ledger (one entry per accepted milestone) and the one
-- extension of a project.

CREATE TABLE milestones (
    id              uuid PRIMARY KEY,
    challenge_id    uuid        NOT NULL REFERENCES challenges (id),
    -- The awarded bid; its organisation is the awardee.
    bid_id          uuid        NOT NULL REFERENCES bids (id),
    position        integer     NOT NULL CHECK (position >= 0),
    title           text        NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    due_month       integer     NOT NULL CHECK (due_month >= 1),
    share_percent   integer     NOT NULL CHECK (share_percent BETWEEN 1 AND 100),
    -- Its share of the awarded amount; the shares of a project add up to exactly that amount.
    amount_fen      bigint      NOT NULL CHECK (amount_fen >= 0),
    -- China (Beijing) calendar days. `original_due_on` is set when an extension moved `due_on`.
    due_on          date        NOT NULL,
    original_due_on date,
    status          text        NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'reported', 'returned', 'accepted')),
    version         integer     NOT NULL DEFAULT 1 CHECK (version >= 1),
    accepted_by     uuid        REFERENCES users (id),
    accepted_at     timestamptz,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    CONSTRAINT milestones_position_once UNIQUE (challenge_id, position),
    CONSTRAINT milestones_accepted CHECK ((status = 'accepted') = (accepted_at IS NOT NULL)),
    CONSTRAINT milestones_moved_later CHECK (original_due_on IS NULL OR original_due_on < due_on)
);
CREATE INDEX milestones_due_idx ON milestones (due_on) WHERE status <> 'accepted';

-- Each report of a milestone, kept: what was delivered, and what the issuer decided.
CREATE TABLE milestone_reports (
    id           uuid PRIMARY KEY,
    milestone_id uuid        NOT NULL REFERENCES milestones (id),
    deliverable  text        NOT NULL CHECK (length(deliverable) BETWEEN 1 AND 5000),
    attachments  jsonb       NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(attachments) = 'array'),
    reported_by  uuid        NOT NULL REFERENCES users (id),
    reported_at  timestamptz NOT NULL,
    outcome      text        CHECK (outcome IN ('accepted', 'returned')),
    -- The return's reason (required) or the acceptance's comment (optional).
    reason       text        CHECK (length(reason) <= 2000),
    decided_by   uuid        REFERENCES users (id),
    decided_at   timestamptz,
    CONSTRAINT milestone_reports_decided CHECK ((outcome IS NULL) = (decided_at IS NULL)),
    CONSTRAINT milestone_reports_return_reason CHECK (outcome IS DISTINCT FROM 'returned' OR reason IS NOT NULL)
);
CREATE INDEX milestone_reports_milestone_idx ON milestone_reports (milestone_id, reported_at);
-- At most one report waits for a decision.
CREATE UNIQUE INDEX milestone_reports_one_open ON milestone_reports (milestone_id) WHERE outcome IS NULL;

-- The payment ledger: recorded as due for payment, not paid by the system. One entry per milestone.
CREATE TABLE payments (
    id              uuid PRIMARY KEY,
    milestone_id    uuid        NOT NULL REFERENCES milestones (id),
    challenge_id    uuid        NOT NULL REFERENCES challenges (id),
    -- The payee: the awardee organisation.
    organization_id uuid        NOT NULL REFERENCES organizations (id),
    amount_fen      bigint      NOT NULL CHECK (amount_fen >= 0),
    status          text        NOT NULL CHECK (status IN ('held', 'released')),
    -- The latest credit check (purpose `payment`), and the one that held it, if any. No foreign
    -- key: checks are immutable and never deleted (a trigger guards them), and a reference would
    -- turn the guard's "immutable" refusal of TRUNCATE into a foreign-key error.
    credit_check_id uuid        NOT NULL,
    held_check_id   uuid,
    released_by     uuid        REFERENCES users (id),
    released_at     timestamptz,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    CONSTRAINT payments_one_per_milestone UNIQUE (milestone_id),
    CONSTRAINT payments_released CHECK ((status = 'released') = (released_at IS NOT NULL)),
    CONSTRAINT payments_held CHECK (status <> 'held' OR held_check_id IS NOT NULL)
);
CREATE INDEX payments_challenge_idx ON payments (challenge_id, created_at);
CREATE INDEX payments_organization_idx ON payments (organization_id, created_at);

-- Extension requests (延期): one approved at most per project, and one pending at a time.
CREATE TABLE project_extensions (
    id              uuid PRIMARY KEY,
    challenge_id    uuid        NOT NULL REFERENCES challenges (id),
    months          integer     NOT NULL CHECK (months BETWEEN 1 AND 12),
    reason          text        NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    status          text        NOT NULL CHECK (status IN ('pending', 'approved', 'refused')),
    requested_by    uuid        NOT NULL REFERENCES users (id),
    requested_at    timestamptz NOT NULL,
    decided_by      uuid        REFERENCES users (id),
    decided_at      timestamptz,
    decision_reason text        CHECK (length(decision_reason) <= 2000),
    CONSTRAINT project_extensions_decided CHECK ((status = 'pending') = (decided_at IS NULL)),
    CONSTRAINT project_extensions_refusal_reason CHECK (status <> 'refused' OR decision_reason IS NOT NULL)
);
CREATE UNIQUE INDEX project_extensions_one_live ON project_extensions (challenge_id)
    WHERE status IN ('pending', 'approved');
