-- Credit (信用审查), SPEC §4: the registry of dishonesty records, the imports that fill it, the checks
-- made against it (immutable), and batch reviews.
--
-- Subjects: an organisation by its USCC (kept plain: it is public), a person by a keyed HMAC of the
-- ID number (never the number itself) and its masked form. `subject_key` is what look-ups match on:
-- the USCC, or the hex of the HMAC; `subject_code` is what is shown: the USCC, or the masked number.
CREATE TABLE credit_records (
    id                uuid PRIMARY KEY,
    subject_kind      text        NOT NULL CHECK (subject_kind IN ('organization', 'person')),
    subject_key       text        NOT NULL,
    subject_code      text        NOT NULL,
    subject_name      text        NOT NULL CHECK (length(subject_name) BETWEEN 1 AND 200),
    severity          text        NOT NULL CHECK (severity IN ('serious', 'general')),
    category          text        NOT NULL DEFAULT '',
    reason            text        NOT NULL DEFAULT '',
    -- The deciding authority (认定单位).
    authority         text        NOT NULL DEFAULT '',
    -- Where the record came from (an import's source, or 'manual') and its id there.
    source            text        NOT NULL CHECK (length(source) BETWEEN 1 AND 100),
    source_record_id  text        NOT NULL CHECK (length(source_record_id) BETWEEN 1 AND 100),
    decided_on        date        NOT NULL,
    valid_until       date,
    -- Credit repair (信用修复): from this date on the record no longer counts.
    repaired_on       date,
    repair_note       text,
    repaired_by       uuid REFERENCES users (id),
    repaired_at       timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT credit_records_source_key UNIQUE (source, source_record_id),
    CONSTRAINT credit_records_validity CHECK (valid_until IS NULL OR valid_until >= decided_on),
    CONSTRAINT credit_records_repair CHECK ((repaired_on IS NULL) = (repair_note IS NULL))
);
CREATE INDEX credit_records_subject_idx ON credit_records (subject_key);
CREATE INDEX credit_records_list_idx ON credit_records (created_at DESC, id DESC);

-- One import of a file: its summary and the report of rejected lines (capped).
CREATE TABLE credit_imports (
    id                 uuid PRIMARY KEY,
    source             text        NOT NULL,
    file_name          text,
    encoding           text        NOT NULL,
    size_bytes         bigint      NOT NULL,
    sha256             bytea       NOT NULL,
    read_rows          integer     NOT NULL,
    inserted           integer     NOT NULL,
    updated            integer     NOT NULL,
    unchanged          integer     NOT NULL,
    rejected           integer     NOT NULL,
    rejected_lines     jsonb       NOT NULL DEFAULT '[]',
    rejected_truncated boolean     NOT NULL DEFAULT false,
    created_by         uuid REFERENCES users (id),
    created_at         timestamptz NOT NULL
);
CREATE INDEX credit_imports_created_idx ON credit_imports (created_at DESC, id DESC);

-- A batch review of the subjects involved in a set of challenges.
CREATE TABLE credit_reviews (
    id          uuid PRIMARY KEY,
    selection   jsonb       NOT NULL,
    totals      jsonb       NOT NULL,
    subjects    integer     NOT NULL,
    created_by  uuid REFERENCES users (id),
    created_at  timestamptz NOT NULL
);

-- Every check, as it was made: never changed afterwards.
CREATE TABLE credit_checks (
    id              uuid PRIMARY KEY,
    subject_kind    text        NOT NULL CHECK (subject_kind IN ('organization', 'person')),
    subject_key     text        NOT NULL,
    subject_code    text        NOT NULL,
    subject_name    text        NOT NULL,
    purpose         text        NOT NULL CHECK (purpose IN ('bid_submit', 'award', 'award_confirm',
                                    'panel_draw', 'payment', 'manual', 'batch_review')),
    general_blocks  boolean     NOT NULL,
    standing        text        NOT NULL CHECK (standing IN ('serious', 'general', 'good')),
    result          text        NOT NULL CHECK (result IN ('pass', 'warn', 'block')),
    -- The records that counted, as they were at the moment of the check.
    matched         jsonb       NOT NULL DEFAULT '[]',
    requested_by    uuid REFERENCES users (id),
    -- Deferred: a review stores its checks first, then itself with their totals.
    review_id       uuid REFERENCES credit_reviews (id) DEFERRABLE INITIALLY DEFERRED,
    context         jsonb,
    checked_at      timestamptz NOT NULL
);
CREATE INDEX credit_checks_checked_idx ON credit_checks (checked_at DESC, id DESC);
CREATE INDEX credit_checks_subject_idx ON credit_checks (subject_key, checked_at DESC);
CREATE INDEX credit_checks_review_idx ON credit_checks (review_id) WHERE review_id IS NOT NULL;

CREATE FUNCTION credit_checks_are_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'credit_checks are immutable: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER credit_checks_no_update_delete
    BEFORE UPDATE OR DELETE ON credit_checks
    FOR EACH ROW EXECUTE FUNCTION credit_checks_are_immutable();
CREATE TRIGGER credit_checks_no_truncate
    BEFORE TRUNCATE ON credit_checks
    FOR EACH STATEMENT EXECUTE FUNCTION credit_checks_are_immutable();
