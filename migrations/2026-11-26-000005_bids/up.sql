-- Bids trust organisation membership (a solver acts for its organisation's bids), so joining an
-- organisation that is already registered, by naming its (public) USCC at registration, needs
-- approval by one of its accounts or an admin. Until then the account acts for no organisation.
ALTER TABLE users ADD COLUMN membership_pending boolean NOT NULL DEFAULT false;

-- Bids (揭榜申报), SPEC §3. Structured parts that are always read and written whole (KPI
-- commitments, milestone plan, the formal-review pre-fill) are jsonb; the team is a table of its
-- own because people are matched on it (credit checks, conflicts of interest).
CREATE TABLE bids (
    id                  uuid PRIMARY KEY,
    challenge_id        uuid        NOT NULL REFERENCES challenges (id),
    organization_id     uuid        NOT NULL REFERENCES organizations (id),
    created_by          uuid        NOT NULL REFERENCES users (id),
    -- The states of a bid. Named, so that a later migration can drop and re-add it with more
    -- states (`awarded`, `not_selected`).
    status              text        NOT NULL DEFAULT 'draft',
    CONSTRAINT bids_status_check CHECK (status IN ('draft', 'submitted', 'withdrawn', 'eligible', 'ineligible')),
    -- The code under which blind reviews show the bid ("A", "B", ..., "Z", "AA", ...). Given when
    -- bidding closes, to the submitted bids only, in an order unrelated to when they were made,
    -- so that it tells nobody how many bids were started or withdrawn; then it never changes.
    anonymous_code      text        CHECK (anonymous_code ~ '^[A-Z]+$'),
    technical_approach  text        NOT NULL DEFAULT '' CHECK (length(technical_approach) <= 50000),
    -- [{"kpi": name, "value": committed value}], one per challenge KPI once submitted.
    kpi_commitments     jsonb       NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(kpi_commitments) = 'array'),
    requested_fen       bigint      CHECK (requested_fen > 0),
    duration_months     integer     CHECK (duration_months BETWEEN 1 AND 120),
    -- [{"title", "due_month", "share_percent"}]; shares add up to 100 once submitted.
    milestones          jsonb       NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(milestones) = 'array'),
    -- The worst credit result over all parties at the last submission (a block is never stored:
    -- a blocked bid is refused).
    credit_result       text        CHECK (credit_result IN ('pass', 'warn')),
    -- What the system found at the last submission, for the formal review: completeness,
    -- eligibility of the organisation's kind, the credit result per party (by role and code).
    prefill             jsonb,
    review_result       text        CHECK (review_result IN ('eligible', 'ineligible')),
    review_reason       text,
    reviewed_by         uuid        REFERENCES users (id),
    reviewed_at         timestamptz,
    version             integer     NOT NULL DEFAULT 1 CHECK (version >= 1),
    submitted_at        timestamptz,
    withdrawn_at        timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT bids_code_unique UNIQUE (challenge_id, anonymous_code),
    CONSTRAINT bids_submitted_complete CHECK (
        status IN ('draft', 'withdrawn')
        OR (submitted_at IS NOT NULL AND requested_fen IS NOT NULL AND duration_months IS NOT NULL
            AND credit_result IS NOT NULL)),
    CONSTRAINT bids_reviewed CHECK ((review_result IS NULL) = (reviewed_at IS NULL))
);

-- One live bid per organisation per challenge, also under concurrent submissions.
CREATE UNIQUE INDEX bids_one_live_per_org ON bids (challenge_id, organization_id)
    WHERE status IN ('draft', 'submitted');
CREATE INDEX bids_challenge_idx ON bids (challenge_id, created_at);
CREATE INDEX bids_organization_idx ON bids (organization_id, created_at DESC);

-- The team of a bid: exactly one leader. ID numbers are kept as keyed hash and masked form only.
CREATE TABLE bid_members (
    bid_id     uuid    NOT NULL REFERENCES bids (id) ON DELETE CASCADE,
    position   integer NOT NULL CHECK (position >= 0),
    role       text    NOT NULL CHECK (role IN ('leader', 'member')),
    name       text    NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
    id_hash    bytea   NOT NULL CHECK (length(id_hash) = 32),
    id_masked  text    NOT NULL,
    title      text    NOT NULL DEFAULT '',
    duty       text    NOT NULL DEFAULT '',
    PRIMARY KEY (bid_id, position),
    CONSTRAINT bid_members_person_once UNIQUE (bid_id, id_hash)
);

CREATE UNIQUE INDEX bid_members_one_leader ON bid_members (bid_id) WHERE role = 'leader';
CREATE INDEX bid_members_id_hash_idx ON bid_members (id_hash);
