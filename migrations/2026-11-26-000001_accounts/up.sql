-- Organisations (法人单位), identified by their unified social credit code.
CREATE TABLE organizations (
    id          uuid PRIMARY KEY,
    name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    uscc        text        NOT NULL UNIQUE CHECK (uscc ~ '^[0-9A-HJ-NP-RTUWXY]{18}$'),
    kind        text        NOT NULL CHECK (kind IN ('enterprise', 'university', 'institute', 'hospital', 'other')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Accounts. An account has exactly one role; every role but admin belongs to an organisation.
CREATE TABLE users (
    id               uuid PRIMARY KEY,
    email            text        NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    password_hash    text        NOT NULL,
    display_name     text        NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
    role             text        NOT NULL CHECK (role IN ('admin', 'issuer', 'solver', 'expert')),
    organization_id  uuid        REFERENCES organizations (id),
    locale           text        NOT NULL DEFAULT 'zh-CN' CHECK (locale IN ('zh-CN', 'en')),
    disabled_at      timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_role_organization CHECK ((role = 'admin') = (organization_id IS NULL))
);
-- Emails are unique case-insensitively.
CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));
CREATE INDEX users_organization_id_idx ON users (organization_id);
CREATE INDEX users_created_at_id_idx ON users (created_at, id);

-- A login session is one refresh-token family (RFC 9700 §4.14.2): every refresh rotates the token
-- inside the family, and presenting a spent token revokes the whole family. Access tokens carry the
-- session id, so revoking the session (logout, reuse, account disabled) stops them at once.
CREATE TABLE sessions (
    id              uuid PRIMARY KEY,
    user_id         uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    revoked_at      timestamptz,
    revoked_reason  text CHECK (revoked_reason IN ('logout', 'reuse', 'disabled', 'password_changed', 'role_changed'))
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

-- Refresh tokens are opaque random strings; only their SHA-256 is stored.
CREATE TABLE refresh_tokens (
    token_hash  bytea PRIMARY KEY,
    session_id  uuid        NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    issued_at   timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);
CREATE INDEX refresh_tokens_session_id_idx ON refresh_tokens (session_id);
