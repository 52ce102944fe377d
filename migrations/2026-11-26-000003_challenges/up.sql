-- Trigram matching for the challenge search (works for Chinese text as for Latin: a CJK character
-- is a word character in a UTF-8 locale).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Challenges (榜单), SPEC §2. Structured parts that are always read and written whole (KPIs,
-- rubric) are jsonb; everything that is filtered or sorted on is a column.
CREATE TABLE challenges (
    id                     uuid PRIMARY KEY,
    issuer_org_id          uuid        NOT NULL REFERENCES organizations (id),
    created_by             uuid        NOT NULL REFERENCES users (id),
    title                  text        NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    category               text        NOT NULL CHECK (category IN ('tech_breakthrough', 'achievement_transfer')),
    field                  text        NOT NULL CHECK (field IN ('new_materials', 'biomedicine', 'green_chemicals',
                                           'marine', 'new_energy', 'electronic_information', 'advanced_equipment',
                                           'modern_agriculture', 'other')),
    description            text        NOT NULL CHECK (length(description) BETWEEN 1 AND 20000),
    kpis                   jsonb       NOT NULL CHECK (jsonb_typeof(kpis) = 'array' AND jsonb_array_length(kpis) >= 1),
    bounty_fen             bigint      NOT NULL CHECK (bounty_fen > 0),
    bid_opens_at           timestamptz NOT NULL,
    bid_closes_at          timestamptz NOT NULL,
    max_duration_months    integer     NOT NULL CHECK (max_duration_months BETWEEN 1 AND 120),
    eligible_org_kinds     text[]      NOT NULL CHECK (cardinality(eligible_org_kinds) >= 1),
    general_credit_blocks  boolean     NOT NULL DEFAULT false,
    panel_size             integer     NOT NULL DEFAULT 5 CHECK (panel_size BETWEEN 3 AND 25),
    blind_review           boolean     NOT NULL DEFAULT true,
    rubric                 jsonb       NOT NULL CHECK (jsonb_typeof(rubric) = 'array'),
    publicity_days         integer     NOT NULL DEFAULT 5 CHECK (publicity_days BETWEEN 1 AND 30),
    status                 text        NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'pending_approval',
                                           'published', 'bidding_closed', 'under_review', 'publicity', 'awarded',
                                           'accepted', 'rejected', 'cancelled', 'failed')),
    -- The reason given with the last rejection or cancellation, shown to the issuer.
    status_reason          text,
    version                integer     NOT NULL DEFAULT 1 CHECK (version >= 1),
    submitted_at           timestamptz,
    published_at           timestamptz,
    bidding_closed_at      timestamptz,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    -- What the text search looks in: title and description, lower-cased once here rather than in
    -- every comparison. It starts with the title, so a match at a position within the title's
    -- length is a match in the title.
    search_text            text        GENERATED ALWAYS AS (lower(title || ' ' || description)) STORED,
    CONSTRAINT challenges_window CHECK (bid_opens_at < bid_closes_at),
    -- Published exactly when the program office approved it; a cancelled one may or may not have been.
    CONSTRAINT challenges_published CHECK (
        status = 'cancelled'
        OR (published_at IS NULL) = (status IN ('draft', 'pending_approval', 'rejected')))
);

-- What the public sees: challenges that have been published (whatever happened to them since:
-- closed, reviewed, awarded, cancelled...). `published_at` is set by approval and never cleared.
-- The list's default and sorted orders, restricted to those rows, come from these indexes.
CREATE INDEX challenges_public_published_idx ON challenges (published_at DESC NULLS LAST, id DESC)
    WHERE published_at IS NOT NULL;
CREATE INDEX challenges_public_closes_idx ON challenges (bid_closes_at, id)
    WHERE published_at IS NOT NULL;
CREATE INDEX challenges_public_bounty_idx ON challenges (bounty_fen, id)
    WHERE published_at IS NOT NULL;
CREATE INDEX challenges_issuer_idx ON challenges (issuer_org_id, created_at DESC);
CREATE INDEX challenges_status_idx ON challenges (status, bid_closes_at);
CREATE INDEX challenges_field_idx ON challenges (field, category);
-- Text search: trigram-indexed for LIKE '%…%' of three or more characters.
CREATE INDEX challenges_search_idx ON challenges USING gin (search_text gin_trgm_ops);

-- Every state transition: who, when, from, to, why.
CREATE TABLE challenge_events (
    id            bigserial PRIMARY KEY,
    challenge_id  uuid        NOT NULL REFERENCES challenges (id) ON DELETE CASCADE,
    actor_id      uuid        REFERENCES users (id),
    action        text        NOT NULL,
    from_status   text,
    to_status     text        NOT NULL,
    reason        text,
    data          jsonb       NOT NULL DEFAULT '{}',
    at            timestamptz NOT NULL
);
CREATE INDEX challenge_events_challenge_idx ON challenge_events (challenge_id, id);

-- Clarifications (答疑) added to a published challenge; every bidder is told.
CREATE TABLE challenge_clarifications (
    id            uuid PRIMARY KEY,
    challenge_id  uuid        NOT NULL REFERENCES challenges (id) ON DELETE CASCADE,
    author_id     uuid        NOT NULL REFERENCES users (id),
    question      text        CHECK (length(question) <= 2000),
    answer        text        NOT NULL CHECK (length(answer) BETWEEN 1 AND 5000),
    created_at    timestamptz NOT NULL
);
CREATE INDEX challenge_clarifications_challenge_idx ON challenge_clarifications (challenge_id, created_at, id);
