-- Final acceptance (验收), SPEC §7: an expert panel drawn with the review's rules judges the
-- awarded project against each KPI the bid committed to (军令状); a strict majority of passing
-- verdicts makes the challenge `accepted`, anything else `failed`.
--
-- Tables of its own rather than the review's (whose `panel_draws` is keyed by the challenge and
-- whose assignments carry scores of bids): one acceptance per challenge, its invitations, and
-- one verdict per expert.

CREATE TABLE acceptance_panels (
    challenge_id    uuid PRIMARY KEY REFERENCES challenges (id),
    -- The awarded bid whose commitments are judged.
    bid_id          uuid        NOT NULL REFERENCES bids (id),
    -- The u64 seed, stored bit for bit in a bigint.
    seed            bigint      NOT NULL,
    panel_size      integer     NOT NULL CHECK (panel_size >= 3),
    -- Expert ids after the shuffle; the panel is the first panel_size, replacements follow.
    candidates      jsonb       NOT NULL CHECK (jsonb_typeof(candidates) = 'array'),
    exclusions      jsonb       NOT NULL CHECK (jsonb_typeof(exclusions) = 'array'),
    next_position   integer     NOT NULL CHECK (next_position >= 0),
    review_deadline timestamptz NOT NULL,
    drawn_by        uuid        NOT NULL REFERENCES users (id),
    drawn_at        timestamptz NOT NULL,
    closed_by       uuid        REFERENCES users (id),
    closed_at       timestamptz,
    result          text        CHECK (result IN ('passed', 'failed')),
    passes          integer     CHECK (passes >= 0),
    fails           integer     CHECK (fails >= 0),
    -- [{"kpi", "met", "not_met"}], over the submitted verdicts.
    kpi_tallies     jsonb       CHECK (jsonb_typeof(kpi_tallies) = 'array'),
    CONSTRAINT acceptance_panels_closed CHECK (
        (closed_at IS NULL) = (closed_by IS NULL)
        AND (closed_at IS NULL) = (result IS NULL)
        AND (closed_at IS NULL) = (passes IS NULL)
        AND (closed_at IS NULL) = (fails IS NULL)
        AND (closed_at IS NULL) = (kpi_tallies IS NULL)
    ),
    -- Passed only by a strict majority of the verdicts.
    CONSTRAINT acceptance_panels_majority CHECK (
        result IS NULL OR (result = 'passed') = (passes > fails)
    )
);

CREATE TABLE acceptance_assignments (
    id             uuid PRIMARY KEY,
    challenge_id   uuid        NOT NULL REFERENCES acceptance_panels (challenge_id),
    expert_id      uuid        NOT NULL REFERENCES experts (user_id),
    -- The expert's place in the draw's candidate order.
    position       integer     NOT NULL CHECK (position >= 0),
    status         text        NOT NULL DEFAULT 'invited'
        CHECK (status IN ('invited', 'accepted', 'declined', 'submitted')),
    decline_reason text,
    invited_at     timestamptz NOT NULL,
    responded_at   timestamptz,
    submitted_at   timestamptz,
    CONSTRAINT acceptance_assignments_once UNIQUE (challenge_id, expert_id),
    CONSTRAINT acceptance_assignments_declined_reason
        CHECK ((status = 'declined') = (decline_reason IS NOT NULL)),
    CONSTRAINT acceptance_assignments_submitted_at
        CHECK ((status = 'submitted') = (submitted_at IS NOT NULL))
);
CREATE INDEX acceptance_assignments_expert_idx ON acceptance_assignments (expert_id, status);

-- One expert's verdict: per KPI [{"kpi", "met", "comment"}], overall pass and comment. Revisable
-- until the assignment is submitted.
CREATE TABLE acceptance_verdicts (
    assignment_id uuid PRIMARY KEY REFERENCES acceptance_assignments (id),
    kpis          jsonb       NOT NULL CHECK (jsonb_typeof(kpis) = 'array'),
    pass          boolean     NOT NULL,
    comment       text        NOT NULL CHECK (length(comment) BETWEEN 1 AND 5000),
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);
