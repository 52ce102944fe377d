-- Commitments (承诺书): versioned texts that a person reads and signs before an act that binds
-- them (an expert accepting a seat on a review or acceptance panel; later a bidder submitting).
-- Version 1 of each kind is the repository's default text (commitments/<kind>.<lang>.md),
-- stored the first time it is needed, with no publisher; admins publish later versions. A
-- version is never changed: `sha256` is the hex SHA-256 of the zh-CN text's UTF-8 bytes, one
-- NUL byte, and the English text's UTF-8 bytes (docs/reviews.md, "Commitments").
CREATE TABLE commitment_versions (
    id UUID PRIMARY KEY,
    kind TEXT NOT NULL CONSTRAINT commitment_versions_kind
        CHECK (kind IN ('expert_review', 'expert_acceptance')),
    version INT NOT NULL CHECK (version >= 1),
    text_zh TEXT NOT NULL CHECK (length(text_zh) BETWEEN 1 AND 20000),
    text_en TEXT NOT NULL CHECK (length(text_en) BETWEEN 1 AND 20000),
    sha256 TEXT NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    published_at TIMESTAMPTZ NOT NULL,
    -- NULL only for version 1, the repository's text.
    published_by UUID REFERENCES users (id),
    UNIQUE (kind, version),
    -- The target of the signatures' (version_id, kind) key.
    UNIQUE (id, kind),
    CHECK (version = 1 OR published_by IS NOT NULL)
);

-- One signature: who signed which version, for what, when, from where, and the hash of the
-- text they were shown. Exactly one thing signed, of the kind the version is for.
CREATE TABLE commitment_signatures (
    id UUID PRIMARY KEY,
    version_id UUID NOT NULL,
    kind TEXT NOT NULL,
    signer_id UUID NOT NULL REFERENCES users (id),
    assignment_id UUID REFERENCES assignments (id),
    acceptance_assignment_id UUID REFERENCES acceptance_assignments (id),
    sha256 TEXT NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    -- The client's address as the audit log records it (text; NULL when unknown).
    client_addr TEXT,
    signed_at TIMESTAMPTZ NOT NULL,
    FOREIGN KEY (version_id, kind) REFERENCES commitment_versions (id, kind),
    -- Named, so that a new kind (the bidders' `bid_integrity`, with a `bid_id`) replaces them.
    CONSTRAINT commitment_signatures_one_object
        CHECK (num_nonnulls(assignment_id, acceptance_assignment_id) = 1),
    CONSTRAINT commitment_signatures_review_seat
        CHECK ((kind = 'expert_review') = (assignment_id IS NOT NULL)),
    CONSTRAINT commitment_signatures_acceptance_seat
        CHECK ((kind = 'expert_acceptance') = (acceptance_assignment_id IS NOT NULL)),
    UNIQUE (assignment_id),
    UNIQUE (acceptance_assignment_id)
);

CREATE INDEX commitment_signatures_version_idx ON commitment_signatures (version_id);
CREATE INDEX commitment_signatures_signer_idx ON commitment_signatures (signer_id);
