-- Documents (附件): files attached to a challenge, a bid, a milestone or the final acceptance.
-- The bytes live in the object store under their SHA-256 (written once, never changed); a row is
-- one version of one document. A replaced document keeps its rows: versions of one document share
-- `series_id`, the current one has `replaced_at` NULL; a removed one has `removed_at` set and its
-- object kept.
CREATE TABLE documents (
    id UUID PRIMARY KEY,
    series_id UUID NOT NULL,
    version INT NOT NULL CHECK (version >= 1),
    attached_to TEXT NOT NULL CHECK (attached_to IN ('challenge', 'bid', 'milestone', 'acceptance')),
    challenge_id UUID NOT NULL REFERENCES challenges (id),
    bid_id UUID REFERENCES bids (id),
    milestone_id UUID REFERENCES milestones (id),
    file_name TEXT NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
    kind TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL CHECK (size_bytes > 0),
    sha256 TEXT NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    -- The copy a blind review's experts get (bid documents of a blind review, made at the opening).
    blind_sha256 TEXT CHECK (blind_sha256 ~ '^[0-9a-f]{64}$'),
    blind_size_bytes BIGINT,
    blind_file_name TEXT,
    blind_removed JSONB,
    blind_made_at TIMESTAMPTZ,
    uploaded_by UUID NOT NULL REFERENCES users (id),
    uploaded_at TIMESTAMPTZ NOT NULL,
    replaced_at TIMESTAMPTZ,
    removed_by UUID REFERENCES users (id),
    removed_at TIMESTAMPTZ,
    UNIQUE (series_id, version),
    CHECK ((attached_to = 'bid') = (bid_id IS NOT NULL)),
    CHECK ((attached_to = 'milestone') = (milestone_id IS NOT NULL)),
    CHECK ((blind_sha256 IS NULL) = (blind_made_at IS NULL)),
    CHECK ((removed_at IS NULL) = (removed_by IS NULL))
);

-- One current version per document.
CREATE UNIQUE INDEX documents_current_idx ON documents (series_id) WHERE replaced_at IS NULL;
CREATE INDEX documents_challenge_idx ON documents (challenge_id, attached_to);
CREATE INDEX documents_bid_idx ON documents (bid_id) WHERE bid_id IS NOT NULL;
CREATE INDEX documents_milestone_idx ON documents (milestone_id) WHERE milestone_id IS NOT NULL;
CREATE INDEX documents_sha256_idx ON documents (sha256);
