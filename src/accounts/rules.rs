//! The rules of accounts: who acts for an organisation, what an admin may change, which sessions
//! end with a change, and who may log in.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::input::UpdateUserRequest;
use super::models::{User, UserChanges};
use crate::auth::sessions::RevokeReason;
use crate::auth::{AuthUser, Role};
use crate::error::{AppError, AppResult, ErrorCode, FieldCode};

/// An admin, or an approved account of the organisation: they see its members and approve the
/// ones who wait.
pub fn acts_for(user: &AuthUser, organization_id: Uuid) -> bool {
    user.is(Role::Admin) || user.organization_id == Some(organization_id)
}

/// An admin cannot disable their own account nor take away their own admin role (409).
pub fn may_change(admin_id: Uuid, account_id: Uuid, req: &UpdateUserRequest) -> AppResult<()> {
    let demotes = req.role.is_some_and(|r| r != Role::Admin);
    if admin_id == account_id && (req.disabled == Some(true) || demotes) {
        return Err(AppError::conflict(ErrorCode::CannotDisableSelf));
    }
    Ok(())
}

/// The organisation an account belongs to with `role`: admins have none, every other role needs
/// one, the one asked for or else the one it has (422 on `organization_id` otherwise).
pub fn organization_for(
    role: Role,
    requested: Option<Uuid>,
    current: Option<Uuid>,
) -> AppResult<Option<Uuid>> {
    let organization_id = match (role, requested) {
        (Role::Admin, Some(_)) => {
            return Err(AppError::validation(
                "organization_id",
                FieldCode::NotAllowed,
            ));
        }
        (Role::Admin, None) => None,
        (_, Some(org)) => Some(org),
        (_, None) => current,
    };
    if role != Role::Admin && organization_id.is_none() {
        return Err(AppError::validation("organization_id", FieldCode::Required));
    }
    Ok(organization_id)
}

/// What `req` changes of `current` at `now`: only what differs is written, with a new password's
/// hash; the organisation as [`organization_for`] decides.
pub fn changes(
    current: &User,
    req: &UpdateUserRequest,
    password_hash: Option<String>,
    now: DateTime<Utc>,
) -> AppResult<UserChanges> {
    let role = req.role.unwrap_or(current.role);
    let organization_id = organization_for(role, req.organization_id, current.organization_id)?;
    let disabled_at = match req.disabled {
        Some(true) if current.disabled_at.is_none() => Some(Some(now)),
        Some(false) if current.disabled_at.is_some() => Some(None),
        _ => None,
    };
    Ok(UserChanges {
        display_name: req.display_name.as_ref().map(|n| n.trim().to_string()),
        role: req.role,
        organization_id: (organization_id != current.organization_id).then_some(organization_id),
        password_hash,
        locale: req.locale,
        disabled_at,
        updated_at: Some(now),
    })
}

/// Why an admin's change ends every session of the account, if it does: it was disabled, its
/// password or its role changed.
pub fn sessions_end(before: &User, after: &User, password_changed: bool) -> Option<RevokeReason> {
    if before.disabled_at.is_none() && after.disabled_at.is_some() {
        Some(RevokeReason::Disabled)
    } else if password_changed {
        Some(RevokeReason::PasswordChanged)
    } else if before.role != after.role {
        Some(RevokeReason::RoleChanged)
    } else {
        None
    }
}

