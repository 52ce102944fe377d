// @generated automatically by Diesel CLI.

diesel::table! {
    audit_log (id) {
        id -> Int8,
        at -> Timestamptz,
        actor_id -> Nullable<Uuid>,
        action -> Text,
        object_type -> Text,
        object_id -> Nullable<Text>,
        summary -> Jsonb,
        client_addr -> Nullable<Text>,
        request_id -> Nullable<Text>,
        prev_hash -> Bytea,
        hash -> Bytea,
    }
}

diesel::table! {
    background_jobs (id) {
        id -> Int8,
        kind -> Text,
        payload -> Jsonb,
        dedupe_key -> Nullable<Text>,
        run_at -> Timestamptz,
        attempts -> Int4,
        max_attempts -> Int4,
        status -> Text,
        last_error -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    challenge_clarifications (id) {
        id -> Uuid,
        challenge_id -> Uuid,
        author_id -> Uuid,
        question -> Nullable<Text>,
        answer -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    challenge_events (id) {
        id -> Int8,
        challenge_id -> Uuid,
        actor_id -> Nullable<Uuid>,
        action -> Text,
        from_status -> Nullable<Text>,
        to_status -> Text,
        reason -> Nullable<Text>,
        data -> Jsonb,
        at -> Timestamptz,
    }
}

diesel::table! {
    challenges (id) {
        id -> Uuid,
        issuer_org_id -> Uuid,
        created_by -> Uuid,
        title -> Text,
        category -> Text,
        field -> Text,
        description -> Text,
        kpis -> Jsonb,
        bounty_fen -> Int8,
        bid_opens_at -> Timestamptz,
        bid_closes_at -> Timestamptz,
        max_duration_months -> Int4,
        eligible_org_kinds -> Array<Nullable<Text>>,
        general_credit_blocks -> Bool,
        panel_size -> Int4,
        blind_review -> Bool,
        rubric -> Jsonb,
        publicity_days -> Int4,
        status -> Text,
        status_reason -> Nullable<Text>,
        version -> Int4,
        submitted_at -> Nullable<Timestamptz>,
        published_at -> Nullable<Timestamptz>,
        bidding_closed_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        search_text -> Nullable<Text>,
    }
}

diesel::table! {
    notifications (id) {
        id -> Uuid,
        user_id -> Uuid,
        kind -> Text,
        title -> Text,
        body -> Text,
        data -> Jsonb,
        read_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    organizations (id) {
        id -> Uuid,
        name -> Text,
        uscc -> Text,
        kind -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    refresh_tokens (token_hash) {
        token_hash -> Bytea,
        session_id -> Uuid,
        issued_at -> Timestamptz,
        expires_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    sessions (id) {
        id -> Uuid,
        user_id -> Uuid,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        revoked_at -> Nullable<Timestamptz>,
        revoked_reason -> Nullable<Text>,
    }
}

diesel::table! {
    users (id) {
        id -> Uuid,
        email -> Text,
        password_hash -> Text,
        display_name -> Text,
        role -> Text,
        organization_id -> Nullable<Uuid>,
        locale -> Text,
        disabled_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::joinable!(challenge_clarifications -> challenges (challenge_id));
diesel::joinable!(challenge_clarifications -> users (author_id));
diesel::joinable!(challenge_events -> challenges (challenge_id));
diesel::joinable!(challenge_events -> users (actor_id));
diesel::joinable!(challenges -> organizations (issuer_org_id));
diesel::joinable!(challenges -> users (created_by));
diesel::joinable!(notifications -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(users -> organizations (organization_id));

diesel::allow_tables_to_appear_in_same_query!(
    audit_log,
    background_jobs,
    challenge_clarifications,
    challenge_events,
    challenges,
    notifications,
    organizations,
    refresh_tokens,
    sessions,
    users,
);
