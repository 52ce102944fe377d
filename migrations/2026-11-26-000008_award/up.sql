-- Award, public notice and objections (SPEC §6): the working-day calendar, the award proposals
-- with their public notice (公示), and the objections (异议) filed against them.

-- A year of the calendar is "maintained" once an admin has stored it (even with no entries).
CREATE TABLE calendar_years (
    year        integer PRIMARY KEY CHECK (year BETWEEN 2000 AND 2100),
    updated_by  uuid NOT NULL REFERENCES users (id),
    updated_at  timestamptz NOT NULL
);

-- Public holidays (法定节假日) and make-up working days (调休上班). A day is one or the other:
-- the date is the key. Weekends are rest days unless listed as make-up days.
CREATE TABLE calendar_days (
    day   date PRIMARY KEY,
    year  integer NOT NULL REFERENCES calendar_years (year) ON DELETE CASCADE,
    kind  text NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name  text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 50),
    CHECK (extract(year FROM day) = year),
    -- A make-up working day replaces a weekend day.
    CHECK (kind <> 'workday' OR extract(isodow FROM day) IN (6, 7))
);
CREATE INDEX calendar_days_year ON calendar_days (year);

CREATE TABLE awards (
    id                   uuid PRIMARY KEY,
    challenge_id         uuid NOT NULL REFERENCES challenges (id),
    bid_id               uuid NOT NULL REFERENCES bids (id),
    organization_id      uuid NOT NULL REFERENCES organizations (id),
    amount_fen           bigint NOT NULL CHECK (amount_fen > 0),
    -- The bid's rank in the stored ranking, and whether it was the best eligible one.
    rank                 integer NOT NULL CHECK (rank >= 1),
    top_ranked           boolean NOT NULL,
    -- Required when another than the top-ranked bid is chosen.
    reason               text CHECK (reason IS NULL OR length(btrim(reason)) > 0),
    proposed_by          uuid NOT NULL REFERENCES users (id),
    proposed_at          timestamptz NOT NULL,
    -- The credit checks (purpose `award`) the proposal passed.
    proposal_check_ids   uuid[] NOT NULL,
    -- The notice: from the day after the proposal (Beijing) through `working_days` working days,
    -- ending at 24:00 Beijing time of `ends_on` (= `ends_at`).
    working_days         integer NOT NULL CHECK (working_days >= 1),
    starts_on            date NOT NULL,
    ends_on              date NOT NULL CHECK (ends_on >= starts_on),
    ends_at              timestamptz NOT NULL,
    -- False when a year the count ran through had no maintained calendar (weekends only).
    calendar_maintained  boolean NOT NULL,
    status               text NOT NULL CHECK (status IN ('publicity', 'withdrawn', 'confirmed')),
    -- The confirmation found a credit block: the award waits in publicity for the admin.
    blocked_at           timestamptz,
    confirm_check_ids    uuid[],
    withdrawn_at         timestamptz,
    withdrawn_by         uuid REFERENCES users (id),
    withdrawal_reason    text,
    confirmed_at         timestamptz,
    CHECK (top_ranked OR reason IS NOT NULL),
    CHECK ((status = 'withdrawn') = (withdrawn_at IS NOT NULL AND withdrawal_reason IS NOT NULL)),
    CHECK ((status = 'confirmed') = (confirmed_at IS NOT NULL)),
    CHECK (status <> 'confirmed' OR (blocked_at IS NULL AND confirm_check_ids IS NOT NULL))
);
-- At most one live award (in publicity or confirmed) per challenge; withdrawn ones stay.
CREATE UNIQUE INDEX awards_one_live ON awards (challenge_id) WHERE status <> 'withdrawn';
CREATE INDEX awards_newest ON awards (proposed_at DESC, id DESC);
CREATE INDEX awards_bid ON awards (bid_id);

CREATE TABLE objections (
    id              uuid PRIMARY KEY,
    award_id        uuid NOT NULL REFERENCES awards (id),
    challenge_id    uuid NOT NULL REFERENCES challenges (id),
    -- The objector, in their real name (SPEC §6); shown to admins only.
    objector_id     uuid NOT NULL REFERENCES users (id),
    objector_name   text NOT NULL,
    reason          text NOT NULL CHECK (length(btrim(reason)) BETWEEN 10 AND 2000),
    contact         text CHECK (contact IS NULL OR length(contact) <= 200),
    filed_at        timestamptz NOT NULL,
    -- `moot`: closed without a decision because the award was withdrawn.
    status          text NOT NULL CHECK (status IN ('pending', 'upheld', 'dismissed', 'moot')),
    resolved_by     uuid REFERENCES users (id),
    resolved_at     timestamptz,
    resolution      text,
    CHECK ((status = 'pending') = (resolved_at IS NULL)),
    CHECK (status = 'pending' OR resolution IS NOT NULL)
);
CREATE INDEX objections_award ON objections (award_id) WHERE status = 'pending';
-- One pending objection per person and notice: a second waits for the first to be decided.
CREATE UNIQUE INDEX objections_one_pending ON objections (award_id, objector_id) WHERE status = 'pending';
CREATE INDEX objections_objector ON objections (objector_id, filed_at DESC);
CREATE INDEX objections_newest ON objections (filed_at DESC, id DESC);
