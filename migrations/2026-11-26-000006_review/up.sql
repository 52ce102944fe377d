-- Expert review (专家评审), SPEC §5: the expert pool, the panel draw with its stored seed, order
-- and exclusions, invitations (assignments), blind scores, the stored ranking and the fee ledger.

-- An expert's profile; the account (role `expert`) carries the organisation. The ID number is kept
-- as keyed hash (to match bid teams) and masked form only.
CREATE TABLE experts (
    user_id        uuid PRIMARY KEY REFERENCES users (id),
    id_hash        bytea       NOT NULL CHECK (length(id_hash) = 32),
    id_masked      text        NOT NULL,
    fields         text[]      NOT NULL DEFAULT '{}',
    title          text        NOT NULL DEFAULT '' CHECK (length(title) <= 50),
    -- USCCs of organisations the expert declared a conflict of interest with.
    conflict_usccs text[]      NOT NULL DEFAULT '{}',
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT experts_person_once UNIQUE (id_hash)
);
CREATE INDEX experts_fields_idx ON experts USING gin (fields);

-- One draw per challenge: the seed, the ordered candidates (expert ids, after the shuffle), the
-- exclusions with their reasons, and how far down the order invitations have gone.
CREATE TABLE panel_draws (
    challenge_id    uuid PRIMARY KEY REFERENCES challenges (id),
    -- The u64 seed, stored bit for bit in a bigint.
    seed            bigint      NOT NULL,
    panel_size      integer     NOT NULL CHECK (panel_size >= 1),
    candidates      jsonb       NOT NULL CHECK (jsonb_typeof(candidates) = 'array'),
    exclusions      jsonb       NOT NULL CHECK (jsonb_typeof(exclusions) = 'array'),
    next_position   integer     NOT NULL CHECK (next_position >= 0),
    review_deadline timestamptz NOT NULL,
    drawn_by        uuid        NOT NULL REFERENCES users (id),
    drawn_at        timestamptz NOT NULL,
    closed_by       uuid        REFERENCES users (id),
    closed_at       timestamptz
);

CREATE TABLE assignments (
    id             uuid PRIMARY KEY,
    challenge_id   uuid        NOT NULL REFERENCES panel_draws (challenge_id),
    expert_id      uuid        NOT NULL REFERENCES experts (user_id),
    -- The expert's place in the draw's candidate order.
    position       integer     NOT NULL CHECK (position >= 0),
    status         text        NOT NULL DEFAULT 'invited'
        CHECK (status IN ('invited', 'accepted', 'declined', 'submitted')),
    decline_reason text,
    invited_at     timestamptz NOT NULL,
    responded_at   timestamptz,
    submitted_at   timestamptz,
    CONSTRAINT assignments_once UNIQUE (challenge_id, expert_id),
    CONSTRAINT assignments_declined_reason CHECK ((status = 'declined') = (decline_reason IS NOT NULL))
);
CREATE INDEX assignments_expert_idx ON assignments (expert_id, status);

-- One expert's score of one bid: points per criterion ([{"name", "points"}]), total, comment.
CREATE TABLE scores (
    assignment_id uuid        NOT NULL REFERENCES assignments (id),
    bid_id        uuid        NOT NULL REFERENCES bids (id),
    criteria      jsonb       NOT NULL CHECK (jsonb_typeof(criteria) = 'array'),
    total         integer     NOT NULL CHECK (total BETWEEN 0 AND 100),
    comment       text        NOT NULL CHECK (length(comment) <= 5000),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (assignment_id, bid_id)
);

-- The result computed at close, kept so that the ranking never changes afterwards.
CREATE TABLE rankings (
    challenge_id    uuid             NOT NULL REFERENCES challenges (id),
    bid_id          uuid             NOT NULL REFERENCES bids (id),
    rank            integer          NOT NULL CHECK (rank >= 1),
    score           double precision NOT NULL,
    -- [{"expert_id", "total", "dropped", "divergent"}]
    expert_totals   jsonb            NOT NULL,
    -- [{"name", "max_points", "mean"}]
    criterion_means jsonb            NOT NULL,
    PRIMARY KEY (challenge_id, bid_id)
);

-- 专家评审费: one entry per submitted review.
CREATE TABLE review_fees (
    id            uuid PRIMARY KEY,
    assignment_id uuid        NOT NULL UNIQUE REFERENCES assignments (id),
    expert_id     uuid        NOT NULL REFERENCES experts (user_id),
    challenge_id  uuid        NOT NULL REFERENCES challenges (id),
    bids_reviewed integer     NOT NULL CHECK (bids_reviewed >= 0),
    amount_fen    bigint      NOT NULL CHECK (amount_fen >= 0),
    created_at    timestamptz NOT NULL
);
CREATE INDEX review_fees_expert_idx ON review_fees (expert_id, created_at);
