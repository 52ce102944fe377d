// @generated automatically by Diesel CLI.

diesel::table! {
    acceptance_assignments (id) {
        id -> Uuid,
        challenge_id -> Uuid,
        expert_id -> Uuid,
        position -> Int4,
        status -> Text,
        decline_reason -> Nullable<Text>,
        invited_at -> Timestamptz,
        responded_at -> Nullable<Timestamptz>,
        submitted_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    acceptance_panels (challenge_id) {
        challenge_id -> Uuid,
        bid_id -> Uuid,
        seed -> Int8,
        panel_size -> Int4,
        candidates -> Jsonb,
        exclusions -> Jsonb,
        next_position -> Int4,
        review_deadline -> Timestamptz,
        drawn_by -> Uuid,
        drawn_at -> Timestamptz,
        closed_by -> Nullable<Uuid>,
        closed_at -> Nullable<Timestamptz>,
        result -> Nullable<Text>,
        passes -> Nullable<Int4>,
        fails -> Nullable<Int4>,
        kpi_tallies -> Nullable<Jsonb>,
    }
}

diesel::table! {
    acceptance_verdicts (assignment_id) {
        assignment_id -> Uuid,
        kpis -> Jsonb,
        pass -> Bool,
        comment -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    assignments (id) {
        id -> Uuid,
        challenge_id -> Uuid,
        expert_id -> Uuid,
        position -> Int4,
        status -> Text,
        decline_reason -> Nullable<Text>,
        invited_at -> Timestamptz,
        responded_at -> Nullable<Timestamptz>,
        submitted_at -> Nullable<Timestamptz>,
    }
}

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
    awards (id) {
        id -> Uuid,
        challenge_id -> Uuid,
        bid_id -> Uuid,
        organization_id -> Uuid,
        amount_fen -> Int8,
        rank -> Int4,
        top_ranked -> Bool,
        reason -> Nullable<Text>,
        proposed_by -> Uuid,
        proposed_at -> Timestamptz,
        proposal_check_ids -> Array<Nullable<Uuid>>,
        working_days -> Int4,
        starts_on -> Date,
        ends_on -> Date,
        ends_at -> Timestamptz,
        calendar_maintained -> Bool,
        status -> Text,
        blocked_at -> Nullable<Timestamptz>,
        confirm_check_ids -> Nullable<Array<Nullable<Uuid>>>,
        withdrawn_at -> Nullable<Timestamptz>,
        withdrawn_by -> Nullable<Uuid>,
        withdrawal_reason -> Nullable<Text>,
        confirmed_at -> Nullable<Timestamptz>,
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
        locked_by -> Nullable<Text>,
        locked_until -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    bid_members (bid_id, position) {
        bid_id -> Uuid,
        position -> Int4,
        role -> Text,
        name -> Text,
        id_hash -> Bytea,
        id_masked -> Text,
        title -> Text,
        duty -> Text,
    }
}

diesel::table! {
    bids (id) {
        id -> Uuid,
        challenge_id -> Uuid,
        organization_id -> Uuid,
        created_by -> Uuid,
        status -> Text,
        anonymous_code -> Nullable<Text>,
        technical_approach -> Text,
        kpi_commitments -> Jsonb,
        requested_fen -> Nullable<Int8>,
        duration_months -> Nullable<Int4>,
        milestones -> Jsonb,
        credit_result -> Nullable<Text>,
        prefill -> Nullable<Jsonb>,
        review_result -> Nullable<Text>,
        review_reason -> Nullable<Text>,
        reviewed_by -> Nullable<Uuid>,
        reviewed_at -> Nullable<Timestamptz>,
        version -> Int4,
        submitted_at -> Nullable<Timestamptz>,
        withdrawn_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    calendar_days (day) {
        day -> Date,
        year -> Int4,
        kind -> Text,
        name -> Text,
    }
}

diesel::table! {
    calendar_years (year) {
        year -> Int4,
        updated_by -> Uuid,
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
        awarded_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    commitment_signatures (id) {
        id -> Uuid,
        version_id -> Uuid,
        kind -> Text,
        signer_id -> Uuid,
        assignment_id -> Nullable<Uuid>,
        acceptance_assignment_id -> Nullable<Uuid>,
        sha256 -> Text,
        client_addr -> Nullable<Text>,
        signed_at -> Timestamptz,
    }
}

diesel::table! {
    commitment_versions (id) {
        id -> Uuid,
        kind -> Text,
        version -> Int4,
        text_zh -> Text,
        text_en -> Text,
        sha256 -> Text,
        published_at -> Timestamptz,
        published_by -> Nullable<Uuid>,
    }
}

diesel::table! {
    credit_checks (id) {
        id -> Uuid,
        subject_kind -> Text,
        subject_key -> Text,
        subject_code -> Text,
        subject_name -> Text,
        purpose -> Text,
        general_blocks -> Bool,
        standing -> Text,
        result -> Text,
        matched -> Jsonb,
        requested_by -> Nullable<Uuid>,
        review_id -> Nullable<Uuid>,
        context -> Nullable<Jsonb>,
        checked_at -> Timestamptz,
    }
}

diesel::table! {
    credit_imports (id) {
        id -> Uuid,
        source -> Text,
        file_name -> Nullable<Text>,
        encoding -> Text,
        size_bytes -> Int8,
        sha256 -> Bytea,
        read_rows -> Int4,
        inserted -> Int4,
        updated -> Int4,
        unchanged -> Int4,
        rejected -> Int4,
        rejected_lines -> Jsonb,
        rejected_truncated -> Bool,
        created_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    credit_records (id) {
        id -> Uuid,
        subject_kind -> Text,
        subject_key -> Text,
        subject_code -> Text,
        subject_name -> Text,
        severity -> Text,
        category -> Text,
        reason -> Text,
        authority -> Text,
        source -> Text,
        source_record_id -> Text,
        decided_on -> Date,
        valid_until -> Nullable<Date>,
        repaired_on -> Nullable<Date>,
        repair_note -> Nullable<Text>,
        repaired_by -> Nullable<Uuid>,
        repaired_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    credit_reviews (id) {
        id -> Uuid,
        selection -> Jsonb,
        totals -> Jsonb,
        subjects -> Int4,
        created_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    documents (id) {
        id -> Uuid,
        series_id -> Uuid,
        version -> Int4,
        attached_to -> Text,
        challenge_id -> Uuid,
        bid_id -> Nullable<Uuid>,
        milestone_id -> Nullable<Uuid>,
        file_name -> Text,
        kind -> Text,
        content_type -> Text,
        size_bytes -> Int8,
        sha256 -> Text,
        blind_sha256 -> Nullable<Text>,
        blind_size_bytes -> Nullable<Int8>,
        blind_file_name -> Nullable<Text>,
        blind_removed -> Nullable<Jsonb>,
        blind_made_at -> Nullable<Timestamptz>,
        uploaded_by -> Uuid,
        uploaded_at -> Timestamptz,
        replaced_at -> Nullable<Timestamptz>,
        removed_by -> Nullable<Uuid>,
        removed_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    experts (user_id) {
        user_id -> Uuid,
        id_hash -> Bytea,
        id_masked -> Text,
        fields -> Array<Nullable<Text>>,
        title -> Text,
        conflict_usccs -> Array<Nullable<Text>>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    milestone_reports (id) {
        id -> Uuid,
        milestone_id -> Uuid,
        deliverable -> Text,
        attachments -> Jsonb,
        reported_by -> Uuid,
        reported_at -> Timestamptz,
        outcome -> Nullable<Text>,
        reason -> Nullable<Text>,
        decided_by -> Nullable<Uuid>,
        decided_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    milestones (id) {
        id -> Uuid,
        challenge_id -> Uuid,
        bid_id -> Uuid,
        position -> Int4,
        title -> Text,
        due_month -> Int4,
        share_percent -> Int4,
        amount_fen -> Int8,
        due_on -> Date,
        original_due_on -> Nullable<Date>,
        status -> Text,
        version -> Int4,
        accepted_by -> Nullable<Uuid>,
        accepted_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
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
    objections (id) {
        id -> Uuid,
        award_id -> Uuid,
        challenge_id -> Uuid,
        objector_id -> Uuid,
        objector_name -> Text,
        reason -> Text,
        contact -> Nullable<Text>,
        filed_at -> Timestamptz,
        status -> Text,
        resolved_by -> Nullable<Uuid>,
        resolved_at -> Nullable<Timestamptz>,
        resolution -> Nullable<Text>,
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
    panel_draws (challenge_id) {
        challenge_id -> Uuid,
        seed -> Int8,
        panel_size -> Int4,
        candidates -> Jsonb,
        exclusions -> Jsonb,
        next_position -> Int4,
        review_deadline -> Timestamptz,
        drawn_by -> Uuid,
        drawn_at -> Timestamptz,
        closed_by -> Nullable<Uuid>,
        closed_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    payments (id) {
        id -> Uuid,
        milestone_id -> Uuid,
        challenge_id -> Uuid,
        organization_id -> Uuid,
        amount_fen -> Int8,
        status -> Text,
        credit_check_id -> Uuid,
        held_check_id -> Nullable<Uuid>,
        released_by -> Nullable<Uuid>,
        released_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    project_extensions (id) {
        id -> Uuid,
        challenge_id -> Uuid,
        months -> Int4,
        reason -> Text,
        status -> Text,
        requested_by -> Uuid,
        requested_at -> Timestamptz,
        decided_by -> Nullable<Uuid>,
        decided_at -> Nullable<Timestamptz>,
        decision_reason -> Nullable<Text>,
    }
}

diesel::table! {
    rankings (challenge_id, bid_id) {
        challenge_id -> Uuid,
        bid_id -> Uuid,
        rank -> Int4,
        score -> Float8,
        expert_totals -> Jsonb,
        criterion_means -> Jsonb,
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
    review_fees (id) {
        id -> Uuid,
        assignment_id -> Uuid,
        expert_id -> Uuid,
        challenge_id -> Uuid,
        bids_reviewed -> Int4,
        amount_fen -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    scores (assignment_id, bid_id) {
        assignment_id -> Uuid,
        bid_id -> Uuid,
        criteria -> Jsonb,
        total -> Int4,
        comment -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
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
        membership_pending -> Bool,
    }
}

diesel::joinable!(acceptance_assignments -> acceptance_panels (challenge_id));
diesel::joinable!(acceptance_assignments -> experts (expert_id));
diesel::joinable!(acceptance_panels -> bids (bid_id));
diesel::joinable!(acceptance_panels -> challenges (challenge_id));
diesel::joinable!(acceptance_verdicts -> acceptance_assignments (assignment_id));
diesel::joinable!(assignments -> experts (expert_id));
diesel::joinable!(assignments -> panel_draws (challenge_id));
diesel::joinable!(awards -> bids (bid_id));
diesel::joinable!(awards -> challenges (challenge_id));
diesel::joinable!(awards -> organizations (organization_id));
diesel::joinable!(bid_members -> bids (bid_id));
diesel::joinable!(bids -> challenges (challenge_id));
diesel::joinable!(bids -> organizations (organization_id));
diesel::joinable!(calendar_days -> calendar_years (year));
diesel::joinable!(calendar_years -> users (updated_by));
diesel::joinable!(challenge_clarifications -> challenges (challenge_id));
diesel::joinable!(challenge_clarifications -> users (author_id));
diesel::joinable!(challenge_events -> challenges (challenge_id));
diesel::joinable!(challenge_events -> users (actor_id));
diesel::joinable!(challenges -> organizations (issuer_org_id));
diesel::joinable!(challenges -> users (created_by));
diesel::joinable!(commitment_signatures -> acceptance_assignments (acceptance_assignment_id));
diesel::joinable!(commitment_signatures -> assignments (assignment_id));
diesel::joinable!(commitment_signatures -> users (signer_id));
diesel::joinable!(commitment_versions -> users (published_by));
diesel::joinable!(credit_checks -> credit_reviews (review_id));
diesel::joinable!(credit_checks -> users (requested_by));
diesel::joinable!(credit_imports -> users (created_by));
diesel::joinable!(credit_records -> users (repaired_by));
diesel::joinable!(credit_reviews -> users (created_by));
diesel::joinable!(documents -> bids (bid_id));
diesel::joinable!(documents -> challenges (challenge_id));
diesel::joinable!(documents -> milestones (milestone_id));
diesel::joinable!(experts -> users (user_id));
diesel::joinable!(milestone_reports -> milestones (milestone_id));
diesel::joinable!(milestones -> bids (bid_id));
diesel::joinable!(milestones -> challenges (challenge_id));
diesel::joinable!(milestones -> users (accepted_by));
diesel::joinable!(notifications -> users (user_id));
diesel::joinable!(objections -> awards (award_id));
diesel::joinable!(objections -> challenges (challenge_id));
diesel::joinable!(panel_draws -> challenges (challenge_id));
diesel::joinable!(payments -> challenges (challenge_id));
diesel::joinable!(payments -> milestones (milestone_id));
diesel::joinable!(payments -> organizations (organization_id));
diesel::joinable!(payments -> users (released_by));
diesel::joinable!(project_extensions -> challenges (challenge_id));
diesel::joinable!(rankings -> bids (bid_id));
diesel::joinable!(rankings -> challenges (challenge_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::joinable!(review_fees -> assignments (assignment_id));
diesel::joinable!(review_fees -> challenges (challenge_id));
diesel::joinable!(review_fees -> experts (expert_id));
diesel::joinable!(scores -> assignments (assignment_id));
diesel::joinable!(scores -> bids (bid_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(users -> organizations (organization_id));

diesel::allow_tables_to_appear_in_same_query!(
    acceptance_assignments,
    acceptance_panels,
    acceptance_verdicts,
    assignments,
    audit_log,
    awards,
    background_jobs,
    bid_members,
    bids,
    calendar_days,
    calendar_years,
    challenge_clarifications,
    challenge_events,
    challenges,
    commitment_signatures,
    commitment_versions,
    credit_checks,
    credit_imports,
    credit_records,
    credit_reviews,
    documents,
    experts,
    milestone_reports,
    milestones,
    notifications,
    objections,
    organizations,
    panel_draws,
    payments,
    project_extensions,
    rankings,
    refresh_tokens,
    review_fees,
    scores,
    sessions,
    users,
);