/// Why a login is refused, if it is: a disabled account whose password matched, or a wrong
/// email or password (the same answer for both).
pub fn login_refusal(user: Option<&User>, password_matches: bool) -> Option<ErrorCode> {
    match user {
        Some(user) if password_matches && user.disabled_at.is_some() => {
            Some(ErrorCode::AccountDisabled)
        }
        Some(_) if password_matches => None,
        _ => Some(ErrorCode::InvalidCredentials),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    fn account(role: Role, organization_id: Option<Uuid>) -> User {
        User {
            id: Uuid::now_v7(),
            email: "a@example.com".into(),
            password_hash: String::new(),
            display_name: "甲".into(),
            role,
            organization_id,
            locale: Locale::ZhCn,
            disabled_at: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
            membership_pending: false,
        }
    }

    fn request(json: serde_json::Value) -> UpdateUserRequest {
        serde_json::from_value(json).unwrap()
    }

    fn field_code(result: AppResult<Option<Uuid>>) -> (String, FieldCode) {
        match result {
            Err(AppError::Validation(fields)) => (fields[0].field.clone(), fields[0].code),
            other => panic!("not a validation error: {other:?}"),
        }
    }

    #[test]
    fn admins_have_no_organisation_and_others_need_one() {
        let org = Uuid::now_v7();
        let other = Uuid::now_v7();
        assert_eq!(
            organization_for(Role::Admin, None, Some(org)).unwrap(),
            None
        );
        assert_eq!(
            field_code(organization_for(Role::Admin, Some(org), None)),
            ("organization_id".into(), FieldCode::NotAllowed)
        );
        assert_eq!(
            field_code(organization_for(Role::Expert, None, None)),
            ("organization_id".into(), FieldCode::Required)
        );
        assert_eq!(
            organization_for(Role::Solver, None, Some(org)).unwrap(),
            Some(org)
        );
        assert_eq!(
            organization_for(Role::Solver, Some(other), Some(org)).unwrap(),
            Some(other)
        );
    }

    #[test]
    fn an_admin_may_not_disable_or_demote_themselves() {
        let me = Uuid::now_v7();
        let someone = Uuid::now_v7();
        for body in [
            serde_json::json!({"disabled": true}),
            serde_json::json!({"role": "expert"}),
        ] {
            assert!(matches!(
                may_change(me, me, &request(body.clone())),
                Err(AppError::Conflict {
                    code: ErrorCode::CannotDisableSelf,
                    ..
                })
            ));
            assert!(may_change(me, someone, &request(body)).is_ok());
        }
        assert!(may_change(me, me, &request(serde_json::json!({"role": "admin"}))).is_ok());
        assert!(may_change(me, me, &request(serde_json::json!({"disabled": false}))).is_ok());
    }

    #[test]
    fn only_what_differs_is_written() {
        let org = Uuid::now_v7();
        let current = account(Role::Solver, Some(org));
        let now = Utc::now();
        let same = changes(
            &current,
            &request(serde_json::json!({"organization_id": org, "disabled": false})),
            None,
            now,
        )
        .unwrap();
        assert_eq!(same.organization_id, None);
        assert_eq!(same.disabled_at, None);
        assert_eq!(same.updated_at, Some(now));

        let promoted = changes(
            &current,
            &request(
                serde_json::json!({"role": "admin", "disabled": true, "display_name": " 乙 "}),
            ),
            None,
            now,
        )
        .unwrap();
        assert_eq!(promoted.organization_id, Some(None));
        assert_eq!(promoted.disabled_at, Some(Some(now)));
        assert_eq!(promoted.display_name.as_deref(), Some("乙"));
    }

    #[test]
    fn disabling_the_password_and_the_role_end_the_sessions_in_that_order() {
        let before = account(Role::Solver, None);
        let mut disabled = before.clone();
        disabled.disabled_at = Some(Utc::now());
        disabled.role = Role::Issuer;
        let mut promoted = before.clone();
        promoted.role = Role::Issuer;
        assert!(matches!(
            sessions_end(&before, &disabled, true),
            Some(RevokeReason::Disabled)
        ));
        assert!(matches!(
            sessions_end(&before, &promoted, true),
            Some(RevokeReason::PasswordChanged)
        ));
        assert!(matches!(
            sessions_end(&before, &promoted, false),
            Some(RevokeReason::RoleChanged)
        ));
        assert!(sessions_end(&before, &before, false).is_none());
        // Enabling again ends nothing.
        assert!(sessions_end(&disabled, &promoted, false).is_none());
    }

    #[test]
    fn a_login_is_refused_alike_for_an_unknown_email_and_a_wrong_password() {
        let active = account(Role::Solver, None);
        let mut disabled = active.clone();
        disabled.disabled_at = Some(Utc::now());
        assert_eq!(login_refusal(Some(&active), true), None);
        assert_eq!(
            login_refusal(Some(&active), false),
            Some(ErrorCode::InvalidCredentials)
        );
        assert_eq!(
            login_refusal(None, false),
            Some(ErrorCode::InvalidCredentials)
        );
        assert_eq!(
            login_refusal(Some(&disabled), true),
            Some(ErrorCode::AccountDisabled)
        );
        assert_eq!(
            login_refusal(Some(&disabled), false),
            Some(ErrorCode::InvalidCredentials)
        );
    }
}
